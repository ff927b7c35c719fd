"""Per-link structure: rel flags, link type, placement, text around the link, vendor metrics.

Missing stays NaN: an export without rel flags (Search Console) must not read as "followed".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from linkclf.features._util import word_counts
from linkclf.schema import LINK_TYPES, METRIC_FIELDS, PLACEMENTS


def _flag(series: pd.Series) -> np.ndarray:
    return series.astype("boolean").astype("Float64").to_numpy(dtype=float, na_value=np.nan)


def rel_features(df: pd.DataFrame) -> pd.DataFrame:
    """nofollow / ugc / sponsored as 0/1 (NaN when the export does not say), ``rel_any``, and a
    one-hot of the link type (NaN when unknown). Family ``rel``."""
    out = pd.DataFrame(index=df.index)
    for col in ("nofollow", "ugc", "sponsored"):
        out[col] = _flag(df[col])
    out["rel_any"] = np.fmax(np.fmax(out["nofollow"], out["ugc"]), out["sponsored"])
    link_type = df["link_type"].astype("string")
    known = link_type.notna().to_numpy()
    for t in LINK_TYPES:
        if t == "unknown":
            continue
        is_type = (link_type == t).fillna(False).to_numpy(dtype=float)
        out[f"link_type_{t}"] = np.where(known, is_type, np.nan)
    return out


def placement_features(df: pd.DataFrame) -> pd.DataFrame:
    """One-hot placement (NaN when unknown), sitewide, words left/right of the link and whether
    there are words on both sides (NaN when the export has no context), title length.
    Family ``placement``."""
    out = pd.DataFrame(index=df.index)
    placement = df["placement"].astype("string")
    known = (placement.notna() & (placement != "unknown")).to_numpy()
    for p in PLACEMENTS:
        if p == "unknown":
            continue
        is_here = (placement == p).fillna(False).to_numpy(dtype=float)
        out[f"placement_{p}"] = np.where(known, is_here, np.nan)
    out["sitewide"] = _flag(df["sitewide"])
    left = df["context_left"].astype("string")
    right = df["context_right"].astype("string")
    has_context = (left.notna() | right.notna()).to_numpy()
    left_len = word_counts(left)
    right_len = word_counts(right)
    # A "link chain" has no words on either side; an export without context says nothing.
    out["context_left_words"] = np.where(has_context, left_len, np.nan)
    out["context_right_words"] = np.where(has_context, right_len, np.nan)
    out["context_both_sides"] = np.where(
        has_context, ((left_len > 0) & (right_len > 0)).astype(float), np.nan
    )
    title = df["source_title"].astype("string")
    out["title_words"] = np.where(title.notna(), word_counts(title), np.nan)
    return out


def authority_features(df: pd.DataFrame) -> pd.DataFrame:
    """Vendor metrics as exported (NaN when absent, never 0) and trust_flow / citation_flow when
    both are known. Family ``authority``."""
    out = pd.DataFrame(index=df.index)
    for col in METRIC_FIELDS:
        out[col] = df[col].astype(float).to_numpy()
    tf, cf = out["trust_flow"], out["citation_flow"]
    out["trust_ratio"] = tf / cf.where(cf > 0)
    out["log_traffic"] = np.log1p(out["source_traffic"])
    out["log_external_links"] = np.log1p(out["external_links"])
    return out
