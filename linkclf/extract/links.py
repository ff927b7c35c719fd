"""One parsed page -> canonical link rows (linkclf.schema), one row per ``<a href>``.

Each row carries what a backlink export would: the page URL and title, the target, the anchor
(an image's alt text for an image link), the words on each side of the link inside its block,
rel flags, link type, placement, the page language, and the page's outbound and internal link
counts. Vendor metrics are not on a page and stay missing.
"""

from __future__ import annotations

from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.html
import pandas as pd

from linkclf.domains import site
from linkclf.extract import page as pg
from linkclf.extract.placement import (
    BLOCK_TAGS,
    INVISIBLE,
    PLACEMENT_OF,
    PageLayout,
    enclosing_block,
)

#: Words kept on each side of a link (the simulator's contexts run to ~30 words).
CONTEXT_WORDS = 30
#: Columns of an extracted link table: canonical ones, then ``region`` (the finer placement).
COLUMNS = (
    "source_url",
    "target_url",
    "anchor",
    "context_left",
    "context_right",
    "source_title",
    "nofollow",
    "ugc",
    "sponsored",
    "link_type",
    "placement",
    "language",
    "external_links",
    "internal_links",
    "region",
)


def _target(href: str | None, base: str) -> str | None:
    """Absolute http(s) URL of an href, fragment dropped; None for mailto:, javascript: ..."""
    if not href or not href.strip():
        return None
    try:
        url, _ = urldefrag(urljoin(base, href.strip()))
        parts = urlsplit(url)
    except ValueError:  # e.g. an invalid IPv6 literal in a hand-typed href
        return None
    return url if parts.scheme in ("http", "https") and parts.hostname else None


def _text_around(
    block: lxml.html.HtmlElement, link: lxml.html.HtmlElement | None
) -> tuple[str, str]:
    """Visible text of ``block`` before and after ``link`` (the link's own text excluded)."""
    before: list[str] = []
    after: list[str] = []
    side = before

    def walk(el: lxml.html.HtmlElement) -> None:
        nonlocal side
        if el is link:
            side = after
            return
        if not isinstance(el.tag, str) or el.tag in INVISIBLE:
            return
        if el.text:
            side.append(el.text)
        for child in el:
            # Inline markup joins words ("<b>un</b>fair"); a block or <br> separates them.
            gap = " " if child.tag in BLOCK_TAGS or child.tag == "br" else ""
            side.append(gap)
            walk(child)
            side.append(gap)
            if child.tail:
                side.append(child.tail)

    walk(block)
    return "".join(before), "".join(after)


def visible_text(el: lxml.html.HtmlElement) -> str:
    """Text a reader sees in ``el`` (scripts, styles and comments left out), whitespace as is."""
    return _text_around(el, None)[0]


def _anchor(link: lxml.html.HtmlElement) -> tuple[str, str]:
    """(anchor text, link type): the text, else the alt text of an image inside (``image``)."""
    text = pg.collapse(visible_text(link))
    if link.tag == "area":
        return text or pg.collapse(link.get("alt")), "image"
    if text:
        return text, "text"
    if any(True for _ in link.iter("img", "svg", "picture")):
        alts = (pg.collapse(i.get("alt")) for i in link.iter("img"))
        return next((a for a in alts if a), ""), "image"
    return "", "text"


def page_links(
    doc: lxml.html.HtmlElement,
    page_url: str,
    *,
    all_links: bool = False,
    context_words: int = CONTEXT_WORDS,
) -> pd.DataFrame:
    """The links of one parsed page as a frame with :data:`COLUMNS`.

    Parameters
    ----------
    doc : the parsed page.
    page_url : the page's absolute URL (relative links resolve against it or ``<base href>``).
    all_links : keep links to the page's own site too (default: outbound links only).
    context_words : words kept on each side of a link.
    """
    source_site = site(page_url)
    base = pg.base_url(doc, page_url)
    title = pg.title(doc)
    body = doc.find("body")
    language = pg.declared_language(doc) or pg.guess_language(
        visible_text(body if body is not None else doc)
    )
    layout = PageLayout(doc)
    rows = []
    n_external = n_internal = 0
    for link in doc.iter("a", "area"):
        target = _target(link.get("href"), base)
        if target is None:
            continue
        outbound = site(target) != source_site
        n_external += outbound
        n_internal += not outbound
        if not (outbound or all_links):
            continue
        anchor, link_type = _anchor(link)
        left, right = _text_around(enclosing_block(link), link)
        rels = set((link.get("rel") or "").lower().split())
        region = layout.region(link)
        rows.append(
            {
                "source_url": page_url,
                "target_url": target,
                "anchor": anchor,
                "context_left": " ".join(pg.collapse(left).split(" ")[-context_words:]),
                "context_right": " ".join(pg.collapse(right).split(" ")[:context_words]),
                "source_title": title,
                "nofollow": "nofollow" in rels,
                "ugc": "ugc" in rels,
                "sponsored": "sponsored" in rels,
                "link_type": link_type,
                "placement": PLACEMENT_OF[region],
                "language": language,
                "region": region,
            }
        )
    out = pd.DataFrame(rows, columns=list(COLUMNS))
    out["external_links"] = float(n_external)
    out["internal_links"] = float(n_internal)
    return out
