"""Simulated audit study (issue 12): which links should an auditor review to improve the model?

An auditor reviews N links per round of a new export, chosen by

* ``queue``  the review queue (uncertainty x LightGBM committee disagreement, one link per
  referring domain before seconds; :mod:`linkclf.review.queue`),
* ``top_p``  the highest p first (what a reviewer does with a sorted sheet),
* ``random`` links drawn at random,

labels them from the export's answer key, and retrains (base data + every reviewed link).
After each round: precision, recall, F0.5 at the model's threshold and PR-AUC on the *other
half* of the export (referring domains never offered for review; the same half for all three
strategies), averaged over repetitions with different review/evaluation halves.

Then issue 12's gate scenario on the shipped sample export (``datasets/samples``, an export the
model has not seen, with its answer key): decisions from the answer key vs the same decisions
flipped, through :func:`linkclf.gate.promotion_gate`.

Everything is simulated: these are figures about the simulator (datasets/README.md), not about
real audits. Training is kept small for speed (a subset of datasets/default, short boosting):
the defaults below are what docs/review.md reports.

    python benchmarks/audit_study.py                    # study + gate scenario, ~15 min on 2 cores
    python benchmarks/audit_study.py --rounds 2 --reps 1 --no-gate   # a quick look
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from linkclf.datasets import simulate
from linkclf.embedders import make_embedder
from linkclf.features import FeatureBuilder
from linkclf.gate import promotion_gate, weighted_scores
from linkclf.labelled import load_labelled
from linkclf.model import LinkClassifier
from linkclf.review.queue import committee_spread, priority, spread_over_domains
from linkclf.schema import conform
from linkclf.splits import domain_groups, grouped_split

ROOT = Path(__file__).resolve().parents[1]
STRATEGIES = ("queue", "top_p", "random")
# One thread: the study shares a 2-core machine; figures do not depend on it (deterministic).
PARAMS = {"learning_rate": 0.08, "num_leaves": 31, "min_data_in_leaf": 40, "num_threads": 1}


def base_data(n_targets: int, seed: int) -> pd.DataFrame:
    """``n_targets`` target sites of datasets/default (their whole profiles)."""
    data = load_labelled([str(ROOT / "datasets/default/links.csv.gz")])
    sites = sorted(data["target_site"].astype(str).unique())
    keep = np.random.default_rng(seed).choice(sites, size=min(n_targets, len(sites)), replace=False)
    return data[data["target_site"].astype(str).isin(set(keep))].reset_index(drop=True)


def with_domains(df: pd.DataFrame) -> pd.DataFrame:
    out = conform(df)
    out["referring_domain"] = domain_groups(out)
    return out.reset_index(drop=True)


def fit(features: FeatureBuilder, X: pd.DataFrame, y: np.ndarray, groups: np.ndarray, seed: int):
    """The recipe in small: grouped validation split, LightGBM, isotonic, F0.5 threshold."""
    train, valid = grouped_split(
        pd.DataFrame({"referring_domain": groups}), test_size=0.2, seed=seed
    )
    clf = LinkClassifier(
        features, params={**PARAMS, "seed": seed}, num_boost_round=300, early_stopping_rounds=30
    )
    return clf.fit(X[train], y[train], X[valid], y[valid])


def scores(model: LinkClassifier, X: pd.DataFrame, y: np.ndarray) -> dict[str, float]:
    p = np.asarray(model.predict_proba(X))
    p = p[:, 1] if p.ndim == 2 else p
    s = weighted_scores(y, p, p >= model.threshold_, np.ones(len(y)))
    return {k: s[k] for k in ("precision", "recall", "f_beta", "pr_auc")}


def choose(
    strategy: str,
    model: LinkClassifier,
    X_pool: pd.DataFrame,
    pool_domains: np.ndarray,
    k: int,
    train: tuple[pd.DataFrame, np.ndarray, np.ndarray],
    rng: np.random.Generator,
    seed: int,
) -> np.ndarray:
    """Positions (into the pool) of the next ``k`` links to review."""
    if strategy == "random":
        return rng.choice(len(X_pool), size=min(k, len(X_pool)), replace=False)
    p = np.asarray(model.predict_proba(X_pool))
    if strategy == "top_p":
        return np.argsort(-p, kind="stable")[:k]
    X_train, y_train, groups = train
    cols = model.feature_columns_
    spread = committee_spread(X_train[cols], y_train, groups, X_pool[cols], seed=seed)
    return spread_over_domains(priority(p, model.threshold_, spread), pool_domains)[:k]


def study(args: argparse.Namespace) -> dict[str, Any]:
    started = time.time()
    base = with_domains(base_data(args.base_targets, args.seed))
    export = with_domains(simulate(args.export_seed, n_targets=args.export_targets))
    print(
        f"base: {len(base):,} links ({args.base_targets} target sites of datasets/default);"
        f" export: {len(export):,} links (simulate seed {args.export_seed},"
        f" {args.export_targets} target sites)"
    )
    features = FeatureBuilder(make_embedder(args.embedder), n_components=16).fit(base)
    X_base, X_exp = features.transform(base), features.transform(export)
    y_base, y_exp = base["label"].to_numpy(int), export["label"].to_numpy(int)
    g_base, g_exp = base["referring_domain"].to_numpy(), export["referring_domain"].to_numpy()
    print(f"features: {X_base.shape[1]} ({args.embedder}) in {time.time() - started:.0f}s")

    curves: dict[str, list[list[dict[str, float]]]] = {s: [] for s in STRATEGIES}
    for rep in range(args.reps):
        pool_mask, eval_mask = grouped_split(export, test_size=0.5, seed=100 + rep)
        pool_idx = np.flatnonzero(pool_mask)
        X_eval, y_eval = X_exp[eval_mask], y_exp[eval_mask]
        start_model = fit(features, X_base, y_base, g_base, rep)
        start = scores(start_model, X_eval, y_eval)
        for strategy in STRATEGIES:
            rng = np.random.default_rng(1000 + rep)
            reviewed: list[int] = []
            model = start_model
            curve = [start]
            for rnd in range(args.rounds):
                left = np.setdiff1d(pool_idx, reviewed)
                train_idx = np.array(reviewed, dtype=int)
                X_train = pd.concat([X_base, X_exp.iloc[train_idx]], ignore_index=True)
                y_train = np.r_[y_base, y_exp[train_idx]]
                g_train = np.r_[g_base, g_exp[train_idx]]
                picked = choose(
                    strategy,
                    model,
                    X_exp.iloc[left].reset_index(drop=True),
                    g_exp[left],
                    args.per_round,
                    (X_train, y_train, g_train),
                    rng,
                    seed=rep * 100 + rnd,
                )
                reviewed += [int(i) for i in left[picked]]
                train_idx = np.array(reviewed, dtype=int)
                X_train = pd.concat([X_base, X_exp.iloc[train_idx]], ignore_index=True)
                model = fit(
                    features,
                    X_train,
                    np.r_[y_base, y_exp[train_idx]],
                    np.r_[g_base, g_exp[train_idx]],
                    rep,
                )
                curve.append(scores(model, X_eval, y_eval))
                share = y_exp[train_idx].mean()
                print(
                    f"rep {rep} {strategy:6s} round {rnd + 1}: {len(reviewed)} reviewed"
                    f" ({share:.0%} manipulative) -> F0.5 {curve[-1]['f_beta']:.3f},"
                    f" precision {curve[-1]['precision']:.3f}, recall {curve[-1]['recall']:.3f},"
                    f" PR-AUC {curve[-1]['pr_auc']:.3f}",
                    flush=True,
                )
            curves[strategy].append(curve)
    summary = {
        s: {
            key: np.mean([[pt[key] for pt in c] for c in curves[s]], axis=0).round(4).tolist()
            for key in ("f_beta", "precision", "recall", "pr_auc")
        }
        for s in STRATEGIES
    }
    print(f"study done in {time.time() - started:.0f}s")
    return {
        "config": vars(args),
        "n_base": len(base),
        "n_export": len(export),
        "reviewed": [args.per_round * r for r in range(args.rounds + 1)],
        "mean": summary,
        "curves": curves,
        "features": {"X_base": X_base, "base": base, "feature_builder": features},
    }


def plot(result: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    xs = result["reviewed"]
    fig, axes = plt.subplots(1, 4, figsize=(16, 4))
    titles = {
        "f_beta": "F0.5 at threshold",
        "precision": "precision",
        "recall": "recall",
        "pr_auc": "PR-AUC",
    }
    for ax, (key, title) in zip(axes, titles.items(), strict=True):
        for strategy in STRATEGIES:
            runs = np.array([[pt[key] for pt in c] for c in result["curves"][strategy]])
            ax.plot(xs, runs.mean(axis=0), marker="o", label=strategy)
            if len(runs) > 1:
                ax.fill_between(xs, runs.min(axis=0), runs.max(axis=0), alpha=0.15)
        ax.set_title(title)
        ax.set_xlabel("links reviewed")
        ax.grid(alpha=0.3)
    axes[0].legend()
    fig.suptitle(
        "Simulated audit: metrics on the unreviewed half of a new export after each round"
        f" (mean of {result['config']['reps']} repetitions; band = min-max). Simulated data."
    )
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    print(f"wrote {path}")


def gate_scenario(result: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """Issue 12's scenario on datasets/samples: answer-key decisions vs flipped ones."""
    base = result["features"]["base"]
    features = result["features"]["feature_builder"]
    X_base = result["features"]["X_base"]
    export = with_domains(
        pd.read_csv(ROOT / "datasets/samples/sample-links.csv", dtype=str, keep_default_na=False)
    )
    export["label"] = export["label"].astype(int)
    train_m, sim_m = grouped_split(base, test_size=0.2, seed=args.seed + 50)
    y_base, g_base = base["label"].to_numpy(int), base["referring_domain"].to_numpy()
    current = fit(features, X_base[train_m], y_base[train_m], g_base[train_m], 0)
    X_exp = features.transform(export)
    p_exp = np.asarray(current.predict_proba(X_exp))
    # The user decides on the first referring domains of the queue (as the page shows them;
    # issue 12's user made 119 decisions); the rest of the export is never reviewed.
    order = spread_over_domains(
        priority(p_exp, current.threshold_), export["referring_domain"].to_numpy()
    )
    domains_in_order = list(dict.fromkeys(export["referring_domain"].to_numpy()[order]))
    reviewed_domains = set(domains_in_order[: args.decisions])
    reviewed = export["referring_domain"].isin(reviewed_domains).to_numpy()
    unreviewed = export[~reviewed]
    y_un = unreviewed["label"].to_numpy(int)
    out: dict[str, Any] = {"n_export": len(export), "n_reviewed": int(reviewed.sum())}
    for name, flip in (("answer_key", False), ("flipped", True)):
        user = export[reviewed].copy()
        if flip:
            user["label"] = 1 - user["label"]
        # Featurised inside the whole export (profile features), then the reviewed rows.
        X_user = X_exp[reviewed].reset_index(drop=True)

        def fit_without(held: np.ndarray, X_user: pd.DataFrame = X_user, user: pd.DataFrame = user):
            keep = ~held
            X = pd.concat([X_base[train_m], X_user[keep]], ignore_index=True)
            y = np.r_[y_base[train_m], user["label"].to_numpy(int)[keep]]
            g = np.r_[g_base[train_m], user["referring_domain"].to_numpy()[keep]]
            return fit(features, X, y, g, 0)

        new = fit_without(np.zeros(len(user), dtype=bool))
        gate = promotion_gate(
            current,
            new,
            user,
            base[sim_m],
            fit=fit_without,
            export=export,
            folds=5,
            review_p=p_exp[reviewed],
            population_p=p_exp,
        )
        installed = new if gate.promote else current
        before = scores(current, X_exp[~reviewed], y_un)
        after = scores(installed, X_exp[~reviewed], y_un)
        print(f"\n== gate scenario, decisions = {name} ==")
        print("\n".join(gate.lines()))
        print(
            f"  unreviewed links ({len(unreviewed):,}): installed model F0.5 {before['f_beta']:.3f}"
            f" -> {after['f_beta']:.3f}, precision {before['precision']:.3f} ->"
            f" {after['precision']:.3f}, recall {before['recall']:.3f} -> {after['recall']:.3f}"
        )
        out[name] = {
            "promoted": gate.promote,
            "reason": gate.reason,
            "gate": gate.metrics(),
            "unreviewed_before": before,
            "unreviewed_after": after,
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-targets", type=int, default=30)
    parser.add_argument("--export-seed", type=int, default=21)
    parser.add_argument("--export-targets", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--per-round", type=int, default=60)
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--embedder", default="minilm-static")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "audit_study.png")
    parser.add_argument("--no-gate", action="store_true")
    parser.add_argument("--decisions", type=int, default=120, help="domains decided (gate part)")
    args = parser.parse_args()
    result = study(args)
    print(
        "\nmean over repetitions (links reviewed: " + ", ".join(map(str, result["reviewed"])) + ")"
    )
    for strategy, m in result["mean"].items():
        for key, values in m.items():
            print(f"  {strategy:6s} {key:9s} " + "  ".join(f"{v:.3f}" for v in values))
    plot(result, args.out)
    record: dict[str, Any] = {k: v for k, v in result.items() if k != "features"}
    if not args.no_gate:
        record["gate"] = gate_scenario(result, args)
    json_path = args.out.with_suffix(".json")
    record["config"] = {k: str(v) for k, v in record["config"].items()}
    json_path.write_text(json.dumps(record, indent=1, default=float))
    print(f"wrote {json_path}")


if __name__ == "__main__":
    main()
