"""TreeSHAP speed of one or more models on the same rows of features.

TreeSHAP (``booster.predict(X, pred_contrib=True)``) computes the reasons and is the slowest
scoring step; its cost grows with the number of leaves and with tree depth squared, so a
depth-limited model may be worth its figures. Each model's own feature builder featurises the
whole file (all columns, as the dataset has them); the same sampled rows are scored by every
model and only the TreeSHAP call is timed (best of ``--repeat``). Prints figures with the
machine load; it asserts nothing.

Example::

    python benchmarks/bench_treeshap.py --data datasets/default/links.csv.gz \
        --model models/default --model /tmp/m-depth6 --rows 10000
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from linkclf.labelled import load_labelled
from linkclf.model import LinkClassifier
from linkclf.recipe import featurise_all


def tree_stats(model: LinkClassifier) -> tuple[int, float, int]:
    """Trees, mean leaves per tree and deepest leaf of the model's booster."""
    dump = model.booster_.dump_model()["tree_info"]

    def depth(node: dict, d: int = 0) -> int:
        if "leaf_index" in node:
            return d
        return max(depth(node["left_child"], d + 1), depth(node["right_child"], d + 1))

    leaves = [t["num_leaves"] for t in dump]
    return len(dump), float(np.mean(leaves)), max(depth(t["tree_structure"]) for t in dump)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="labelled links (CSV/CSV.gz)")
    ap.add_argument("--model", action="append", required=True, help="model directory (repeat)")
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    data = load_labelled([args.data])
    # Profile features are computed over each target's rows: featurise the whole file, then time
    # the same sampled rows for every model.
    rng = np.random.default_rng(args.seed)
    rows = np.sort(rng.choice(len(data), size=min(args.rows, len(data)), replace=False))
    print(
        f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}"
    )
    for path in args.model:
        model = LinkClassifier.load(path)
        X = featurise_all(model.builder(), data)[model.feature_columns_].iloc[rows]
        best = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            model.booster_.predict(X, pred_contrib=True)
            best = min(best, time.perf_counter() - start)
        trees, leaves, deepest = tree_stats(model)
        print(
            f"{path}: {len(X):,} rows in {best:.2f} s = {len(X) / best:,.0f} rows/s "
            f"({trees} trees, {leaves:.1f} leaves/tree, deepest leaf {deepest})"
        )
    print(
        f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}"
    )


if __name__ == "__main__":
    main()
