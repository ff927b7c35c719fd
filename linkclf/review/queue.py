"""What to review next: the links whose decision would teach the model most.

Strategy (docs/review.md says why): **uncertainty x committee disagreement, spread over
referring domains**.

* *Uncertainty*: how close a link's probability is to the model's threshold
  (``1 - |p - t| / max(t, 1 - t)``): a decision on a link the model already scores 0.99 or
  0.01 confirms what it knows; one near the threshold moves the boundary.
* *Disagreement*: the spread of a small committee of LightGBM models, each trained on a
  bootstrap of the labelled referring domains with the current model's features (query by
  bagging). Near the threshold, links the committee agrees on are inherently ambiguous (label
  noise, look-alike natural and paid links); links it disagrees on sit where the training data
  is thin, which is where a label changes the model.
* *Diversity*: links of one referring domain are near-duplicates (sitewide footers), so the
  queue takes each domain's best link before any domain's second.

``priority = uncertainty x (floor + disagreement / max disagreement)``; the floor keeps the
order meaningful without a committee (uncertainty alone).
"""

from __future__ import annotations

from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd

#: Weight of uncertainty alone, so links the committee agrees on are not ranked as equal.
DISAGREEMENT_FLOOR = 0.1
#: Committee members and their size: small and fast, the committee only ranks.
MEMBERS = 5
MEMBER_ROUNDS = 60
MEMBER_PARAMS: dict[str, Any] = {
    "objective": "binary",
    "learning_rate": 0.1,
    "num_leaves": 15,
    "min_data_in_leaf": 20,
    "feature_fraction": 0.8,
    "verbose": -1,
    "num_threads": 1,
    "deterministic": True,
    "force_row_wise": True,
}


def uncertainty(p: np.ndarray, threshold: float) -> np.ndarray:
    """1 at the threshold, 0 at the far end of [0, 1]."""
    span = max(threshold, 1.0 - threshold, 1e-9)
    return np.clip(1.0 - np.abs(np.asarray(p, dtype=float) - threshold) / span, 0.0, 1.0)


def committee_spread(
    X_train: pd.DataFrame,
    y_train: np.ndarray,
    groups: np.ndarray,
    X_pool: pd.DataFrame,
    members: int = MEMBERS,
    seed: int = 0,
) -> np.ndarray:
    """Standard deviation of ``members`` LightGBM models' probabilities on ``X_pool``.

    Each member is trained on a bootstrap of whole referring domains (``groups``) of the
    labelled rows: resampling rows would let every member see every domain.
    """
    rng = np.random.default_rng(seed)
    uniq, inverse = np.unique(groups, return_inverse=True)
    rows_of = [np.flatnonzero(inverse == g) for g in range(len(uniq))]
    y = np.asarray(y_train, dtype=int)
    preds = []
    for m in range(members):
        rows = np.concatenate([rows_of[g] for g in rng.integers(0, len(uniq), len(uniq))])
        if len(np.unique(y[rows])) < 2:
            continue
        booster = lgb.train(
            {**MEMBER_PARAMS, "seed": seed + m},
            lgb.Dataset(X_train.iloc[rows], label=y[rows]),
            num_boost_round=MEMBER_ROUNDS,
        )
        preds.append(np.asarray(booster.predict(X_pool)))
    if len(preds) < 2:
        return np.zeros(len(X_pool))
    return np.asarray(preds).std(axis=0)


def priority(p: np.ndarray, threshold: float, disagreement: np.ndarray | None = None) -> np.ndarray:
    """How much a decision on each link would teach (higher first)."""
    u = uncertainty(p, threshold)
    if disagreement is None or not np.any(disagreement > 0):
        return u
    d = np.asarray(disagreement, dtype=float)
    return u * (DISAGREEMENT_FLOOR + d / d.max())


def spread_over_domains(score: np.ndarray, domains: np.ndarray) -> np.ndarray:
    """Row positions in queue order: each domain's best link first, then each one's second...

    Ties keep the input order, so the queue is reproducible.
    """
    frame = pd.DataFrame({"score": np.asarray(score, dtype=float), "domain": domains})
    frame["pos"] = np.arange(len(frame))
    frame = frame.sort_values(["score", "pos"], ascending=[False, True], kind="stable")
    frame["rank_in_domain"] = frame.groupby("domain", sort=False).cumcount()
    ordered = frame.sort_values(
        ["rank_in_domain", "score", "pos"], ascending=[True, False, True], kind="stable"
    )
    return ordered["pos"].to_numpy()
