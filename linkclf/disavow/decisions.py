"""Review decisions (``disavow`` / ``keep``): read, validate, and apply them to candidates.

One reader for every command that uses decisions (``linkclf disavow --decisions``,
``linkclf train --review``, ``linkclf review``), so they accept and refuse the same values and
all say how many they used. A decision file is the review sheet of ``linkclf disavow --review``
or the file the review page writes: at least the columns ``decision``, ``level`` (``domain`` /
``url``) and ``candidate`` (the disavow line: ``domain:HOST`` or a URL); ``domain`` is used when
present. A blank decision means "not reviewed yet"; any other value is refused.

Applying decisions to candidates (:func:`apply_decisions`):

* ``keep`` on a domain removes its domain candidate and every URL candidate of that domain;
* ``keep`` on a URL removes that URL candidate; a domain candidate that would still cover the
  kept page is replaced by its other flagged pages (Google cannot except a page from a
  ``domain:`` line), unless the user also chose ``disavow`` for the whole domain;
* ``disavow`` on a domain adds a ``domain:`` line even below the threshold (and replaces that
  domain's URL candidates, which it covers); ``disavow`` on a URL adds that URL line.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from linkclf.disavow.candidates import Candidate, normalise_url, prepare_links, unneutralise
from linkclf.disavow.rules import DOMAIN_PREFIX
from linkclf.domains import site, to_ascii
from linkclf.errors import InputError
from linkclf.io import read_csv_text

#: Values the ``decision`` column accepts (blank = not reviewed yet).
VALID = ("disavow", "keep")
#: Columns a decision file must have.
REQUIRED = ("decision", "level", "candidate")
#: Columns read from a decision file (the rest of a review sheet is not needed here).
COLUMNS = (*REQUIRED, "domain")
LEVELS = ("domain", "url")
#: Labels the decisions stand for when they become training data.
LABEL_OF = {"disavow": 1, "keep": 0}
#: Rule text of a candidate that exists only because the user chose ``disavow``.
BY_DECISION = "your decision: disavow"


@dataclass(frozen=True)
class Decisions:
    """Decisions keyed by what they are about.

    Attributes
    ----------
    domains : referring domain (site) -> ``disavow`` / ``keep``.
    urls : normalised source URL (as on a disavow line) -> ``disavow`` / ``keep``.
    n_blank : rows with no decision yet (not used, counted for the summary).
    source : where they were read from (for messages).
    """

    domains: dict[str, str] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)
    n_blank: int = 0
    source: str = ""

    def __len__(self) -> int:
        return len(self.domains) + len(self.urls)

    def count(self, value: str) -> int:
        return sum(v == value for v in (*self.domains.values(), *self.urls.values()))

    def summary(self) -> str:
        """``review.csv: 119 decisions used (104 disavow, 15 keep; 80 domains, 39 URLs)``."""
        text = (
            f"{self.source}: {len(self):,} decisions used ({self.count('disavow'):,} disavow,"
            f" {self.count('keep'):,} keep; {len(self.domains):,} domains,"
            f" {len(self.urls):,} URLs)"
        )
        return text + (f", {self.n_blank:,} rows not decided yet" if self.n_blank else "")


def _domain_of(candidate: str, given: str) -> str:
    if given:
        return to_ascii(given.strip().lower())
    text = candidate.strip()
    if text.lower().startswith(DOMAIN_PREFIX):
        text = text[len(DOMAIN_PREFIX) :]
    return site(text)


def decision_values(column: pd.Series, source: str) -> pd.Series:
    """The ``decision`` cells lower-cased and stripped ("" = not decided yet).

    Raises
    ------
    InputError
        A value is neither ``disavow``, ``keep`` nor blank (``yes`` is not a decision): the
        message names the first such row and the valid values.
    """
    decision = column.astype("string").fillna("").str.strip().str.lower()
    bad = decision[(decision != "") & ~decision.isin(VALID)]
    if len(bad):
        row = bad.index[0]
        raise InputError(
            expected=f"decision {' or '.join(VALID)} (or blank: not reviewed yet)",
            found=f"{column[row]!r}"
            + (f" and {len(bad) - 1} more unknown values" if len(bad) > 1 else ""),
            fix=f"write one of: {', '.join(VALID)}",
            where=f"{source}, row {int(row) + 2}",  # +1 header, +1 one-based
        )
    return decision


def parse_decisions(df: pd.DataFrame, source: str) -> Decisions:
    """Validate a decision table (every cell text) and key its decisions.

    Raises
    ------
    InputError
        A required column is missing, a decision is neither ``disavow``, ``keep`` nor blank, or
        a decided row's level is neither ``domain`` nor ``url``; the message names the row.
    """
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise InputError(
            expected=f"a decision file with columns {', '.join(REQUIRED)}",
            found=f"no {', '.join(missing)} column (columns: {', '.join(map(str, df.columns))})",
            fix="pass the review sheet of `linkclf disavow --review` or the file `linkclf review` writes",
            where=source,
        )
    decision = decision_values(df["decision"], source)
    level = df["level"].astype("string").fillna("").str.strip().str.lower()
    bad_level = level[(decision != "") & ~level.isin(LEVELS)]
    if len(bad_level):
        row = bad_level.index[0]
        raise InputError(
            expected=f"level {' or '.join(LEVELS)} on a decided row",
            found=repr(df.at[row, "level"]),
            fix="keep the level column linkclf wrote",
            where=f"{source}, row {int(row) + 2}",
        )
    given = (
        df["domain"].astype("string").fillna("")
        if "domain" in df.columns
        else pd.Series("", index=df.index)
    )
    domains: dict[str, str] = {}
    urls: dict[str, str] = {}
    for i in decision.index[decision != ""]:  # later rows win: the latest decision counts
        candidate = unneutralise(df.at[i, "candidate"]).strip()
        if level[i] == "domain":
            domains[_domain_of(candidate, str(given[i]))] = str(decision[i])
        elif candidate:
            urls[normalise_url(candidate)] = str(decision[i])
    return Decisions(domains, urls, int((decision == "").sum()), source)


def read_decisions(path: str | os.PathLike[str]) -> Decisions:
    """Read and validate a decision file (see the module docstring)."""
    df = read_csv_text(
        path,
        COLUMNS,
        what="a decision file (review sheet)",
        fix="pass the review CSV of `linkclf disavow --review` or `linkclf review`",
    )
    return parse_decisions(df, str(path))


def combine(many: Sequence[Decisions]) -> Decisions:
    """Several decision files as one (later files win on the same domain or URL)."""
    domains: dict[str, str] = {}
    urls: dict[str, str] = {}
    for d in many:
        domains.update(d.domains)
        urls.update(d.urls)
    return Decisions(domains, urls, sum(d.n_blank for d in many), ", ".join(d.source for d in many))


def link_labels(links: pd.DataFrame, decisions: Decisions) -> pd.Series:
    """Label of every link from the decisions (1 disavow, 0 keep, <NA> undecided).

    A URL decision labels the links of that page and wins over its domain's decision; a domain
    decision labels every link from that referring domain (:func:`linkclf.domains.site`).
    """
    source = links["source_url"].astype("string").fillna("")
    uniques = pd.unique(source)
    url_key = source.map({u: normalise_url(str(u)) for u in uniques})
    domain = source.map({u: site(str(u)) for u in uniques})
    by_domain = domain.map({d: LABEL_OF[v] for d, v in decisions.domains.items()})
    by_url = url_key.map({u: LABEL_OF[v] for u, v in decisions.urls.items()})
    labels = by_url.where(by_url.notna(), by_domain)
    return pd.to_numeric(labels, errors="coerce").astype("Int8")


@dataclass
class Applied:
    """Candidates after the user's decisions, and what changed.

    Attributes
    ----------
    candidates : what to merge (domain candidates first, then URLs, as built).
    removed : candidates dropped by a ``keep``.
    added : candidates that exist only because of a ``disavow``.
    confirmed : candidates a ``disavow`` decision agreed with.
    split : domain candidates replaced by their pages because a page of them was kept.
    conflicts : kept URLs that a domain the user chose to disavow covers anyway.
    """

    candidates: list[Candidate]
    removed: list[Candidate] = field(default_factory=list)
    added: list[Candidate] = field(default_factory=list)
    confirmed: int = 0
    split: list[Candidate] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"decisions applied: {len(self.removed)} candidates removed (keep),"
            f" {len(self.added)} added (disavow), {self.confirmed} confirmed"
        )
        if self.split:
            text += f", {len(self.split)} domain lines narrowed to pages because a page was kept"
        if self.conflicts:
            text += f"; {len(self.conflicts)} kept URLs stay covered by a domain you disavowed"
        return text


def _added(level: str, value: str, domain: str, rows: pd.DataFrame) -> Candidate:
    """A candidate the user asked for, with the evidence the scored links hold about it."""
    p = rows["p"]
    return Candidate(
        level="domain" if level == "domain" else "url",
        value=value,
        domain=domain,
        n_links=len(rows),
        n_flagged=int(rows["flagged"].sum()),
        mean_p=round(float(p.mean()), 4) if len(rows) else float("nan"),
        max_p=round(float(p.max()), 4) if len(rows) else float("nan"),
        anchors=tuple(dict.fromkeys(a for a in rows["anchor"] if a))[:3],
        urls=tuple(dict.fromkeys(normalise_url(u) for u in rows["url"]))[:3],
        rule=BY_DECISION,
    )


def apply_decisions(
    candidates: Sequence[Candidate],
    decisions: Decisions,
    scored: pd.DataFrame,
    threshold: float | None = None,
) -> Applied:
    """Candidates with the user's decisions applied (rules in the module docstring).

    Parameters
    ----------
    candidates : from :func:`linkclf.disavow.build_candidates`.
    decisions : from :func:`read_decisions`.
    scored : the scored links the candidates were built from (evidence for added lines).
    threshold : the threshold the candidates used (None: the ``flag`` column).
    """
    links = prepare_links(scored, threshold) if len(decisions) else None
    kept_urls = {u for u, v in decisions.urls.items() if v == "keep"}
    out = Applied(candidates=[])
    present_domains: set[str] = set()
    present_urls: set[str] = set()
    for cand in candidates:
        on_domain = decisions.domains.get(cand.domain)
        if cand.level == "domain":
            if on_domain == "keep":
                out.removed.append(cand)
                continue
            pages_kept = [u for u in kept_urls if site(u) == cand.domain]
            if pages_kept and on_domain != "disavow":
                out.split.append(cand)
                for page in cand.pages:
                    if page.value in kept_urls:
                        out.removed.append(page)
                    else:
                        out.candidates.append(page)
                        present_urls.add(page.value)
                continue
            out.conflicts.extend(pages_kept)
            out.confirmed += on_domain == "disavow"
            out.candidates.append(cand)
            present_domains.add(cand.domain)
            continue
        on_url = decisions.urls.get(cand.value)
        if on_url == "keep" or (on_url is None and on_domain == "keep"):
            out.removed.append(cand)
            continue
        out.confirmed += on_url == "disavow"
        out.candidates.append(cand)
        present_urls.add(cand.value)

    for domain, value in decisions.domains.items():
        if value != "disavow" or domain in present_domains or not domain:
            continue
        assert links is not None
        rows = links[links["domain"] == domain]
        # The domain line covers its page candidates: drop them rather than list both.
        out.candidates = [c for c in out.candidates if c.domain != domain or c.level == "domain"]
        present_urls -= {u for u in present_urls if site(u) == domain}
        out.added.append(_added("domain", domain, domain, rows))
        present_domains.add(domain)
    wanted = [
        url
        for url, value in decisions.urls.items()
        if value == "disavow" and url not in present_urls and site(url) not in present_domains
    ]
    if wanted:
        assert links is not None
        normalised = links["url"].map(normalise_url)
        for url in wanted:
            out.added.append(_added("url", url, site(url), links[normalised == url]))
    out.candidates += out.added
    return out


def fill_decisions(sheet: pd.DataFrame, decisions: Decisions) -> pd.DataFrame:
    """The review sheet with the decisions already made filled into its ``decision`` column."""
    out = sheet.copy()
    for i in out.index:
        if out.at[i, "level"] == "domain":
            value = decisions.domains.get(str(out.at[i, "domain"]), "")
        else:
            value = decisions.urls.get(str(out.at[i, "candidate"]), "")
        if value:
            out.at[i, "decision"] = value
    return out
