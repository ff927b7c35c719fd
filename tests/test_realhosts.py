"""The hostname reality check: real and simulated hostname signals side by side."""

from __future__ import annotations

import pytest

from linkclf.realdata import locate
from linkclf.realhosts import check_markdown, hostname_check, tld_counts, tld_markdown, verdict


def _side(auc: float, log_odds: float = float("nan")) -> dict[str, float]:
    return {"auc": auc, "log_odds_nonzero": log_odds}


def test_verdicts() -> None:
    assert verdict(_side(0.8), _side(0.3)) == "contradicts"
    assert verdict(_side(0.8), _side(0.75)) == "agrees"
    assert verdict(_side(0.55), _side(0.9)) == "stronger in the simulator"
    # A rare feature (digits): near-even AUCs, opposite odds of being present ...
    assert verdict(_side(0.49, -0.6), _side(0.52, 0.9)) == "contradicts"
    # ... or a near-perfect rule in the simulator only (the old simulator's digits).
    assert verdict(_side(0.49, -0.36), _side(0.54, 6.26)) == "stronger in the simulator"
    assert verdict(_side(0.49, -0.36), _side(0.50, 0.11)) == "agrees"


@pytest.mark.skipif(locate() is None, reason="needs ../shared/data/real")
def test_every_hostname_feature_the_model_uses_agrees_with_real_hostnames() -> None:
    from linkclf.config import DEFAULTS

    check = hostname_check("datasets/default/links.csv.gz")
    assert check["real"]["natural"] > 5_000 and check["real"]["manipulative"] > 300
    excluded = set(DEFAULTS["features"]["exclude"])
    used = [f for f in check["features"] if f["feature"] not in excluded]
    assert [f["feature"] for f in used if f["verdict"] != "agrees"] == []
    assert "| host_digits |" in check_markdown(check)


@pytest.mark.skipif(locate() is None, reason="needs ../shared/data/real")
def test_the_tld_table_counts_real_hostnames_per_tld() -> None:
    counts = tld_counts()
    # Every listed TLD and the country TLDs it is checked against, with real counts.
    assert counts["listed"].sum() > 30 and {"ru", "cn", "de"} <= set(counts.index)
    assert counts.loc["de", "natural"] > 100 and counts.loc["de", "log_odds"] < 0
    # .shop carries the disavowed waves: far more manipulative than natural hosts.
    assert counts.loc["shop", "manipulative"] > 100 and counts.loc["shop", "log_odds"] > 3
    assert "| .info | yes |" in tld_markdown(counts)
