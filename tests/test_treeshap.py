"""linkclf.treeshap: the same contributions as LightGBM's pred_contrib (within 1e-9), faster.

Every test compares with ``Booster.predict(X, pred_contrib=True)`` on the same rows: the shipped
model on rows that sit exactly on its thresholds, and small models trained here with NaNs, zeros,
a constant feature, a feature split twice on one path and the three missing-value types.
"""

from __future__ import annotations

from pathlib import Path

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest

from linkclf import model as model_module
from linkclf.treeshap import TreeShap, Unsupported, leaf_contributions, quadrature

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "models" / "default" / "model.lgb.txt"
TOL = 1e-9


def assert_same(booster: lgb.Booster, X: np.ndarray) -> None:
    expected = np.asarray(booster.predict(X, pred_contrib=True))
    got = TreeShap(booster.model_to_string()).contributions(X)
    assert got.shape == expected.shape
    assert np.abs(got - expected).max() <= TOL


def threshold_rows(booster: lgb.Booster, n: int, seed: int) -> np.ndarray:
    """Rows whose values are the model's own thresholds, their neighbours, 0, -0, NaN, tiny
    values around LightGBM's zero threshold and infinities: every edge of every decision."""
    dump = booster.dump_model()
    n_features = dump["max_feature_idx"] + 1
    per_feature: list[list[float]] = [
        [0.0, -0.0, np.nan, 1e-36, -1e-36, np.inf, -np.inf] for _ in range(n_features)
    ]

    def walk(node: dict) -> None:
        if "split_feature" in node:
            t = float(node["threshold"])
            per_feature[node["split_feature"]] += [t, np.nextafter(t, np.inf), t - 1e-3, t + 1e-3]
            walk(node["left_child"])
            walk(node["right_child"])

    for tree in dump["tree_info"]:
        walk(tree["tree_structure"])
    rng = np.random.default_rng(seed)
    return np.array([[rng.choice(v) for v in per_feature] for _ in range(n)])


# ---------------------------------------------------------------- the math of one leaf
def test_quadrature_gives_the_shapley_weights_exactly() -> None:
    """sum_q w_q t_q^k (1-t_q)^(K-1-k) = k!(K-1-k)!/K!, the weight of a coalition of k."""
    from math import factorial

    for big_k in range(1, 40):
        t, w = quadrature(big_k)
        for k in range(big_k):
            shapley = factorial(k) * factorial(big_k - 1 - k) / factorial(big_k)
            got = float(np.sum(w * t**k * (1 - t) ** (big_k - 1 - k)))
            assert got == pytest.approx(shapley, rel=1e-12)


def test_leaf_values_are_the_brute_force_shapley_values_of_the_leaf_game() -> None:
    """For one leaf the closed form equals Shapley's definition summed over all coalitions."""
    from itertools import combinations
    from math import factorial

    from linkclf.treeshap import _Leaf

    rng = np.random.default_rng(0)
    k = 5
    z = rng.uniform(0.05, 1.0, k)
    leaf = _Leaf(
        value=0.7,
        features=np.arange(k),
        z=z,
        bit_feature=np.arange(k),
        masks=1 << np.arange(k),
    )
    codes = np.arange(1 << k)
    got = leaf_contributions(leaf, codes)
    for code in codes:
        o = (code >> np.arange(k)) & 1

        def value(s: tuple[int, ...], o: np.ndarray = o) -> float:
            return 0.7 * float(np.prod([o[j] if j in s else z[j] for j in range(k)]))

        for i in range(k):
            others = [j for j in range(k) if j != i]
            phi = sum(
                factorial(len(s))
                * factorial(k - len(s) - 1)
                / factorial(k)
                * (value((*s, i)) - value(s))
                for size in range(k)
                for s in combinations(others, size)
            )
            assert got[code, i] == pytest.approx(phi, abs=1e-14)


# ---------------------------------------------------------------- the shipped model
@pytest.fixture(scope="module")
def shipped() -> lgb.Booster:
    return lgb.Booster(model_file=str(SHIPPED))


def test_shipped_model_has_no_categorical_split(shipped: lgb.Booster) -> None:
    """Categorical splits are not replicated; the shipped model must not need them."""
    assert "num_cat=0" in shipped.model_to_string()
    assert "num_cat=1" not in shipped.model_to_string()
    TreeShap(shipped.model_to_string())  # does not raise Unsupported


