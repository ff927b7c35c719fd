"""The report's only file reading: a scored CSV, just the columns the report shows."""

from __future__ import annotations

import os

import pandas as pd

from linkclf.errors import InputError
from linkclf.report.tables import REPORT_COLUMNS


def read_scored_for_report(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Scored links from a ``linkclf score`` CSV, as text, report columns only.

    Raises
    ------
    InputError
        The file is empty, not UTF-8, or has no ``p_manipulative`` column.
    """
    name = str(path)
    wanted = set(REPORT_COLUMNS)
    try:
        df = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            usecols=lambda col: col in wanted,
            encoding="utf-8",
        )
    except pd.errors.EmptyDataError:
        raise InputError(
            expected="a scored CSV from `linkclf score` with a header row",
            found="an empty file",
            fix="score an export first: linkclf score EXPORT -o scored.csv",
            where=name,
        ) from None
    except UnicodeDecodeError:
        raise InputError(
            expected="a UTF-8 scored CSV from `linkclf score`",
            found="bytes that are not UTF-8",
            fix="pass the CSV that `linkclf score` wrote, not the raw vendor export",
            where=name,
        ) from None
    except pd.errors.ParserError as exc:
        raise InputError(
            expected="a comma-separated scored CSV",
            found=f"a file pandas cannot parse ({str(exc).splitlines()[0]})",
            fix="pass the CSV that `linkclf score` wrote",
            where=name,
        ) from None
    if "p_manipulative" not in df.columns:
        raise InputError(
            expected="a scored CSV with a p_manipulative column",
            found=f"columns {', '.join(df.columns) or 'none of the report columns'}",
            fix="score the export first: linkclf score EXPORT -o scored.csv",
            where=name,
        )
    return df
