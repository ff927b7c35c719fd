"""linkclf.extract and `linkclf extract`: hand-written pages for every placement, context, rel,
link type, language, URLs, encodings, bad input, and the round trip into the export reader."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from linkclf.cli import app
from linkclf.errors import InputError
from linkclf.extract import extract_html, extract_pages
from linkclf.sources import read_exports

runner = CliRunner()
PAGE = "https://blog.example.org/2021/05/some-post/"
PROSE = (
    "Sourdough needs time, patience and a starter that has been fed for at least a week before "
    "the first bake; most home bakers underestimate how much the room temperature matters. "
)


def page(body: str, head: str = "", lang: str = "en") -> str:
    return (
        f'<!doctype html><html lang="{lang}"><head><title>Some post</title>'
        f'<link rel="canonical" href="{PAGE}">{head}</head><body>{body}</body></html>'
    )


def article(inner: str) -> str:
    """A page whose article carries most of the text, as real articles do."""
    return f"<main><article><h1>Some post</h1><p>{PROSE * 3}</p>{inner}<p>{PROSE * 3}</p></article></main>"


def one(html: str, anchor: str) -> pd.Series:
    links = extract_html(html)
    rows = links[links["anchor"] == anchor]
    assert len(rows) == 1, links[["anchor", "region"]]
    return rows.iloc[0]


def test_in_body_citation_is_content_with_text_on_both_sides() -> None:
    html = page(
        article(
            '<p>According to <a href="https://www.bakers.org/study">a study by the guild</a> '
            "the starter should be fed twice a day.</p>"
        )
    )
    row = one(html, "a study by the guild")
    assert (row["placement"], row["region"]) == ("content", "content")
    assert row["context_left"] == "According to"
    assert row["context_right"] == "the starter should be fed twice a day."
    assert row["source_url"] == PAGE
    assert row["source_title"] == "Some post"
    assert row["language"] == "en"
    assert row["link_type"] == "text"
    assert not row["nofollow"] and not row["ugc"] and not row["sponsored"]


@pytest.mark.parametrize(
    ("block", "region"),
    [
        ('<nav><ul><li><a href="https://x.com/a">Partner</a></li></ul></nav>', "nav"),
        ('<header><a href="https://x.com/a">Partner</a></header>', "header"),
        ('<footer><p>© 2021 <a href="https://x.com/a">Partner</a></p></footer>', "footer"),
        ('<aside><a href="https://x.com/a">Partner</a></aside>', "sidebar"),
        ('<div role="navigation"><a href="https://x.com/a">Partner</a></div>', "nav"),
        ('<div role="contentinfo"><a href="https://x.com/a">Partner</a></div>', "footer"),
        ('<div id="site-footer"><a href="https://x.com/a">Partner</a></div>', "footer"),
        ('<div class="mainMenu"><a href="https://x.com/a">Partner</a></div>', "nav"),
        ('<div class="widget-area"><a href="https://x.com/a">Partner</a></div>', "sidebar"),
        (
            '<ol class="comment-list"><li>nice <a href="https://x.com/a">Partner</a></li></ol>',
            "comment",
        ),
        ('<div class="related-posts"><a href="https://x.com/a">Partner</a></div>', "related"),
        ('<div class="share-buttons"><a href="https://x.com/a">Partner</a></div>', "social"),
    ],
)
def test_template_placements_from_tags_roles_and_class_words(block: str, region: str) -> None:
    row = one(page(article("") + block), "Partner")
    assert row["region"] == region
    expected = {"related": "sidebar", "social": "sidebar"}.get(region, region)
    assert row["placement"] == expected


def test_template_block_inside_the_article_is_still_template() -> None:
    html = page(
        article(
            '<div class="share-bar"><a href="https://twitter.com/intent">Tweet</a></div>'
            '<footer class="entry-footer"><a href="https://x.com/tag">Filed under</a></footer>'
        )
    )
    assert one(html, "Tweet")["region"] == "social"
    assert one(html, "Filed under")["region"] == "footer"


def test_a_layout_wrapper_named_after_its_sidebar_does_not_make_the_article_a_sidebar() -> None:
    html = page(
        '<div class="layout has-sidebar">'
        + article('<p>See <a href="https://www.bakers.org/x">the guild</a> for more on this.</p>')
        + '<div class="sidebar"><a href="https://ads.example.net/">Ad</a></div></div>'
    )
    assert one(html, "the guild")["region"] == "content"
    assert one(html, "Ad")["region"] == "sidebar"


def test_without_hints_link_density_decides() -> None:
    # No semantic tags, no class words: prose around the link makes it content; a bare list of
    # links at the bottom of the page is template (footer by position).
    html = page(
        f"<div><p>{PROSE}</p><p>{PROSE} Read <a href='https://www.bakers.org/x'>the guide</a> "
        f"today. {PROSE}</p></div>"
        "<div><ul>"
        + "".join(f"<li><a href='https://p{i}.example.net/'>Partner {i}</a></li>" for i in range(8))
        + "</ul></div>"
    )
    assert one(html, "the guide")["region"] == "content"
    assert one(html, "Partner 7")["region"] == "footer"


def test_teaser_cards_are_related() -> None:
    cards = "".join(
        f'<article class="card"><a href="https://news{i}.example.net/story">Story {i}</a></article>'
        for i in range(4)
    )
    html = page(article("") + f"<section>{cards}</section>")
    assert one(html, "Story 2")["region"] == "related"


def test_image_link_takes_the_alt_text_and_rel_flags_are_read() -> None:
    html = page(
        article(
            '<p><a href="https://shop.example.net/" rel="sponsored noopener"><img src="b.png" '
            'alt="Shop banner"></a></p>'
            '<p>Thanks <a href="https://u.example.net/" rel="ugc nofollow">Ann</a> for this.</p>'
        )
    )
    img = one(html, "Shop banner")
    assert img["link_type"] == "image"
    assert img["sponsored"] and not img["nofollow"]
    ann = one(html, "Ann")
    assert ann["ugc"] and ann["nofollow"] and not ann["sponsored"]


def test_context_is_bounded_and_stays_inside_the_block() -> None:
    long = " ".join(f"w{i}" for i in range(100))
    html = page(
        article(
            f"<p>outside words</p><p>{long} <a href='https://x.com/'>X</a> {long}</p>"
            "<p>after block</p>"
        )
    )
    links = extract_html(html, context_words=10)
    row = links[links["anchor"] == "X"].iloc[0]
    assert row["context_left"].split() == [f"w{i}" for i in range(90, 100)]
    assert row["context_right"].split() == [f"w{i}" for i in range(10)]
    assert "outside" not in row["context_left"] and "after" not in row["context_right"]


def test_inline_markup_does_not_split_words_and_scripts_are_not_text() -> None:
    html = page(
        article(
            "<p>an <b>un</b>fair <script>var x = 1;</script>deal at "
            "<a href='https://x.com/'>X</a><br>next line</p>"
        )
    )
    row = one(html, "X")
    assert row["context_left"] == "an unfair deal at"
    assert row["context_right"] == "next line"


def test_outbound_only_by_default_internal_and_external_counts() -> None:
    html = page(
        article(
            '<p><a href="/about">About</a> <a href="https://www.example.org/x">Sister</a> '
            '<a href="https://blog.example.org/y">Same host</a> <a href="https://x.com/">X</a> '
            '<a href="mailto:a@b.c">Mail</a> <a href="javascript:void(0)">JS</a> '
            '<a href="#top">Top</a></p>'
        )
    )
    out = extract_html(html)
    # example.org's own pages are internal (linkclf.domains.site); mailto/js/# are not links.
    assert out["anchor"].tolist() == ["X"]
    assert out["external_links"].iloc[0] == 1
    assert out["internal_links"].iloc[0] == 4
    everything = extract_html(html, all_links=True)
    # "#top" is the page itself: an internal link once the fragment is dropped.
    assert sorted(everything["anchor"]) == sorted(["About", "Sister", "Same host", "X", "Top"])


def test_relative_links_resolve_against_base_href_and_fragments_drop() -> None:
    html = page(
        article('<p><a href="guide#part2">Guide</a></p>'),
        head='<base href="https://cdn.other.net/docs/">',
    )
    row = one(html, "Guide")
    assert row["target_url"] == "https://cdn.other.net/docs/guide"


def test_hosted_platform_subdomains_are_separate_sites() -> None:
    html = (
        '<html><head><link rel="canonical" href="https://anna.wordpress.com/post/"></head><body>'
        + article('<p>by <a href="https://bob.wordpress.com/">Bob</a> today</p>')
        + "</body></html>"
    )
    assert one(html, "Bob")["target_url"] == "https://bob.wordpress.com/"


def test_page_url_from_og_url_or_given_url_and_error_without_one() -> None:
    body = article('<p><a href="https://x.com/">X</a></p>')
    og = f'<html><head><meta property="og:url" content="https://news.example.com/a-1"></head><body>{body}</body></html>'
    assert extract_html(og)["source_url"].iloc[0] == "https://news.example.com/a-1"
    given = extract_html(og, "https://mirror.example.net/a")
    assert given["source_url"].iloc[0] == "https://mirror.example.net/a"
    with pytest.raises(InputError, match="--url"):
        extract_html(f"<html><body>{body}</body></html>")
    with pytest.raises(InputError, match="absolute http"):
        extract_html(og, "ftp://x/y")


def test_language_from_lang_attribute_meta_or_stop_words() -> None:
    body = article('<p><a href="https://x.com/">X</a></p>')
    assert extract_html(page(body, lang="de-AT"))["language"].iloc[0] == "de"
    meta = f'<html><head><meta http-equiv="content-language" content="fr"><link rel="canonical" href="{PAGE}"></head><body>{body}</body></html>'
    assert extract_html(meta)["language"].iloc[0] == "fr"
    dutch = "<p>" + "Het is een mooie dag en de zon schijnt voor iedereen die er van houdt. " * 6
    nl = f'<html><head><link rel="canonical" href="{PAGE}"></head><body>{dutch}<a href="https://x.com/">X</a></p></body></html>'
    assert extract_html(nl)["language"].iloc[0] == "nl"
    short = f'<html><head><link rel="canonical" href="{PAGE}"></head><body><a href="https://x.com/">X</a></body></html>'
    assert pd.isna(extract_html(short)["language"].iloc[0])


def test_gzip_and_declared_charset_pages(tmp_path: Path) -> None:
    html = page(article('<p>Café <a href="https://x.com/">Crème brûlée</a> über</p>'))
    latin = tmp_path / "latin.html"
    latin.write_bytes(html.replace("<head>", '<head><meta charset="iso-8859-1">').encode("latin-1"))
    zipped = tmp_path / "page.html.gz"
    zipped.write_bytes(gzip.compress(html.encode("utf-8")))
    out = extract_pages([latin, zipped])
    assert out["anchor"].tolist() == ["Crème brûlée", "Crème brûlée"]
    assert out["context_left"].iloc[0].endswith("Café")


def test_cli_writes_an_export_that_score_reads(tmp_path: Path) -> None:
    html = page(
        article('<p>Read <a href="https://www.bakers.org/x">=cmd() guide</a> now.</p>')
        + '<footer><a href="https://x.com/" rel="nofollow">X</a></footer>'
    )
    src = tmp_path / "page.html"
    src.write_text(html)
    out = tmp_path / "links.csv"
    result = runner.invoke(app, ["extract", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    links = read_exports([out])
    assert len(links) == 2
    assert set(links["placement"]) == {"content", "footer"}
    assert links.loc[links["placement"] == "footer", "nofollow"].iloc[0]
    # A hostile anchor is neutralised for spreadsheets, never evaluated.
    assert links.loc[links["placement"] == "content", "anchor"].iloc[0].startswith("'=")
    assert (links["external_links"] == 2).all()


def test_cli_bad_input_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    src = tmp_path / "page.html"
    src.write_text("<html><body><a href='https://x.com/'>X</a></body></html>")
    out = tmp_path / "links.csv"
    result = runner.invoke(app, ["extract", str(src), "-o", str(out)])
    assert result.exit_code == 1
    assert "--url" in result.output and "Traceback" not in result.output
    assert not out.exists()
    empty = tmp_path / "empty.html"
    empty.write_text("")
    result = runner.invoke(app, ["extract", str(empty), "-o", str(out), "--url", "https://a.b/"])
    assert result.exit_code == 1 and "empty" in result.output
    result = runner.invoke(app, ["extract", str(src), "-o", str(src), "--url", "https://a.b/"])
    assert result.exit_code == 1 and "also an input" in result.output
    two = runner.invoke(
        app, ["extract", str(src), str(src), "-o", str(out), "--url", "https://a.b/"]
    )
    assert two.exit_code == 1 and "single page" in two.output
    ok = runner.invoke(app, ["extract", str(src), "-o", str(out), "--url", "https://a.b/p"])
    assert ok.exit_code == 0 and out.exists()
