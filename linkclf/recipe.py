"""The training recipe: config -> grouped split -> features -> classifier fit.

The steps `linkclf train`, `linkclf evaluate` (its retrained baseline) and the benchmarks share,
so a model and its baselines are always built the same way. Pure functions of the config and the
data; no tracking, no files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from linkclf.datasets.columnsets import expand_column_sets as _expand
from linkclf.embedders import make_embedder
from linkclf.errors import ConfigError
from linkclf.features import FeatureBuilder, catalogue
from linkclf.model import LinkClassifier
from linkclf.profiles import featurise
from linkclf.schema import COLUMN_SET
from linkclf.splits import grouped_three_way, holdout
from linkclf.stream import bucket_of

#: Families that come from the text embeddings (left out in the ablation).
EMBEDDING_FAMILIES = ("embedding", "relevance")


@dataclass
class Split:
    """Boolean row masks of a grouped three-way split (whole referring domains per side)."""

    train: np.ndarray
    valid: np.ndarray
    test: np.ndarray


def expand_column_sets(data: pd.DataFrame, cfg: dict[str, Any]) -> pd.DataFrame:
    """``data`` rendered under each vendor column set of ``data.column_sets`` (one copy per set,
    a ``column_set`` column added), or unchanged when the config names none.

    A missing value is never evidence: the model learns from every profile as each vendor's
    export has it, so an absent column means "this tool does not export it", never "spam".
    Training and evaluation both call this, so a model's split is recomputed on the same rows.
    """
    names = list(cfg.get("data", {}).get("column_sets") or [])
    if not names:
        return data
    # The user's own labelled links (rows of scored files) are an export with its own columns:
    # they stay as they are, one export of their own, so the promotion gate finds them whole.
    own = own_rows(data)
    if not own.any():
        return _expand(data, names)
    expanded = _expand(data[~own], names)
    theirs = data[own].assign(**{COLUMN_SET: "as exported"})
    return pd.concat([expanded, theirs], ignore_index=True)


def own_rows(data: pd.DataFrame) -> np.ndarray:
    """The user's own labelled links: rows of scored files (they carry the model's
    ``p_manipulative``), as opposed to the shipped simulated data."""
    if "p_manipulative" not in data.columns:
        return np.zeros(len(data), dtype=bool)
    return data["p_manipulative"].notna().to_numpy(dtype=bool)


def member_of(data: pd.DataFrame, members: int) -> np.ndarray:
    """Each row's ensemble member (linkclf.ensemble): whole target sites per member, by a
    stable hash of the site, so each member learns from its own simulated profiles as if from
    another draw of the simulator; the user's own links go to every member (-1), so every
    member learns from them."""
    out = bucket_of(data["target_site"], max(members, 1))
    out[own_rows(data)] = -1
    return out


def split(data: pd.DataFrame, cfg: dict[str, Any]) -> Split:
    """The config's grouped split of ``data`` by referring domain."""
    s = cfg["split"]
    train, valid, test = grouped_three_way(
        data,
        valid_size=float(s["valid_size"]),
        test_size=float(s["test_size"]),
        seed=int(s["seed"]),
    )
    return Split(train, valid, test)


def fit_features(data: pd.DataFrame, train: np.ndarray, cfg: dict[str, Any]) -> FeatureBuilder:
    """A FeatureBuilder with the config's embedder, its projections learnt on the training rows."""
    embedder = make_embedder(cfg["features"]["embedder"])
    builder = FeatureBuilder(embedder, n_components=int(cfg["features"]["n_components"]))
    return builder.fit(data[train])


