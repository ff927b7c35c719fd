"""`train --out` never destroys user data, and installing a model is one atomic step (issue 15)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from linkclf import install
from linkclf.cli import app
from linkclf.errors import ConfigError

runner = CliRunner()


def _fake_model(path: Path, marker: str) -> Path:
    """A directory shaped like a linkclf model (install only looks at names and model.json)."""
    (path / "features").mkdir(parents=True)
    (path / "model.json").write_text(json.dumps({"format": "linkclf-model/1", "marker": marker}))
    (path / "model.lgb.txt").write_text(marker)
    (path / "features" / "features.json").write_text("{}")
    return path


def test_train_refuses_out_that_is_the_input_csv(tmp_path: Path, labelled_csv: Path) -> None:
    data = tmp_path / "x.csv"
    data.write_bytes(labelled_csv.read_bytes())
    before = data.read_bytes()
    result = runner.invoke(app, ["train", "--data", str(data), "--out", str(data)])
    assert result.exit_code == 1
    assert "an existing file" in result.output and "Traceback" not in result.output
    assert data.read_bytes() == before


def test_train_refuses_a_folder_of_user_files(tmp_path: Path, labelled_csv: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("my notes")
    result = runner.invoke(app, ["train", "--data", str(labelled_csv), "--out", str(folder)])
    assert result.exit_code == 1
    assert "not a linkclf model" in result.output
    assert (folder / "notes.txt").read_text() == "my notes"


def test_model_dir_with_extra_user_files_is_refused(tmp_path: Path) -> None:
    model = _fake_model(tmp_path / "m", "old")
    (model / "my-audit.xlsx").write_bytes(b"data")
    with pytest.raises(ConfigError, match="my-audit.xlsx"):
        install.check_target(model)


def test_install_replaces_only_the_model_and_leaves_no_temp(tmp_path: Path) -> None:
    target = _fake_model(tmp_path / "models" / "default", "old")
    (tmp_path / "models" / "other.txt").write_text("keep")
    staged = _fake_model(install.staging_dir(target) / "model", "new")
    install.install(staged, target)
    assert json.loads((target / "model.json").read_text())["marker"] == "new"
    assert (tmp_path / "models" / "other.txt").read_text() == "keep"
    staged.parent.rmdir()  # the caller's staging dir is empty again: the old model is gone
    assert sorted(p.name for p in (tmp_path / "models").iterdir()) == ["default", "other.txt"]


def test_install_into_a_new_path_and_an_empty_dir(tmp_path: Path) -> None:
    for target in (tmp_path / "new" / "m", tmp_path / "empty"):
        if target.name == "empty":
            target.mkdir()
        staged = _fake_model(install.staging_dir(target) / "model", "new")
        install.install(staged, target)
        assert install.is_model_dir(target)


def test_a_reader_never_sees_the_model_missing(tmp_path: Path) -> None:
    """A process reading model.json in a loop during 30 installs always finds a whole model."""
    target = _fake_model(tmp_path / "m", "v0")
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import json,sys,time\n"
            "missing=0\nend=time.time()+60\n"
            "while time.time()<end:\n"
            "    try: json.load(open(sys.argv[1]))\n"
            "    except FileNotFoundError: missing+=1\n"
            "    if open(sys.argv[2]).read(): break\n"
            "print(missing)",
            str(target / "model.json"),
            str(tmp_path / "stop"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    (tmp_path / "stop").write_text("")
    for i in range(30):
        install.install(_fake_model(install.staging_dir(target) / "model", f"v{i + 1}"), target)
    (tmp_path / "stop").write_text("stop")
    out, _ = reader.communicate(timeout=60)
    assert out.strip() == "0"
    assert json.loads((target / "model.json").read_text())["marker"] == "v30"


def test_killed_between_two_renames_is_repaired_on_next_run(tmp_path: Path) -> None:
    target = tmp_path / "m"
    previous = _fake_model(tmp_path / ".m.linkclf-previous", "old")
    assert not target.exists() and previous.exists()
    install.check_target(target)  # what the next `train --out m` does first
    assert json.loads((target / "model.json").read_text())["marker"] == "old"


def test_stale_staging_of_a_dead_process_is_swept(tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        text=True,
        capture_output=True,
        check=True,
    ).stdout.strip()
    stale = tmp_path / f".m.linkclf-{dead}-abc"
    stale.mkdir()
    live = tmp_path / f".m.linkclf-{os.getpid()}-abc"
    live.mkdir()
    fresh = install.staging_dir(tmp_path / "m")
    assert not stale.exists() and live.exists() and fresh.exists()
