"""Reasons in words: LightGBM feature contributions, grouped by signal family, phrased for an SEO.

A family's contribution is the sum of its features' TreeSHAP values; only families that push
a link *towards* manipulative are reasons. Within a family the feature with the largest push
chooses the wording, and the link's own value fills it in ("repeated on 240 pages").
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

Phrase = Callable[[float], str]


def _n(value: float) -> str:
    return "?" if value != value else f"{value:,.0f}"


# Feature-name fragment -> phrase. Checked in order; the first fragment found in the top feature's
# name wins. Fragments follow the names linkclf.features produces.
FEATURE_PHRASES: list[tuple[str, Phrase]] = [
    ("anchor_exact", lambda v: "exact-match money anchor"),
    ("anchor_partial", lambda v: "keyword-rich (partial-match) anchor"),
    ("anchor_generic", lambda v: "generic anchor text"),
    ("anchor_naked_url", lambda v: "naked-URL anchor"),
    ("anchor_brand", lambda v: "brand anchor in an otherwise suspicious place"),
    ("anchor_empty", lambda v: "link with no anchor text"),
    ("anchor_image", lambda v: "image link"),
    ("anchor_", lambda v: "unusual anchor text"),
    ("target_exact_share", lambda v: "the target's profile is heavy in exact-match anchors"),
    ("target_partial_share", lambda v: "the target's profile is heavy in keyword anchors"),
    ("same_anchor_domains", lambda v: f"same anchor used by {_n(v)} referring domains"),
    ("burst_", lambda v: "first seen in a burst of new links"),
    (
        "ip_subnet_domains",
        lambda v: f"source IP /24 shared by {_n(v)} referring domains (network footprint)",
    ),
    (
        "domain_pages",
        lambda v: f"repeated on {_n(v)} pages of one domain" if v > 1 else "single-page link",
    ),
    (
        "domain_links",
        lambda v: (
            f"{_n(v)} links from one referring domain"
            if v > 1
            else "one-off link from an unrelated domain"
        ),
    ),
    ("domain_sitewide_share", lambda v: "sitewide links from this domain"),
    ("domain_offpage_share", lambda v: "this domain links from footers/sidebars"),
    ("domain_same_anchor_share", lambda v: "this domain repeats one anchor"),
    ("sitewide", lambda v: "sitewide link"),
    ("placement_footer", lambda v: "footer link"),
    ("placement_sidebar", lambda v: "sidebar link"),
    ("placement_comment", lambda v: "link in a comment section"),
    ("placement_nav", lambda v: "navigation link"),
    ("placement_header", lambda v: "header link"),
    ("placement_content", lambda v: "link outside the main content"),
    ("context_", lambda v: "little or no editorial text around the link"),
    ("nofollow", lambda v: "followed link (no nofollow)"),
    ("sponsored", lambda v: "paid-looking link without rel=sponsored"),
    ("ugc", lambda v: "user-generated link"),
    ("external_links", lambda v: f"{_n(v)} outbound links on the source page"),
    ("host_tld_spammy", lambda v: "spam-heavy top-level domain"),
    ("host_spam_tokens", lambda v: "spammy words in the source hostname"),
    ("host_digits", lambda v: "digits in the source hostname"),
    ("host_hyphens", lambda v: "hyphenated source hostname"),
    ("path_guest_post", lambda v: "source URL looks like a guest-post page"),
    ("path_links_page", lambda v: "source URL looks like a links/partners page"),
    ("path_directory", lambda v: "source URL looks like a directory listing"),
    ("path_sponsored", lambda v: "source URL looks like an advertorial"),
    ("path_comment", lambda v: "source URL is a comment, forum or profile page"),
    ("cos_title", lambda v: "source topic unrelated to target"),
    ("cos_context", lambda v: "text around the link unrelated to the target"),
    ("cos_anchor", lambda v: "anchor unrelated to the target's topic"),
    ("language_mismatch", lambda v: "source language differs from the target's"),
    ("trust", lambda v: "low Trust Flow for its Citation Flow"),
    ("domain_rating", lambda v: "low-authority referring domain"),
    ("domain_authority", lambda v: "low-authority referring domain"),
    ("source_traffic", lambda v: "source site has little organic traffic"),
    ("vendor_spam_score", lambda v: "high vendor spam score"),
]

FAMILY_PHRASES: dict[str, str] = {
    "anchor": "over-optimised anchor text",
    "relevance": "source topic unrelated to target",
    "placement": "link placed outside the editorial content",
    "rel": "link passes PageRank where a paid/UGC link should not",
    "url": "spam footprint in the source URL or hostname",
    "authority": "weak or inflated authority metrics",
    "profile_domain": "many similar links from one referring domain",
    "profile_target": "unnatural pattern across the target's link profile",
    "embedding": "anchor and surrounding text read like link-scheme content",
}


def phrase_for(family: str, feature: str, value: float) -> str:
    for fragment, make in FEATURE_PHRASES:
        if fragment in feature:
            return make(value)
    return FAMILY_PHRASES.get(family, family.replace("_", " "))


def top_reasons(
    contributions: pd.DataFrame,
    features: pd.DataFrame,
    families: dict[str, str],
    k: int = 3,
) -> list[list[str]]:
    """The ``k`` strongest reasons per row, as phrases, strongest first.

    Ties are broken by family name so the output is stable for a fixed model and input.
    """
    cols = list(contributions.columns)
    fam_of = np.array([families.get(c, "other") for c in cols])
    fam_names = sorted(set(fam_of))
    contrib = contributions.to_numpy(dtype=float)
    values = features.reindex(columns=cols).to_numpy(dtype=float)
    reasons: list[list[str]] = []
    fam_masks = {f: fam_of == f for f in fam_names}
    for i in range(len(contrib)):
        row = contrib[i]
        scored = []
        for f in fam_names:
            total = row[fam_masks[f]].sum()
            if total > 1e-6:
                scored.append((-round(total, 9), f))
        scored.sort()
        phrases: list[str] = []
        for _, f in scored:
            idx = np.flatnonzero(fam_masks[f])
            best = idx[np.argmax(row[idx])]
            text = phrase_for(f, cols[best], values[i, best])
            if text not in phrases:
                phrases.append(text)
            if len(phrases) == k:
                break
        reasons.append(phrases)
    return reasons
