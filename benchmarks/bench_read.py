"""Read throughput and peak memory of the streaming export reader.

Generates an Ahrefs-format export (UTF-16 LE with BOM, TAB, every field quoted, 37 columns) of
``--rows`` rows in a temp dir, then reads it with ``iter_export`` and prints rows/s, MB/s and the
process's peak RSS. The file is generated in a child process so the peak measured here is the
reader's alone.

Run: .venv/bin/python benchmarks/bench_read.py [--rows 1000000] [--chunksize 50000]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def generate(path: Path, rows: int, block: int = 50_000) -> None:
    """Write ``rows`` Ahrefs rows, rendering one block and varying its URLs per repetition."""
    import csv

    import numpy as np
    import pandas as pd

    from linkclf.sources.ahrefs import COLUMNS
    from linkclf.sources.render import render_frame

    rng = np.random.default_rng(0)
    i = np.arange(block)
    base = pd.DataFrame(
        {
            "source_url": [f"https://site{k % 9973}.example/blog/post-{k}" for k in i],
            "target_url": "https://shop.example/product",
            "anchor": rng.choice(["buy boots", "click here", "Shop Example", ""], block),
            "context_left": "Some words before the link, as Ahrefs shows them",
            "context_right": "and some words after it.",
            "source_title": [f"Post {k} – a title with ünïcode" for k in i],
            "nofollow": rng.random(block) < 0.3,
            "ugc": False,
            "sponsored": rng.random(block) < 0.05,
            "link_type": rng.choice(["text", "image", "redirect"], block),
            "placement": rng.choice(["content", "footer"], block),
            "first_seen": pd.Timestamp("2023-01-01", tz="UTC")
            + pd.to_timedelta(rng.integers(0, 600 * 86400, block), unit="s"),
            "last_seen": pd.Timestamp("2024-09-01", tz="UTC"),
            "lost": False,
            "language": "en",
            "domain_rating": rng.integers(0, 100, block).astype(float),
            "url_rating": rng.integers(0, 60, block).astype(float),
            "source_traffic": rng.integers(0, 5000, block).astype(float),
            "external_links": rng.integers(0, 300, block).astype(float),
        }
    )
    frame = render_frame(base, "ahrefs")
    urls = frame["Referring page URL"].to_numpy()
    with open(path, "w", encoding="utf-16-le", newline="") as handle:
        handle.write("\ufeff")
        writer = csv.writer(handle, delimiter="\t", quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow(COLUMNS)
        done = 0
        rep = 0
        while done < rows:
            n = min(block, rows - done)
            frame["Referring page URL"] = [f"{u}?r={rep}" for u in urls]
            writer.writerows(frame.iloc[:n].itertuples(index=False, name=None))
            done += n
            rep += 1


def peak_rss_mb() -> float:
    # ru_maxrss is kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--chunksize", type=int, default=50_000)
    parser.add_argument("--generate", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        generate(args.generate, args.rows)
        return

    from linkclf.sources import detect_format, iter_export

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ahrefs_backlinks.tsv"
        start = time.perf_counter()
        cmd = [sys.executable, __file__, "--rows", str(args.rows), "--generate", str(path)]
        subprocess.run(cmd, check=True)
        size_mb = path.stat().st_size / 1e6
        print(
            f"generated {args.rows:,} rows, {size_mb:,.0f} MB UTF-16 "
            f"in {time.perf_counter() - start:.1f} s"
        )

        baseline = peak_rss_mb()
        start = time.perf_counter()
        fmt = detect_format(path)
        rows = chunks = 0
        for chunk in iter_export(path, chunksize=args.chunksize):
            rows += len(chunk)
            chunks += 1
        elapsed = time.perf_counter() - start
        print(f"format: {fmt}; read {rows:,} rows in {chunks} chunks of {args.chunksize:,}")
        print(
            f"time: {elapsed:.1f} s  ->  {rows / elapsed:,.0f} rows/s, "
            f"{size_mb / elapsed:,.1f} MB/s of UTF-16 input"
        )
        print(
            f"peak RSS: {peak_rss_mb():,.0f} MB (after imports: {baseline:,.0f} MB; "
            f"file: {size_mb:,.0f} MB)"
        )


if __name__ == "__main__":
    main()
