"""The feature catalogue: every feature the FeatureBuilder produces, declared once.

Each entry says which signal family the feature belongs to, in which direction its value points
to manipulation, the phrase a user reads when it explains a score, and which canonical input
columns it is computed from. Reasons (linkclf.explain), families (ablations, the report) and the
load-time check of a model directory (does this code still produce every saved feature?) all
read this table; nothing matches feature names by prefix or substring any more.

A reason is only ever given for a feature that

* pushes the row's score towards manipulative (a positive TreeSHAP contribution),
* has a value on the manipulative side of its cut (``direction`` +1: above ``cut``; -1: below;
  0: the feature has no reading of its own, e.g. an embedding dimension, and the push decides;
  cuts were set where the simulated training data's manipulative links lie beyond them clearly
  more often than its natural ones, and a phrase that would be false of many natural links,
  such as "this domain repeats one anchor" for a one-link domain, is not given at all),
* and has every input column present on that row: a missing value is never evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Signal families, in the order the documentation lists them.
FAMILIES = (
    "anchor",
    "relevance",
    "placement",
    "rel",
    "url",
    "authority",
    "profile_domain",
    "profile_target",
    "embedding",
)

#: An input written "a|b" is present when either column is (the text around a link is known
#: when the export has the text left OR right of it).
CONTEXT = "context_left|context_right"


@dataclass(frozen=True)
class Feature:
    """One feature as users and the model code see it.

    Attributes
    ----------
    name : column name in the feature frame; ``{i}`` stands for an index (``emb_anchor_{i}``).
    family : signal family (one of :data:`FAMILIES`).
    direction : +1 when higher values point to manipulation, -1 when lower values do, 0 when
        the value has no reading of its own.
    cut : the value beyond which (in ``direction``) the phrase is true of the link.
    phrase : what a user reads; ``{v}`` is replaced by the row's value (rounded). None: the
        feature is used by the model but never given as a reason.
    inputs : canonical columns the feature is computed from (``a|b``: either one).
    """

    name: str
    family: str
    direction: int = 0
    cut: float = 0.5
    phrase: str | None = None
    inputs: tuple[str, ...] = ()

    def points_to_manipulation(self, value: float) -> bool:
        """Whether ``value`` lies on the manipulative side of the cut (NaN never does)."""
        if value != value:
            return False
        if self.direction > 0:
            return value > self.cut
        if self.direction < 0:
            return value < self.cut
        return True

    def say(self, value: float) -> str:
        """The phrase filled in with ``value`` (integers without decimals, shares as %)."""
        if self.phrase is None:
            raise ValueError(f"{self.name} has no phrase")
        if "{v}" not in self.phrase:
            return self.phrase
        shown = f"{value:,.0f}" if abs(value) >= 1 or value == 0 else f"{value:.2f}"
        return self.phrase.replace("{v}", shown)


_SRC = ("source_url",)
_PAIR = ("source_url", "target_url")
_ANCHOR = ("anchor", "target_url")


def _declare() -> list[Feature]:
    f = Feature
    out = [
        # -- anchor: the anchor's type within the target's profile, its shape
        f("anchor_brand", "anchor", -1, 0.5, "anchor is not the brand's name", _ANCHOR),
        f("anchor_exact", "anchor", +1, 0.5, "exact-match money anchor", _ANCHOR),
        f("anchor_partial", "anchor", +1, 0.5, "keyword-rich (partial-match) anchor", _ANCHOR),
        f("anchor_generic", "anchor", +1, 0.5, "generic anchor text", _ANCHOR),
        f("anchor_naked_url", "anchor", +1, 0.5, "naked-URL anchor", _ANCHOR),
        f("anchor_image", "anchor", +1, 0.5, "image link without alt text", ("link_type",)),
        f("anchor_empty", "anchor", +1, 0.5, "link with no anchor text", ("anchor",)),
        f("anchor_other", "anchor", +1, 0.5, "unusual anchor text", _ANCHOR),
        f("anchor_length", "anchor", 0, 0.5, None, ("anchor",)),
        f("anchor_words", "anchor", +1, 4, "anchor of {v} words", ("anchor",)),
        f("anchor_digit_share", "anchor", +1, 0.2, "digits in the anchor text", ("anchor",)),
        # -- rel: what the link tells search engines
        f("nofollow", "rel", -1, 0.5, "followed link (no nofollow)", ("nofollow",)),
        f("ugc", "rel", +1, 0.5, "user-generated link (rel=ugc)", ("ugc",)),
        f("sponsored", "rel", -1, 0.5, "not marked rel=sponsored", ("sponsored",)),
        f(
            "rel_any",
            "rel",
            -1,
            0.5,
            "passes ranking signal (no nofollow, ugc or sponsored)",
            ("nofollow", "ugc", "sponsored"),
        ),
        f("link_type_text", "rel", 0, 0.5, None, ("link_type",)),
        f("link_type_image", "rel", +1, 0.5, "image link", ("link_type",)),
        f("link_type_redirect", "rel", +1, 0.5, "redirect link", ("link_type",)),
        f("link_type_frame", "rel", +1, 0.5, "link inside a frame", ("link_type",)),
        f("link_type_form", "rel", +1, 0.5, "link in a form", ("link_type",)),
        # -- placement: where on the page, and the text around it
        f(
            "placement_content",
            "placement",
            -1,
            0.5,
            "link outside the main content",
            ("placement",),
        ),
        f("placement_nav", "placement", +1, 0.5, "navigation link", ("placement",)),
        f("placement_header", "placement", +1, 0.5, "header link", ("placement",)),
        f("placement_footer", "placement", +1, 0.5, "footer link", ("placement",)),
        f("placement_sidebar", "placement", +1, 0.5, "sidebar link", ("placement",)),
        f("placement_comment", "placement", +1, 0.5, "link in a comment section", ("placement",)),
        f("sitewide", "placement", +1, 0.5, "sitewide link", ("sitewide",)),
        f(
            "context_left_words",
            "placement",
            -1,
            3,
            "little or no text before the link",
            (CONTEXT,),
        ),
        f(
            "context_right_words",
            "placement",
            -1,
            3,
            "little or no text after the link",
            (CONTEXT,),
        ),
        f(
            "context_both_sides",
            "placement",
            -1,
            0.5,
            "no editorial text on both sides of the link",
            (CONTEXT,),
        ),
        f(
            "title_words",
            "placement",
            -1,
            3,
            "source page with a very short title",
            ("source_title",),
        ),
        # -- url: footprints of the source page's URL and hostname
        f("host_length", "url", +1, 30, "long source hostname", _SRC),
        f("host_label_length", "url", +1, 20, "long source domain name", _SRC),
        f("host_digits", "url", +1, 0.5, "digits in the source hostname", _SRC),
        f("host_hyphens", "url", +1, 0.5, "hyphenated source hostname", _SRC),
        f("host_depth", "url", +1, 1.5, "source on a deep subdomain", _SRC),
        f("host_tld_spammy", "url", +1, 0.5, "spam-heavy top-level domain", _SRC),
        f("host_spam_tokens", "url", +1, 0.5, "spammy words in the source hostname", _SRC),
        f("host_vowel_ratio", "url", -1, 0.2, "unpronounceable source hostname", _SRC),
        f("host_entropy", "url", +1, 3.6, "random-looking source hostname", _SRC),
        f("host_is_ip", "url", +1, 0.5, "source is a bare IP address", _SRC),
        f("host_www", "url", 0, 0.5, None, _SRC),
        f("path_guest_post", "url", +1, 0.5, "source URL looks like a guest-post page", _SRC),
        f("path_links_page", "url", +1, 0.5, "source URL looks like a links/partners page", _SRC),
        f("path_directory", "url", +1, 0.5, "source URL looks like a directory listing", _SRC),
        f("path_sponsored", "url", +1, 0.5, "source URL looks like an advertorial", _SRC),
        f("path_comment", "url", +1, 0.5, "source URL is a comment, forum or profile page", _SRC),
        f("path_depth", "url", 0, 0.5, None, _SRC),
        f("path_length", "url", 0, 0.5, None, _SRC),
        f("path_has_query", "url", +1, 0.5, "query string in the source URL", _SRC),
        f("same_site", "url", 0, 0.5, None, _PAIR),
        # -- authority: vendor metrics as exported (absent in many exports: never a reason then)
        f(
            "domain_rating",
            "authority",
            -1,
            20,
            "low-authority referring domain (DR {v})",
            ("domain_rating",),
        ),
        f("url_rating", "authority", -1, 5, "low-authority source page (UR {v})", ("url_rating",)),
        f("trust_flow", "authority", -1, 10, "low Trust Flow ({v})", ("trust_flow",)),
        f("citation_flow", "authority", 0, 0.5, None, ("citation_flow",)),
        f("page_authority", "authority", -1, 15, "low Page Authority ({v})", ("page_authority",)),
        f(
            "domain_authority",
            "authority",
            -1,
            20,
            "low-authority referring domain (DA {v})",
            ("domain_authority",),
        ),
        f(
            "source_traffic",
            "authority",
            -1,
            10,
            "source site has little organic traffic ({v}/month)",
            ("source_traffic",),
        ),
        f(
            "external_links",
            "authority",
            +1,
            50,
            "{v} outbound links on the source page",
            ("external_links",),
        ),
        f("internal_links", "authority", 0, 0.5, None, ("internal_links",)),
        f(
            "vendor_spam_score",
            "authority",
            +1,
            30,
            "high vendor spam score ({v})",
            ("vendor_spam_score",),
        ),
        f(
            "trust_ratio",
            "authority",
            -1,
            0.5,
            "low Trust Flow for its Citation Flow",
            ("trust_flow", "citation_flow"),
        ),
        # -- profile_domain: the other links of this referring domain to this target site
        f("domain_links", "profile_domain", +1, 3, "{v} links from one referring domain", _PAIR),
        f("domain_pages", "profile_domain", +1, 3, "repeated on {v} pages of one domain", _PAIR),
        f(
            "domain_sitewide_share",
            "profile_domain",
            +1,
            0.5,
            "sitewide links from this domain",
            ("sitewide",),
        ),
        f(
            "domain_offpage_share",
            "profile_domain",
            +1,
            0.5,
            "this domain links from footers/sidebars",
            ("placement",),
        ),
        f(
            # 1.0 for every single-link domain too: not a statement a user can read as evidence.
            "domain_same_anchor_share",
            "profile_domain",
            +1,
            0.5,
            None,
            ("anchor",),
        ),
        # -- profile_target: the target site's whole profile in the input
        f("target_links", "profile_target", 0, 0.5, None, ("target_url",)),
        f("target_domains", "profile_target", 0, 0.5, None, _PAIR),
        f(
            "target_exact_share",
            "profile_target",
            +1,
            0.15,
            "the target's profile is heavy in exact-match anchors",
            _ANCHOR,
        ),
        f(
            "target_partial_share",
            "profile_target",
            +1,
            0.25,
            "the target's profile is heavy in keyword anchors",
            _ANCHOR,
        ),
        f(
            "target_brand_share",
            "profile_target",
            -1,
            0.2,
            "few brand anchors in the target's profile",
            _ANCHOR,
        ),
        f("target_generic_share", "profile_target", 0, 0.5, None, _ANCHOR),
        f("target_naked_url_share", "profile_target", 0, 0.5, None, _ANCHOR),
        f(
            # Natural brand anchors are shared by many domains too, so the push decides; but
            # the phrase is only true of an anchor more than 3 domains share ("same anchor used
            # by 1 referring domains" read as an accusation on real links).
            "same_anchor_domains",
            "profile_target",
            +1,
            3,
            "same anchor used by {v} referring domains",
            _ANCHOR,
        ),
        f(
            "burst_share",
            "profile_target",
            +1,
            0.03,
            "first seen in a burst of new links",
            ("first_seen",),
        ),
        f(
            "burst_ratio",
            "profile_target",
            +1,
            3,
            "first seen in a week with {v} times the usual new links",
            ("first_seen",),
        ),
        f(
            "last_seen_lag_days",
            "profile_target",
            +1,
            60,
            "last seen {v} days before the newest link of its export (removed or rarely crawled)",
            ("last_seen",),
        ),
        f(
            "ip_subnet_domains",
            "profile_target",
            +1,
            2,
            "source IP /24 shared by {v} referring domains (network footprint)",
            ("source_ip",),
        ),
        # -- relevance: embedding cosines between the link's texts and the target's topic
        f(
            "cos_anchor_topic",
            "relevance",
            -1,
            0.3,
            "anchor unrelated to the target's topic",
            _ANCHOR,
        ),
        f(
            "cos_context_topic",
            "relevance",
            -1,
            0.3,
            "text around the link unrelated to the target",
            (CONTEXT,),
        ),
        f(
            "cos_title_topic",
            "relevance",
            -1,
            0.3,
            "source topic unrelated to target",
            ("source_title",),
        ),
        f(
            "cos_anchor_context",
            "relevance",
            -1,
            0.3,
            "anchor does not fit the text around it",
            ("anchor", CONTEXT),
        ),
        f(
            "cos_title_profile",
            "relevance",
            -1,
            0.3,
            "source page unlike the rest of the target's profile",
            ("source_title",),
        ),
        f(
            "cos_context_profile",
            "relevance",
            -1,
            0.3,
            "text around the link unlike the rest of the target's profile",
            (CONTEXT,),
        ),
        f(
            "cos_slug_topic",
            "relevance",
            -1,
            0.3,
            "source URL's words unrelated to the target's topic",
            _SRC,
        ),
        f(
            "cos_slug_profile",
            "relevance",
            -1,
            0.3,
            "source URL's words unlike the rest of the target's profile",
            _SRC,
        ),
        f(
            "language_mismatch",
            "relevance",
            +1,
            0.5,
            "source language differs from the target's",
            ("language",),
        ),
        # -- embedding: projected embeddings (no reading of their own: the push decides)
        f(
            "emb_anchor_{i}",
            "embedding",
            0,
            0.5,
            "anchor text reads like link-scheme anchors",
            ("anchor",),
        ),
        f(
            "emb_context_{i}",
            "embedding",
            0,
            0.5,
            "text around the link reads like link-scheme content",
            (CONTEXT,),
        ),
    ]
    return out


#: Every feature, in the order the FeatureBuilder produces them.
CATALOGUE: tuple[Feature, ...] = tuple(_declare())
_BY_NAME = {f.name: f for f in CATALOGUE if "{i}" not in f.name}
_PATTERNS = [
    (re.compile("^" + re.escape(f.name).replace(r"\{i\}", r"(\d+)") + "$"), f)
    for f in CATALOGUE
    if "{i}" in f.name
]


def lookup(name: str) -> Feature | None:
    """The catalogue entry of a feature column, None when this code does not produce it."""
    found = _BY_NAME.get(name)
    if found is not None:
        return found
    for pattern, feature in _PATTERNS:
        if pattern.match(name):
            return feature
    return None


def entry(name: str) -> Feature:
    """The catalogue entry of a feature column; KeyError when it is not declared."""
    found = lookup(name)
    if found is None:
        raise KeyError(f"feature {name!r} is not in linkclf.features.catalogue")
    return found


def families(names: Iterable[str]) -> dict[str, str]:
    """Feature -> family for the given feature columns."""
    return {n: entry(n).family for n in names}


def unknown(names: Iterable[str]) -> list[str]:
    """The names this code does not produce (a model directory from another feature set)."""
    return [n for n in names if lookup(n) is None]


def input_present(links: pd.DataFrame, column: str) -> np.ndarray:
    """Per row: is the input ``column`` (``a|b``: either) known?

    The readers keep an empty cell of a column the export has as "" (an empty anchor is a fact)
    and a column the export lacks as missing (<NA>, NaN): only the latter is unknown.
    """
    present = np.zeros(len(links), dtype=bool)
    for col in column.split("|"):
        if col in links.columns:
            present |= links[col].notna().to_numpy(dtype=bool)
    return present


def explainable(names: list[str], links: pd.DataFrame) -> np.ndarray:
    """Boolean (rows, features): every input of the feature is present on the row.

    The catalogue's rule "a missing value is never evidence", as a mask for linkclf.explain.
    """
    cache: dict[str, np.ndarray] = {}
    out = np.ones((len(links), len(names)), dtype=bool)
    for j, name in enumerate(names):
        feature = lookup(name)
        if feature is None or feature.phrase is None:
            out[:, j] = False
            continue
        for column in feature.inputs:
            if column not in cache:
                cache[column] = input_present(links, column)
            out[:, j] &= cache[column]
    return out
