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
from linkclf.inputfile import container_of, utf16_byte_order

Kind = Literal["blank", "comment", "domain", "url", "invalid"]

#: What a line turned into a comment starts with, so users can find them.
NOTE_PREFIX = "# linkclf: "

_DOMAIN_LIKE = re.compile(r"^domain\s*:\s*(.*)$", re.IGNORECASE | re.DOTALL)
_SCHEME = re.compile(r"^(https?)://", re.IGNORECASE)
_NOT_IN_HOST = set(" \t/\\?#&=@:;,'\"<>()[]{}")
_LINE_END = re.compile(r"\r\n|\r|\n")
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

    @property
    def deactivates(self) -> bool:
        """Whether a line that meant to disavow something no longer does (became a comment).

        A repeat of an earlier line does not count (the first one still disavows it), nor does
        free text with spaces (a note, never a line Google read as a disavow).
        """
        if not self.result.startswith(NOTE_PREFIX) or "repeats line" in self.result:
            return False
        if "already disavowed by line" in self.result:
            return False
        stripped = self.original.strip()
        return bool(_DOMAIN_LIKE.match(stripped) or _SCHEME.match(stripped)) or (
            "." in stripped and not any(ch.isspace() for ch in stripped)
        )

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

    Every encoding an editor saves a disavow file in is read: UTF-8 with or without a
    byte-order mark, UTF-16 with a BOM or without (recognised by its NUL bytes), and, when the
    bytes are not UTF-8, Windows-1252 / Latin-1 (what old Windows editors write). Each step
    away from plain UTF-8 is noted. Compressed or binary data raises :class:`DisavowError`.
    """
    notes: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        notes.append("removed the UTF-8 byte-order mark (Google wants UTF-8 without BOM)")
    codec: str | None = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16"
    else:
        codec = utf16_byte_order(data[:4096])
    if codec is not None:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            raise _binary(where, f"bytes that are not UTF-16 at byte {exc.start}") from None
        notes.append(f"re-encoded from UTF-16 ({codec}) to UTF-8 (Google wants UTF-8)")
        return _refuse_controls(text, where), notes
    container = container_of(data[:16])
    if container is not None or b"\x00" in data[:4096]:
        raise _binary(where, container[0] if container else "binary data (NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        text = data.decode("latin-1").translate(_CP1252)
        notes.append(
            f"not UTF-8 (first at line {line}): read as Windows-1252/Latin-1 and written as "
            "UTF-8; check accented domains"
        )
    return _refuse_controls(text, where), notes


#: Latin-1 code points 0x80-0x9f that Windows-1252 maps to printable characters.
_CP1252 = {
    i: bytes([i]).decode("cp1252")
    for i in range(0x80, 0xA0)
    if i not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}


def _binary(where: str, found: str) -> DisavowError:
    return DisavowError(
        expected="a disavow file: text lines (UTF-8, UTF-16 or Latin-1)",
        found=found,
        fix="pass the .txt disavow file itself (decompress or re-export it first)",
        where=where,
    )


def _refuse_controls(text: str, where: str) -> str:
    """Text whose control characters are so many that it is binary data is refused."""
    sample = text[:20_000]
    odd = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n")
    if odd > max(2, len(sample) // 100):
        raise _binary(where, f"binary data ({odd} control characters in the first {len(sample):,})")
    return text


def split_lines(text: str) -> list[str]:
    """Lines without their ends: LF, CRLF and a bare CR (old Mac editors) each end a line.

    A final line end adds no empty line. Mixed files are split at every one of them, so no line
    of the user's swallows the next.
    """
    if text == "":
        return []
    lines = _LINE_END.split(text)
    if lines[-1] == "":
        lines.pop()
    return lines


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
