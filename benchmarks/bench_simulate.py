"""How long `simulate` takes for the default training set (the datasheet quotes this figure).

Run: .venv/bin/python benchmarks/bench_simulate.py [--targets 300] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import time

from linkclf.datasets import simulate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        links = simulate(7, n_targets=args.targets)
        times.append(time.perf_counter() - started)
    best, worst = min(times), max(times)
    print(
        f"simulate(seed=7, n_targets={args.targets}): {len(links):,} links; "
        f"best {best:.2f} s, worst {worst:.2f} s over {args.repeat} runs "
        f"({len(links) / best:,.0f} links/s; {os.cpu_count()} CPUs visible)"
    )


if __name__ == "__main__":
    main()
