"""What every command shares: one clear line and exit code 1 on a user error."""

from __future__ import annotations

import functools
import signal
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import typer

from linkclf.errors import LinkclfError

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str) -> None:
    typer.echo(f"linkclf: error: {message}", err=True)
    raise typer.Exit(code=1)


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM / SIGHUP as Ctrl-C: unwinds the stack, so atomic writes delete their temp files."""
    raise KeyboardInterrupt


def _catch_termination() -> dict[int, Any]:
    """Install :func:`_interrupt` for SIGTERM/SIGHUP; returns the handlers it replaced."""
    previous: dict[int, Any] = {}
    if threading.current_thread() is not threading.main_thread():
        return previous
    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is not None:
            previous[sig] = signal.signal(sig, _interrupt)
    return previous


def user_errors(func: F) -> F:
    """Turn a LinkclfError (and OS errors on user paths) into one line + exit 1.

    Also makes SIGTERM and SIGHUP unwind like Ctrl-C, so no temp file outlives a killed run
    (``kill -9`` cannot be caught: the next write sweeps what it leaves, see linkclf.io).
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        previous = _catch_termination()
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
        except OSError as exc:  # a FIFO, a full disk, a vanished mount: the user's environment
            where = f"{exc.filename}: " if exc.filename else ""
            fail(f"{where}expected a usable path, found {exc.strerror or exc}; check the path")
        except KeyboardInterrupt:
            typer.echo("linkclf: interrupted; no output was written", err=True)
            raise typer.Exit(code=130) from None
        finally:  # only for the command's duration: a library or test process keeps its own
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    return wrapper  # type: ignore[return-value]


def info(message: str) -> None:
    """Progress and summaries go to stderr (nothing with -q); results go to files or stdout."""
    from linkclf.cli.progress import say

    say(message)
