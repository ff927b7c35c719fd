"""Simulated, labelled link profiles: the data the default model is trained on.

``simulate(seed, n_targets)`` returns canonical link records with labels; ``HOLDOUT_NICHES`` and
``HOLDOUT_LANGUAGE`` are the default out-of-distribution splits (datasets/README.md).
"""

from __future__ import annotations

from linkclf.datasets.simulator import (
    EXTRA_COLUMNS,
    HOLDOUT_LANGUAGE,
    HOLDOUT_NICHES,
    NOISE_RATE,
    SPAM_NICHES,
    TARGET_NICHES,
    simulate,
)

__all__ = [
    "EXTRA_COLUMNS",
    "HOLDOUT_LANGUAGE",
    "HOLDOUT_NICHES",
    "NOISE_RATE",
    "SPAM_NICHES",
    "TARGET_NICHES",
    "simulate",
]
