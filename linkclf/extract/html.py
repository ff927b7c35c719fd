"""Saved pages -> parsed lxml documents: read (.html or gzip), decode, parse.

Pages saved from the web come in every encoding; the charset is taken from a byte-order mark,
then the page's own ``<meta charset>`` / ``http-equiv`` declaration, then UTF-8, and only then
Windows-1252 (which decodes any byte), so a page is never refused for its encoding alone.
"""

from __future__ import annotations

import codecs
import gzip
import os
import re
import zlib
from pathlib import Path

import lxml.html
from lxml import etree

from linkclf.errors import InputError

_GZIP_MAGIC = b"\x1f\x8b"
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
#: libxml2 refuses a str that still carries an XML encoding declaration.
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)


def read_page_bytes(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a saved page, gunzipped when the file is gzip (by content, not by name)."""
    data = Path(path).read_bytes()
    if data[:2] == _GZIP_MAGIC:
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(
                expected="a readable gzip file",
                found=f"a damaged one ({exc})",
                fix="save the page again",
                where=str(path),
            ) from None
    return data


def decode_html(data: bytes) -> str:
    """Text of an HTML page: BOM, then the declared charset, then UTF-8, then Windows-1252."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    declared = _META_CHARSET.search(data[:4096])
    candidates = [declared.group(1).decode("ascii").lower()] if declared else []
    for encoding in [*candidates, "utf-8"]:
        try:
            codecs.lookup(encoding)
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("cp1252", errors="replace")


def parse_html(text: str, where: str | None = None) -> lxml.html.HtmlElement:
    """An lxml document (the ``<html>`` element) for the page text.

    Raises
    ------
    InputError
        The text is not HTML at all (empty, or nothing libxml2 can make a document of).
    """
    text = _XML_DECL.sub("", text, count=1)
    if not text.strip():
        raise InputError(
            expected="an HTML page", found="an empty file", fix="save the page again", where=where
        )
    try:
        doc = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(
            expected="an HTML page",
            found=f"text the HTML parser cannot read ({exc})",
            fix="save the page as HTML (File > Save page as > Web page, HTML only)",
            where=where,
        ) from None
    return doc


def read_page(path: str | os.PathLike[str]) -> lxml.html.HtmlElement:
    """Read, decode and parse one saved page (.html, .htm, .html.gz)."""
    return parse_html(decode_html(read_page_bytes(path)), where=str(path))
