"""Downstream comparison of the embedders: LightGBM test ROC-AUC / PR-AUC per embedder and split.

Usage: python benchmarks/compare_embedders.py [--sites 100] [--embedders minilm-static,none,minilm]
       [--seeds 0,1,2] [--json out.json]   (rerun with the same --json to resume)

Takes every link of ``--sites`` target sites of datasets/default/links.csv.gz (chosen by a stable
hash, so the subset is the same in every run) and, for each embedder, fits the project's own
recipe (FeatureBuilder fitted on the training rows -> LinkClassifier with early stopping,
calibration and threshold on validation, as linkclf.recipe.fit_on_masks does) on two splits:

- ``grouped``: grouped_three_way by referring domain (one figure per ``--seeds`` seed);
- ``language``: train/valid on every other language, test on linkclf.datasets.HOLDOUT_LANGUAGE
  (whole referring domains go with it, linkclf.splits.holdout); one figure per seed of the
  train/valid split.

``none`` is the same model without the ``embedding`` and ``relevance`` families. Embeddings go
through the usual on-disk cache ($LINKCLF_CACHE/embeddings), so a rerun only refits the models.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "datasets" / "default" / "links.csv.gz"


def _site_rank(site: str) -> float:
    return int.from_bytes(hashlib.blake2b(site.encode(), digest_size=8).digest(), "big") / 2**64


def load_subset(n_sites: int) -> pd.DataFrame:
    """Every link of the ``n_sites`` target sites with the lowest stable hash."""
    from linkclf.labelled import load_labelled

    data = load_labelled([str(DATA)], ())
    sites = sorted(data["target_site"].astype(str).unique(), key=_site_rank)[:n_sites]
    return data[data["target_site"].isin(sites)].reset_index(drop=True)


def split_masks(
    data: pd.DataFrame, seed: int, holdout_language: str
) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(train, valid, test) masks of the grouped split and of the held-out language split."""
    from linkclf.splits import grouped_three_way, holdout

    out = {"grouped": grouped_three_way(data, valid_size=0.15, test_size=0.15, seed=seed)}
    _, held = holdout(data, "language", [holdout_language])
    rest = ~held
    tr, va, _ = grouped_three_way(data[rest], valid_size=0.2, test_size=0.0, seed=seed)
    train_m, valid_m = np.zeros(len(data), bool), np.zeros(len(data), bool)
    train_m[np.flatnonzero(rest)[tr]] = True
    valid_m[np.flatnonzero(rest)[va]] = True
    out["language"] = (train_m, valid_m, held)
    return out


def evaluate_embedder(
    name: str, data: pd.DataFrame, seeds: list[int], holdout_language: str
) -> list[dict[str, Any]]:
    """Fit and score one embedder (or "none") on every split and seed."""
    from linkclf.config import DEFAULTS
    from linkclf.embedders import make_embedder
    from linkclf.features import FeatureBuilder
    from linkclf.metrics import point_metrics
    from linkclf.recipe import EMBEDDING_FAMILIES, fit_on_masks

    # "none" needs a builder too (for the non-text features); its text families are excluded.
    embedder = make_embedder("minilm-static" if name == "none" else name)
    exclude = EMBEDDING_FAMILIES if name == "none" else ()
    cfg = {**DEFAULTS, "split": {**DEFAULTS["split"]}}
    y = data["label"].to_numpy(dtype=int)
    rows = []
    for seed in seeds:
        cfg["split"]["seed"] = seed
        for split, (train_m, valid_m, test_m) in split_masks(data, seed, holdout_language).items():
            start = time.perf_counter()
            features = FeatureBuilder(embedder, n_components=16).fit(data[train_m])
            X = features.transform(data)
            model = fit_on_masks(features, X, data, train_m, valid_m, cfg, exclude=exclude)
            m = point_metrics(y[test_m], model.p_manipulative(X[test_m]), model.threshold_)
            rows.append(
                {
                    "embedder": name,
                    "split": split,
                    "seed": seed,
                    "n_test": int(test_m.sum()),
                    "roc_auc": m["roc_auc"],
                    "pr_auc": m["pr_auc"],
                    "seconds": time.perf_counter() - start,
                }
            )
            print(
                f"  {name:14s} {split:9s} seed {seed}: ROC-AUC {m['roc_auc']:.4f} "
                f"PR-AUC {m['pr_auc']:.4f} (n_test {int(test_m.sum()):,}, "
                f"{rows[-1]['seconds']:.0f}s)",
                flush=True,
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=100)
    parser.add_argument("--embedders", default="minilm-static,none,minilm")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument(
        "--json",
        default=None,
        help="write the rows as JSON here; embedders already in an existing file are not rerun",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    try:
        from linkclf.datasets import HOLDOUT_LANGUAGE as holdout_language
    except ImportError:
        holdout_language = "fr"

    data = load_subset(args.sites)
    print(
        f"subset: {len(data):,} links, {data['target_site'].nunique()} target sites, "
        f"{data['referring_domain'].nunique():,} referring domains, "
        f"languages {data['language'].value_counts().to_dict()}, held-out language "
        f"{holdout_language!r}",
        flush=True,
    )
    seeds = [int(s) for s in args.seeds.split(",")]
    rows: list[dict[str, Any]] = []
    if args.json and Path(args.json).is_file():  # resume a long run (the transformer is slow)
        rows = [r for r in json.loads(Path(args.json).read_text()) if r["seed"] in seeds]
        print(f"resumed {len(rows)} rows from {args.json}", flush=True)
    done = {r["embedder"] for r in rows}
    for name in args.embedders.split(","):
        if name.strip() in done:
            continue
        rows += evaluate_embedder(name.strip(), data, seeds, holdout_language)
        if args.json:  # written after every embedder so a long run can be followed
            Path(args.json).write_text(json.dumps(rows, indent=2))

    table = pd.DataFrame(rows).groupby(["split", "embedder"], sort=False)
    summary = table.agg(
        roc_auc=("roc_auc", "mean"),
        roc_sd=("roc_auc", "std"),
        pr_auc=("pr_auc", "mean"),
        pr_sd=("pr_auc", "std"),
        n_test=("n_test", "mean"),
    )
    print("\n| split | embedder | ROC-AUC (mean ± sd over seeds) | PR-AUC | test links |")
    print("|---|---|---|---|---|")
    for (split, name), r in summary.iterrows():
        print(
            f"| {split} | {name} | {r.roc_auc:.4f} ± {r.roc_sd:.4f} | "
            f"{r.pr_auc:.4f} ± {r.pr_sd:.4f} | {r.n_test:,.0f} |"
        )


if __name__ == "__main__":
    main()
