"""Time and size of the HTML audit report on a large scored file.

Usage: python benchmarks/bench_report.py [--rows 200000] [--domains 20000]

Builds a synthetic scored frame (what ``linkclf score`` writes, as text columns) with the given
number of links spread over referring domains and a year of first-seen dates, writes it as a
CSV, then times reading it (``read_scored_for_report``), each report section and the whole
``render_report``, and prints the HTML size. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from linkclf.report import read_scored_for_report, render_report, tables
from linkclf.report.candidates import disavow_candidates


def synthetic(rows: int, domains: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    dom = rng.integers(0, domains, rows)
    bad_domain = rng.random(domains) < 0.15
    p = np.where(bad_domain[dom], rng.beta(5, 2, rows), rng.beta(1, 6, rows)).round(4)
    anchors = np.array(
        ["bakkerij devries", "volkoren brood kopen", "klik hier", "www.bakkerij-devries.nl", ""]
    )
    day = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, rows), unit="D")
    return pd.DataFrame(
        {
            "source_url": [f"https://site{d}.example.com/post/{i}" for i, d in enumerate(dom)],
            "target_url": "https://www.bakkerij-devries.nl/brood/volkoren",
            "anchor": anchors[rng.integers(0, len(anchors), rows)],
            "referring_domain": [f"site{d}.example.com" for d in dom],
            "first_seen": day.strftime("%Y-%m-%d"),
            "source_title": "Brood en banket",
            "p_manipulative": p,
            "flag": (p >= 0.5).astype(int),
            "kind": np.where(p >= 0.5, "pbn", "natural"),
            "reasons": np.where(p >= 0.5, "exact-match money anchor; footer placement", ""),
        }
    )


def _time(label: str, func):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    out = func()
    print(f"{label:<28} {time.perf_counter() - start:8.2f} s")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--domains", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scored.csv"
        synthetic(args.rows, args.domains).to_csv(path, index=False)
        print(f"{args.rows:,} links, {args.domains:,} referring domains")
        scored = _time("read_scored_for_report", lambda: read_scored_for_report(path))
    links = _time("prepare", lambda: tables.prepare(scored))
    _time("anchor_mix", lambda: tables.anchor_mix(links))
    _time("risky_domains", lambda: tables.risky_domains(links))
    _time("timeline", lambda: tables.timeline(links))
    _time("disavow_candidates", lambda: disavow_candidates(links))
    html = _time("render_report (all)", lambda: render_report(scored))
    print(f"{'HTML size':<28} {len(html.encode('utf-8')) / 1024:8.0f} KiB")


if __name__ == "__main__":
    main()
