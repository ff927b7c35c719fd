"""Profiles: the unit profile features are computed over, and the one featurisation helper.

A link's profile features (how many links its referring domain sends, how often its anchor is
used, bursts of new links...) are computed over **all rows of one target site in the input**
(``target_site``, see linkclf.schema.conform). Which rows are "the input" therefore changes the
features: training, evaluation, the promotion decision and scoring all featurise through
:func:`featurise`, on the whole frame they were given, and select rows afterwards, so every
figure about a model is the same measurement (issue 9: the promotion decision recomputed the
test rows' features over the test rows alone and reported another PR-AUC for the same model).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from linkclf.features import FeatureBuilder
from linkclf.schema import COLUMN_SET, conform, is_conformed

#: The column whose equal values form one profile.
PROFILE_UNIT = "target_site"


def featurise(builder: FeatureBuilder, links: pd.DataFrame) -> pd.DataFrame:
    """Features of every row of ``links``, profile features over each target site's rows in it.

    Parameters
    ----------
    builder : a fitted FeatureBuilder.
    links : canonical rows; every row of a target site that belongs to its profile must be in
        this frame (select rows from the result, never featurise a subset). With a
        ``column_set`` column (training data), each column set is featurised as its own export.

    Returns
    -------
    pandas.DataFrame
        float features, index aligned with ``links``.
    """
    if COLUMN_SET not in links.columns:
        return builder.transform(links)
    # Training rows rendered under several vendor column sets: each set is a separate export,
    # so its copies of a profile never pool with another set's copies.
    parts = [builder.transform(rows) for _, rows in links.groupby(COLUMN_SET, sort=False)]
    return pd.concat(parts).loc[links.index]


def profile_batches(links: pd.DataFrame, max_rows: int) -> Iterator[pd.DataFrame]:
    """Row batches of at most ``max_rows`` links (one big profile may exceed it) made of whole
    target profiles, in order of first appearance: the unit of scoring, locally and on Dask."""
    if is_conformed(links):
        targets = links[PROFILE_UNIT]
    else:  # only the URLs are needed: conform the two columns, not the whole frame
        targets = conform(links[["source_url", "target_url"]])[PROFILE_UNIT]
    batch_of: dict[str, int] = {}
    batch = size = 0
    for target, n in targets.value_counts(sort=False).items():
        if size and size + n > max_rows:
            batch, size = batch + 1, 0
        batch_of[str(target)] = batch
        size += int(n)
    ids = targets.map(batch_of).to_numpy(dtype=np.int64)
    for _, rows in links.groupby(ids, sort=True):
        yield rows
