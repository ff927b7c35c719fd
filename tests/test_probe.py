"""The feature probe (linkclf.probe): a model knows the features its training code computed."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from linkclf.errors import ModelError
from linkclf.features import url
from linkclf.model import LinkClassifier
from linkclf.probe import probe_links
from tests.conftest import tiny_setup

SHIPPED = Path(__file__).resolve().parents[1] / "models" / "default"
#: Text embeddings differ by float noise between machines; a changed feature moves far more.
TOLERANCE = 1e-3


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    t = tiny_setup(n_targets=12, seed=3)
    clf = LinkClassifier(t.features, num_boost_round=20).fit(
        t.X[t.train], t.y[t.train], t.X[t.valid], t.y[t.valid]
    )
    path = tmp_path_factory.mktemp("probe") / "m"
    clf.save(path, metrics={}, card="", extra={})
    return path


def test_the_probe_covers_dates_metrics_and_both_sites() -> None:
    links = probe_links()
    assert len(links) == 57 and links["target_site"].nunique() == 2
    assert links[["last_seen", "domain_rating", "trust_flow"]].notna().all().all()


def test_a_saved_model_computes_its_probe_features_unchanged(saved: Path) -> None:
    drift = LinkClassifier.load(saved).probe_drift()
    assert drift is not None and len(drift) > 50
    assert drift.max() == 0.0


def test_a_changed_feature_shows_as_drift_on_that_feature(
    saved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = LinkClassifier.load(saved)
    # A footprint rule edited so that it fires on every path.
    monkeypatch.setitem(url._PATH_FOOTPRINT_PATTERNS, "path_comment", ".")
    drift = model.probe_drift()
    assert drift is not None
    assert drift.index[0] == "path_comment" and drift["path_comment"] == 1.0
    assert (drift.drop("path_comment") == 0.0).all()


def test_a_damaged_probe_is_refused_at_load(saved: Path, tmp_path: Path) -> None:
    copy = tmp_path / "m"
    copy.mkdir()
    for item in saved.rglob("*"):
        target = copy / item.relative_to(saved)
        if item.is_dir():
            target.mkdir(exist_ok=True)
        else:
            target.write_bytes(item.read_bytes())
    meta = json.loads((copy / "model.json").read_text())
    meta["probe"]["features"][0] = meta["probe"]["features"][0][:-1]
    (copy / "model.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="probe"):
        LinkClassifier.load(copy)


def test_the_shipped_model_was_trained_by_this_feature_code() -> None:
    if not (SHIPPED / "model.json").exists():
        pytest.skip("no shipped model (make model)")
    drift = LinkClassifier.load(SHIPPED).probe_drift()
    assert drift is not None, "models/default stores no probe: retrain it"
    moved = drift[drift > TOLERANCE]
    assert moved.empty, (
        f"the feature code computes {len(moved)} feature(s) of models/default differently from "
        f"its training ({', '.join(moved.index[:5])}): retrain it with `linkclf train --config "
        "training/default.toml --out models/default --force`"
    )
    assert np.isfinite(drift).all()
