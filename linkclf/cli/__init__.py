"""The command line: thin typer commands over library functions.

The only package that imports typer, prints to the terminal or exits. Each command lives in its
own module with a ``command`` function; they are registered here, in README order, each with
the conventions every command shares (:class:`_Command`): ``-h``, ``-q``/``-v``, click-style
metavars (``PATH``, ``TEXT``), help text rewrapped to the terminal.

``app`` (``from linkclf.cli import app``) has every command. The console entry :func:`main`
registers only the command it runs, when it is named first: importing every command module
(disavow, report, review, ...) cost about 0.15 s of the start-up of ``linkclf score`` (issue 11)
for commands the process never runs. The command's options and help are the same either way.
"""

from __future__ import annotations

import functools
import importlib
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args

import typer
from typer.core import TyperCommand

from linkclf import __version__
from linkclf.cli import progress

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

_app = typer.Typer(
    name="linkclf",
    help="Tell natural backlinks from manipulative ones, and write disavow candidates.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    # Plain click help: paragraphs rewrapped to the terminal width, metavars as click writes them.
    rich_markup_mode=None,
    context_settings=CONTEXT,
)

# (command name, module under linkclf.cli). Each module defines `command`.
COMMANDS: list[tuple[str, str]] = [
    # one line per command; keep this list in README order (the "Commands" table)
    ("score", "score"),
    ("disavow", "disavow"),
    ("review", "review"),
    ("report", "report"),
    ("diff", "diff"),
    ("explain", "explain"),
    ("train", "train"),
    ("evaluate", "evaluate"),
    ("simulate", "simulate"),
    ("check-real", "realdata"),
    ("extract", "extract"),
]


def _with_verbosity(func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` with ``-q/--quiet`` and ``-v/--verbose`` added to its options.

    Added here, once, so every command (and any new command module) takes them without
    repeating two options in each signature.
    """
    signature = inspect.signature(func, eval_str=True)

    @functools.wraps(func)
    def wrapper(*args: Any, quiet: bool = False, verbose: bool = False, **kwargs: Any) -> Any:
        if quiet:
            progress.set_level(progress.QUIET)
        elif verbose:
            progress.set_level(progress.VERBOSE)
        return func(*args, **kwargs)

    extra = [
        inspect.Parameter(
            "quiet",
            inspect.Parameter.KEYWORD_ONLY,
            default=typer.Option(False, "-q", "--quiet", help="Say nothing but errors."),
            annotation=bool,
        ),
        inspect.Parameter(
            "verbose",
            inspect.Parameter.KEYWORD_ONLY,
            default=typer.Option(False, "-v", "--verbose", help="Say more: every batch."),
            annotation=bool,
        ),
    ]
    params = [*signature.parameters.values(), *extra]
    wrapper.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in params}
    return wrapper


def _click_metavar(param: Any) -> str | None:
    """What click itself prints: ``PATH``, ``TEXT``, ``INTEGER``; ``INPUTS...`` for arguments.

    (This typer prints ``<list[str]>``/``<path>``; users read click's style in every other tool.)
    """
    desc = getattr(param, "type_descriptor", None)
    if param.param_type_name == "argument":
        name = (param.name or "arg").upper()
        return f"{name}..." if param.nargs != 1 else name
    if desc is None:
        return None
    if desc.is_choice:
        return "[" + "|".join(str(getattr(c, "value", c)) for c in desc.choices or ()) + "]"
    annotation = desc.annotation
    if desc.is_list:
        args = get_args(annotation)
        annotation = args[0] if args else str
    if desc.is_path or annotation is Path:
        return "PATH"
    return {int: "INTEGER", float: "FLOAT", str: "TEXT"}.get(annotation, "TEXT")


class _Command(TyperCommand):
    """A linkclf command with click-style metavars (set here once, so a new command module gets
    them without ``metavar=`` on every option)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if param.metavar is None and not getattr(param, "is_flag", False):
                param.metavar = _click_metavar(param)
            if param.param_type_name == "argument":
                # typer would add "<list[str]>" after the name and braces in the usage line.
                usage = param.metavar if param.required else f"[{param.metavar}]"
                param._usage_display_name = lambda usage=usage: usage  # type: ignore[attr-defined]
                param.display_type_rich = lambda ctx: None  # type: ignore[attr-defined]


#: Commands already added to ``_app`` (a command is added once, in COMMANDS order).
_registered: set[str] = set()


def _register(only: str | None = None) -> typer.Typer:
    """Add the commands to the typer app, every one (``only`` None) or the one named."""
    for name, module in COMMANDS:
        if name in _registered or (only is not None and name != only):
            continue
        mod = importlib.import_module(f"linkclf.cli.{module}")
        _app.command(name, help=mod.command.__doc__, cls=_Command)(_with_verbosity(mod.command))
        _registered.add(name)
    # README order also when one command was registered before the others.
    order = [name for name, _ in COMMANDS]
    _app.registered_commands.sort(key=lambda info: order.index(str(info.name)))
    return _app


def __getattr__(name: str) -> Any:
    """``linkclf.cli.app``: the app with every command (registered on first use)."""
    if name == "app":
        return _register()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"linkclf {__version__}")
        raise typer.Exit()


@_app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        "-V",
        is_eager=True,
        callback=_show_version,
        help="Print the version and exit.",
    ),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="Say nothing but errors."),
    verbose: bool = typer.Option(False, "-v", "--verbose", help="Say more: every batch."),
) -> None:
    """Tell natural backlinks from manipulative ones, and write disavow candidates.

    Start with: linkclf score EXPORT -o scored.csv. Every command takes -h.
    """
    # Reset on every run (a command's own -q/-v, parsed after this, may lower or raise it).
    progress.set_level(
        progress.QUIET if quiet else progress.VERBOSE if verbose else progress.NORMAL
    )


def main() -> None:
    """Console-script entry point."""
    import sys

    named = sys.argv[1] if len(sys.argv) > 1 else None
    # Only the command named first, when it is one (``linkclf score ...``); anything else
    # (``linkclf``, ``-h``, ``--version``, a typo) gets every command, for the full help and
    # click's "No such command" with its suggestions.
    _register(named if named in dict(COMMANDS) else None)
    if named == "score":
        # A process that only scores: lightgbm's Booster without scikit-learn (2 s of
        # imports, most of the start-up on a small export; see linkclf.estimator).
        from linkclf.estimator import import_lightgbm_without_sklearn

        import_lightgbm_without_sklearn()
    _app(prog_name="linkclf")