def test_shipped_model_on_rows_at_its_thresholds(shipped: lgb.Booster) -> None:
    shap = TreeShap(shipped.model_to_string())
    # Both table layouts are exercised: sibling leaves sharing a table, and single leaves.
    assert {len(unit.members) for tree in shap.trees for unit in tree.units} == {1, 2}
    assert_same(shipped, threshold_rows(shipped, 300, seed=0))


def test_shipped_model_on_rows_with_missing_values(shipped: lgb.Booster) -> None:
    X = threshold_rows(shipped, 200, seed=1)
    rng = np.random.default_rng(1)
    X[rng.random(X.shape) < 0.3] = np.nan
    X[0] = np.nan  # a row with nothing known
    assert_same(shipped, X)


def test_blocks_and_threads_give_the_same_numbers_as_one_block(
    shipped: lgb.Booster, monkeypatch: pytest.MonkeyPatch
) -> None:
    import linkclf.treeshap

    X = threshold_rows(shipped, 50, seed=2)
    shap = TreeShap(shipped.model_to_string())
    whole = shap.contributions(X, threads=1)
    assert np.array_equal(shap.contributions(X, block_rows=7, threads=1), whole)
    monkeypatch.setattr(linkclf.treeshap, "_ROWS_PER_THREAD", 1)
    assert np.array_equal(shap.contributions(X, block_rows=7, threads=3), whole)


def test_bias_is_lightgbm_expected_value_and_rows_sum_to_the_raw_score(
    shipped: lgb.Booster,
) -> None:
    X = threshold_rows(shipped, 40, seed=3)
    got = TreeShap(shipped.model_to_string()).contributions(X)
    expected = np.asarray(shipped.predict(X, pred_contrib=True))
    assert np.all(got[:, -1] == expected[:, -1])
    assert np.abs(got.sum(axis=1) - shipped.predict(X, raw_score=True)).max() <= TOL


# ---------------------------------------------------------------- small models trained here
def small_data(seed: int, n: int = 3000) -> tuple[np.ndarray, np.ndarray]:
    """Six features: x0 decides twice on one path (a band), x1 has NaNs that matter, x2 is
    mostly zero, x3 is constant, x4/x5 are noise with a little signal."""
    rng = np.random.default_rng(seed)
    X = rng.random((n, 6))
    X[:, 1][rng.random(n) < 0.25] = np.nan
    X[:, 2] = np.where(rng.random(n) < 0.5, 0.0, rng.normal(size=n))
    X[:, 3] = 1.0
    band = (X[:, 0] > 0.3) & (X[:, 0] < 0.6)
    logit = (
        2.0 * band
        + np.where(np.isnan(X[:, 1]), 1.5, -X[:, 1])
        + 1.0 * (X[:, 2] == 0)
        + 0.5 * X[:, 4]
        + rng.normal(scale=0.5, size=n)
    )
    return X, (logit > np.median(logit)).astype(int)


def train(X: np.ndarray, y: np.ndarray, **params: object) -> lgb.Booster:
    base = {"objective": "binary", "num_leaves": 15, "min_data_in_leaf": 5, "verbose": -1}
    return lgb.train({**base, **params}, lgb.Dataset(X, label=y), num_boost_round=30)


def decision_types(booster: lgb.Booster) -> set[int]:
    out: set[int] = set()
    for line in booster.model_to_string().splitlines():
        if line.startswith("decision_type="):
            out |= {int(v) for v in line.split("=")[1].split()}
    return out


def has_feature_twice_on_a_path(booster: lgb.Booster) -> bool:
    def walk(node: dict, seen: tuple[int, ...]) -> bool:
        if "split_feature" not in node:
            return False
        f = node["split_feature"]
        if f in seen:
            return True
        return walk(node["left_child"], (*seen, f)) or walk(node["right_child"], (*seen, f))

    return any(walk(t["tree_structure"], ()) for t in booster.dump_model()["tree_info"])


def probe_rows(X: np.ndarray, seed: int) -> np.ndarray:
    """Training-like rows plus NaN and zero where training had none."""
    rng = np.random.default_rng(seed)
    rows = X[rng.choice(len(X), 400, replace=False)].copy()
    rows[rng.random(rows.shape) < 0.15] = np.nan
    rows[rng.random(rows.shape) < 0.15] = 0.0
    return np.vstack([rows, np.full((1, X.shape[1]), np.nan), np.zeros((1, X.shape[1]))])


