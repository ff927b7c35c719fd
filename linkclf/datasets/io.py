"""Reading and writing simulated datasets byte-for-byte reproducibly.

``links.csv.gz`` is gzip with mtime 0 and no file name in the header, so the same seed gives the
same bytes on every machine and every day (the gzip header otherwise stamps the time).
"""

from __future__ import annotations

import gzip
import io
import os
from pathlib import Path

import pandas as pd

from linkclf.errors import InputError
from linkclf.io import spreadsheet_safe, write_bytes_atomic
from linkclf.schema import validate

DATE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV bytes, ``\\n`` line ends, formula-like cells neutralised, ISO UTC dates."""
    # referring_domain is not stored: schema.conform derives it from source_url on every read,
    # so the data files stay what the simulator draws (byte-identical per seed).
    df = df.drop(columns=["referring_domain"], errors="ignore")
    buffer = io.StringIO()
    spreadsheet_safe(df).to_csv(buffer, index=False, lineterminator="\n", date_format=DATE_FORMAT)
    return buffer.getvalue().encode("utf-8")


def write_dataset(df: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """Write ``df`` as CSV (gzip-compressed, mtime 0, when ``path`` ends in .gz), atomically."""
    data = to_csv_bytes(df)
    if str(path).endswith(".gz"):
        data = gzip.compress(data, compresslevel=9, mtime=0)
    write_bytes_atomic(path, data)


def read_dataset(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a dataset written by :func:`write_dataset`, validated with labels required."""
    p = Path(path)
    if not p.is_file():
        raise InputError(
            expected="a links.csv(.gz) file written by `linkclf simulate`",
            found="no file" if not p.exists() else "a directory",
            fix="run `linkclf simulate --seed 7 -o datasets/default` or check the path",
            where=str(path),
        )
    df = pd.read_csv(p, dtype={"label": "Int8"}, keep_default_na=True, low_memory=False)
    for col in ("label_noise",):
        if col in df.columns:
            df[col] = df[col].astype(bool)
    return validate(df, require_labels=True, source=str(path))
