"""The scored-file contract: what `linkclf score` writes and what every later command reads.

A scored file is a table in the format its extension names (linkclf.tables: ``.csv`` and
``.csv.gz`` as linkclf.io's CSV, atomic, spreadsheet formulas neutralised; ``.parquet``;
``.jsonl``; ``-`` for CSV on stdout):
every original column of the export(s), then the canonical key columns, then

* ``p_manipulative`` - calibrated probability that the link is manipulative (0-1);
* ``flag`` - 1 when the link is a disavow candidate: ``p_manipulative`` reaches the model's
  threshold AND the link is not rel-qualified (nofollow, ugc or sponsored links pass no ranking
  signal, so they are never disavow candidates);
* ``predicted_kind`` - the likely kind of manipulation for links at or above the threshold
  (rel-qualified ones too), ``natural`` for the rest. A *prediction*: it is never read back as
  a label (``kind`` is the label column of the canonical schema; training from a scored file
  must not learn the model's own guesses);
* ``reasons`` - up to three phrases, ``; ``-joined;
* ``model`` - which model scored the row (``name@hash``).

:func:`write_scored` and :func:`read_scored` are the one writer and the one reader; disavow,
the report and review labelling read through the column names defined here.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Iterator

import numpy as np
import pandas as pd

from linkclf.errors import SchemaError
from linkclf.schema import LINK_TYPES, PLACEMENTS
from linkclf.tables import read_table_text, write_table, write_table_parts

P_COLUMN = "p_manipulative"
FLAG_COLUMN = "flag"
KIND_COLUMN = "predicted_kind"
REASONS_COLUMN = "reasons"
MODEL_COLUMN = "model"
#: The columns scoring adds, in file order (``model`` is added by the CLI).
SCORE_COLUMNS = (P_COLUMN, FLAG_COLUMN, KIND_COLUMN, REASONS_COLUMN)
#: Canonical columns always written next to the original ones (disavow and report read them).
KEY_COLUMNS = ("source_url", "target_url", "anchor", "referring_domain")
#: What files written before ``predicted_kind`` called the prediction.
LEGACY_KIND_COLUMN = "kind"


def is_scored(df: pd.DataFrame) -> bool:
    """Whether a frame is a scored file (it carries the model's probability)."""
    return P_COLUMN in df.columns


def without_predictions(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` minus everything a model predicted, so none of it can be read as a label.

    In a scored file written before ``predicted_kind`` existed, ``kind`` was the prediction:
    it is dropped too. ``p_manipulative`` stays: no label is ever read from it, and the promotion
    gate needs the score each reviewed link had (how likely it was to be reviewed at all).
    """
    drop = [c for c in (*SCORE_COLUMNS, MODEL_COLUMN) if c in df.columns and c != P_COLUMN]
    if is_scored(df) and LEGACY_KIND_COLUMN in df.columns:
        drop.append(LEGACY_KIND_COLUMN)
    return df.drop(columns=drop)


def write_scored(scored: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """Write a scored frame in the format of ``path``'s extension (see linkclf.tables)."""
    missing = [c for c in SCORE_COLUMNS if c not in scored.columns]
    if missing:
        raise ValueError(f"not a scored frame: no {', '.join(missing)}")
    write_table(scored, path)


def write_scored_parts(parts: Iterable[pd.DataFrame], path: str | os.PathLike[str]) -> None:
    """Write a scored file from consecutive parts (linkclf.stream), as :func:`write_scored`
    writes the whole frame: any format, one header, the same cells, one atomic file (nothing
    on an error)."""

    def checked() -> Iterator[pd.DataFrame]:
        for part in parts:
            missing = [c for c in SCORE_COLUMNS if c not in part.columns]
            if missing:
                raise ValueError(f"not a scored frame: no {', '.join(missing)}")
            yield part

    write_table_parts(checked(), path)


def read_scored(path: str | os.PathLike[str], columns: Collection[str]) -> pd.DataFrame:
    """The ``columns`` of a scored file that are present, as text.

    ``predicted_kind`` is read from a file written before it was named so (its ``kind``
    column); the caller checks which columns it requires.
    """
    wanted = set(columns)
    if KIND_COLUMN in wanted:
        wanted.add(LEGACY_KIND_COLUMN)
    df = read_table_text(
        path,
        wanted,
        what="a scored CSV from `linkclf score`",
        fix="score an export first: linkclf score EXPORT -o scored.csv",
    )
    if KIND_COLUMN in columns and KIND_COLUMN not in df.columns and LEGACY_KIND_COLUMN in df:
        df = df.rename(columns={LEGACY_KIND_COLUMN: KIND_COLUMN})
    elif LEGACY_KIND_COLUMN not in columns and LEGACY_KIND_COLUMN in df.columns:
        df = df.drop(columns=[LEGACY_KIND_COLUMN])
    return df


def check_scorable(links: pd.DataFrame) -> None:
    """Refuse input that cannot be scored honestly, with one line naming how many rows and where.

    Refused rather than skipped: a link without a source URL cannot be disavowed or reviewed
    and one without a target belongs to no profile; a placement or link type outside the schema
    means the export was mapped wrongly. Scoring them (what linkclf did before) produced flags
    nobody could act on; dropping them silently would lose the user's rows. The user fixes or
    deletes them and scores again.

    Raises
    ------
    SchemaError
        with the count of offending rows and the first one (file and link).
    """

    def column(name: str) -> pd.Series:
        if name in links.columns:
            return links[name].astype("string")
        return pd.Series(pd.NA, index=links.index, dtype="string")

    checks: list[tuple[str, np.ndarray, str]] = []
    for col in ("source_url", "target_url"):
        values = column(col)
        blank = (values.isna() | (values.str.strip() == "")).to_numpy(dtype=bool)
        checks.append((f"a {col} on every row", blank, f"fill in or delete the rows without {col}"))
    for col, allowed in (("placement", PLACEMENTS), ("link_type", LINK_TYPES)):
        values = column(col)
        bad = (values.notna() & ~values.isin(allowed)).fillna(False).to_numpy(dtype=bool)
        checks.append(
            (
                f"{col} in {{{', '.join(allowed)}}}",
                bad,
                f"use one of the allowed {col} values or leave it empty",
            )
        )
    for expected, mask, fix in checks:
        if mask.any():
            first = int(np.flatnonzero(mask)[0])
            raise SchemaError(
                expected=expected,
                found=f"{int(mask.sum()):,} row(s) that do not ({_describe(links, first)})",
                fix=fix,
                where=_where(links, first),
            )


def _describe(links: pd.DataFrame, position: int) -> str:
    row = links.iloc[position]
    parts = []
    for col in ("source_url", "target_url", "placement", "link_type"):
        value = row.get(col)
        if value is not None and not pd.isna(value) and str(value).strip():
            parts.append(f"{col}={str(value)[:80]!r}")
    return "first: " + (", ".join(parts) or "an empty row")


def _where(links: pd.DataFrame, position: int) -> str | None:
    if "seen_in" in links.columns:
        seen = links["seen_in"].iloc[position]
        return None if pd.isna(seen) else str(seen)
    return None
