"""Disagreement of a LightGBM committee on scored links, for the review queue.

The committee is trained on labelled links (the model's training data, and the user's own
decisions when given) with the installed model's features, so it disagrees where those labels
are thin: see :mod:`linkclf.review.queue`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from linkclf.labelled import load_labelled
from linkclf.model import LinkClassifier
from linkclf.profiles import featurise
from linkclf.review.queue import committee_spread
from linkclf.schema import conform
from linkclf.splits import domain_groups

#: Labelled links the committee trains on at most (whole referring domains, sampled): enough
#: to disagree usefully, few enough to start the page in seconds.
MAX_ROWS = 12_000


def _subsample(data: pd.DataFrame, max_rows: int, seed: int) -> pd.DataFrame:
    if len(data) <= max_rows:
        return data
    groups = domain_groups(data)
    uniq = groups.unique()
    keep = np.random.default_rng(seed).permutation(len(uniq))[
        : int(len(uniq) * max_rows / len(data))
    ]
    return data[groups.isin(set(uniq[keep]))]


def disagreement(
    model: LinkClassifier,
    links: pd.DataFrame,
    labelled_paths: Sequence[str],
    reviews: Sequence[str] = (),
    max_rows: int = MAX_ROWS,
    seed: int = 0,
) -> np.ndarray:
    """Committee spread for every row of ``links`` (scored links with canonical columns)."""
    labelled = _subsample(load_labelled(list(labelled_paths), reviews), max_rows, seed)
    X_train = featurise(model.builder(), labelled)
    X_pool = featurise(
        model.builder(),
        conform(links.drop(columns=["kind", "predicted_kind"], errors="ignore")),
    )
    cols = list(model.feature_columns_)
    return committee_spread(
        X_train[cols],
        labelled["label"].to_numpy(dtype=int),
        domain_groups(labelled).to_numpy(),
        X_pool[cols],
        seed=seed,
    )
