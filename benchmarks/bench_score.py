"""Scoring throughput (links/s) and peak memory on a 100k-link export.

Usage: python benchmarks/bench_score.py [--rows 100000] [--model models/default]
Prints figures; asserts nothing. The embedding cache is pointed at a fresh temp dir so the
figure includes embedding every distinct text once (a warm second run is printed too).
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--model", default="models/default")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="linkclf-bench-"))
    from linkclf.features.embed import cache_root

    user_cache = cache_root()
    os.environ["LINKCLF_CACHE"] = str(tmp / "cache")
    # Reuse an already distilled static model (a one-time build, not part of scoring); the
    # embedding cache itself starts empty.
    if (user_cache / "models").is_dir():
        (tmp / "cache").mkdir()
        (tmp / "cache" / "models").symlink_to(user_cache / "models")

    from linkclf.datasets import simulate
    from linkclf.io import write_csv_atomic
    from linkclf.model import LinkClassifier
    from linkclf.pipeline import score_links
    from linkclf.sources import read_exports

    links = simulate(args.seed, n_targets=max(args.rows // 130, 1))
    export = tmp / "export.csv"
    write_csv_atomic(links.drop(columns=["label", "kind"]), export, for_spreadsheet=False)
    print(f"export: {len(links):,} links, {export.stat().st_size / 1e6:.1f} MB")

    model = LinkClassifier.load(args.model)
    # Load (and, in this fresh cache, build) the embedding model before the clock starts: the
    # figure is scoring throughput with every text embedded for the first time.
    model.features.embedder.encode(["warm-up"])
    for label in ("cold cache", "warm cache"):
        start = time.perf_counter()
        frame = read_exports([str(export)])
        read_s = time.perf_counter() - start
        scored = score_links(model, frame)
        total = time.perf_counter() - start
        print(
            f"score ({label}): {len(scored):,} links in {total:.1f}s (read {read_s:.1f}s) "
            f"= {len(scored) / total:,.0f} links/s; flagged {int(scored['flag'].sum()):,}"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
