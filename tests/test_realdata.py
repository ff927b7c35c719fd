"""Domain-level checks of the hostname-only prior on real labels (WEBSPAM, disavow files, top
lists), read in place from ../shared/data/real; skipped with a message where it is absent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score
from typer.testing import CliRunner

from linkclf import realdata
from linkclf.cli import app
from linkclf.errors import InputError

REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"
needs_data = pytest.mark.skipif(
    realdata.locate(REAL) is None,
    reason=f"real data not found at {REAL} (../shared is absent): check-real cannot run",
)


@pytest.fixture(scope="module")
def figures() -> dict[str, Any]:
    return realdata.run_checks(REAL, n_boot=100, seed=0, uk2006=False)


def _auc(block: dict[str, Any], model: str, metric: str = "roc_auc") -> tuple[float, float, float]:
    m = block[model][metric]
    return m["value"], *m["ci95"]


@needs_data
def test_uk2007_official_split_and_labels() -> None:
    train, test = realdata.load_uk2007(REAL)
    # SOURCES.md: SET1 3,776 nonspam / 222 spam, SET2 1,933 / 122 (undecided dropped).
    assert (len(train), int(train["y"].sum())) == (3998, 222)
    assert (len(test), int(test["y"].sum())) == (2055, 122)
    # The split is by third-level domain: no host is in both sets.
    assert not set(train["host"]) & set(test["host"])


@needs_data
def test_domain_prior_beats_chance_on_uk2007_set2(figures: dict[str, Any]) -> None:
    block = figures["webspam_uk2007_set1_to_set2"]
    for model in ("domain_prior", "hostname_ngram_lr"):
        for metric in ("roc_auc", "pr_auc"):
            value, low, high = _auc(block, model, metric)
            assert 0.0 <= low <= value <= high <= 1.0
    value, low, _ = _auc(block, "domain_prior")
    assert value > 0.5 and low > 0.5
    # The same-run n-gram LR lands near the published hostname-only LR (0.625).
    assert abs(_auc(block, "hostname_ngram_lr")[0] - realdata.REFERENCE_HOSTNAME_LR) < 0.05
    # Precision-recall above the base rate (122 spam of 2,055).
    assert block["domain_prior"]["pr_auc"]["value"] > block["domain_prior"]["pr_auc_chance"]


@needs_data
def test_disavowed_vs_trusted(figures: dict[str, Any]) -> None:
    block = figures["disavowed_vs_trusted"]
    assert block["n_disavowed"] > 500 and block["n_tranco"] > 9000
    for model in ("domain_prior", "hostname_ngram_lr", "domain_prior_cv5_in_distribution"):
        value, low, high = _auc(block, model)
        assert 0.0 <= low <= value <= high <= 1.0
    assert _auc(block, "domain_prior")[0] > 0.5
    overlap = block["overlap"]
    assert overlap["disavowed_in_tranco_top10k"] == sum(
        d["tranco_rank"] is not None for d in overlap["domains"]
    )
    assert block["n_scored_disavowed"] + len(overlap["domains"]) == block["n_disavowed"]
    assert all(0 <= s["roc_auc"] <= 1 for s in block["hostname_stats"].values())


@needs_data
def test_trusted_lists_are_parsed() -> None:
    wiki = realdata.load_wikipedia_reliable(REAL)
    assert {"apnews.com", "bbc.co.uk", "nature.com"} <= wiki
    assert "dailymail.co.uk" not in wiki  # deprecated on WP:RSP
    tranco = realdata.load_tranco(REAL)
    assert tranco[:2] == ["google.com", "mail.ru"]
    disavowed = realdata.load_disavowed(REAL, min_sites=2)
    assert "seodaro.com" in disavowed and "blogspot.com" not in disavowed


def test_rank_auc_equals_sklearn_with_ties() -> None:
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 400)
    score = np.round(rng.random(400), 1) + 0.2 * y
    assert realdata.roc_auc(y, score) == pytest.approx(roc_auc_score(y, score))


def test_bootstrap_interval_contains_the_estimate() -> None:
    rng = np.random.default_rng(4)
    y = np.r_[np.ones(50, int), np.zeros(450, int)]
    score = rng.normal(size=500) + y
    m = realdata.bootstrap(realdata.roc_auc, y, score, n_boot=200)
    assert m.low < m.value < m.high
    assert 0.65 < m.value < 0.9


def test_missing_data_dir_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--data-dir"):
        realdata.run_checks(tmp_path / "nowhere")
    result = CliRunner().invoke(app, ["check-real", "--data-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "--data-dir" in result.output


def test_missing_file_names_it(tmp_path: Path) -> None:
    (tmp_path / "SOURCES.md").write_text("stub", encoding="utf-8")
    with pytest.raises(InputError, match="WEBSPAM-UK2007-hostnames.txt"):
        realdata.run_checks(tmp_path)


@needs_data
@pytest.mark.slow
def test_cli_prints_the_table_and_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "realdata.json"
    result = CliRunner().invoke(
        app,
        [
            "check-real",
            "--data-dir",
            str(REAL),
            "--n-boot",
            "50",
            "--no-uk2006",
            "--no-links",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "WEBSPAM-UK2007 SET1->SET2" in result.output
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert "not of the link classifier" in figures["what"]
