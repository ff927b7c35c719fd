"""Atomic file writes and spreadsheet-safe CSV.

A crash or a bad input must never leave a half-written output or overwrite an input, so every
writer goes through a temp file in the destination folder and an atomic rename.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import IO

import pandas as pd

from linkclf.errors import InputError

#: Cells starting with these are formulas to Excel / LibreOffice / Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike[str], mode: str = "w", **kwargs) -> Iterator[IO]:
    """Open a temp file beside ``path``; rename it over ``path`` only if the block succeeds."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    # mkstemp makes the file 0600; give it the mode a plain open() would (0666 minus umask).
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    try:
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


def neutralise_formula(value: object) -> object:
    """Prefix a quote to strings a spreadsheet would run as a formula (``=HYPERLINK(...)``)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def spreadsheet_safe(df: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``df`` with every text cell neutralised for spreadsheets."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise_formula)
    return out


def write_csv_atomic(
    df: pd.DataFrame, path: str | os.PathLike[str], *, for_spreadsheet: bool = True
) -> None:
    """Write a UTF-8 CSV atomically; text cells neutralised unless ``for_spreadsheet`` is False."""
    frame = spreadsheet_safe(df) if for_spreadsheet else df
    with atomic_open(path, "w", encoding="utf-8", newline="") as handle:
        frame.to_csv(handle, index=False, lineterminator="\n")


def refuse_overwrite_input(output: str | os.PathLike[str], inputs: list[str]) -> None:
    """Refuse an output path that is one of the inputs (the input would be lost)."""
    out = Path(output).resolve()
    for item in inputs:
        if Path(item).resolve() == out:
            raise InputError(
                expected="an output path different from every input",
                found=f"-o {output} is also an input",
                fix="write the results to a new file",
                where=str(output),
            )


def read_csv_text(
    path: str | os.PathLike[str], columns: Collection[str], *, what: str, fix: str
) -> pd.DataFrame:
    """Read the ``columns`` present in a UTF-8 CSV linkclf wrote, every cell as text.

    The one place that turns pandas' read errors into a user's line: an empty file, bytes that
    are not UTF-8, a file that does not parse. ``what`` names the expected file ("a scored CSV
    from `linkclf score`"); ``fix`` says how to get one. Checking which columns are required is
    the caller's business (the messages differ per command).
    """
    name = str(path)
    wanted = set(columns)
    try:
        return pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            usecols=lambda col: col in wanted,
            encoding="utf-8",
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
    except pd.errors.ParserError as exc:
        raise InputError(
            expected=f"{what}, comma-separated",
            found=f"a file pandas cannot parse ({str(exc).splitlines()[0]})",
            fix=fix,
            where=name,
        ) from None
