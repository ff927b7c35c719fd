"""Reasons: grouped by family, phrased, only pushes towards manipulative, stable."""

from __future__ import annotations

import pandas as pd

from linkclf.explain import phrase_for, top_reasons


def test_top_reasons_groups_families_and_orders_by_push() -> None:
    contrib = pd.DataFrame(
        {
            "anchor_exact": [0.9, -0.5],
            "anchor_len": [0.2, 0.0],
            "placement_footer": [0.5, 0.1],
            "nofollow": [-0.3, 0.05],
        }
    )
    feats = pd.DataFrame(
        {
            "anchor_exact": [1, 0],
            "anchor_len": [3, 2],
            "placement_footer": [1, 0],
            "nofollow": [0, 1],
        }
    )
    fams = {
        "anchor_exact": "anchor",
        "anchor_len": "anchor",
        "placement_footer": "placement",
        "nofollow": "rel",
    }
    reasons = top_reasons(contrib, feats, fams)
    assert reasons[0] == ["exact-match money anchor", "footer link"]  # rel pushes towards natural
    assert reasons[1] == ["footer link", "followed link (no nofollow)"]
    assert top_reasons(contrib, feats, fams) == reasons  # stable


def test_phrases_fill_in_values() -> None:
    assert (
        phrase_for("profile_domain", "domain_pages", 240) == "repeated on 240 pages of one domain"
    )
    assert (
        phrase_for("url", "unknown_feature", 1.0) == "spam footprint in the source URL or hostname"
    )
