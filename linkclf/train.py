"""train(config) -> a model directory, its held-out figures, and an MLflow run.

The recipe: grouped three-way split by referring domain -> FeatureBuilder fitted on the training
rows -> LightGBM with early stopping on validation -> isotonic calibration and F0.5 threshold on
validation -> figures on test (plus ablation and out-of-distribution splits) -> model directory
-> MLflow run + registry; the new model replaces the current one only if it wins on held-out data.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from linkclf.config import flatten
from linkclf.embedders import make_embedder
from linkclf.evaluate import ood_groups, split_metrics
from linkclf.features import FeatureBuilder
from linkclf.labelled import load_labelled
from linkclf.model import LinkClassifier
from linkclf.splits import grouped_three_way

log = logging.getLogger(__name__)
Progress = Callable[[str], None]

#: Families that come from the text embeddings (left out in the ablation).
EMBEDDING_FAMILIES = ("embedding", "relevance")


@dataclass
class TrainResult:
    model_dir: Path
    metrics: dict[str, Any]
    promoted: bool
    reason: str
    run_id: str | None
    version: str | None


def _classifier(
    features: FeatureBuilder, cfg: dict[str, Any], exclude: tuple[str, ...] = ()
) -> LinkClassifier:
    m = cfg["model"]
    return LinkClassifier(
        features,
        params={**m.get("params", {}), "seed": int(cfg["split"]["seed"])},
        num_boost_round=int(m["num_boost_round"]),
        early_stopping_rounds=int(m["early_stopping_rounds"]),
        exclude_families=exclude,
        threshold_beta=float(m["threshold_beta"]),
    )


def fit_on_masks(
    features: FeatureBuilder,
    X: pd.DataFrame,
    data: pd.DataFrame,
    train: np.ndarray,
    valid: np.ndarray,
    cfg: dict[str, Any],
    exclude: tuple[str, ...] = (),
    client: Any = None,
) -> LinkClassifier:
    y = data["label"].to_numpy(dtype=int)
    clf = _classifier(features, cfg, exclude)
    return clf.fit(
        X[train],
        y[train],
        X[valid],
        y[valid],
        kinds_train=data.loc[train, "kind"].astype("string"),
        client=client,
    )


def model_card(meta: dict[str, Any], metrics: dict[str, Any]) -> str:
    """The model card (README.md of the model directory): data, intended use, limits, figures."""
    test = metrics.get("test", {})
    ci = metrics.get("test_ci", {})
    lines = [
        f"# linkclf model `{meta['name']}`",
        "",
        "Scores backlinks: calibrated probability that a link is manipulative (paid, PBN, guest-post",
        "campaign, exchange, directory, comment spam, sitewide, injected), the likely kind, and reasons.",
        "",
        "## Data",
        f"- training data: {', '.join(meta['data'])} ({meta['n_rows']:,} links, "
        f"{meta['n_domains']:,} referring domains)",
        "- split: grouped by referring domain (no domain on both sides), "
        f"seed {meta['split']['seed']}, valid {meta['split']['valid_size']}, test {meta['split']['test_size']}",
        f"- embedder: `{meta['embedder']}`; {meta['n_features']} features",
        "",
        "## Intended use and limits",
        "- Ranks links for a human audit and proposes disavow *candidates*. Google ignores most link spam",
        "  on its own; disavow is for manual actions and clear link schemes.",
        "- The default model is trained on simulated link profiles (datasets/README.md): its figures say",
        "  how well it learns the documented footprints, not how it does on every real profile.",
        "  Retrain on your own audit decisions (`linkclf train --data decisions.csv`).",
        "",
        "## Held-out figures (test split, grouped by referring domain)",
        "",
        "| metric | value | 95% CI (bootstrap over domains) |",
        "|---|---|---|",
    ]
    for key in ("roc_auc", "pr_auc", "precision_at_threshold", "recall_at_threshold", "brier"):
        if key in test:
            lo, hi = ci.get(key, (float("nan"), float("nan")))
            lines.append(f"| {key} | {test[key]:.3f} | {lo:.3f} - {hi:.3f} |")
    lines += ["", f"Threshold {meta['threshold']:.3f} ({meta['threshold_rule']}).", ""]
    other = {k: v for k, v in metrics.items() if k.startswith(("ablation", "ood"))}
    if other:
        lines += [
            "## Ablation and out-of-distribution",
            "",
            "| split | ROC-AUC | PR-AUC | precision@thr | n |",
            "|---|---|---|---|---|",
        ]
        for name, m in other.items():
            lines.append(
                f"| {name} | {m.get('roc_auc', float('nan')):.3f} | {m.get('pr_auc', float('nan')):.3f} "
                f"| {m.get('precision_at_threshold', float('nan')):.3f} | {int(m.get('n', 0)):,} |"
            )
        lines.append("")
    lines += ["## Versions", "", "```", json.dumps(meta.get("versions", {}), indent=2), "```", ""]
    return "\n".join(lines)


def _plots(model: LinkClassifier, metrics: dict[str, Any]) -> dict[str, Any]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from linkclf.evaluate import reliability_figure

    imp = model.feature_importance().head(25)[::-1]
    fig, ax = plt.subplots(figsize=(7, 7))
    ax.barh(imp.index, imp.to_numpy())
    ax.set_xlabel("gain")
    ax.set_title("Feature importance (top 25)")
    fig.tight_layout()
    # The same reliability diagram `linkclf evaluate` logs, from the test split's bins.
    return {"feature_importance.png": fig, "reliability.png": reliability_figure(metrics)}


def train(
    cfg: dict[str, Any],
    *,
    data_paths: list[str] | None = None,
    out: str | Path = "models/default",
    reviews: list[str] | None = None,
    force: bool = False,
    dask: str | None = None,
    progress: Progress = lambda msg: None,
) -> TrainResult:
    """Train, evaluate, track and (if better) install a model at ``out``."""
    from linkclf import tracking

    started = time.time()
    paths = list(data_paths or cfg["data"]["paths"])
    data = load_labelled(paths, reviews or ())
    progress(f"read {len(data):,} labelled links from {len(paths)} file(s)")
    # -- vendor column sets (issue 10; linkclf.datasets.columnsets) ---------------------------
    # data.column_sets = ["ahrefs", "gsc", ...]: every profile as each vendor's export would
    # give it; copies share their referring domain, so the grouped split keeps them together.
    from linkclf.datasets import columnsets

    if cfg["data"].get("column_sets"):
        data = columnsets.expand_column_sets(data, list(cfg["data"]["column_sets"]))
        progress(f"{len(data):,} rows under column sets {cfg['data']['column_sets']}")
    # ------------------------------------------------------------------------------------------
    split = cfg["split"]
    train_m, valid_m, test_m = grouped_three_way(
        data,
        valid_size=float(split["valid_size"]),
        test_size=float(split["test_size"]),
        seed=int(split["seed"]),
    )
    embedder = make_embedder(cfg["features"]["embedder"])
    features = FeatureBuilder(embedder, n_components=int(cfg["features"]["n_components"]))
    progress(
        f"fitting features on {int(train_m.sum()):,} training links (embedder {embedder.name})"
    )
    features.fit(data[train_m])
    X = columnsets.transform_by_column_set(features.transform, data)  # one export per set
    progress(f"{X.shape[1]} features for {len(X):,} links in {time.time() - started:.0f}s")

    if dask:
        from linkclf.distributed import dask_client

        with dask_client(dask) as client:
            progress(f"growing the booster on Dask ({dask})")
            model = fit_on_masks(features, X, data, train_m, valid_m, cfg, client=client)
    else:
        model = fit_on_masks(features, X, data, train_m, valid_m, cfg)
    y = data["label"].to_numpy(dtype=int)
    p_test = model.predict_proba(X[test_m])
    metrics: dict[str, Any] = split_metrics(data[test_m], y[test_m], p_test, model.threshold_, cfg)
    progress(
        f"test (grouped by domain): ROC-AUC {metrics['test']['roc_auc']:.3f}, "
        f"PR-AUC {metrics['test']['pr_auc']:.3f}, threshold {model.threshold_:.3f}"
    )
    for set_name, in_set in columnsets.column_set_masks(data).items():  # issue 10
        sel = test_m & in_set
        metrics[f"column_set_{set_name}"] = split_metrics(
            data[sel], y[sel], p_test[in_set[test_m]], model.threshold_, cfg, ci=False
        )["test"]
        progress(
            f"column set {set_name}: ROC-AUC {metrics[f'column_set_{set_name}']['roc_auc']:.3f}"
        )
    if cfg["evaluation"].get("ablation", True):
        ablated = fit_on_masks(features, X, data, train_m, valid_m, cfg, exclude=EMBEDDING_FAMILIES)
        pa = ablated.predict_proba(X[test_m])
        metrics["ablation_no_embeddings"] = split_metrics(
            data[test_m], y[test_m], pa, ablated.threshold_, cfg, ci=False
        )["test"]
        progress(
            f"ablation without embeddings: ROC-AUC {metrics['ablation_no_embeddings']['roc_auc']:.3f}"
        )
    if cfg["evaluation"].get("ood", True):
        for name, held in ood_groups(data, cfg).items():
            rest = ~held
            tr, va, _ = grouped_three_way(
                data[rest], valid_size=0.2, test_size=0.0, seed=int(split["seed"])
            )
            tr_m, va_m = np.zeros(len(data), bool), np.zeros(len(data), bool)
            tr_m[np.flatnonzero(rest)[tr]] = True
            va_m[np.flatnonzero(rest)[va]] = True
            ood_model = fit_on_masks(features, X, data, tr_m, va_m, cfg)
            po = ood_model.predict_proba(X[held])
            metrics[f"ood_{name}"] = split_metrics(
                data[held], y[held], po, ood_model.threshold_, cfg, ci=False
            )["test"]
            progress(f"out-of-distribution {name}: ROC-AUC {metrics[f'ood_{name}']['roc_auc']:.3f}")

    name = Path(out).name
    meta = {
        "name": name,
        "data": paths,
        "n_rows": len(data),
        "n_domains": int(data["referring_domain"].nunique()),
        "split": {k: split[k] for k in ("seed", "valid_size", "test_size")},
        "embedder": embedder.name,
        "n_features": len(model.feature_columns_),
        "threshold": model.threshold_,
        "threshold_rule": f"max F{model.threshold_beta:g} on validation (grouped by domain)",
    }
    staging = Path(
        tempfile.mkdtemp(
            prefix=f".{name}.", dir=Path(out).parent if Path(out).parent.exists() else None
        )
    )
    try:
        model.save(
            staging / "model", metrics=metrics, card="", extra={"training": meta, "config": cfg}
        )
        card_meta = {
            **meta,
            "versions": json.loads((staging / "model" / "model.json").read_text())["versions"],
        }
        (staging / "model" / "README.md").write_text(model_card(card_meta, metrics))
        promoted, reason = _decide(
            staging / "model", Path(out), data[test_m], y[test_m], metrics, force
        )
        run_id = version = None
        with tracking.run(name, flatten(cfg), tags={"promoted": str(promoted)}) as active:
            tracking.log_metrics(metrics["test"], prefix="test_")
            for key, value in metrics.items():
                if key.startswith(("ablation", "ood")):
                    tracking.log_metrics(value, prefix=f"{key}_")
            tracking.log_metrics(
                {"threshold": model.threshold_, "best_iteration": model.booster_.best_iteration}
            )
            tracking.log_dict(metrics, "metrics.json")
            for fname, fig in _plots(model, metrics).items():
                tracking.log_figure(fig, fname)
            uri = tracking.log_model_dir(staging / "model")
            run_id = active.info.run_id
            version = tracking.register(run_id, uri, cfg["registry"]["name"])
            if promoted:
                tracking.promote(cfg["registry"]["name"], version)
        if promoted:
            _install(staging / "model", Path(out))
        progress(f"{'installed' if promoted else 'kept the current model;'} {reason}")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return TrainResult(Path(out), metrics, promoted, reason, run_id, version)


def _decide(
    new_dir: Path,
    current_dir: Path,
    test: pd.DataFrame,
    y: np.ndarray,
    metrics: dict[str, Any],
    force: bool,
) -> tuple[bool, str]:
    """Promote when there is no current model, when forced, or when the new one has the higher
    PR-AUC on this run's held-out test split (both models scored on the same rows)."""
    if force:
        return True, "forced with --force"
    if not (current_dir / "model.json").is_file():
        return True, f"no current model at {current_dir}"
    try:
        current = LinkClassifier.load(current_dir)
    except Exception as exc:  # noqa: BLE001 - any failure to load means "cannot compare"
        # Never replace a model we could not compare against: the user decides.
        return (
            False,
            f"could not load the current model to compare ({exc}); use --force to replace it",
        )
    from sklearn.metrics import average_precision_score

    # Both models see the test rows the same way: as one export, featurised by their own builders.
    challenger = LinkClassifier.load(new_dir)
    cur = float(average_precision_score(y, current.predict_proba(current.features.transform(test))))
    new = float(
        average_precision_score(y, challenger.predict_proba(challenger.features.transform(test)))
    )
    if new > cur:
        return True, f"new PR-AUC {new:.3f} beats current {cur:.3f} on held-out data"
    return False, f"new PR-AUC {new:.3f} does not beat current {cur:.3f}; use --force to replace"


def _install(staged: Path, target: Path) -> None:
    """Replace ``target`` with ``staged`` by renames, so no reader sees a half-written model."""
    target.parent.mkdir(parents=True, exist_ok=True)
    incoming = target.with_name(f".{target.name}.incoming")
    shutil.rmtree(incoming, ignore_errors=True)
    shutil.copytree(staged, incoming)
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    incoming.rename(target)
    shutil.rmtree(old, ignore_errors=True)
