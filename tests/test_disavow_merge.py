"""Candidates, allowlist and merge: the rule, private suffixes, IDNs, nothing lost, idempotence."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linkclf.disavow import (
    Allowlist,
    DomainRule,
    Entry,
    build_candidates,
    default_allowlist,
    merge,
    parse,
    parse_allowlist,
    render,
    review_frame,
)
from linkclf.errors import ConfigError, DisavowError

TODAY = dt.date(2025, 3, 4)


def scored(rows: list[tuple[str, float, int]], **extra: list[str]) -> pd.DataFrame:
    """A small scored frame: (source_url, p_manipulative, flag) per link."""
    df = pd.DataFrame(
        {
            "source_url": [r[0] for r in rows],
            "target_url": ["https://me.example/"] * len(rows),
            "p_manipulative": [r[1] for r in rows],
            "flag": [r[2] for r in rows],
        }
    )
    for col, values in extra.items():
        df[col] = values
    return df


def lines_of(df: pd.DataFrame, **kw: object) -> list[str]:
    return [c.line for c in build_candidates(df, **kw)]


def test_domain_rule_share_and_count() -> None:
    df = scored(
        [
            ("http://pbn.example/a", 0.8, 1),
            ("http://pbn.example/b", 0.7, 1),
            ("http://pbn.example/c", 0.2, 0),  # 2 of 3 flagged: domain
            ("https://news.example/a", 0.9, 1),
            ("https://news.example/b", 0.1, 0),
            ("https://news.example/c", 0.1, 0),  # 1 of 3: that page only
            ("https://clean.example/", 0.1, 0),
        ]
    )
    assert lines_of(df) == ["domain:pbn.example", "https://news.example/a"]
    # Configurable: demand 90 % and pbn.example drops to its two pages.
    assert lines_of(df, rule=DomainRule(min_share=0.9)) == [
        "http://pbn.example/a",
        "http://pbn.example/b",
        "https://news.example/a",
    ]


def test_few_links_need_a_sure_model_for_a_domain_line() -> None:
    df = scored([("http://one.example/x", 0.96, 1), ("http://two.example/y", 0.8, 1)])
    assert lines_of(df) == ["domain:one.example", "http://two.example/y"]
    with pytest.raises(ConfigError):
        DomainRule(min_share=1.5)


def test_threshold_overrides_the_flag_column() -> None:
    df = scored([("http://a.example/1", 0.4, 0), ("http://b.example/1", 0.3, 0)])
    assert lines_of(df) == []
    assert lines_of(df, threshold=0.35) == ["http://a.example/1"]  # one link, p < sure_p
    assert lines_of(df, threshold=0.3) == ["http://a.example/1", "http://b.example/1"]


def test_private_suffixes_give_the_subdomain_never_the_platform() -> None:
    df = scored(
        [
            ("http://spam.blogspot.com/1", 0.99, 1),
            ("http://www.spam.blogspot.com/2", 0.99, 1),
            ("http://x.github.io/p", 0.99, 1),
            ("http://seo.wordpress.com/p", 0.99, 1),  # not a PSL suffix: grouped per host
        ]
    )
    assert lines_of(df) == [
        "domain:seo.wordpress.com",
        "domain:spam.blogspot.com",
        "domain:x.github.io",
    ]


def test_idn_sources_become_punycode() -> None:
    df = scored([("http://bücher.de/spam page", 0.99, 1), ("https://ñandú.example/", 0.5, 1)])
    cands = build_candidates(df, rule=DomainRule(sure_p=0.99, min_links=5))
    assert [c.line for c in cands] == ["domain:xn--bcher-kva.de", "https://xn--and-6ma2c.example/"]
    assert cands[0].urls == ("http://xn--bcher-kva.de/spam%20page",)


def test_candidate_evidence_for_the_review() -> None:
    df = scored(
        [("http://pbn.example/a", 0.9, 1), ("http://pbn.example/b", 0.7, 1)],
        anchor=['\'=HYPERLINK("x")', "cheap pills"],
        reasons=["money anchor; footer", "money anchor"],
        kind=["pbn", "pbn"],
    )
    (cand,) = build_candidates(df, rule=DomainRule(min_links=2))
    assert (cand.n_links, cand.n_flagged, cand.max_p, cand.mean_p) == (2, 2, 0.9, 0.8)
    assert cand.reasons == ("money anchor", "footer")
    assert cand.anchors == ('=HYPERLINK("x")', "cheap pills")  # spreadsheet quote undone
    sheet = review_frame(merge("", [cand], model="m", threshold=None, today=TODAY).outcomes)
    assert sheet.loc[0, "decision"] == "" and sheet.loc[0, "level"] == "domain"
    assert sheet.loc[0, "candidate"] == "domain:pbn.example"


def test_review_sheet_neutralises_formulas(tmp_path) -> None:
    from linkclf.io import write_csv_atomic

    df = scored([("http://pbn.example/a", 0.99, 1)], anchor=["=cmd|'/c calc'!A1"])
    result = merge("", build_candidates(df), model="m", threshold=None, today=TODAY)
    path = tmp_path / "review.csv"
    write_csv_atomic(review_frame(result.outcomes), path)
    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert back.loc[0, "example_anchors"] == "'=cmd|'/c calc'!A1"


def test_merge_keeps_existing_and_adds_after_a_dated_header() -> None:
    existing = "# my file\ndomain:old.example\nhttps://page.example/x\n"
    df = scored(
        [
            ("http://sub.old.example/1", 0.99, 1),  # covered by domain:old.example
            ("https://page.example/x", 0.9, 1),
            ("https://page.example/y", 0.1, 0),
            ("https://page.example/z", 0.1, 0),  # page level, same URL: covered
            ("http://new.example/1", 0.99, 1),
        ]
    )
    result = merge(
        existing,
        build_candidates(df),
        model="linkclf-v3",
        threshold=0.7,
        today=TODAY,
        sources=["scored.csv"],
    )
    text = render(result.entries)
    assert text.startswith(existing)
    tail = text[len(existing) :].splitlines()
    assert tail[0] == ""
    assert tail[1].startswith("# linkclf 2025-03-04: 1 new candidates")
    assert "linkclf-v3" in tail[1] and "threshold 0.7" in tail[1]
    assert tail[-1] == "domain:new.example"
    assert {o.status for o in result.outcomes} == {"covered", "new"}
    assert len(result.covered) == 2


def test_merge_adds_nothing_and_no_header_when_all_is_covered() -> None:
    df = scored([("http://spam.co.uk/1", 0.99, 1), ("https://a.b.example/p", 0.99, 1)])
    existing = "domain:spam.co.uk\ndomain:b.example\n"
    result = merge(existing, build_candidates(df, rule=DomainRule(sure_p=1.0)), **_meta())
    assert render(result.entries) == existing  # a parent domain line covers a.b.example/p


def _meta() -> dict:
    return {"model": "m", "threshold": None, "today": TODAY}


def test_header_text_cannot_inject_lines() -> None:
    df = scored([("http://spam.example/1", 0.99, 1)])
    result = merge(
        "", build_candidates(df), model="m\ndomain:google.com", threshold=None, today=TODAY
    )
    assert "domain:google.com" not in [e.text for e in result.entries]


# --- allowlist -----------------------------------------------------------------------------


def test_default_allowlist_holds_back_platform_domains_but_lets_pages_through() -> None:
    df = scored(
        [
            ("https://www.facebook.com/spammer1", 0.99, 1),
            ("https://www.facebook.com/spammer2", 0.99, 1),
            ("https://www.facebook.com/spammer3", 0.99, 1),
            ("https://agency.gov/hacked", 0.99, 1),
            ("http://spam.blogspot.com/", 0.99, 1),
            ("http://spam.wordpress.com/", 0.99, 1),
        ]
    )
    result = merge("", build_candidates(df), default_allowlist(), **_meta())
    written = [e.text for e in result.entries if e.kind in ("domain", "url")]
    assert "domain:facebook.com" not in written and "domain:agency.gov" not in written
    assert "https://www.facebook.com/spammer1" in written
    assert "https://agency.gov/hacked" in written
    assert "domain:spam.blogspot.com" in written and "domain:spam.wordpress.com" in written
    held = {o.candidate.line: o.detail for o in result.held_back}
    assert held == {
        "domain:facebook.com": "default allowlist: facebook.com",
        "domain:agency.gov": "default allowlist: gov",
    }
    comments = "\n".join(e.text for e in result.entries if e.kind == "comment")
    assert "held back (default allowlist: facebook.com): domain:facebook.com" in comments


def test_your_allowlist_holds_back_domains_and_urls() -> None:
    allow = parse_allowlist("# mine\nmine-site.com  # own site\ndomain:partner-site.com\n")
    df = scored(
        [
            ("https://blog.mine-site.com/p", 0.99, 1),
            ("https://partner-site.com/a", 0.9, 1),
            ("https://partner-site.com/b", 0.1, 0),
            ("https://partner-site.com/c", 0.1, 0),
        ]
    )
    result = merge("", build_candidates(df), allow, **_meta())
    assert result.added == []
    assert sorted(o.candidate.line for o in result.held_back) == [
        "domain:mine-site.com",
        "https://blog.mine-site.com/p",  # the held-back domain's page is not let through
        "https://partner-site.com/a",
    ]
    assert render(result.entries) == ""


def test_existing_lines_on_the_allowlist_are_kept_and_reported() -> None:
    allow = parse_allowlist("mine.example\n") + default_allowlist()
    result = merge("domain:mine.example\ndomain:google.com\n", [], allow, **_meta())
    assert [e.text for e in result.entries] == ["domain:mine.example", "domain:google.com"]
    assert len(result.notices) == 2 and "line 1" in result.notices[0]


def test_allowlist_file_format() -> None:
    allow = parse_allowlist("*.a.example\n.b.example\nhttps://c.example/x\nbücher.de\ngov\n")
    assert [e.host for e in allow.entries] == [
        "a.example",
        "b.example",
        "c.example",
        "xn--bcher-kva.de",
        "gov",
    ]
    with pytest.raises(DisavowError, match="line 2"):
        parse_allowlist("ok.example\nthis is not a domain\n", where="allow.txt")
    assert len(default_allowlist()) > 50
    assert Allowlist().blocks_domain("x.example") is None


# --- properties ----------------------------------------------------------------------------

_label = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
_host = st.builds(
    lambda a, b, t: f"{a}.{b}.{t}", _label, _label, st.sampled_from(["com", "nl", "de"])
)
_path = st.from_regex(r"/[A-Za-z0-9._~/?=&%-]{0,30}", fullmatch=True)
_entry = st.one_of(
    st.builds(lambda h: Entry("domain", "domain:" + h), _host),
    st.builds(
        lambda s, h, p: Entry("url", f"{s}://{h}{p}"),
        st.sampled_from(["http", "https"]),
        _host,
        _path,
    ),
    st.builds(
        lambda t: Entry("comment", "# " + t),
        st.text(
            st.characters(
                min_codepoint=32,
                max_codepoint=0x2FFF,
                blacklist_categories=("Cs", "Zl", "Zp", "Cc"),
            ),
            max_size=20,
        ),
    ),
    st.just(Entry("blank", "")),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_entry, max_size=30))
def test_render_then_parse_gives_the_same_domains_and_urls(entries: list[Entry]) -> None:
    back = parse(render(entries))
    assert [(e.kind, e.text) for e in back] == [(e.kind, e.text) for e in entries]
    assert {e.key for e in back if e.key} == {e.key for e in entries if e.key}


_link = st.tuples(
    st.one_of(
        st.builds(lambda h, p: f"http://{h}{p}", _host, _path),
        st.builds(lambda a, p: f"https://{a}.blogspot.com{p}", _label, _path),
        st.builds(lambda p: f"https://www.facebook.com{p}", _path),
    ),
    st.floats(0, 1),
).map(lambda t: (t[0], round(t[1], 3), int(t[1] >= 0.5)))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_link, max_size=25), st.lists(_entry, max_size=10))
def test_merge_is_idempotent_and_loses_nothing(links: list, existing: list[Entry]) -> None:
    cands = build_candidates(scored(links) if links else scored([]))
    allow = default_allowlist()
    keys: set[str] = set()
    # Repeats are commented out on purpose (tested above); here the user's file has none.
    existing = [e for e in existing if not e.key or not (e.key in keys or keys.add(e.key))]
    before = render(existing)
    first = render(merge(before, cands, allow, **_meta()).entries)
    assert first.startswith(before)  # valid existing lines come through untouched
    second = merge(first, cands, allow, **_meta())
    assert second.added == [] and second.changes == []
    assert render(second.entries) == first
    assert all(e.kind != "invalid" for e in parse(first))


def test_junk_source_urls_are_held_back_not_written() -> None:
    df = scored(
        [
            ("not a url", 0.99, 1),
            ("http://localhost/x", 0.99, 1),
            ("javascript:alert(1)", 0.99, 1),
            ("http://ok-site.com/x", 0.99, 1),
        ]
    )
    result = merge("", build_candidates(df), **_meta())
    written = [e.text for e in result.entries if e.kind in ("domain", "url")]
    assert written == ["domain:ok-site.com"]
    assert all("not a line Google accepts" in o.detail for o in result.held_back)
    assert len(result.held_back) == 3
