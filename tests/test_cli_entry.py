"""The console entry registers only the command it runs (start-up, issue 11); everything else
(``linkclf -h``, a typo, ``linkclf.cli.app``) still sees every command, in README order."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_main(*args: str) -> subprocess.CompletedProcess[str]:
    code = (
        "import sys\nfrom linkclf.cli import main\n"
        f"sys.argv = ['linkclf', *{list(args)!r}]\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code\nelse:\n    code = 0\n"
        "print('LOADED', sorted(m for m in sys.modules if m.startswith('linkclf.cli.')))\n"
        "sys.exit(code)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300
    )


def test_the_app_has_every_command_in_readme_order() -> None:
    from linkclf.cli import COMMANDS, app

    assert [info.name for info in app.registered_commands] == [name for name, _ in COMMANDS]


def test_a_named_command_loads_only_its_module() -> None:
    done = run_main("diff", "-h")
    assert done.returncode == 0, done.stderr
    assert "Usage: linkclf diff" in done.stdout
    loaded = done.stdout.split("LOADED", 1)[1]
    assert "linkclf.cli.diff" in loaded
    assert "linkclf.cli.disavow" not in loaded and "linkclf.cli.train" not in loaded


def test_the_top_level_help_and_a_typo_see_every_command() -> None:
    from linkclf.cli import COMMANDS

    done = run_main("-h")
    assert done.returncode == 0, done.stderr
    for name, _ in COMMANDS:
        assert f"  {name} " in done.stdout, name
    typo = run_main("scor", "x.csv")
    assert typo.returncode == 2
    assert "No such command 'scor'" in typo.stderr and "score" in typo.stderr
