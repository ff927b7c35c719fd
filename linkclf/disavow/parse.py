"""Read a disavow file into entries, and repair the mistakes real files contain.

Real files (90 published ones were studied) hold ``Domain: x.com``, ``domain: x.com``, bare
``x.com`` lines, trailing spaces, CRLF line ends, ``domain:RU`` and free text. Repair keeps the
meaning of every line: fixed where the intent is unambiguous, otherwise turned into a comment
that carries the original text, and every change is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from linkclf.disavow.rules import (
    DOMAIN_PREFIX,
    host_problem,
    line_problem,
    url_problem,
)
from linkclf.domains import to_ascii
from linkclf.errors import DisavowError

Kind = Literal["blank", "comment", "domain", "url", "invalid"]

#: What a line turned into a comment starts with, so users can find them.
NOTE_PREFIX = "# linkclf: "

_DOMAIN_LIKE = re.compile(r"^domain\s*:\s*(.*)$", re.IGNORECASE | re.DOTALL)
_SCHEME = re.compile(r"^(https?)://", re.IGNORECASE)
_NOT_IN_HOST = set(" \t/\\?#&=@:;,'\"<>()[]{}")
_BARE_HOST = re.compile(r"^[^\s/:#?@]+\.[^\s/:#?@.]+\.?/?$")


@dataclass(frozen=True)
class Entry:
    """One line of a disavow file.

    Attributes
    ----------
    kind : ``blank``, ``comment``, ``domain``, ``url`` or ``invalid`` (Google would reject it).
    text : the line exactly as it is (or will be) written, without the line end.
    lineno : its 1-based line number in the file it came from; None for a new line.
    """

    kind: Kind
    text: str
    lineno: int | None = None

    @property
    def key(self) -> str:
        """What makes two entries the same disavow: lower-case host, or normalised URL."""
        if self.kind == "domain":
            return "domain:" + self.text[len(DOMAIN_PREFIX) :].lower()
        if self.kind == "url":
            return url_key(self.text)
        return ""

    @property
    def host(self) -> str:
        """Lower-case host of a domain or URL entry ("" otherwise)."""
        if self.kind == "domain":
            return self.text[len(DOMAIN_PREFIX) :].lower().rstrip(".")
        if self.kind == "url":
            return (urlsplit(self.text).hostname or "").rstrip(".")
        return ""


@dataclass(frozen=True)
class Change:
    """A line of the user's file that linkclf rewrote, and why."""

    lineno: int
    original: str
    result: str
    reason: str

    def describe(self) -> str:
        return f"line {self.lineno}: {self.reason}: {self.original!r} -> {self.result!r}"


def url_key(url: str) -> str:
    """Compare URLs as Google would: scheme and host lower case, the rest as written."""
    try:
        parts = urlsplit(url)
        return urlunsplit(
            (parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, parts.fragment)
        )
    except ValueError:
        return url


def decode(data: bytes, where: str) -> tuple[str, list[str]]:
    """Text of a disavow file, and notes on what was done to read it.

    A UTF-8 or UTF-16 byte-order mark is dropped (and noted); anything that is not UTF-8 raises
    :class:`DisavowError` naming the line of the first bad byte.
    """
    notes: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        notes.append("removed the UTF-8 byte-order mark (Google wants UTF-8 without BOM)")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _not_utf8(data, exc, where) from None
        notes.append("re-encoded from UTF-16 to UTF-8 (Google wants UTF-8)")
        return text, notes
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _not_utf8(data, exc, where) from None
    return text, notes


def _not_utf8(data: bytes, exc: UnicodeDecodeError, where: str) -> DisavowError:
    line = data[: exc.start].count(b"\n") + 1
    return DisavowError(
        expected="a disavow file encoded as UTF-8 (or ASCII)",
        found=f"a byte that is not UTF-8 at line {line} ({data[exc.start : exc.start + 1]!r})",
        fix="re-save the file as UTF-8 in your editor",
        where=f"{where}, line {line}",
    )


def split_lines(text: str) -> list[str]:
    """Lines without their ends; ``\\r\\n`` and ``\\n`` both end a line, a final one adds none."""
    if text == "":
        return []
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def classify(line: str, lineno: int | None = None) -> Entry:
    """The entry a line is, as Google reads it (``invalid`` when Google would reject it)."""
    if line_problem(line) is not None:
        return Entry("invalid", line, lineno)
    if line == "":
        return Entry("blank", line, lineno)
    if line.startswith("#"):
        return Entry("comment", line, lineno)
    if line.startswith(DOMAIN_PREFIX):
        return Entry("domain", line, lineno)
    return Entry("url", line, lineno)


