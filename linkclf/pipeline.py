"""Score exports: links -> features -> calibrated probability -> flag, predicted kind, reasons.

Profile features look at a target's whole link profile, so rows are scored in batches of whole
target sites (linkclf.profiles): on one machine in turn, on Dask as partitions scored on the
workers (the result is the same, row for row). The scored file's columns are defined in
linkclf.scored; the flag rule (threshold, and never a rel-qualified link) is decided here only.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from linkclf.explain import REL_QUALIFIED_REASON, top_reasons
from linkclf.model import LinkClassifier
from linkclf.profiles import featurise, profile_batches
from linkclf.schema import CANONICAL_COLUMNS, SITE_COLUMNS, conformed
from linkclf.scored import (
    FLAG_COLUMN,
    KEY_COLUMNS,
    KIND_COLUMN,
    P_COLUMN,
    REASONS_COLUMN,
    SCORE_COLUMNS,
    check_scorable,
)

Progress = Callable[[str], None]


def rel_qualified(links: pd.DataFrame) -> np.ndarray:
    """Links marked nofollow, ugc or sponsored (a missing flag is not a mark)."""
    marked = np.zeros(len(links), dtype=bool)
    for col in ("nofollow", "ugc", "sponsored"):
        marked |= links[col].astype("boolean").fillna(False).to_numpy(dtype=bool)
    return marked


def disavow_flags(p: np.ndarray, threshold: float, links: pd.DataFrame) -> np.ndarray:
    """The one rule for ``flag``: at or above the threshold and not rel-qualified.

    A nofollow/ugc/sponsored link passes no ranking signal, so disavowing it changes nothing
    and a false flag on it only costs the user review time (issue 10).
    """
    return (np.asarray(p) >= threshold) & ~rel_qualified(links)


def score_frame(model: LinkClassifier, df: pd.DataFrame, *, reasons: bool = True) -> pd.DataFrame:
    """Scores for canonical rows of whole target profiles: the SCORE_COLUMNS.

    ``df`` must hold every row of each target site it contains (linkclf.profiles).
    """
    out, owed = _scores_and_rows_to_explain(model, df)
    _fill_reasons(model, out, [owed], explain=reasons)
    return out


#: The rows a score explains (those at or above the threshold): their positions among the scored
#: rows, features, canonical rows and whether each is rel-qualified.
_ToExplain = tuple[np.ndarray, pd.DataFrame, pd.DataFrame, np.ndarray]


def _scores_and_rows_to_explain(
    model: LinkClassifier, df: pd.DataFrame
) -> tuple[pd.DataFrame, _ToExplain]:
    """SCORE_COLUMNS with empty reasons, and the rows whose reasons are owed."""
    links = conformed(df)
    X = featurise(model.builder(), links)
    p = model.p_manipulative(X)
    above = p >= model.threshold_
    out = pd.DataFrame(index=df.index)
    out[P_COLUMN] = np.round(p, 4)
    out[FLAG_COLUMN] = disavow_flags(p, model.threshold_, links).astype(np.int8)
    out[KIND_COLUMN] = model.predict_kind(X, above)
    out[REASONS_COLUMN] = ""
    return out, (np.flatnonzero(above), X[above], links[above], rel_qualified(links)[above])


def _fill_reasons(
    model: LinkClassifier, out: pd.DataFrame, owed: list[_ToExplain], *, explain: bool = True
) -> None:
    """Write the reasons of the ``owed`` rows (positions in ``out``) into ``out``.

    All owed rows are explained in one call: TreeSHAP (linkclf.treeshap) costs a fixed amount
    per call and gets cheaper per row the more rows it explains at once. Without ``explain``
    only a rel-qualified row's "needs no disavow" is written.
    """
    owed = [part for part in owed if len(part[0])]
    if not owed:
        return
    positions = np.concatenate([part[0] for part in owed])
    qualified = np.concatenate([part[3] for part in owed])
    texts = np.full(len(positions), "", dtype=object)
    if explain:
        # Reasons explain a score at or above the threshold; for a natural link they would
        # read as accusations. TreeSHAP is the costliest step of scoring: these rows only.
        X = pd.concat([part[1] for part in owed])
        links = pd.concat([part[2] for part in owed])
        texts[:] = ["; ".join(r) for r in top_reasons(model.contributions(X), X, links)]
    if qualified.any():
        # A rel-qualified link at or above the threshold is not flagged: its reasons say why
        # first, then what the model saw.
        texts[qualified] = [
            "; ".join([REL_QUALIFIED_REASON, *([t] if t else [])]) for t in texts[qualified]
        ]
    column = out[REASONS_COLUMN].to_numpy(dtype=object, copy=True)
    column[positions] = texts
    out[REASONS_COLUMN] = column


def score_rows(
    model: LinkClassifier,
    links: pd.DataFrame,
    *,
    progress: Progress = lambda msg: None,
    chunk_rows: int = 50_000,
    reasons: bool = True,
) -> pd.DataFrame:
    """The SCORE_COLUMNS of every row of ``links``, scored in batches of whole target profiles
    (bounded feature memory), index aligned with ``links``; the rows at or above the threshold
    are explained together at the end (about a fifth of the rows: their features are kept)."""
    parts = []
    owed: list[_ToExplain] = []
    done = 0
    for rows in profile_batches(links, chunk_rows):
        out, (at, features, canonical, qualified) = _scores_and_rows_to_explain(model, rows)
        parts.append(out)
        # Positions among the concatenated batches.
        owed.append((at + done, features, canonical, qualified))
        done += len(rows)
        progress(f"scored {done:,}/{len(links):,} links")
    if not parts:
        return pd.DataFrame(columns=list(SCORE_COLUMNS), index=links.index)
    scores = pd.concat(parts)
    _fill_reasons(model, scores, owed, explain=reasons)
    return scores.reindex(links.index)


def score_links(
    model: LinkClassifier,
    links: pd.DataFrame,
    *,
    progress: Progress = lambda msg: None,
    chunk_rows: int = 50_000,
) -> pd.DataFrame:
    """Score a merged export held in memory (linkclf.stream scores a file in bounded memory).

    Raises
    ------
    SchemaError
        rows that cannot be scored (no source or target URL, an unknown placement or link
        type): see linkclf.scored.check_scorable.
    """
    check_scorable(links)
    return assemble(links, score_rows(model, links, progress=progress, chunk_rows=chunk_rows))


def present_canonical(links: pd.DataFrame) -> set[str]:
    """Canonical columns with at least one value in ``links`` (a conformed frame)."""
    return {c for c in CANONICAL_COLUMNS if c in links.columns and links[c].notna().any()}


def assemble(
    links: pd.DataFrame, scores: pd.DataFrame, *, present: set[str] | None = None
) -> pd.DataFrame:
    """Original columns in file order, then the canonical key columns, then the scores.

    ``present``: the canonical columns the whole input has values in (default: those of
    ``links``); a streamed file assembles chunk by chunk with the file's answer, so every chunk
    has the same columns.
    """
    links = conformed(links)
    have = present_canonical(links) if present is None else present
    original = [
        c
        for c in links.columns
        if c not in CANONICAL_COLUMNS and c not in SITE_COLUMNS and c != "seen_in"
    ]
    canonical_present = [
        c
        for c in CANONICAL_COLUMNS
        if c not in ("label", "kind") and (c in KEY_COLUMNS or c in have)
    ]
    out = links[original + canonical_present].copy()
    out["referring_domain"] = links["referring_domain"]
    if "seen_in" in links.columns:
        out["seen_in"] = links["seen_in"]
    for col in SCORE_COLUMNS:
        out[col] = scores[col].to_numpy()
    return out


def _score_partition(model_dir: str, rows: pd.DataFrame) -> pd.DataFrame:
    """Worker side of Dask scoring: load the model once per worker, score one target batch."""
    from distributed import get_worker

    try:
        worker = get_worker()
    except ValueError:  # not on a worker (synchronous scheduler)
        return score_frame(LinkClassifier.load(model_dir), rows)
    model = getattr(worker, "_linkclf_model", None)
    if model is None or getattr(worker, "_linkclf_model_dir", None) != model_dir:
        model = LinkClassifier.load(model_dir)
        worker._linkclf_model = model  # type: ignore[attr-defined]
        worker._linkclf_model_dir = model_dir  # type: ignore[attr-defined]
    return score_frame(model, rows)


def score_links_dask(
    model_dir: str | Path,
    links: pd.DataFrame,
    scheduler: str,
    *,
    progress: Progress = lambda msg: None,
    partition_rows: int = 50_000,
) -> pd.DataFrame:
    """Score on a Dask cluster: ``scheduler`` is an address (tcp://host:8786) or ``local`` for
    a LocalCluster on this machine. Partitions are whole target profiles, as on one machine."""
    from linkclf.distributed import dask_client

    check_scorable(links)
    with dask_client(scheduler) as client:
        futures = [
            client.submit(_score_partition, str(model_dir), rows, pure=False)
            for rows in profile_batches(links, partition_rows)
        ]
        progress(f"submitted {len(futures)} partitions to {scheduler}")
        parts = client.gather(futures)
    scores = pd.concat(parts).reindex(links.index)
    return assemble(links, scores)
