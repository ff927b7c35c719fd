"""Where the start-up of `linkclf score` on the 2k-link sample goes, stage by stage.

Usage:
    python benchmarks/bench_startup.py [--runs 5] [--model models/default]

Each run is a fresh process that imports what the `linkclf score` entry imports, then scores
datasets/samples/ahrefs-sample.tsv as `stream.score_files` does, with `time.perf_counter` around
the library calls (they are wrapped, the code is unchanged). Prints each run and the median of
each stage, with the load average (at a load of 2 on 2 cores every figure is about twice its
idle value). Not included: the interpreter's own start and typer's argument parsing (which
imports pydantic); `benchmarks/bench_stream.py --startup-only` times the whole command.
Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _timing import time_calls

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "datasets" / "samples" / "ahrefs-sample.tsv"


def child(model_dir: str, output: str) -> None:
    """One run in this (fresh) process; prints the stage times as JSON."""
    import time

    start = time.perf_counter()
    from linkclf.estimator import import_lightgbm_without_sklearn

    import_lightgbm_without_sklearn()
    import linkclf.cli
    import linkclf.model
    import linkclf.pipeline
    import linkclf.stream
    import linkclf.treeshap

    linkclf.cli._register("score")
    imported = time.perf_counter()
    spent: dict[str, float] = {}

    def timed(obj: object, name: str, key: str) -> None:
        time_calls(obj, name, key, spent)

    classifier = linkclf.model.LinkClassifier
    timed(classifier, "load", "load model")
    timed(linkclf.stream, "spill", "read + spill")
    timed(linkclf.pipeline, "featurise", "features")
    timed(classifier, "p_manipulative", "predict")
    timed(classifier, "predict_kind", "predict kind")
    timed(linkclf.model, "load_or_build", "TreeSHAP trees")
    timed(linkclf.treeshap.TreeShap, "contributions", "TreeSHAP contributions")
    timed(linkclf.pipeline, "top_reasons", "reasons in words")
    timed(linkclf.stream, "write_scored_parts", "write")
    model = classifier.load(model_dir)
    linkclf.stream.score_files(model, [str(SAMPLE)], output, model_dir=model_dir)
    done = time.perf_counter()
    spent["rest"] = done - imported - sum(spent.values())
    print(json.dumps({"imports": imported - start, **spent, "total": done - start}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--model", default=str(ROOT / "models" / "default"))
    parser.add_argument("--child", metavar="OUTPUT")
    args = parser.parse_args()
    if args.child:
        child(args.model, args.child)
        return
    print(
        f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores"
    )
    runs = []
    with tempfile.TemporaryDirectory() as folder:
        out = str(Path(folder) / "scored.csv")
        for i in range(args.runs + 1):
            done = subprocess.run(
                [sys.executable, __file__, "--model", args.model, "--child", out],
                check=True,
                capture_output=True,
                text=True,
            )
            if i:  # the first run may fill linkclf's caches (static model, TreeSHAP trees)
                runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
                print("  run", i, "  ".join(f"{k} {v:.2f}" for k, v in runs[-1].items()))
    print(f"median of {len(runs)} runs (s):")
    for key in runs[0]:
        print(f"  {key:24s} {statistics.median(r[key] for r in runs):.2f}")
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
