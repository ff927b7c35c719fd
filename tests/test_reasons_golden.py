"""Golden test: for a fixed model and input, the reasons are exactly the stored ones.

Regenerate after an intended change with: LINKCLF_REGEN_GOLDEN=1 pytest tests/test_reasons_golden.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from linkclf.model import LinkClassifier
from linkclf.pipeline import score_links
from linkclf.schema import conform
from tests.conftest import make_links, tiny_setup

GOLDEN = Path(__file__).parent / "data" / "golden_reasons.json"


@pytest.fixture(scope="module")
def model() -> LinkClassifier:
    t = tiny_setup(n_targets=20, seed=11)
    return LinkClassifier(t.features, num_boost_round=50).fit(
        t.X[t.train], t.y[t.train], t.X[t.valid], t.y[t.valid]
    )


def _score(model: LinkClassifier) -> list[dict[str, object]]:
    fresh = conform(make_links(n_targets=3, per_target=10, seed=12)).drop(columns=["label", "kind"])
    out = score_links(model, fresh)
    return [
        {"source_url": s, "p": round(float(p), 4), "reasons": r}
        for s, p, r in zip(out["source_url"], out["p_manipulative"], out["reasons"], strict=True)
    ]


def test_reasons_match_the_golden_file(model: LinkClassifier) -> None:
    scored = _score(model)
    if os.environ.get("LINKCLF_REGEN_GOLDEN"):
        GOLDEN.write_text(json.dumps(scored, indent=1, ensure_ascii=False) + "\n")
    expected = json.loads(GOLDEN.read_text())
    assert scored == expected
    assert any(row["reasons"] for row in expected), "the golden file should contain flagged links"


def test_reasons_do_not_depend_on_row_order(model: LinkClassifier) -> None:
    fresh = conform(make_links(n_targets=3, per_target=10, seed=12)).drop(columns=["label", "kind"])
    forward = score_links(model, fresh)
    backward = score_links(model, fresh.iloc[::-1]).loc[forward.index]
    assert (forward["reasons"] == backward["reasons"]).all()
    assert (forward["p_manipulative"] == backward["p_manipulative"]).all()
