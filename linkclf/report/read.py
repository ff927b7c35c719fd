"""The report's only file reading: a scored CSV, just the columns the report shows."""

from __future__ import annotations

import os

import pandas as pd

from linkclf.errors import InputError
from linkclf.report.tables import REPORT_COLUMNS
from linkclf.scored import read_scored


def read_scored_for_report(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Scored links from a ``linkclf score`` CSV, as text, report columns only.

    Raises
    ------
    InputError
        The file is empty, not UTF-8, or has no ``p_manipulative`` column.
    """
    name = str(path)
    # linkclf.scored: the scored-file contract (predicted_kind; kind in older files).
    df = read_scored(path, {*REPORT_COLUMNS, "predicted_kind"} - {"kind"})
    df = df.rename(columns={"predicted_kind": "kind"})
    if "p_manipulative" not in df.columns:
        raise InputError(
            expected="a scored CSV with a p_manipulative column",
            found=f"columns {', '.join(df.columns) or 'none of the report columns'}",
            fix="score the export first: linkclf score EXPORT -o scored.csv",
            where=name,
        )
    return df
