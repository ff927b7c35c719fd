"""Reasons in words: TreeSHAP contributions read through the feature catalogue.

A feature can be a reason for one row only when it pushes that row towards manipulative, its
value lies on the manipulative side of its cut, and every input column it is computed from is
present on the row (linkclf.features.catalogue: a missing value is never evidence). The
eligible features are grouped by signal family; families are ranked by their eligible push and
each is worded by its strongest eligible feature, with the row's own value filled in
("repeated on 240 pages of one domain"), and for the spam words of a hostname the words
themselves ('spammy words in the source hostname ("free")'), so that a reader can see at once
when the word is part of an innocent one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from linkclf.features.catalogue import entry, explainable, lookup
from linkclf.features.url import spam_tokens_of

#: Features whose reason names what the row holds, from the row's source URL.
_NAMED_FROM_SOURCE = {"host_spam_tokens": spam_tokens_of}

#: Prefix of the per-family contribution columns `linkclf explain -o` writes.
FAMILY_PREFIX = "contribution_"

#: The reason every rel-qualified link carries instead of a disavow verdict (linkclf.pipeline).
REL_QUALIFIED_REASON = "rel=nofollow/ugc/sponsored: passes no ranking signal, no disavow needed"


def _family(name: str) -> str:
    feature = lookup(name)
    return feature.family if feature else "other"


def eligible(
    contributions: pd.DataFrame, features: pd.DataFrame, links: pd.DataFrame
) -> np.ndarray:
    """Boolean (rows, features): which contributions may be given as reasons (see module doc)."""
    cols = list(contributions.columns)
    contrib = contributions.to_numpy(dtype=float)
    values = features.reindex(columns=cols).to_numpy(dtype=float)
    declared = [lookup(c) for c in cols]
    direction = np.asarray([f.direction if f else 0 for f in declared], dtype=np.float64)
    cut = np.asarray([f.cut if f else 0.0 for f in declared], dtype=np.float64)
    with np.errstate(invalid="ignore"):
        above, below = values > cut, values < cut
        side = np.where(direction > 0, above, np.where(direction < 0, below, ~np.isnan(values)))
    present = explainable(cols, links.reindex(index=contributions.index))
    return (contrib > 1e-9) & side & present


def top_reasons(
    contributions: pd.DataFrame,
    features: pd.DataFrame,
    links: pd.DataFrame,
    k: int = 3,
) -> list[list[str]]:
    """The ``k`` strongest reasons per row, as phrases, strongest first.

    Parameters
    ----------
    contributions : TreeSHAP values (``LinkClassifier.contributions``), one column a feature.
    features : the feature values of the same rows.
    links : the canonical rows themselves (conformed), to tell present inputs from missing ones.
    k : reasons per row.

    Ties are broken by family name so the output is stable for a fixed model and input.
    """
    cols = list(contributions.columns)
    ok = eligible(contributions, features, links)
    contrib = np.where(ok, contributions.to_numpy(dtype=float), 0.0)
    values = features.reindex(columns=cols).to_numpy(dtype=float)
    if not cols:
        return [[] for _ in range(len(contrib))]
    fam_of = np.array([_family(c) for c in cols])
    fam_names = sorted(set(fam_of))
    # Per family, its columns; per row and family, the family's eligible push and its strongest
    # feature (argmax takes the first of equal values, as a per-row loop would).
    members = [np.flatnonzero(fam_of == f) for f in fam_names]
    totals = np.column_stack([contrib[:, idx].sum(axis=1) for idx in members])
    best = np.column_stack([idx[np.argmax(contrib[:, idx], axis=1)] for idx in members])
    # Families strongest first, ties by name (the column order): rounded to 9 decimals so that
    # summation noise does not decide between equal pushes; families without a push go last.
    key = np.where(totals > 1e-9, -np.round(totals, 9), np.inf)
    order = np.argsort(key, axis=1, kind="stable")
    pushes = np.sort(key, axis=1) < np.inf
    # Source URLs only when a feature whose reason names them can be a reason here: the
    # column of every scored row would otherwise be copied on the scoring path for nothing.
    named_cols = [j for j, c in enumerate(cols) if c in _NAMED_FROM_SOURCE and ok[:, j].any()]
    sources = _sources(links, contributions.index) if named_cols else []
    said: dict[tuple[int, float, str], str] = {}  # sitewide links repeat their values
    reasons: list[list[str]] = []
    for i in range(len(contrib)):
        phrases: list[str] = []
        for j in order[i, : int(pushes[i].sum())]:
            col = int(best[i, j])
            value = float(values[i, col])
            named = _NAMED_FROM_SOURCE.get(cols[col])
            source = sources[i] if named and sources else ""
            text = said.get((col, value, source))
            if text is None:
                text = entry(cols[col]).say(value)
                if named and (words := named(source)):
                    text += " (" + ", ".join(f'"{w}"' for w in words) + ")"
                said[(col, value, source)] = text
            if text not in phrases:
                phrases.append(text)
            if len(phrases) == k:
                break
        reasons.append(phrases)
    return reasons


def _sources(links: pd.DataFrame, index: pd.Index) -> list[str]:
    """The rows' source URLs ("" where unknown), aligned with the contributions."""
    if "source_url" not in links.columns:
        return [""] * len(index)
    return links["source_url"].reindex(index).astype("string").fillna("").tolist()


def family_contributions(contributions: pd.DataFrame) -> pd.DataFrame:
    """TreeSHAP contributions summed per signal family, one column ``contribution_<family>``.

    In log-odds of the raw score, before calibration: positive pushes towards manipulative.
    Every family of the model's features gets a column, also where it is 0 for every row.
    """
    specs = [lookup(c) for c in contributions.columns]
    fam_of = [spec.family if spec is not None else "other" for spec in specs]
    summed = contributions.T.groupby(fam_of, sort=True).sum().T
    summed.columns = [f"{FAMILY_PREFIX}{f}" for f in summed.columns]
    return summed.round(6)
