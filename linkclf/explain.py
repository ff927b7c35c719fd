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
    ("anchor_naked", lambda v: "naked-URL anchor"),
    ("anchor_brand", lambda v: "brand anchor in an otherwise suspicious place"),
    ("anchor_empty", lambda v: "link with no anchor text"),
    ("anchor_image", lambda v: "image link"),
    ("exact_share", lambda v: "the target's profile is heavy in exact-match anchors"),
    ("same_anchor", lambda v: f"same anchor used by {_n(v)} referring domains"),
    ("burst", lambda v: "first seen in a burst of new links"),
    ("ip", lambda v: f"source IP /24 shared by {_n(v)} referring domains (network footprint)"),
    ("sitewide", lambda v: "sitewide link"),
    ("pages", lambda v: f"repeated on {_n(v)} pages of one domain"),
    ("domain_links", lambda v: f"{_n(v)} links from one referring domain"),
    ("footer", lambda v: "footer link"),
    ("sidebar", lambda v: "sidebar link"),
    ("comment", lambda v: "link in a comment section"),
    ("nav", lambda v: "navigation/header link"),
    ("context", lambda v: "no editorial text around the link"),
    ("nofollow", lambda v: "followed link (no nofollow)"),
    ("sponsored", lambda v: "paid-looking link without rel=sponsored"),
    ("ugc", lambda v: "user-generated link"),
    ("external_links", lambda v: f"{_n(v)} outbound links on the source page"),
    ("tld", lambda v: "spam-heavy top-level domain"),
    ("spam_token", lambda v: "spammy words in the source hostname"),
    ("digit", lambda v: "digits in the source hostname"),
    ("hyphen", lambda v: "hyphenated source hostname"),
    ("path", lambda v: "source URL looks like a link page (guest post / links / directory)"),
    ("cos_title", lambda v: "source topic unrelated to target"),
    ("cos_context", lambda v: "text around the link unrelated to the target"),
    ("cos_anchor", lambda v: "anchor unrelated to the target's topic"),
    ("language", lambda v: "source language differs from the target's"),
    ("trust_flow", lambda v: "low Trust Flow"),
    ("domain_rating", lambda v: "low-authority referring domain"),
    ("traffic", lambda v: "source site has little organic traffic"),
    ("spam_score", lambda v: "high vendor spam score"),
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
