"""Google's disavow format: line validation, repair of user mistakes, limits, check."""

from __future__ import annotations

import pytest

from linkclf.disavow import Entry, check_bytes, parse, render, render_parts, repair
from linkclf.disavow.parse import NOTE_PREFIX, decode, repair_line
from linkclf.disavow.rules import MAX_BYTES, MAX_LINES, line_problem
from linkclf.errors import DisavowError


@pytest.mark.parametrize(
    "line",
    [
        "",
        "# a comment",
        "#",
        "domain:example.com",
        "domain:spam.blogspot.com",
        "domain:xn--bcher-kva.de",
        "domain:1.2.3.4",
        "http://spam.example.com/stuff/comments.html",
        "https://example.com/path?q=1&b=2#frag",
        "https://example.com:8080/x",
        "https://xn--bcher-kva.de/übersicht",
    ],
)
def test_valid_lines(line: str) -> None:
    assert line_problem(line) is None


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("Domain: x.com", "prefix"),
        ("domain: x.com", "whitespace"),
        ("domain:x.com ", "whitespace"),
        (" # indented comment", "whitespace"),
        ("   ", "whitespace"),
        ("x.com", "not a comment"),
        ("domain:RU", "top-level"),
        ("domain:bücher.de", "punycode"),
        ("https://bücher.de/x", "punycode"),
        ("domain:x.com/path", "not a valid host"),
        ("ftp://x.com/file", "not a comment"),
        ("https://x.com/a b", "whitespace"),
        ("https:///nohost", "no host"),
        ("https://x.com/" + "a" * 2048, "2,048"),
        ("Spammy sites below", "not a comment"),
    ],
)
def test_invalid_lines_say_why(line: str, why: str) -> None:
    problem = line_problem(line)
    assert problem is not None and why in problem


@pytest.mark.parametrize(
    ("line", "fixed"),
    [
        ("Domain: seo-tip.com", "domain:seo-tip.com"),
        ("domain: promoplace.com", "domain:promoplace.com"),
        ("domain:wizbangblog.com \r", "domain:wizbangblog.com"),
        ("DOMAIN:Example.COM", "domain:example.com"),
        ("domain:https://spam.com/", "domain:spam.com"),
        ("domain:spam.com.", "domain:spam.com"),
        ("domain:bücher.de", "domain:xn--bcher-kva.de"),
        ("seoflox.com", "domain:seoflox.com"),
        ("ninidiacxz.blogspot.com", "domain:ninidiacxz.blogspot.com"),
        ("  https://x.com/p  ", "https://x.com/p"),
        ("https://bücher.de/p", "https://xn--bcher-kva.de/p"),
        ("  # note", "# note"),
        ("   ", ""),
    ],
)
def test_repair_fixes_unambiguous_mistakes(line: str, fixed: str) -> None:
    result, reason = repair_line(line)
    assert result == fixed
    assert reason is not None
    assert line_problem(result) is None


@pytest.mark.parametrize(
    "line",
    [
        "domain:RU",
        "Domain: monster",
        "domain:dn.forceit.runode15track?page=61&sort=asc&order=Время",
        "spam sites below",
        "x.com/some/page",
        "https://x.com/a page with words",
    ],
)
def test_repair_comments_out_what_is_ambiguous(line: str) -> None:
    result, reason = repair_line(line)
    assert result.startswith(NOTE_PREFIX) and result.endswith(line)
    assert reason is not None
    assert line_problem(result) is None


def test_repair_keeps_every_line_in_order_and_reports_each_change() -> None:
    text = "# mine\ndomain:a.com\nDomain: b.com\n\nhello\nhttps://c.com/x\ndomain:A.com\n"
    entries, changes = repair(text)
    assert [e.text for e in entries] == [
        "# mine",
        "domain:a.com",
        "domain:b.com",
        "",
        f"{NOTE_PREFIX}not a URL or domain line, kept as a comment: hello",
        "https://c.com/x",
        f"{NOTE_PREFIX}repeats line 2, kept as a comment: domain:A.com",
    ]
    assert [c.lineno for c in changes] == [3, 5, 7]
    assert [e.lineno for e in entries] == list(range(1, 8))


