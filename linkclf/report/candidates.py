"""Disavow candidates for the report: the same rule as ``linkclf disavow``.

The report calls :func:`linkclf.disavow.build_candidates` rather than a rule of its own, so the
candidates a reviewer reads here are exactly the lines the disavow command would write (before
the user's existing file and own allowlist are merged in).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from linkclf.disavow import Allowlist, Candidate, DomainRule, build_candidates, default_allowlist


@dataclass(frozen=True)
class ReportCandidate:
    """A candidate line and, when the default allowlist holds it back, why."""

    candidate: Candidate
    held_back: str = ""


def disavow_candidates(
    links: pd.DataFrame, rule: DomainRule | None = None, allowlist: Allowlist | None = None
) -> list[ReportCandidate]:
    """Candidates from prepared links (see :func:`linkclf.report.tables.prepare`).

    Domain candidates the allowlist (default: linkclf's) holds back are kept and marked, with
    the flagged pages that would be written instead, so the reader sees the whole picture.
    """
    allow = default_allowlist() if allowlist is None else allowlist
    frame = pd.DataFrame(
        {
            "source_url": links["source_url"],
            "referring_domain": links["domain"],
            "p_manipulative": links["p"],
            "flag": links["flagged"].astype(int).astype(str),
            "anchor": links["anchor"],
            "reasons": links["reasons"],
            "kind": links["kind"],
        }
    )
    out = []
    for cand in build_candidates(frame, rule):
        entry = allow.blocks_domain(cand.host) if cand.level == "domain" else None
        out.append(ReportCandidate(cand, entry.describe() if entry else ""))
    return out
