"""Every command: limits enforced early, compressed/binary/unreadable inputs and a directory as -o
refused with one line and exit 1, no temp files left behind (issue 15)."""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from linkclf.cli import app
from linkclf.model import LinkClassifier
from tests.conftest import tiny_setup

runner = CliRunner()
SCORED = "source_url,p_manipulative,flag\r\nhttps://spam.example/a,0.99,1\r\n"
EXPORT = "source_url,target_url,anchor\nhttps://a.example/p,https://t.example/,cheap pills\n"


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    t = tiny_setup(seed=3)
    clf = LinkClassifier(t.features, num_boost_round=20).fit(
        t.X[t.train], t.y[t.train], t.X[t.valid], t.y[t.valid]
    )
    path = tmp_path_factory.mktemp("model") / "m"
    clf.save(path, metrics={}, card="# card", extra={})
    return path


def _commands(path: Path, tmp: Path, model: Path) -> dict[str, list[str]]:
    """Each command reading ``path`` as its main input."""
    scored = tmp / "ok-scored.csv"
    scored.write_text(SCORED)
    existing = tmp / "old.txt"
    existing.write_text("domain:old.example\n")
    return {
        "score": ["score", str(path), "-o", str(tmp / "o.csv"), "--model", str(model)],
        "explain": ["explain", str(path), "--model", str(model)],
        "report": ["report", str(path), "-o", str(tmp / "o.html")],
        "disavow": ["disavow", str(path), "-o", str(tmp / "o.txt")],
        "disavow --existing": [
            "disavow",
            str(scored),
            "--existing",
            str(path),
            "-o",
            str(tmp / "o.txt"),
        ],  # fmt: skip
        "disavow --allow": ["disavow", str(scored), "--allow", str(path), "-o", str(tmp / "o.txt")],
        "disavow --check": ["disavow", "--check", str(path)],
    }


