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
from typing import IO, Any

import pandas as pd

from linkclf.errors import InputError
from linkclf.io import (
    atomic_open,
    neutralise_formula,
    read_csv_text,
    restore_formula,
    spreadsheet_safe,
)

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
    """linkclf.io's CSV of ``df`` (formulas neutralised, CRLF, minimal quoting), vectorised.

    The bytes are those of ``spreadsheet_safe(df).to_csv(lineterminator="\r\n")``
    (tests/test_tables_csv.py compares them), about 5x faster: every column becomes its CSV text
    once (pandas' own formatting for numbers and flags, Arrow for text and UTC dates), and Arrow
    quotes and joins the cells. Frames outside the fast path are written by pandas.
    """
    lines = csv_lines(df)
    if lines is None:
        return _csv_bytes_pandas(df, header)
    parts = [csv_header(df.columns)] if header else []
    if len(df):
        parts.append(string_bytes(lines))
    return b"".join(parts)


def csv_header(columns: Iterable[Any]) -> bytes:
    """The header line :func:`_csv_bytes` writes for ``columns`` (names neutralised, quoted
    as needed, CRLF)."""
    import pyarrow as pa

    names = [str(neutralise_formula(str(c))) for c in columns]
    line = ",".join(_quoted(pa.array([n], pa.string()))[0].as_py() for n in names)
    return (line + "\r\n").encode("utf-8")


def csv_lines(df: pd.DataFrame, *, cellwise: bool = False) -> Any:
    """Every row of ``df`` as its CSV line (CRLF included), an Arrow string array: the rows
    :func:`_csv_bytes` writes, so header plus these lines are its bytes.

    None for frames outside the fast path (one column; repeated names). With ``cellwise``, also
    None when a cell's text would depend on the other rows of its column (pandas writes every
    date of a column with a fraction of a second once one has one): lines that are written in
    another grouping than they were rendered in (linkclf.stream renders each scored bucket,
    the output interleaves them) must not depend on it.
    """
    if df.shape[1] < 2 or not df.columns.is_unique:
        # One column: csv writes an empty cell as "" on its own line; leave such cases to it.
        return None
    import pyarrow.compute as pc

    cells = []
    for i in range(df.shape[1]):
        column = df.iloc[:, i]
        text = _cell_text(column, cellwise=cellwise)
        if text is None:
            return None
        # Numbers, flags and dates never hold a delimiter, quote or line break.
        plain = pd.api.types.is_numeric_dtype(column.dtype) or pd.api.types.is_datetime64_any_dtype(
            column.dtype
        )
        cells.append(text if plain else _quoted(text))
    rows = pc.binary_join_element_wise(*cells, ",")
    return pc.binary_join_element_wise(rows, "", "\r\n")  # row + CRLF


def _csv_bytes_pandas(df: pd.DataFrame, header: bool) -> bytes:
    text = io.StringIO(newline="")
    spreadsheet_safe(df).to_csv(text, index=False, header=header, lineterminator="\r\n")
    return text.getvalue().encode("utf-8")


#: A cell is quoted when it holds the delimiter, the quote or a line break (csv.QUOTE_MINIMAL
#: with the CRLF terminator: Python's csv writer quotes for every character of the terminator).
_NEEDS_QUOTES = '[,"\r\n]'
#: A first character a formula can start with after linkclf.io's rule (``'``* then a tab or
#: line break, or whitespace then = + - @): quotes, = + - @, ASCII whitespace including \v and
#: \x1c-\x1f (str.isspace), or any non-ASCII character (Unicode spaces). Only such cells are
#: checked with the exact rule, in Python.
_MAYBE_FORMULA = "^(?:['=+\\-@\\s\\x0b\\x1c-\\x1f]|[^\\x00-\\x7f])"


def string_bytes(array: Any) -> bytes:
    """The UTF-8 bytes of an Arrow string array's values, concatenated."""
    import numpy as np
    import pyarrow as pa

    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    array = array.cast(pa.large_string())
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int64)[
        array.offset : array.offset + len(array) + 1
    ]
    data = array.buffers()[2]
    return data.to_pybytes()[int(offsets[0]) : int(offsets[-1])]


