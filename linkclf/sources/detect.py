"""Recognise an export's format, encoding, delimiter and header line from its first bytes.

Only the head of the file is read (``textio.SAMPLE_BYTES``). Vendors are recognised by their
header line, found among the first ``MAX_PREAMBLE`` lines (Moz puts preamble lines before it);
Google Search Console, whose headers are localised, is recognised by its content.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from linkclf import limits, opening
from linkclf.errors import InputError
from linkclf.sources import textio
from linkclf.sources.base import Spec
from linkclf.sources.formats import BY_NAME, DETECTION_ORDER, FORMATS

#: How many lines may precede the header line.
MAX_PREAMBLE = 30
#: Data rows looked at for content-based detection.
PROBE_ROWS = 50

_URL = re.compile(r"(?i)^\s*https?://[^\s/]+")
# The next two are only needed to explain a refused file, and compiling a case-insensitive
# class over the whole BMP costs ~30 ms each: kept as text, compiled by re on first use (and
# cached by re), not at every start of `linkclf score` (issue 11).
# Disavow lines as real files write them: "domain: x.com", "Domain:x.com", bare hosts, URLs.
_DISAVOW_LINE = r"(?i)^\s*(#.*|domain\s*:\s*\S*|https?://\S*|[a-z0-9\u00a1-\uffff-]+(\.[a-z0-9\u00a1-\uffff-]+)+)\s*$"
_HOST = r"(?i)^\s*[a-z0-9\u00a1-\uffff-]+(\.[a-z0-9\u00a1-\uffff-]+)+\s*$"
_NUMBER = re.compile(r"^\s*[\d.,\s\u00a0]+\s*$")


@dataclass(frozen=True)
class Layout:
    """Everything the reader needs to stream a file."""

    format: str
    spec: Spec
    codec: str
    delimiter: str
    skip: int
    header: tuple[str, ...]


def detect_format(path: str | os.PathLike[str]) -> str:
    """Name the format of an export from its bytes and header.

    Returns
    -------
    str
        one of ``ahrefs``, ``semrush``, ``semrush_audit``, ``majestic``, ``moz``, ``gsc``,
        ``canonical``.

    Raises
    ------
    InputError
        for an empty, binary or unrecognised file, or a disavow file passed by mistake.
    """
    return sniff(path).format


def sniff(path: str | os.PathLike[str], format: str | None = None) -> Layout:
    """Work out how to read ``path``; ``format`` forces the vendor (header still located)."""
    with opening.open_input(path, textio.sample_size()) as opened:
        return sniff_head(opened.head, opened.truncated, opened.where, format)


def sniff_head(head: bytes, truncated: bool, where: str, format: str | None = None) -> Layout:
    """Work out how to read a file from its first bytes (``truncated``: the file goes on).

    The reader calls this on the head it already read, so the input is opened once.
    """
    if format is not None and format not in BY_NAME:
        raise InputError(
            expected=f"--format one of {', '.join(FORMATS)}",
            found=repr(format),
            fix="pick one of the listed formats, or leave it out to detect it",
            where=where,
        )
    codec = textio.sniff_encoding(head, where)
    text = textio.decode_head(head, codec, truncated=truncated)
    _refuse_binary_text(text, where)
    _refuse_long_line(text, truncated, where)
    lines = textio.split_lines(text)
    if not any(line.strip() for line in lines):
        raise InputError(
            expected="an export with a header line and rows",
            found="only blank lines",
            fix="export the report again; the download may have failed",
            where=where,
        )
    specs = DETECTION_ORDER if format is None else BY_NAME[format]
    for index, line in enumerate(lines[:MAX_PREAMBLE]):
        if not line.strip():
            continue
        delimiter = textio.sniff_delimiter(line)
        header = _header(line, delimiter)
        _refuse_wide(header, where)
        for spec in specs:
            found = spec.matches(header) if format is None else _has_source(spec, header)
            if found:
                return Layout(format or spec.name, spec, codec, delimiter, index, header)
    return _by_content(text, lines, codec, format, where)


def _has_source(spec: Spec, header: tuple[str, ...]) -> bool:
    # With --format given, the first line naming the vendor's source column is the header
    # (for Majestic and Search Console, whose source column is positional: the first line).
    return bool(header) and spec.source_header(header) is not None


def _header(line: str, delimiter: str) -> tuple[str, ...]:
    rows = textio.parse_rows(line, delimiter, 1)
    return tuple(cell.strip().lstrip("\ufeff") for cell in rows[0]) if rows else ()


def _refuse_long_line(text: str, truncated: bool, where: str) -> None:
    """A sample without one line end: the first line is longer than the line limit."""
    if truncated and "\n" not in text and "\r" not in text:
        limit = limits.current().max_line_bytes
        raise InputError(
            expected=f"an export whose header line is at most {limit:,} bytes",
            found="a longer first line",
            fix="check that this is a CSV/TSV export (or raise LINKCLF_MAX_LINE_BYTES)",
            where=where,
        )


def _refuse_wide(header: tuple[str, ...], where: str) -> None:
    """More header cells than the column limit: refused before pandas (quadratic on them)."""
    limit = limits.current().max_columns
    if len(header) > limit:
        raise InputError(
            expected=f"an export with at most {limit:,} columns",
            found=f"{len(header):,} header cells",
            fix="check that this is a backlink export (or raise LINKCLF_MAX_COLUMNS)",
            where=where,
        )


def _refuse_binary_text(text: str, where: str) -> None:
    sample = text[:20_000]
    if not sample:
        return
    odd = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\r\n") or ch == "\ufffd")
    if odd > max(2, len(sample) // 100):
        raise InputError(
            expected="a CSV/TSV text export",
            found=f"binary data ({odd} control or undecodable characters in the first "
            f"{len(sample)})",
            fix="export the report as CSV and pass that file",
            where=where,
        )


def _by_content(text: str, lines: list[str], codec: str, format: str | None, where: str) -> Layout:
    """Recognise the header-less-by-name formats, or explain why nothing matched."""
    index = next(i for i, line in enumerate(lines) if line.strip())
    delimiter = textio.sniff_delimiter(lines[index])
    rows = textio.parse_rows("\n".join(lines[index:]), delimiter, PROBE_ROWS + 1)
    _refuse_wide(tuple(rows[0]) if rows else (), where)
    header, data = (
        (tuple(c.strip().lstrip("\ufeff") for c in rows[0]), rows[1:])
        if rows
        else (
            (),
            [],
        )
    )
    non_blank = [line for line in lines[:PROBE_ROWS] if line.strip()]
    if format in (None, "gsc") and _looks_like_gsc(header, data):
        return Layout("gsc", BY_NAME["gsc"][0], codec, delimiter, index, header)
    disavow_like = sum(1 for line in non_blank if re.match(_DISAVOW_LINE, line))
    # 90%, not all: real disavow files carry the odd stray note line.
    if disavow_like >= 0.9 * len(non_blank):
        raise InputError(
            expected="a backlink export (CSV/TSV with a header line)",
            found="a disavow file (lines of 'domain:', URLs and '#' comments)",
            fix="pass the disavow file with --existing to `linkclf disavow`, and the export here",
            where=where,
        )
    if _looks_like_gsc_summary(header, data):
        raise InputError(
            expected="a link-level Search Console export (Latest links / More sample links)",
            found=f"a summary table ({', '.join(header[:3])}): sites or pages with counts",
            fix="in Search Console, Links > External links > Export external links > "
            "Latest links, and pass that file",
            where=where,
        )
    shown = ", ".join(repr(h[:40]) for h in header[:8]) + (" ..." if len(header) > 8 else "")
    wanted = f"a {format} export" if format else "an export in a known format"
    raise InputError(
        expected=f"{wanted} with a source-URL column (e.g. 'Referring page URL', 'Source url', "
        "'Source URL', 'URL', 'source_url')",
        found=f"no recognisable source-URL column among {len(header)} column(s): {shown}",
        fix="pass --format to name the vendor, or rename the linking-page column to source_url",
        where=where,
    )


def _looks_like_gsc(header: tuple[str, ...], data: list[list[str]]) -> bool:
    # Search Console "Latest links": 2 columns, a linking page and a crawl date, any language.
    if len(header) != 2 or not data or _URL.match(header[0]):
        return False
    urls = sum(1 for row in data if row and _URL.match(row[0]))
    return urls >= 0.8 * len(data)


def _looks_like_gsc_summary(header: tuple[str, ...], data: list[list[str]]) -> bool:
    if len(header) < 2 or not data:
        return False
    hosts = sum(1 for row in data if row and (re.match(_HOST, row[0]) or _URL.match(row[0])))
    counts = sum(1 for row in data if len(row) > 1 and _NUMBER.match(row[1]))
    return hosts >= 0.8 * len(data) and counts >= 0.8 * len(data)
