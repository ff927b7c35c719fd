"""Issue 13: CLI conventions. --version, -h on every command, click-style metavars, -q, the
commands listed in README order, completion offered, every error code documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import linkclf
from linkclf import errors
from linkclf.cli import COMMANDS, app
from tests.test_tool_inputs import export, model  # noqa: F401  (module fixtures)

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
NAMES = [name for name, _ in COMMANDS]


def test_version() -> None:
    for flag in ("--version", "-V"):
        result = runner.invoke(app, [flag])
        assert result.exit_code == 0 and result.output.strip() == f"linkclf {linkclf.__version__}"


@pytest.mark.parametrize("name", NAMES)
def test_every_command_takes_h_and_prints_click_metavars(name: str) -> None:
    result = runner.invoke(app, [name, "-h"], terminal_width=80)
    assert result.exit_code == 0, result.output
    assert not re.search(r"<(list\[\w+\]|str|int|float|path|bool)>", result.output)
    assert "-q, --quiet" in result.output and "-v, --verbose" in result.output
    # Every help line fits the terminal: paragraphs are rewrapped, not hard-wrapped at 80.
    assert max(len(line) for line in result.output.splitlines()) <= 80


@pytest.mark.parametrize("name", [n for n in NAMES if n != "check-real"])
def test_every_command_writing_a_file_takes_o(name: str) -> None:
    result = runner.invoke(app, [name, "-h"])
    if name in ("explain", "score", "disavow", "report", "train", "evaluate", "simulate"):
        assert "-o, --o" in result.output, (name, result.output)


def test_commands_are_listed_in_readme_order() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Commands", 1)[1].split("\n## ", 1)[0]
    in_readme = list(dict.fromkeys(re.findall(r"^\| `linkclf ([a-z-]+)", table, re.M)))
    assert in_readme == NAMES
    listed = runner.invoke(app, ["-h"]).output.split("Commands:")[1]
    positions = [listed.index(f"  {name} ") for name in NAMES]
    assert positions == sorted(positions)


def test_completion_is_offered() -> None:
    result = runner.invoke(app, ["-h"])
    assert "--install-completion" in result.output and "--show-completion" in result.output


def test_quiet_says_nothing_and_verbose_says_more(
    export: Path,  # noqa: F811
    model: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    base = ["score", str(export), "-o", str(tmp_path / "s.csv"), "--model", str(model)]
    quiet = runner.invoke(app, [*base, "-q"])
    assert quiet.exit_code == 0 and quiet.stderr == "" and quiet.stdout == ""
    normal = runner.invoke(app, base)
    lines = normal.stderr.splitlines()
    # Not a terminal: one line per step, then the summary.
    assert [line.split(":")[0] for line in lines[:1]] == ["read"]
    assert any(line.startswith("featurise, embed, score: 300 links in") for line in lines)
    verbose = runner.invoke(app, ["-v", *base])
    assert "scored 300/300 links" in verbose.stderr
    assert len(verbose.stderr.splitlines()) > len(lines)


def test_every_error_code_is_documented() -> None:
    doc = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    codes = {
        cls.code
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, errors.LinkclfError)
    }
    for code in codes:
        assert re.search(rf"^## {code}\b", doc, re.M), code


def test_train_outside_a_checkout_says_what_to_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["train", "-o", str(tmp_path / "m")])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "--data" in lines[0] and "linkclf simulate" in lines[0]
    assert not (tmp_path / "m").exists()
