"""Saved HTML pages -> a canonical link export (what ``linkclf extract`` writes).

Search Console exports have no anchors and no text around links; the saved linking pages have
both. ``extract_pages`` reads pages (.html, .html.gz), finds each page's URL (the one the caller
gives, else ``<link rel=canonical>``, else ``og:url``) and returns one canonical row per
outbound link (see :mod:`linkclf.extract.links` for the columns and
:mod:`linkclf.extract.placement` for how placement is read from the DOM).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

import pandas as pd

from linkclf.errors import InputError
from linkclf.extract.html import decode_html, parse_html, read_page, read_page_bytes
from linkclf.extract.links import COLUMNS, CONTEXT_WORDS, page_links
from linkclf.extract.page import declared_url
from linkclf.extract.placement import PLACEMENT_OF, REGIONS, TEMPLATE_REGIONS

__all__ = [
    "COLUMNS",
    "PLACEMENT_OF",
    "REGIONS",
    "TEMPLATE_REGIONS",
    "decode_html",
    "extract_html",
    "extract_pages",
    "page_links",
    "parse_html",
    "read_page",
    "read_page_bytes",
]


def _check_url(url: str, where: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(
            expected="an absolute http(s) page URL",
            found=repr(url[:80]),
            fix="pass the address the page was saved from, e.g. --url https://example.com/post",
            where=where,
        )
    return url.strip()


def extract_html(
    html: str,
    url: str | None = None,
    *,
    all_links: bool = False,
    context_words: int = CONTEXT_WORDS,
    where: str | None = None,
) -> pd.DataFrame:
    """Link rows of one page given as text; ``url`` overrides the URL the page declares.

    Raises
    ------
    InputError
        The text is not HTML, or no page URL is known (none given, none declared).
    """
    doc = parse_html(html, where=where)
    page_url = _check_url(url, where or "--url") if url else declared_url(doc)
    if page_url is None:
        raise InputError(
            expected="the page's URL (<link rel=canonical>, og:url or --url)",
            found="none in the page and none given",
            fix="pass --url with the address the page was saved from",
            where=where,
        )
    return page_links(doc, page_url, all_links=all_links, context_words=context_words)


def extract_pages(
    paths: Sequence[str | os.PathLike[str]],
    urls: Mapping[str, str] | None = None,
    *,
    all_links: bool = False,
    context_words: int = CONTEXT_WORDS,
) -> pd.DataFrame:
    """Link rows of every page in ``paths``, in page order.

    Parameters
    ----------
    paths : saved pages (.html, .htm, .html.gz; gzip is recognised by content).
    urls : page URL per path (``str(path)`` as given), overriding what a page declares.
    all_links : keep links to the page's own site too (default: outbound links only).
    context_words : words kept on each side of a link.

    Raises
    ------
    InputError
        A page is unreadable or not HTML, or its URL is unknown.
    """
    urls = urls or {}
    frames = []
    for path in paths:
        name = str(path)
        text = decode_html(read_page_bytes(path))
        frames.append(
            extract_html(
                text,
                urls.get(name),
                all_links=all_links,
                context_words=context_words,
                where=name,
            )
        )
    if not frames:
        return pd.DataFrame(columns=list(COLUMNS))
    return pd.concat(frames, ignore_index=True)
