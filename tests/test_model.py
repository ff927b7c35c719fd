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


def test_calibrator_is_strictly_increasing_and_bounded() -> None:
    rng = np.random.default_rng(0)
    raw = rng.random(2000)
    y = (rng.random(2000) < raw).astype(int)
    cal = Calibrator.fit(raw, y)
    out = cal(np.linspace(0, 1, 500))
    assert np.all(np.diff(out) > 0)
    assert out.min() >= 0 and out.max() <= 1
    # Still a calibration: close to the observed rate where the data is dense.
    assert abs(float(cal(np.array([0.5]))[0]) - 0.5) < 0.1


def test_no_two_raw_scores_share_a_probability_at_the_threshold() -> None:
    """Issue 10: the isotonic step put many links exactly on the threshold."""
    rng = np.random.default_rng(3)
    raw = np.round(rng.random(5000), 3)  # many distinct raw scores, some repeated
    y = (rng.random(5000) < raw**2).astype(int)
    cal = Calibrator.fit(raw, y)
    p = cal(raw)
    threshold = choose_threshold(p, y)
    distinct_raw = np.unique(raw)
    p_distinct = cal(distinct_raw)
    assert len(np.unique(p_distinct)) == len(distinct_raw)
    at = np.isclose(p, threshold, rtol=0, atol=0)
    assert len(np.unique(raw[at])) == 1  # only one raw score maps onto the threshold itself
    # The old step calibration (np.interp over the isotonic breakpoints) tied many raw scores.
    from sklearn.isotonic import IsotonicRegression

    step = IsotonicRegression(out_of_bounds="clip").fit(raw, y).predict(distinct_raw)
    assert len(np.unique(step)) < len(distinct_raw) / 2


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

    assert roc_auc_score(test["label"].to_numpy(int), clf.predict_proba(X)[:, 1]) > 0.8


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


# -- the scikit-learn contract (issue 9) ---------------------------------------------------------
def test_clone_gives_an_unfitted_copy_with_the_same_parameters(fitted) -> None:
    from sklearn.base import clone

    clf, _, _ = fitted
    assert isinstance(clone(LinkClassifier()), LinkClassifier)
    copy = clone(clf)
    assert copy.get_params()["num_boost_round"] == 80
    assert not hasattr(copy, "booster_")
    copy.set_params(num_boost_round=7, threshold_beta=1.0)
    assert (copy.num_boost_round, copy.threshold_beta) == (7, 1.0)
    assert clf.num_boost_round == 80


def test_predict_proba_follows_classes(fitted) -> None:
    clf, test, _ = fitted
    X = clf.features.transform(test)
    proba = clf.predict_proba(X)
    assert list(clf.classes_) == [0, 1]
    assert proba.shape == (len(test), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(proba[:, 1], clf.p_manipulative(X))
    assert set(np.unique(clf.predict(X))) <= {0, 1}


def test_unfitted_model_raises_model_error() -> None:
    t = tiny_setup(n_targets=3)
    with pytest.raises(ModelError, match="unfitted"):
        LinkClassifier(t.features).predict_proba(t.X)
    with pytest.raises(ModelError, match="unfitted"):
        LinkClassifier().contributions(t.X)


def test_feature_builder_is_a_cloneable_transformer() -> None:
    from sklearn.base import clone

    from linkclf.features import FeatureBuilder

    t = tiny_setup(n_targets=3)
    copy = clone(t.features)
    assert isinstance(copy, FeatureBuilder) and copy.n_components == 4
    with pytest.raises(ModelError):
        copy.transform(t.data)
    np.testing.assert_array_equal(
        copy.fit(t.data[t.train]).transform(t.data).to_numpy(), t.X.to_numpy()
    )


def test_load_restores_hyperparameters(tmp_path: Path) -> None:
    """Issue 9: the shipped model trained with 400 rounds reported 600 after loading."""
    t = tiny_setup(n_targets=6, seed=2)
    clf = LinkClassifier(
        t.features,
        params={"learning_rate": 0.2, "num_leaves": 7},
        num_boost_round=33,
        early_stopping_rounds=5,
        exclude_families=("embedding",),
        threshold_beta=0.7,
    ).fit(t.X[t.train], t.y[t.train], t.X[t.valid], t.y[t.valid])
    clf.save(tmp_path / "m", metrics={}, card="", extra={})
    loaded = LinkClassifier.load(tmp_path / "m", embedder=HashingEmbedder())
    assert loaded.get_params(deep=False) | {"features": None} == clf.get_params(deep=False) | {
        "features": None
    }
    assert not any(c.startswith("emb_") for c in loaded.feature_columns_)


def test_load_refuses_a_feature_the_code_no_longer_produces(fitted, tmp_path: Path) -> None:
    import shutil

    _, _, path = fitted
    copy = tmp_path / "m"
    shutil.copytree(path, copy)
    spec = json.loads((copy / "features" / "features.json").read_text())
    spec["feature_names"].append("host_was_removed")
    (copy / "features" / "features.json").write_text(json.dumps(spec))
    with pytest.raises(ModelError, match="no longer produces \\(host_was_removed\\)"):
        LinkClassifier.load(copy, embedder=HashingEmbedder())