def parse(text: str) -> list[Entry]:
    """Every line of a disavow text as an :class:`Entry`, in order, nothing changed."""
    return [classify(line, i) for i, line in enumerate(split_lines(text), start=1)]


def comment_out(original: str, reason: str) -> str:
    """A comment that keeps ``original`` and says why it is no longer a line Google reads."""
    # The original cannot smuggle a line in: lines are already split, and control characters
    # other than tab are replaced so the comment stays one visible line.
    safe = "".join(ch if ch == "\t" or ord(ch) >= 32 else " " for ch in original)
    return f"{NOTE_PREFIX}{reason}, kept as a comment: {safe}"


def _host_of(value: str) -> str:
    """Host a domain value names: a scheme, a final ``/`` and a trailing dot dropped, punycode."""
    value = _SCHEME.sub("", value.strip())
    if value.endswith("/"):
        value = value[:-1]
    if not value or any(ch in _NOT_IN_HOST for ch in value):
        return value  # a path, query or stray text: not a host, leave it for the caller to refuse
    return to_ascii(value.rstrip("."))


def repair_line(line: str) -> tuple[str, str | None]:
    """The line Google accepts with the same meaning, and the reason (None: nothing to fix).

    Unambiguous fixes: whitespace around a line, ``Domain:`` / ``domain: x`` spelling, upper
    case or a trailing dot in a domain, a scheme or ``/`` around a domain value, IDN hosts to
    punycode, and a bare host name (``x.com``) which can only mean that site: ``domain:x.com``.
    Everything else becomes a comment keeping the original.
    """
    if line_problem(line) is None:
        return line, None
    stripped = line.strip()
    if stripped == "":
        return "", "a line of only whitespace, emptied"
    if stripped.startswith("#"):
        return stripped, "whitespace before a comment removed"
    match = _DOMAIN_LIKE.match(stripped)
    if match:
        host = _host_of(match.group(1)).lower()
        problem = host_problem(host)
        if problem is None:
            return DOMAIN_PREFIX + host, "domain line normalised"
        return comment_out(line, problem), "domain line Google would reject, commented out"
    if _SCHEME.match(stripped):
        fixed = _punycode_url(stripped)
        problem = url_problem(fixed)
        if problem is None:
            return fixed, "URL normalised (whitespace around it, punycode host)"
        return comment_out(line, problem), "URL Google would reject, commented out"
    if _BARE_HOST.match(stripped):
        host = _host_of(stripped).lower()
        if host_problem(host) is None:
            return DOMAIN_PREFIX + host, "bare host name made a domain: line"
    return (
        comment_out(line, "not a URL or domain line"),
        "neither a comment, a domain nor a URL, commented out",
    )


def _punycode_url(url: str) -> str:
    """The URL with its host in punycode (the rest unchanged)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    netloc = parts.netloc
    if netloc.isascii():
        return url
    userinfo, _, hostport = netloc.rpartition("@")
    host, sep, port = hostport.partition(":")
    ascii_host = to_ascii(host)
    new_netloc = (userinfo + "@" if userinfo else "") + ascii_host + sep + port
    return urlunsplit((parts.scheme, new_netloc, parts.path, parts.query, parts.fragment))


def repair(text: str) -> tuple[list[Entry], list[Change]]:
    """Entries of a user's disavow text made valid for Google, nothing lost, with the changes.

    Every valid line is kept as it is and in order; a line Google would reject is fixed or
    commented out (see :func:`repair_line`); a repeat of an earlier domain or URL becomes a
    comment naming the line it repeats.
    """
    lines = split_lines(text)
    # A line the user wrote correctly is never the one to give way to a repaired copy of it.
    valid_at: dict[str, int] = {}
    for lineno, line in enumerate(lines, start=1):
        valid_at.setdefault(classify(line).key, lineno)
    entries: list[Entry] = []
    changes: list[Change] = []
    first_seen: dict[str, int] = {}
    for lineno, line in enumerate(lines, start=1):
        fixed, reason = repair_line(line)
        entry = classify(fixed, lineno)
        key = entry.key
        if key and reason is not None and key in valid_at:
            fixed = comment_out(line, f"already disavowed by line {valid_at[key]}")
            reason = "duplicate once fixed, commented out"
            entry = Entry("comment", fixed, lineno)
        elif key and key in first_seen:
            fixed = comment_out(line, f"repeats line {first_seen[key]}")
            reason = "duplicate, commented out"
            entry = Entry("comment", fixed, lineno)
        elif key:
            first_seen[key] = lineno
        if reason is not None:
            changes.append(Change(lineno, line, fixed, reason))
        entries.append(entry)
    return entries, changes
