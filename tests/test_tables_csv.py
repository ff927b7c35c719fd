"""Issue 11: the vectorised CSV writer writes the bytes pandas' to_csv wrote after
spreadsheet_safe (formulas neutralised, CRLF, minimal quoting), for hostile and real frames."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from linkclf.model import LinkClassifier
from linkclf.pipeline import score_links
from linkclf.scored import MODEL_COLUMN
from linkclf.sources import read_exports
from linkclf.tables import _csv_bytes, _csv_bytes_pandas
from tests.test_tool_inputs import export, model  # noqa: F401  (module fixtures)

HOSTILE = [
    '=HYPERLINK("http://x")',
    "+cheap",
    "-1",
    "@SUM(A1)",
    "'=already quoted",
    "''+twice",
    "\t=tab",
    "\ttab first",
    "\rcr first",
    "\nlf first",
    "   =spaces",
    "\u00a0=nbsp",
    "\u2003@em space",
    "\x1c=file separator",
    "\x0b=vertical tab",
    "plain, with comma",
    'has "quotes"',
    "line\nbreak",
    "bare\rcr",
    "crlf\r\nin cell",
    "ünïcödé — 東京",
    "a=b not a formula",
    "",
    " ",
    "'",
]


def _hostile_frame(n: int = len(HOSTILE)) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    text = [HOSTILE[i % len(HOSTILE)] for i in range(n)]
    return pd.DataFrame(
        {
            "object text": pd.Series(text, dtype=object).where(rng.random(n) > 0.2, None),
            "string": pd.Series(text[::-1], dtype="string").where(rng.random(n) > 0.2, pd.NA),
            "str": pd.Series(text, dtype="str"),
            "mixed": pd.Series([1.5 if i % 3 == 0 else f"=m{i}" for i in range(n)], dtype=object),
            "category": pd.Series(text, dtype="category"),
            "bool": rng.random(n) > 0.5,
            "boolean": pd.array([[True, False, None][i % 3] for i in range(n)], dtype="boolean"),
            "int8": rng.integers(0, 2, n).astype(np.int8),
            "float": [[0.1234, np.nan, 1e-05, 1e16, 57.0, -0.0][i % 6] for i in range(n)],
            # Any float64 bit pattern: NaN payloads, subnormals, infinities, whole numbers
            # around 2^53; and whole numbers of every size.
            "float bits": rng.integers(0, 2**64, n, dtype=np.uint64).view(np.float64),
            "whole floats": np.round(rng.normal(0, 2.0**54, n) / 10.0 ** rng.integers(0, 17, n)),
            "int64": rng.integers(-(2**62), 2**62, n),
            "uint8": rng.integers(0, 255, n).astype(np.uint8),
            "utc": pd.Series(
                pd.date_range("2024-12-05 23:09:11", periods=n, freq="37h", tz="UTC")
            ).where(rng.random(n) > 0.3),
            "utc fraction": pd.Series(
                pd.date_range("2020-01-01", periods=n, freq="1500ms", tz="UTC")
            ),
            "naive dates": pd.Series(pd.date_range("2021-03-01", periods=n, freq="D")),
            "=formula header": ["x"] * n,
            'quoted "header", too': [""] * n,
        }
    )


@pytest.mark.parametrize("rows", [0, 1, len(HOSTILE), 1000])
@pytest.mark.parametrize("header", [True, False])
def test_hostile_frames_are_written_as_pandas_wrote_them(rows: int, header: bool) -> None:
    frame = _hostile_frame(max(rows, 1)).head(rows)
    assert _csv_bytes(frame, header) == _csv_bytes_pandas(frame, header)


def test_all_missing_and_single_column_frames() -> None:
    frame = pd.DataFrame(
        {"a": [None, None], "b": pd.Series([np.nan, np.nan]), "c": pd.array([pd.NA] * 2)}
    )
    assert _csv_bytes(frame) == _csv_bytes_pandas(frame, True)
    single = pd.DataFrame({"only": ["", "=x", None]})
    assert _csv_bytes(single) == _csv_bytes_pandas(single, True)


def test_a_scored_export_is_written_as_pandas_wrote_it(
    export: Path,  # noqa: F811
    model: Path,  # noqa: F811
) -> None:
    clf = LinkClassifier.load(model)
    scored = score_links(clf, read_exports([export]))
    scored[MODEL_COLUMN] = clf.version_label()
    assert _csv_bytes(scored) == _csv_bytes_pandas(scored, True)
