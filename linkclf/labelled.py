"""Labelled links for training and evaluation: the shipped dataset, or the user's own audits.

Accepted: the canonical CSV (optionally gzipped) with ``label`` (0/1) and optional ``kind``; any
export linkclf reads, with a ``label`` column or a ``decision`` column (``disavow`` / ``keep``, as
filled in on the review sheet of ``linkclf disavow --review``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from linkclf.disavow.decisions import (
    combine,
    decision_values,
    link_labels,
    parse_decisions,
    read_decisions,
)
from linkclf.errors import InputError
from linkclf.schema import labels_from_decisions, validate
from linkclf.scored import without_predictions


def _read_one(path: str) -> pd.DataFrame:
    p = Path(path)
    if not p.is_file():
        raise InputError("an existing labelled CSV", "no such file", "check the --data path", path)
    if p.suffix == ".gz":
        try:
            return pd.read_csv(
                p,
                dtype=str,
                keep_default_na=False,
                na_values=[""],
                compression="gzip",
                index_col=False,  # a row longer than the header must not shift the columns
            )
        except (OSError, UnicodeDecodeError, pd.errors.ParserError, EOFError) as exc:
            raise InputError(
                "a gzipped canonical CSV", type(exc).__name__, "re-create the file", path
            ) from None
    from linkclf.sources import read_export

    return read_export(path)


def apply_review(scored: pd.DataFrame, review: pd.DataFrame, source: str) -> pd.DataFrame:
    """Label scored links from a filled-in review sheet (``linkclf disavow --review``).

    The rules live in :mod:`linkclf.disavow.decisions` (a URL decision wins over its domain's;
    unknown decision values are refused). Links nobody decided on get no label.
    """
    labels = link_labels(scored, parse_decisions(review, source))
    out = scored.assign(label=labels)
    return out[out["label"].notna()]


def load_labelled(paths: Sequence[str], reviews: Sequence[str] = ()) -> pd.DataFrame:
    """Read, concatenate and validate labelled links (conformed: with ``referring_domain`` and
    ``target_site``).

    Rows whose decision is neither ``disavow`` nor ``keep`` (blank on the review sheet) are
    dropped: an undecided link is not a label. With ``reviews``, files without a label column
    (scored CSVs) are labelled from the review sheets' decisions.
    """
    decisions = None
    if reviews:
        decisions = combine([read_decisions(r) for r in reviews])
    frames = []
    for path in paths:
        # What a model predicted (predicted_kind, or kind in older scored files) is never a label.
        df = without_predictions(_read_one(path))
        unlabelled = "label" not in df.columns or df["label"].isna().all()
        if unlabelled and "decision" not in df.columns and decisions is not None:
            df = df.assign(label=link_labels(df, decisions))
            df = df[df["label"].notna()]
        elif unlabelled and "decision" in df.columns:
            df = df.assign(label=labels_from_decisions(decision_values(df["decision"], path)))
            df = df[df["label"].notna()]
        frames.append(validate(df, require_labels=True, source=path))
    data = (
        pd.concat(frames, ignore_index=True)
        if len(frames) > 1
        else frames[0].reset_index(drop=True)
    )
    if data.empty:
        raise InputError("labelled rows", "none", "add labelled links", ", ".join(paths))
    if data["label"].nunique() < 2:
        raise InputError(
            "both natural (0) and manipulative (1) links",
            f"only label {int(data['label'].iloc[0])}",
            "add links of the other class (e.g. the shipped datasets/default/links.csv.gz)",
            ", ".join(paths),
        )
    return data
