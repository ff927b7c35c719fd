"""Scoring on Dask gives the same scores, row for row, as scoring on one machine."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from linkclf.features import FeatureBuilder, HashingEmbedder
from linkclf.model import LinkClassifier
from linkclf.pipeline import score_links, score_links_dask
from linkclf.schema import conform
from linkclf.splits import grouped_three_way
from tests.conftest import make_links


@pytest.mark.slow
def test_dask_scores_match_local(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    data = conform(make_links(n_targets=12, seed=5))
    tr, va, _ = grouped_three_way(data, seed=0)
    features = FeatureBuilder(HashingEmbedder(), n_components=4).fit(data[tr])
    X = features.transform(data)
    y = data["label"].to_numpy(int)
    model = LinkClassifier(features, num_boost_round=40).fit(X[tr], y[tr], X[va], y[va])
    model.save(tmp_path / "m", metrics={}, card="", extra={})
    links = data.drop(columns=["label", "kind"])

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
    data = conform(make_links(n_targets=20, seed=6))
    tr, va, te = grouped_three_way(data, seed=0)
    features = FeatureBuilder(HashingEmbedder(), n_components=4).fit(data[tr])
    X = features.transform(data)
    y = data["label"].to_numpy(int)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        model = LinkClassifier(features, num_boost_round=60).fit(
            X[tr], y[tr], X[va], y[va], client=client
        )
    from sklearn.metrics import roc_auc_score

    assert roc_auc_score(y[te], model.predict_proba(X[te])) > 0.8
    model.save(tmp_path / "m", metrics={}, card="", extra={})
    loaded = LinkClassifier.load(tmp_path / "m", embedder=HashingEmbedder())
    np.testing.assert_array_equal(loaded.predict_proba(X[te]), model.predict_proba(X[te]))
