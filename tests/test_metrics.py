"""Per-kind figures: each manipulative kind against every natural link."""

from __future__ import annotations

import numpy as np
import pandas as pd

from linkclf.metrics import per_kind_metrics


def test_each_kind_is_scored_against_all_natural_links_and_rare_kinds_are_left_out() -> None:
    kinds = ["natural"] * 10 + ["paid"] * 6 + ["pbn"] * 6 + ["exchange"] * 4
    y = np.array([0] * 10 + [1] * 16)
    p = np.concatenate(
        [
            np.linspace(0.0, 0.5, 10),  # natural links
            np.array([0.9, 0.9, 0.9, 0.2, 0.2, 0.2]),  # paid: half above the threshold
            np.full(6, 0.95),  # pbn: all above every natural link
            np.full(4, 0.99),  # exchange: too few to report
        ]
    )
    figures = per_kind_metrics(pd.DataFrame({"kind": kinds}), y, p, threshold=0.8)
    assert set(figures) == {"paid", "pbn"}
    assert figures["pbn"] == {"n": 6, "roc_auc": 1.0, "recall_at_threshold": 1.0}
    assert figures["paid"]["recall_at_threshold"] == 0.5
    # Three paid links sit among the natural ones: the ranking is imperfect.
    assert 0.5 < figures["paid"]["roc_auc"] < 1.0


def test_figures_per_column_set_are_computed_on_that_rendering_alone() -> None:
    from linkclf.metrics import column_set_figures
    from linkclf.schema import COLUMN_SET

    kinds = (["natural"] * 6 + ["paid"] * 6) * 2
    y = np.array(([0] * 6 + [1] * 6) * 2)
    # The full rendering separates the paid links; the URL-only one ranks them among natural ones.
    p = np.concatenate([np.r_[np.full(6, 0.1), np.full(6, 0.9)], np.tile([0.2, 0.8], 6)])
    sets = ["canonical"] * 12 + ["gsc"] * 12
    frame = pd.DataFrame({"kind": kinds, COLUMN_SET: sets})
    figures = column_set_figures(frame, y, p, threshold=0.5)
    assert set(figures) == {
        "column_set_canonical",
        "column_set_gsc",
        "per_kind_column_set_canonical",
        "per_kind_column_set_gsc",
    }
    assert figures["column_set_canonical"]["roc_auc"] == 1.0
    assert figures["column_set_gsc"]["roc_auc"] == 0.5
    assert figures["per_kind_column_set_canonical"]["paid"]["recall_at_threshold"] == 1.0
    assert figures["per_kind_column_set_gsc"]["paid"]["recall_at_threshold"] == 0.5
    # Data without renderings has no per-set figures.
    assert column_set_figures(frame.drop(columns=[COLUMN_SET]), y, p, threshold=0.5) == {}