def test_missing_type_nan_and_a_feature_split_twice_on_one_path() -> None:
    X, y = small_data(0)
    booster = train(X, y)
    types = decision_types(booster)
    assert any((t >> 2) & 3 == 2 for t in types)  # NaN missing type present
    assert has_feature_twice_on_a_path(booster)
    assert_same(booster, probe_rows(X, 0))


def test_missing_type_zero() -> None:
    X, y = small_data(1)
    booster = train(X, y, zero_as_missing=True)
    assert any((t >> 2) & 3 == 1 for t in decision_types(booster))
    assert_same(booster, probe_rows(X, 1))


def test_missing_type_none_reads_nan_as_zero() -> None:
    X, y = small_data(2)
    booster = train(X, y, use_missing=False)
    assert {(t >> 2) & 3 for t in decision_types(booster)} == {0}
    assert_same(booster, probe_rows(X, 2))


def chain_model(levels: int) -> tuple[lgb.Booster, np.ndarray]:
    """A regression whose trees are chains about ``levels`` splits deep: the target grows 4x
    per level of x0, so the best split always peels off the top level."""
    rng = np.random.default_rng(4)
    u = rng.uniform(0, levels, 6000)
    X = np.c_[u, rng.random(6000)]
    y = 4.0 ** (np.floor(u) - levels)
    params = {"objective": "regression", "num_leaves": 2 * levels + 4, "min_data_in_leaf": 2}
    return train(X, y, **params, learning_rate=1.0, verbose=-1), X


def test_deep_trees_above_the_code_table_limit() -> None:
    """Leaves deeper than 20 splits find their rows' distinct codes by sorting."""
    booster, X = chain_model(30)
    shap = TreeShap(booster.model_to_string())
    assert max(len(leaf.bit_feature) for t in shap.trees for leaf in t.leaves) > 20
    assert_same(booster, probe_rows(X, 4))


def test_a_tree_with_one_leaf_only_adds_to_the_bias() -> None:
    X = np.random.default_rng(5).random((200, 2))
    y = np.r_[np.zeros(100), np.ones(100)].astype(int)  # nothing to learn from X
    booster = train(X, y, min_data_in_leaf=150)
    assert "num_leaves=1" in booster.model_to_string()
    assert_same(booster, X[:20])


def test_early_stopping_uses_the_trees_predict_uses() -> None:
    X, y = small_data(6)
    valid = lgb.Dataset(X[:500], label=y[:500])
    booster = lgb.train(
        {"objective": "binary", "verbose": -1, "num_leaves": 31},
        lgb.Dataset(X[500:], label=y[500:]),
        num_boost_round=300,
        valid_sets=[valid],
        callbacks=[lgb.early_stopping(5, verbose=False)],
        keep_training_booster=True,  # trees past the best iteration stay in the booster
    )
    assert 0 < booster.best_iteration < booster.current_iteration()
    assert_same(booster, probe_rows(X, 6))


def test_categorical_splits_and_multiclass_are_unsupported() -> None:
    X, y = small_data(7)
    Xc = X.copy()
    Xc[:, 5] = (X[:, 0] * 5).astype(int)
    categorical = lgb.train(
        {"objective": "binary", "verbose": -1},
        lgb.Dataset(Xc, label=y, categorical_feature=[5]),
        num_boost_round=10,
    )
    assert any(
        line.startswith("num_cat=") and line != "num_cat=0"
        for line in categorical.model_to_string().splitlines()
    )
    with pytest.raises(Unsupported):
        TreeShap(categorical.model_to_string())
    multi = lgb.train(
        {"objective": "multiclass", "num_class": 3, "verbose": -1},
        lgb.Dataset(X, label=(X[:, 0] * 3).astype(int)),
        num_boost_round=5,
    )
    with pytest.raises(Unsupported):
        TreeShap(multi.model_to_string())


# ---------------------------------------------------------------- LinkClassifier
def classifier(booster: lgb.Booster, n_features: int) -> model_module.LinkClassifier:
    """A LinkClassifier with the learned state contributions() reads."""
    clf = model_module.LinkClassifier()
    clf.booster_ = booster
    clf.feature_columns_ = [f"f{i}" for i in range(n_features)]
    return clf


def test_contributions_above_and_below_the_crossover_are_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    X, y = small_data(8)
    clf = classifier(train(X, y), X.shape[1])
    frame = pd.DataFrame(probe_rows(X, 8), columns=clf.feature_columns_)
    frame.index = frame.index * 3 + 5  # an index that is not 0..n-1
    monkeypatch.setattr(model_module, "TREESHAP_MIN_ROWS", 10**9)
    lightgbm = clf.contributions(frame)
    monkeypatch.setattr(model_module, "TREESHAP_MIN_ROWS", 1)
    ours = clf.contributions(frame)
    assert clf._treeshap() is not None  # the fast path was taken
    assert list(ours.columns) == clf.feature_columns_
    assert ours.index.equals(frame.index)
    assert np.abs(ours.to_numpy() - lightgbm.to_numpy()).max() <= TOL


