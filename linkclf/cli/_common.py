"""What every command shares: one clear line and exit code 1 on a user error."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer

from linkclf.errors import LinkclfError

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str) -> None:
    typer.echo(f"linkclf: error: {message}", err=True)
    raise typer.Exit(code=1)


def user_errors(func: F) -> F:
    """Turn a LinkclfError (and a few OS errors on user paths) into one line + exit 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except LinkclfError as exc:
            fail(exc.one_line())
        except FileNotFoundError as exc:
            fail(f"{exc.filename}: expected an existing file, found nothing there; check the path")
        except IsADirectoryError as exc:
            fail(f"{exc.filename}: expected a file, found a directory; pass a file path")
        except PermissionError as exc:
            fail(f"{exc.filename}: expected a readable/writable path, found no permission")
        except KeyboardInterrupt:
            typer.echo("linkclf: interrupted; no output was written", err=True)
            raise typer.Exit(code=130) from None

    return wrapper  # type: ignore[return-value]


def info(message: str) -> None:
    """Progress and summaries go to stderr; results go to files or stdout."""
    print(message, file=sys.stderr, flush=True)