def classifier(
    features: FeatureBuilder | None,
    cfg: dict[str, Any],
    exclude: tuple[str, ...] = (),
    dask: str | None = None,
) -> LinkClassifier:
    """An unfitted LinkClassifier with the config's hyperparameters."""
    m = cfg["model"]
    unknown = [n for n in cfg["features"].get("exclude", []) if catalogue.lookup(n) is None]
    if unknown:  # a typo would silently keep the feature in
        raise ConfigError(
            "features.exclude naming features of linkclf.features.catalogue",
            f"unknown {', '.join(unknown)}",
            "use the names `python -m linkclf.realgap` prints",
        )
    members = int(m.get("members", 1))
    if members < 1:  # 0 or -1 would otherwise pass as one booster, silently
        raise ConfigError(
            "model.members of at least 1", str(members), "set model.members to 1 or more"
        )
    return LinkClassifier(
        features,
        params={**m.get("params", {}), "seed": int(cfg["split"]["seed"])},
        num_boost_round=int(m["num_boost_round"]),
        early_stopping_rounds=int(m["early_stopping_rounds"]),
        exclude_families=tuple(exclude),
        threshold_beta=float(m["threshold_beta"]),
        dask=dask,
        exclude_features=tuple(cfg["features"].get("exclude", [])),
        members=members,
    )


def fit_on_masks(
    features: FeatureBuilder,
    X: pd.DataFrame,
    data: pd.DataFrame,
    train: np.ndarray,
    valid: np.ndarray,
    cfg: dict[str, Any],
    exclude: tuple[str, ...] = (),
    dask: str | None = None,
    kinds: bool = True,
) -> LinkClassifier:
    """Fit a classifier on the ``train`` rows of the feature frame ``X`` (from
    :func:`linkclf.profiles.featurise` over all of ``data``), early stopping, calibration and
    threshold on the ``valid`` rows; the kind model from ``data`` unless ``kinds`` is False
    (baselines and held-out checks only need the probability: the kind model costs as much)."""
    y = data["label"].to_numpy(dtype=int)
    clf = classifier(features, cfg, exclude, dask)
    return clf.fit(
        X[train],
        y[train],
        X[valid],
        y[valid],
        kinds_train=data.loc[train, "kind"].astype("string") if kinds else None,
        member_of=member_of(data[train], clf.members),
    )


def featurise_all(features: FeatureBuilder, data: pd.DataFrame) -> pd.DataFrame:
    """Features of every labelled row, profiles over each target site's rows in ``data``: the
    one frame every figure of a training run selects its rows from."""
    return featurise(features, data)


def ood_groups(data: pd.DataFrame, cfg: dict[str, Any]) -> dict[str, np.ndarray]:
    """Masks of the held-out language(s) and niches; whole referring domains go with them."""
    languages = list(cfg.get("ood", {}).get("languages") or [])
    niches = list(cfg.get("ood", {}).get("niches") or [])
    if not languages or not niches:
        try:
            from linkclf.datasets import HOLDOUT_LANGUAGE, HOLDOUT_NICHES

            languages = languages or [HOLDOUT_LANGUAGE]
            niches = niches or list(HOLDOUT_NICHES)
        except ImportError:
            pass
    out: dict[str, np.ndarray] = {}
    if languages and "language" in data.columns and data["language"].isin(languages).any():
        out[f"language_{'_'.join(languages)}"] = holdout(data, "language", languages)[1]
    if niches and "niche" in data.columns and data["niche"].isin(niches).any():
        out["niches_" + "_".join(niches)] = holdout(data, "niche", niches)[1]
    return out


def ood_masks(
    data: pd.DataFrame, held: np.ndarray, cfg: dict[str, Any]
) -> tuple[np.ndarray, np.ndarray]:
    """(train, valid) masks over ``data`` for a model that never sees the ``held`` rows."""
    rest = ~held
    tr, va, _ = grouped_three_way(
        data[rest], valid_size=0.2, test_size=0.0, seed=int(cfg["split"]["seed"])
    )
    train_m, valid_m = np.zeros(len(data), bool), np.zeros(len(data), bool)
    train_m[np.flatnonzero(rest)[tr]] = True
    valid_m[np.flatnonzero(rest)[va]] = True
    return train_m, valid_m
