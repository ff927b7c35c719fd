"""The report's only file reading: a scored CSV, just the columns the report shows."""

from __future__ import annotations

import json
import os
from pathlib import Path

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


def read_model_threshold(
    model_dir: str | os.PathLike[str], scored: pd.DataFrame | None = None
) -> float | None:
    """The threshold in a model directory's ``model.json`` (plain JSON: nothing is loaded or run).

    ``None`` when the directory has no readable ``model.json``, or when ``scored`` names its
    model (the ``model`` column, ``name@digest``) and the name is not this model's: the
    threshold of another model would be a wrong number on the page.
    """
    path = Path(model_dir) / "model.json"
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
        threshold = float(meta["threshold"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    name = str(meta.get("training", {}).get("name", ""))
    if scored is not None and "model" in scored.columns and name:
        named = {str(m).split("@", 1)[0] for m in scored["model"].unique() if str(m)}
        if named and named != {name}:
            return None
    return threshold
