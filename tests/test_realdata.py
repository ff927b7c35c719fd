"""Domain-level checks of the hostname prior on the shared real data (read in place, never copied).

Skipped with a message where the shared folder is absent. The fast tests run the prior only,
with few bootstrap resamples; the full ``check-real`` run (n-gram baseline, UK2006) is slow.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from linkclf import realdata
from linkclf.cli import app

REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"

pytestmark = pytest.mark.skipif(
    not (REAL / "webspam-uk2007").is_dir(),
    reason=f"real data folder absent ({REAL}); see docs/realdata.md",
)


@pytest.fixture(scope="module")
def uk2007() -> tuple[dict, object]:
    train, test = realdata.load_uk2007(REAL)
    return realdata.check_train_test(train, test, n_boot=20, baseline=False)


def test_uk2007_official_split_and_labels() -> None:
    train, test = realdata.load_uk2007(REAL)
    # SOURCES.md: SET1 3,776 nonspam / 222 spam; SET2 1,933 / 122 (undecided dropped).
    assert (len(train), int(train["label"].sum())) == (3998, 222)
    assert (len(test), int(test["label"].sum())) == (2055, 122)
    assert not set(train["hostname"]) & set(test["hostname"])


def test_domain_prior_beats_chance_on_set2(uk2007: tuple[dict, object]) -> None:
    figures = uk2007[0]["domain_prior_lightgbm"]
    lo, hi = figures["roc_auc_ci"]
    assert 0.0 <= lo <= figures["roc_auc"] <= hi <= 1.0
    assert 0.0 <= figures["pr_auc"] <= 1.0
    assert figures["roc_auc"] > 0.5
    # PR-AUC is read against the base rate (6% spam in SET2), not against 0.5.
    assert figures["pr_auc"] > figures["positive_rate"]


def test_disavowed_domains_against_trusted_lists(uk2007: tuple[dict, object]) -> None:
    prior = uk2007[1]
    disavowed = realdata.load_disavowed(REAL)
    tranco = realdata.load_tranco(REAL)
    wiki = realdata.load_wikipedia_reliable(REAL)
    assert len(disavowed) > 100 and len(tranco) > 5000 and len(wiki) > 1000
    assert "google.com" in tranco[:10] and "bbc.co.uk" in wiki
    result = realdata.check_disavow_vs_trusted(prior, disavowed, tranco, wiki, n_boot=20)
    for key in ("vs_tranco_10k", "vs_wikipedia_reliable", "vs_trusted_union"):
        assert 0.0 <= result[key]["roc_auc"] <= 1.0
        assert result[key]["positives"] == len(disavowed)
    overlap = result["overlap"]
    assert 0 <= overlap["disavowed_in_tranco_1k"] <= overlap["disavowed_in_tranco_10k"]
    assert overlap["disavowed_in_tranco_10k"] == len(set(disavowed) & set(tranco))


def test_missing_folder_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["check-real", "--data-dir", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert "real-data folder" in result.output and "Traceback" not in result.output


def test_missing_file_names_it(tmp_path: Path) -> None:
    (tmp_path / "webspam-uk2007").mkdir()
    result = CliRunner().invoke(app, ["check-real", "--data-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "WEBSPAM-UK2007-hostnames.txt" in result.output


@pytest.mark.slow
def test_cli_full_run_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "realdata.json"
    result = CliRunner().invoke(
        app, ["check-real", "--data-dir", str(REAL), "--n-boot", "20", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "not of the link classifier" in result.output
    figures = json.loads(out.read_text(encoding="utf-8"))
    lr = figures["webspam_uk2007"]["hostname_ngram_lr"]["roc_auc"]
    # The same kind of baseline as the published hostname-only LR (0.625): comparable.
    assert abs(lr - realdata.REFERENCES["hostname_lr_uk2007_set2_roc_auc"]) < 0.08
    assert np.isfinite(figures["webspam_uk2006"]["domain_prior_lightgbm"]["roc_auc"])
