"""Fuzz every command's readers through the real CLI: mutated exports, scored files, damaged model
directories and mutated disavow files, each run in its own process with a 30 s timeout.

Counts what must be zero: tracebacks, aborts (a process killed by a signal: LightGBM's C++
abort or a segfault), hangs over the timeout, and outputs left behind after a failure (the -o
file, or a temp file of ours). Also reported: exit codes, and failures whose message is not
one line.

Each case runs in a child forked from a parent that has imported linkclf once (a fresh
interpreter costs ~10 s of imports here); the child is a separate process, so an abort or a
segfault in it is seen as exactly that. The base model is trained in a separate interpreter
first, so no OpenMP thread pool exists in the parent when it forks.

Usage::

    python benchmarks/fuzz.py                      # 1,000 exports, 200 models, 200 disavow files
    python benchmarks/fuzz.py --exports 50 --models 20 --disavow 20   # a quick run
    python benchmarks/fuzz.py --json out/fuzz.json --keep failures/   # figures + failing cases
"""

from __future__ import annotations

import argparse
import bz2
import contextlib
import gzip
import json
import lzma
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXPORTS = REPO / "tests" / "data" / "exports"
REAL_DISAVOW = REPO.parent / "shared" / "data" / "real" / "disavow"
#: A case is a hang when it used more than TIMEOUT seconds of CPU, or ran WALL_LIMIT seconds
#: of wall time (a process blocked on a FIFO uses no CPU). CPU time rather than wall time for
#: the 30 s because the machine these figures come from is shared (load averages of 15-20 on
#: 2 cores were seen), where a 2 s case can take 30 s of wall time.
TIMEOUT = 30.0
WALL_LIMIT = 300.0
_TICKS = os.sysconf("SC_CLK_TCK")

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


# ------------------------------------------------------------------------------ mutations
def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True) or [data]


