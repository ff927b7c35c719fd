"""Evaluation splits of a simulated dataset: grouped, and out of distribution.

All of them keep every referring domain on one side (:mod:`linkclf.splits`): sitewide and PBN
links from one domain are near-duplicates, and a row split would let a model memorise them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from linkclf.datasets.simulator import HOLDOUT_LANGUAGE, HOLDOUT_NICHES
from linkclf.splits import grouped_split, holdout


def evaluation_splits(
    df: pd.DataFrame, *, test_size: float = 0.2, seed: int = 0
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Boolean masks ``(train, test)`` per split name.

    ``grouped``: a random share of referring domains; ``holdout_niches``: every link to a target
    in :data:`HOLDOUT_NICHES` (plus the rest of those links' referring domains);
    ``holdout_language``: every link from a page in :data:`HOLDOUT_LANGUAGE` (same rule).
    """
    return {
        "grouped": grouped_split(df, test_size=test_size, seed=seed),
        "holdout_niches": holdout(df, "niche", list(HOLDOUT_NICHES)),
        "holdout_language": holdout(df, "language", [HOLDOUT_LANGUAGE]),
    }
