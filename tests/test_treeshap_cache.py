"""linkclf.treeshap_cache: the built trees kept as .npz give the same contributions bit for bit,
and a damaged or foreign cache file is rebuilt from the model text, never trusted."""

from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path

import lightgbm as lgb
import numpy as np
import pytest

from linkclf import model as model_module
from linkclf import treeshap as treeshap_module
from linkclf.treeshap import TreeShap, Unsupported
from linkclf.treeshap_cache import cache_path, load_or_build

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_TEXT = (ROOT / "models" / "default" / "model.lgb.txt").read_text()


def assert_same_trees(a: object, b: object, where: str = "shap") -> None:
    """Every field of two TreeShaps equal: arrays by dtype, shape and bits; the rest by value."""
    if isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray), where
        assert a.dtype == b.dtype and a.shape == b.shape, where
        assert np.array_equal(a, b, equal_nan=True), where
    elif dataclasses.is_dataclass(a):
        for field in dataclasses.fields(a):
            assert_same_trees(
                getattr(a, field.name), getattr(b, field.name), f"{where}.{field.name}"
            )
    elif isinstance(a, (tuple, list)):
        assert isinstance(b, (tuple, list)) and len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same_trees(x, y, f"{where}[{i}]")
    elif isinstance(a, TreeShap):
        assert isinstance(b, TreeShap)
        assert a.n_features == b.n_features and a.expected_value == b.expected_value
        assert a._rank_dtype == b._rank_dtype and a._table_bits == b._table_bits
        assert_same_trees(a._cuts, b._cuts, "cuts")
        assert_same_trees(a.trees, b.trees, "trees")
    else:
        assert a == b, (where, a, b)


def rows(n_features: int, n: int = 400, seed: int = 0) -> np.ndarray:
    """Rows with NaNs, zeros and values spread over the features' ranges."""
    rng = np.random.default_rng(seed)
    X = rng.normal(0, 30, size=(n, n_features))
    X[rng.random(X.shape) < 0.1] = np.nan
    X[rng.random(X.shape) < 0.1] = 0.0
    return X


def train(X: np.ndarray, y: np.ndarray, rounds: int = 20, **params: object) -> lgb.Booster:
    base = {"objective": "binary", "verbose": -1, "num_leaves": 15, "min_data_in_leaf": 5}
    base["num_threads"] = 1  # small data: OpenMP threads only wait for each other
    return lgb.train({**base, **params}, lgb.Dataset(X, label=y), num_boost_round=rounds)


def small_models() -> list[str]:
    """Model texts with what the arrays must carry: a feature split twice on a path, the three
    missing-value types, one-leaf trees, leaves deeper than the code-table limit."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(2000, 4))
    X[rng.random(X.shape) < 0.15] = np.nan
    y = ((X[:, 0] > 0.3) ^ (X[:, 0] > 1.2) ^ (np.nan_to_num(X[:, 1]) > 0)).astype(int)
    texts = [train(X, y).model_to_string(), train(X, y, use_missing=False).model_to_string()]
    zeros = np.where(rng.random(X.shape) < 0.3, 0.0, np.nan_to_num(X))
    texts.append(train(zeros, y, zero_as_missing=True).model_to_string())
    flat = rng.random((200, 2))
    texts.append(
        train(flat, np.r_[np.zeros(100), np.ones(100)], min_data_in_leaf=150).model_to_string()
    )
    # Chains about 30 splits deep (as tests/test_treeshap.py's chain_model).
    chained = np.random.default_rng(4)
    u = chained.uniform(0, 30, 6000)
    chain = np.c_[u, chained.random(6000)]
    deep = {
        "objective": "regression",
        "num_leaves": 64,
        "min_data_in_leaf": 2,
        "learning_rate": 1.0,
    }
    texts.append(train(chain, 4.0 ** (np.floor(u) - 30), **deep, rounds=30).model_to_string())
    return texts


def test_the_arrays_give_back_the_built_trees_bit_for_bit() -> None:
    texts = [SHIPPED_TEXT, *small_models()]
    assert "num_leaves=1\n" in texts[4]  # the model of one-leaf trees
    for text in texts:
        built = TreeShap(text)
        again = TreeShap.from_arrays(built.to_arrays())
        assert_same_trees(built, again)
        X = rows(built.n_features)
        assert np.array_equal(built.contributions(X), again.contributions(X))
    deep = TreeShap(texts[-1])
    assert max(len(leaf.bit_feature) for t in deep.trees for leaf in t.leaves) > 20


def test_the_second_load_reads_the_file_and_explains_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load_or_build(SHIPPED_TEXT, tmp_path)
    path = cache_path(SHIPPED_TEXT, tmp_path)
    assert path.is_file() and path.parent == tmp_path
    with np.load(path, allow_pickle=False) as stored:  # plain arrays, no pickled objects
        assert all(stored[name].dtype != object for name in stored.files)

    def no_build(self: TreeShap, model_text: str) -> None:
        raise AssertionError("built again although the cache file is sound")

    monkeypatch.setattr(TreeShap, "__init__", no_build)
    second = load_or_build(SHIPPED_TEXT, tmp_path)
    assert_same_trees(first, second)
    X = rows(first.n_features, seed=3)
    assert np.array_equal(first.contributions(X), second.contributions(X))


def test_another_model_or_another_treeshap_code_uses_another_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = small_models()[0]
    assert cache_path(SHIPPED_TEXT, tmp_path) != cache_path(other, tmp_path)
    before = cache_path(SHIPPED_TEXT, tmp_path)
    code = tmp_path / "treeshap.py"
    code.write_text(Path(treeshap_module.__file__).read_text() + "\n# changed\n")
    from linkclf import treeshap_cache

    treeshap_cache._code_digest.cache_clear()
    monkeypatch.setattr(treeshap_module, "__file__", str(code))
    try:
        assert cache_path(SHIPPED_TEXT, tmp_path) != before
    finally:
        monkeypatch.undo()
        treeshap_cache._code_digest.cache_clear()
    assert cache_path(SHIPPED_TEXT, tmp_path) == before


def _damage_truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _damage_garbage(path: Path) -> None:
    path.write_bytes(b"not a zip file at all\n" * 10)


def _damage_flipped_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x40  # inside an array's values: zip's CRC-32 no longer matches
    path.write_bytes(bytes(data))


def _damage_index_out_of_range(path: Path) -> None:
    with np.load(path, allow_pickle=False) as stored:
        arrays = {name: stored[name] for name in stored.files}
    arrays["feature"] = arrays["feature"].copy()
    arrays["feature"][5] = 10_000  # a split on a feature the model does not have
    with open(path, "wb") as handle:
        np.savez(handle, **arrays)


def _damage_counts(path: Path) -> None:
    with np.load(path, allow_pickle=False) as stored:
        arrays = {name: stored[name] for name in stored.files}
    arrays["tree_leaves"] = arrays["tree_leaves"].copy()
    arrays["tree_leaves"][0] += 1
    with open(path, "wb") as handle:
        np.savez(handle, **arrays)


def _damage_missing_array(path: Path) -> None:
    with np.load(path, allow_pickle=False) as stored:
        arrays = {name: stored[name] for name in stored.files if name != "unit_flip"}
    with open(path, "wb") as handle:
        np.savez(handle, **arrays)


def _damage_object_array(path: Path) -> None:
    with np.load(path, allow_pickle=False) as stored:
        arrays = {name: stored[name] for name in stored.files}
    arrays["preorder"] = np.array([object()] * len(arrays["preorder"]), dtype=object)
    with open(path, "wb") as handle:
        np.savez(handle, **arrays)  # pickles the objects: np.load(allow_pickle=False) refuses


@pytest.fixture(scope="module")
def shipped() -> tuple[TreeShap, np.ndarray, np.ndarray]:
    """The shipped model's trees built from its text, rows, and their contributions."""
    fresh = TreeShap(SHIPPED_TEXT)
    X = rows(fresh.n_features, n=100, seed=5)
    return fresh, X, fresh.contributions(X)


