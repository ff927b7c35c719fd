"""Progress on stderr: a rich bar with count, rate and ETA on a terminal, one line per step
otherwise; silent with ``-q``, every library message with ``-v``.

Results go to files or stdout; everything here goes to stderr, so ``-o -`` output stays clean.
The library reports progress as plain messages (``Callable[[str], None]``); a message holding
``done/total`` (``"scored 50,000/120,000 links"``) moves the current step's bar.
"""

from __future__ import annotations

import contextlib
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

QUIET, NORMAL, VERBOSE = 0, 1, 2
_level = NORMAL
_COUNT = re.compile(r"(\d[\d,]*)\s*/\s*(\d[\d,]*)")


def set_level(level: int) -> None:
    """Set how much is said: QUIET (errors only), NORMAL, VERBOSE."""
    global _level
    _level = level


def level() -> int:
    """The current verbosity."""
    return _level


def _console():  # rich is imported only when something is shown
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def say(message: str, *, at: int = NORMAL) -> None:
    """Print ``message`` to stderr if the verbosity is at least ``at``."""
    if _level >= at:
        print(message, file=sys.stderr, flush=True)


def parse_count(message: str) -> tuple[int, int] | None:
    """(done, total) from a progress message such as ``"scored 1,000/5,000 links"``."""
    match = _COUNT.search(message)
    if match is None:
        return None
    return int(match.group(1).replace(",", "")), int(match.group(2).replace(",", ""))


@dataclass
class Step:
    """One long step: ``advance``/``update`` move it; ``message`` takes a library message."""

    name: str
    unit: str
    total: int | None
    done: int = 0
    _bar: Callable[[int, int | None], None] = field(default=lambda done, total: None)

    def update(self, done: int, total: int | None = None) -> None:
        """Set how many items are done (and the total, if it became known)."""
        self.done = done
        if total is not None:
            self.total = total
        self._bar(self.done, self.total)

    def advance(self, n: int = 1) -> None:
        """``n`` more items done."""
        self.update(self.done + n)

    def message(self, text: str) -> None:
        """A library progress message: moves the bar when it holds ``done/total``; shown with -v."""
        count = parse_count(text)
        if count is not None:
            self.update(*count)
        say(f"  {text}", at=VERBOSE)


@contextlib.contextmanager
def step(name: str, total: int | None = None, unit: str = "links") -> Iterator[Step]:
    """Show a step while it runs.

    On a terminal: a rich bar (count, rate, ETA) that disappears when the step ends, leaving one
    summary line. Not on a terminal (a log, CI): only the summary line
    ``"<name>: <n> <unit> in <s> s (<rate> <unit>/s)"``. Nothing with ``-q``.
    """
    started = time.perf_counter()
    current = Step(name, unit, total)
    console = _console() if _level >= NORMAL else None
    if console is not None and console.is_terminal:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task(name, total=total, rate="")

            def show(done: int, total_: int | None) -> None:
                elapsed = max(time.perf_counter() - started, 1e-9)
                bar.update(
                    task, completed=done, total=total_, rate=f"{done / elapsed:,.0f} {unit}/s"
                )

            current._bar = show
            yield current
    else:
        yield current
    if console is not None:
        elapsed = time.perf_counter() - started
        count = f"{current.done:,} {unit} " if current.done else ""
        rate = f" ({current.done / elapsed:,.0f} {unit}/s)" if current.done and elapsed > 0 else ""
        say(f"{name}: {count}in {elapsed:.1f} s{rate}")
