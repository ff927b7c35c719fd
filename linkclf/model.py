"""LinkClassifier: features -> LightGBM -> calibrated probability -> threshold -> kind.

A saved model is a directory that loads without executing code: LightGBM's native text models,
JSON for everything learned besides the trees, ``.npy`` for projections (written by the
FeatureBuilder), and a model card (README.md).
"""

from __future__ import annotations

import json
import platform
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd

from linkclf import __version__, modeldir, probe
from linkclf.ensemble import average_boosters
from linkclf.errors import ModelError
from linkclf.estimator import Estimator
from linkclf.features import FeatureBuilder, catalogue
from linkclf.schema import MANIPULATIVE_KINDS, SCHEMA_VERSION
from linkclf.treeshap import TreeShap, Unsupported
from linkclf.treeshap_cache import load_or_build

MODEL_FORMAT = "linkclf-model/1"

#: Batches of at least this many rows are explained by linkclf.treeshap (the same numbers,
#: vectorised over rows); smaller ones by LightGBM's pred_contrib, which has no fixed cost per
#: leaf. Measured 2026-11-30 at a load of ~1 (benchmarks/bench_treeshap.py --compare,
#: docs/speed.md), ours vs LightGBM: shipped model 0.8x at 20 rows, 1.6x at 50; an average of
#: 3 boosters (801 trees) 1.2x at 20 rows, 1.7x at 50. Loading the built trees (once per
#: process, ~0.06 s) is not in these figures.
TREESHAP_MIN_ROWS = 50

DEFAULT_PARAMS: dict[str, Any] = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_leaves": 31,
    "min_data_in_leaf": 40,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "verbose": -1,
    "num_threads": 0,
    "seed": 0,
    "deterministic": True,
    "force_row_wise": True,
}


@dataclass
class Calibrator:
    """Isotonic calibration made strictly increasing, stored as knots, applied with ``np.interp``.

    Isotonic rather than Platt because boosted-tree scores are not sigmoid-shaped. A plain
    isotonic fit is a step function: every raw score of one block gets the same probability, so
    the threshold sat on a step and many links tied exactly at it (issue 10: 18% of the flags had
    p equal to the threshold). Here each isotonic block is one knot at its centre and the
    probability is interpolated linearly between knots; beyond the first and last knots (where
    the interpolation is flat) a weight of ``TIE_BREAK`` on the raw score itself keeps the map
    strictly increasing. Two different raw scores therefore never get the same probability,
    and calibration moves by at most ``TIE_BREAK``. Only the knots are stored: plain JSON.
    """

    #: Weight of the raw score mixed into the calibrated probability (ties broken by it).
    TIE_BREAK = 1e-4

    x: list[float] = field(default_factory=lambda: [0.0, 1.0])
    y: list[float] = field(default_factory=lambda: [0.0, 1.0])

    @classmethod
    def fit(cls, raw: np.ndarray, labels: np.ndarray) -> Calibrator:
        from sklearn.isotonic import IsotonicRegression

        iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0)
        iso.fit(raw, labels)
        xs = np.asarray(iso.X_thresholds_, dtype=float)
        ys = np.asarray(iso.y_thresholds_, dtype=float)
        # One knot per block of equal fitted value, at the block's centre.
        starts = np.r_[0, np.flatnonzero(np.diff(ys) != 0) + 1]
        ends = np.r_[starts[1:], len(ys)] - 1
        centres = (xs[starts] + xs[ends]) / 2
        return cls(x=[float(v) for v in centres], y=[float(v) for v in ys[starts]])

    def __call__(self, raw: np.ndarray) -> np.ndarray:
        raw = np.asarray(raw, dtype=float)
        smooth = np.interp(raw, np.asarray(self.x), np.asarray(self.y))
        return (1 - self.TIE_BREAK) * smooth + self.TIE_BREAK * np.clip(raw, 0.0, 1.0)


