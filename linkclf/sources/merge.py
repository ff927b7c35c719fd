"""Merge canonical frames from several exports into one row per link, recording who saw it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from linkclf.schema import SEEN_IN, conform

KEY = ["source_url", "target_url", "anchor"]
#: Search Console rows (no anchor, no target page) fold into rows with the same source page and
#: the same target site.
PAIR = ["source_url", "target_site"]


def merge_frames(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Deduplicate on (source_url, target_url, anchor) across ``frames`` (each with ``seen_in``).

    Column by column the first non-missing value wins, in ``frames`` order. ``seen_in`` becomes
    the ``;``-joined names of the files that saw the link, in ``frames`` order. Rows without an
    anchor (Search Console has no anchor column, nor a target page) are folded into the anchored
    rows of the same source page and target *site* when there are any: the anchor and page are
    unknown, not a different link.
    """
    names = list(dict.fromkeys(n for f in frames for n in f[SEEN_IN].dropna().unique()))
    stacked = pd.concat(frames, ignore_index=True)
    # Which file saw each row, as one boolean column per file name (few files, many rows).
    seen = pd.DataFrame({n: (stacked[SEEN_IN] == n).to_numpy() for n in names})
    groups = stacked.groupby(KEY, dropna=False, sort=False).ngroup().to_numpy()
    merged = stacked.drop(columns=[SEEN_IN]).groupby(groups, sort=True).first()
    seen_by_group = seen.groupby(groups, sort=True).any()
    # Only exports without any anchor (Search Console) fold: a vendor's image link without alt
    # text is a link of its own and must not vanish into a text link from the same page.
    anchorless_files = [
        n for n in names if stacked.loc[stacked[SEEN_IN] == n, "anchor"].isna().all()
    ]
    merged, seen_by_group = _fold_anchorless(
        merged.reset_index(drop=True), seen_by_group.reset_index(drop=True), anchorless_files
    )
    merged[SEEN_IN] = _join_names(seen_by_group, names)
    return conform(merged).reset_index(drop=True)


def _fold_anchorless(
    merged: pd.DataFrame, seen: pd.DataFrame, anchorless_files: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    others = [c for c in seen.columns if c not in anchorless_files]
    only_anchorless = ~seen[others].any(axis=1).to_numpy() if others else np.ones(len(seen), bool)
    no_anchor = merged["anchor"].isna().to_numpy() & only_anchorless
    if not no_anchor.any() or no_anchor.all():
        return merged, seen
    pair = pd.MultiIndex.from_frame(merged[PAIR].astype("object").fillna(""))
    anchored_pairs = set(pair[~no_anchor])
    folded = no_anchor & pair.isin(list(anchored_pairs))
    if not folded.any():
        return merged, seen
    # OR the anchorless rows' files into every anchored row of the same pair.
    extra = seen[folded].copy()
    extra.index = pair[folded]
    extra = extra.groupby(level=list(range(extra.index.nlevels))).any()
    hit = (~no_anchor) & pair.isin(extra.index)
    add = extra.reindex(pair[hit]).to_numpy()
    seen.loc[hit, :] = seen.loc[hit, :].to_numpy() | add
    keep = ~folded
    return merged[keep].reset_index(drop=True), seen[keep].reset_index(drop=True)


def _join_names(seen: pd.DataFrame, names: list[str]) -> pd.Series:
    out = np.full(len(seen), "", dtype=object)
    for name in names:
        out = np.where(seen[name].to_numpy(), out + name + ";", out)
    return pd.Series(out, index=seen.index, dtype="string").str.rstrip(";")
