"""Where on a page a link sits: content, nav, header, footer, sidebar or comment, from the DOM.

Three kinds of evidence, strongest first:

1. **Template hints** on the link's ancestors: semantic tags (``nav``, ``header``, ``footer``,
   ``aside``), ARIA roles (``navigation``, ``banner``, ``contentinfo``, ``complementary``) and
   class/id words (menu, breadcrumb, footer, sidebar, widget, comment, related, share, social
   ...). The innermost one wins, even inside an ``<article>``: a share bar or a "related" box in
   an article is still template. A hint on an element holding most of the page's text is
   ignored: a ``<div class="has-sidebar">`` around the whole layout says nothing about a link.
2. **Content hints**: ``<article>``, ``<main>``, ``role=main``, ``itemprop=articleBody`` (strong)
   and class/id words such as content, article, post, entry, story (weak: wrappers use them too).
3. **Link density** of the link's block (a list counts as one block): text around the link
   makes it content; a block that is (nearly) all links is template, named by where the link
   falls among the page's links (top -> nav, bottom -> footer, else sidebar).

``region`` is the finer answer (adds ``related`` and ``social``); ``placement`` maps it onto the
canonical schema values (related and social boxes are sidebar-like template blocks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.html

#: Regions the extractor names; the first six are canonical placements (``nav`` = navigation).
REGIONS = ("content", "nav", "header", "footer", "sidebar", "comment", "related", "social")
TEMPLATE_REGIONS = frozenset(REGIONS) - {"content"}
#: region -> canonical ``placement`` value (linkclf.schema.PLACEMENTS).
PLACEMENT_OF = {r: r for r in REGIONS} | {"related": "sidebar", "social": "sidebar"}

#: Text that is not shown: never counted as text around a link or in a block.
INVISIBLE = frozenset({"script", "style", "noscript", "template", "head", "title", "svg"})
#: Elements that start a block of text (the unit of "text around the link").
BLOCK_TAGS = frozenset(
    "p li dd dt td th h1 h2 h3 h4 h5 h6 blockquote figcaption caption pre address div section "
    "article aside header footer nav main form ul ol dl table tr tbody body figure details "
    "summary fieldset".split()
)

_TAG_HINTS = {
    "nav": "nav",
    "header": "header",
    "footer": "footer",
    "aside": "sidebar",
    "menu": "nav",
}
_ROLE_HINTS = {
    "navigation": "nav",
    "menu": "nav",
    "menubar": "nav",
    "banner": "header",
    "contentinfo": "footer",
    "complementary": "sidebar",
    "comment": "comment",
}
#: class/id words (whole tokens) -> region.
_TOKEN_HINTS: dict[str, str] = {
    **dict.fromkeys(
        "nav navbar navi navigation menu menus mainmenu megamenu submenu breadcrumb breadcrumbs "
        "crumbs pagination pager skiplinks topnav subnav tags".split(),
        "nav",
    ),
    **dict.fromkeys("header masthead topbar branding toolbar byline postmeta".split(), "header"),
    **dict.fromkeys(
        "footer colophon copyright subfooter bottombar author authors bio authorbio".split(),
        "footer",
    ),
    **dict.fromkeys(
        "sidebar aside widget widgets rail sidebox blogroll ad ads advert advertisement "
        "adsense dfp modal popup overlay consent cookie cookies newsletter subscribe "
        "subscription".split(),
        "sidebar",
    ),
    **dict.fromkeys(
        "comment comments respond reply replies disqus discussion reactions commentlist "
        "guestbook".split(),
        "comment",
    ),
    **dict.fromkeys(
        "related recommended recommendations recirc popular trending outbrain taboola "
        "readmore teaser teasers promo mostread morestories cta".split(),
        "related",
    ),
    **dict.fromkeys(
        "share sharing social follow sociallinks addthis shariff sharethis socials "
        "sharebar sns twitter facebook linkedin pinterest whatsapp".split(),
        "social",
    ),
}
#: Distinctive words also matched inside run-together names ("sitefooter", "mainnavigation").
_SUBSTRING_HINTS = (
    ("footer", "footer"),
    ("sidebar", "sidebar"),
    ("navbar", "nav"),
    ("navigation", "nav"),
    ("breadcrumb", "nav"),
    ("masthead", "header"),
    ("disqus", "comment"),
    ("outbrain", "related"),
    ("taboola", "related"),
    ("sharing", "social"),
    ("socialmedia", "social"),
    ("actionbar", "social"),
    ("sharebutton", "social"),
)
_CONTENT_TOKENS = frozenset(
    "content article post entry story body text main prose richtext articlebody storybody "
    "postbody entrycontent copy".split()
)
_SPLIT = re.compile(r"[^a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
#: A template hint on an element holding more than this share of the page's text is a wrapper.
WRAPPER_SHARE = 0.5
#: ... and one holding more than this share with less than this link density is prose.
PROSE_SHARE = 0.2
PROSE_LINK_DENSITY = 0.25
#: A content hint on an element holding less than this share of the page's text is a teaser card
#: (a list of ``<article>`` previews), not the page's own text.
CONTENT_SHARE = 0.1
#: An ``<article>`` this small on a page with several is a teaser card.
TEASER_SHARE = 0.05
#: Fallback: a block with at least this many characters of text outside links is prose.
PROSE_CHARS = 40


def _tokens(el: lxml.html.HtmlElement) -> list[str]:
    names = f"{el.get('class') or ''} {el.get('id') or ''}"
    return [t for t in _SPLIT.split(_CAMEL.sub("-", names).lower()) if t]


def element_hint(el: lxml.html.HtmlElement) -> tuple[str | None, bool]:
    """(template region or None, whether the element looks like content) for one element."""
    tag = el.tag if isinstance(el.tag, str) else ""
    role = (el.get("role") or "").lower().strip()
    if role in _ROLE_HINTS:
        return _ROLE_HINTS[role], False
    if tag in _TAG_HINTS:
        return _TAG_HINTS[tag], False
    tokens = _tokens(el)
    for token in tokens:
        if token in _TOKEN_HINTS:
            return _TOKEN_HINTS[token], False
    joined = "".join(tokens)
    for needle, region in _SUBSTRING_HINTS:
        if needle in joined:
            return region, False
    strong = tag in ("article", "main") or role in ("main", "article")
    strong = strong or (el.get("itemprop") or "").lower() == "articlebody"
    return None, strong or any(t in _CONTENT_TOKENS for t in tokens)


@dataclass
class _Stats:
    text: int = 0  # visible characters in the element, descendants included
    link_text: int = 0  # of which inside <a href>
    links: int = 0  # <a href> elements inside


class PageLayout:
    """Per-element text and link statistics of one document, computed in one pass.

    Parameters
    ----------
    doc : the parsed page (``lxml.html.document_fromstring``).
    """

    def __init__(self, doc: lxml.html.HtmlElement) -> None:
        # Keeping every proxy alive keeps id() stable for the dict below.
        self._elements = [e for e in doc.iter() if isinstance(e.tag, str)]
        self._stats: dict[int, _Stats] = {id(e): _Stats() for e in self._elements}
        for el in reversed(self._elements):  # children before parents
            st = self._stats[id(el)]
            if el.tag in INVISIBLE:
                st.text = st.link_text = 0
                continue
            st.text += len((el.text or "").strip())
            for child in el:
                tail = len((child.tail or "").strip())
                cst = self._stats.get(id(child))
                st.text += tail + (cst.text if cst else 0)
                st.link_text += cst.link_text if cst else 0
                st.links += cst.links if cst else 0
            if el.tag == "a" and el.get("href") is not None:
                st.link_text = st.text
                st.links += 1
        body = doc.find("body")
        self.page_text = max(self._stats[id(body if body is not None else doc)].text, 1)
        self.link_order = {
            id(a): i for i, a in enumerate(e for e in self._elements if e.tag in ("a", "area"))
        }
        self.n_links = max(len(self.link_order), 1)
        self.n_articles = sum(e.tag == "article" for e in self._elements)

    def stats(self, el: lxml.html.HtmlElement) -> _Stats:
        return self._stats.get(id(el), _Stats())

    def region(self, link: lxml.html.HtmlElement) -> str:
        """The region of ``link`` (one of :data:`REGIONS`), by the rules of the module docstring."""
        content = quoted = False
        for el in link.iterancestors():
            if el.tag in ("body", "html"):
                break
            hint, looks_content = element_hint(el)
            share = self.stats(el).text / self.page_text
            # Tags and roles are meant as landmarks; class words also name page-wide wrappers.
            landmark = el.tag in _TAG_HINTS or (el.get("role") or "").lower() in _ROLE_HINTS
            if el.tag == "blockquote":
                quoted = True
            if hint is not None and (landmark or not self._is_prose(el)):
                if not (hint == "social" and quoted):  # an embedded post quoted in the text
                    return hint
            if el.tag == "article" and share < TEASER_SHARE and self.n_articles > 1:
                return "related"  # one of several small <article> cards: a teaser list
            content = content or (looks_content and share >= CONTENT_SHARE)
        if content:
            return "content"
        return self._by_density(link)

    def _is_prose(self, el: lxml.html.HtmlElement) -> bool:
        """Whether ``el`` holds much of the page's text, little of it in links: the article (or
        the layout around it), whatever its class says ("article-body pagination-first",
        "content-with-sidebar"). Navigation, footers and sidebars are small or link-dense."""
        st = self.stats(el)
        share = st.text / self.page_text
        return share > WRAPPER_SHARE or (
            share > PROSE_SHARE and st.link_text < PROSE_LINK_DENSITY * max(st.text, 1)
        )

    def _by_density(self, link: lxml.html.HtmlElement) -> str:
        block = enclosing_block(link)
        if block.tag == "li" and (parent := block.getparent()) is not None:
            block = parent  # a list of links is one block, however short each item is
        st = self.stats(block)
        if st.text - st.link_text >= PROSE_CHARS and st.link_text < 0.5 * max(st.text, 1):
            return "content"
        position = self.link_order.get(id(link), 0) / self.n_links
        if position < 0.15:
            return "nav"
        if position > 0.85:
            return "footer"
        return "sidebar"


def enclosing_block(el: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The nearest block-level ancestor of ``el`` (``body`` at most)."""
    for parent in el.iterancestors():
        if parent.tag in BLOCK_TAGS:
            return parent
    return el.getroottree().getroot()
