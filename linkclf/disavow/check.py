"""Validate a disavow file the way Google's upload would: every rejected line, with its number.

Errors are what Google rejects (file name, encoding, BOM, size, line syntax); warnings are what
it accepts but the user probably did not mean (a repeated line, a whole public suffix, CRLF).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from linkclf.disavow.parse import split_lines, url_key
from linkclf.disavow.rules import (
    DOMAIN_PREFIX,
    MAX_BYTES,
    MAX_LINES,
    line_problem,
    line_warning,
)

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a disavow file; ``lineno`` is None for the file as a whole."""

    severity: Severity
    message: str
    lineno: int | None = None
    line: str = ""

    def describe(self, where: str) -> str:
        place = f"{where}, line {self.lineno}" if self.lineno is not None else where
        shown = f": {self.line!r}" if self.lineno is not None else ""
        return f"{place}: {self.severity}: {self.message}{shown}"


@dataclass
class CheckReport:
    """Result of :func:`check_bytes`."""

    where: str
    n_lines: int
    n_bytes: int
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when Google would accept the file."""
        return not self.errors


def check_bytes(data: bytes, where: str = "disavow.txt") -> CheckReport:
    """Every problem Google would have with ``data`` uploaded as the file named ``where``.

    Parameters
    ----------
    data : the file's bytes.
    where : its name (the ``.txt`` rule applies to it) as shown in messages.

    Examples
    --------
    >>> report = check_bytes(b"domain:spam.example\\nDomain: x.com\\n")
    >>> [(p.lineno, p.severity) for p in report.problems]
    [(2, 'error')]
    """
    problems: list[Problem] = []
    if not where.lower().endswith(".txt"):
        problems.append(Problem("error", "Google accepts only a .txt file; rename it"))
    if data.startswith(b"\xef\xbb\xbf"):
        problems.append(Problem("error", "starts with a UTF-8 byte-order mark; save without BOM"))
        data_text = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.append(Problem("error", "encoded as UTF-16; Google wants UTF-8 or ASCII"))
        data_text = data
    else:
        data_text = data
    try:
        text = data_text.decode("utf-8")
    except UnicodeDecodeError as exc:
        if not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            line = data_text[: exc.start].count(b"\n") + 1
            problems.append(
                Problem(
                    "error", f"not valid UTF-8 (first bad byte on line {line}); re-save as UTF-8"
                )
            )
        text = data_text.decode("utf-8", errors="replace")
    lines = split_lines(text)
    if len(data) > MAX_BYTES:
        problems.append(
            Problem("error", f"{len(data):,} bytes; Google accepts at most {MAX_BYTES:,}")
        )
    if len(lines) > MAX_LINES:
        problems.append(
            Problem("error", f"{len(lines):,} lines; Google accepts at most {MAX_LINES:,}")
        )
    if "\r\n" in text:
        problems.append(Problem("warning", "Windows (CRLF) line ends; plain \\n is safer"))
    if "\r" in text.replace("\r\n", ""):
        problems.append(Problem("warning", "old Mac (bare CR) line ends; save with \\n line ends"))
    problems.extend(_line_problems(lines))
    return CheckReport(where=where, n_lines=len(lines), n_bytes=len(data), problems=problems)


def _line_problems(lines: list[str]) -> list[Problem]:
    found: list[Problem] = []
    first_seen: dict[str, int] = {}
    for lineno, line in enumerate(lines, start=1):
        problem = line_problem(line)
        if problem is not None:
            found.append(Problem("error", problem, lineno, line))
            continue
        warning = line_warning(line)
        if warning is not None:
            found.append(Problem("warning", warning, lineno, line))
        if line == "" or line.startswith("#"):
            continue
        key = (
            DOMAIN_PREFIX + line[len(DOMAIN_PREFIX) :].lower()
            if line.startswith(DOMAIN_PREFIX)
            else url_key(line)
        )
        if key in first_seen:
            found.append(Problem("warning", f"repeats line {first_seen[key]}", lineno, line))
        else:
            first_seen[key] = lineno
    return found
