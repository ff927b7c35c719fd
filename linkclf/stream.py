"""Score exports of any length in bounded memory: spill by target site, score, merge in order.

Profile features look at all rows of one target site (linkclf.profiles), and some of them are
not sums that could be accumulated chunk by chunk (distinct pages, the median week, the
profile's most repeated anchor words). So instead of statistics, whole profiles are brought
together on disk:

1. **spill**: the input is read in chunks (``iter_export``); every row gets its position in the
   input and goes to one of ``B`` bucket files chosen by a stable hash of its target site
   (Arrow IPC in a temp directory beside the output). Every row of a site lands in one bucket.
2. **score**: bucket by bucket, the rows are read back (several exports merged exactly as
   ``read_exports`` does: a link's rows all share its target site, so its bucket), scored in
   batches of whole profiles (``pipeline.score_rows``) and written to a scored bucket file:
   for a CSV output, each row's finished CSV line (``tables.csv_lines``, formulas neutralised)
   beside its position (:class:`Rendering`); otherwise the scored frame. Each bucket's
   positions go back to the parent with its counts.
3. **write**: the scored buckets are merged back into input order by row position (the
   positions say how many rows each output batch takes from each bucket) and appended to the
   one atomic output file: for CSV the parent only orders and concatenates the lines' bytes
   (``tables.write_csv_bytes``); other formats are assembled and written from the frames
   (``scored.write_scored_parts``).

Peak memory is one bucket plus one scoring batch plus ``B`` small merge buffers: it depends on
the chunk size and on the largest target site's profile, not on the export's length. The
scores are those of the in-memory path (``pipeline.score_links``), row for row, in the same
order (tests/test_stream.py).
"""

from __future__ import annotations

import itertools
import math
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from linkclf.errors import InputError, LinkclfError, ResourceError
from linkclf.io import temp_prefix
from linkclf.model import LinkClassifier
from linkclf.pipeline import Progress, assemble, present_canonical, score_rows
from linkclf.schema import (
    CANONICAL_COLUMNS,
    DATE_FIELDS,
    SEEN_IN,
    SITE_COLUMNS,
    conform,
    conformed,
)
from linkclf.scored import MODEL_COLUMN, SCORE_COLUMNS, check_scorable, write_scored_parts
from linkclf.sources.reader import iter_export
from linkclf.tables import (
    csv_header,
    csv_lines,
    format_of,
    string_bytes,
    utc_dates_cellwise,
    write_csv_bytes,
)

#: The column carrying a row's position in the input (never written to the scored file).
ROW = "_linkclf_row"
#: The column of a lines file holding a row's finished CSV line (see :class:`Rendering`).
LINE = "line"
#: A row's position is ``file index << FILE_SHIFT`` plus its row in the file.
FILE_SHIFT = 40
#: Input bytes per bucket: a bucket is what is held in memory at once while scoring.
BUCKET_BYTES = 24 * 2**20


@dataclass
class StreamSummary:
    """What a streamed scoring run did (for the CLI's closing line and the benchmarks)."""

    rows_read: int = 0
    links: int = 0
    flagged: int = 0
    buckets: int = 0
    workers: int = 1  # processes that scored
    seconds: dict[str, float] = field(default_factory=dict)
    #: CPU seconds of each stage: this process and the scoring processes (a shared machine
    #: stretches wall times more than CPU times).
    cpu_seconds: dict[str, float] = field(default_factory=dict)


def _cpu_seconds() -> float:
    """CPU seconds used so far by this process and its ended child processes (the scoring
    processes count once their pool has shut down, at the end of the score stage)."""
    try:
        import resource
    except ImportError:  # not on POSIX
        return time.process_time()
    me, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def bucket_count(paths: Sequence[str | os.PathLike[str]], bucket_bytes: int = BUCKET_BYTES) -> int:
    """Buckets for ``paths``: about ``bucket_bytes`` of input each (1 for a small export)."""
    size = sum(Path(p).stat().st_size for p in paths if Path(p).is_file())
    return max(1, min(4096, math.ceil(size / bucket_bytes)))


def bucket_of(target_sites: pd.Series, buckets: int) -> np.ndarray:
    """Bucket of each row: a stable hash of its target site (the same in every process and
    run, unlike Python's hash), modulo ``buckets``."""
    text = target_sites.astype("string").fillna("").to_numpy(dtype=object)
    hashed = pd.util.hash_array(text, categorize=True)
    return (hashed % np.uint64(buckets)).astype(np.int64)