def test_contributions_of_a_model_with_categorical_splits_fall_back_to_lightgbm(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    X, y = small_data(9)
    X[:, 5] = (X[:, 0] * 5).astype(int)
    booster = lgb.train(
        {"objective": "binary", "verbose": -1},
        lgb.Dataset(X, label=y, categorical_feature=[5]),
        num_boost_round=10,
    )
    clf = classifier(booster, X.shape[1])
    monkeypatch.setattr(model_module, "TREESHAP_MIN_ROWS", 1)
    frame = pd.DataFrame(X[:50], columns=clf.feature_columns_)
    got = clf.contributions(frame).to_numpy()
    assert clf._treeshap() is None
    assert np.array_equal(got, np.asarray(booster.predict(X[:50], pred_contrib=True))[:, :-1])


def test_the_cache_follows_the_booster() -> None:
    X, y = small_data(10)
    clf = classifier(train(X, y), X.shape[1])
    first = clf._treeshap()
    assert clf._treeshap() is first
    clf.booster_ = train(X, y, num_leaves=4)
    assert clf._treeshap() is not first


def test_score_of_the_2k_sample_gives_the_same_reasons(monkeypatch: pytest.MonkeyPatch) -> None:
    """`linkclf score`'s reasons on datasets/samples/ahrefs-sample.tsv with the shipped model:
    the same text with linkclf.treeshap as with LightGBM's pred_contrib."""
    from linkclf.pipeline import score_links
    from linkclf.sources.reader import read_export

    model = model_module.LinkClassifier.load(ROOT / "models" / "default")
    links = read_export(ROOT / "datasets" / "samples" / "ahrefs-sample.tsv")
    monkeypatch.setattr(model_module, "TREESHAP_MIN_ROWS", 10**9)
    lightgbm = score_links(model, links)
    monkeypatch.setattr(model_module, "TREESHAP_MIN_ROWS", 1)
    ours = score_links(model, links)
    assert model._treeshap() is not None
    assert (lightgbm["reasons"] != "").sum() > 50  # enough flagged links to mean something
    pd.testing.assert_frame_equal(ours, lightgbm)


def chain_text(splits: int) -> str:
    """A model text of one chain tree ``splits`` deep on feature 0 (leaf i hangs left of node i)."""
    internal = range(splits)
    fields = {
        "num_leaves": str(splits + 1),
        "num_cat": "0",
        "split_feature": " ".join("0" for _ in internal),
        "threshold": " ".join(str(float(i)) for i in internal),
        "decision_type": " ".join("2" for _ in internal),
        "left_child": " ".join(str(~i) for i in internal),
        "right_child": " ".join(str(i + 1 if i < splits - 1 else ~splits) for i in internal),
        "leaf_value": " ".join(str(0.1 * i) for i in range(splits + 1)),
        "leaf_count": " ".join("10" for _ in range(splits + 1)),
        "internal_count": " ".join(str(10 * (splits + 1 - i)) for i in internal),
        "is_linear": "0",
        "shrinkage": "1",
    }
    tree = "\n".join(f"{k}={v}" for k, v in fields.items())
    header = [
        "tree",
        "version=v4",
        "num_class=1",
        "num_tree_per_iteration=1",
        "label_index=0",
        "max_feature_idx=0",
        "objective=regression",
        "feature_names=f0",
        f"feature_infos=[-1:{splits + 1}]",
    ]
    return "\n".join(header) + f"\n\nTree=0\n{tree}\n\nend of trees\n"


def test_a_leaf_deeper_than_an_int64_code_is_unsupported() -> None:
    TreeShap(chain_text(62))  # 62 splits: a code still fits
    with pytest.raises(Unsupported):
        TreeShap(chain_text(63))


def test_a_hand_written_chain_tree_matches_lightgbm() -> None:
    """The parser reads LightGBM's text format, checked on a model LightGBM itself loads."""
    booster = lgb.Booster(model_str=chain_text(12))
    X = np.c_[np.linspace(-1.0, 13.0, 57)]
    X[::9] = np.nan
    assert_same(booster, X)
