"""The only file reading in :mod:`linkclf.disavow`: scored CSVs and disavow files.

Everything else in the package takes text and DataFrames, so it can be tested without files.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import pandas as pd

from linkclf import inputfile
from linkclf.disavow.allow import Allowlist, parse_allowlist
from linkclf.disavow.parse import decode
from linkclf.errors import InputError, SchemaError
from linkclf.scored import read_scored as read_scored_file

#: Columns a scored CSV must have (``flag`` only when no --threshold is given).
REQUIRED_SCORED = ("source_url", "p_manipulative")
#: Columns read when present; the rest of a (possibly huge) scored file is never loaded.
OPTIONAL_SCORED = ("referring_domain", "target_url", "anchor", "flag", "predicted_kind", "reasons")
#: Columns that may name the model that scored the file.
MODEL_COLUMNS = ("model", "model_name", "model_version")


def read_scored(paths: Sequence[str | os.PathLike[str]], need_flag: bool = True) -> pd.DataFrame:
    """Scored links from ``linkclf score`` output(s), only the columns disavow uses, as text.

    Raises
    ------
    InputError
        A file is empty, or ``p_manipulative`` is not a number between 0 and 1.
    SchemaError
        A required column is missing.
    """
    wanted = set(REQUIRED_SCORED + OPTIONAL_SCORED + MODEL_COLUMNS)
    frames = []
    for path in paths:
        name = str(path)
        # linkclf.scored: the scored-file contract (predicted_kind; kind in older files).
        df = read_scored_file(path, wanted).rename(columns={"predicted_kind": "kind"})
        required = REQUIRED_SCORED + (("flag",) if need_flag else ())
        missing = [col for col in required if col not in df.columns]
        if missing:
            raise SchemaError(
                expected=f"a scored CSV with columns {', '.join(required)}",
                found=f"no {', '.join(missing)} column (columns read: {', '.join(df.columns)})",
                fix="pass the output of `linkclf score` (or --threshold when only flag is missing)",
                where=name,
            )
        p = pd.to_numeric(df["p_manipulative"], errors="coerce")
        bad = df.index[p.isna() | (p < 0) | (p > 1)]
        if len(bad):
            row = int(bad[0])
            raise InputError(
                expected="p_manipulative between 0 and 1",
                found=repr(df.at[row, "p_manipulative"]),
                fix="pass the unedited output of `linkclf score`",
                where=f"{name}, row {row + 2}",  # +1 header, +1 one-based
            )
        frames.append(df)
    merged = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    keys = [c for c in ("source_url", "target_url", "anchor") if c in merged.columns]
    # The same link scored in two files (overlapping exports) must count once.
    return merged.drop_duplicates(subset=keys, keep="first", ignore_index=True)


def model_name(df: pd.DataFrame) -> str | None:
    """The model named in a scored file's model column, if it has exactly one."""
    for col in MODEL_COLUMNS:
        if col in df.columns:
            values = sorted({v for v in df[col] if v})
            if values:
                return ", ".join(values[:3])
    return None


#: A disavow file or allowlist larger than this is not one (Google's limit is 2 MB).
MAX_TEXT_BYTES = 256 * 1024 * 1024


def read_disavow(path: str | os.PathLike[str]) -> tuple[str, list[str]]:
    """Text of a disavow file and notes on its encoding (see :func:`parse.decode`)."""
    data = inputfile.read_bytes(path, "a disavow file (.txt)", MAX_TEXT_BYTES)
    return decode(data, str(path))


def read_allowlist(path: str | os.PathLike[str]) -> Allowlist:
    """The user's never-disavow list, in any encoding a disavow file may have."""
    data = inputfile.read_bytes(path, "an allowlist (one domain per line)", MAX_TEXT_BYTES)
    text, _ = decode(data, str(path))
    return parse_allowlist(text, "yours", str(path))
