"""train(config) -> a model directory, its held-out figures, and an MLflow run.

The recipe (linkclf.recipe): grouped three-way split by referring domain -> FeatureBuilder fitted
on the training rows -> LightGBM with early stopping on validation -> calibration and F0.5
threshold on validation -> figures on test (linkclf.metrics; plus ablation and
out-of-distribution splits) -> model directory with its card (linkclf.modelcard) -> MLflow run +
registry; the new model replaces the current one only if it wins on the same held-out rows,
measured exactly as the reported figure is (linkclf.profiles).
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from linkclf import recipe
from linkclf.config import flatten
from linkclf.labelled import load_labelled
from linkclf.metrics import column_set_figures, split_metrics
from linkclf.model import LinkClassifier
from linkclf.modelcard import model_card
from linkclf.plots import importance_figure, reliability_figure
from linkclf.schema import COLUMN_SET

log = logging.getLogger(__name__)
Progress = Callable[[str], None]


@dataclass
class Decision:
    """Whether a new model replaces the current one, why, and the figures compared."""

    promoted: bool
    reason: str
    new_pr_auc: float | None = None
    current_pr_auc: float | None = None


@dataclass
class TrainResult:
    model_dir: Path
    metrics: dict[str, Any]
    promoted: bool
    reason: str
    run_id: str | None
    version: str | None
    decision: Decision | None = None


def train(
    cfg: dict[str, Any],
    *,
    data_paths: list[str] | None = None,
    out: str | Path = "models/default",
    reviews: list[str] | None = None,
    force: bool = False,
    dask: str | None = None,
    tracking_uri: str | None = None,
    progress: Progress = lambda msg: None,
) -> TrainResult:
    """Train, evaluate, track and (if better) install a model at ``out``.

    ``tracking_uri`` names the MLflow store; None leaves MLflow's own setting (the
    ``MLFLOW_TRACKING_URI`` environment variable, or what the caller set) alone.
    """
    from linkclf import install, tracking

    install.check_target(out)  # before the work: never train for minutes, then refuse --out
    started = time.time()
    paths = list(data_paths or cfg["data"]["paths"])
    data = load_labelled(paths, reviews or ())
    progress(f"read {len(data):,} labelled links from {len(paths)} file(s)")
    if reviews:  # every command that reads decisions says how many it used
        from linkclf.disavow.decisions import combine, read_decisions

        progress(combine([read_decisions(r) for r in reviews]).summary())
    data = recipe.expand_column_sets(data, cfg)
    if COLUMN_SET in data.columns:
        progress(f"{len(data):,} rows under column sets {cfg['data']['column_sets']}")
    masks = recipe.split(data, cfg)
    train_m, valid_m, test_m = masks.train, masks.valid, masks.test
    progress(
        f"fitting features on {int(train_m.sum()):,} training links "
        f"(embedder {cfg['features']['embedder']})"
    )
    features = recipe.fit_features(data, train_m, cfg)
    # One feature frame for every figure of this run: profiles over all rows of each target site.
    X = recipe.featurise_all(features, data)
    progress(f"{X.shape[1]} features for {len(X):,} links in {time.time() - started:.0f}s")

    if dask:
        progress(f"growing the booster on Dask ({dask})")
    model = recipe.fit_on_masks(features, X, data, train_m, valid_m, cfg, dask=dask)
    y = data["label"].to_numpy(dtype=int)
    p_test = model.p_manipulative(X[test_m])
    metrics: dict[str, Any] = split_metrics(data[test_m], y[test_m], p_test, model.threshold_, cfg)
    progress(
        f"test (grouped by domain): ROC-AUC {metrics['test']['roc_auc']:.3f}, "
        f"PR-AUC {metrics['test']['pr_auc']:.3f}, threshold {model.threshold_:.3f}"
    )
    # Held-out figures per vendor column set: how the model does on each export's columns.
    by_set = column_set_figures(data[test_m], y[test_m], p_test, model.threshold_)
    metrics.update(by_set)
    for key, figures in by_set.items():
        if key.startswith("column_set_"):
            progress(
                f"column set {key.removeprefix('column_set_')}: ROC-AUC {figures['roc_auc']:.3f}"
            )
    if cfg["evaluation"].get("ablation", True):
        ablated = recipe.fit_on_masks(
            features, X, data, train_m, valid_m, cfg, exclude=recipe.EMBEDDING_FAMILIES, kinds=False
        )
        pa = ablated.p_manipulative(X[test_m])
        metrics["ablation_no_embeddings"] = split_metrics(
            data[test_m], y[test_m], pa, ablated.threshold_, cfg, ci=False
        )["test"]
        progress(
            f"ablation without embeddings: ROC-AUC {metrics['ablation_no_embeddings']['roc_auc']:.3f}"
        )
    if cfg["evaluation"].get("ood", True):
        for name, held in recipe.ood_groups(data, cfg).items():
            tr_m, va_m = recipe.ood_masks(data, held, cfg)
            ood_model = recipe.fit_on_masks(features, X, data, tr_m, va_m, cfg, kinds=False)
            po = ood_model.p_manipulative(X[held])
            metrics[f"ood_{name}"] = split_metrics(
                data[held], y[held], po, ood_model.threshold_, cfg, ci=False
            )["test"]
            progress(f"out-of-distribution {name}: ROC-AUC {metrics[f'ood_{name}']['roc_auc']:.3f}")
            # Per column set too ("canonical" is the like-for-like figure of a model trained on
            # one rendering with every column). A single rendering needs no breakdown.
            by_set = column_set_figures(data[held], y[held], po, ood_model.threshold_)
            if sum(k.startswith("column_set_") for k in by_set) > 1:
                for key, value in by_set.items():
                    if key.startswith("column_set_"):
                        metrics[f"ood_{name}_{key}"] = value

    name = Path(out).name
    meta = {
        "name": name,
        "data": paths,
        "n_rows": len(data),
        "n_domains": int(data["referring_domain"].nunique()),
        "split": {k: cfg["split"][k] for k in ("seed", "valid_size", "test_size")},
        "embedder": features.embedder.name,
        "n_features": len(model.feature_columns_),
        "threshold": model.threshold_,
        "threshold_rule": f"max F{model.threshold_beta:g} on validation (grouped by domain)",
    }
    staging = install.staging_dir(out)
    try:
        model.save(
            staging / "model", metrics=metrics, card="", extra={"training": meta, "config": cfg}
        )
        card_meta = {
            **meta,
            "versions": json.loads((staging / "model" / "model.json").read_text())["versions"],
        }
        (staging / "model" / "README.md").write_text(model_card(card_meta, metrics))
        # With the user's own labels, the gate on them decides (linkclf.gate); otherwise the
        # held-out simulated domains do.
        gate = None
        decision: Decision | None = None  # the simulated-data decision, when it is the one made
        if reviews and not force and (Path(out) / "model.json").is_file():
            from linkclf.gate import user_gate

            gate = user_gate(
                Path(out), model, data, paths, reviews, cfg, test_m,
                refit=lambda drop: recipe.fit_on_masks(
                    features, X, data, train_m & ~drop, valid_m & ~drop, cfg
                ),
            )  # fmt: skip
            for line in gate.lines():
                progress(line)
            promoted, reason = gate.promote, gate.reason
        else:
            decision = decide(model, Path(out), data, test_m, force)
            promoted, reason = decision.promoted, decision.reason
        run_id = version = None
        run_name = tracking.run_name(name, paths)
        with tracking.run(
            run_name, flatten(cfg), tags={"promoted": str(promoted)}, uri=tracking_uri
        ) as active:
            tracking.log_params(  # row counts and a hash of the training data
                {
                    "data_sha256": tracking.data_hash(data),
                    "n_rows": len(data),
                    "n_train": int(train_m.sum()),
                    "n_valid": int(valid_m.sum()),
                    "n_test": int(test_m.sum()),
                }
            )
            if gate is not None:
                tracking.log_metrics(gate.metrics(), prefix="gate_")
                tracking.log_dict(gate.as_dict(), "gate.json")
            tracking.log_metrics(metrics["test"], prefix="test_")
            for key, value in metrics.items():
                if key.startswith(("ablation", "ood", "column_set")):
                    tracking.log_metrics(value, prefix=f"{key}_")
            tracking.log_metrics(
                {"threshold": model.threshold_, "best_iteration": model.booster_.best_iteration}
            )
            tracking.log_dict(metrics, "metrics.json")
            tracking.log_figure(
                importance_figure(model.feature_importance()), "feature_importance.png"
            )
            tracking.log_figure(reliability_figure(metrics), "reliability.png")
            uri = tracking.log_model_dir(staging / "model")
            run_id = active.info.run_id
            version = tracking.register(run_id, uri, cfg["registry"]["name"])
            if promoted:
                tracking.promote(cfg["registry"]["name"], version)
        if promoted:
            install.install(staging / "model", Path(out))
        progress(f"{'installed' if promoted else 'kept the current model;'} {reason}")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return TrainResult(Path(out), metrics, promoted, reason, run_id, version, decision)


def held_out_pr_auc(model: LinkClassifier, data: pd.DataFrame, test: np.ndarray) -> float:
    """PR-AUC on the ``test`` rows, featurised as training reports it (linkclf.profiles:
    profiles over all rows of ``data``, then the test rows selected)."""
    from sklearn.metrics import average_precision_score

    X = recipe.featurise_all(model.builder(), data)
    y = data["label"].to_numpy(dtype=int)[test]
    return float(average_precision_score(y, model.p_manipulative(X[test])))


def decide(
    new: LinkClassifier, current_dir: Path, data: pd.DataFrame, test: np.ndarray, force: bool
) -> Decision:
    """Promote when there is no current model, when forced, or when the new one has the higher
    PR-AUC on this run's held-out test rows (both models measured the same way)."""
    if force:
        return Decision(True, "forced with --force")
    if not (current_dir / "model.json").is_file():
        return Decision(True, f"no current model at {current_dir}")
    try:
        current = LinkClassifier.load(current_dir)
    except Exception as exc:  # noqa: BLE001 - any failure to load means "cannot compare"
        # Never replace a model we could not compare against: the user decides.
        return Decision(
            False, f"could not load the current model to compare ({exc}); use --force to replace it"
        )
    cur = held_out_pr_auc(current, data, test)
    new_figure = held_out_pr_auc(new, data, test)
    if new_figure > cur:
        return Decision(
            True,
            f"new PR-AUC {new_figure:.3f} beats current {cur:.3f} on held-out data",
            new_figure,
            cur,
        )
    return Decision(
        False,
        f"new PR-AUC {new_figure:.3f} does not beat current {cur:.3f}; use --force to replace",
        new_figure,
        cur,
    )
