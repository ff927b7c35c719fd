"""LinkClassifier: calibration, threshold choice, and a golden save/load round trip."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from linkclf.errors import ModelError
from linkclf.features import HashingEmbedder
from linkclf.model import Calibrator, LinkClassifier, choose_threshold
from tests.conftest import tiny_setup


def test_calibrator_is_monotone_and_bounded() -> None:
    rng = np.random.default_rng(0)
    raw = rng.random(2000)
    y = (rng.random(2000) < raw).astype(int)
    cal = Calibrator.fit(raw, y)
    out = cal(np.linspace(-1, 2, 50))
    assert np.all(np.diff(out) >= -1e-12)
    assert out.min() >= 0 and out.max() <= 1


def test_threshold_favours_precision() -> None:
    p = np.array([0.95, 0.9, 0.8, 0.6, 0.55, 0.5, 0.3, 0.2, 0.1])
    y = np.array([1, 1, 1, 0, 1, 0, 0, 0, 0])
    # F0.5 prefers the clean top three over taking the 0.55 positive with a false positive.
    assert choose_threshold(p, y, beta=0.5) == pytest.approx(0.8)


@pytest.fixture(scope="module")
def fitted(tmp_path_factory: pytest.TempPathFactory) -> tuple[LinkClassifier, object, Path]:
    t = tiny_setup(seed=1)
    data, X, y, tr, va, te = t.data, t.X, t.y, t.train, t.valid, t.test
    clf = LinkClassifier(t.features, num_boost_round=80).fit(
        X[tr], y[tr], X[va], y[va], data.loc[tr, "kind"]
    )
    path = tmp_path_factory.mktemp("model") / "m"
    clf.save(path, metrics={}, card="# card", extra={})
    return clf, data[te], path


def test_model_learns_footprints(fitted) -> None:
    clf, test, _ = fitted
    X = clf.features.transform(test)
    from sklearn.metrics import roc_auc_score

    assert roc_auc_score(test["label"].to_numpy(int), clf.predict_proba(X)) > 0.8


def test_save_load_gives_identical_scores(fitted) -> None:
    clf, test, path = fitted
    loaded = LinkClassifier.load(path, embedder=HashingEmbedder())
    a = clf.predict_proba(clf.features.transform(test))
    b = loaded.predict_proba(loaded.features.transform(test))
    np.testing.assert_array_equal(a, b)
    assert loaded.threshold_ == clf.threshold_


def test_model_directory_has_no_pickle(fitted) -> None:
    _, _, path = fitted
    for file in path.rglob("*"):
        if file.is_file():
            assert file.suffix in {".txt", ".json", ".npy", ".md"}, file
            if file.suffix == ".npy":
                np.load(file, allow_pickle=False)  # raises if it holds objects
    meta = json.loads((path / "model.json").read_text())
    assert {"threshold", "feature_columns", "calibrator", "schema_version", "versions"} <= set(meta)


def test_load_refuses_missing_or_foreign_dirs(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="model.json"):
        LinkClassifier.load(tmp_path)
    (tmp_path / "model.json").write_text('{"format": "other"}')
    (tmp_path / "model.lgb.txt").write_text("tree")
    with pytest.raises(ModelError, match="retrain"):
        LinkClassifier.load(tmp_path)
