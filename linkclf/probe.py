"""The feature probe: does this code still compute a model's features as they were trained?

A model directory stores trees over feature values, not the code that computed them. Change a
feature (how a path footprint matches, what a share counts) and a model trained before the
change goes on loading and scoring, on features it never saw: the scores drift with no error
anywhere. ``models/default.inputs.sha256`` cannot tell (it covers the data and the config).

So a model saves, beside its trees, the features of a fixed set of links (``PROBE_LINKS``: 57
hand-written links to two sites, with dates, every vendor metric and the URL shapes of the path
footprints) as its training code computed them. :func:`probe_drift` (``LinkClassifier.probe_drift``) computes them again with the code at hand and returns, per
feature, how far they moved; tests/test_probe.py fails when the shipped model's features moved,
which is the signal to retrain it (``linkclf train --config training/default.toml --out
models/default --force``). Text embeddings differ by float noise between machines (~1e-6), so
the test's tolerance is 1e-3; a changed feature moves by far more.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from importlib.resources import files
from typing import Any

import numpy as np
import pandas as pd

from linkclf.features import FeatureBuilder
from linkclf.schema import conform

#: The probe's links, shipped with the package (written for linkclf; no third-party data).
PROBE_LINKS = files("linkclf") / "data" / "probe-links.csv"


def probe_links() -> pd.DataFrame:
    """The probe's links as a conformed canonical frame."""
    with PROBE_LINKS.open("r", encoding="utf-8") as handle:
        raw = pd.read_csv(handle, dtype=str, keep_default_na=False)
    return conform(raw)


def probe_digest() -> str:
    """SHA-256 of the probe file: stored values are compared only against the same links."""
    return hashlib.sha256(PROBE_LINKS.read_bytes()).hexdigest()


def probe_features(builder: FeatureBuilder, columns: Sequence[str]) -> np.ndarray:
    """(links, features) of the probe as ``builder`` computes them, in ``columns``' order (a
    model's feature columns)."""
    X = builder.transform(probe_links())
    return X.reindex(columns=list(columns)).to_numpy(dtype=np.float64)


def probe_record(builder: FeatureBuilder, columns: Sequence[str]) -> dict[str, Any]:
    """What a model directory stores (model.json ``probe``): the file's digest and the values,
    a missing value written as null (JSON has no NaN)."""
    values = probe_features(builder, columns)
    rows = [[None if np.isnan(v) else float(v) for v in row] for row in values]
    return {"links_sha256": probe_digest(), "features": rows}


def probe_drift(
    builder: FeatureBuilder, columns: Sequence[str], stored: dict[str, Any] | None
) -> pd.Series | None:
    """Per feature, the largest absolute difference between the ``stored`` probe (a model
    directory's) and the probe as ``builder`` computes it now (inf where one is missing and the
    other is not), largest first; None when there is no stored probe or one of other links."""
    if not stored or stored.get("links_sha256") != probe_digest():
        return None
    before = np.array(
        [[np.nan if v is None else v for v in row] for row in stored["features"]], dtype=float
    )
    now = probe_features(builder, columns)
    if before.shape != now.shape:
        return None
    both_missing = np.isnan(before) & np.isnan(now)
    one_missing = np.isnan(before) ^ np.isnan(now)
    gap = np.where(both_missing, 0.0, np.where(one_missing, np.inf, np.abs(before - now)))
    drift = pd.Series(gap.max(axis=0), index=list(columns), name="drift")
    return drift.sort_values(ascending=False)
