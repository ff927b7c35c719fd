"""Disavow candidates from scored links: a ``domain:`` line or URL lines per referring domain.

The rule (configurable through :class:`DomainRule`):

* a referring domain becomes a ``domain:`` candidate when at least ``min_share`` of its links
  are flagged AND either it has at least ``min_links`` links or its most suspicious link has
  ``p_manipulative >= sure_p`` (one or two links the model is very sure about);
* otherwise each source page with at least one flagged link becomes a URL candidate.

Domains are sites as :func:`linkclf.domains.site` names them (``spam.blogspot.com``,
``spam.wordpress.com``, never the platform).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

import numpy as np
import pandas as pd

from linkclf.disavow.rules import DOMAIN_PREFIX
from linkclf.domains import site, to_ascii
from linkclf.errors import ConfigError

Level = Literal["domain", "url"]

#: How many example anchors / URLs a candidate keeps for the review sheet.
N_EXAMPLES = 3


@dataclass(frozen=True)
class DomainRule:
    """When a referring domain is disavowed whole rather than page by page.

    Attributes
    ----------
    min_share : share of the domain's links that must be flagged (default 0.5: most of them).
    min_links : links the domain must have for the share alone to count (default 3).
    sure_p : with fewer links, the highest ``p_manipulative`` that is enough (default 0.95).
    """

    min_share: float = 0.5
    min_links: int = 3
    sure_p: float = 0.95

    def __post_init__(self) -> None:
        for name in ("min_share", "sure_p"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ConfigError(
                    expected=f"{name} between 0 and 1",
                    found=str(value),
                    fix=f"pass a {name} such as 0.5",
                )
        if self.min_links < 1:
            raise ConfigError(
                expected="min_links of at least 1", found=str(self.min_links), fix="pass 1 or more"
            )

    def describe(self) -> str:
        return (
            f"domain when >= {self.min_share:.0%} of its links are flagged and it has"
            f" >= {self.min_links} links or a link with p >= {self.sure_p:g}"
        )


@dataclass(frozen=True)
class Candidate:
    """One proposed disavow line with the evidence a reviewer needs.

    Attributes
    ----------
    level : ``domain`` or ``url``.
    value : the host (domain level) or the source URL (url level), punycode host.
    domain : the referring (registrable) domain.
    n_links, n_flagged : links behind the candidate, and how many were flagged.
    mean_p, max_p : mean and highest ``p_manipulative`` of those links.
    reasons : most frequent reasons among the flagged links.
    kinds : most frequent likely kinds among the flagged links.
    anchors, urls : examples (most suspicious first).
    rule : why this level was chosen, in words.
    pages : for a domain candidate, the URL candidates of its flagged pages (what is left to
        disavow when the allowlist holds the domain back).
    """

    level: Level
    value: str
    domain: str
    n_links: int
    n_flagged: int
    mean_p: float
    max_p: float
    reasons: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    anchors: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    rule: str = ""
    pages: tuple[Candidate, ...] = ()

    @property
    def line(self) -> str:
        """The disavow line this candidate writes."""
        return DOMAIN_PREFIX + self.value if self.level == "domain" else self.value

    @property
    def host(self) -> str:
        if self.level == "domain":
            return self.value
        return (urlsplit(self.value).hostname or "").rstrip(".")


def unneutralise(value: object) -> str:
    """Undo the spreadsheet quote ``linkclf score`` put before ``= + - @`` (display only)."""
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        return text[1:]
    return text


@lru_cache(maxsize=200_000)
def normalise_url(url: str) -> str:
    """A source URL as a disavow line: scheme added if missing, host in punycode, no fragment,
    whitespace percent-encoded (URLs in exports sometimes carry raw spaces)."""
    text = url.strip()
    if "://" not in text[:12]:
        text = "http://" + text.lstrip("/")
    try:
        parts = urlsplit(text)
    except ValueError:
        return text
    host = to_ascii(parts.hostname or "")
    netloc = host + (f":{parts.port}" if _port(parts) else "")
    path = _encode_space(parts.path) or "/"
    return urlunsplit((parts.scheme.lower(), netloc, path, _encode_space(parts.query), ""))


def _port(parts: object) -> int | None:
    try:
        return parts.port  # type: ignore[attr-defined]
    except ValueError:
        return None


def _encode_space(text: str) -> str:
    return "".join(
        "%20" if ch == " " else f"%{ord(ch):02X}" if ord(ch) < 32 or ord(ch) == 127 else ch
        for ch in text
    )


def _top(values: Iterable[str], n: int = N_EXAMPLES) -> tuple[str, ...]:
    counts = Counter(v for v in values if v)
    return tuple(value for value, _ in counts.most_common(n))


def _examples(values: Iterable[str], n: int = N_EXAMPLES) -> tuple[str, ...]:
    seen: list[str] = []
    for value in values:
        if value and value not in seen:
            seen.append(value)
            if len(seen) == n:
                break
    return tuple(seen)


def _text(column: pd.Series) -> pd.Series:
    """Text cells with the spreadsheet quote undone, vectorised (see :func:`unneutralise`)."""
    text = column.astype("string").fillna("")
    quoted = text.str.startswith("'") & text.str.slice(1, 2).isin(list("=+-@\t\r"))
    return text.where(~quoted, text.str.slice(1)) if quoted.any() else text


def _map_unique(values: pd.Series, func: Callable[[str], str]) -> pd.Series:
    """``values.map(func)`` computing ``func`` once per distinct value."""
    uniques = pd.unique(values)
    return values.map(dict(zip(uniques, (func(str(v)) for v in uniques), strict=True)))


def prepare_links(df: pd.DataFrame, threshold: float | None = None) -> pd.DataFrame:
    """The columns candidate building needs: ``domain``, ``url``, ``p``, ``flagged``, texts.

    ``flagged`` is ``p_manipulative >= threshold`` when a threshold is given, else the
    ``flag`` column (the model's own threshold).
    """
    p = pd.to_numeric(df["p_manipulative"], errors="coerce").astype("float64")
    if threshold is not None:
        flagged = p >= threshold
    else:
        flag = df["flag"].astype("string").str.strip().str.lower()
        flagged = flag.isin(["1", "1.0", "true", "yes"])
    # Raw URLs group the links; only candidates' URLs are normalised (millions of rows).
    url = _text(df["source_url"]).str.strip()
    given = _text(df["referring_domain"]) if "referring_domain" in df.columns else url
    given = given.where(given != "", url)
    # linkclf.domains.site: the one answer to "which site is this?" (hosted-platform rule too).
    domain = _map_unique(given, site)
    texts = {
        col: _text(df[col]) if col in df.columns else pd.Series("", index=df.index, dtype=object)
        for col in ("anchor", "reasons", "kind")
    }
    return pd.DataFrame(
        {
            "domain": domain,
            "url": url,
            "p": p,
            "flagged": flagged.fillna(False).astype(bool),
            **texts,
        },
        index=df.index,
    )


def build_candidates(
    df: pd.DataFrame, rule: DomainRule | None = None, threshold: float | None = None
) -> list[Candidate]:
    """Disavow candidates from scored links (see the module docstring for the rule).

    Parameters
    ----------
    df : scored links with ``source_url``, ``p_manipulative`` and ``flag`` (unless
        ``threshold`` is given); ``referring_domain``, ``anchor``, ``reasons``, ``kind`` used
        when present.
    rule : when a domain is disavowed whole; :class:`DomainRule` defaults when None.
    threshold : flag links with ``p_manipulative >= threshold`` instead of the ``flag`` column.

    Returns
    -------
    Domain candidates (sorted by domain), then URL candidates (sorted by URL).
    """
    rule = rule or DomainRule()
    links = prepare_links(df, threshold)
    links = links[links["domain"] != ""]
    # Most suspicious first, so examples are the worst links; one sort for all groups.
    links = links.sort_values(["p", "url"], ascending=[False, True], kind="stable")
    cols = _Columns(links)
    # Aggregate per domain once, vectorised: exports reach millions of rows, candidates do not.
    per_domain = links.groupby("domain", sort=True).agg(
        n=("p", "size"), n_flagged=("flagged", "sum"), max_p=("p", "max")
    )
    per_domain = per_domain[per_domain["n_flagged"] > 0]
    share = per_domain["n_flagged"] / per_domain["n"]
    whole = (share >= rule.min_share) & (
        (per_domain["n"] >= rule.min_links) | (per_domain["max_p"] >= rule.sure_p)
    )
    whole_domains = set(per_domain.index[whole])
    page_domains = set(per_domain.index[~whole])
    by_domain = _positions(links["domain"], whole_domains)
    by_url = _positions(links["url"], set(links.loc[links["flagged"], "url"]))
    url_domain = dict(zip(links["url"], links["domain"], strict=True))
    pages_of: dict[str, list[str]] = {}
    for url in sorted(by_url):
        pages_of.setdefault(url_domain[url], []).append(url)

    domains: list[Candidate] = []
    for domain in sorted(whole_domains):
        idx = by_domain[domain]
        n_flagged = int(cols.flagged[idx].sum())
        why = f"{n_flagged} of {len(idx)} links flagged ({n_flagged / len(idx):.0%})"
        if len(idx) < rule.min_links:
            why += f", max p {cols.p[idx].max():.2f}"
        pages = tuple(
            _candidate("url", url, domain, cols, by_url[url], _page_why(cols, by_url[url], _HELD))
            for url in pages_of.get(domain, [])
        )
        domains.append(_candidate("domain", domain, domain, cols, idx, why, pages))
    urls = [
        _candidate("url", url, domain, cols, by_url[url], _page_why(cols, by_url[url], _BELOW))
        for domain in sorted(page_domains)
        for url in pages_of.get(domain, [])
    ]
    return domains + sorted(urls, key=lambda c: c.value)


_HELD = "the domain itself is on the allowlist"
_BELOW = "its domain is below the domain rule"


class _Columns:
    """The link columns as arrays/lists, for fast per-candidate slicing."""

    def __init__(self, links: pd.DataFrame) -> None:
        self.p = links["p"].to_numpy(dtype="float64")
        self.flagged = links["flagged"].to_numpy(dtype=bool)
        self.url = links["url"].to_numpy(dtype=object)
        self.anchor = links["anchor"].to_numpy(dtype=object)
        self.reasons = links["reasons"].to_numpy(dtype=object)
        self.kind = links["kind"].to_numpy(dtype=object)


def _positions(keys: pd.Series, wanted: set[str]) -> dict[str, np.ndarray]:
    """Row positions (in the current, sorted order) of each wanted key."""
    mask = keys.isin(wanted).to_numpy()
    positions = np.flatnonzero(mask)
    if len(positions) == 0:
        return {}
    grouped = pd.Series(positions).groupby(keys.to_numpy()[mask], sort=False)
    return {str(key): group.to_numpy() for key, group in grouped}


def _page_why(cols: _Columns, idx: np.ndarray, context: str) -> str:
    n_flagged = int(cols.flagged[idx].sum())
    return f"{n_flagged} of {len(idx)} links on the page flagged; {context}"


def _candidate(
    level: Level,
    value: str,
    domain: str,
    cols: _Columns,
    idx: np.ndarray,
    why: str,
    pages: tuple[Candidate, ...] = (),
) -> Candidate:
    flagged = idx[cols.flagged[idx]]  # already most suspicious first
    reasons = (r.strip() for cell in cols.reasons[flagged] for r in str(cell).split(";"))
    p = cols.p[idx]
    return Candidate(
        level=level,
        value=normalise_url(value) if level == "url" else value,
        domain=domain,
        n_links=len(idx),
        n_flagged=len(flagged),
        mean_p=round(float(p.mean()), 4),
        max_p=round(float(p.max()), 4),
        reasons=_top(reasons),
        kinds=_top(k for k in cols.kind[flagged] if k != "natural"),
        anchors=_examples(cols.anchor[flagged]),
        urls=tuple(normalise_url(u) for u in _examples(cols.url[flagged])),
        rule=why,
        pages=pages,
    )
