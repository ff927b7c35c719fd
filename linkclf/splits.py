"""Splits for honest evaluation: links from one referring domain never sit on both sides.

Sitewide and PBN links from one domain are near-duplicates; a random row split would let the
model memorise the domain and report a figure no user will see.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from linkclf.schema import site_column


def domain_groups(df: pd.DataFrame) -> pd.Series:
    """Referring domain of every row (the grouping key of every split): the ``referring_domain``
    column linkclf.schema.conform derives (derived here too for a frame never conformed)."""
    return site_column(df, "referring_domain")


def _bucket(key: str, seed: int) -> float:
    """Stable pseudo-random number in [0, 1) per key: the same domain lands on the same side
    in every run and every process (Python's hash() is salted per process)."""
    digest = hashlib.blake2b(f"{seed}:{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def grouped_split(
    df: pd.DataFrame, *, test_size: float = 0.2, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks (train, test) with whole referring domains on one side."""
    groups = domain_groups(df)
    buckets = groups.map(lambda key: _bucket(key, seed)).to_numpy(dtype=float)
    test = buckets < test_size
    return ~test, test


def grouped_three_way(
    df: pd.DataFrame, *, valid_size: float = 0.15, test_size: float = 0.15, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Masks (train, valid, test), grouped by referring domain."""
    groups = domain_groups(df)
    buckets = groups.map(lambda key: _bucket(key, seed)).to_numpy(dtype=float)
    test = buckets < test_size
    valid = (buckets >= test_size) & (buckets < test_size + valid_size)
    return ~(test | valid), valid, test


def holdout(df: pd.DataFrame, column: str, values: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Masks (train, test): every row whose ``column`` is in ``values`` goes to test, and so does
    every other row of a referring domain that has one there (no domain on both sides)."""
    in_test = df[column].astype("string").isin(values).fillna(False).to_numpy(dtype=bool)
    groups = domain_groups(df).to_numpy()
    test_domains = set(groups[in_test])
    test = np.isin(groups, list(test_domains))
    return ~test, test