def _one_line_exit_1(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 1, (args, result.output)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("linkclf: error:"), result.output
    return lines[0]


def _no_outputs(tmp: Path) -> None:
    assert not [p.name for p in tmp.iterdir() if p.name.startswith(("o.", ".o."))]


COMPRESSORS = {
    # gzip is read (issue 13): a broken one (cut before its end) is what is refused here.
    "gzip": lambda data: gzip.compress(data)[:-12],
    "bzip2": bz2.compress,
    "xz": lzma.compress,
    "zstd": lambda data: b"\x28\xb5\x2f\xfd" + data,  # the magic is what is recognised
    "zip": lambda data: b"PK\x03\x04" + data,
}


@pytest.mark.parametrize("kind", sorted(COMPRESSORS))
def test_compressed_input_is_refused_by_every_command(
    tmp_path: Path, model: Path, kind: str
) -> None:
    for name, args in _commands(tmp_path / "in.csv.gz", tmp_path, model).items():
        content = SCORED if name in ("report", "disavow") else EXPORT
        if name.startswith("disavow --"):
            content = "domain:x.example\n"
        (tmp_path / "in.csv.gz").write_bytes(COMPRESSORS[kind](content.encode() * 50))
        line = _one_line_exit_1(args)
        assert kind in line or "binary" in line, (name, line)
        _no_outputs(tmp_path)


@pytest.mark.parametrize("kind", ["fifo", "directory"])
def test_unreadable_inputs_are_one_line_exit_1(tmp_path: Path, model: Path, kind: str) -> None:
    path = tmp_path / "in.csv"
    if kind == "fifo":
        os.mkfifo(path)  # opening it for reading would block: it must be refused without that
    else:
        path.mkdir()
    for args in _commands(path, tmp_path, model).values():
        line = _one_line_exit_1(args)
        assert ("FIFO" in line) if kind == "fifo" else ("directory" in line)
        _no_outputs(tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files without read permission")
def test_file_without_read_permission(tmp_path: Path, model: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text(SCORED)
    path.chmod(0)
    for args in _commands(path, tmp_path, model).values():
        assert "permission" in _one_line_exit_1(args)


def test_directory_as_output_is_refused_before_any_work(tmp_path: Path, model: Path) -> None:
    scored = tmp_path / "scored.csv"
    scored.write_text(SCORED)
    export = tmp_path / "export.csv"
    export.write_text(EXPORT)
    folder = tmp_path / "folder"
    folder.mkdir()
    for args in (
        ["score", str(export), "-o", str(folder), "--model", str(model)],
        ["explain", str(export), "-o", str(folder), "--model", str(model)],
        ["disavow", str(scored), "-o", str(tmp_path / "d.txt"), "--review", str(folder)],
    ):
        assert "directory" in _one_line_exit_1(args)
    assert not (tmp_path / "d.txt").exists()  # the disavow file was not written either
    assert list(folder.iterdir()) == []


def _timed(args: list[str]) -> str:
    start = time.perf_counter()
    line = _one_line_exit_1(args)
    print(f"{args[0]}: refused in {time.perf_counter() - start:.2f}s")  # a figure, not a test
    return line


def test_five_million_header_cells_are_refused_fast(tmp_path: Path, model: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_bytes(b"source_url,p_manipulative,flag," + b"x," * 5_000_000 + b"\n")
    for name in ("score", "report", "disavow"):
        line = _timed(_commands(path, tmp_path, model)[name])
        assert "header line" in line or "columns" in line


def test_fifty_thousand_duplicate_header_cells_are_refused(tmp_path: Path, model: Path) -> None:
    path = tmp_path / "dups.csv"
    path.write_text("source_url," + ",".join(["anchor"] * 50_000) + "\nhttps://a.example/,x\n")
    for name in ("score", "report", "disavow"):
        assert "columns" in _timed(_commands(path, tmp_path, model)[name])


def test_limits_are_configurable(
    tmp_path: Path, model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "scored.csv"
    path.write_text(SCORED * 1 + "https://spam.example/b,0.9,1\r\n" * 5)
    monkeypatch.setenv("LINKCLF_MAX_ROWS", "3")
    assert "at most 3 rows" in _one_line_exit_1(
        ["report", str(path), "-o", str(tmp_path / "r.html")]
    )
    monkeypatch.setenv("LINKCLF_MAX_ROWS", "lots")
    assert "LINKCLF_MAX_ROWS" in _one_line_exit_1(
        ["report", str(path), "-o", str(tmp_path / "r.html")]
    )


def test_a_field_over_the_limit_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "scored.csv"
    path.write_text(
        "source_url,p_manipulative,flag,anchor\r\n"
        + 'https://x.example/,0.5,0,"'
        + "y" * 5000
        + '"\r\n'
    )
    monkeypatch.setenv("LINKCLF_MAX_FIELD_CHARS", "1000")
    assert "1,000 characters" in _one_line_exit_1(
        ["report", str(path), "-o", str(tmp_path / "r.html")]
    )


def test_explain_on_a_header_only_export(tmp_path: Path, model: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("source_url,target_url,anchor\n")
    assert "no rows" in _one_line_exit_1(["explain", str(path), "--model", str(model)])


def test_a_killed_writers_temp_file_is_swept_by_the_next_write(tmp_path: Path) -> None:
    scored = tmp_path / "scored.csv"
    scored.write_text(SCORED)
    stale = tmp_path / ".d.txt.linkclf-999999999-abc.tmp"  # no such process
    stale.write_text("half")
    live = tmp_path / f".d.txt.linkclf-{os.getpid()}-abc.tmp"  # a running writer's: kept
    live.write_text("busy")
    result = runner.invoke(app, ["disavow", str(scored), "-o", str(tmp_path / "d.txt")])
    assert result.exit_code == 0, result.output
    assert not stale.exists() and live.exists()


def test_sigterm_handling_lasts_only_for_the_command(tmp_path: Path) -> None:
    import signal

    before = signal.getsignal(signal.SIGTERM)
    scored = tmp_path / "scored.csv"
    scored.write_text(SCORED)
    result = runner.invoke(app, ["disavow", str(scored), "-o", str(tmp_path / "d.txt")])
    assert result.exit_code == 0, result.output
    assert signal.getsignal(signal.SIGTERM) is before
