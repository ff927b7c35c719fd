"""What a page says about itself: its URL, its title, its language.

A language tag is read from the page (``<html lang>``, ``Content-Language``, ``og:locale``)
before any guess; the fallback is a stop-word count over the page's text, enough to tell the
major European languages apart, and it answers "unknown" (None) rather than guess on little text.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urljoin, urlsplit

import lxml.html

_SPACE = re.compile(r"\s+")

#: Frequent function words; a page's language is the one whose words dominate its text.
_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset("the and of to in is that for it with was on are as this be by have not".split()),
    "de": frozenset("der die und das ist nicht ein eine zu den mit sich auf für von dem des im".split()),
    "fr": frozenset("le la les et des est une pour dans que qui pas sur avec du au ce il sont".split()),
    "nl": frozenset("de het een en van is dat niet op te voor zijn met die er ook maar naar".split()),
    "es": frozenset("el la los las y de que en un una es por con para del se no su al".split()),
    "it": frozenset("il la di che e non per un una sono del della con si al le gli nel".split()),
    "pt": frozenset("o a os as e de que em um uma não para com do da se por no na".split()),
}  # fmt: skip
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_LANG_TAG = re.compile(r"^([a-z]{2,3})(?:[-_][A-Za-z0-9]+)*$")


def collapse(text: str | None) -> str:
    """Whitespace runs -> one space, trimmed."""
    return _SPACE.sub(" ", text or "").strip()


def _meta(doc: lxml.html.HtmlElement, *names: str) -> str | None:
    wanted = {n.lower() for n in names}
    for meta in doc.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("http-equiv") or "").lower()
        if key in wanted and (content := collapse(meta.get("content"))):
            return content
    return None


def _absolute_http(url: str | None, base: str | None) -> str | None:
    if not url:
        return None
    full = urljoin(base or "", url.strip())
    parts = urlsplit(full)
    return full if parts.scheme in ("http", "https") and parts.netloc else None


def declared_url(doc: lxml.html.HtmlElement, base: str | None = None) -> str | None:
    """The page's own URL from ``<link rel=canonical>``, else ``og:url``; None when neither
    is an absolute http(s) URL (a relative one is resolved against ``base`` when given)."""
    for link in doc.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        if "canonical" in rels and (url := _absolute_http(link.get("href"), base)):
            return url
    return _absolute_http(_meta(doc, "og:url"), base)


def base_url(doc: lxml.html.HtmlElement, page_url: str) -> str:
    """What relative links resolve against: ``<base href>`` when present, else the page URL."""
    for base in doc.iter("base"):
        if href := base.get("href"):
            return urljoin(page_url, href.strip())
    return page_url


def title(doc: lxml.html.HtmlElement) -> str | None:
    """``<title>`` (the first one, in ``<head>`` or not), else ``og:title``; None when empty."""
    for element in doc.iter("title"):
        text = collapse(element.text_content())
        if text:
            return text
    return _meta(doc, "og:title")


def _tag_language(tag: str | None) -> str | None:
    match = _LANG_TAG.match((tag or "").strip().split(",")[0].strip())
    return match.group(1).lower() if match else None


def declared_language(doc: lxml.html.HtmlElement) -> str | None:
    """Primary language subtag the page declares (``de-AT`` -> ``de``), or None."""
    return (
        _tag_language(doc.get("lang") or doc.get("xml:lang"))
        or _tag_language(_meta(doc, "content-language", "language", "dc.language"))
        or _tag_language(_meta(doc, "og:locale"))
    )


def guess_language(text: str, min_hits: int = 20) -> str | None:
    """Language whose stop words are most frequent in ``text``; None below ``min_hits`` hits or
    when the runner-up is close (a mixed or unknown-language page)."""
    words = Counter(w.lower() for w in _WORD.findall(text[:200_000]))
    hits = {lang: sum(words[w] for w in stop) for lang, stop in _STOPWORDS.items()}
    ranked = sorted(hits.items(), key=lambda kv: kv[1], reverse=True)
    (best, n1), (_, n2) = ranked[0], ranked[1]
    return best if n1 >= min_hits and n1 >= 1.5 * n2 else None
