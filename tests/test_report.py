"""The HTML audit report: sections and figures, escaping of hostile text, the CLI's errors."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from linkclf.cli import app
from linkclf.errors import InputError
from linkclf.report import CSP, SECTIONS, profile, read_scored_for_report, render_report, tables
from linkclf.report.read import read_model_threshold
from linkclf.report.render import CHANGES, SCRIPT

DATA = Path(__file__).resolve().parent / "data" / "report"
PAYLOADS = DATA / "scored_payloads.csv"


@pytest.fixture(scope="module")
def scored() -> pd.DataFrame:
    return read_scored_for_report(PAYLOADS)


@pytest.fixture(scope="module")
def html(scored: pd.DataFrame) -> str:
    return render_report(scored, title="<b>audit</b> of bakkerij-devries.nl")


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text, as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser


def test_hostile_text_never_becomes_markup(html: str) -> None:
    # The one script is ours, verbatim; no other.
    assert html.lower().count("<script") == 1
    assert f"<script>{SCRIPT}</script>" in html
    tags = _parse(html)
    names = {tag for tag, _ in tags.tags}
    assert not names & {"img", "iframe", "object", "embed", "link", "base", "form"}
    for tag, attrs in tags.tags:
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name, value)
            assert name not in ("src", "action", "formaction", "srcset"), (tag, name)
            if name == "href":  # only the table of contents' jumps within the page
                assert tag == "a" and re.fullmatch(r"#[a-z0-9-]+", value or ""), (tag, value)
            assert "javascript:" not in (value or "").lower(), (tag, name, value)
    # ... while the payloads are shown to the reader as text (the auditor must see them).
    text = "".join(tags.text)
    assert "<script>var d=document.createElement('div')" in text
    assert '"><img src=x onerror=' in text
    assert "javascript:document.title='PWNED'" in text
    assert "<b>audit</b> of bakkerij-devries.nl" in text  # the title is text too


def test_spreadsheet_quote_is_removed_for_display(html: str) -> None:
    text = "".join(_parse(html).text)
    assert "=HYPERLINK(" in text and "'=HYPERLINK(" not in text
    assert "@SUM(1+1)" in text and "'@SUM(1+1)" not in text


def test_page_is_self_contained_with_a_strict_csp(html: str) -> None:
    head = html.split("</head>", 1)[0]
    assert f'http-equiv="Content-Security-Policy" content="{CSP}"' in head
    assert "default-src 'none'" in CSP
    # Scripts: only the shipped one, by the hash of its exact text (no 'unsafe-inline').
    digest = base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}';" in CSP
    assert "unsafe-inline" not in CSP.split("script-src", 1)[1].split(";", 1)[0]
    # No URL the browser could fetch: the only URL in any attribute is the SVG namespace.
    for tag, attrs in _parse(html).tags:
        for name, value in attrs:
            if "//" in (value or "") or "url(" in (value or ""):
                assert (name, value) == ("xmlns", "http://www.w3.org/2000/svg"), (tag, name)
    assert "url(" not in html.split("<body>", 1)[0]  # nor in the stylesheet


def test_every_section_in_order(html: str) -> None:
    positions = [html.find(f"<h3>{name}</h3>") for name in SECTIONS]
    assert all(p > 0 for p in positions)
    assert positions == sorted(positions)
    assert html.count("<svg ") >= 5  # histogram, anchor types, domains per month, timeline, kinds


def test_figures(scored: pd.DataFrame) -> None:
    links = tables.prepare(scored)
    summary = tables.summary(links)
    assert summary.n_links == 100
    assert summary.n_flagged == int((scored["flag"] == "1").sum())
    lowest = pd.to_numeric(scored.loc[scored["flag"] == "1", "p_manipulative"]).min()
    assert summary.threshold.startswith(f"{lowest:.4f} (the lowest flagged score")

    hist = tables.score_histogram(links)
    assert int(hist[["natural", "flagged"]].to_numpy().sum()) == 100
    assert hist.loc[hist["high"] <= 0.5, "flagged"].sum() == 0  # flags follow p >= 0.5 here

    risky = tables.risky_domains(links)
    assert risky["flagged"].is_monotonic_decreasing
    assert risky.iloc[0]["domain"].startswith("cheap-links")
    assert risky.iloc[0]["flagged_share"] == 1.0

    line, unit = tables.timeline(links)
    assert unit == "week"
    burst = line[line["burst"]]
    assert len(burst) >= 1 and burst["total"].max() >= 30

    mix = tables.anchor_mix(links)
    assert mix["links"].sum() == 100
    assert {"brand", "generic", "naked_url"} <= set(mix["anchor_type"])

    kinds = tables.kinds(links)
    assert kinds.set_index("kind").loc["natural", "flagged"] == 0


def _weekly(counts: list[int]) -> pd.DataFrame:
    dates = [
        (pd.Timestamp("2025-01-06") + pd.Timedelta(weeks=w)).strftime("%Y-%m-%d")
        for w, n in enumerate(counts)
        for _ in range(n)
    ]
    return tables.prepare(pd.DataFrame({"p_manipulative": 0.1, "flag": "0", "first_seen": dates}))


def test_a_steadily_growing_profile_has_no_burst() -> None:
    line, unit = tables.timeline(_weekly(list(range(4, 40, 2))))
    assert unit == "week" and not line["burst"].any()


def test_a_jump_is_a_burst_and_weeks_start_on_monday() -> None:
    line, _ = tables.timeline(_weekly([6, 5, 7, 6, 5, 6, 40, 6, 5]))
    assert line.loc[line["burst"], "period"].tolist() == ["2025-02-17"]
    assert pd.Timestamp(line["period"].iloc[0]).day_name() == "Monday"


def test_threshold_overrides_the_flag_column(scored: pd.DataFrame) -> None:
    links = tables.prepare(scored, threshold=0.9)
    assert links["flagged"].sum() == (pd.to_numeric(scored["p_manipulative"]) >= 0.9).sum()
    assert tables.summary(links, 0.9).threshold == "0.9 (given)"


def test_anchor_type_column_is_used_when_present(scored: pd.DataFrame) -> None:
    given = scored.assign(anchor_type="exact")
    mix = tables.anchor_mix(tables.prepare(given))
    assert mix["anchor_type"].tolist() == ["exact"]


def test_disavow_candidates_follow_the_disavow_rule(html: str) -> None:
    # cheap-links*.xyz: every link flagged, several links -> whole-domain lines.
    assert "domain:cheap-links0.xyz" in html


def test_minimal_file_renders(tmp_path: Path) -> None:
    """Only the two required columns: every section still renders, with a note where empty."""
    frame = pd.DataFrame({"p_manipulative": ["0.1", "0.9"], "flag": ["0", "1"]})
    out = render_report(frame)
    assert "The export has no first-seen dates." in out
    for name in SECTIONS:
        assert f"<h3>{name}</h3>" in out
    # Nothing the file lacks is shown as a figure: no rel, type, metric, IP or lost table.
    assert "The export has no rel (nofollow / ugc / sponsored) columns." in out
    assert "The export has no link type column." in out
    assert "The export has no authority metric" in out
    assert "The export has no source IP column." in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty file"),
        ("source_url,flag\nhttps://a.nl/,1\n", "p_manipulative"),
        ("source_url,p_manipulative,flag\n", "no rows"),
        ("source_url,p_manipulative,flag\nhttps://a.nl/,1.7,1\n", "row 2"),
        ("source_url,p_manipulative\nhttps://a.nl/,0.7\n", "--threshold"),
    ],
)
def test_bad_input_is_one_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "scored.csv"
    path.write_text(content, encoding="utf-8")
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["report", str(path), "-o", str(out)])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists()


def test_library_raises_input_error_without_p_column() -> None:
    with pytest.raises(InputError, match="p_manipulative"):
        render_report(pd.DataFrame({"source_url": ["https://a.nl/"]}))


def test_cli_writes_the_report_and_refuses_to_overwrite_its_input(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    runner = CliRunner()
    result = runner.invoke(app, ["report", str(PAYLOADS), "-o", str(out), "--title", "Audit"])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")

    copy = tmp_path / "scored.csv"
    copy.write_bytes(PAYLOADS.read_bytes())
    result = runner.invoke(app, ["report", str(copy), "-o", str(copy)])
    assert result.exit_code == 1
    assert copy.read_bytes() == PAYLOADS.read_bytes()

    result = runner.invoke(app, ["report", str(PAYLOADS), "-o", str(tmp_path / "r.txt")])
    assert result.exit_code == 1 and ".html" in result.output


def test_help_has_an_example() -> None:
    result = CliRunner().invoke(app, ["report", "--help"])
    assert result.exit_code == 0
    assert "linkclf report scored.csv -o report.html" in result.output


@pytest.mark.slow
def test_report_of_a_real_score_run(tmp_path: Path) -> None:
    """`linkclf score` with the shipped model, then `linkclf report` on its output."""
    repo = Path(__file__).resolve().parents[1]
    model, sample = repo / "models" / "default", repo / "datasets" / "samples" / "sample-links.csv"
    if not (model / "model.json").is_file() or not sample.is_file():
        pytest.skip("the shipped model or the sample export is absent")
    # 400 links of the canonical sample keep the (cold-cache) embedding step short.
    export, scored, out = tmp_path / "links.csv", tmp_path / "scored.csv", tmp_path / "report.html"
    pd.read_csv(sample, dtype=str, keep_default_na=False).head(400).to_csv(export, index=False)
    runner = CliRunner()
    result = runner.invoke(app, ["score", str(export), "-o", str(scored), "--model", str(model)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["report", str(scored), "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    n_links = len(pd.read_csv(scored, usecols=["p_manipulative"]))
    assert f"<b>{n_links:,}</b>links" in html
    for name in SECTIONS:
        assert f"<h3>{name}</h3>" in html
    assert "Disavow candidates" in html and "candidates by the rule of" in html


# --- one section per target site, and the figures behind each --------------------------------


def _two_sites() -> pd.DataFrame:
    """Scored rows for two target sites with rel, type, authority, IP, dates and lost."""
    rows = []
    for i in range(6):
        rows.append(
            {
                "source_url": f"https://blog{i}.nl/p/{i}",
                "target_url": "https://www.bakkerij-devries.nl/brood",
                "anchor": ["bakkerij devries", "klik hier", "volkoren brood kopen"][i % 3],
                "nofollow": "True" if i == 5 else "False",
                "sponsored": "False",
                "ugc": "False",
                "link_type": "image" if i == 4 else "text",
                "domain_rating": str(10 * i + 5),
                "source_ip": f"10.0.7.{i + 1}" if i < 3 else f"10.0.{i}.1",
                "first_seen": "2025-01-10" if i < 3 else "2025-02-10",
                "last_seen": "2025-03-05",
                "lost": "True" if i == 0 else "False",
                "p_manipulative": ["0.9", "0.8", "0.2", "0.1", "0.3", "0.95"][i],
                "flag": ["1", "1", "0", "0", "0", "1"][i],
                "kind": ["pbn", "paid", "natural", "natural", "natural", "comment_spam"][i],
            }
        )
    for i in range(3):
        rows.append(
            {
                "source_url": f"https://forum{i}.example.com/t/{i}",
                "target_url": "https://shop.fietsen-janssen.be/",
                "anchor": "fietsen janssen",
                "p_manipulative": "0.1",
                "flag": "0",
                "kind": "natural",
            }
        )
    return pd.DataFrame(rows).fillna("")


def test_each_target_site_gets_its_own_section_and_a_contents_entry() -> None:
    out = render_report(_two_sites())
    assert out.count('<section class="site"') == 2
    for site in ("bakkerij-devries.nl", "fietsen-janssen.be"):
        assert f"<h2>{site}</h2>" in out
        assert f">{site}</a>" in out  # table of contents and overview table
    first, second = out.split('<section class="site"')[1:]
    for name in SECTIONS:
        assert f"<h3>{name}</h3>" in first and f"<h3>{name}</h3>" in second
    assert "<b>2</b>target sites" in out


def test_profile_risk_counts_followed_links_weighted_by_p() -> None:
    links = tables.prepare(_two_sites())
    site = links[links["site"] == "bakkerij-devries.nl"]
    risk = profile.profile_risk(site)
    # Followed: rows 0-4 (row 5 is nofollow). Flagged among them: p 0.9 and 0.8.
    assert risk.rel_known and risk.n_followed == 5 and risk.n_flagged == 2
    assert risk.value == pytest.approx((0.9 + 0.8) / 5)
    # No rel column at all: every link counts, and the report says so.
    bare = tables.prepare(_two_sites().drop(columns=["nofollow", "sponsored", "ugc"]))
    bare_risk = profile.profile_risk(bare[bare["site"] == "bakkerij-devries.nl"])
    assert not bare_risk.rel_known and bare_risk.n_followed == 6
    assert bare_risk.value == pytest.approx((0.9 + 0.8 + 0.95) / 6)


def test_rel_and_link_type_mix() -> None:
    links = tables.prepare(_two_sites())
    site = links[links["site"] == "bakkerij-devries.nl"]
    rel = profile.rel_mix(site).set_index("rel")["links"].to_dict()
    assert rel == {"follow": 5, "nofollow": 1, "ugc": 0, "sponsored": 0}
    types = profile.link_type_mix(site).set_index("link_type")["links"].to_dict()
    assert types == {"text": 5, "image": 1}
    # The second site's rows have no rel values: "unknown", never "follow".
    both = profile.rel_mix(links).set_index("rel")["links"].to_dict()
    assert both["unknown"] == 3 and both["follow"] == 5
    assert profile.rel_mix(links[links["site"] == "fietsen-janssen.be"]).empty


def test_authority_shows_only_the_metrics_the_export_has() -> None:
    links = tables.prepare(_two_sites())
    dists = profile.authority(links[links["site"] == "bakkerij-devries.nl"])
    assert list(dists) == ["domain_rating"]
    dr = dists["domain_rating"].set_index("bin")
    assert dr["domains"].sum() == 6 and dr.loc["50-59", "domains"] == 1
    assert profile.authority(links[links["site"] == "fietsen-janssen.be"]) == {}
    html = render_report(_two_sites())
    assert "Domain Rating (Ahrefs)" in html and "Trust Flow" not in html


def test_ip_clusters_group_domains_by_24_network() -> None:
    links = tables.prepare(_two_sites())
    clusters = profile.ip_clusters(links)
    assert clusters["subnet"].tolist() == ["10.0.7.0/24"]
    assert sorted(clusters.iloc[0]["members"]) == ["blog0.nl", "blog1.nl", "blog2.nl"]
    assert clusters.iloc[0]["flagged"] == 2


def test_new_and_lost_domains_per_month() -> None:
    links = tables.prepare(_two_sites())
    months = profile.domains_per_month(links[links["site"] == "bakkerij-devries.nl"])
    by_month = months.set_index("month")
    assert by_month.loc["2025-01", "new"] == 3 and by_month.loc["2025-02", "new"] == 3
    # blog0.nl: its one link is lost, last seen in March.
    assert by_month.loc["2025-03", "lost"] == 1 and by_month["lost"].sum() == 1
    # Without a lost column nothing is lost (missing is not evidence).
    bare = tables.prepare(_two_sites().drop(columns=["lost"]))
    assert profile.domains_per_month(bare)["lost"].sum() == 0


def test_top_anchors_and_tlds() -> None:
    links = tables.prepare(_two_sites())
    top = profile.top_anchors(links[links["site"] == "bakkerij-devries.nl"])
    assert top["links"].tolist() == [2, 2, 2] and top["domains"].tolist() == [2, 2, 2]
    tld = profile.tlds(links).set_index("tld")
    assert tld.loc["nl", "domains"] == 6 and tld.loc["com", "domains"] == 1


def test_threshold_is_one_number_from_the_model_directory(tmp_path: Path) -> None:
    model = tmp_path / "m"
    model.mkdir()
    (model / "model.json").write_text('{"threshold": 0.7375, "training": {"name": "default"}}')
    frame = _two_sites()
    assert read_model_threshold(model, frame) == 0.7375
    assert read_model_threshold(model, frame.assign(model="other@12ab")) is None
    assert read_model_threshold(tmp_path / "absent", frame) is None
    html = render_report(frame, model_threshold=0.7375)
    assert "0.7375 (the model&#x27;s)" in html


def test_report_cli_site_option_keeps_one_site(tmp_path: Path) -> None:
    path, out = tmp_path / "scored.csv", tmp_path / "report.html"
    _two_sites().to_csv(path, index=False)
    args = ["report", str(path), "-o", str(out), "--site", "fietsen-janssen.be"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert html.count('<section class="site"') == 1 and "<h2>fietsen-janssen.be</h2>" in html
    result = CliRunner().invoke(app, [*args[:-1], "nowhere.nl"])
    assert result.exit_code == 1 and "nowhere.nl" in result.output


def test_previous_export_adds_a_changes_section() -> None:
    now = _two_sites()
    before = tables.prepare(now.iloc[2:].reset_index(drop=True))
    html = render_report(now, previous=before)
    assert html.count(f"<h3>{CHANGES}</h3>") == 2
    first = html.split('<section class="site"')[1]
    # blog1 appeared since; blog0 too, but it is listed as lost: not a new link.
    assert "<b>1</b>new links" in first
