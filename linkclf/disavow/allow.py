"""The allowlist: domains that new disavow candidates must never touch.

Two sources with two strengths:

* ``yours`` (``--allow``: own domains, a never-disavow list) holds back domain AND URL
  candidates on or above any listed domain;
* ``default`` (``linkclf/data/allowlist-default.txt``: platforms and institutions) holds back
  only ``domain:`` candidates, so a flagged page on such a platform still comes through as a
  URL line. A bare public suffix there (``gov``, ``ac.uk``) covers every domain under it; for
  blog hosts (:data:`~linkclf.domains.HOSTED_PLATFORMS`) a user's own subdomain site
  stays disavowable (``domain:spam.wordpress.com``), the platform never.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Literal

from linkclf.disavow.rules import DOMAIN_PREFIX
from linkclf.domains import HOSTED_PLATFORMS, hostname, to_ascii
from linkclf.errors import DisavowError

Source = Literal["yours", "default"]

_LABEL_RE = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$")


@dataclass(frozen=True)
class AllowEntry:
    """One allowlisted domain, where it came from and its line there."""

    host: str
    source: Source
    lineno: int

    def describe(self) -> str:
        return f"{'your' if self.source == 'yours' else 'default'} allowlist: {self.host}"


def _under(host: str, parent: str) -> bool:
    """``host`` is ``parent`` or one of its subdomains."""
    return host == parent or host.endswith("." + parent)


@dataclass(frozen=True)
class Allowlist:
    """Allowlisted domains; see the module docstring for what each source holds back."""

    entries: tuple[AllowEntry, ...] = ()

    def __add__(self, other: Allowlist) -> Allowlist:
        return Allowlist(self.entries + other.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def blocks_domain(self, host: str) -> AllowEntry | None:
        """The entry that holds back a ``domain:host`` line, or None."""
        host = host.lower()
        for entry in self.entries:
            if _under(entry.host, host):  # the line would disavow the allowlisted domain
                return entry
            if _under(host, entry.host):
                if entry.source == "yours":
                    return entry
                if entry.host in HOSTED_PLATFORMS and host != entry.host:
                    continue  # someone's own site on a blog host, not the platform
                return entry
        return None

    def blocks_url(self, host: str) -> AllowEntry | None:
        """The entry that holds back a URL line on ``host`` (only your own list does)."""
        host = host.lower()
        for entry in self.entries:
            if entry.source == "yours" and _under(host, entry.host):
                return entry
        return None


def parse_allowlist(text: str, source: Source = "yours", where: str = "allowlist") -> Allowlist:
    """Allowlist from text: one domain per line, ``#`` comments (whole-line or trailing).

    ``domain:x.com``, ``https://x.com/...``, ``*.x.com`` and ``.x.com`` all mean ``x.com``;
    IDNs are stored in punycode. A line that names no domain raises :class:`DisavowError`.
    """
    entries: list[AllowEntry] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip().lstrip("\ufeff")
        if not line:
            continue
        value = line[len(DOMAIN_PREFIX) :] if line.lower().startswith(DOMAIN_PREFIX) else line
        value = value.strip()
        if "/" in value or ":" in value:
            value = hostname(value)
        value = value.lstrip("*").lstrip(".").rstrip(".")
        host = to_ascii(value) if value else ""
        labels = host.split(".") if host else []
        if not labels or not all(_LABEL_RE.match(label) for label in labels):
            raise DisavowError(
                expected="one domain per line (example.com) or a # comment",
                found=repr(raw),
                fix="write just the domain, or start the line with #",
                where=f"{where}, line {lineno}",
            )
        entries.append(AllowEntry(host, source, lineno))
    return Allowlist(tuple(entries))


def default_allowlist() -> Allowlist:
    """The allowlist shipped with linkclf (``linkclf/data/allowlist-default.txt``)."""
    text = resources.files("linkclf").joinpath("data/allowlist-default.txt").read_text("utf-8")
    return parse_allowlist(text, source="default", where="allowlist-default.txt")
