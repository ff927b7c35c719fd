"""End-to-end scoring of a generated export (read -> score -> write) in bounded memory.

Usage:
    python benchmarks/bench_stream.py                      # 1M links
    python benchmarks/bench_stream.py --rows 5000000       # 5M links, same memory
    python benchmarks/bench_stream.py --rows 100000 --baseline-rows 20000
    python benchmarks/bench_stream.py --startup-only       # start-up on the 2k-link sample

Prints wall time, links/s, peak RSS of the scoring process, the share of each stage, the load
average next to them (the figures are only comparable on an idle machine), the start-up of
``linkclf score`` on the 2k-link sample with its slowest imports (``python -X importtime``), and
optionally the ratio against a plain data-scientist script on the same links
(benchmarks/baseline_script.py). Asserts nothing.

The export is simulated (linkclf.datasets.simulate, 100k links at a time with consecutive
seeds, appended) and cached under $LINKCLF_BENCH_DIR (default /tmp/linkclf-bench): generating
1M links takes minutes and is not part of the figure. Figures measured on simulated data are
figures about the simulator's exports (their length, text and profile sizes).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from _timing import time_calls

ROOT = Path(__file__).resolve().parents[1]
PIECE = 100_000


def bench_dir() -> Path:
    folder = Path(os.environ.get("LINKCLF_BENCH_DIR", "/tmp/linkclf-bench"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def export_of(rows: int, seed: int = 11) -> Path:
    """A canonical CSV of ``rows`` links (cached).

    One simulated piece of up to 100k links (linkclf.datasets.simulate; ~1-10 minutes), then
    copies of it until ``rows``, each copy's target sites renamed (``www.c3bakkerij.nl``) so
    that every copy is a profile of its own. Simulating 1M links directly took over an hour on
    the loaded benchmark machine. The copies repeat the piece's texts: the embedder keeps the
    last 100k distinct texts' vectors in memory (linkclf.features.embed.CachedEmbedder), so a
    text of a copy is embedded again only once it has left that window; the bench prints how
    many texts the embedding model actually ran on, so the embedding share can be read per
    embedded text, not flattered by the copies.
    """
    path = bench_dir() / f"links-{rows}-{seed}.csv"
    if path.exists():
        return path
    piece_path = bench_dir() / f"links-{min(rows, PIECE)}-{seed}.csv"
    if not piece_path.exists():
        from linkclf.datasets import simulate

        start = time.perf_counter()
        links = simulate(seed, n_targets=max(min(rows, PIECE) // 130, 1))
        links = links.drop(columns=["label", "kind", "label_noise"], errors="ignore")
        staging = piece_path.with_suffix(".partial")
        links.head(rows).to_csv(staging, index=False, lineterminator="\r\n")
        staging.rename(piece_path)
        print(f"  simulated {len(links):,} links ({time.perf_counter() - start:.0f}s)", flush=True)
    if rows <= PIECE:
        return piece_path
    import pandas as pd

    piece = pd.read_csv(piece_path, dtype=str, keep_default_na=False)
    staging = path.with_suffix(".partial")
    written = 0
    with open(staging, "w", encoding="utf-8", newline="") as handle:
        copy = 0
        while written < rows:
            part = piece.head(rows - written).copy()
            if copy:
                part["target_url"] = part["target_url"].str.replace(
                    r"://(www\.)?", rf"://\g<1>c{copy}", regex=True
                )
            part.to_csv(handle, index=False, header=copy == 0, lineterminator="\r\n")
            written += len(part)
            copy += 1
    staging.rename(path)
    print(f"  wrote {written:,} links ({copy} copies of the simulated piece)", flush=True)
    return path


class TreeMemory:
    """Peak of the summed RSS of this process and its scoring processes, sampled every 0.2 s
    (ru_maxrss is per process: it cannot say what several processes held at the same time)."""

    def __init__(self) -> None:
        import threading

        import psutil

        self._me = psutil.Process()
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psutil

        while not self._stop.wait(0.2):
            total = 0
            for proc in [self._me, *self._me.children(recursive=True)]:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:  # a process that just ended
                    pass
            self.peak = max(self.peak, total)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak / 2**20


def child(export: str, model: str, output: str, reasons: bool, workers: int | None) -> None:
    """Score in this (fresh) process and print the figures as JSON: run by main()."""
    start = time.perf_counter()
    from linkclf.model import LinkClassifier
    from linkclf.stream import score_files

    clf = LinkClassifier.load(model)
    clf.features.embedder.encode(["warm-up"])  # load the embedding model before the clock
    load_s = time.perf_counter() - start
    # Time spent in the two costliest scoring steps (wrapping them, the code is unchanged).
    spent = {"embed": 0.0, "reasons (TreeSHAP)": 0.0, "features": 0.0, "predict": 0.0}

    def timed(obj: object, name: str, key: str) -> None:
        time_calls(obj, name, key, spent)

    timed(clf.features.embedder, "encode", "embed")
    asked = {"texts asked": 0, "texts embedded": 0}

    def counted(obj: Any, key: str) -> None:
        inner = obj.encode

        def wrapper(texts):  # noqa: ANN001, ANN202
            asked[key] += len(texts)
            return inner(texts)

        obj.encode = wrapper

    counted(clf.features.embedder, "texts asked")
    if hasattr(clf.features.embedder, "inner"):  # the model itself, behind the caches
        counted(clf.features.embedder.inner, "texts embedded")
    timed(clf, "contributions", "reasons (TreeSHAP)")
    timed(clf.features, "transform", "features")
    timed(clf, "p_manipulative", "predict")
    memory = TreeMemory()
    children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    start, cpu0 = time.perf_counter(), time.process_time()
    summary = score_files(clf, [export], output, reasons=reasons, workers=workers, model_dir=model)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu0
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu += (children.ru_utime - children0.ru_utime) + (children.ru_stime - children0.ru_stime)
    peak_all = memory.stop()
    spent["features"] -= spent["embed"]  # transform includes the embedding
    print(
        json.dumps(
            {
                "links": summary.links,
                "flagged": summary.flagged,
                "buckets": summary.buckets,
                "wall": wall,
                "cpu": cpu,
                "load": load_s,
                "stages": summary.seconds,
                "stage_cpu": summary.cpu_seconds,
                "inside score": spent,
                "texts": asked,
                "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "peak_all_mib": peak_all,
                "workers": summary.workers,
            }
        )
    )


def startup(model: str, runs: int = 5) -> None:
    """Wall time of `linkclf score` on the 2k-link sample (median of ``runs`` after one
    warm-up run that fills linkclf's cache), and its slowest imports."""
    import statistics

    sample = ROOT / "datasets" / "samples" / "ahrefs-sample.tsv"
    out = bench_dir() / "sample-scored.csv"
    linkclf = Path(sys.executable).with_name("linkclf")
    walls, cpus = [], []
    for run in range(runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(
            [str(linkclf), "score", str(sample), "-o", str(out), "--model", model, "-q"],
            check=True,
            capture_output=True,
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if run:  # the first run may build the static model and the TreeSHAP cache
            walls.append(time.perf_counter() - start)
            cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    # CPU seconds are what a loaded machine does not inflate (much): on an idle machine the
    # wall time is about the CPU time (the scoring of 2k links is single-threaded at heart).
    print(
        f"start-up: linkclf score of the 2k-link sample, median of {runs} runs: "
        f"{statistics.median(walls):.2f}s wall (runs: {', '.join(f'{w:.2f}' for w in walls)}), "
        f"{statistics.median(cpus):.2f}s CPU (goal <= 2 s wall on an idle machine; "
        f"load average {os.getloadavg()[0]:.1f})"
    )
    unneeded = (
        "torch",
        "sentence_transformers",
        "mlflow",
        "matplotlib",
        "dask",
        "sklearn",
        "tldextract",
        "requests",
    )
    code = (
        "import sys\nfrom linkclf.cli import main\n"
        f"sys.argv=['linkclf','score',{str(sample)!r},'-o',{str(out)!r},'--model',{model!r},'-q']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print(' '.join(m for m in {unneeded!r} if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True
    )
    rows = []
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = line.split("|", 2)
            if cumulative.strip().isdigit():
                rows.append((int(cumulative), name.rstrip()))
    heavy = [r for r in rows if not r[1].startswith("  ")]
    heavy.sort(reverse=True)
    print("  slowest top-level imports (python -X importtime, cumulative):")
    for micros, name in heavy[:8]:
        print(f"    {micros / 1e6:6.2f}s  {name.strip()}")
    # What the process held at the end (a blocked import, as lightgbm's of scikit-learn,
    # still has a line in -X importtime's output).
    loaded = set(done.stdout.split())
    absent = list(unneeded)
    print(
        "  not imported on the score path: "
        + ", ".join(m for m in absent if m not in loaded)
        + (
            "; imported: " + ", ".join(m for m in absent if m in loaded)
            if any(m in loaded for m in absent)
            else ""
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--model", default=str(ROOT / "models" / "default"))
    parser.add_argument("--no-reasons", action="store_true", help="score without reasons too")
    parser.add_argument(
        "--only-no-reasons",
        action="store_true",
        help="score without reasons only (the 5M memory check in half the time)",
    )
    parser.add_argument("--baseline-rows", type=int, default=0, help="e.g. 20000 (slow)")
    parser.add_argument("--startup-only", action="store_true")
    parser.add_argument("--startup-runs", type=int, default=5, help="timed start-up runs (0: none)")
    parser.add_argument(
        "--workers", type=int, default=0, help="scoring processes (default: as linkclf score)"
    )
    parser.add_argument("--child", nargs=3, metavar=("EXPORT", "OUTPUT", "REASONS"))
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.model, args.child[1], args.child[2] == "1", args.workers or None)
        return
    print(
        f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores"
    )
    if args.startup_runs > 0:
        startup(args.model, args.startup_runs)
    if args.startup_only:
        return
    export = export_of(args.rows)
    size = export.stat().st_size / 1e6
    print(f"export: {export} ({size:,.0f} MB)")
    runs = (False,) if args.only_no_reasons else (True, False) if args.no_reasons else (True,)
    for reasons in runs:
        out = bench_dir() / f"scored-{args.rows}.csv"
        done = subprocess.run(
            [
                sys.executable,
                __file__,
                "--model",
                args.model,
                "--workers",
                str(args.workers),
                "--child",
                str(export),
                str(out),
                "1" if reasons else "0",
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        fig = json.loads(done.stdout.strip().splitlines()[-1])
        wall = fig["wall"]
        print(
            f"score{'' if reasons else ' (no reasons)'}: {fig['links']:,} links in {wall:.1f}s "
            f"wall ({fig.get('cpu', float('nan')):.1f}s CPU) = {fig['links'] / wall:,.0f} links/s "
            f"({fig['links'] / fig.get('cpu', float('nan')):,.0f} per CPU second); "
            f"peak RSS {fig['peak_all_mib']:,.0f} MiB summed over {fig['workers']} scoring "
            f"process(es) and this one (this one alone {fig['maxrss_mib']:,.0f} MiB); "
            f"{fig['flagged']:,} flagged; {fig['buckets']} buckets (model load {fig['load']:.1f}s, "
            "not included)"
        )
        stage_cpu = fig.get("stage_cpu", {})
        for stage, secs in fig["stages"].items():
            cpu_text = f"  ({stage_cpu[stage]:.1f}s CPU)" if stage in stage_cpu else ""
            print(f"  {stage:<22} {secs:7.1f}s  {secs / wall:6.1%}{cpu_text}")
        if fig["workers"] == 1:  # timed in this process; scoring processes are not timed inside
            for stage, secs in fig["inside score"].items():
                print(f"    of which {stage:<22} {secs:7.1f}s  {secs / wall:6.1%}")
        else:
            print("    (the split inside the scoring processes: run with --workers 1)")
        texts = fig.get("texts", {})
        if texts and fig["workers"] == 1:  # counted in this process only
            print(
                f"  texts: {texts['texts asked']:,} asked of the embedder, "
                f"{texts['texts embedded']:,} run through the embedding model (distinct, "
                "not in the in-memory window)"
            )
        print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if args.baseline_rows:
        from baseline_script import compare  # benchmarks/ is on sys.path when run as a script

        compare(export, args.baseline_rows, args.model)


if __name__ == "__main__":
    main()
