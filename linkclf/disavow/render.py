"""Entries to the text of a disavow file, within Google's limits or split into parts.

Output is UTF-8 without BOM with ``\\n`` line ends; every line is checked against
:func:`linkclf.disavow.rules.line_problem` before it is written, so linkclf never writes a line
Google would reject.
"""

from __future__ import annotations

from collections.abc import Sequence

from linkclf.disavow.parse import Entry
from linkclf.disavow.rules import MAX_BYTES, MAX_LINES, line_problem
from linkclf.errors import DisavowError

#: Room kept in each part for its "# linkclf: part i of n" line.
_PART_HEADER_BYTES = 64


def _checked(entries: Sequence[Entry]) -> list[str]:
    lines = [entry.text for entry in entries]
    for number, line in enumerate(lines, start=1):
        problem = line_problem(line)
        if problem is not None:
            # Only reachable through a bug or hand-built entries: refuse rather than write it.
            raise DisavowError(
                expected="only comments, domain: lines and URLs",
                found=f"line {number}: {problem}: {line!r}",
                fix="report this as a linkclf bug; nothing was written",
            )
    return lines


def _size(lines: Sequence[str]) -> int:
    return sum(len(line.encode("utf-8")) + 1 for line in lines)


def render(entries: Sequence[Entry], where: str = "disavow.txt") -> str:
    """The file's text; raises :class:`DisavowError` above 100,000 lines or 2 MB."""
    lines = _checked(entries)
    n_bytes = _size(lines)
    if len(lines) > MAX_LINES or n_bytes > MAX_BYTES:
        raise DisavowError(
            expected=f"at most {MAX_LINES:,} lines and {MAX_BYTES:,} bytes (Google's limits)",
            found=f"{len(lines):,} lines, {n_bytes:,} bytes",
            fix="pass --split to write parts, raise --threshold, or prefer domain: lines",
            where=where,
        )
    return "".join(line + "\n" for line in lines)


def render_parts(
    entries: Sequence[Entry], max_lines: int = MAX_LINES, max_bytes: int = MAX_BYTES
) -> list[str]:
    """The file's text in as few parts as fit Google's limits, each valid on its own.

    One part is returned unchanged when everything fits; otherwise each part starts with a
    ``# linkclf: part i of n`` comment. Lines are never cut.
    """
    lines = _checked(entries)
    if len(lines) <= max_lines and _size(lines) <= max_bytes:
        return ["".join(line + "\n" for line in lines)]
    parts: list[list[str]] = [[]]
    used = 0
    for line in lines:
        cost = len(line.encode("utf-8")) + 1
        if parts[-1] and (
            len(parts[-1]) + 2 > max_lines or used + cost + _PART_HEADER_BYTES > max_bytes
        ):
            parts.append([])
            used = 0
        parts[-1].append(line)
        used += cost
    total = len(parts)
    return [
        f"# linkclf: part {i} of {total}\n" + "".join(line + "\n" for line in part)
        for i, part in enumerate(parts, start=1)
    ]
