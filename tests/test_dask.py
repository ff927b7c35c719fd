"""Scoring on Dask gives the same scores, row for row, as scoring on one machine."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from linkclf.features import HashingEmbedder
from linkclf.model import LinkClassifier
from linkclf.pipeline import score_links, score_links_dask
from tests.conftest import tiny_setup


@pytest.mark.slow
def test_dask_scores_match_local(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    t = tiny_setup(n_targets=12, seed=5)
    model = LinkClassifier(t.features, num_boost_round=40).fit(
        t.X[t.train], t.y[t.train], t.X[t.valid], t.y[t.valid]
    )
    model.save(tmp_path / "m", metrics={}, card="", extra={})
    links = t.data.drop(columns=["label", "kind"])

    local = score_links(model, links)
    with distributed.LocalCluster(n_workers=2, processes=False, dashboard_address=None) as cluster:
        # Small partitions so several workers each score whole target profiles.
        remote = score_links_dask(
            tmp_path / "m", links, cluster.scheduler_address, partition_rows=150
        )
    np.testing.assert_allclose(remote["p_manipulative"], local["p_manipulative"])
    assert (remote["flag"] == local["flag"]).all()
    assert (remote["reasons"] == local["reasons"]).all()


@pytest.mark.slow
def test_training_on_dask_grows_a_comparable_model(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    t = tiny_setup(n_targets=20, seed=6)
    X, y, tr, va, te = t.X, t.y, t.train, t.valid, t.test
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, dashboard_address=None
    ) as cluster:
        # Dask is a constructor parameter (the scheduler's address), not a fit argument.
        model = LinkClassifier(t.features, num_boost_round=60, dask=cluster.scheduler_address)
        model.fit(X[tr], y[tr], X[va], y[va])
    from sklearn.metrics import roc_auc_score

    assert roc_auc_score(y[te], model.predict_proba(X[te])[:, 1]) > 0.8
    model.save(tmp_path / "m", metrics={}, card="", extra={})
    loaded = LinkClassifier.load(tmp_path / "m", embedder=HashingEmbedder())
    np.testing.assert_array_equal(loaded.predict_proba(X[te]), model.predict_proba(X[te]))
    assert loaded.dask is None  # where the trees grew is not a property of the model


def _digest(path: Path) -> str:
    import hashlib

    h = hashlib.blake2b()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(2**20), b""):
            h.update(block)
    return h.hexdigest()


@pytest.mark.slow
def test_dask_reads_on_workers_an_export_larger_than_a_worker_memory(tmp_path: Path) -> None:
    """`score --dask`: two workers of 1 GiB each read, shuffle and score a 1.2 GB export in 8 MB
    blocks; the scored file is byte for byte the one the local (streamed) path writes.

    1 GiB, not less: a worker holds ~400 MB before its first block (Python, pandas, Arrow,
    LightGBM, distributed), and under 600 MiB the workers sat paused at Dask's 80% mark for over
    half an hour. ~4 minutes on 2 cores (120 target sites, so partitions stay small).
    """
    distributed = pytest.importorskip("distributed")
    from linkclf.dask_scoring import score_files_dask
    from linkclf.io import write_csv_atomic
    from linkclf.stream import score_files

    limit = 2**30
    t = tiny_setup(n_targets=120, seed=7)
    model = LinkClassifier(t.features, num_boost_round=40).fit(
        t.X[t.train], t.y[t.train], t.X[t.valid], t.y[t.valid]
    )
    model.save(tmp_path / "m", metrics={}, card="", extra={})
    links = t.data.drop(columns=["label", "kind", "target_site", "referring_domain"])
    # A wide vendor column (page excerpts) makes the export bigger than one worker's memory.
    pad = int(limit * 1.1 / len(links))
    links = links.assign(excerpt=[f"{i:08d}" + "x" * pad for i in range(len(links))])
    export = tmp_path / "export.csv"
    write_csv_atomic(links, export, for_spreadsheet=False)
    del links
    assert export.stat().st_size > limit

    loaded = LinkClassifier.load(tmp_path / "m", embedder=HashingEmbedder())
    score_files(loaded, [str(export)], tmp_path / "local.csv")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, memory_limit=limit, dashboard_address=None
    ) as cluster:
        rows, flagged = score_files_dask(
            tmp_path / "m",
            [str(export)],
            tmp_path / "dask.csv",
            cluster.scheduler_address,
            block_bytes=8 * 2**20,
        )
    assert rows == len(t.data) and flagged > 0
    assert _digest(tmp_path / "dask.csv") == _digest(tmp_path / "local.csv")
    # The files are gigabytes: do not leave them to pytest's retained temp folders.
    for name in ("export.csv", "local.csv", "dask.csv"):
        (tmp_path / name).unlink()


def test_dask_file_scoring_matches_the_streamed_file_and_refuses_like_it(tmp_path: Path) -> None:
    """Small blocks (several per file), two overlapping exports merged on the workers; a row
    without a source URL is refused with linkclf's one line and nothing is written."""
    distributed = pytest.importorskip("distributed")
    from linkclf.dask_scoring import score_files_dask
    from linkclf.errors import SchemaError
    from linkclf.io import write_csv_atomic
    from linkclf.stream import score_files

    t = tiny_setup(n_targets=14, seed=3)
    model = LinkClassifier(t.features, num_boost_round=40).fit(
        t.X[t.train], t.y[t.train], t.X[t.valid], t.y[t.valid]
    )
    model.save(tmp_path / "m", metrics={}, card="", extra={})
    links = t.data.drop(columns=["label", "kind", "target_site", "referring_domain"])
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    write_csv_atomic(links.iloc[: len(links) * 2 // 3], first, for_spreadsheet=False)
    write_csv_atomic(links.iloc[len(links) // 3 :].assign(extra="x"), second, for_spreadsheet=False)
    bad = tmp_path / "bad.csv"
    write_csv_atomic(
        links.assign(source_url=links["source_url"].mask(links.index == links.index[5], "")),
        bad,
        for_spreadsheet=False,
    )
    loaded = LinkClassifier.load(tmp_path / "m", embedder=HashingEmbedder())
    with distributed.LocalCluster(n_workers=2, processes=False, dashboard_address=None) as cluster:
        for paths in ([str(first)], [str(first), str(second)]):
            score_files(loaded, paths, tmp_path / "local.csv")
            score_files_dask(
                tmp_path / "m",
                paths,
                tmp_path / "dask.csv",
                cluster.scheduler_address,
                partitions=5,
                block_bytes=60_000,
            )
            assert (tmp_path / "dask.csv").read_bytes() == (tmp_path / "local.csv").read_bytes()
        with pytest.raises(SchemaError, match="source_url"):
            score_files_dask(
                tmp_path / "m", [str(bad)], tmp_path / "refused.csv", cluster.scheduler_address
            )
    assert not (tmp_path / "refused.csv").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