@pytest.mark.parametrize(
    "damage",
    [
        _damage_truncated,
        _damage_garbage,
        _damage_flipped_byte,
        _damage_index_out_of_range,
        _damage_counts,
        _damage_missing_array,
        _damage_object_array,
    ],
)
def test_a_damaged_cache_file_is_rebuilt_not_trusted(
    tmp_path: Path,
    damage,  # noqa: ANN001
    shipped: tuple[TreeShap, np.ndarray, np.ndarray],
) -> None:
    fresh, X, expected = shipped
    load_or_build(SHIPPED_TEXT, tmp_path)
    path = cache_path(SHIPPED_TEXT, tmp_path)
    damage(path)
    got = load_or_build(SHIPPED_TEXT, tmp_path)
    assert_same_trees(fresh, got)
    assert np.array_equal(got.contributions(X), expected)
    # ... and the file was rewritten whole: it loads again as the built trees.
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
    with np.load(path, allow_pickle=False) as stored:
        reread = TreeShap.from_arrays({name: stored[name] for name in stored.files})
    assert_same_trees(fresh, reread)


def test_a_cache_that_cannot_be_written_still_explains(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("a file where the cache folder would be\n")
    got = load_or_build(SHIPPED_TEXT, blocked)
    X = rows(got.n_features, seed=6)
    assert np.array_equal(got.contributions(X), TreeShap(SHIPPED_TEXT).contributions(X))
    assert blocked.read_text() == "a file where the cache folder would be\n"


def test_an_unsupported_model_is_not_cached(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    X = rng.normal(size=(600, 3))
    y = rng.integers(0, 3, 600)
    multi = lgb.train(
        {"objective": "multiclass", "num_class": 3, "verbose": -1, "num_threads": 1},
        lgb.Dataset(X, label=y),
        num_boost_round=3,
    )
    with pytest.raises(Unsupported):
        load_or_build(multi.model_to_string(), tmp_path)
    assert not list(tmp_path.iterdir())


def test_the_classifier_keeps_its_trees_in_linkclfs_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second process (here: a second classifier over the same trees) reads the built trees
    from $LINKCLF_CACHE/treeshap instead of building them."""
    monkeypatch.setenv("LINKCLF_CACHE", str(tmp_path))
    booster = lgb.Booster(model_str=SHIPPED_TEXT)

    def classifier() -> model_module.LinkClassifier:
        clf = model_module.LinkClassifier()
        clf.booster_ = booster
        clf.feature_columns_ = [f"f{i}" for i in range(booster.num_feature())]
        return clf

    first = classifier()._treeshap()
    assert first is not None
    assert len(list((tmp_path / "treeshap").glob("*.npz"))) == 1
    monkeypatch.setattr(TreeShap, "__init__", lambda self, text: pytest.fail("built again"))
    second = classifier()._treeshap()
    assert_same_trees(first, second)
