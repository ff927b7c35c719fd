"""Tables out and back in by file extension: ``.csv``, ``.csv.gz``, ``.parquet``, ``.jsonl``, ``-``.

The one place that decides how a frame is written to a path the user named:

* ``.csv`` / ``.csv.gz`` - linkclf.io's CSV (UTF-8, CRLF records, spreadsheet formulas
  neutralised), gzip with a fixed mtime so the bytes are reproducible;
* ``.parquet`` - pyarrow, types kept;
* ``.jsonl`` - one JSON object per line, UTF-8;
* ``-`` - CSV on stdout (messages stay on stderr);

and anything else is refused naming these. A regular file (or a symlink to one) is written
atomically *at the link's target*, so a symlink stays a symlink; a device, a FIFO or anything
under ``/dev`` (``/dev/stdout``) is written through, never replaced by a regular file.
"""

from __future__ import annotations

import gzip
import io
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import IO

import pandas as pd

from linkclf.errors import InputError
from linkclf.io import atomic_open, read_csv_text, restore_formula, spreadsheet_safe

STDOUT = "-"
#: Extensions in the order help text names them.
EXTENSIONS = (".csv", ".csv.gz", ".parquet", ".jsonl")


def format_of(path: str | os.PathLike[str]) -> str:
    """The output format of ``path`` (one of :data:`EXTENSIONS`, ``.csv`` for ``-``).

    Raises
    ------
    InputError
        for any other extension, naming the valid ones (checked before any work is done).
    """
    text = os.fspath(path)
    if text == STDOUT:
        return ".csv"
    lower = text.lower()
    for ext in sorted(EXTENSIONS, key=len, reverse=True):
        if lower.endswith(ext):
            return ext
    if Path(text).suffix == "" and not _writes_through(text):
        found = "no extension"
    elif _writes_through(text):
        return ".csv"  # /dev/stdout, a FIFO: a stream, written as CSV
    else:
        found = f"the extension {Path(text).suffix!r}"
    raise InputError(
        expected=f"an output file ending in {', '.join(EXTENSIONS)} (or - for stdout)",
        found=found,
        fix=f"name the output e.g. {Path(text).stem or 'scored'}.csv",
        where=text,
    )


def _writes_through(path: str) -> bool:
    """A device, FIFO or socket (after symlinks), or a descriptor path (/dev/stdout, /dev/fd/N):
    opened and written, never renamed over (that once replaced /dev/stdout with a file)."""
    if path in ("/dev/stdout", "/dev/stderr") or path.startswith(("/dev/fd/", "/proc/self/fd/")):
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _csv_bytes(df: pd.DataFrame, header: bool = True) -> bytes:
    text = io.StringIO(newline="")
    spreadsheet_safe(df).to_csv(text, index=False, header=header, lineterminator="\r\n")
    return text.getvalue().encode("utf-8")


def _write_csv(parts: Iterable[pd.DataFrame], handle: IO[bytes]) -> None:
    for i, part in enumerate(parts):
        handle.write(_csv_bytes(part, header=i == 0))


def _write_csv_gz(parts: Iterable[pd.DataFrame], handle: IO[bytes]) -> None:
    with gzip.GzipFile(fileobj=handle, mode="wb", mtime=0, filename="") as gz:
        _write_csv(parts, gz)  # type: ignore[arg-type]


