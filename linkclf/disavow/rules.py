"""Google's disavow file format, stated once: limits and what one valid line looks like.

Sources (see ANCHORS.md, "Disavow file — rules"): Search Console Help answer 2648487 and Matt
Cutts' "common mistakes" (2013): a line is a ``#`` comment, a ``domain:`` line or a URL;
"everything else is weird syntax and could cause the parser to reject the file".

linkclf reads that strictly: no leading or trailing whitespace on a domain or URL line, the
``domain:`` prefix in lower case with nothing between it and the host, hosts in punycode.
Those mistakes are unambiguous to fix, so :mod:`linkclf.disavow.parse` repairs them on merge.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from linkclf.domains import suffix, to_ascii

#: Google: at most 100,000 lines, blank and comment lines included.
MAX_LINES = 100_000
#: Google says "2 MB"; the smaller reading (10**6, not 2**20) is the one that can never be refused.
MAX_BYTES = 2_000_000
#: Google: URLs at most 2,048 characters.
MAX_URL_LENGTH = 2_048

DOMAIN_PREFIX = "domain:"

_LABEL = r"(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)"
_HOST_RE = re.compile(rf"^{_LABEL}(?:\.{_LABEL})+$", re.IGNORECASE)
_IPV4_RE = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
_SCHEME_RE = re.compile(r"^https?://", re.IGNORECASE)


def is_ipv4(host: str) -> bool:
    """True for a dotted-quad IPv4 address."""
    return bool(_IPV4_RE.match(host)) and all(int(part) <= 255 for part in host.split("."))


def host_problem(host: str) -> str | None:
    """Why ``host`` cannot follow ``domain:`` (None when it can).

    A host is ASCII (punycode for internationalised names), at least two labels of letters,
    digits, ``-`` or ``_``, at most 253 characters, its last label not all digits (unless the
    whole host is an IPv4 address).
    """
    if not host:
        return "no host after the prefix"
    if any(ch.isspace() for ch in host):
        return "whitespace in the host (write domain:example.com, no spaces)"
    if not host.isascii():
        if host_problem(to_ascii(host)) is None:
            return "an internationalised host must be written in punycode (xn--...)"
        return "not a valid host name"
    if is_ipv4(host):
        return None
    if "." not in host.strip("."):
        return "a whole top-level domain cannot be disavowed; name a site (example.com)"
    if len(host) > 253 or not _HOST_RE.match(host):
        return "not a valid host name"
    if host.rsplit(".", 1)[-1].isdigit():
        return "not a valid host name"
    return None


def url_problem(url: str) -> str | None:
    """Why ``url`` is not a valid disavow URL line (None when it is)."""
    if not _SCHEME_RE.match(url):
        return "not a comment, a domain: line or an http(s) URL"
    if len(url) > MAX_URL_LENGTH:
        return f"URL longer than {MAX_URL_LENGTH:,} characters ({len(url):,})"
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return "whitespace or a control character in the URL"
    try:
        parts = urlsplit(url)
        netloc_host = parts.netloc.rsplit("@", 1)[-1]
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return "not a valid URL"
    host = parts.hostname or ""
    if not host:
        return "no host in the URL"
    if not netloc_host.isascii():
        return "an internationalised host must be written in punycode (xn--...)"
    if netloc_host.startswith("["):  # IPv6 literal: urlsplit has validated it
        return None
    problem = host_problem(host)
    return None if problem is None else f"{problem} (in the URL)"


def line_problem(line: str) -> str | None:
    """Why Google would reject this line (None when it is valid). ``line`` has no line end."""
    if line == "" or line.startswith("#"):
        return None
    if line.strip() == "":
        return "a line of only whitespace; leave it empty"
    if line != line.strip():
        return "leading or trailing whitespace"
    if line.startswith(DOMAIN_PREFIX):
        return host_problem(line[len(DOMAIN_PREFIX) :])
    if line[:7].lower() == DOMAIN_PREFIX or re.match(r"^domain\s+:", line, re.IGNORECASE):
        return "the prefix must be exactly 'domain:' (lower case, no spaces)"
    return url_problem(line)


def line_warning(line: str) -> str | None:
    """Something Google accepts but the user probably did not mean (None when nothing)."""
    if line.startswith(DOMAIN_PREFIX):
        host = line[len(DOMAIN_PREFIX) :]
        if host != host.lower():
            return "upper case in the host; host names are case-insensitive, write lower case"
        if not is_ipv4(host) and suffix(host) == host:
            return f"{host} is a public suffix: this disavows every site under it"
    return None
