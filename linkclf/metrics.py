"""Figures every evaluation reports, with bootstrap confidence intervals.

Bootstrap resamples referring domains, not rows: links of one domain are near-duplicates, so
a row bootstrap would report intervals far narrower than the data supports.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

from linkclf.datasets.columnsets import column_set_masks
from linkclf.schema import MANIPULATIVE_KINDS
from linkclf.splits import domain_groups


def _safe(fn: Any, y: np.ndarray, p: np.ndarray) -> float:
    if len(np.unique(y)) < 2:
        return float("nan")
    return float(fn(y, p))


def point_metrics(
    y: np.ndarray, p: np.ndarray, threshold: float, ks: tuple[int, ...] = (100, 1000)
) -> dict[str, float]:
    """ROC-AUC, PR-AUC, precision/recall at the threshold, precision@k, Brier, base rate."""
    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=float)
    flag = p >= threshold
    tp = int((flag & (y == 1)).sum())
    out = {
        "n": float(len(y)),
        "positive_rate": float(y.mean()) if len(y) else float("nan"),
        "roc_auc": _safe(roc_auc_score, y, p),
        "pr_auc": _safe(average_precision_score, y, p),
        "precision_at_threshold": tp / flag.sum() if flag.sum() else float("nan"),
        "recall_at_threshold": tp / (y == 1).sum() if (y == 1).sum() else float("nan"),
        "flagged_rate": float(flag.mean()) if len(y) else float("nan"),
        "brier": float(brier_score_loss(y, p)) if len(y) else float("nan"),
    }
    order = np.argsort(-p, kind="stable")
    for k in ks:
        if len(y) >= k:
            out[f"precision_at_{k}"] = float(y[order[:k]].mean())
    return out


def bootstrap_ci(
    y: np.ndarray,
    p: np.ndarray,
    groups: np.ndarray,
    threshold: float,
    n_boot: int = 200,
    seed: int = 0,
    keys: tuple[str, ...] = (
        "roc_auc",
        "pr_auc",
        "precision_at_threshold",
        "recall_at_threshold",
        "brier",
    ),
) -> dict[str, tuple[float, float]]:
    """95% percentile intervals from a bootstrap over groups (referring domains)."""
    rng = np.random.default_rng(seed)
    uniq, inverse = np.unique(groups, return_inverse=True)
    members = [np.flatnonzero(inverse == g) for g in range(len(uniq))]
    samples: dict[str, list[float]] = {k: [] for k in keys}
    for _ in range(n_boot):
        pick = rng.integers(0, len(uniq), len(uniq))
        idx = np.concatenate([members[g] for g in pick])
        m = point_metrics(y[idx], p[idx], threshold, ks=())
        for k in keys:
            samples[k].append(m[k])
    out = {}
    for k, vals in samples.items():
        arr = np.asarray(vals, dtype=float)
        arr = arr[~np.isnan(arr)]
        out[k] = (
            (float(np.percentile(arr, 2.5)), float(np.percentile(arr, 97.5)))
            if len(arr)
            else (float("nan"),) * 2
        )
    return out


def reliability(y: np.ndarray, p: np.ndarray, bins: int = 10) -> list[dict[str, float]]:
    """Mean predicted vs observed rate per probability bin (the reliability diagram's points)."""
    edges = np.linspace(0, 1, bins + 1)
    idx = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    rows = []
    for b in range(bins):
        mask = idx == b
        if mask.any():
            rows.append(
                {
                    "bin": b,
                    "mean_p": float(p[mask].mean()),
                    "observed": float(y[mask].mean()),
                    "n": int(mask.sum()),
                }
            )
    return rows


def per_kind_metrics(
    df: pd.DataFrame, y: np.ndarray, p: np.ndarray, threshold: float
) -> dict[str, dict[str, float]]:
    """Each manipulative kind against all the natural links: ROC-AUC and recall at the threshold
    (kinds with fewer than 5 links are left out: their figures would be noise)."""
    kinds = df["kind"].astype("string").fillna("")
    natural = y == 0
    per_kind = {}
    for kind in MANIPULATIVE_KINDS:
        mask = (kinds == kind).to_numpy() & (y == 1)
        if mask.sum() >= 5:
            both = mask | natural
            m = point_metrics(y[both], p[both], threshold, ks=())
            per_kind[kind] = {
                "n": int(mask.sum()),
                "roc_auc": m["roc_auc"],
                "recall_at_threshold": m["recall_at_threshold"],
            }
    return per_kind


def split_metrics(
    df: pd.DataFrame,
    y: np.ndarray,
    p: np.ndarray,
    threshold: float,
    cfg: dict[str, Any],
    ci: bool = True,
) -> dict[str, Any]:
    """Figures on one held-out split: overall (+CI), per kind, per language, reliability."""
    out: dict[str, Any] = {"test": point_metrics(y, p, threshold)}
    groups = domain_groups(df).to_numpy()
    if ci:
        out["test_ci"] = bootstrap_ci(
            y, p, groups, threshold, n_boot=int(cfg.get("evaluation", {}).get("bootstrap", 200))
        )
        out["reliability"] = reliability(y, p)
        out["per_kind"] = per_kind_metrics(df, y, p, threshold)
        per_lang = {}
        if "language" in df.columns:
            langs = df["language"].astype("string").fillna("?")
            for lang in sorted(langs.unique()):
                mask = (langs == lang).to_numpy()
                if mask.sum() >= 20:
                    m = point_metrics(y[mask], p[mask], threshold, ks=())
                    per_lang[lang] = {
                        k: m[k]
                        for k in (
                            "n",
                            "roc_auc",
                            "pr_auc",
                            "precision_at_threshold",
                            "recall_at_threshold",
                        )
                    }
        out["per_language"] = per_lang
    return out


def column_set_figures(
    df: pd.DataFrame, y: np.ndarray, p: np.ndarray, threshold: float
) -> dict[str, Any]:
    """Held-out figures per vendor column set (``column_set_<set>``) and each kind's figures
    per set (``per_kind_column_set_<set>``): pooled over the six renderings, a figure mixes the
    URL-only Search Console rows with full exports. Empty for data without column sets."""
    out: dict[str, Any] = {}
    for name, rows in column_set_masks(df).items():
        out[f"column_set_{name}"] = point_metrics(y[rows], p[rows], threshold)
        out[f"per_kind_column_set_{name}"] = per_kind_metrics(df[rows], y[rows], p[rows], threshold)
    return out