def test_a_fixed_line_gives_way_to_the_users_own_valid_line() -> None:
    # Real file (nieuwblik): bare hosts first, the same hosts as domain: lines further down.
    entries, changes = repair("seoflox.com\n# later\ndomain:seoflox.com\n")
    assert entries[2].text == "domain:seoflox.com"
    assert entries[0].kind == "comment" and "line 3" in entries[0].text
    assert [c.lineno for c in changes] == [1]


def test_repair_is_a_fixed_point() -> None:
    text = "Domain: x.com\nfoo bar\ndomain:RU\nx.com\n"
    once, _ = repair(text)
    rendered = render(once)
    twice, changes = repair(rendered)
    assert changes == []
    assert [e.text for e in twice] == [e.text for e in once]


def test_decode_strips_bom_and_reads_latin1_with_a_note() -> None:
    text, notes = decode(b"\xef\xbb\xbfdomain:x.com\n", "d.txt")
    assert text == "domain:x.com\n" and notes
    text, notes = decode("domain:x.com\n".encode("utf-16"), "d.txt")
    assert text == "domain:x.com\n" and notes
    text, notes = decode(b"domain:x.com\n# caf\xe9 \x80\n", "d.txt")
    assert text == "domain:x.com\n# caf\u00e9 \u20ac\n" and "line 2" in notes[0]
    with pytest.raises(DisavowError, match="binary"):
        decode(b"domain:x.com\n\x00\x01\x02\x03\x04\x05", "d.txt")


def test_check_reports_file_level_problems() -> None:
    report = check_bytes(b"\xef\xbb\xbfdomain:x.com\n", "disavow.txt")
    assert not report.ok and "byte-order mark" in report.errors[0].message
    assert [p.lineno for p in report.errors] == [None]  # line 1 itself is fine once BOM is off
    assert not check_bytes(b"domain:x.com\n", "disavow.csv").ok
    assert not check_bytes(b"# caf\xe9\n", "disavow.txt").ok
    report = check_bytes(b"domain:x.com\r\n", "disavow.txt")
    assert report.ok and report.warnings


def test_check_flags_lines_with_numbers_and_warns_on_duplicates() -> None:
    data = b"# ok\ndomain:x.com\nDomain: y.com\nhttps://a.com/p\nhttps://A.com/p\ndomain:co.uk\n"
    report = check_bytes(data, "disavow.txt")
    assert [(p.lineno, p.severity) for p in report.errors] == [(3, "error")]
    warned = {p.lineno: p.message for p in report.warnings}
    assert "repeats line 4" in warned[5]
    assert "public suffix" in warned[6]


def _entries(n: int, width: int = 20) -> list[Entry]:
    return [Entry("url", f"https://s{i}.example/{'p' * width}") for i in range(n)]


def test_render_refuses_more_than_google_accepts() -> None:
    with pytest.raises(DisavowError, match="100,000 lines"):
        render([Entry("blank", "")] * (MAX_LINES + 1))  # blank lines count too
    with pytest.raises(DisavowError, match="bytes"):
        render(_entries(1_200, width=1_800))  # ~2.2 MB in far fewer lines


def test_render_parts_splits_before_the_limits() -> None:
    entries = _entries(250)
    parts = render_parts(entries, max_lines=100, max_bytes=MAX_BYTES)
    assert len(parts) == 3
    seen: list[str] = []
    for i, part in enumerate(parts, start=1):
        lines = part.splitlines()
        assert len(lines) <= 100
        assert lines[0] == f"# linkclf: part {i} of 3"
        assert check_bytes(part.encode(), f"disavow-{i}.txt").ok
        seen += lines[1:]
    assert seen == [e.text for e in entries]
    by_bytes = render_parts(entries, max_bytes=3_000)
    assert all(len(p.encode()) <= 3_000 for p in by_bytes)
    assert render_parts(entries) == [render(entries)]  # fits: one part, no part header


def test_render_never_writes_an_invalid_line() -> None:
    with pytest.raises(DisavowError):
        render([Entry("url", "not a url")])


def test_parse_classifies_as_google_reads() -> None:
    kinds = [e.kind for e in parse("# c\n\ndomain:x.com\nhttps://x.com/\nx.com\n")]
    assert kinds == ["comment", "blank", "domain", "url", "invalid"]
