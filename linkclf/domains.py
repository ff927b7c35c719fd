"""Which site is this? Hostnames, registrable domains and punycode, in one place.

Features, grouped splits and disavow lines all need the same answer, so they all ask here.
The Public Suffix List comes from the snapshot bundled in the ``tldextract`` wheel and is read
offline (no download at run time), private suffixes included: ``x.blogspot.com`` is its own
registrable domain, never ``blogspot.com``.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

import idna
import tldextract

# suffix_list_urls=() keeps tldextract on its bundled snapshot; cache_dir=None: never write.
_EXTRACT = tldextract.TLDExtract(
    suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
)


def hostname(url: str) -> str:
    """Lower-case hostname of a URL (or of a bare host), without port, userinfo or trailing dot.

    Returns "" when there is none.
    """
    text = (url or "").strip()
    if not text:
        return ""
    if "://" not in text[:12]:
        text = "http://" + text.lstrip("/")
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        return ""
    return host.rstrip(".").lower()


def to_ascii(host: str) -> str:
    """Punycode form of a hostname (``bücher.de`` -> ``xn--bcher-kva.de``); unchanged if ASCII."""
    host = host.strip().rstrip(".").lower()
    if host.isascii():
        return host
    labels = []
    for label in host.split("."):
        if label.isascii():
            labels.append(label)
            continue
        try:
            labels.append(idna.encode(label, uts46=True).decode("ascii"))
        except idna.IDNAError:
            labels.append("xn--" + label.encode("punycode").decode("ascii"))
    return ".".join(labels)


@lru_cache(maxsize=1_000_000)
def registrable_domain(host_or_url: str) -> str:
    """Registrable domain (eTLD+1, private suffixes included), in punycode.

    ``https://www.spam.blogspot.com/p`` -> ``spam.blogspot.com``; an IP address is returned as is;
    a host that is itself a public suffix is returned whole.
    """
    host = hostname(host_or_url) if ("/" in host_or_url or ":" in host_or_url) else host_or_url
    host = to_ascii(host.strip().lower().rstrip("."))
    if not host:
        return ""
    parts = _EXTRACT(host)
    if not parts.suffix:  # IP address or unknown TLD: the host is the best answer we have
        return host
    if not parts.domain:
        return host
    return f"{parts.domain}.{parts.suffix}"


def suffix(host: str) -> str:
    """Public suffix of a host (``co.uk``, ``blogspot.com``), "" if none."""
    return _EXTRACT(to_ascii(host)).suffix


def tld(host: str) -> str:
    """Last label of a hostname (``uk`` for ``a.co.uk``)."""
    host = hostname(host) if "/" in host else host
    return host.rsplit(".", 1)[-1] if "." in host else ""


#: Blog hosts whose users' sites are subdomains but which the Public Suffix List does not list
#: as private suffixes: a site there is its own host (``spam.wordpress.com``), never the
#: platform. (``blogspot.com``, ``github.io``, ``netlify.app`` ... are private suffixes already.)
HOSTED_PLATFORMS = frozenset(
    {
        "wordpress.com",
        "tumblr.com",
        "substack.com",
        "medium.com",
        "weebly.com",
        "livejournal.com",
        "typepad.com",
        "over-blog.com",
        "jimdo.com",
        "webnode.com",
        "webnode.nl",
        "webnode.fr",
        "hatenablog.com",
        "wikidot.com",
        "bravesites.com",
        "blog.jp",
    }
)


@lru_cache(maxsize=1_000_000)
def site(url_or_host: str) -> str:
    """The site a URL belongs to: the one answer to "which site is this?".

    The registrable domain (PSL with private suffixes, punycode), except on a hosted blog
    platform, where each user's subdomain is a site of its own:
    ``https://www.spam.wordpress.com/p`` -> ``spam.wordpress.com``; ``https://wordpress.com/x``
    -> ``wordpress.com``. Returns "" for an empty or unparsable URL.
    """
    text = (url_or_host or "").strip()
    host = to_ascii(hostname(text)) if text else ""
    domain = registrable_domain(host) if host else ""
    if domain in HOSTED_PLATFORMS:
        host = host[4:] if host.startswith("www.") else host
        if host.endswith("." + domain):
            return host
    return domain


def referring_domain(source_url: str) -> str:
    """The site a link comes from (see :func:`site`)."""
    return site(source_url)
