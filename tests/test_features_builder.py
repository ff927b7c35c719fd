"""FeatureBuilder (relevance, save/load) and CachedEmbedder, on the deterministic HashingEmbedder."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from linkclf.errors import ModelError
from linkclf.features import CachedEmbedder, FeatureBuilder, HashingEmbedder
from tests.conftest import make_links

TARGET = "https://www.bakkerij-devries.nl/brood/volkorenbrood"


class CountingEmbedder:
    """A real embedder (HashingEmbedder) that records what it was asked to encode."""

    def __init__(self, dim: int = 32) -> None:
        self.inner = HashingEmbedder(dim)
        self.name = self.inner.name
        self.dim = dim
        self.calls: list[list[str]] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return self.inner.encode(texts)


@pytest.fixture(scope="module")
def train() -> pd.DataFrame:
    return make_links(n_targets=6, per_target=30, seed=3)


@pytest.fixture(scope="module")
def fitted(train: pd.DataFrame) -> FeatureBuilder:
    return FeatureBuilder(HashingEmbedder(32), n_components=4).fit(train)


# -- builder ------------------------------------------------------------------------------------
def test_transform_gives_one_float_row_per_link_with_a_family_each(
    fitted: FeatureBuilder, train: pd.DataFrame
) -> None:
    X = fitted.transform(train)
    assert len(X) == len(train) and list(X.index) == list(train.index)
    assert all(dtype == np.float64 for dtype in X.dtypes)
    assert list(X.columns) == fitted.feature_names_
    assert set(fitted.families_) == set(X.columns)
    assert {"anchor", "relevance", "placement", "rel", "url", "authority"} <= set(
        fitted.families_.values()
    )
    assert {"profile_domain", "profile_target", "embedding"} <= set(fitted.families_.values())
    assert fitted.families_["emb_anchor_0"] == "embedding"
    assert fitted.families_["cos_anchor_topic"] == "relevance"
    assert fitted.families_["host_tld_spammy"] == "url"


def test_relevance_cosines_are_nan_when_a_text_is_missing(fitted: FeatureBuilder) -> None:
    df = pd.DataFrame(
        [
            {
                "source_url": "https://a.nl/1",
                "target_url": TARGET,
                "anchor": "volkorenbrood",
                "context_left": "vers",
                "context_right": "gebakken",
                "source_title": "brood bakken",
            },
            {"source_url": "https://a.nl/2", "target_url": TARGET, "anchor": ""},
        ]
    )
    X = fitted.transform(df)
    full, bare = X.iloc[0], X.iloc[1]
    cos = ["cos_anchor_topic", "cos_context_topic", "cos_title_topic", "cos_anchor_context"]
    assert full[cos].notna().all()
    assert full["cos_anchor_topic"] > 0  # "volkorenbrood" is in the target's path
    assert bare[cos + ["cos_title_profile", "cos_context_profile"]].isna().all()
    emb = [c for c in X if c.startswith("emb_")]
    assert bare[emb].isna().all() and full[emb].notna().all()


def test_source_url_words_give_relevance_without_any_other_text(fitted: FeatureBuilder) -> None:
    # A Search Console export: the linking page's URL is the only text of the source.
    df = pd.DataFrame(
        [
            {
                "source_url": "https://a.nl/recepten/volkorenbrood-zelf-bakken/",
                "target_url": TARGET,
            },
            {"source_url": "https://b.nl/casino-bonus-gratis", "target_url": TARGET},
            {"source_url": "https://c.nl/?p=123", "target_url": TARGET},
        ]
    )
    X = fitted.transform(df)
    assert X.loc[0, "cos_slug_topic"] > X.loc[1, "cos_slug_topic"]
    assert X.loc[[0, 1], "cos_slug_profile"].notna().all()
    assert X.loc[2, ["cos_slug_topic", "cos_slug_profile"]].isna().all()  # no words, no reading
    assert X.loc[:, ["cos_title_topic", "cos_anchor_topic"]].isna().all().all()


def test_language_mismatch_is_against_the_targets_majority(fitted: FeatureBuilder) -> None:
    other = "https://www.fietsen-jansen.nl/"
    rows = [("nl", TARGET), ("nl", TARGET), ("nl", TARGET), ("de", TARGET), (None, TARGET)]
    rows += [(None, other)]
    df = pd.DataFrame(
        [
            {"source_url": f"https://s{i}.nl/p", "target_url": t, "language": lang}
            for i, (lang, t) in enumerate(rows)
        ]
    )
    got = fitted.transform(df)["language_mismatch"].tolist()
    assert got[:4] == [0.0, 0.0, 0.0, 1.0]
    assert np.isnan(got[4]) and np.isnan(got[5])  # unknown language; target with none known


def test_transform_of_no_rows_gives_the_fitted_columns(
    fitted: FeatureBuilder, train: pd.DataFrame
) -> None:
    X = fitted.transform(train.iloc[:0])
    assert list(X.columns) == fitted.feature_names_ and len(X) == 0


def test_transform_before_fit_is_a_model_error(train: pd.DataFrame) -> None:
    with pytest.raises(ModelError):
        FeatureBuilder(HashingEmbedder(32)).transform(train)


def test_save_load_round_trip_gives_identical_features(
    fitted: FeatureBuilder, train: pd.DataFrame, tmp_path: Path
) -> None:
    fitted.save(tmp_path / "features")
    assert not list((tmp_path / "features").glob("*.pkl"))
    loaded = FeatureBuilder.load(tmp_path / "features", HashingEmbedder(32))
    unseen = make_links(n_targets=2, per_target=15, seed=99)
    for df in (train, unseen):
        pd.testing.assert_frame_equal(loaded.transform(df), fitted.transform(df))
    assert loaded.families_ == fitted.families_


def test_load_refuses_a_different_embedder(fitted: FeatureBuilder, tmp_path: Path) -> None:
    fitted.save(tmp_path / "features")
    with pytest.raises(ModelError) as err:
        FeatureBuilder.load(tmp_path / "features", HashingEmbedder(64))
    assert "hashing-32" in err.value.one_line()


def test_load_of_a_missing_directory_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError):
        FeatureBuilder.load(tmp_path / "nope", HashingEmbedder(32))


def test_load_of_a_damaged_array_is_a_model_error(fitted: FeatureBuilder, tmp_path: Path) -> None:
    fitted.save(tmp_path / "features")
    (tmp_path / "features" / "context_components.npy").write_bytes(b"not an array")
    with pytest.raises(ModelError, match="context_components.npy"):
        FeatureBuilder.load(tmp_path / "features", HashingEmbedder(32))


def test_load_refuses_arrays_of_another_width(fitted: FeatureBuilder, tmp_path: Path) -> None:
    fitted.save(tmp_path / "features")
    np.save(tmp_path / "features" / "anchor_mean.npy", np.zeros(7, np.float32))
    with pytest.raises(ModelError, match="shape"):
        FeatureBuilder.load(tmp_path / "features", HashingEmbedder(32))


def test_refit_on_the_same_rows_gives_the_same_projection(train: pd.DataFrame) -> None:
    a = FeatureBuilder(HashingEmbedder(32), n_components=4).fit(train)
    b = FeatureBuilder(HashingEmbedder(32), n_components=4).fit(
        train.sample(frac=1, random_state=1)
    )
    np.testing.assert_allclose(a.anchor_components_, b.anchor_components_, atol=1e-4)
    np.testing.assert_allclose(a.context_components_, b.context_components_, atol=1e-4)


# -- cache --------------------------------------------------------------------------------------
def test_cache_answers_a_repeated_call_without_the_inner_embedder(tmp_path: Path) -> None:
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, tmp_path / "cache")
    texts = ["klik hier", "volkorenbrood kopen", "Bakkerij De Vries"]
    first = cached.encode(texts)
    assert len(inner.calls) == 1
    second = cached.encode(list(reversed(texts)))
    assert len(inner.calls) == 1  # every text came from the cache
    np.testing.assert_array_equal(second, first[::-1])
    # A new process (new CachedEmbedder, same directory) reads the same file.
    again = CachedEmbedder(inner, tmp_path / "cache").encode(texts)
    assert len(inner.calls) == 1
    np.testing.assert_array_equal(again, first)


def test_cache_encodes_duplicates_once_and_only_new_texts(tmp_path: Path) -> None:
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, tmp_path / "cache")
    out = cached.encode(["a b c", "x y z", "a b c", "a b c", ""])
    assert sorted(inner.calls[0]) == ["", "a b c", "x y z"]
    np.testing.assert_array_equal(out[0], out[2])
    assert not out[4].any()  # empty text -> zero vector
    cached.encode(["x y z", "new text"])
    assert inner.calls[1] == ["new text"]


def test_cache_is_usable_from_another_thread(tmp_path: Path) -> None:
    # A Dask worker runs tasks on a thread pool: the SQLite connection opened by the first call
    # must serve calls made from other threads.
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, tmp_path / "cache")
    first = cached.encode(["klik hier", "volkorenbrood"])
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(cached.encode, [["klik hier", f"text {i}"] for i in range(8)]))
    for i, got in enumerate(results):
        np.testing.assert_array_equal(got[0], first[0])
        np.testing.assert_array_equal(got[1], inner.inner.encode([f"text {i}"])[0])
    assert sum(len(c) for c in inner.calls) == 2 + 8  # "klik hier" came from the cache


def test_cache_without_a_directory_still_deduplicates(tmp_path: Path) -> None:
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, None)
    cached.encode(["same", "same", "other"])
    assert sorted(inner.calls[0]) == ["other", "same"]
    assert cached.encode([]).shape == (0, 32)


def test_cached_and_uncached_give_identical_vectors_and_features(
    train: pd.DataFrame, tmp_path: Path
) -> None:
    texts = train["anchor"].tolist() + train["context_left"].tolist() + [""]
    plain = HashingEmbedder(32)
    cached = CachedEmbedder(HashingEmbedder(32), tmp_path / "cache")
    np.testing.assert_array_equal(cached.encode(texts), plain.encode(texts))
    np.testing.assert_array_equal(cached.encode(texts), plain.encode(texts))  # from disk
    a = FeatureBuilder(plain, n_components=4).fit(train).transform(train)
    b = FeatureBuilder(cached, n_components=4).fit(train).transform(train)
    pd.testing.assert_frame_equal(a, b)
