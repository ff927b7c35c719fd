"""Score exports: read -> features -> calibrated probability -> flag, kind, reasons.

Profile features look at a target's whole link profile, so rows are scored per target site:
on one machine the merged export is featurised per target in turn; on Dask each target's rows
are a partition scored on a worker (the result is the same, row for row).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from linkclf.domains import referring_domain, registrable_domain
from linkclf.explain import top_reasons
from linkclf.model import LinkClassifier
from linkclf.schema import CANONICAL_COLUMNS

SCORE_COLUMNS = ("p_manipulative", "flag", "kind", "reasons")
#: Canonical columns always written next to the original ones (disavow and report read them).
KEY_COLUMNS = ("source_url", "target_url", "anchor", "referring_domain")

Progress = Callable[[str], None]


def score_frame(model: LinkClassifier, df: pd.DataFrame, *, reasons: bool = True) -> pd.DataFrame:
    """Scores for canonical rows of one target profile (or several): the four SCORE_COLUMNS."""
    X = model.features.transform(df)
    p = model.predict_proba(X)
    flag = (p >= model.threshold_).astype(np.int8)
    out = pd.DataFrame(index=df.index)
    out["p_manipulative"] = np.round(p, 4)
    out["flag"] = flag
    out["kind"] = model.predict_kind(X, flag)
    out["reasons"] = ""
    flagged = flag.astype(bool)
    if reasons and flagged.any():
        # Reasons explain a flag; for a natural link they would read as accusations. TreeSHAP is
        # the costliest step of scoring, so it runs on the flagged rows only.
        contrib = model.contributions(X[flagged])
        phrases = top_reasons(contrib, X[flagged], model.features.families_)
        out.loc[flagged, "reasons"] = ["; ".join(r) for r in phrases]
    return out


def _targets(df: pd.DataFrame) -> pd.Series:
    return df["target_url"].astype("string").fillna("").map(registrable_domain)


def profile_batches(links: pd.DataFrame, max_rows: int) -> Iterator[pd.DataFrame]:
    """Row batches of at most ``max_rows`` links (one big profile may exceed it) made of whole
    target profiles, in order of first appearance: the unit of scoring, locally and on Dask."""
    targets = _targets(links)
    batch_of: dict[str, int] = {}
    batch = size = 0
    for target, n in targets.value_counts(sort=False).items():
        if size and size + n > max_rows:
            batch, size = batch + 1, 0
        batch_of[str(target)] = batch
        size += int(n)
    ids = targets.map(batch_of).to_numpy()
    for _, rows in links.groupby(ids, sort=True):
        yield rows


def score_links(
    model: LinkClassifier,
    links: pd.DataFrame,
    *,
    progress: Progress = lambda msg: None,
    chunk_rows: int = 50_000,
) -> pd.DataFrame:
    """Score a merged export in batches of whole target profiles (bounded feature memory)."""
    parts = []
    done = 0
    for rows in profile_batches(links, chunk_rows):
        parts.append(score_frame(model, rows))
        done += len(rows)
        progress(f"scored {done:,}/{len(links):,} links")
    scores = pd.concat(parts).reindex(links.index) if parts else pd.DataFrame(columns=SCORE_COLUMNS)
    return assemble(links, scores)


def assemble(links: pd.DataFrame, scores: pd.DataFrame) -> pd.DataFrame:
    """Original columns in file order, then the canonical key columns, then the scores."""
    original = [
        c
        for c in links.columns
        if c not in CANONICAL_COLUMNS and c not in ("seen_in", "referring_domain")
    ]
    canonical_present = [
        c
        for c in CANONICAL_COLUMNS
        if c not in ("label", "kind") and (c in KEY_COLUMNS or links[c].notna().any())
    ]
    out = links[original + canonical_present].copy()
    out["referring_domain"] = links["source_url"].astype("string").fillna("").map(referring_domain)
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

    with dask_client(scheduler) as client:
        futures = [
            client.submit(_score_partition, str(model_dir), rows, pure=False)
            for rows in profile_batches(links, partition_rows)
        ]
        progress(f"submitted {len(futures)} partitions to {scheduler}")
        parts = client.gather(futures)
    scores = pd.concat(parts).reindex(links.index)
    return assemble(links, scores)