class _Spill:
    """Bucket files of one input file: Arrow IPC streams, one record batch per chunk."""

    def __init__(self, folder: Path, file_index: int, buckets: int) -> None:
        self.paths = [folder / f"in-{b:04d}-{file_index:03d}.arrow" for b in range(buckets)]
        self._writers: dict[int, pa.ipc.RecordBatchStreamWriter] = {}
        self._schema: pa.Schema | None = None

    def write(self, rows: pd.DataFrame, buckets: np.ndarray) -> None:
        """Append each row of ``rows`` to the file of its bucket (``buckets``, one per row).

        The chunk becomes one Arrow table, ordered by bucket and sliced (one pandas-to-Arrow
        conversion per chunk, not one per bucket and chunk).
        """
        table = pa.Table.from_pandas(rows, preserve_index=False)
        if self._schema is None:
            self._schema = table.schema
        elif not table.schema.equals(self._schema):
            # A column that is empty in one chunk can be typed differently: same data, cast.
            table = table.cast(self._schema)
        order = np.argsort(buckets, kind="stable")
        ids = buckets[order]
        table = table.take(pa.array(order))
        starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
        ends = np.r_[starts[1:], len(ids)]
        for start, end in zip(starts, ends, strict=True):
            bucket = int(ids[start])
            writer = self._writers.get(bucket)
            if writer is None:
                writer = pa.ipc.new_stream(str(self.paths[bucket]), self._schema)
                self._writers[bucket] = writer
            writer.write_table(table.slice(start, end - start))

    def close(self) -> None:
        for writer in self._writers.values():
            writer.close()


def _unmapped(path: Path) -> pa.NativeFile:
    """``path`` opened for plain reads. Given a path, pyarrow memory-maps the file, and every
    page the ordered merge read stayed in the process's RSS: the merge of a 5M-link export's
    scored buckets (about 3 GB) peaked at 3.9 GiB, growing batch by batch."""
    return pa.OSFile(str(path), "rb")


def _read_arrow(path: Path) -> pd.DataFrame | None:
    if not path.exists():
        return None
    with _unmapped(path) as source, pa.ipc.open_stream(source) as reader:
        return reader.read_all().to_pandas()


@dataclass
class Spilled:
    """What pass 1 learnt of the input while spilling it."""

    rows: int = 0
    #: Each file's columns, in file order.
    columns: list[list[str]] = field(default_factory=list)
    #: Canonical columns with a value in some row (``present_canonical`` of the whole input).
    present: set[str] = field(default_factory=set)
    #: Whether every date is written on its own terms (``tables.utc_dates_cellwise``), so a
    #: bucket's rows can be rendered as CSV lines apart from the rest.
    dates_cellwise: bool = True


def spill(
    paths: Sequence[str | os.PathLike[str]],
    folder: Path,
    buckets: int,
    *,
    format: str | None = None,
    target: str | None | Sequence[str | None] = None,
    chunk_rows: int = 50_000,
    progress: Progress = lambda msg: None,
    spilled_rows: Callable[[int], None] = lambda rows: None,
) -> Spilled:
    """Pass 1: read every input in chunks into bucket files under ``folder``.

    ``target``: one target for every file, or one per file (:func:`resolve_targets`).
    ``spilled_rows`` is called with the rows spilled so far after each chunk.

    Raises
    ------
    SchemaError
        a chunk with rows that cannot be scored (``check_scorable``), before anything is
        written to the output.
    """
    targets = _per_file(target, len(paths))
    seen = Spilled()
    for index, path in enumerate(paths):
        out = _Spill(folder, index, buckets)
        # A row's position: its file, then its row in the file (the order read_exports keeps).
        position = index << FILE_SHIFT
        try:
            file_columns: list[str] = []
            for chunk in iter_export(
                path, format=format, chunksize=chunk_rows, target=targets[index]
            ):
                file_columns = list(chunk.columns)
                if not len(chunk):
                    continue
                check_scorable(chunk)
                seen.present |= present_canonical(chunk)
                if seen.dates_cellwise:
                    seen.dates_cellwise = all(utc_dates_cellwise(chunk[c]) for c in DATE_FIELDS)
                chunk = chunk.reset_index(drop=True)
                chunk[ROW] = np.arange(position, position + len(chunk), dtype=np.int64)
                position += len(chunk)
                seen.rows += len(chunk)
                progress(f"read {seen.rows:,} rows")
                out.write(chunk, bucket_of(chunk["target_site"], buckets))
                spilled_rows(seen.rows)
            seen.columns.append(file_columns)
        finally:
            out.close()
    # Arrow's allocator keeps what the reading freed for later: handed back here, since this
    # process then holds its little while the scoring processes hold the memory (1M links:
    # ~650 MiB left after the spill without this, ~360 MiB with it).
    pa.default_memory_pool().release_unused()
    return seen


