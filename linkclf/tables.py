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
import stat
import sys
from collections.abc import Callable, Collection
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


def _csv_bytes(df: pd.DataFrame) -> bytes:
    text = io.StringIO(newline="")
    spreadsheet_safe(df).to_csv(text, index=False, lineterminator="\r\n")
    return text.getvalue().encode("utf-8")


def _write_csv(df: pd.DataFrame, handle: IO[bytes]) -> None:
    handle.write(_csv_bytes(df))


def _write_csv_gz(df: pd.DataFrame, handle: IO[bytes]) -> None:
    with gzip.GzipFile(fileobj=handle, mode="wb", mtime=0, filename="") as gz:
        gz.write(_csv_bytes(df))


def _write_parquet(df: pd.DataFrame, handle: IO[bytes]) -> None:
    frame = df.copy()
    frame.columns = [str(c) for c in frame.columns]
    frame.to_parquet(handle, index=False, engine="pyarrow")


def _write_jsonl(df: pd.DataFrame, handle: IO[bytes]) -> None:
    text = df.to_json(
        orient="records", lines=True, force_ascii=False, date_format="iso", double_precision=15
    )
    handle.write((text or "").encode("utf-8"))


_WRITERS: dict[str, Callable[[pd.DataFrame, IO[bytes]], None]] = {
    ".csv": _write_csv,
    ".csv.gz": _write_csv_gz,
    ".parquet": _write_parquet,
    ".jsonl": _write_jsonl,
}


def write_table(df: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """Write ``df`` in the format its extension names (see the module docstring).

    Nothing is left at ``path`` if writing fails: regular files are written to a temp file
    beside the real target and renamed over it.
    """
    text = os.fspath(path)
    writer = _WRITERS[format_of(text)]
    if text == STDOUT:
        buffer = io.BytesIO()
        writer(df, buffer)
        out = getattr(sys.stdout, "buffer", None)
        if out is None:  # a text-only stdout (some test runners)
            sys.stdout.write(buffer.getvalue().decode("utf-8"))
        else:
            sys.stdout.flush()
            out.write(buffer.getvalue())
            out.flush()
        return
    if _writes_through(text):
        with open(text, "wb") as handle:
            writer(df, handle)
        return
    # A symlink is written at its target, so the link itself survives.
    real = os.path.realpath(text) if os.path.islink(text) else text
    with atomic_open(real, "wb") as handle:
        writer(df, handle)


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
