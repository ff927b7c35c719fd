"""Vendor column sets: which canonical columns each kind of export carries.

Whether a vendor metric is present is a property of the EXPORT, not of the link: an Ahrefs export
has Domain rating on every row, a Search Console export has no metric, anchor or rel flag at all.
A simulated profile is therefore rendered under each vendor's column set, so a model learns to
score whatever columns an export has, and a missing value never stands for "spammy".

The sets are not written down by hand: :data:`COLUMN_SETS` is what the project's own renderer
(:mod:`linkclf.sources.render`) writes for a vendor and its reader (:mod:`linkclf.sources`) reads
back, measured once on a probe row in which every canonical field is filled. A new vendor column
in a reader is picked up here without a second list to keep in step.

>>> sorted(COLUMN_SETS["gsc"])
['last_seen', 'source_url', 'target_url']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from linkclf.errors import ConfigError
from linkclf.schema import CANONICAL_COLUMNS, COLUMN_SET, LABEL_FIELDS, METRIC_FIELDS, conform

#: The column sets, one per export format users bring (``canonical`` = every column).
VENDOR_SETS = ("ahrefs", "semrush", "majestic", "moz", "gsc", "canonical")
#: The column :func:`expand_column_sets` adds.
#: Link fields: what a column set decides (labels and analysis columns are kept as they are).
LINK_FIELDS = tuple(c for c in CANONICAL_COLUMNS if c not in LABEL_FIELDS)


def _probe() -> pd.DataFrame:
    """One canonical row with every field filled by a value every renderer writes."""
    stamp = pd.Timestamp("2025-01-02T03:04:05Z")
    return conform(
        pd.DataFrame(
            {
                "source_url": ["https://blog.example/post/"],
                "target_url": ["https://shop.example/page"],
                "anchor": ["shop"],
                "context_left": ["left words"],
                "context_right": ["right words"],
                "source_title": ["A title"],
                "nofollow": [True],
                "ugc": [True],
                "sponsored": [True],
                "link_type": ["image"],
                "placement": ["content"],
                "sitewide": [True],
                "first_seen": [stamp],
                "last_seen": [stamp],
                "lost": [True],
                "source_ip": ["192.0.2.1"],
                "language": ["en"],
                **{m: [5.0] for m in METRIC_FIELDS},
            }
        )
    )


def _read_back(df: pd.DataFrame, vendor: str) -> dict[str, pd.Series]:
    """``df`` written as a ``vendor`` export and read back: canonical columns the reader fills."""
    from linkclf.sources.formats import BY_NAME
    from linkclf.sources.render import render_frame

    rendered = render_frame(df, vendor).reset_index(drop=True)
    return BY_NAME[vendor][0].to_canonical(rendered)


def _carried(vendor: str) -> frozenset[str]:
    if vendor == "canonical":
        return frozenset(LINK_FIELDS)
    back = _read_back(_probe(), vendor)
    # The target URL always exists: an export without one (Search Console) is read with the
    # caller's --target.
    return frozenset(
        {"target_url"} | {c for c, s in back.items() if c in LINK_FIELDS and s.notna().any()}
    )


#: Column set name -> the canonical link fields an export of that kind carries.
COLUMN_SETS: dict[str, frozenset[str]] = {name: _carried(name) for name in VENDOR_SETS}


def _check(names: Sequence[str]) -> None:
    unknown = [n for n in names if n not in COLUMN_SETS]
    if unknown or not names:
        raise ConfigError(
            expected=f"column set names from {{{', '.join(COLUMN_SETS)}}}",
            found=repr(unknown[0]) if unknown else "an empty list",
            fix='e.g. data.column_sets = ["ahrefs", "semrush", "gsc", "canonical"]',
        )


def _site_root(urls: pd.Series) -> pd.Series:
    """``https://www.shop.example/a/b`` -> ``https://www.shop.example/``: what a Search Console
    user passes as ``--target`` (the export names no target page)."""
    text = urls.astype("string")
    return (
        text.str.extract(r"^([a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*)", expand=False).astype("string")
        + "/"
    )


def apply_column_set(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """``df`` as an export of column set ``name`` would give it to linkclf.

    Each row is written with the vendor's renderer and read back with its reader, so values
    have the vendor's spelling (Ahrefs knows only content / not content, Majestic's nofollow is
    "+" or blank, dates are days); canonical link fields the export does not carry are missing on
    every row. Columns that are not link fields (label, kind, target_site, ...) are kept.

    Parameters
    ----------
    df : canonical rows (extra columns allowed).
    name : a key of :data:`COLUMN_SETS`.

    Returns
    -------
    pandas.DataFrame
        Same index, columns and row order as ``df``.

    Examples
    --------
    >>> from linkclf.datasets import simulate
    >>> gsc = apply_column_set(simulate(7, n_targets=2), "gsc")
    >>> bool(gsc["anchor"].isna().all()), bool(gsc["domain_rating"].isna().all())
    (True, True)
    """
    _check([name])
    out = df.copy()
    if name == "canonical":
        return out
    canon = conform(df)
    back = _read_back(canon, name)
    carried = COLUMN_SETS[name]
    for col in LINK_FIELDS:
        if col == "target_url":
            if col not in back:
                out[col] = _site_root(canon[col]).to_numpy()
            continue
        if col in carried and col in back:
            values = back[col]
            out[col] = values.to_numpy() if len(values) == len(out) else values
        else:
            out[col] = canon[col].iloc[:0].reindex(out.index)  # missing, at the column's dtype
    return conform(out)


def expand_column_sets(df: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    """Every row rendered under every column set in ``names``, with a ``column_set`` column.

    The copies of one link share their source URL, hence their referring domain: a split grouped
    by referring domain (:mod:`linkclf.splits`) keeps all copies on one side.

    Profile features aggregate over a target's links, so transform each column set on its own
    (:func:`linkclf.profiles.featurise` does): the copies are separate exports, not one bigger profile.
    """
    _check(list(names))
    frames = [apply_column_set(df, name).assign(**{COLUMN_SET: name}) for name in names]
    return pd.concat(frames, ignore_index=True)


def column_set_masks(df: pd.DataFrame) -> dict[str, np.ndarray]:
    """Boolean row masks per column set (for per-column-set held-out figures)."""
    if COLUMN_SET not in df.columns:
        return {}
    values = df[COLUMN_SET].astype("string").to_numpy()
    return {str(n): values == n for n in pd.unique(values)}