def _bucket_links(folder: Path, bucket: int, n_files: int) -> pd.DataFrame | None:
    """The rows of one bucket, merged across files as ``read_exports`` merges them."""
    frames = []
    for index in range(n_files):
        frame = _read_arrow(folder / f"in-{bucket:04d}-{index:03d}.arrow")
        if frame is not None:
            frames.append(frame)
    if not frames:
        return None
    if n_files == 1:
        links = frames[0]
    else:
        from linkclf.sources.merge import merge_frames

        # The merged row keeps the position of the link's first row (groupby.first), so the
        # merged links come out in the order read_exports gives them.
        links = merge_frames(frames)
    links = conformed(links)  # a spilled frame is conformed already; merged ones are not
    return links.sort_values(ROW, kind="stable").reset_index(drop=True)


def _positions(path: Path) -> np.ndarray:
    """The ROW column of a scored bucket file (its input positions, ascending)."""
    with _unmapped(path) as source, pa.ipc.open_stream(source) as reader:
        parts = [batch.column(ROW).to_numpy() for batch in reader]
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)


class _BucketCursor:
    """One scored bucket file read front to back: :meth:`take` hands out its next rows, holding
    at most one record batch beyond them (as pandas frames, or as Arrow tables)."""

    def __init__(self, path: Path, *, frames: bool = True) -> None:
        self._source = _unmapped(path)
        self._reader = pa.ipc.open_stream(self._source)
        self._frames = frames
        self._left: Any = None

    def take(self, n: int) -> Any:
        parts = [] if self._left is None else [self._left]
        have = 0 if self._left is None else len(self._left)
        while have < n:
            batch = self._reader.read_next_batch()
            part = batch.to_pandas() if self._frames else pa.Table.from_batches([batch])
            parts.append(part)
            have += len(part)
        if len(parts) == 1:
            rows = parts[0]
        else:
            rows = pd.concat(parts) if self._frames else pa.concat_tables(parts)
        if self._frames:
            self._left = rows.iloc[n:] if have > n else None
            return rows.iloc[:n]
        self._left = rows.slice(n) if have > n else None
        return rows.slice(0, n)

    def close(self) -> None:
        self._reader.close()
        self._source.close()


def _ordered_parts(
    paths: list[Path],
    batch_rows: int,
    positions: list[np.ndarray] | None = None,
    *,
    frames: bool = True,
) -> Iterator[list[Any]]:
    """The rows of the scored buckets (each sorted by ROW) in ROW order, ``batch_rows`` at a
    time: for each output batch, the slice each bucket gives to it (frames or Arrow tables).

    The buckets' ROW columns (``positions``, read from the files when not given; 8 bytes a row)
    say how many rows each bucket gives to each output batch, and since a bucket's rows are in
    ROW order, those are its next rows. So every output batch is one slice per bucket, one
    concatenation and one sort. (A k-way merge in rounds, bounded by the smallest last-buffered
    row, emitted a few hundred rows a round when an export lists each target's links together:
    5M links with 99 buckets wrote about 1,300 rows/s.)
    """
    if positions is None:
        positions = [_positions(p) for p in paths]
    order = np.sort(np.concatenate(positions)) if positions else np.empty(0, dtype=np.int64)
    cursors = [_BucketCursor(p, frames=frames) for p in paths]
    used = [0] * len(paths)
    try:
        for start in range(0, len(order), batch_rows):
            last = order[min(start + batch_rows, len(order)) - 1]
            parts = []
            for i, (cursor, rows) in enumerate(zip(cursors, positions, strict=True)):
                upto = int(np.searchsorted(rows, last, side="right"))
                if upto > used[i]:
                    parts.append(cursor.take(upto - used[i]))
                    used[i] = upto
            yield parts
    finally:
        for cursor in cursors:
            cursor.close()


def _ordered_batches(
    paths: list[Path], batch_rows: int, positions: list[np.ndarray] | None = None
) -> Iterator[pd.DataFrame]:
    """Rows of the scored bucket frames in ROW order, ``batch_rows`` at a time."""
    for parts in _ordered_parts(paths, batch_rows, positions):
        yield pd.concat(parts).sort_values(ROW, kind="stable")


def _ordered_lines(
    paths: list[Path], batch_rows: int, positions: list[np.ndarray]
) -> Iterator[bytes]:
    """The finished CSV lines of the lines files in ROW order, ``batch_rows`` at a time: the
    merge only orders and concatenates bytes (each line was rendered by a scoring process)."""
    for parts in _ordered_parts(paths, batch_rows, positions, frames=False):
        table = pa.concat_tables(parts)
        order = np.argsort(table.column(ROW).to_numpy(), kind="stable")
        yield string_bytes(table.column(LINE).take(pa.array(order)))


