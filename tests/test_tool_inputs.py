"""Issue 13: input as people have it. A pipe, '-', /dev/stdin, .csv.gz, a one-file .zip and
.xlsx give the same scored rows as the CSV itself; what cannot be read is one line."""

from __future__ import annotations

import csv
import gzip
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from linkclf.cli import app
from linkclf.errors import InputError
from linkclf.model import LinkClassifier
from linkclf.sources import read_export
from tests.conftest import tiny_setup

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "datasets" / "samples" / "semrush-sample.csv"


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    t = tiny_setup(seed=5)
    clf = LinkClassifier(t.features, num_boost_round=20).fit(
        t.X[t.train], t.y[t.train], t.X[t.valid], t.y[t.valid]
    )
    path = tmp_path_factory.mktemp("model") / "m"
    clf.save(path, metrics={}, card="# card", extra={})
    return path


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first 300 links of the Semrush sample (several target sites, vendor quirks)."""
    lines = SAMPLE.read_bytes().splitlines(keepends=True)[:301]
    path = tmp_path_factory.mktemp("export") / "semrush.csv"
    path.write_bytes(b"".join(lines))
    return path


def _number_or_text(cell: str) -> object:
    """What a vendor's workbook holds: numbers as numbers, the rest as text."""
    try:
        return int(cell) if cell.isdigit() and not cell.startswith("0") else float(cell)
    except ValueError:
        return cell


def _as_xlsx(export: Path, out: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    with export.open(encoding="utf-8-sig", newline="") as handle:
        for i, row in enumerate(csv.reader(handle)):
            sheet.append(row if i == 0 else [_number_or_text(c) for c in row])
    book.save(out)
    return out


def _as_zip(export: Path, out: Path, extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(export, "exports/backlinks.csv")
        archive.writestr("__MACOSX/._backlinks.csv", b"\x00\x05\x16\x07 mac resource fork")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out


def _score(args: list[str], model: Path) -> None:
    result = runner.invoke(app, ["score", *args, "--model", str(model), "-q"])
    assert result.exit_code == 0, result.output


def _rows(path: Path) -> pd.DataFrame:
    """A scored file without seen_in (which names the file each row came from)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False).drop(columns=["seen_in"])


def test_every_input_format_scores_the_same_rows_as_the_csv(
    export: Path, model: Path, tmp_path: Path
) -> None:
    _score([str(export), "-o", str(tmp_path / "csv.csv")], model)
    expected = _rows(tmp_path / "csv.csv")
    assert len(expected) == 300
    gz = tmp_path / "semrush.csv.gz"
    gz.write_bytes(gzip.compress(export.read_bytes()))
    inputs = {
        "gz": gz,
        "zip": _as_zip(export, tmp_path / "semrush.zip"),
        "xlsx": _as_xlsx(export, tmp_path / "semrush.xlsx"),
    }
    for name, path in inputs.items():
        _score([str(path), "-o", str(tmp_path / f"{name}.csv")], model)
        pd.testing.assert_frame_equal(_rows(tmp_path / f"{name}.csv"), expected, obj=name)


def test_a_gzipped_zip_member_and_a_piped_workbook_are_read(export: Path, tmp_path: Path) -> None:
    # gzip inside a zip is not unpacked twice: it is refused as binary, with one line.
    inner = tmp_path / "inner.csv.gz"
    inner.write_bytes(gzip.compress(export.read_bytes()))
    nested = tmp_path / "nested.zip"
    with zipfile.ZipFile(nested, "w") as archive:
        archive.write(inner, "inner.csv.gz")
    with pytest.raises(InputError, match="gzip"):
        read_export(nested)
    # The reader itself, on stdin: a workbook arrives through a pipe.
    book = _as_xlsx(export, tmp_path / "piped.xlsx")
    script = "from linkclf.sources import read_export; print(len(read_export('-')))"
    done = subprocess.run(
        [sys.executable, "-c", script],
        stdin=book.open("rb"),
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert done.stdout.strip() == "300"


@pytest.mark.parametrize("name", ["-", "/dev/stdin"])
def test_piped_input_equals_file_input_row_for_row(
    export: Path, model: Path, tmp_path: Path, name: str
) -> None:
    """`cat x | linkclf score - -o y`: one read of the pipe (it once lost half the rows)."""
    _score([str(export), "-o", str(tmp_path / "file.csv")], model)
    out = tmp_path / "piped.csv"
    command = f"cat {export} | {sys.executable} -m linkclf score {name} -o {out} --model {model} -q"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # this checkout's linkclf, from another folder
    done = subprocess.run(
        command, shell=True, capture_output=True, text=True, cwd=tmp_path, env=env
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # -q
    piped = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert set(piped["seen_in"]) == {"stdin"}
    pd.testing.assert_frame_equal(piped.drop(columns=["seen_in"]), _rows(tmp_path / "file.csv"))


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda e, t: _as_zip(e, t / "two.zip", {"more.csv": b"a,b\n"}), "zip with 2 files"),
        (lambda e, t: _as_zip(e, t / "none.zip", {}) and _empty_zip(t / "none.zip"), "0 files"),
        (lambda e, t: _write(t / "bad.xlsx", _broken_workbook()), "Excel workbook"),
        (lambda e, t: _write(t / "cut.csv.gz", gzip.compress(e.read_bytes())[:-40]), "gzip"),
    ],
    ids=["two-files", "empty-zip", "broken-xlsx", "cut-gzip"],
)
def test_unreadable_containers_are_one_line_exit_1(
    export: Path, model: Path, tmp_path: Path, make, match: str
) -> None:
    path = make(export, tmp_path)
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["score", str(path), "-o", str(out), "--model", str(model)])
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("linkclf: error:"), result.output
    assert match in lines[0]
    assert not out.exists()


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _empty_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("__MACOSX/", b"")
    return path


def _broken_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/workbook.xml", b"<not a workbook")
    return buffer.getvalue()


def test_a_named_fifo_is_still_refused_but_stdin_is_not(tmp_path: Path) -> None:
    """Only stdin names mean stdin: another FIFO would block (issue 15), so it stays refused."""
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="FIFO"):
        read_export(fifo)