def choose_threshold(p: np.ndarray, y: np.ndarray, beta: float = 0.5) -> float:
    """Threshold maximising F-beta on validation data.

    beta < 1 weighs precision higher: a false positive in a disavow file costs the user
    traffic, a missed spam link usually costs nothing (Google already ignores most of them).
    """
    order = np.argsort(-p, kind="stable")
    p_sorted, y_sorted = p[order], y[order]
    tp = np.cumsum(y_sorted)
    fp = np.cumsum(1 - y_sorted)
    positives = max(int(y.sum()), 1)
    precision = tp / np.maximum(tp + fp, 1)
    recall = tp / positives
    b2 = beta * beta
    f = (1 + b2) * precision * recall / np.maximum(b2 * precision + recall, 1e-12)
    # Only cut where the score changes, so the threshold is reproducible on ties.
    distinct = np.r_[p_sorted[1:] != p_sorted[:-1], True]
    best = int(np.argmax(np.where(distinct, f, -1.0)))
    return float(p_sorted[best])


class LinkClassifier(Estimator):
    """Score links: calibrated probability of being manipulative, the likely kind.

    A scikit-learn classifier over the feature frames of a :class:`FeatureBuilder` (which it
    carries for scoring and saving): ``__init__`` only stores its arguments, ``fit`` returns
    self, learned state ends in ``_``, ``predict_proba`` has one column per ``classes_`` entry
    (0 natural, 1 manipulative), ``sklearn.base.clone`` gives an unfitted copy. The protocol
    comes from linkclf.estimator, which imports scikit-learn only when it is used (scoring
    never does).

    Parameters
    ----------
    features : the FeatureBuilder whose frames the model is fitted on (carried, not fitted here).
    params : LightGBM parameters, merged over DEFAULT_PARAMS.
    num_boost_round, early_stopping_rounds : boosting schedule; early stopping on validation.
    exclude_families : signal families left out (for ablations, e.g. ``("embedding",)``).
    exclude_features : single features left out (those that tell real links from simulated ones:
        training/default.toml says which and why).
    threshold_beta : the F-beta the threshold maximises on validation (0.5: precision first).
    dask : grow the trees on Dask: a scheduler address, or "local" for a LocalCluster; None
        trains in this process. Calibration and threshold are computed here either way.
    members : boosters grown on disjoint parts of the training rows (``member_of`` in ``fit``)
        and averaged into one (linkclf.ensemble): the model's raw score is their mean, then
        calibrated and thresholded once on all the validation rows. 1 grows one booster.
    """

    meta_: dict[str, Any]
    _estimator_type = "classifier"

    def __init__(
        self,
        features: FeatureBuilder | None = None,
        params: dict[str, Any] | None = None,
        num_boost_round: int = 400,
        early_stopping_rounds: int = 50,
        exclude_families: tuple[str, ...] = (),
        threshold_beta: float = 0.5,
        dask: str | None = None,
        exclude_features: tuple[str, ...] = (),
        members: int = 1,
    ) -> None:
        self.features = features
        self.params = params
        self.num_boost_round = num_boost_round
        self.early_stopping_rounds = early_stopping_rounds
        self.exclude_families = exclude_families
        self.threshold_beta = threshold_beta
        self.dask = dask
        self.exclude_features = exclude_features
        self.members = members

    #: Hyperparameters written to model.json and restored by load (everything but the carried
    #: FeatureBuilder, which has its own directory, and where the trees were grown).
    HYPERPARAMETERS = (
        "params",
        "num_boost_round",
        "early_stopping_rounds",
        "exclude_families",
        "threshold_beta",
        "exclude_features",
        "members",
    )

    def builder(self) -> FeatureBuilder:
        """The FeatureBuilder this model scores with (ModelError when it has none)."""
        if self.features is None:
            raise ModelError(
                "a LinkClassifier carrying its FeatureBuilder",
                "features=None",
                "pass LinkClassifier(features=...) or load a model directory",
            )
        return self.features

    # ------------------------------------------------------------------ fitting
    def select_columns(self, names: list[str]) -> list[str]:
        """The feature columns this model uses: ``names`` minus the excluded families and
        features."""
        excluded = set(self.exclude_families)
        dropped = set(self.exclude_features)
        return [n for n in names if catalogue.entry(n).family not in excluded and n not in dropped]

    def fit(
        self,
        X_train: pd.DataFrame,
        y_train: np.ndarray,
        X_valid: pd.DataFrame,
        y_valid: np.ndarray,
        kinds_train: pd.Series | None = None,
        member_of: np.ndarray | None = None,
    ) -> LinkClassifier:
        """Fit on feature frames (``FeatureBuilder.transform``); returns self.

        Early stopping, calibration and the threshold all use the validation rows, which must
        come from referring domains absent from training (see linkclf.splits). ``member_of``
        gives each training row's member (0 to ``members`` - 1, or -1 for a row every member
        learns from); None deals the rows out in turn. Each member stops early on all the
        validation rows.
        """
        y_train = np.asarray(y_train, dtype=int)
        y_valid = np.asarray(y_valid, dtype=int)
        cols = self.select_columns(list(X_train.columns))
        params = {**DEFAULT_PARAMS, **(self.params or {})}
        k = max(int(self.members), 1)
        if member_of is None:
            member_of = np.arange(len(X_train)) % k
        member_of = np.asarray(member_of)
        grown = []
        for i in range(k):
            rows = (member_of == i) | (member_of < 0)
            if k > 1 and np.unique(y_train[rows]).size < 2:
                raise ModelError(
                    f"training rows of both labels for each of the {k} members",
                    f"member {i} with {int(rows.sum())} row(s) of one label",
                    "lower model.members or add labelled links",
                )
            member_params = {**params, "seed": int(params.get("seed", 0)) + i}
            X_member = X_train[cols] if rows.all() else X_train.loc[rows, cols]
            grown.append(self._grow(X_member, y_train[rows], X_valid[cols], y_valid, member_params))
        self.booster_ = average_boosters(grown)
        raw_valid = np.asarray(self.booster_.predict(X_valid[cols]))
        self.calibrator_ = Calibrator.fit(raw_valid, y_valid)
        self.threshold_ = choose_threshold(
            self.calibrator_(raw_valid), y_valid, self.threshold_beta
        )
        self.kind_booster_ = None
        if kinds_train is not None:
            self.kind_booster_ = self._fit_kinds(X_train[cols], y_train, kinds_train, params)
        self.feature_columns_ = cols
        self.classes_ = np.array([0, 1])
        self.n_features_in_ = len(cols)
        return self

    def _grow(
        self,
        X_train: pd.DataFrame,
        y_train: np.ndarray,
        X_valid: pd.DataFrame,
        y_valid: np.ndarray,
        params: dict[str, Any],
    ) -> lgb.Booster:
        """One booster, early stopping on the validation rows (on Dask when ``dask`` is set)."""
        if self.dask is not None:
            from linkclf.distributed import dask_client, fit_booster_dask

            with dask_client(self.dask) as client:
                return fit_booster_dask(
                    client, X_train, y_train, X_valid, y_valid, params, self.num_boost_round
                )
        train_set = lgb.Dataset(X_train, label=y_train, free_raw_data=True)
        valid_set = lgb.Dataset(X_valid, label=y_valid, reference=train_set)
        return lgb.train(
            params,
            train_set,
            num_boost_round=self.num_boost_round,
            valid_sets=[valid_set],
            valid_names=["valid"],
            callbacks=[lgb.early_stopping(self.early_stopping_rounds, verbose=False)],
        )

    def _fit_kinds(
        self, X: pd.DataFrame, y: np.ndarray, kinds: pd.Series, params: dict[str, Any]
    ) -> lgb.Booster | None:
        """A multiclass model over the manipulative kinds, trained on manipulative rows only."""
        mask = (y == 1) & kinds.isin(MANIPULATIVE_KINDS).to_numpy()
        if mask.sum() < 50 or kinds[mask].nunique() < 2:
            return None
        codes = kinds[mask].map({k: i for i, k in enumerate(MANIPULATIVE_KINDS)}).to_numpy()
        kparams = {**params, "objective": "multiclass", "num_class": len(MANIPULATIVE_KINDS)}
        return lgb.train(kparams, lgb.Dataset(X[mask], label=codes), num_boost_round=150)

    # --------------------------------------------------------------- predicting
    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "booster_")

    def _check_fitted(self) -> None:
        if not self.__sklearn_is_fitted__():
            raise ModelError(
                expected="a fitted model",
                found="an unfitted LinkClassifier",
                fix="call fit() or LinkClassifier.load(model_dir)",
            )

    def raw_score(self, X: pd.DataFrame) -> np.ndarray:
        """The booster's uncalibrated score of each row."""
        self._check_fitted()
        return np.asarray(self.booster_.predict(X[self.feature_columns_]))

    def p_manipulative(self, X: pd.DataFrame) -> np.ndarray:
        """Calibrated probability that each link is manipulative, shape (n,)."""
        raw = self.raw_score(X)  # checks the model is fitted first
        return self.calibrator_(raw)

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Class probabilities, shape (n, 2), columns in the order of ``classes_`` (0, 1)."""
        p = self.p_manipulative(X)
        return np.column_stack([1.0 - p, p])

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """1 where the calibrated probability reaches the threshold chosen on validation."""
        return (self.p_manipulative(X) >= self.threshold_).astype(np.int8)

    def predict_kind(self, X: pd.DataFrame, flagged: np.ndarray) -> np.ndarray:
        """Most likely manipulative kind for flagged links, "natural" for the rest."""
        self._check_fitted()
        out = np.full(len(X), "natural", dtype=object)
        if self.kind_booster_ is None or not flagged.any():
            out[flagged.astype(bool)] = "unnatural"
            return out
        probs = np.asarray(
            self.kind_booster_.predict(X.loc[flagged.astype(bool), self.feature_columns_])
        )
        out[flagged.astype(bool)] = np.asarray(MANIPULATIVE_KINDS, dtype=object)[probs.argmax(1)]
        return out

    def contributions(self, X: pd.DataFrame) -> pd.DataFrame:
        """Per-feature contributions to the raw score (TreeSHAP), one column a feature.

        LightGBM's ``pred_contrib`` below :data:`TREESHAP_MIN_ROWS` rows, the same numbers from
        :class:`linkclf.treeshap.TreeShap` above it (within 1e-9; tests/test_treeshap.py).
        """
        self._check_fitted()
        data = X[self.feature_columns_]
        shap = self._treeshap() if len(data) >= TREESHAP_MIN_ROWS else None
        if shap is not None and all(
            pd.api.types.is_numeric_dtype(t) and not isinstance(t, pd.CategoricalDtype)
            for t in data.dtypes
        ):
            contrib = shap.contributions(data.to_numpy(dtype=np.float64, na_value=np.nan))
        else:
            contrib = np.asarray(self.booster_.predict(data, pred_contrib=True))
        return pd.DataFrame(contrib[:, :-1], columns=self.feature_columns_, index=X.index)

    def prepare(self, *, reasons: bool) -> None:
        """Build now what scoring builds on first use: with ``reasons``, TreeSHAP's trees (from
        linkclf's cache) and its tables of every shallow code, so that a scoring process builds
        them while its parent still reads the export."""
        if reasons and (shap := self._treeshap()) is not None:
            shap.full_tables()

    def _treeshap(self) -> TreeShap | None:
        """The booster's TreeShap, built once per booster (and kept in linkclf's cache between
        processes, linkclf.treeshap_cache); None when the trees have parts it does not
        replicate (categorical splits, linear trees), which LightGBM then explains."""

        def build() -> TreeShap | None:
            try:
                return load_or_build(self._model_text())
            except Unsupported:
                return None

        return self._per_booster("treeshap", build)

    def feature_importance(self) -> pd.Series:
        self._check_fitted()
        gain = self.booster_.feature_importance(importance_type="gain")
        return pd.Series(gain, index=self.feature_columns_).sort_values(ascending=False)

    def _model_text(self) -> str:
        """``booster_.model_to_string()``, written once per booster: the version label and
        the TreeSHAP cache both need it, and it costs ~20-40 ms for the shipped model."""
        return self._per_booster("model_text", self.booster_.model_to_string)

    def _per_booster(self, key: str, compute: Callable[[], Any]) -> Any:
        """``compute()``, kept until the booster is replaced (fit, load): what is derived
        from the trees alone is computed once per booster."""
        memo = self.__dict__.setdefault("_booster_memo", {})
        if memo.get("booster") is not self.booster_:
            memo.clear()
            memo["booster"] = self.booster_
        if key not in memo:
            memo[key] = compute()
        return memo[key]

    def probe_drift(self) -> pd.Series | None:
        """How far each feature of the stored probe moved with this code (linkclf.probe); None
        for a model directory without one."""
        self._check_fitted()
        stored = (getattr(self, "meta_", None) or {}).get("probe")
        return probe.probe_drift(self.builder(), self.feature_columns_, stored)

    def version_label(self) -> str:
        """``name@hash``: the model directory's name and a digest of its trees."""
        import hashlib

        meta = getattr(self, "meta_", {})
        name = meta.get("training", {}).get("name", "model")
        digest = hashlib.blake2b(self._model_text().encode(), digest_size=4).hexdigest()
        return f"{name}@{digest}"

    # ---------------------------------------------------------------- save/load
    def hyperparameters(self) -> dict[str, Any]:
        """The constructor arguments that shape the model, as JSON values (restored by load)."""
        out = {name: getattr(self, name) for name in self.HYPERPARAMETERS}
        out["exclude_families"] = list(out["exclude_families"])
        out["exclude_features"] = list(out["exclude_features"])
        out["params"] = dict(out["params"] or {})
        return out

    def save(
        self, path: str | Path, *, metrics: dict[str, Any], card: str, extra: dict[str, Any]
    ) -> None:
        """Write the model directory (caller makes it atomic by saving into a temp dir)."""
        self._check_fitted()
        out = Path(path)
        out.mkdir(parents=True, exist_ok=True)
        self.booster_.save_model(str(out / "model.lgb.txt"))
        if self.kind_booster_ is not None:
            self.kind_booster_.save_model(str(out / "kinds.lgb.txt"))
        self.builder().save(out / "features")
        meta = {
            "format": MODEL_FORMAT,
            "schema_version": SCHEMA_VERSION,
            "linkclf_version": __version__,
            "embedder": self.builder().embedder.name,
            "feature_columns": self.feature_columns_,
            "exclude_families": list(self.exclude_families),
            "hyperparameters": self.hyperparameters(),
            "threshold": self.threshold_,
            "threshold_rule": f"max F{self.threshold_beta:g} on validation (grouped by domain)",
            "calibrator": {"kind": "isotonic", "x": self.calibrator_.x, "y": self.calibrator_.y},
            "kinds": list(MANIPULATIVE_KINDS) if self.kind_booster_ is not None else [],
            "metrics": metrics,
            "versions": {
                "python": platform.python_version(),
                "lightgbm": lgb.__version__,
                "numpy": np.__version__,
                "pandas": pd.__version__,
            },
            **extra,
            # The features of fixed links as this code computes them (linkclf.probe): a later
            # change to the feature code shows as drift instead of silently moved scores.
            "probe": probe.probe_record(self.builder(), self.feature_columns_),
            # Verified at load, before LightGBM's C++ parser sees the files (linkclf.modeldir).
            "checksums": modeldir.checksums(out),
        }
        (out / "model.json").write_text(json.dumps(meta, indent=2, sort_keys=True, default=str))
        (out / "README.md").write_text(card)

    @classmethod
    def load(cls, path: str | Path, embedder: Any = None) -> LinkClassifier:
        """Load a model directory. Reads text and .npy only (allow_pickle=False): no code runs."""
        root = Path(path)
        # Everything is checked before use: a damaged file is one line, never a C++ abort.
        modeldir.validate(root)
        meta_path = root / "model.json"
        if not meta_path.is_file() or not (root / "model.lgb.txt").is_file():
            raise ModelError(
                expected="a model directory with model.json and model.lgb.txt",
                found=f"{root} without them" if root.exists() else f"no directory {root}",
                fix="train one with `linkclf train` or pass --model to an existing model directory",
                where=str(root),
            )
        try:
            meta = json.loads(meta_path.read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise ModelError(
                "valid JSON in model.json", str(exc), "retrain the model", str(root)
            ) from None
        if meta.get("format") != MODEL_FORMAT or meta.get("schema_version") != SCHEMA_VERSION:
            raise ModelError(
                expected=f"model format {MODEL_FORMAT}, schema {SCHEMA_VERSION}",
                found=f"{meta.get('format')}, schema {meta.get('schema_version')}",
                fix="retrain the model with this version of linkclf",
                where=str(root),
            )
        if embedder is None:
            from linkclf.embedders import make_embedder

            embedder = make_embedder(meta["embedder"])
        hyper = dict(meta.get("hyperparameters") or _hyperparameters_of_config(meta))
        hyper["exclude_families"] = tuple(
            hyper.get("exclude_families", meta.get("exclude_families", []))
        )
        hyper["exclude_features"] = tuple(hyper.get("exclude_features", []))
        unknown = sorted(set(hyper) - set(cls.HYPERPARAMETERS))
        if unknown:
            raise ModelError(
                f"hyperparameters among {', '.join(cls.HYPERPARAMETERS)}",
                f"unknown {', '.join(unknown)}",
                "retrain the model with this version of linkclf",
                str(root),
            )
        model = cls(FeatureBuilder.load(root / "features", embedder), **hyper)
        model.booster_ = lgb.Booster(model_file=str(root / "model.lgb.txt"))
        kinds_path = root / "kinds.lgb.txt"
        model.kind_booster_ = (
            lgb.Booster(model_file=str(kinds_path)) if kinds_path.is_file() else None
        )
        model.feature_columns_ = list(meta["feature_columns"])
        model.threshold_ = float(meta["threshold"])
        model.calibrator_ = Calibrator(x=meta["calibrator"]["x"], y=meta["calibrator"]["y"])
        missing = [c for c in model.feature_columns_ if c not in model.builder().feature_names_]
        if missing:
            raise ModelError(
                "trees over the features the model directory's builder produces",
                f"{len(missing)} tree feature(s) it does not ({', '.join(missing[:5])})",
                "retrain the model",
                str(root),
            )
        model.classes_ = np.array([0, 1])
        model.n_features_in_ = len(model.feature_columns_)
        model.meta_ = meta
        return model


def _hyperparameters_of_config(meta: dict[str, Any]) -> dict[str, Any]:
    """Hyperparameters of a model directory written before they were saved on their own: the
    training config it carries (what ``linkclf.recipe.classifier`` built the model from)."""
    model = (meta.get("config") or {}).get("model") or {}
    seed = ((meta.get("config") or {}).get("split") or {}).get("seed")
    out: dict[str, Any] = {"exclude_families": meta.get("exclude_families", [])}
    if "params" in model:
        out["params"] = {**model["params"], **({"seed": int(seed)} if seed is not None else {})}
    for key in ("num_boost_round", "early_stopping_rounds", "threshold_beta"):
        if key in model:
            out[key] = model[key]
    return out
