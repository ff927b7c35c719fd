"""A 3-member averaged model over models/default's features, for timing TreeSHAP only.

Three ``lgb.train`` runs with models/default's parameters (267 rounds, 31 leaves) on disjoint
thirds of the first 150k cached explained rows of ``bench_treeshap.py --compare``, labels from
models/default's raw score plus noise (so the trees split like a real model's), averaged by
``linkclf.ensemble.average_model_texts`` (801 trees). Its predictions mean nothing::

    python benchmarks/build_average_model.py /tmp/tshap2-ens/model.lgb.txt
"""

from __future__ import annotations

import argparse
from pathlib import Path

import lightgbm as lgb
import numpy as np

from linkclf.ensemble import average_model_texts
from linkclf.io import atomic_open

PARAMS = {
    "objective": "binary",
    "learning_rate": 0.08,
    "num_leaves": 31,
    "min_data_in_leaf": 40,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "feature_fraction": 0.8,
    "lambda_l2": 1.0,
    "verbose": -1,
    "num_threads": 1,
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("output", help="where to write the averaged model text")
    ap.add_argument("--rows", default="/tmp/linkclf-bench/explained.npy")
    ap.add_argument("--model", default="models/default/model.lgb.txt")
    args = ap.parse_args()
    X = np.load(args.rows, mmap_mode="r")[:150_000].astype(np.float64)
    raw = lgb.Booster(model_file=args.model).predict(X, raw_score=True)
    rng = np.random.default_rng(0)
    y = (raw + rng.normal(scale=raw.std(), size=len(raw)) > np.median(raw)).astype(int)
    third = len(X) // 3
    texts = []
    for i in range(3):
        part = slice(i * third, (i + 1) * third)
        booster = lgb.train(
            {**PARAMS, "seed": i}, lgb.Dataset(X[part], label=y[part]), num_boost_round=267
        )
        texts.append(booster.model_to_string())
    with atomic_open(Path(args.output), "w") as handle:
        handle.write(average_model_texts(texts))


if __name__ == "__main__":
    main()
