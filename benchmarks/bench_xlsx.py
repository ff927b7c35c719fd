"""Read speed of .xlsx exports: python-calamine (what linkclf uses) next to openpyxl.

Writes a Semrush-like sheet of ``--rows`` rows (19 columns: text, URLs, integers, booleans,
dates) with openpyxl in a temp dir, then reads every cell of it with each reader, as
``linkclf.opening`` needs them (one list per row), and prints seconds and rows/s. Last, the time
``linkclf.sources.read_export`` takes on the same file (calamine, CSV text, detection, parsing).

Run: .venv/bin/python benchmarks/bench_xlsx.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

HEADER = (
    "Page ascore,Source title,Source url,Target url,Anchor,External links,Internal links,"
    "Nofollow,Sponsored,Ugc,Text,Frame,Form,Image,Sitewide,First seen,Last seen,New link,"
    "Lost link"
).split(",")


def write_sheet(path: Path, rows: int) -> None:
    import datetime as dt

    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Backlinks")
    sheet.append(HEADER)
    day = dt.datetime(2025, 1, 1)
    for k in range(rows):
        sheet.append(
            [
                k % 97,
                f"Post {k} about hiking boots",
                f"https://site{k % 9973}.example/blog/post-{k}",
                "https://shop.example/product",
                ("buy boots", "click here", "Shop Example", "")[k % 4],
                k % 500,
                k % 120,
                k % 3 == 0,
                False,
                False,
                True,
                False,
                False,
                k % 7 == 0,
                k % 11 == 0,
                day + dt.timedelta(days=k % 365),
                day + dt.timedelta(days=k % 365 + 30),
                False,
                k % 13 == 0,
            ]
        )
    book.save(path)


def read_calamine(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return len(book.get_sheet_by_index(0).to_python(skip_empty_area=True))


def read_openpyxl(path: Path) -> int:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    n = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return n


def timed(name: str, func, path: Path) -> float:
    start = time.perf_counter()
    n = func(path)
    seconds = time.perf_counter() - start
    print(f"{name:<28} {n - 1:>9,} rows  {seconds:7.2f} s  {(n - 1) / seconds:>10,.0f} rows/s")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "semrush.xlsx"
        write_sheet(path, args.rows)
        print(
            f"xlsx read, {args.rows:,} rows x {len(HEADER)} columns, {path.stat().st_size:,} bytes"
        )
        fast = timed("python-calamine (chosen)", read_calamine, path)
        slow = timed("openpyxl (read_only)", read_openpyxl, path)
        print(f"calamine is {slow / fast:.1f}x faster")

        from linkclf.sources import read_export

        timed("linkclf read_export (xlsx)", lambda p: len(read_export(p)) + 1, path)


if __name__ == "__main__":
    main()
