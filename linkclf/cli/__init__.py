"""The command line: thin typer commands over library functions.

The only package that imports typer, prints to the terminal or exits. Each command lives in its
own module with a ``command`` function; they are registered here.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="linkclf",
    help="Tell natural backlinks from manipulative ones, and write disavow candidates.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# (command name, module under linkclf.cli). Each module defines `command`.
COMMANDS: list[tuple[str, str]] = [
    # one line per command; keep this list in README order
    ("train", "train"),
    ("score", "score"),
    ("disavow", "disavow"),
    ("evaluate", "evaluate"),
    ("explain", "explain"),
    ("simulate", "simulate"),
    ("check-real", "realdata"),
    ("extract", "extract"),
    ("report", "report"),
]


def _register() -> None:
    for name, module in COMMANDS:
        mod = importlib.import_module(f"linkclf.cli.{module}")
        app.command(name, help=mod.command.__doc__)(mod.command)


_register()


def main() -> None:
    """Console-script entry point."""
    app()
