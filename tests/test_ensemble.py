"""Members averaged into one booster (linkclf.ensemble) and the model that grows them."""

from __future__ import annotations

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest

from linkclf.config import load_config
from linkclf.ensemble import average_boosters, average_model_texts
from linkclf.errors import ConfigError, ModelError
from linkclf.features import HashingEmbedder
from linkclf.model import LinkClassifier
from linkclf.recipe import classifier, member_of
from linkclf.treeshap import TreeShap
from tests.conftest import tiny_setup


def _members(n_features: int = 6) -> tuple[list[lgb.Booster], np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3000, n_features))
    X[rng.random(X.shape) < 0.1] = np.nan
    signal = np.nan_to_num(X[:, 0]) + np.nan_to_num(X[:, 1]) * np.nan_to_num(X[:, 2]).clip(0)
    y = (signal + rng.normal(size=len(X)) > 0.5).astype(int)
    params = {"objective": "binary", "verbose": -1, "num_leaves": 15, "min_data_in_leaf": 5}
    members = [
        lgb.train({**params, "seed": i}, lgb.Dataset(X[i::3], y[i::3]), num_boost_round=20 + 10 * i)
        for i in range(3)
    ]
    return members, X


def test_averaged_booster_scores_the_members_mean_raw_score() -> None:
    members, X = _members()
    merged = average_boosters(members)
    assert merged.num_trees() == sum(m.num_trees() for m in members)
    mean = np.mean([m.predict(X, raw_score=True) for m in members], axis=0)
    np.testing.assert_allclose(merged.predict(X, raw_score=True), mean, rtol=0, atol=1e-12)
    # The probability is the sigmoid of that mean, not the mean of probabilities.
    np.testing.assert_allclose(merged.predict(X), 1 / (1 + np.exp(-mean)), rtol=0, atol=1e-12)


def test_averaged_booster_explains_as_the_members_mean() -> None:
    """Shapley values are linear in the game: LightGBM's and linkclf's TreeSHAP of the merged
    model are the members' mean contributions, bias included."""
    members, X = _members()
    merged = average_boosters(members)
    mean = np.mean([m.predict(X, pred_contrib=True) for m in members], axis=0)
    np.testing.assert_allclose(merged.predict(X, pred_contrib=True), mean, rtol=0, atol=1e-9)
    ours = TreeShap(merged.model_to_string()).contributions(X)
    np.testing.assert_allclose(ours, mean, rtol=0, atol=1e-9)


def test_one_member_is_returned_unchanged() -> None:
    members, _ = _members()
    assert average_boosters(members[:1]) is members[0]


def test_members_over_other_features_are_refused() -> None:
    a, _ = _members(6)
    b, _ = _members(7)
    with pytest.raises(ModelError, match="same features"):
        average_model_texts([a[0].model_to_string(), b[0].model_to_string()])


def test_multiclass_members_are_refused() -> None:
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(300, 3)), rng.integers(0, 3, 300)
    params = {"objective": "multiclass", "num_class": 3, "verbose": -1}
    multi = lgb.train(params, lgb.Dataset(X, y), num_boost_round=3).model_to_string()
    with pytest.raises(ModelError, match="one tree per iteration"):
        average_model_texts([multi, multi])


def test_member_of_keeps_target_sites_whole_and_gives_own_links_to_all() -> None:
    sites = [f"site{i}.example" for i in range(40) for _ in range(5)]
    data = pd.DataFrame({"target_site": sites, "p_manipulative": np.nan})
    data.loc[data.index[-5:], "p_manipulative"] = 0.5  # the user's own scored links
    groups = member_of(data, 3)
    assert set(groups[-5:]) == {-1}
    simulated = data.iloc[:-5].assign(member=groups[:-5])
    assert simulated.groupby("target_site")["member"].nunique().max() == 1
    assert set(simulated["member"]) == {0, 1, 2}


@pytest.fixture(scope="module")
def three_members(tmp_path_factory: pytest.TempPathFactory):
    t = tiny_setup(seed=2)
    X, y, tr, va = t.X, t.y, t.train, t.valid
    groups = member_of(t.data[tr], 3)
    clf = LinkClassifier(t.features, num_boost_round=40, members=3).fit(
        X[tr], y[tr], X[va], y[va], t.data.loc[tr, "kind"], member_of=groups
    )
    path = tmp_path_factory.mktemp("ensemble") / "m"
    clf.save(path, metrics={}, card="# card", extra={})
    return clf, t, path


def test_model_with_members_averages_boosters_grown_apart(three_members) -> None:
    clf, t, _ = three_members
    X, y, tr, va = t.X, t.y, t.train, t.valid
    groups = member_of(t.data[tr], 3)
    # Each member alone, grown as fit grows it (same seed offset, same rows).
    alone = []
    for i in range(3):
        one = LinkClassifier(t.features, num_boost_round=40, params={"seed": i}, members=1).fit(
            X[tr][groups == i], y[tr][groups == i], X[va], y[va]
        )
        alone.append(one.booster_)
    cols = clf.feature_columns_
    mean = np.mean([b.predict(X[cols], raw_score=True) for b in alone], axis=0)
    np.testing.assert_allclose(clf.booster_.predict(X[cols], raw_score=True), mean, atol=1e-12)


def test_model_with_members_saves_and_loads(three_members) -> None:
    clf, t, path = three_members
    loaded = LinkClassifier.load(path, embedder=HashingEmbedder())
    assert loaded.members == 3
    a = clf.predict_proba(clf.features.transform(t.data))
    b = loaded.predict_proba(loaded.features.transform(t.data))
    np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)


def test_a_member_with_one_label_is_refused() -> None:
    t = tiny_setup(seed=2)
    X, y, tr, va = t.X, t.y, t.train, t.valid
    groups = np.where(y[tr] == 1, 1, 0)  # member 0 natural only, member 1 manipulative only
    with pytest.raises(ModelError, match="both labels"):
        LinkClassifier(t.features, num_boost_round=5, members=2).fit(
            X[tr], y[tr], X[va], y[va], member_of=groups
        )
    # Rows every member learns from (-1) give each member both labels.
    groups[: int((y[tr] == 1).argmax()) + 1] = -1
    groups[np.flatnonzero(y[tr] == 0)[:20]] = -1
    groups[np.flatnonzero(y[tr] == 1)[:20]] = -1
    clf = LinkClassifier(t.features, num_boost_round=5, members=2).fit(
        X[tr], y[tr], X[va], y[va], member_of=groups
    )
    assert clf.booster_.num_trees() > 0


def test_fewer_than_one_member_is_refused() -> None:
    assert classifier(None, load_config(None, ["model.members=3"])).members == 3
    with pytest.raises(ConfigError, match="members"):
        classifier(None, load_config(None, ["model.members=0"]))