def _write_parquet(parts: Iterable[pd.DataFrame], handle: IO[bytes]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer: pq.ParquetWriter | None = None
    schema: pa.Schema | None = None
    try:
        for part in parts:
            frame = part.rename(columns=str)
            table = pa.Table.from_pandas(frame, preserve_index=False)
            if schema is None:
                # A text column that is empty in the first part comes out as Arrow's null type;
                # it is text (read_csv reads every vendor column as text), so later parts fit.
                schema = pa.schema(
                    [
                        f.with_type(pa.string()) if pa.types.is_null(f.type) else f
                        for f in table.schema
                    ],
                    metadata=table.schema.metadata,
                )
                writer = pq.ParquetWriter(handle, schema)
            if not table.schema.equals(schema):
                table = table.cast(schema)
            assert writer is not None
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()


def _write_jsonl(parts: Iterable[pd.DataFrame], handle: IO[bytes]) -> None:
    for i, part in enumerate(parts):
        if i and not len(part):
            continue  # an empty later part would add a blank line
        text = part.to_json(
            orient="records", lines=True, force_ascii=False, date_format="iso", double_precision=15
        )
        handle.write((text or "").encode("utf-8"))


_WRITERS: dict[str, Callable[[Iterable[pd.DataFrame], IO[bytes]], None]] = {
    ".csv": _write_csv,
    ".csv.gz": _write_csv_gz,
    ".parquet": _write_parquet,
    ".jsonl": _write_jsonl,
}


def is_stream(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is stdout or a special file written through (not a regular file)."""
    text = os.fspath(path)
    return text == STDOUT or _writes_through(text)


def write_table(df: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """Write ``df`` in the format its extension names (see the module docstring).

    Nothing is left at ``path`` if writing fails: regular files are written to a temp file
    beside the real target and renamed over it.
    """
    write_table_parts([df], path)


def write_table_parts(parts: Iterable[pd.DataFrame], path: str | os.PathLike[str]) -> None:
    """Write consecutive parts of one table (same columns) as :func:`write_table` writes the
    whole frame: one header, the same cells, in bounded memory (one part at a time).

    Nothing is written if a part fails: a regular file is written to a temp file beside it and
    renamed; stdout and special files get the bytes from a spool file once all parts are done
    (a reader of a pipe never sees half a table).
    """
    text = os.fspath(path)
    writer = _WRITERS[format_of(text)]
    if is_stream(text):
        with tempfile.TemporaryFile() as spool:
            writer(parts, spool)
            spool.seek(0)
            _copy_out(spool, text)
        return
    # A symlink is written at its target, so the link itself survives.
    real = os.path.realpath(text) if os.path.islink(text) else text
    with atomic_open(real, "wb") as handle:
        writer(parts, handle)


def _copy_out(spool: IO[bytes], path: str) -> None:
    """Copy a finished spool to stdout or a special file."""
    if path != STDOUT:
        with open(path, "wb") as handle:
            shutil.copyfileobj(spool, handle, 1 << 20)
        return
    out = getattr(sys.stdout, "buffer", None)
    if out is None:  # a text-only stdout (some test runners)
        shutil.copyfileobj(io.TextIOWrapper(spool, encoding="utf-8", newline=""), sys.stdout)
        return
    sys.stdout.flush()
    shutil.copyfileobj(spool, out, 1 << 20)
    out.flush()


def _as_text(df: pd.DataFrame) -> pd.DataFrame:
    """Every cell as the text a CSV would hold ('' for missing), as read_csv_text returns it."""
    out = pd.DataFrame(index=df.index)
    for col in df.columns:
        series = df[col]
        text = series.astype("object").where(series.notna(), "")
        out[str(col)] = text.map(lambda v: v if isinstance(v, str) else str(v)).astype(object)
    return out


def read_table_text(
    path: str | os.PathLike[str], columns: Collection[str], *, what: str, fix: str
) -> pd.DataFrame:
    """The ``columns`` present in a table linkclf wrote, every cell as text.

    ``.parquet`` and ``.jsonl`` are read by extension; everything else (``.csv``, ``.csv.gz``,
    a zip, stdin) by :func:`linkclf.io.read_csv_text`, which recognises compression itself.
    """
    text = os.fspath(path)
    ext = next((e for e in (".parquet", ".jsonl") if text.lower().endswith(e)), None)
    if ext is None:
        return read_csv_text(path, columns, what=what, fix=fix)
    wanted = set(columns)
    from linkclf import inputfile

    try:
        with inputfile.open_regular(path, what) as handle:
            if ext == ".parquet":
                df = pd.read_parquet(handle, engine="pyarrow")
            else:
                df = pd.read_json(
                    handle,
                    orient="records",
                    lines=True,
                    dtype=False,  # no type guessing (and no date parsing): text stays text
                    precise_float=True,
                )
    except InputError:
        raise
    except Exception as exc:  # pyarrow and the JSON parser raise many types for a bad file
        raise InputError(
            expected=f"{what} ({ext})",
            found=f"a file that cannot be read as {ext} ({str(exc).splitlines()[0][:200]})",
            fix=fix,
            where=text,
        ) from None
    keep = [c for c in df.columns if restore_formula(str(c)) in wanted]
    return _as_text(df[keep])
