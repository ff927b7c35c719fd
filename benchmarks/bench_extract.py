"""Extraction speed of `linkclf extract` on the real pages (or on pages you name).

Usage: python benchmarks/bench_extract.py [PAGES...] [--repeat 3]

Without PAGES: the ~290 real pages of ../shared/data/real/html-pages (or $LINKCLF_REAL_DATA),
with their known URLs. Reports pages/s and links/s for reading + decoding + parsing + link rows
(the whole of ``extract_pages``), best of ``--repeat`` runs, and the time of the parse alone.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from linkclf.extract import decode_html, extract_pages, parse_html, read_page_bytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    urls: dict[str, str] = {}
    pages = list(args.pages)
    if not pages:
        from linkclf.realdata import locate
        from linkclf.realdata_links import _pages

        root = locate()
        if root is None:
            raise SystemExit("no pages given and no real-data folder found")
        pages, urls, _ = _pages(root)
    texts = [decode_html(read_page_bytes(p)) for p in pages]
    megabytes = sum(len(t) for t in texts) / 1e6
    best = parse_best = cpu = float("inf")
    n_links = 0
    for _ in range(args.repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        links = extract_pages(pages, urls)
        best = min(best, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
        n_links = len(links)
        start = time.perf_counter()
        for text in texts:
            parse_html(text)
        parse_best = min(parse_best, time.perf_counter() - start)
    print(f"{len(pages)} pages ({megabytes:.1f} M characters), {n_links:,} outbound links")
    print(
        f"extract_pages: {best:.2f} s = {len(pages) / best:.0f} pages/s, "
        f"{n_links / best:,.0f} links/s (best of {args.repeat})"
    )
    # CPU time is the figure to compare on a shared machine: wall time includes waiting for a core.
    print(f"CPU time: {cpu:.2f} s = {len(pages) / cpu:.0f} pages/s of one core")
    print(f"of which lxml parsing alone: {parse_best:.2f} s (wall)")


if __name__ == "__main__":
    main()
