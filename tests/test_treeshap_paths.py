"""linkclf.treeshap's two ways through the trees give LightGBM's numbers: chunks of many trees
at once (small blocks) and tree by tree (large blocks), whatever the chunk size; a one-row
block adds in the same order as any other block."""

from __future__ import annotations

import threading

import lightgbm as lgb
import numpy as np
import pytest

from linkclf import treeshap as treeshap_module
from linkclf.treeshap import TreeShap
from tests.test_treeshap import SHIPPED, TOL, chain_text, threshold_rows


@pytest.fixture(scope="module")
def shipped() -> tuple[lgb.Booster, np.ndarray, np.ndarray]:
    """The shipped model, rows at its thresholds (a few NaN-only) and LightGBM's values."""
    booster = lgb.Booster(model_file=str(SHIPPED))
    X = threshold_rows(booster, 120, seed=7)
    X[np.random.default_rng(7).random(X.shape) < 0.2] = np.nan
    X[3] = np.nan
    return booster, X, np.asarray(booster.predict(X, pred_contrib=True))


def test_tree_by_tree_gives_lightgbms_numbers(
    shipped: tuple[lgb.Booster, np.ndarray, np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    booster, X, expected = shipped
    monkeypatch.setattr(treeshap_module, "_BATCHED_ROWS", 0)
    shap = TreeShap(booster.model_to_string())
    assert np.abs(shap.contributions(X) - expected).max() <= TOL


@pytest.mark.parametrize("cells", [1, 5_000, 200_000])
def test_any_chunk_size_gives_lightgbms_numbers(
    shipped: tuple[lgb.Booster, np.ndarray, np.ndarray],
    monkeypatch: pytest.MonkeyPatch,
    cells: int,
) -> None:
    """From one or two trees a chunk (cells=1: the smallest chunks) to thousands of units."""
    booster, X, expected = shipped
    monkeypatch.setattr(treeshap_module, "_CHUNK_CELLS", cells)
    shap = TreeShap(booster.model_to_string())
    if cells == 1:
        assert len(shap._chunks(len(X))) >= booster.num_trees() // 2
    assert np.abs(shap.contributions(X) - expected).max() <= TOL


@pytest.mark.parametrize("bits", [0, 4, 8, 30])
def test_tables_of_every_code_give_the_bits_of_distinct_codes(
    shipped: tuple[lgb.Booster, np.ndarray, np.ndarray],
    monkeypatch: pytest.MonkeyPatch,
    bits: int,
) -> None:
    """Tree by tree, units up to ``bits`` splits deep read a table of all their codes, built
    once; the others a table of the block's distinct codes. Same bits either way (30: every
    unit of the shipped model, 18 deep at most)."""
    booster, X, expected = shipped
    monkeypatch.setattr(treeshap_module, "_BATCHED_ROWS", 0)
    monkeypatch.setattr(treeshap_module, "_FULL_TABLE_BITS", -1)
    distinct_only = TreeShap(booster.model_to_string()).contributions(X, threads=1)
    monkeypatch.setattr(treeshap_module, "_FULL_TABLE_BITS", bits)
    shap = TreeShap(booster.model_to_string())
    first = shap.contributions(X, threads=1)
    assert np.array_equal(first, distinct_only)
    assert np.array_equal(shap.contributions(X[::-1], threads=1), first[::-1])  # tables kept
    assert np.abs(first - expected).max() <= TOL
    full = [table for tree in shap.full_tables() for table in tree if table is not None]
    assert (len(full) > 0) == (bits > 0)


def test_a_one_row_block_adds_in_the_same_order_as_a_larger_block(
    shipped: tuple[lgb.Booster, np.ndarray, np.ndarray],
) -> None:
    booster, X, _ = shipped
    shap = TreeShap(booster.model_to_string())
    whole = shap.contributions(X[:40], threads=1)
    assert np.array_equal(shap.contributions(X[:40], block_rows=1, threads=1), whole)
    assert np.array_equal(shap.contributions(X[5:6], threads=1), whole[5:6])


def test_leaves_too_deep_to_pack_their_codes_with_their_leaf() -> None:
    """A 62-split chain: its deepest leaves' codes fill an int64, so their distinct codes are
    found one leaf at a time (not packed with the leaf's number)."""
    text = chain_text(62)
    booster = lgb.Booster(model_str=text)
    X = np.c_[np.linspace(-1.0, 64.0, 131)]
    X[::11] = np.nan
    shap = TreeShap(text)
    assert any(chunk.deep_bits < 0 for chunk in shap._chunks(len(X)))
    expected = np.asarray(booster.predict(X, pred_contrib=True))
    assert np.abs(shap.contributions(X) - expected).max() <= TOL


def test_chunks_on_threads_give_one_threads_numbers(
    shipped: tuple[lgb.Booster, np.ndarray, np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    booster, X, expected = shipped
    monkeypatch.setattr(treeshap_module, "_CHUNK_CELLS", 50_000)
    shap = TreeShap(booster.model_to_string())
    assert len(shap._chunks(len(X))) > 3
    one = shap.contributions(X, threads=1)
    explain_chunk = shap._explain_chunk
    seen: set[str] = set()

    def spy(*args: object) -> None:
        seen.add(threading.current_thread().name)
        explain_chunk(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(shap, "_explain_chunk", spy)
    assert np.array_equal(shap.contributions(X, threads=3), one)
    assert threading.main_thread().name not in seen and seen  # the chunks ran on the pool
    assert np.abs(one - expected).max() <= TOL