def _quoted(array: Any) -> Any:
    """Cells quoted as csv.QUOTE_MINIMAL quotes them (quotes inside doubled)."""
    import pyarrow.compute as pc

    needs = pc.match_substring_regex(array, _NEEDS_QUOTES)
    if not pc.any(needs).as_py():
        return array
    doubled = pc.replace_substring(array, '"', '""')
    wrapped = pc.binary_join_element_wise('"', doubled, '"', "")
    return pc.if_else(needs, wrapped, array)


def _cell_text(series: pd.Series, *, cellwise: bool = False) -> Any:
    """One column as the text pandas' to_csv writes for it after spreadsheet_safe ('' for a
    missing value), as an Arrow string array without nulls; None with ``cellwise`` for a
    column of dates pandas formats as a whole (see :func:`csv_lines`)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    dtype = series.dtype
    # The columns spreadsheet_safe neutralises, decided as it decides (a categorical of text is
    # one of them, and goes through it below).
    is_object = pd.api.types.is_object_dtype(dtype)
    text_column = is_object or pd.api.types.is_string_dtype(series)
    if (
        text_column
        and not isinstance(dtype, pd.CategoricalDtype)
        and (not is_object or pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty"))
    ):
        # Arrow-backed text (pandas' str/string dtypes) is taken as it is, without a copy.
        array = pa.array(series, from_pandas=True)
        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks()
        if not pa.types.is_string(array.type):
            array = array.cast(pa.string())
        return _neutralised(pc.fill_null(array, ""))
    if isinstance(dtype, pd.DatetimeTZDtype) and str(dtype.tz) == "UTC":
        dates = _utc_dates(series)
        if dates is not None:
            return dates
    if cellwise and (
        pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype)
    ):
        # pandas picks one format for the column (its finest fraction; dates only when every
        # value is a midnight): a cell's text depends on the others.
        return None
    fast = _number_text(series)
    if fast is not None:
        return fast
    # Numbers, flags, other dates and mixed columns: pandas' own CSV formatting, then str() as
    # the csv module applies it.
    if text_column:
        series = spreadsheet_safe(series.to_frame()).iloc[:, 0]
    # The formatting to_csv applies (a private pandas method: the same text by construction).
    values = series.to_frame()._get_values_for_csv(  # type: ignore[operator]
        float_format=None, date_format=None, decimal=".", na_rep="", quoting=None
    )
    cells = values.iloc[:, 0].to_numpy(object)
    try:
        return pa.array(cells, pa.string())
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # not all text yet (a mixed object column)
        return pa.array([v if isinstance(v, str) else str(v) for v in cells], pa.string())


def _number_text(series: pd.Series) -> Any:
    """What pandas' CSV formatting writes for a column of NumPy floats or integers, or of
    flags (numpy bool or pandas' nullable boolean), as an Arrow string array ('' for missing);
    None for other columns. Vectorised: pandas formats floats through a NumPy array of str and
    flags with NA one cell at a time (~a third of rendering a scored bucket)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    dtype = series.dtype
    if dtype == np.float64:
        values = series.to_numpy()
        missing = np.isnan(values)
        # Whole numbers below 2^53 (metrics, counts) are their integer's digits and ".0", as
        # repr writes them; -0.0, fractions, huge values and infinities go through repr.
        with np.errstate(invalid="ignore"):  # NaN
            whole = (values == np.floor(values)) & (np.abs(values) < 2.0**53)
        whole &= ~((values == 0) & np.signbit(values))
        rest = ~whole & ~missing
        digits = pc.cast(pa.array(values[whole].astype(np.int64)), pa.string())
        # Each cell's position in [whole numbers, the rest, ""].
        # Python's repr is NumPy's str for float64 (the shortest digits that round-trip, the
        # same switch to exponents), and builds the strings faster than NumPy's str array.
        others = pa.array([repr(v) for v in values[rest].tolist()], pa.string())
        at = np.empty(len(values), dtype=np.int64)
        at[whole] = np.arange(len(digits))
        at[rest] = len(digits) + np.arange(len(others))
        at[missing] = len(digits) + len(others)
        cells = [pc.binary_join_element_wise(digits, ".0", ""), others, pa.array([""])]
        return pa.concat_arrays(cells).take(pa.array(at))
    if pd.api.types.is_integer_dtype(dtype) and isinstance(dtype, np.dtype):
        return pc.cast(pa.array(series.to_numpy()), pa.string())
    if dtype == np.bool_ or isinstance(dtype, pd.BooleanDtype):
        flags = pa.array(series, from_pandas=True)
        return pc.fill_null(pc.if_else(flags, "True", "False"), "")
    return None


def _neutralised(array: Any) -> Any:
    """linkclf.io.neutralise_formula on every cell: a cheap Arrow filter, the exact rule in
    Python on the few cells that pass it."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    maybe = pc.match_substring_regex(array, _MAYBE_FORMULA)
    if not pc.any(maybe).as_py():
        return array
    where = np.flatnonzero(maybe.to_numpy(zero_copy_only=False))
    values = array.to_numpy(zero_copy_only=False).astype(object)
    changed = False
    for i in where:
        safe = neutralise_formula(values[i])
        if safe is not values[i]:
            values[i] = safe
            changed = True
    return pa.array(values, pa.string()) if changed else array


def utc_dates_cellwise(series: pd.Series) -> bool:
    """Whether pandas writes every UTC timestamp of ``series`` on its own terms: no value has a
    fraction of a second (pandas then adds one to every value) and every year has four digits.
    """
    import numpy as np

    naive = series.dt.tz_convert(None).to_numpy(dtype="datetime64[us]")
    ticks = naive[~np.isnat(naive)].astype(np.int64)
    return not (
        len(ticks)
        and (
            (ticks % 1_000_000).any()
            or ticks.min() < -30610224000 * 1_000_000  # 1000-01-01
            or ticks.max() >= 253402300800 * 1_000_000  # 10000-01-01
        )
    )


def _utc_dates(series: pd.Series) -> Any:
    """UTC timestamps as pandas writes them (``2024-12-05 23:09:11+00:00``) when no value has
    a fraction of a second (pandas then adds one to every value) and every year has four
    digits; None otherwise (pandas formats them)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if not utc_dates_cellwise(series):
        return None
    naive = series.dt.tz_convert(None).to_numpy(dtype="datetime64[us]")
    valid = ~np.isnat(naive)
    seconds = pa.array(naive.astype("datetime64[s]"), pa.timestamp("s"), mask=~valid)
    # Arrow's cast writes "%Y-%m-%d %H:%M:%S" for whole seconds (years 1000-9999), 20x faster
    # than its strftime.
    text = pc.cast(seconds, pa.string())
    text = pc.binary_join_element_wise(text, "+00:00", "")
    return pc.fill_null(text, "")


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
    writer = _WRITERS[format_of(path)]
    _write_out(lambda handle: writer(parts, handle), path)


def write_csv_bytes(chunks: Iterable[bytes], path: str | os.PathLike[str]) -> None:
    """Write a CSV table from its finished bytes (the header line first, then whole lines, as
    :func:`csv_header` and :func:`csv_lines` render them), gzipped for ``.csv.gz``, atomically
    as :func:`write_table_parts` writes.

    Raises
    ------
    ValueError
        ``path`` names a format other than CSV.
    """
    ext = format_of(path)
    if ext not in (".csv", ".csv.gz"):
        raise ValueError(f"write_csv_bytes writes .csv and .csv.gz, not {ext}")

    def write(handle: IO[bytes]) -> None:
        if ext == ".csv":
            for chunk in chunks:
                handle.write(chunk)
            return
        # As _write_csv_gz: the same deflate stream whatever the chunks (no flush between them).
        with gzip.GzipFile(fileobj=handle, mode="wb", mtime=0, filename="") as gz:
            for chunk in chunks:
                gz.write(chunk)

    _write_out(write, path)


def _write_out(write: Callable[[IO[bytes]], None], path: str | os.PathLike[str]) -> None:
    """Run ``write`` on the output at ``path``: a temp file renamed over a regular file (a
    symlink's target), a spool copied out for stdout and special files."""
    text = os.fspath(path)
    if is_stream(text):
        with tempfile.TemporaryFile() as spool:
            write(spool)
            spool.seek(0)
            _copy_out(spool, text)
        return
    # A symlink is written at its target, so the link itself survives.
    real = os.path.realpath(text) if os.path.islink(text) else text
    with atomic_open(real, "wb") as handle:
        write(handle)


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
