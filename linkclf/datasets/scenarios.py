"""What each kind of link looks like: the simulator's parameters, in one table.

A *scenario* is the generator's sub-kind: nine natural ones (editorial, citation, ...) and the
manipulative kinds of :data:`linkclf.schema.MANIPULATIVE_KINDS` (``paid`` split in an ordinary and
a high-authority variant). Every footprint is a probability, never a certainty: natural links
get exact-match anchors, footer placement and nofollow too, and spam gets brand anchors and
on-topic text, because real audits are made of those overlaps (datasets/README.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from linkclf.datasets.draws import Weighted

ANCHOR_TYPES = ("brand", "exact", "partial", "generic", "url", "image", "empty", "descriptive")


@dataclass(frozen=True)
class Scenario:
    """How one sub-kind of link is generated.

    Attributes
    ----------
    name, kind : generator sub-kind and the schema kind it is labelled with.
    label : 0 natural, 1 manipulative.
    site : kind of referring site ("blog", "news", "org", "forum", "qdir", "sdir", "spam",
        "pbn", "hacked", "corp").
    page : page type, picks the title frame and the URL path.
    anchors : weights over :data:`ANCHOR_TYPES`.
    relation : weights over the source page's topic: "same" niche as the target, "other"
        target niche, "spam" niche (casino, crypto, pharma, loans, seo).
    context : weights over "text" (sentences on both sides), "text_left" / "text_right" (the
        link ends / opens a sentence: words on one side), "list" (short item text), "comment",
        "stuffed" (keyword stuffing), "template" (a short label such as "Our partners:", or
        nothing), "none" (a link chain: no text around).
    placement : weights over schema placements.
    nofollow, ugc, sponsored : flag probabilities.
    pages : (p, cap): pages per referring domain ~ geometric(p) capped; sitewide repetition.
    sitewide : probability the vendor marks the link sitewide.
    outbound : (log-mean, log-sd) of external links on the source page.
    same_language : probability the source page is in the target's language.
    disclosure : probability the page says it is sponsored ("in samenwerking met", "Anzeige")
        in the text before the link (and, half of those, in the title).
    """

    name: str
    kind: str
    label: int
    site: str
    page: str
    anchors: Weighted[str]
    relation: Weighted[str]
    context: Weighted[str]
    placement: Weighted[str]
    nofollow: float
    ugc: float
    sponsored: float
    pages: tuple[float, int]
    sitewide: float
    outbound: tuple[float, float]
    same_language: float
    disclosure: float = 0.0


def _w(**weights: float) -> Weighted[str]:
    return Weighted(list(weights.items()))


def _anchors(brand: float, exact: float, partial: float, generic: float, url: float,
             image: float, empty: float, descriptive: float = 0.0) -> Weighted[str]:  # fmt: skip
    weights = (brand, exact, partial, generic, url, image, empty, descriptive)
    return Weighted(list(zip(ANCHOR_TYPES, weights, strict=True)))


# Natural scenarios. Their footprints overlap the manipulative ones on purpose: exact-match
# anchors (people link with the words they have), footer/sidebar blogrolls, nofollow news sites,
# resource pages with hundreds of outbound links, sponsored links that are compliant.
# Columns: name, kind, label, site, page, anchors (brand exact partial generic url image empty),
# relation, context, placement, nofollow, ugc, sponsored, pages, sitewide, outbound, same_language.
# fmt: off
NATURAL = (
    Scenario("editorial", "natural", 0, "blog", "article",
             _anchors(0.26, 0.14, 0.18, 0.06, 0.05, 0.07, 0.04, 0.2),
             _w(same=0.72, other=0.26, spam=0.02),
             _w(text=0.68, text_left=0.1, text_right=0.08, list=0.06, none=0.08),
             _w(content=0.9, sidebar=0.03, unknown=0.07),
             0.08, 0, 0, (0.6, 6), 0.02, (2.8, 0.8), 0.8, 0.01),
    Scenario("citation", "natural", 0, "org", "article",
             _anchors(0.36, 0.08, 0.14, 0.08, 0.1, 0, 0.04, 0.2),
             _w(same=0.6, other=0.4),
             _w(text=0.62, text_left=0.1, text_right=0.07, list=0.12, none=0.09),
             _w(content=0.88, unknown=0.12),
             0.18, 0, 0, (0.7, 5), 0.01, (3.2, 0.9), 0.75),
    Scenario("news", "natural", 0, "news", "news",
             _anchors(0.45, 0.1, 0.14, 0.04, 0.06, 0, 0.03, 0.18),
             _w(same=0.45, other=0.55),
             _w(text=0.7, text_left=0.12, text_right=0.1, none=0.08),
             _w(content=0.94, unknown=0.06),
             0.25, 0, 0, (0.55, 6), 0.01, (3, 0.7), 0.85, 0.01),
    Scenario("resource", "natural", 0, "org", "resource",
             _anchors(0.45, 0.1, 0.18, 0.02, 0.1, 0, 0.03, 0.12),
             _w(same=0.75, other=0.25),
             _w(list=0.55, none=0.35, text=0.1),
             _w(content=0.78, sidebar=0.12, unknown=0.1),
             0.06, 0, 0, (0.8, 3), 0.03, (3.9, 0.7), 0.9),
    Scenario("brand_mention", "natural", 0, "blog", "article",
             _anchors(0.75, 0.04, 0.06, 0.02, 0.06, 0, 0, 0.07),
             _w(same=0.5, other=0.48, spam=0.02),
             _w(text=0.7, text_left=0.12, text_right=0.13, none=0.05),
             _w(content=0.92, unknown=0.08),
             0.1, 0, 0, (0.7, 4), 0.01, (2.7, 0.8), 0.8, 0.02),
    Scenario("ugc", "natural", 0, "forum", "forum",
             _anchors(0.2, 0.14, 0.14, 0.12, 0.2, 0, 0, 0.2),
             _w(same=0.75, other=0.25),
             _w(comment=0.75, text=0.1, none=0.15),
             _w(comment=0.85, content=0.15),
             0.92, 0.2, 0, (0.6, 5), 0.02, (3, 0.8), 0.9),
    Scenario("quality_directory", "natural", 0, "qdir", "directory",
             _anchors(0.62, 0.1, 0.08, 0, 0.2, 0, 0),
             _w(same=0.7, other=0.3),
             _w(list=0.7, none=0.3),
             _w(content=0.8, unknown=0.2),
             0.3, 0, 0, (0.9, 2), 0.02, (4, 0.9), 0.95),
    Scenario("sponsored_marked", "natural", 0, "blog", "article",
             _anchors(0.3, 0.3, 0.24, 0.06, 0.05, 0.05, 0),
             _w(same=0.55, other=0.4, spam=0.05),
             _w(text=0.65, text_left=0.1, text_right=0.05, none=0.2),
             _w(content=0.6, sidebar=0.25, header=0.05, unknown=0.1),
             0.45, 0, 1, (0.8, 4), 0.08, (3.1, 0.8), 0.85, 0.6),
    Scenario("blogroll", "natural", 0, "blog", "any",
             _anchors(0.5, 0.13, 0.1, 0.03, 0.09, 0.05, 0, 0.1),
             _w(same=0.7, other=0.3),
             _w(template=0.7, none=0.15, list=0.15),
             _w(footer=0.5, sidebar=0.45, nav=0.05),
             0.05, 0, 0, (0.3, 30), 0.8, (2.9, 0.7), 0.92),
    # Template links: sponsor boxes, footer credits ("site by"), partner logos, share and
    # related widgets. On real pages most outbound links sit outside the article body.
    Scenario("template", "natural", 0, "org", "any",
             _anchors(0.36, 0.05, 0.06, 0.03, 0.03, 0.25, 0.04, 0.18),
             _w(same=0.6, other=0.4),
             _w(template=0.8, none=0.15, list=0.05),
             _w(footer=0.35, sidebar=0.3, nav=0.15, header=0.05, content=0.15),
             0.15, 0, 0.01, (0.2, 50), 0.6, (3.1, 0.6), 0.8),
)
# fmt: on

# Manipulative scenarios: footprints are likely, not certain. PBN posts are on-topic 40% of the
# time and carry brand anchors a quarter of the time; comment spam is nofollow more often than
# not; high-authority advertorials sit on news sites with clean text.
# fmt: off
MANIPULATIVE = (
    Scenario("paid", "paid", 1, "blog", "article",
             _anchors(0.15, 0.43, 0.26, 0.03, 0.05, 0.05, 0.02, 0.03),
             _w(same=0.35, other=0.35, spam=0.3),
             _w(text=0.6, text_left=0.08, text_right=0.04, stuffed=0.13, none=0.15),
             _w(content=0.75, sidebar=0.15, footer=0.05, unknown=0.05),
             0.04, 0, 0, (0.85, 3), 0.05, (3.6, 0.8), 0.8, 0.3),
    Scenario("paid_highauth", "paid", 1, "news", "news",
             _anchors(0.22, 0.38, 0.3, 0.05, 0.05, 0, 0),
             _w(same=0.2, other=0.8),
             _w(text=0.75, text_left=0.1, text_right=0.05, none=0.1),
             _w(content=0.9, sidebar=0.1),
             0.06, 0, 0, (0.9, 2), 0.02, (3.4, 0.6), 0.85, 0.45),
    Scenario("pbn", "pbn", 1, "pbn", "article",
             _anchors(0.25, 0.37, 0.2, 0.05, 0.07, 0.03, 0.01, 0.04),
             _w(same=0.4, other=0.3, spam=0.3),
             _w(text=0.5, text_left=0.07, text_right=0.03, stuffed=0.25, none=0.15),
             _w(content=0.95, sidebar=0.05),
             0.03, 0, 0, (0.8, 3), 0.03, (2.5, 0.9), 0.8),
    Scenario("guest_post", "guest_post", 1, "blog", "guest",
             _anchors(0.16, 0.41, 0.3, 0.02, 0.05, 0.03, 0.02, 0.03),
             _w(same=0.5, other=0.4, spam=0.1),
             _w(text=0.72, text_left=0.08, text_right=0.05, stuffed=0.1, none=0.05),
             _w(content=0.97, unknown=0.03),
             0.08, 0, 0, (0.9, 2), 0.01, (3, 0.7), 0.85, 0.08),
    Scenario("exchange", "exchange", 1, "blog", "partners",
             _anchors(0.52, 0.17, 0.1, 0.05, 0.1, 0.06, 0),
             _w(same=0.35, other=0.45, spam=0.2),
             _w(none=0.55, list=0.35, text=0.1),
             _w(content=0.5, footer=0.25, sidebar=0.2, nav=0.05),
             0.1, 0, 0, (0.7, 6), 0.2, (3.6, 0.9), 0.85),
    Scenario("directory", "directory", 1, "sdir", "directory",
             _anchors(0.44, 0.3, 0.1, 0, 0.16, 0, 0),
             _w(other=0.6, spam=0.4),
             _w(list=0.5, none=0.3, stuffed=0.2),
             _w(content=0.85, unknown=0.15),
             0.22, 0, 0, (0.85, 3), 0.04, (4.6, 1), 0.7),
    Scenario("comment_spam", "comment_spam", 1, "spamblog", "forum",
             _anchors(0.12, 0.4, 0.1, 0.05, 0.2, 0, 0, 0.13),
             _w(same=0.2, other=0.6, spam=0.2),
             _w(comment=0.6, stuffed=0.2, none=0.2),
             _w(comment=0.75, content=0.15, unknown=0.1),
             0.55, 0.3, 0, (0.55, 6), 0.02, (3.9, 1), 0.65),
    Scenario("sitewide", "sitewide", 1, "spam", "any",
             _anchors(0.3, 0.4, 0.15, 0.05, 0.05, 0.05, 0),
             _w(same=0.1, other=0.4, spam=0.5),
             _w(template=0.35, none=0.35, stuffed=0.2, list=0.1),
             _w(footer=0.55, sidebar=0.35, header=0.05, nav=0.05),
             0.08, 0, 0, (0.16, 60), 0.85, (3.4, 0.8), 0.7),
    Scenario("injected", "injected", 1, "hacked", "article",
             _anchors(0.05, 0.68, 0.17, 0, 0.05, 0.05, 0),
             _w(other=0.8, spam=0.2),
             _w(none=0.5, stuffed=0.5),
             _w(content=0.35, footer=0.45, unknown=0.2),
             0.02, 0, 0, (0.45, 8), 0.15, (3.2, 1), 0.6),
)
# fmt: on

BY_NAME = {s.name: s for s in NATURAL + MANIPULATIVE}

#: Per referring domain: which natural scenario it is.
NATURAL_MIX = Weighted([
    ("editorial", .30), ("citation", .09), ("news", .12), ("resource", .10),
    ("brand_mention", .12), ("ugc", .10), ("quality_directory", .06),
    ("sponsored_marked", .03), ("blogroll", .045), ("template", .25),
])  # fmt: skip

#: Profile -> (share of referring domains that are manipulative, which scenarios).
PROFILES = {
    # Every real site collects some junk: scrapers, directories and comment spam nobody asked for.
    "clean": (
        0.08,
        Weighted(
            [
                ("comment_spam", 0.35),
                ("directory", 0.30),
                ("injected", 0.10),
                ("sitewide", 0.10),
                ("pbn", 0.05),
                ("paid", 0.10),
            ]
        ),
    ),
    # A link-building campaign in the past: bought, networked and guest-posted links, in bursts.
    "past_scheme": (
        0.42,
        Weighted(
            [
                ("paid", 0.15),
                ("paid_highauth", 0.05),
                ("pbn", 0.24),
                ("guest_post", 0.20),
                ("exchange", 0.12),
                ("directory", 0.10),
                ("sitewide", 0.08),
                ("comment_spam", 0.06),
            ]
        ),
    ),
    # An attack: a recent burst of spam links the site owner did not make.
    "negative_seo": (
        0.55,
        Weighted(
            [
                ("comment_spam", 0.30),
                ("injected", 0.15),
                ("pbn", 0.14),
                ("sitewide", 0.15),
                ("directory", 0.16),
                ("paid", 0.05),
                ("guest_post", 0.05),
            ]
        ),
    ),
}
PROFILE_MIX = Weighted([("clean", 0.55), ("past_scheme", 0.30), ("negative_seo", 0.15)])

#: The kind an auditor writes down when they wrongly flag a natural link (label noise).
MISTAKEN_KIND = {
    "editorial": "paid", "citation": "paid", "news": "paid", "resource": "exchange",
    "brand_mention": "paid", "ugc": "comment_spam", "quality_directory": "directory",
    "sponsored_marked": "paid", "blogroll": "sitewide", "template": "sitewide",
}  # fmt: skip
