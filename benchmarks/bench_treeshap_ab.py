"""Two versions of linkclf/treeshap.py on the same rows, interleaved in one process: CPU seconds.

On a shared machine wall-clock figures of two separate runs say little; this loads both
versions of the module side by side (``linkclf/treeshap.py`` of two source trees, e.g. a
``git archive`` of the base commit and the working tree), explains the same cached rows (those
``bench_treeshap.py --compare`` writes) with each in turn on one thread, and prints the best
``time.process_time`` of ``--runs`` alternating runs per size, with the load average. Asserts
nothing::

    mkdir -p /tmp/base && git archive BASE | tar -x -C /tmp/base
    python benchmarks/bench_treeshap_ab.py /tmp/base . --model-text models/default/model.lgb.txt \\
        --sizes 20,100,422,1000,2000,5000
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from pathlib import Path
from types import ModuleType

import numpy as np


def load(tree: str, name: str) -> ModuleType:
    """``linkclf/treeshap.py`` of the source tree ``tree`` as module ``name``."""
    spec = importlib.util.spec_from_file_location(name, Path(tree) / "linkclf" / "treeshap.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before", help="source tree of the first version")
    ap.add_argument("after", help="source tree of the second version")
    ap.add_argument("--model-text", default="models/default/model.lgb.txt")
    ap.add_argument("--rows", default="/tmp/linkclf-bench/explained.npy")
    ap.add_argument("--sizes", default="20,100,422,1000,2000,5000")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    text = Path(args.model_text).read_text()
    sizes = [int(s) for s in args.sizes.split(",")]
    X = np.load(args.rows, mmap_mode="r")[: max(sizes)].astype(np.float64)
    shaps = {
        "before": load(args.before, "treeshap_before").TreeShap(text),
        "after": load(args.after, "treeshap_after").TreeShap(text),
    }
    print(f"{args.model_text}; load average {load_average()}")
    for n in sizes:
        best = dict.fromkeys(shaps, float("inf"))
        for _ in range(args.runs):
            for name, shap in shaps.items():
                start = time.process_time()
                shap.contributions(X[:n], threads=1)
                best[name] = min(best[name], time.process_time() - start)
        print(
            f"{n:>7,} rows: before {best['before']:.3f} s CPU, after {best['after']:.3f} s CPU, "
            f"{best['before'] / best['after']:.2f}x   [load average {load_average()}]",
            flush=True,
        )


if __name__ == "__main__":
    main()
