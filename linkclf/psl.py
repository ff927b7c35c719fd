"""Public Suffix List lookups: tldextract's answers, without importing tldextract at run time.

linkclf.domains needs one thing from tldextract: a host's public suffix and the label before
it, from the Public Suffix List snapshot bundled in the ``tldextract`` wheel, private suffixes
included. Importing tldextract imports ``requests`` (for downloads linkclf never makes:
urllib3, http.client, email, charset_normalizer) and its first call builds two tries of the
list: about 0.15-0.25 s of every ``linkclf score`` start (issue 11). This module reads the same
snapshot file (located with ``importlib.util.find_spec``, which does not import the package)
and follows tldextract 5's ``TLDExtract.extract_str`` step by step (``lenient_netloc``,
``_extract_netloc``, ``suffix_index``, ``_decode_punycode``; tldextract is BSD-3-Clause), its
trie walk done on two sets of strings (:func:`_rules`), so the answers are the same: tests/test_psl.py compares them with tldextract's for every rule of
the list and for odd hosts (IP addresses, punycode, wildcard and exception rules, empty
labels, ideographic dots).
"""

from __future__ import annotations

import functools
import importlib.util
import re
from ipaddress import AddressValueError, IPv6Address
from pathlib import Path
from urllib.parse import scheme_chars

import idna

from linkclf.errors import ResourceError

#: Where tldextract's list splits ICANN suffixes from private ones (its own constant; the
#: rules of both parts are read the same way, as tldextract reads them).
_PRIVATE_SEPARATOR = "// ===BEGIN PRIVATE DOMAINS==="
#: A rule of the list: tldextract's PUBLIC_SUFFIX_RE.
_RULE = re.compile(r"^(?P<suffix>[.*!]*\w[\S]*)", re.UNICODE | re.MULTILINE)
#: tldextract's IP_RE: a dotted-quad IPv4 address.
_IPV4 = re.compile(
    r"^(?:(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\.)"
    r"{3}(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])$",
    re.ASCII,
)
_SCHEME_CHARS = set(scheme_chars)


def snapshot_path() -> Path:
    """The suffix list snapshot inside the installed tldextract package."""
    spec = importlib.util.find_spec("tldextract")
    if spec is None or not spec.submodule_search_locations:
        raise ResourceError(
            "the tldextract package (its Public Suffix List snapshot)",
            "no tldextract installed",
            "reinstall linkclf with its dependencies (pip install linkclf)",
        )
    return Path(next(iter(spec.submodule_search_locations))) / ".tld_set_snapshot"


@functools.lru_cache(maxsize=1)
def _rules() -> tuple[frozenset[str], frozenset[str]]:
    """The list's rules (ICANN and private), and every label suffix of them.

    tldextract walks a trie of the rules' labels, last label first; a trie node is a label
    suffix of some rule (``uk``, ``co.uk`` for the rule ``co.uk``) and a node ends a rule when
    it is one, so two sets answer what its trie answers, built without ~13k node objects.
    Whether a rule is private only matters for tldextract's registry suffix, which linkclf
    does not use (private suffixes are included).
    """
    path = snapshot_path()
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ResourceError(
            "tldextract's Public Suffix List snapshot",
            f"{path}: {exc}",
            "reinstall tldextract (pip install --force-reinstall tldextract)",
        ) from None
    public_text, _, private_text = text.partition(_PRIVATE_SEPARATOR)
    rules = {m.group("suffix") for m in _RULE.finditer(public_text)}
    rules |= {m.group("suffix") for m in _RULE.finditer(private_text)}
    nodes = set(rules)
    for rule in rules:
        at = rule.find(".")
        while at >= 0:
            nodes.add(rule[at + 1 :])
            at = rule.find(".", at + 1)
    return frozenset(rules), frozenset(nodes)


def _decode_punycode(label: str) -> str:
    lowered = label.lower()
    if lowered.startswith("xn--"):
        try:
            return str(idna.decode(lowered))
        except (UnicodeError, IndexError):
            pass
    return lowered


def _suffix_index(labels: list[str]) -> int | None:
    """Index of the first label of the public suffix in ``labels``, None when there is none
    (tldextract's ``suffix_index``, its public-suffix half, on the sets of :func:`_rules`)."""
    rules, nodes = _rules()
    suffix_idx = label_idx = len(labels)
    path = ""  # the trie node reached: the labels matched so far, joined
    for label in reversed(labels):
        decoded = _decode_punycode(label)
        # A trie key never holds a dot (rules are split at them): such a label matches none.
        dotted = "." in decoded
        below = f"{decoded}.{path}" if path else decoded
        if not dotted and below in nodes:
            label_idx -= 1
            path = below
            if path in rules:
                suffix_idx = label_idx
            continue
        if (f"*.{path}" if path else "*") in nodes:
            exception = f"!{below}" if not dotted else ""
            return label_idx if exception in nodes else label_idx - 1
        break
    return None if suffix_idx == len(labels) else suffix_idx


def _schemeless(url: str) -> str:
    start = url.find("//")
    if start == 0:
        return url[2:]
    if start < 2 or url[start - 1] != ":" or set(url[: start - 1]) - _SCHEME_CHARS:
        return url
    return url[start + 2 :]


def _netloc(url: str) -> str:
    """tldextract's ``lenient_netloc``: the host of a URL-like string, case kept."""
    authority = _schemeless(url).partition("/")[0].partition("?")[0].partition("#")[0]
    after_userinfo = authority.rpartition("@")[-1]
    if after_userinfo and after_userinfo[0] == "[":
        maybe_ipv6 = after_userinfo.partition("]")
        if maybe_ipv6[1] == "]":
            return f"{maybe_ipv6[0]}]"
    return after_userinfo.partition(":")[0].strip().rstrip(".\u3002\uff0e\uff61")


def _is_ipv6(text: str) -> bool:
    try:
        IPv6Address(text)
    except AddressValueError:
        return False
    return True


def split(url: str) -> tuple[str, str]:
    """``(domain, suffix)`` of a URL or host as tldextract's ``extract_str`` with private
    suffixes included: ``forums.bbc.co.uk`` -> ``("bbc", "co.uk")``; an IP address ->
    ``(address, "")``; no known suffix -> ``(last label, "")``; a suffix itself ->
    ``("", suffix)``."""
    netloc = _netloc(url).replace("\u3002", ".").replace("\uff0e", ".").replace("\uff61", ".")
    if len(netloc) >= 4 and netloc[0] == "[" and netloc[-1] == "]" and _is_ipv6(netloc[1:-1]):
        return netloc, ""
    labels = netloc.split(".")
    index = _suffix_index(labels)
    if index is None:
        if len(labels) == 4 and netloc[0].isdecimal() and _IPV4.fullmatch(netloc):
            return netloc, ""
        return labels[-1], ""
    return (labels[index - 1] if index > 0 else ""), ".".join(labels[index:])
