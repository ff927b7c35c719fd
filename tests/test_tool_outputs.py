"""Issue 13: output by extension. Every format round-trips, `-o -` is parseable CSV on stdout
with messages on stderr, a symlink or a FIFO as -o is written through, not replaced, and an
unknown extension is refused naming the valid ones."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from linkclf.cli import app
from linkclf.errors import InputError
from linkclf.scored import read_scored, write_scored
from linkclf.tables import EXTENSIONS, format_of, write_table
from tests.test_tool_inputs import export, model  # noqa: F401  (module fixtures)

runner = CliRunner()


def _scored_frame() -> pd.DataFrame:
    """A scored frame with what real ones hold: hostile text, missing values, numbers, flags."""
    return pd.DataFrame(
        {
            "Source url": ["https://a.example/p", "https://b.example/q", "https://c.example/"],
            "anchor": ['=HYPERLINK("x")', '+cheap pills, "quoted"\nnext line', None],
            "source_url": ["https://a.example/p", "https://b.example/q", "https://c.example/"],
            "target_url": ["https://t.example/"] * 3,
            "referring_domain": ["a.example", "b.example", "c.example"],
            "p_manipulative": [0.9731, 0.0012, 0.5],
            "flag": np.array([1, 0, 0], dtype=np.int8),
            "predicted_kind": ["pbn", "natural", "natural"],
            "reasons": ["exact-match anchor; sitewide", "", ""],
            "model": ["m@abcd1234"] * 3,
        }
    )


@pytest.mark.parametrize("ext", EXTENSIONS)
def test_every_output_format_round_trips(tmp_path: Path, ext: str) -> None:
    frame = _scored_frame()
    path = tmp_path / f"scored{ext}"
    write_scored(frame, path)
    back = read_scored(path, frame.columns)
    reference = tmp_path / "reference.csv"
    write_scored(frame, reference)
    # The same text as the CSV reading of the same frame, whatever the container.
    pd.testing.assert_frame_equal(back, read_scored(reference, frame.columns), check_dtype=False)
    assert back["anchor"].iloc[0] == '=HYPERLINK("x")'  # neutralised in CSV, restored on read
    if ext == ".parquet":  # types kept
        pd.testing.assert_frame_equal(pd.read_parquet(path), frame, check_dtype=False)
    if ext == ".jsonl":
        assert len(path.read_text(encoding="utf-8").splitlines()) == 3


def test_csv_gz_is_reproducible(tmp_path: Path) -> None:
    write_table(_scored_frame(), tmp_path / "a.csv.gz")
    write_table(_scored_frame(), tmp_path / "b.csv.gz")
    assert (tmp_path / "a.csv.gz").read_bytes() == (tmp_path / "b.csv.gz").read_bytes()


@pytest.mark.parametrize("name", ["scored.json", "scored.xlsx", "scored.txt", "scored"])
def test_unknown_extension_is_refused_naming_the_valid_ones(name: str) -> None:
    with pytest.raises(InputError) as info:
        format_of(name)
    line = info.value.one_line()
    assert all(ext in line for ext in EXTENSIONS) and "-" in line


def test_dash_writes_parseable_csv_to_stdout_and_messages_to_stderr(
    export: Path,  # noqa: F811
    model: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    result = runner.invoke(app, ["score", str(export), "-o", "-", "--model", str(model)])
    assert result.exit_code == 0, result.output
    from io import StringIO

    table = pd.read_csv(StringIO(result.stdout), dtype=str, keep_default_na=False)
    assert len(table) == 300 and "p_manipulative" in table.columns
    assert "wrote stdout" in result.stderr and "wrote" not in result.stdout
    assert not (tmp_path / "-").exists() and not Path("-").exists()


def test_a_symlink_output_keeps_the_symlink(
    export: Path,  # noqa: F811
    model: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    real = tmp_path / "results" / "scored.csv"
    real.parent.mkdir()
    real.write_text("old contents\n")
    link = tmp_path / "latest.csv"
    link.symlink_to(real)
    result = runner.invoke(app, ["score", str(export), "-o", str(link), "--model", str(model)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert len(pd.read_csv(real)) == 300


def test_a_fifo_output_is_written_through(tmp_path: Path) -> None:
    """Like /dev/stdout: a special file is opened and written, never replaced by a file."""
    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_table(_scored_frame(), fifo)
    reader.join(timeout=30)
    assert fifo.is_fifo()
    assert got and got[0].startswith(b"Source url,anchor,source_url")
