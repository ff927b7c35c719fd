"""linkclf reads its own CSVs back exactly, and no cell or header is a formula (issue 15)."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from linkclf.cli import app
from linkclf.io import _FORMULA, read_csv_text, restore_formula, write_csv_atomic

runner = CliRunner()
HOSTILE = [
    "a\rb",
    "c\r\nd",
    "e\nf",
    "\r",
    '"quoted", too',
    "x\x00y",
    '=HYPERLINK("http://evil","x")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "  =1+1",
    " \n @SUM(A1)",
    "'=already quoted",
    "''=twice",
    "'s-Hertogenbosch",
    "",
    "plain",
]
HEADERS = ["source_url", '=HYPERLINK("x")', "+cmd|x", "@SUM(1)", " -1", "anchor"]


def _frame(cells: list[str], headers: list[str]) -> pd.DataFrame:
    width = len(headers)
    rows = [cells[i : i + width] for i in range(0, len(cells), width)]
    rows = [r + [""] * (width - len(r)) for r in rows]
    return pd.DataFrame(rows, columns=headers)


def _generic_records(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_hostile_cells_and_headers_round_trip(tmp_path: Path) -> None:
    df = _frame(HOSTILE * 3, HEADERS)
    path = tmp_path / "scored.csv"
    write_csv_atomic(df, path)
    back = read_csv_text(path, HEADERS, what="a scored CSV", fix="-")
    assert list(back.columns) == HEADERS
    assert back.to_numpy().tolist() == df.to_numpy().tolist()
    # Any CSV reader sees exactly the records written, and no cell a spreadsheet would run.
    records = _generic_records(path)
    assert len(records) == len(df) + 1 and all(len(r) == len(HEADERS) for r in records)
    assert not [cell for row in records for cell in row if _FORMULA.match(cell)]
    assert len(pd.read_csv(path, dtype=str, keep_default_na=False)) == len(df)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cells=st.lists(
        st.one_of(
            st.sampled_from(HOSTILE),
            st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=12),
        ),
        min_size=1,
        max_size=30,
    ),
    headers=st.lists(
        st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=8),
        min_size=2,
        max_size=4,
        unique=True,
    ),  # fmt: skip
)
def test_any_cell_round_trips(tmp_path: Path, cells: list[str], headers: list[str]) -> None:
    if len({restore_formula(h) for h in headers}) < len(headers) or any(
        not h.strip() for h in headers
    ):
        return  # pandas renames blank or duplicate headers; not linkclf's to fix
    df = _frame(cells, headers)
    path = tmp_path / "f.csv"
    write_csv_atomic(df, path)
    back = read_csv_text(path, headers, what="a CSV", fix="-")
    assert list(back.columns) == headers
    assert back.to_numpy().tolist() == df.to_numpy().tolist()
    records = _generic_records(path)
    assert len(records) == len(df) + 1
    assert not [cell for row in records for cell in row if _FORMULA.match(cell)]


def test_bare_cr_in_an_anchor_does_not_break_disavow_or_report(tmp_path: Path) -> None:
    df = pd.DataFrame(
        {
            "source_url": ["https://spam.example/a", "https://ok.example/b"],
            "anchor": ["cheap\rpills", "=cmd\r\nx"],
            "source_title": ["t\rx", "y"],
            "p_manipulative": [0.99, 0.1],
            "flag": [1, 0],
        }
    )
    scored = tmp_path / "scored.csv"
    write_csv_atomic(df, scored)
    result = runner.invoke(app, ["disavow", str(scored), "-o", str(tmp_path / "d.txt")])
    assert result.exit_code == 0, result.output
    assert "spam.example" in (tmp_path / "d.txt").read_text()
    result = runner.invoke(app, ["report", str(scored), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 0, result.output


def test_review_sheet_neutralises_and_restores(tmp_path: Path) -> None:
    scored = tmp_path / "scored.csv"
    scored.write_text(
        "source_url,p_manipulative,flag,anchor\r\n"
        'https://spam.example/a,0.99,1,"=HYPERLINK(""x"")"\r\n',
        encoding="utf-8",
    )
    review = tmp_path / "review.csv"
    result = runner.invoke(
        app, ["disavow", str(scored), "-o", str(tmp_path / "d.txt"), "--review", str(review)]
    )
    assert result.exit_code == 0, result.output
    assert not [c for row in _generic_records(review) for c in row if _FORMULA.match(c)]
