"""Merge new candidates into the user's disavow file without losing a line of it.

Google replaces the whole list on every upload, so the user's file is the base: every comment,
domain and URL line of it survives, in order (repaired only where Google would reject it, see
:func:`linkclf.disavow.parse.repair`). New candidates follow a dated comment header saying what
produced them; a candidate already covered by the file (its domain or a parent domain on a
``domain:`` line, or the same URL) is not added again; the allowlist always wins over new
candidates and what it held back is listed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from linkclf.disavow.allow import Allowlist
from linkclf.disavow.candidates import Candidate
from linkclf.disavow.parse import Change, Entry, repair, url_key
from linkclf.disavow.rules import MAX_URL_LENGTH, host_problem, url_problem

#: Held-back candidates named one by one in the file's header; the rest are counted.
MAX_LISTED_HELD_BACK = 20


@dataclass(frozen=True)
class Outcome:
    """What happened to one candidate (one row of the review sheet)."""

    candidate: Candidate
    status: str  # "new", "covered", "held back"
    detail: str = ""


@dataclass
class MergeResult:
    """Result of :func:`merge`.

    Attributes
    ----------
    entries : the lines of the merged file, in order.
    changes : lines of the user's file that were repaired, and why.
    outcomes : one per candidate considered (in order): new, covered or held back.
    notices : lines of the user's file that touch an allowlisted domain (kept, reported).
    """

    entries: list[Entry]
    changes: list[Change] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def added(self) -> list[Candidate]:
        return [o.candidate for o in self.outcomes if o.status == "new"]

    @property
    def held_back(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "held back"]

    @property
    def covered(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "covered"]


def _one_line(text: str) -> str:
    """Text safe inside a ``#`` comment: no line breaks or control characters."""
    return "".join(ch if ord(ch) >= 32 and ch not in "\u2028\u2029\x85" else " " for ch in text)


class _Coverage:
    """Which hosts and URLs the file already disavows, and on which line."""

    def __init__(self) -> None:
        self.domains: dict[str, str] = {}
        self.urls: dict[str, str] = {}

    def add(self, entry: Entry, where: str) -> None:
        if entry.kind == "domain":
            self.domains.setdefault(entry.host, where)
        elif entry.kind == "url":
            self.urls.setdefault(url_key(entry.text), where)

    def domain(self, host: str) -> str | None:
        labels = host.lower().split(".")
        for i in range(len(labels) - 1):
            found = self.domains.get(".".join(labels[i:]))
            if found is not None:
                return found
        return None

    def url(self, url: str, host: str) -> str | None:
        return self.domain(host) or self.urls.get(url_key(url))


