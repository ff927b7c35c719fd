"""Time, size and browser load time of the HTML audit report on a large scored file.

Usage: python benchmarks/bench_report.py [--rows 200000] [--domains 20000] [--sites 1]
       [--no-browser]

Builds a synthetic scored frame (what ``linkclf score`` writes, as text columns: rel flags,
link types, Domain Rating, source IPs, first/last-seen dates and lost flags) with the given
number of links spread over referring domains and target sites, writes it as a CSV, then times
reading it (``read_scored_for_report``), the figures of each section and the whole
``render_report``; prints the HTML size, and the time headless Chromium (/usr/bin/chromium,
driven over the DevTools pipe) takes to load the page and run its sorting script. Prints
figures; asserts nothing.

Size cap (enforced by ``render_report``, not by this script): every table shows at most
``max_rows`` rows (default 50; disavow candidates 4 x 50) with a "showing N of M" note, and at
most ``MAX_SITES`` (25) target sites get a section; the rest are rows of the overview table.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from linkclf.report import profile as site_profile
from linkclf.report import read_scored_for_report, render_report, tables
from linkclf.report.candidates import disavow_candidates

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def synthetic(rows: int, domains: int, sites: int = 1, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    dom = rng.integers(0, domains, rows)
    bad_domain = rng.random(domains) < 0.15
    p = np.where(bad_domain[dom], rng.beta(5, 2, rows), rng.beta(1, 6, rows)).round(4)
    anchors = np.array(
        ["bakkerij devries", "volkoren brood kopen", "klik hier", "www.bakkerij-devries.nl", ""]
    )
    day = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, rows), unit="D")
    site = rng.integers(0, sites, rows)
    ip = [f"10.{(d // 250) % 250}.{d % 250}.{d % 7 + 1}" for d in dom]
    lost = rng.random(rows) < 0.05
    return pd.DataFrame(
        {
            "source_url": [f"https://site{d}.example.com/post/{i}" for i, d in enumerate(dom)],
            "target_url": [f"https://www.bakkerij{s}.nl/brood/volkoren" for s in site],
            "anchor": anchors[rng.integers(0, len(anchors), rows)],
            "referring_domain": [f"site{d}.example.com" for d in dom],
            "nofollow": np.where(rng.random(rows) < 0.2, "True", "False"),
            "ugc": "False",
            "sponsored": "False",
            "link_type": np.where(rng.random(rows) < 0.1, "image", "text"),
            "domain_rating": (rng.beta(2, 5, domains) * 100).round()[dom],
            "source_ip": ip,
            "first_seen": day.strftime("%Y-%m-%d"),
            "last_seen": "2025-01-31",
            "lost": np.where(lost, "True", "False"),
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
    print(f"{label:<30} {time.perf_counter() - start:8.2f} s", flush=True)
    return out


def _browser_load(page: Path) -> None:
    from tests.chromium import CHROMIUM, Chromium

    if CHROMIUM is None:
        print("browser load: chromium not installed")
        return
    with tempfile.TemporaryDirectory() as tmp, Chromium(Path(tmp)) as browser:
        seconds = browser.open(page)
        print(f"{'chromium load (to onload)':<30} {seconds:8.2f} s")
        nav = json.loads(
            browser.eval("JSON.stringify(performance.getEntriesByType('navigation')[0].toJSON())")
        )
        print(
            f"{'  navigation: DOMContentLoaded':<30} {nav['domContentLoadedEventEnd'] / 1000:8.2f} s"
        )
        print(f"{'  navigation: load event end':<30} {nav['loadEventEnd'] / 1000:8.2f} s")
        height = browser.eval("document.body.scrollHeight")
        n_tables = browser.eval("document.querySelectorAll('table.sortable').length")
        print(f"{'  page height':<30} {height:8,d} px")
        print(f"{'  sortable tables':<30} {n_tables:8,d}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--domains", type=int, default=20_000)
    parser.add_argument("--sites", type=int, default=1)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scored.csv"
        synthetic(args.rows, args.domains, args.sites).to_csv(path, index=False)
        print(f"{args.rows:,} links, {args.domains:,} referring domains, {args.sites} site(s)")
        scored = _time("read_scored_for_report", lambda: read_scored_for_report(path))
        links = _time("prepare", lambda: tables.prepare(scored))
        one = links[links["site"] == links["site"].iloc[0]]
        _time("anchor_mix (site 1)", lambda: tables.anchor_mix(one))
        _time("top_anchors (site 1)", lambda: site_profile.top_anchors(one))
        _time("ip_clusters (site 1)", lambda: site_profile.ip_clusters(one))
        _time("domains_per_month (site 1)", lambda: site_profile.domains_per_month(one))
        _time("risky_domains (site 1)", lambda: tables.risky_domains(one))
        _time("disavow_candidates (site 1)", lambda: disavow_candidates(one))
        html = _time("render_report (all)", lambda: render_report(scored))
        print(f"{'HTML size':<30} {len(html.encode('utf-8')) / 1024:8.0f} KiB")
        page = Path(tmp) / "report.html"
        page.write_text(html, encoding="utf-8")
        if not args.no_browser:
            _browser_load(page)


if __name__ == "__main__":
    main()
