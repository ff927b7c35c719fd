"""Bytes to text for exports: encoding from the first bytes, a streaming decoder, delimiters.

Only the head of a file (``SAMPLE_BYTES``) is read to decide anything; the rest is decoded as a
stream by :class:`io.TextIOWrapper`, so a 5-million-row UTF-16 export never sits in memory.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from typing import BinaryIO, TextIO

from linkclf import inputfile, limits, opening
from linkclf.errors import InputError
from linkclf.limits import Limits

#: How much of a file detection reads.
SAMPLE_BYTES = 256 * 1024
#: Longest field accepted by default (characters); see :mod:`linkclf.limits` to change it.
FIELD_LIMIT = Limits().max_field_chars
DELIMITERS = ("\t", ";", ",", "|")
_FALLBACK = "linkclf-cp1252"
_LINE_END = re.compile(r"\r\n|\r|\n")


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Decode the bytes UTF-8 rejects as Windows-1252 (an Excel re-save), latin-1 where undefined.

    A file that is mostly UTF-8 with a few Excel-mangled cells then still reads, with those
    cells as Excel meant them, instead of failing on row 800,000.
    """
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    chunk = exc.object[exc.start : exc.end]
    text = "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in chunk)
    return text, exc.end


codecs.register_error(_FALLBACK, _cp1252_fallback)


def name_of(path: str | os.PathLike[str]) -> str:
    """The file name used in messages and in ``seen_in`` (``stdin`` for ``-``)."""
    return opening.display_name(path)


def sample_size() -> int:
    """Bytes detection reads: ``SAMPLE_BYTES``, or more when the line limit is larger, so a
    header line within the limit is always whole in the sample."""
    return max(SAMPLE_BYTES, limits.current().max_line_bytes + 1)


def read_head(path: str | os.PathLike[str]) -> bytes:
    """The first :func:`sample_size` bytes of a regular file, or one InputError."""
    return inputfile.read_head(path, sample_size(), "a readable export file")


def sniff_encoding(head: bytes, where: str) -> str:
    """Pick the codec from the BOM or the NUL-byte pattern; refuse workbooks and binaries.

    Returns a codec name for :func:`open_text`.
    """
    if not head.strip():
        raise InputError(
            expected="an export with a header line and rows",
            found="an empty file",
            fix="export the report again; the download may have failed",
            where=where,
        )
    inputfile.refuse_container(head, where, "a CSV/TSV text export")
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # the codec reads the BOM and picks the byte order
    probe = head[:4096]
    bomless = inputfile.utf16_byte_order(probe)
    if bomless is not None:
        return bomless
    if b"\x00" in probe:
        raise InputError(
            expected="a CSV/TSV text export",
            found="binary data (NUL bytes)",
            fix="export the report as CSV and pass that file",
            where=where,
        )
    return "utf-8"


def _errors_for(codec: str) -> str:
    return _FALLBACK if codec.startswith("utf-8") else "replace"


def decode_head(head: bytes, codec: str, truncated: bool) -> str:
    """Decode the sample; a partial last line (cut at ``SAMPLE_BYTES``) is dropped."""
    decoder = codecs.getincrementaldecoder(codec)(errors=_errors_for(codec))
    text = decoder.decode(head, final=not truncated)
    if truncated:
        cut = max(text.rfind("\n"), text.rfind("\r"))
        text = text[: cut + 1] if cut >= 0 else text
    return text


def open_text(path: str | os.PathLike[str], codec: str) -> TextIO:
    """Open ``path`` as a decoded text stream with line ends untranslated (csv needs that)."""
    return wrap_text(inputfile.open_regular(path, "a readable export file"), codec)


def wrap_text(raw: BinaryIO, codec: str) -> TextIO:
    """A decoded text stream over ``raw`` with line ends untranslated (csv needs that)."""
    return io.TextIOWrapper(raw, encoding=codec, errors=_errors_for(codec), newline="")


def split_lines(text: str) -> list[str]:
    """Physical lines as ``TextIOWrapper.readline`` with ``newline=""`` sees them."""
    lines = _LINE_END.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def sniff_delimiter(line: str) -> str:
    """The delimiter that splits a header line into the most fields (quotes respected)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])  # ties: first in DELIMITERS wins
    return best if counts[best] else ","


def parse_rows(text: str, delimiter: str, limit: int) -> list[list[str]]:
    """Up to ``limit`` records of ``text`` parsed with the csv module (quoted newlines allowed).

    A record cut off by the end of the sample is dropped, not reported: it is complete in the file.
    """
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            if row and any(cell.strip() for cell in row):
                rows.append(row)
            if len(rows) >= limit:
                break
    except csv.Error:
        pass
    return rows