def merge(
    existing: str,
    candidates: Sequence[Candidate],
    allowlist: Allowlist | None = None,
    *,
    model: str,
    threshold: float | None,
    today: dt.date,
    sources: Sequence[str] = (),
) -> MergeResult:
    """The user's disavow file with the new candidates after a dated header.

    Parameters
    ----------
    existing : text of the user's current disavow file ("" when there is none).
    candidates : from :func:`linkclf.disavow.candidates.build_candidates`.
    allowlist : what new candidates must not touch (yours + default); None: nothing.
    model : name/version of the model that scored the links, for the header.
    threshold : the threshold used (None: the model's own, from its ``flag`` column).
    today : the date written in the header (injected, so the output is reproducible).
    sources : names of the scored files, for the header.

    Returns
    -------
    MergeResult
        Merging its output again with the same candidates adds nothing.
    """
    allowlist = allowlist or Allowlist()
    entries, changes = repair(existing)
    coverage = _Coverage()
    notices: list[str] = []
    for entry in entries:
        coverage.add(entry, f"line {entry.lineno}")
        notice = _allowlist_notice(entry, allowlist)
        if notice:
            notices.append(notice)

    outcomes: list[Outcome] = []
    new_lines: list[Entry] = []
    pending_urls: list[Candidate] = []
    for cand in candidates:
        if cand.level == "url":
            pending_urls.append(cand)
            continue
        invalid = host_problem(cand.host)
        if invalid is not None:  # a junk source URL in the export: never write a bad line
            outcomes.append(Outcome(cand, "held back", f"not a line Google accepts: {invalid}"))
            continue
        held = allowlist.blocks_domain(cand.host)
        if held is not None:
            outcomes.append(Outcome(cand, "held back", held.describe()))
            pending_urls.extend(cand.pages)  # the pages may still be disavowed one by one
            continue
        covered = coverage.domain(cand.host)
        if covered is not None:
            outcomes.append(Outcome(cand, "covered", f"already disavowed by {covered}"))
            continue
        entry = Entry("domain", cand.line)
        coverage.add(entry, "a new line")
        new_lines.append(entry)
        outcomes.append(Outcome(cand, "new"))
    for cand in pending_urls:
        held = allowlist.blocks_url(cand.host)
        if held is not None:
            outcomes.append(Outcome(cand, "held back", held.describe()))
            continue
        if len(cand.value) > MAX_URL_LENGTH:
            detail = f"URL longer than {MAX_URL_LENGTH:,} characters; consider domain:{cand.host}"
            outcomes.append(Outcome(cand, "held back", detail))
            continue
        invalid = url_problem(cand.value)
        if invalid is not None:
            outcomes.append(Outcome(cand, "held back", f"not a line Google accepts: {invalid}"))
            continue
        covered = coverage.url(cand.value, cand.host)
        if covered is not None:
            outcomes.append(Outcome(cand, "covered", f"already disavowed by {covered}"))
            continue
        entry = Entry("url", cand.line)
        coverage.add(entry, "a new line")
        new_lines.append(entry)
        outcomes.append(Outcome(cand, "new"))

    merged = list(entries)
    if new_lines:  # no header when nothing is added: merging twice changes nothing
        if merged and merged[-1].kind != "blank":
            merged.append(Entry("blank", ""))
        header = _header(outcomes, model, threshold, today, sources)
        merged.extend(Entry("comment", text) for text in header)
        merged.extend(new_lines)
    return MergeResult(entries=merged, changes=changes, outcomes=outcomes, notices=notices)


def _allowlist_notice(entry: Entry, allowlist: Allowlist) -> str | None:
    if entry.kind == "domain":
        held = allowlist.blocks_domain(entry.host)
    elif entry.kind == "url":
        held = allowlist.blocks_url(entry.host)
    else:
        return None
    if held is None:
        return None
    return f"line {entry.lineno} ({entry.text}) touches the {held.describe()}; kept as you wrote it"


def _header(
    outcomes: list[Outcome],
    model: str,
    threshold: float | None,
    today: dt.date,
    sources: Sequence[str],
) -> list[str]:
    new = [o.candidate for o in outcomes if o.status == "new"]
    n_domains = sum(c.level == "domain" for c in new)
    at = f"threshold {threshold:g}" if threshold is not None else "the model's threshold"
    lines = [
        f"# linkclf {today.isoformat()}: {len(new)} new candidates (domains: {n_domains},"
        f" URLs: {len(new) - n_domains}) from model {_one_line(model)} at {at}",
    ]
    if sources:
        lines.append(f"# linkclf: scored links from {_one_line(', '.join(sources))}")
    lines.append(
        "# linkclf: candidates, not verdicts: review them (--review sheet) before uploading;"
        " Google advises disavowing only for manual actions or clear link schemes"
    )
    held = [o for o in outcomes if o.status == "held back"]
    for outcome in held[:MAX_LISTED_HELD_BACK]:
        what = _one_line(outcome.candidate.line)
        lines.append(f"# linkclf: held back ({_one_line(outcome.detail)}): {what}")
    if len(held) > MAX_LISTED_HELD_BACK:
        lines.append(
            f"# linkclf: ... and {len(held) - MAX_LISTED_HELD_BACK} more held back"
            " (see the review sheet)"
        )
    return lines
