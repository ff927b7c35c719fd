"""Atomic file writes and spreadsheet-safe CSV.

A crash or a bad input must never leave a half-written output or overwrite an input, so every
writer goes through a temp file in the destination folder and an atomic rename.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import os
import re
import shutil
import tempfile
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import IO

import pandas as pd

from linkclf import inputfile, limits, opening
from linkclf.errors import InputError

#: A cell is a formula to Excel / LibreOffice / Sheets when it starts with one of ``= + - @``,
#: also after leading whitespace or line breaks, or starts with a tab, CR or LF (OWASP's list).
_FORMULA = re.compile(r"(?:[\t\r\n]|\s*[=+\-@])")
#: Names of our temp files and directories beside a target: ``.NAME.linkclf-<pid>-<random>``.
TEMP_TAG = ".linkclf-"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def sweep_stale(target: str | os.PathLike[str]) -> None:
    """Remove temp siblings of ``target`` that a killed linkclf process left behind.

    Only names of our own pattern whose process id no longer runs are touched, so a concurrent
    run's temp files survive.
    """
    path = Path(target)
    prefix = f".{path.name}{TEMP_TAG}"
    try:
        siblings = [p for p in path.parent.iterdir() if p.name.startswith(prefix)]
    except OSError:
        return
    for sibling in siblings:
        pid = sibling.name[len(prefix) :].split("-", 1)[0]
        if not pid.isdigit() or _pid_alive(int(pid)):
            continue
        if sibling.is_dir() and not sibling.is_symlink():
            shutil.rmtree(sibling, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                sibling.unlink()


def temp_prefix(target: str | os.PathLike[str]) -> str:
    """Prefix for a temp file or directory beside ``target`` (see :func:`sweep_stale`)."""
    return f".{Path(target).name}{TEMP_TAG}{os.getpid()}-"


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike[str], mode: str = "w", **kwargs) -> Iterator[IO]:
    """Open a temp file beside ``path``; rename it over ``path`` only if the block succeeds.

    The temp file is removed on any exception (including KeyboardInterrupt; the CLI turns
    SIGTERM/SIGHUP into one); one left by a ``kill -9`` is swept by the next write to ``path``.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, "Is a directory", str(target))
    sweep_stale(target)
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(target), suffix=".tmp", dir=target.parent)
    try:
        os.close(fd)
        # mkstemp makes the file 0600; give it the mode a plain open() would (0666 minus umask).
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        with open(tmp, mode, **kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_text_atomic(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    """Write text atomically with ``\\n`` line ends."""
    with atomic_open(path, "w", encoding=encoding, newline="\n") as handle:
        handle.write(text)


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    with atomic_open(path, "wb") as handle:
        handle.write(data)


def _is_formula(text: str) -> bool:
    return _FORMULA.match(text.lstrip("'")) is not None


def neutralise_formula(value: object) -> object:
    """Prefix ``'`` to a string a spreadsheet would run as a formula (``=HYPERLINK(...)``).

    A string that already starts with ``'`` in front of a formula gets one more, so
    :func:`restore_formula` undoes exactly what was added: the pair round-trips every string.
    """
    if isinstance(value, str) and _is_formula(value):
        return "'" + value
    return value


def restore_formula(value: object) -> object:
    """The string :func:`neutralise_formula` was given (anything else unchanged)."""
    if isinstance(value, str) and value.startswith("'") and _is_formula(value):
        return value[1:]
    return value


def _map_text(series: pd.Series, quoted: bool) -> pd.Series:
    """Vectorised :func:`neutralise_formula` (quoted=False) or :func:`restore_formula`."""
    text = series.astype("string")
    hit = text.str.lstrip("'").str.match(_FORMULA.pattern).fillna(False).astype(bool)
    if series.dtype == object:  # a number in a mixed column is not text a formula could hide in
        hit &= series.map(lambda v: isinstance(v, str)).astype(bool)
    if quoted:
        hit &= text.str.startswith("'").fillna(False).astype(bool)
    if not hit.any():
        return series
    out = series.astype(object).copy()
    out[hit] = (text[hit].str[1:] if quoted else "'" + text[hit]).astype(object)
    return out


def spreadsheet_safe(df: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``df`` with every text cell AND header neutralised for spreadsheets."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = _map_text(out[col], quoted=False)
    out.columns = [neutralise_formula(str(col)) for col in out.columns]
    return out


def restore_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Undo :func:`spreadsheet_safe` on a frame read back as text (headers and cells)."""
    out = df.copy()
    out.columns = [restore_formula(str(col)) for col in out.columns]
    for i in range(out.shape[1]):
        out.iloc[:, i] = _map_text(out.iloc[:, i], quoted=True)
    return out


def write_csv_atomic(
    df: pd.DataFrame, path: str | os.PathLike[str], *, for_spreadsheet: bool = True
) -> None:
    """Write a UTF-8 CSV atomically; every cell and header neutralised unless told otherwise.

    Records end in CRLF (RFC 4180). Not only a convention: Python's csv writer quotes a cell
    only for the characters of its line terminator, so with ``\n`` a cell holding a bare CR
    was written unquoted and split the record for every reader. With CRLF every cell holding
    CR or LF is quoted, so any CSV reader sees exactly the records written.
    """
    frame = spreadsheet_safe(df) if for_spreadsheet else df
    with atomic_open(path, "w", encoding="utf-8", newline="") as handle:
        frame.to_csv(handle, index=False, lineterminator="\r\n")


def refuse_overwrite_input(output: str | os.PathLike[str], inputs: list[str]) -> None:
    """Refuse an output path that is one of the inputs (the input would be lost) or a directory.

    Called before any work, so a wrong ``-o`` costs nothing. ``-`` (stdin, stdout) is never a
    file another argument names.
    """
    if os.fspath(output) == "-":
        return
    if Path(output).is_dir():
        raise InputError(
            expected="an output file name",
            found=f"-o {output} is a directory",
            fix=f"name a file inside it, e.g. {Path(output) / 'out'}",
            where=str(output),
        )
    out = Path(output).resolve()
    for item in inputs:
        if item != "-" and Path(item).resolve() == out:
            raise InputError(
                expected="an output path different from every input",
                found=f"-o {output} is also an input",
                fix="write the results to a new file",
                where=str(output),
            )


def _check_head(head: bytes, where: str, what: str, fix: str) -> None:
    """Refuse, from the first bytes only, what pandas would choke or crawl on.

    Not a regular file, compressed or binary, UTF-16, and a header line over the line limit or
    with more columns than the column limit (pandas takes minutes on 5 million header cells).
    """
    limit = limits.current()
    if not head.strip():
        raise InputError(
            expected=f"{what} with a header row", found="an empty file", fix=fix, where=where
        )
    inputfile.refuse_container(head, where, what)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(
            expected=f"{what} in UTF-8",
            found="UTF-16 text",
            fix="save it as CSV UTF-8, or " + fix,
            where=where,
        )
    text = head.decode("utf-8", errors="replace")
    sample = text[:20_000]
    odd = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\r\n") or ch == "\ufffd")
    # Loose on purpose: our own cells may hold control characters (they round-trip); random
    # bytes are mostly undecodable, so binary data still stands out.
    if len(sample) >= 64 and odd > 0.3 * len(sample):
        raise InputError(
            expected=what,
            found=f"binary data ({odd} control or undecodable "
            f"characters in the first {len(sample):,})",
            fix=fix,
            where=where,
        )
    buffer = io.StringIO(text, newline="")
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, len(text) + 1))
    try:
        header = next(csv.reader(buffer), [])
    except csv.Error:
        header = []
    finally:
        csv.field_size_limit(previous)
    if len(head) > limit.max_line_bytes and buffer.tell() >= len(text):
        raise InputError(
            expected=f"a header line of at most {limit.max_line_bytes:,} bytes",
            found="a longer line",
            fix=f"{fix} (or raise LINKCLF_MAX_LINE_BYTES)",
            where=where,
        )
    if len(header) > limit.max_columns:
        raise InputError(
            expected=f"at most {limit.max_columns:,} columns",
            found=f"{len(header):,} header cells",
            fix=f"{fix} (or raise LINKCLF_MAX_COLUMNS)",
            where=where,
        )


def _check_fields(df: pd.DataFrame, where: str, fix: str) -> None:
    limit = limits.current()
    if len(df) > limit.max_rows:
        raise InputError(
            expected=f"at most {limit.max_rows:,} rows",
            found="more",
            fix=f"split the file (or raise LINKCLF_MAX_ROWS); {fix}",
            where=where,
        )
    for col in df.columns:
        lengths = df[col].str.len()
        if len(lengths) and int(lengths.max()) > limit.max_field_chars:
            row = int(lengths.to_numpy().argmax()) + 2  # +1 header, +1 one-based
            raise InputError(
                expected=f"fields of at most {limit.max_field_chars:,} characters",
                found=f"{int(lengths.max()):,} characters in column {str(col)[:40]!r}",
                fix="the file is broken (an unclosed quote swallows rows); " + fix,
                where=f"{where}, row {row}",
            )


def read_csv_text(
    path: str | os.PathLike[str], columns: Collection[str], *, what: str, fix: str
) -> pd.DataFrame:
    """Read the ``columns`` present in a UTF-8 CSV linkclf wrote, every cell as text.

    The reader of :func:`write_csv_atomic`'s files: headers and cells come back exactly as they
    were before neutralisation (:func:`restore_formula`). The one place that turns a bad file
    into a user's line: not a regular file, compressed or binary, empty, over the limits
    (:mod:`linkclf.limits`), not UTF-8, or a file that does not parse. ``what`` names the
    expected file ("a scored CSV from `linkclf score`"); ``fix`` says how to get one. Checking
    which columns are required is the caller's business (the messages differ per command).
    """
    name = str(path)
    wanted = set(columns)
    try:
        # One open, gzip/zip/xlsx decoded, stdin allowed (linkclf.opening).
        with opening.open_input(path, limits.current().max_line_bytes + 1, what) as opened:
            _check_head(opened.head, opened.where, what, fix)
            df = pd.read_csv(
                opened.stream,
                dtype=str,
                keep_default_na=False,
                usecols=lambda col: restore_formula(col) in wanted,
                # As sources.reader.pandas_options: a row longer than the header keeps its
                # first fields (pandas made the extra ones an index: a MultiIndex of thousands
                # of levels when a broken file ran its rows into one line).
                index_col=False,
                encoding="utf-8",
                nrows=limits.current().max_rows + 1,
            )
    except pd.errors.EmptyDataError:
        raise InputError(
            expected=f"{what} with a header row", found="an empty file", fix=fix, where=name
        ) from None
    except UnicodeDecodeError:
        raise InputError(
            expected=f"{what} in UTF-8",
            found="bytes that are not UTF-8",
            fix=fix,
            where=name,
        ) from None
    except (pd.errors.ParserError, ValueError, OverflowError, csv.Error) as exc:
        raise InputError(
            expected=f"{what}, comma-separated",
            found=f"a file pandas cannot parse ({(str(exc).splitlines() or [''])[0][:200]})",
            fix=fix,
            where=name,
        ) from None
    _check_fields(df, name, fix)
    return restore_frame(df)