#: The smallest batch of a scored bucket (see merge_rows_per_bucket).
MERGE_MIN_ROWS = 512


def merge_rows_per_bucket(chunk_rows: int, buckets: int) -> int:
    """Rows per record batch of a scored bucket file: the ordered merge holds at most one such
    batch per bucket beyond the rows it is writing, so a quarter of ``chunk_rows`` spread over
    the buckets bounds that at ``chunk_rows / 4``; at least :data:`MERGE_MIN_ROWS` (smaller
    batches cost more per row to read).
    """
    return max(MERGE_MIN_ROWS, chunk_rows // (4 * max(buckets, 1)))


def _per_file(target: str | None | Sequence[str | None], n: int) -> list[str | None]:
    if target is None or isinstance(target, str):
        return [target] * n
    targets = list(target)
    if len(targets) != n:
        raise ValueError(f"{len(targets)} targets for {n} files")
    return targets


def resolve_targets(
    paths: Sequence[str | os.PathLike[str]],
    format: str | None = None,
    target: str | None = None,
    *,
    chunk_rows: int = 50_000,
) -> list[str | None]:
    """The target each export is read with, as ``read_exports`` decides it.

    ``target`` when given (or for a single export: a Search Console export alone needs it).
    Otherwise each Search Console export among several takes the site the other exports name,
    if they name exactly one: the origin of their most common target URL. Only then are the
    other exports read (their target columns, chunk by chunk) before scoring.

    Raises
    ------
    InputError
        Search Console exports without ``target`` and the others naming no or several sites.
    """
    if target or len(paths) < 2:
        return [target] * len(paths)
    from linkclf.sources.detect import sniff

    gsc = [sniff(p, format).format == "gsc" for p in paths]
    if not any(gsc):
        return [None] * len(paths)
    counts: dict[str, int] = {}
    sites: set[str] = set()
    for path, is_gsc in zip(paths, gsc, strict=True):
        if is_gsc:
            continue
        for chunk in iter_export(path, format=format, chunksize=chunk_rows):
            named = chunk[["target_url", "target_site"]].dropna()
            sites.update(named["target_site"].astype(str))
            for url, n in named["target_url"].astype(str).value_counts(sort=False).items():
                counts[str(url)] = counts.get(str(url), 0) + int(n)
    where = ", ".join(str(p) for p, g in zip(paths, gsc, strict=True) if g)
    sites.discard("")
    if len(sites) != 1:
        from linkclf.sources.reader import _no_target

        shown = ", ".join(sorted(sites)[:3]) + (" ..." if len(sites) > 3 else "")
        found = (
            f"the other exports name {len(sites)} target sites ({shown})"
            if sites
            else "no other export naming the target site"
        )
        raise _no_target(where, found)
    from urllib.parse import urlsplit

    # The most common target URL; on a tie the first in sorted order (as Series.mode gives it).
    top = max(counts.values())
    url = urlsplit(min(u for u, n in counts.items() if n == top).strip())
    inferred = f"{url.scheme or 'https'}://{url.netloc}/"
    return [inferred if g else None for g in gsc]


class StreamRun:
    """One streamed scoring run, stage by stage (the CLI shows each stage's progress):
    :meth:`read` (spill), :meth:`score`, :meth:`write`; a context manager that removes its
    temp folder however it ends.

    Parameters
    ----------
    model : a loaded LinkClassifier.
    paths : the exports, merged as ``read_exports`` merges them when there are several.
    output : the scored table (any format of linkclf.tables; written atomically, nothing is
        written on an error).
    format : as for ``iter_export``.
    target : one target for every export, or one per export; None infers a Search Console
        export's target as ``read_exports`` does (:func:`resolve_targets`).
    chunk_rows : rows read at a time, and rows per scoring batch.
    buckets : number of target-site buckets (default: about 24 MB of input each).
    reasons : compute the reasons column (TreeSHAP on rows at or above the threshold).
    workers : processes that score buckets at the same time (1: this process; None: one per
        core, up to :data:`MAX_AUTO_WORKERS`, for exports of :data:`PROCESS_MIN_ROWS` rows or
        more). More than one needs ``model_dir``, the directory ``model`` was loaded from: each
        process loads it.
    model_dir : see ``workers``.
    """

    def __init__(
        self,
        model: LinkClassifier,
        paths: Sequence[str | os.PathLike[str]],
        output: str | os.PathLike[str],
        *,
        format: str | None = None,
        target: str | None | Sequence[str | None] = None,
        chunk_rows: int = 50_000,
        buckets: int | None = None,
        reasons: bool = True,
        workers: int | None = 1,
        model_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        if not paths:
            raise InputError(
                expected="at least one export file",
                found="none",
                fix="pass one or more export paths",
            )
        self.model = model
        self.paths = list(paths)
        self.output = output
        self.format = format
        self.target = target
        self.chunk_rows = chunk_rows
        self.reasons = reasons
        self.workers = workers
        self.model_dir = model_dir
        self.summary = StreamSummary(buckets=buckets or bucket_count(self.paths))
        # CSV outputs are rendered by the scoring processes (see Rendering).
        self._csv = format_of(output) in (".csv", ".csv.gz")
        self._folder: Path | None = None
        self._spilled = Spilled()
        self._rendering: Rendering | None = None
        self._scored: list[ScoredBucket] = []
        self._present: set[str] = set()
        self._pool: ScoringPool | None = None

    def __enter__(self) -> StreamRun:
        from linkclf.tables import is_stream

        if is_stream(self.output):  # stdout, a FIFO: spill to the temp folder of the system
            self._folder = Path(tempfile.mkdtemp(prefix="linkclf-stream-"))
        else:  # beside the output: the same file system, swept like linkclf.io's temp files
            out = Path(self.output)
            out.parent.mkdir(parents=True, exist_ok=True)
            self._folder = Path(tempfile.mkdtemp(prefix=temp_prefix(out), dir=out.parent))
        return self

    def __exit__(self, *exc: object) -> None:
        self._close_pool()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    @property
    def folder(self) -> Path:
        if self._folder is None:
            raise RuntimeError("StreamRun is used as a context manager: with StreamRun(...)")
        return self._folder

    def read(self, progress: Progress = lambda msg: None) -> int:
        """Pass 1: read and spill every export; returns the rows read."""
        start, cpu = time.perf_counter(), _cpu_seconds()
        targets = (
            resolve_targets(self.paths, self.format, self.target, chunk_rows=self.chunk_rows)
            if self.target is None or isinstance(self.target, str)
            else list(self.target)
        )
        self._spilled = spill(
            self.paths,
            self.folder,
            self.summary.buckets,
            format=self.format,
            target=targets,
            chunk_rows=self.chunk_rows,
            progress=progress,
            spilled_rows=self._start_pool,
        )
        self.summary.rows_read = self._spilled.rows
        self.summary.seconds["read+spill"] = time.perf_counter() - start
        self.summary.cpu_seconds["read+spill"] = _cpu_seconds() - cpu
        return self.summary.rows_read

    def score(self, progress: Progress = lambda msg: None) -> int:
        """Pass 2: score bucket by bucket; returns the links scored (distinct after merging).

        With ``workers`` > 1 the buckets are scored by that many processes, each with its own
        copy of the model (loaded from ``model_dir``); every bucket's scores are the same
        whichever process scores it, so the output is byte for byte the one-process output.
        """
        start, cpu = time.perf_counter(), _cpu_seconds()
        summary, folder = self.summary, self.folder
        workers = self._workers(summary.rows_read)
        # Each process scores batches of chunk_rows / workers links, so that the processes
        # together hold about what one process holds (the scores do not depend on the batch).
        batch_rows = max(self.chunk_rows // workers, 1)
        merge_rows = merge_rows_per_bucket(self.chunk_rows, summary.buckets)
        spilled = self._spilled
        if self._csv and spilled.dates_cellwise:
            self._rendering = Rendering(
                layout=tuple(_layout(spilled.columns)),
                present=frozenset(spilled.present),
                label=self.model.version_label(),
                frames=len(self.paths) > 1,
            )
        jobs = [
            (folder, b, len(self.paths), batch_rows, merge_rows, self.reasons, self._rendering)
            for b in range(summary.buckets)
        ]
        if workers > 1:
            summary.workers = workers
            self._start_pool(summary.rows_read)
            assert self._pool is not None
            done = self._pool.results(jobs)
        else:
            done = (_score_bucket(self.model, *job) for job in jobs)
        try:
            for finished, (_, result) in enumerate(done, start=1):
                if result is None:
                    continue
                self._scored.append(result)
                self._present |= result.present
                summary.links += result.links
                summary.flagged += result.flagged
                progress(
                    f"scored {summary.links:,}/{summary.rows_read:,} links "
                    f"({finished}/{summary.buckets} buckets)"
                )
        finally:
            self._close_pool()  # the processes' memory is not the write stage's
        self._scored.sort(key=lambda done: done.bucket)
        summary.seconds["score"] = time.perf_counter() - start
        summary.cpu_seconds["score"] = _cpu_seconds() - cpu
        return summary.links

    def _workers(self, rows: int) -> int:
        """Scoring processes for ``rows`` rows: never more than buckets, one without
        ``model_dir`` (the processes load the model from its directory)."""
        if self.model_dir is None:
            return 1
        return max(min(self.workers or auto_workers(rows), self.summary.buckets), 1)

    def _start_pool(self, rows: int) -> None:
        """Start the scoring processes once ``rows`` rows call for more than one (during the
        spill: as soon as the rows seen so far do, since more rows never call for fewer)."""
        workers = self._workers(rows)
        if self._pool is None and workers > 1:
            assert self.model_dir is not None
            self._pool = ScoringPool(self.model_dir, workers, self.reasons)

    def _close_pool(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.close()

    def write(self) -> None:
        """Pass 3: merge the scored buckets into input order and write the output."""
        start, cpu = time.perf_counter(), _cpu_seconds()
        scored, batch_rows = self._scored, max(self.chunk_rows // 2, 1)
        positions = [done.positions for done in scored]
        rendering = self._rendering
        line_paths = [done.lines_path for done in scored if done.lines_path is not None]
        if (
            rendering is not None
            and scored
            and self._present == rendering.present
            and len(line_paths) == len(scored)
            and len({done.columns for done in scored}) == 1
        ):
            lines = _ordered_lines(line_paths, batch_rows, positions)
            header = csv_header(scored[0].columns)
            write_csv_bytes(itertools.chain([header], lines), self.output)
        else:
            frames = [done.frame_path for done in scored if done.frame_path is not None]
            if len(frames) < len(scored):  # Rendering says when frames are written as well
                raise RuntimeError("scored buckets rendered for other columns than the file's")
            parts = _assembled(
                frames,
                _column_order(self._spilled.columns),
                self._present,
                self.model.version_label(),
                self.chunk_rows,
                positions,
            )
            write_scored_parts(parts, self.output)
        self.summary.seconds["write"] = time.perf_counter() - start
        self.summary.cpu_seconds["write"] = _cpu_seconds() - cpu


#: Below this many rows one process scores: starting a scoring process (imports, model load)
#: costs about as much as scoring 20k links.
PROCESS_MIN_ROWS = 100_000
#: Scoring processes started by default at most: each holds a model, a bucket and a scoring batch
#: (~650 MiB at the default chunk size; 1M links with two: 1,810 MiB with the parent), so the
#: 2 GiB budget allows two; more cores are left to an explicit ``--workers``.
MAX_AUTO_WORKERS = 2


def auto_workers(rows: int) -> int:
    """Scoring processes for an export of ``rows`` rows when none is asked for."""
    if rows < PROCESS_MIN_ROWS:
        return 1
    return max(1, min(len(os.sched_getaffinity(0)), MAX_AUTO_WORKERS))


@dataclass(frozen=True)
class Rendering:
    """How a scoring process writes its bucket as finished CSV lines (CSV outputs only), so
    that the parent's merge only orders and concatenates bytes.

    A line's text does not depend on the other rows when no date has a fraction of a second
    (``Spilled.dates_cellwise``), and its columns are the whole file's once ``present`` is the
    whole input's: true by construction for one export; for several, merging can drop the only
    rows with a value in a column (folded Search Console rows), so the scoring processes also
    write the scored frames and the parent merges those if the buckets' columns say otherwise.
    """

    layout: tuple[str, ...]  # the input's columns in output order (see _layout)
    present: frozenset[str]  # canonical columns with a value in the input
    label: str  # the model column's value
    frames: bool  # also write the scored frame


@dataclass
class ScoredBucket:
    """What scoring one bucket gives the parent."""

    bucket: int
    links: int
    flagged: int
    present: set[str]  # the canonical columns it has values in
    positions: np.ndarray  # its rows' input positions (ROW), ascending
    frame_path: Path | None = None  # the scored frame (Arrow IPC): rows and score columns
    lines_path: Path | None = None  # ROW and the finished CSV line of each row
    columns: tuple[str, ...] = ()  # the output columns its lines hold


#: Rows rendered as CSV lines at a time by a scoring process (bounds the rendering's memory).
RENDER_ROWS = 8192


def _score_bucket(
    model: LinkClassifier,
    folder: Path,
    bucket: int,
    n_files: int,
    batch_rows: int,
    merge_rows: int,
    reasons: bool,
    rendering: Rendering | None = None,
) -> tuple[int, ScoredBucket | None]:
    """Score one spilled bucket in batches of about ``batch_rows`` links and write it in record
    batches of ``merge_rows`` rows: as finished CSV lines with ``rendering``, as a scored frame
    without (or when ``rendering.frames`` asks for both). Pass 2 of one bucket."""
    links = _bucket_links(folder, bucket, n_files)
    if links is None or not len(links):
        return bucket, None
    present = present_canonical(links)
    scores = score_rows(model, links, chunk_rows=batch_rows, reasons=reasons)
    frame = links  # this bucket's own frame: the score columns are added in place
    for col in SCORE_COLUMNS:
        frame[col] = scores[col].to_numpy()
    result = ScoredBucket(
        bucket=bucket,
        links=len(frame),
        flagged=int(scores["flag"].astype(int).sum()),
        present=present,
        positions=frame[ROW].to_numpy(dtype=np.int64, copy=True),
    )
    if rendering is None or rendering.frames:
        result.frame_path = folder / f"scored-{bucket:04d}.arrow"
        table = pa.Table.from_pandas(frame, preserve_index=False)
        with pa.ipc.new_stream(str(result.frame_path), table.schema) as writer:
            # Small batches: the ordered merge holds one batch per bucket.
            writer.write_table(table, max_chunksize=merge_rows)
    if rendering is not None:
        result.lines_path = folder / f"lines-{bucket:04d}.arrow"
        result.columns = _write_lines(frame, rendering, result.lines_path, merge_rows)
    return bucket, result


def _write_lines(
    frame: pd.DataFrame, rendering: Rendering, path: Path, merge_rows: int
) -> tuple[str, ...]:
    """Write a scored bucket's rows as (ROW, CSV line) record batches of ``merge_rows`` rows;
    returns the output columns the lines hold."""
    out = _output_frame(frame, rendering.layout, set(rendering.present), rendering.label)
    rows = frame[ROW].to_numpy(dtype=np.int64)
    schema = pa.schema([(ROW, pa.int64()), (LINE, pa.string())])
    with pa.ipc.new_stream(str(path), schema) as writer:
        for start in range(0, len(out), RENDER_ROWS):
            lines = csv_lines(out.iloc[start : start + RENDER_ROWS], cellwise=True)
            if lines is None:
                # Spilled.dates_cellwise decided otherwise; a frame outside the fast path
                # (one column, repeated names) is not a scored file.
                raise RuntimeError(f"bucket rows that cannot be rendered apart: {list(out.dtypes)}")
            batch = pa.table({ROW: rows[start : start + RENDER_ROWS], LINE: lines}, schema=schema)
            writer.write_table(batch, max_chunksize=merge_rows)
    return tuple(str(c) for c in out.columns)


#: The model of a scoring process (loaded once per process by :func:`_load_process_model`), or
#: the error that loading it raised.
_PROCESS_MODEL: LinkClassifier | LinkclfError | None = None


def _load_process_model(model_dir: str, reasons: bool) -> None:
    global _PROCESS_MODEL
    try:
        _PROCESS_MODEL = LinkClassifier.load(model_dir)
        # What the first bucket would otherwise build, built while the parent still reads.
        _PROCESS_MODEL.prepare(reasons=reasons)
    except LinkclfError as exc:
        # Raised by the first job instead: an initializer's exception would print a traceback
        # in the process and leave the parent only "the pool is broken".
        _PROCESS_MODEL = exc


def _process_ready() -> None:
    """A job that only makes the pool start a process (its initializer loads the model)."""


def _score_bucket_in_process(*job: object) -> tuple[int, ScoredBucket | None]:
    if isinstance(_PROCESS_MODEL, LinkclfError):
        raise _PROCESS_MODEL
    assert _PROCESS_MODEL is not None, "initializer _load_process_model did not run"
    return _score_bucket(_PROCESS_MODEL, *job)  # type: ignore[arg-type]


#: Thread pools of the native libraries a scoring process uses: one thread each, since the
#: processes already share the cores (two processes of two OpenMP threads each on two cores ran
#: slower than one process).
_ONE_THREAD = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "RAYON_NUM_THREADS")


class ScoringPool:
    """``workers`` scoring processes, each loading the model once, started as soon as the run
    knows it wants them: while the parent still spills, on the core the spill leaves idle
    (importing and loading take ~1.7 s per process, which the score stage no longer waits for).

    Processes are spawned (not forked: the parent holds threads and open files), and they read
    their thread limits from the environment when their libraries load, so the limits are set
    in the environment they inherit, from the pool's creation until :meth:`close`. The parent's
    own libraries read theirs before that (OpenMP when LightGBM loaded, Arrow's thread pool with
    the first chunk its CSV reader read); one that starts later runs on one thread in the
    parent, whose remaining work (ordering and writing bytes) needs no more.
    """

    def __init__(self, model_dir: str | os.PathLike[str], workers: int, reasons: bool) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.workers = workers
        self._saved = {name: os.environ.get(name) for name in _ONE_THREAD}
        os.environ.update({name: "1" for name in _ONE_THREAD})
        self._pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_load_process_model,
            initargs=(str(model_dir), reasons),
        )
        # A spawning pool starts a process per submitted job while none is idle: one job each.
        for _ in range(workers):
            self._pool.submit(_process_ready)

    def results(self, jobs: list[tuple]) -> Iterator[tuple[int, ScoredBucket | None]]:
        """Score the buckets of ``jobs``, yielding results as they finish."""
        from concurrent.futures import as_completed
        from concurrent.futures.process import BrokenProcessPool

        futures = [self._pool.submit(_score_bucket_in_process, *job) for job in jobs]
        for future in as_completed(futures):
            try:
                yield future.result()
            except BrokenProcessPool:
                raise ResourceError(
                    expected=f"{self.workers} scoring processes to finish their buckets",
                    found="one that ended before it was done (killed, most often for lack "
                    "of memory: each holds ~650 MB)",
                    fix="score again with --workers 1",
                ) from None

    def close(self) -> None:
        """Stop the processes (jobs not started yet are cancelled) and restore the
        environment."""
        try:
            self._pool.shutdown(wait=True, cancel_futures=True)
        finally:
            for name, value in self._saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def score_files(
    model: LinkClassifier,
    paths: Sequence[str | os.PathLike[str]],
    output: str | os.PathLike[str],
    *,
    progress: Progress = lambda msg: None,
    **options: Any,
) -> StreamSummary:
    """Score one or more exports into a scored table at ``output``, in bounded memory.

    ``options`` are :class:`StreamRun`'s keyword parameters (format, target, chunk_rows,
    buckets, reasons, workers, model_dir); ``progress`` gets every stage's messages.

    Returns
    -------
    StreamSummary
        rows read, links written, flagged links, seconds per stage.

    Raises
    ------
    InputError, SchemaError
        one line, as ``read_exports`` and ``check_scorable``.
    """
    with StreamRun(model, paths, output, **options) as run:
        run.read(progress)
        progress(f"read {run.summary.rows_read:,} rows from {len(run.paths)} file(s)")
        run.score(progress)
        run.write()
    return run.summary


def _column_order(columns: list[list[str]]) -> list[str]:
    """The merged frame's columns: every file's columns in order of first appearance."""
    return list(dict.fromkeys(c for cols in columns for c in cols))


def _layout(columns: list[list[str]]) -> list[str]:
    """The merged input's columns in the order the scored file takes them: canonical, sites,
    every file's other columns in order of first appearance, ``seen_in``."""
    order = _column_order(columns)
    extras = [c for c in order if c not in (*CANONICAL_COLUMNS, *SITE_COLUMNS, SEEN_IN, ROW)]
    return [*CANONICAL_COLUMNS, *SITE_COLUMNS, *extras, SEEN_IN]


def _output_frame(
    batch: pd.DataFrame, layout: Sequence[str], present: set[str], label: str
) -> pd.DataFrame:
    """Scored rows (input columns, ROW and the score columns) as the scored file's rows: the
    columns of the in-memory path, a missing one empty."""
    links = batch.reindex(columns=list(layout))
    frame = assemble(links, batch, present=present)
    frame[MODEL_COLUMN] = label
    return frame


def _assembled(
    scored_paths: list[Path],
    order: list[str],
    present: set[str],
    label: str,
    chunk_rows: int,
    positions: list[np.ndarray] | None = None,
) -> Iterator[pd.DataFrame]:
    """Scored rows in input order, with the columns of the in-memory path (``positions``: each
    file's ROW column when known; read from the files otherwise)."""
    if not scored_paths:
        # No rows at all: the header the in-memory path writes for an empty export.
        empty = conform(pd.DataFrame({c: pd.Series([], dtype="string") for c in order}))
        scores = pd.DataFrame({c: pd.Series([], dtype=object) for c in SCORE_COLUMNS})
        frame = assemble(empty, scores)
        frame[MODEL_COLUMN] = label
        yield frame
        return
    layout = _layout([order])
    for batch in _ordered_batches(scored_paths, max(chunk_rows // 2, 1), positions):
        yield _output_frame(batch, [c for c in layout if c in batch.columns], present, label)