def mutate_bytes(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """One random damage of a text file's bytes, and its name."""
    choice = rng.randrange(22)
    if choice == 0:
        out = bytearray(data)
        for _ in range(rng.randint(1, 20)):
            if out:
                out[rng.randrange(len(out))] = rng.randrange(256)
        return bytes(out), "flip bytes"
    if choice == 1:
        return data[: rng.randrange(len(data) + 1)], "truncate"
    if choice == 2:
        at = rng.randrange(len(data) + 1)
        return data[:at] + rng.randbytes(rng.randint(1, 200)) + data[at:], "insert junk"
    if choice == 3:
        lines = _lines(data)
        line = rng.choice(lines)
        return b"".join(lines + [line] * rng.randint(2, 5000)), "repeat a line"
    if choice == 4:
        lines = _lines(data)
        return b"".join(x for x in lines if rng.random() > 0.3), "delete lines"
    if choice == 5:
        at = rng.randrange(len(data) + 1)
        return data[:at] + b'"' + data[at:], "unbalanced quote"
    if choice == 6:
        codec = rng.choice(["utf-16", "utf-16-le", "utf-16-be", "latin-1", "cp1252", "utf-8-sig"])
        text = data.decode("utf-8", errors="replace")
        return text.encode(codec, errors="replace"), f"re-encode {codec}"
    if choice == 7:
        end = rng.choice([b"\r", b"\r\n", b"mixed"])
        lines = [x.rstrip(b"\r\n") for x in _lines(data)]
        ends = [rng.choice([b"\n", b"\r", b"\r\n"]) if end == b"mixed" else end for _ in lines]
        return b"".join(x + e for x, e in zip(lines, ends, strict=True)), "line ends"
    if choice == 8:
        return rng.choice([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]) + data, "add a BOM"
    if choice == 9:
        lines = _lines(data)
        extra = b"," + b",".join([b"dup"] * rng.choice([50, 2500, 50_000]))
        lines[0] = lines[0].rstrip(b"\r\n") + extra + b"\n"
        return b"".join(lines), "wide header"
    if choice == 10:
        lines = _lines(data)
        at = rng.randrange(len(lines))
        lines.insert(at, b'"' + b"x" * rng.choice([200_000, 1_200_000]) + b'",1\n')
        return b"".join(lines), "huge field"
    if choice == 11:
        out = bytearray(data)
        for _ in range(rng.randint(1, 10)):
            out.insert(rng.randrange(len(out) + 1), 0)
        return bytes(out), "NUL bytes"
    if choice == 12:
        how = rng.choice(["gzip", "bz2", "xz"])
        packed = {"gzip": gzip.compress, "bz2": bz2.compress, "xz": lzma.compress}[how](data)
        return packed, f"compressed {how}"
    if choice == 13:
        a, b = rng.sample([b",", b";", b"\t", b"|"], 2)
        return data.replace(a, b), "swap delimiters"
    if choice == 14:
        return rng.choice([b"", b"\n\n\n", b"   ", b"\r\n"]), "empty"
    if choice == 15:
        return _lines(data)[0], "header only"
    if choice == 16:
        lines = _lines(data)
        hostile = rng.choice(
            [b'=HYPERLINK("http://x")', b"+cmd|' /C calc'!A0", b"@SUM(1)", b"\r=1", b"'\"\r\n"]
        )
        at = rng.randrange(1, len(lines) + 1)
        lines.insert(at, b",".join([hostile] * rng.randint(1, 12)) + b"\n")
        return b"".join(lines), "hostile cells"
    if choice == 17:
        return rng.randbytes(rng.randint(1, 5000)), "random bytes"
    if choice == 18:
        lines = _lines(data)
        lines[0] = b"\n" * rng.randint(1, 40) + lines[0]
        return b"".join(lines), "blank lines before the header"
    if choice == 19:
        return data + b"x" * rng.choice([300_000, 2_000_000]), "long last line"
    if choice == 20:
        lines = _lines(data)
        rng.shuffle(lines)
        return b"".join(lines), "shuffle lines"
    return data.replace(b"http", b"javascript:http", rng.randint(1, 5)), "odd URLs"


def mutate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    names = []
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        data, name = mutate_bytes(data, rng)
        names.append(name)
    return data, " + ".join(names)


def damage_model(root: Path, rng: random.Random) -> str:
    """One random damage to a copy of a model directory."""
    files = sorted(p for p in root.rglob("*") if p.is_file())
    meta_path = root / "model.json"
    choice = rng.randrange(9)
    if choice == 0:
        path = rng.choice(files)
        data = path.read_bytes()
        path.write_bytes(data[: rng.randrange(len(data) + 1)])
        return f"truncate {path.relative_to(root)}"
    if choice == 1:
        path = rng.choice(files)
        data = bytearray(path.read_bytes())
        for _ in range(rng.randint(1, 10)):
            if data:
                data[rng.randrange(len(data))] = rng.randrange(256)
        path.write_bytes(bytes(data))
        return f"flip bytes in {path.relative_to(root)}"
    if choice == 2:
        path = rng.choice(files)
        path.unlink()
        how = rng.choice(["delete", "fifo", "dir", "devzero", "empty"])
        if how == "fifo":
            os.mkfifo(path)
        elif how == "dir":
            path.mkdir()
        elif how == "devzero":
            path.symlink_to("/dev/zero")
        elif how == "empty":
            path.write_bytes(b"")
        return f"{how} in place of {path.relative_to(root)}"
    if choice in (3, 4):
        path = meta_path if choice == 3 else root / "features" / "features.json"
        data = json.loads(path.read_text())
        key = rng.choice(sorted(data))
        value = rng.choice(
            [None, -5, 1e308, float("nan"), "x", [], {}, [[[[]]]], True, 10**12, ["a"], {"x": [1]}]
        )
        if rng.random() < 0.2:
            data.pop(key)
            what = f"drop {key}"
        else:
            data[key] = value
            what = f"{key}={value!r}"
        path.write_text(json.dumps(data) if rng.random() < 0.9 else "[" * 50_000)
        return f"{path.name}: {what}"
    if choice in (5, 6, 7):
        path = root / rng.choice(["model.lgb.txt", "kinds.lgb.txt"])
        if not path.exists():
            path = root / "model.lgb.txt"
        lines = path.read_text().split("\n")
        at = rng.randrange(len(lines))
        how = rng.choice(["number", "delete", "duplicate", "swap"])
        if how == "number":
            lines[at] = re.sub(
                r"-?\d+(\.\d+)?",
                lambda m: str(rng.choice([-1, 0, 1, 999, 2**31, -(2**31), 1e308, 7])),
                lines[at],
                count=rng.randint(1, 3),
            )
        elif how == "delete":
            del lines[at]
        elif how == "duplicate":
            lines.insert(at, lines[at])
        else:
            other = rng.randrange(len(lines))
            lines[at], lines[other] = lines[other], lines[at]
        text = "\n".join(lines)
        if choice == 7:  # a careful editor: tree_sizes made to match again
            with contextlib.suppress(ValueError):
                start = text.index("\nTree=") + 1
                end = text.index("\nend of trees\n") + 1
                starts = [m.start() for m in re.finditer(r"^Tree=", text[start:end], re.M)]
                sizes = [b - a for a, b in zip(starts, [*starts[1:], end - start], strict=True)]
                text = re.sub(
                    r"^tree_sizes=.*$",
                    "tree_sizes=" + " ".join(map(str, sizes)),
                    text,
                    count=1,
                    flags=re.M,
                )
        path.write_text(text)
        if rng.random() < 0.7:  # an old model without checksums: the structure check alone
            meta = json.loads(meta_path.read_text())
            meta.pop("checksums", None)
            meta_path.write_text(json.dumps(meta))
        return f"{path.name}: {how} line {at}" + (" (tree_sizes fixed)" if choice == 7 else "")
    import numpy as np

    name = rng.choice(["anchor_mean", "anchor_components", "context_mean", "context_components"])
    path = root / "features" / f"{name}.npy"
    how = rng.choice(["strings", "int", "shape", "huge", "npz", "nan"])
    if how == "strings":
        np.save(path, np.array(["a", "b"]))
    elif how == "int":
        np.save(path, np.arange(64))
    elif how == "shape":
        np.save(path, np.zeros((3, 3, 3)))
    elif how == "nan":
        np.save(path, np.full(64, np.nan))
    elif how == "npz":
        np.savez(path.with_suffix(".npz"), a=np.zeros(3))
        shutil.move(path.with_suffix(".npz"), path)
    else:
        with open(path, "wb") as handle:
            np.lib.format.write_array_header_1_0(
                handle, {"descr": "<f8", "fortran_order": False, "shape": (10**11,)}
            )
    return f"{path.name}: {how}"


# ------------------------------------------------------------------------------- running
@dataclass
class Outcome:
    group: str
    case: str
    args: list[str]
    code: int | None = None
    signal: int | None = None
    hang: bool = False
    traceback: bool = False
    left: list[str] = field(default_factory=list)
    one_line: bool = True
    seconds: float = 0.0
    cpu: float = 0.0


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a running process (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS


def _child(args: list[str], cwd: Path, err: Path, out: Path) -> None:
    """Run the CLI in this (forked) process; never returns."""
    try:
        os.chdir(cwd)
        fd_err = os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        fd_out = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(fd_err, 2)
        os.dup2(fd_out, 1)
        sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
        sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
        os.environ["LINKCLF_CACHE"] = str(cwd / ".cache")
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        from linkclf.cli import app

        try:
            app(args, prog_name="linkclf", standalone_mode=True)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException:  # what an uncaught exception does to a real process
            traceback.print_exc()
            code = 1
        sys.stderr.flush()
        sys.stdout.flush()
        os._exit(code)
    except BaseException:
        os._exit(99)


class Runner:
    """Forks up to ``jobs`` children at once, each with a timeout."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.running: dict[int, tuple[Outcome, Path, float, list[Path]]] = {}
        self.done: list[Outcome] = []

    def submit(self, outcome: Outcome, cwd: Path, outputs: list[Path]) -> None:
        while len(self.running) >= self.jobs:
            self._reap()
        pid = os.fork()
        if pid == 0:
            _child(outcome.args, cwd, cwd / ".stderr", cwd / ".stdout")
        self.running[pid] = (outcome, cwd, time.monotonic(), outputs)

    def _reap(self, block: bool = False) -> None:
        while True:
            for pid, (outcome, cwd, started, outputs) in list(self.running.items()):
                got, status = os.waitpid(pid, os.WNOHANG)
                elapsed = time.monotonic() - started
                cpu = _cpu_seconds(pid) if got == 0 else 0.0
                outcome.cpu = max(outcome.cpu, cpu)
                if got == 0 and (cpu > TIMEOUT or elapsed > WALL_LIMIT):
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                    outcome.hang = True
                    got, status = pid, -1
                if got == 0:
                    continue
                del self.running[pid]
                outcome.seconds = elapsed
                if not outcome.hang:
                    if os.WIFSIGNALED(status):
                        outcome.signal = os.WTERMSIG(status)
                    else:
                        outcome.code = os.WEXITSTATUS(status)
                self._judge(outcome, cwd, outputs)
                self.done.append(outcome)
                return
            if not block and len(self.running) < self.jobs:
                return
            time.sleep(0.01)

    def _judge(self, outcome: Outcome, cwd: Path, outputs: list[Path]) -> None:
        err = (cwd / ".stderr").read_text(errors="replace") if (cwd / ".stderr").exists() else ""
        outcome.traceback = "Traceback (most recent call last)" in err
        failed = outcome.code != 0
        if failed:
            outcome.left = [str(p.name) for p in outputs if os.path.lexists(p)]
            errors = [line for line in err.splitlines() if line.startswith("linkclf: error:")]
            # --check lists every problem of the file by design; the rest fail with one line.
            outcome.one_line = len(errors) == 1 or ("--check" in outcome.args and not errors)
        for parent in {p.parent for p in outputs}:
            if parent.exists():
                outcome.left += [p.name for p in parent.iterdir() if ".linkclf-" in p.name]
        if outcome.traceback or outcome.signal or outcome.hang or outcome.left:
            outcome.case += f" | stderr: {err.strip()[-300:]!r}"
        else:
            shutil.rmtree(cwd, ignore_errors=True)  # keep only what shows a problem

    def finish(self) -> list[Outcome]:
        while self.running:
            self._reap(block=True)
        return self.done


# --------------------------------------------------------------------------------- setup
def _preimport() -> None:
    """What the commands import lazily, imported once here (no LightGBM call: no thread pool)."""
    import codecs

    import pandas as pd

    import linkclf.embedders  # noqa: F401
    import linkclf.explain  # noqa: F401

    for codec in ("utf-16", "utf-16-le", "utf-16-be", "latin-1", "cp1252", "utf-8-sig"):
        codecs.lookup(codec)
    pd.Series(["a"], dtype="string").str.len()
    with contextlib.suppress(ImportError):
        import pyarrow  # noqa: F401
        import pydantic  # noqa: F401


def train_base_model(work: Path) -> Path:
    """A small real model (hashing embedder), trained in its own interpreter."""
    model = work / "base-model"
    code = (
        "import sys; sys.path.insert(0, sys.argv[2]);"
        "from tests.conftest import tiny_setup; from linkclf.model import LinkClassifier;"
        "t = tiny_setup(seed=5);"
        "clf = LinkClassifier(t.features, num_boost_round=40).fit("
        "t.X[t.train], t.y[t.train], t.X[t.valid], t.y[t.valid], t.data.loc[t.train, 'kind']);"
        "clf.save(sys.argv[1], metrics={}, card='# fuzz', extra={})"
    )
    subprocess.run([sys.executable, "-c", code, str(model), str(REPO)], check=True, cwd=work)
    return model


def export_seeds() -> list[Path]:
    return sorted(
        p for p in EXPORTS.iterdir() if p.suffix in (".csv", ".tsv") and p.stat().st_size < 2e6
    )


def disavow_seeds() -> list[bytes]:
    seeds = [(EXPORTS / "disavow.txt").read_bytes()]
    if REAL_DISAVOW.exists():  # read in place, never copied into the repo
        seeds += [p.read_bytes() for p in sorted(REAL_DISAVOW.rglob("*.txt"))[:60]]
    seeds.append(
        b"# mine\ndomain:spam.example\nhttps://x.example/p\nDomain: Y.example \nbare.example\n"
    )
    return seeds


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--exports", type=int, default=1000)
    parser.add_argument(
        "--scored", type=int, default=300, help="mutated scored CSVs (report + disavow)"
    )
    parser.add_argument("--models", type=int, default=200)
    parser.add_argument("--disavow", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--keep", type=Path, default=None, help="copy failing cases here")
    opts = parser.parse_args()
    rng = random.Random(opts.seed)
    work = Path(tempfile.mkdtemp(prefix="linkclf-fuzz-"))
    started = time.time()
    try:
        model = train_base_model(work)
        # Import everything the commands use once; children are forked from here.
        import linkclf.cli  # noqa: F401
        import linkclf.disavow  # noqa: F401
        import linkclf.model  # noqa: F401
        import linkclf.pipeline  # noqa: F401
        import linkclf.report  # noqa: F401
        import linkclf.sources  # noqa: F401

        _preimport()

        runner = Runner(opts.jobs)
        seeds = export_seeds()
        good_export = EXPORTS / "ahrefs_older_utf8.csv"
        scored_seed = work / "scored-seed.csv"
        seed_case = work / "seed"
        seed_case.mkdir()
        runner.submit(
            Outcome(
                "setup",
                "score the seed",
                ["score", str(good_export), "-o", str(scored_seed), "--model", str(model)],
            ),  # fmt: skip
            seed_case,
            [],
        )
        runner.finish()
        assert scored_seed.exists(), (seed_case / ".stderr").read_text()
        runner.done.clear()

        def case_dir(group: str, i: int) -> Path:
            path = work / group / str(i)
            path.mkdir(parents=True)
            return path

        scored_bytes = scored_seed.read_bytes()
        dseeds = disavow_seeds()

        def export_case(i: int) -> None:
            seed = rng.choice(seeds)
            data, what = mutate(seed.read_bytes(), rng)
            cwd = case_dir("export", i)
            src = cwd / ("in" + seed.suffix)
            src.write_bytes(data)
            out = cwd / "out" / "scored.csv"
            args = ["score", str(src), "-o", str(out), "--model", str(model)]
            if "gsc" in seed.name:
                args += ["--target", "https://t.example/"]
            runner.submit(Outcome("export", f"{seed.name}: {what}", args), cwd, [out])

        def scored_case(i: int) -> None:
            data, what = mutate(scored_bytes, rng)
            cwd = case_dir("scored", i)
            src = cwd / "scored.csv"
            src.write_bytes(data)
            if i % 2:
                out = cwd / "out" / "report.html"
                args = ["report", str(src), "-o", str(out)]
            else:
                out = cwd / "out" / "disavow.txt"
                args = ["disavow", str(src), "-o", str(out), "--review", str(cwd / "out" / "r.csv")]
            runner.submit(Outcome("scored", f"{args[0]}: {what}", args), cwd, [out])

        def model_case(i: int) -> None:
            cwd = case_dir("model", i)
            damaged = cwd / "model"
            shutil.copytree(model, damaged)
            what = damage_model(damaged, rng)
            out = cwd / "out" / "scored.csv"
            args = ["score", str(good_export), "-o", str(out), "--model", str(damaged)]
            runner.submit(Outcome("model", what, args), cwd, [out])

        def disavow_case(i: int) -> None:
            data, what = mutate(rng.choice(dseeds), rng)
            cwd = case_dir("disavow", i)
            src = cwd / "old.txt"
            src.write_bytes(data)
            out = cwd / "out" / "disavow.txt"
            mode = rng.choice(["existing", "existing", "allow", "check"])
            if mode == "existing":
                args = ["disavow", str(scored_seed), "--existing", str(src), "-o", str(out)]
                if rng.random() < 0.3:
                    args.append("--allow-deactivate")
            elif mode == "allow":
                args = ["disavow", str(scored_seed), "--allow", str(src), "-o", str(out)]
            else:
                args = ["disavow", "--check", str(src)]
            runner.submit(Outcome("disavow", f"--{mode}: {what}", args), cwd, [out])

        # Interleaved, so a run cut short still has figures for every group.
        schedule = (
            [(export_case, i) for i in range(opts.exports)]
            + [(scored_case, i) for i in range(opts.scored)]
            + [(model_case, i) for i in range(opts.models)]
            + [(disavow_case, i) for i in range(opts.disavow)]
        )
        random.Random(opts.seed).shuffle(schedule)
        for n, (make, i) in enumerate(schedule, start=1):
            make(i)
            if n % 50 == 0 and opts.json:
                partial = _summarise(runner.done, time.time() - started, opts)
                opts.json.parent.mkdir(parents=True, exist_ok=True)
                opts.json.with_suffix(".partial.json").write_text(json.dumps(partial, indent=2))
                print(f"{len(runner.done)} cases done in {time.time() - started:.0f}s",
                      file=sys.stderr, flush=True)  # fmt: skip
        outcomes = runner.finish()
        summary = _summarise(outcomes, time.time() - started, opts)
        print(json.dumps(summary, indent=2))
        if opts.json:
            opts.json.parent.mkdir(parents=True, exist_ok=True)
            opts.json.write_text(json.dumps(summary, indent=2))
        bad = [o for o in outcomes if o.traceback or o.signal or o.hang or o.left]
        if opts.keep and bad:
            opts.keep.mkdir(parents=True, exist_ok=True)
            for n, o in enumerate(bad):
                (opts.keep / f"{n}.txt").write_text(f"{o.group}: {o.case}\n{o.args}\n")
        return 1 if bad else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _summarise(outcomes: list[Outcome], seconds: float, opts: argparse.Namespace) -> dict:
    groups: dict[str, dict] = {}
    for group in ("export", "scored", "model", "disavow"):
        items = [o for o in outcomes if o.group == group]
        groups[group] = {
            "cases": len(items),
            "tracebacks": sum(o.traceback for o in items),
            "aborts_or_signals": sum(o.signal is not None for o in items),
            "hangs_over_30s": sum(o.hang for o in items),
            "outputs_left_after_failure": sum(bool(o.left) for o in items),
            "failures_not_one_line": sum(o.code not in (0, None) and not o.one_line for o in items),
            "exit_codes": dict(Counter(str(o.code) for o in items)),
            "slowest_wall_s": round(max((o.seconds for o in items), default=0), 2),
            "slowest_cpu_s_sampled": round(max((o.cpu for o in items), default=0), 2),
            "examples_of_problems": [
                o.case for o in items if o.traceback or o.signal or o.hang or o.left
            ][:10],
        }
    return {
        "command": "python benchmarks/fuzz.py " + " ".join(sys.argv[1:]),
        "seed": opts.seed,
        "seconds": round(seconds),
        "groups": groups,
    }


if __name__ == "__main__":
    sys.exit(main())
