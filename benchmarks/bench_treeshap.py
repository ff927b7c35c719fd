"""TreeSHAP speed: LightGBM's pred_contrib against linkclf.treeshap, or several models.

Two modes, both printing figures with the machine load (they assert nothing):

``--compare`` (issue 11): the rows a model explains when scoring (those at or above its
threshold) of simulated exports, featurised as ``linkclf score`` featurises them, explained by
LightGBM's ``booster.predict(X, pred_contrib=True)`` and by ``linkclf.treeshap.TreeShap`` at
each ``--sizes`` batch size: rows/s of each, the speed-up and the largest absolute difference.
The explained rows are simulated in pieces of 2,000 target sites (about 270k links and 45k
explained rows each, seeds 11, 12, ...) until there are enough distinct rows for the largest
size, and kept in ``--cache`` (a .npy of feature values) for the next run::

    python benchmarks/bench_treeshap.py --compare --model models/default \\
        --sizes 400,5000,50000,200000 --cache /tmp/linkclf-bench/explained.npy

``--booster FILE`` explains the same rows with another LightGBM model text over the same
features (e.g. an average of several boosters, ``linkclf.ensemble.average_model_texts``)::

    python benchmarks/bench_treeshap.py --compare --model models/default \
        --booster /tmp/tshap2-ens/model.lgb.txt --sizes 200,400,1000,5000

Otherwise, one or more models on the same sampled rows of a labelled file (LightGBM only; the
cost grows with the number of leaves and with depth squared, so a depth-limited model may be
worth its figures)::

    python benchmarks/bench_treeshap.py --data datasets/default/links.csv.gz \\
        --model models/default --model /tmp/m-depth6 --rows 10000
"""

from __future__ import annotations

import argparse
import subprocess
import time
from pathlib import Path

import lightgbm as lgb
import numpy as np

from linkclf.labelled import load_labelled
from linkclf.model import LinkClassifier
from linkclf.recipe import featurise_all
from linkclf.treeshap import TreeShap

#: Target sites per simulated piece (about 135 links each).
PIECE_TARGETS = 2000


def tree_stats(booster: lgb.Booster) -> tuple[int, float, int]:
    """Trees, mean leaves per tree and deepest leaf of a booster."""
    dump = booster.dump_model()["tree_info"]

    def depth(node: dict, d: int = 0) -> int:
        if "leaf_index" in node:
            return d
        return max(depth(node["left_child"], d + 1), depth(node["right_child"], d + 1))

    leaves = [t["num_leaves"] for t in dump]
    return len(dump), float(np.mean(leaves)), max(depth(t["tree_structure"]) for t in dump)


def uptime() -> str:
    """The machine's load, as ``uptime`` prints it (figures mean little on a loaded machine)."""
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def explained_rows(model: LinkClassifier, rows: int, cache: Path, seed: int) -> np.ndarray:
    """At least ``rows`` distinct feature rows the model explains (p at or above its threshold),
    from simulated exports; read from / appended to ``cache``."""
    from linkclf.datasets import simulate

    have = np.load(cache) if cache.is_file() else np.zeros((0, len(model.feature_columns_)))
    piece = 0
    while len(have) < rows:
        start = time.perf_counter()
        links = simulate(seed + piece, n_targets=PIECE_TARGETS)
        X = featurise_all(model.builder(), links)[model.feature_columns_]
        above = model.p_manipulative(X) >= model.threshold_
        have = np.vstack([have, X.to_numpy(dtype=np.float64)[above]])
        print(
            f"  simulated {len(links):,} links (seed {seed + piece}): {int(above.sum()):,} "
            f"explained rows, {len(have):,} in all ({time.perf_counter() - start:.0f} s)",
            flush=True,
        )
        piece += 1
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.save(cache, have)
    return have


def compare(booster: lgb.Booster, X: np.ndarray, sizes: list[int], repeat: int) -> None:
    """Rows/s of pred_contrib and TreeShap on the first ``n`` rows, for each size."""
    start = time.perf_counter()
    shap = TreeShap(booster.model_to_string())
    print(f"TreeShap built from the model text in {time.perf_counter() - start:.2f} s (once)")
    trees, leaves, deepest = tree_stats(booster)
    print(f"model: {trees} trees, {leaves:.1f} leaves/tree, deepest leaf {deepest}")
    print(
        f"{'rows':>8} {'LightGBM rows/s':>16} {'ours rows/s':>12} {'speed-up':>9} {'max abs diff':>13}"
    )
    for n in sizes:
        rows = X[:n]
        timings: dict[str, float] = {}
        results: dict[str, np.ndarray] = {}
        # Large batches run once: LightGBM needs minutes for 200k rows.
        runs = repeat if n <= 5_000 else 1
        for name, explain in (
            ("lightgbm", lambda r: np.asarray(booster.predict(r, pred_contrib=True))),
            ("ours", shap.contributions),
        ):
            best = float("inf")
            for _ in range(runs):
                t0 = time.perf_counter()
                results[name] = explain(rows)
                best = min(best, time.perf_counter() - t0)
            timings[name] = best
        diff = float(np.abs(results["lightgbm"] - results["ours"]).max())
        print(
            f"{n:>8,} {n / timings['lightgbm']:>16,.0f} {n / timings['ours']:>12,.0f} "
            f"{timings['lightgbm'] / timings['ours']:>8.1f}x {diff:>13.1e}   [{uptime()}]",
            flush=True,
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--compare", action="store_true", help="pred_contrib vs linkclf.treeshap")
    ap.add_argument("--data", help="labelled links (CSV/CSV.gz), without --compare")
    ap.add_argument("--model", action="append", required=True, help="model directory (repeat)")
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--sizes", default="400,5000,50000,200000", help="with --compare")
    ap.add_argument("--booster", help="with --compare: explain the rows with this model text")
    ap.add_argument("--cache", default="/tmp/linkclf-bench/explained.npy", help="with --compare")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    print(uptime())
    if args.compare:
        sizes = [int(s) for s in args.sizes.split(",")]
        model = LinkClassifier.load(args.model[0])
        X = explained_rows(model, max(sizes), Path(args.cache), seed=11 + args.seed)
        print(f"{len(X):,} distinct explained rows of simulated exports ({args.cache})")
        booster = lgb.Booster(model_file=args.booster) if args.booster else model.booster_
        if booster.num_feature() != X.shape[1]:
            ap.error(f"--booster has {booster.num_feature()} features, the rows {X.shape[1]}")
        compare(booster, X, sizes, args.repeat)
        print(uptime())
        return
    if not args.data:
        ap.error("--data is required without --compare")
    data = load_labelled([args.data])
    # Profile features are computed over each target's rows: featurise the whole file, then time
    # the same sampled rows for every model.
    rng = np.random.default_rng(args.seed)
    rows = np.sort(rng.choice(len(data), size=min(args.rows, len(data)), replace=False))
    for path in args.model:
        model = LinkClassifier.load(path)
        X = featurise_all(model.builder(), data)[model.feature_columns_].iloc[rows]
        best = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            model.booster_.predict(X, pred_contrib=True)
            best = min(best, time.perf_counter() - start)
        trees, leaves, deepest = tree_stats(model.booster_)
        print(
            f"{path}: {len(X):,} rows in {best:.2f} s = {len(X) / best:,.0f} rows/s "
            f"({trees} trees, {leaves:.1f} leaves/tree, deepest leaf {deepest})"
        )
    print(uptime())


if __name__ == "__main__":
    main()
