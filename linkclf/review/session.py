"""What the review page shows: scored links grouped by referring domain, in queue order.

Everything the browser receives is plain JSON data; the page renders it as text (never as
HTML), so anchors, titles and URLs from an export cannot run in it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from linkclf.disavow.candidates import build_candidates, normalise_url, unneutralise
from linkclf.disavow.decisions import Decisions
from linkclf.disavow.parse import repair
from linkclf.domains import site
from linkclf.errors import InputError, SchemaError
from linkclf.io import read_csv_text
from linkclf.review.queue import priority, spread_over_domains
from linkclf.schema import CANONICAL_COLUMNS

#: Columns the page shows from a scored CSV.
TEXT_COLUMNS = ("anchor", "context_left", "context_right", "source_title", "kind", "reasons")
#: Columns loaded: the page's, plus the canonical ones the committee's features need.
SCORED_COLUMNS = (
    *TEXT_COLUMNS,
    "p_manipulative",
    "flag",
    *(c for c in CANONICAL_COLUMNS if c not in TEXT_COLUMNS and c != "label"),
)
#: Links of one domain sent to the page (the most informative first); the count says the rest.
LINKS_PER_DOMAIN = 40


def read_scored_links(paths: Sequence[str | os.PathLike[str]]) -> pd.DataFrame:
    """Scored links with the text columns the reviewer reads (spreadsheet quotes undone).

    Raises
    ------
    SchemaError
        ``source_url`` or ``p_manipulative`` is missing.
    InputError
        ``p_manipulative`` is not a number in [0, 1].
    """
    frames = []
    for path in paths:
        df = read_csv_text(
            path,
            SCORED_COLUMNS,
            what="a scored CSV from `linkclf score`",
            fix="score an export first: linkclf score EXPORT -o scored.csv",
        )
        missing = [c for c in ("source_url", "p_manipulative") if c not in df.columns]
        if missing:
            raise SchemaError(
                expected="a scored CSV with columns source_url, p_manipulative",
                found=f"no {', '.join(missing)} column",
                fix="pass the output of `linkclf score`",
                where=str(path),
            )
        p = pd.to_numeric(df["p_manipulative"], errors="coerce")
        bad = df.index[p.isna() | (p < 0) | (p > 1)]
        if len(bad):
            raise InputError(
                expected="p_manipulative between 0 and 1",
                found=repr(df.at[bad[0], "p_manipulative"]),
                fix="pass the unedited output of `linkclf score`",
                where=f"{path}, row {int(bad[0]) + 2}",
            )
        df["p_manipulative"] = p.astype(float)
        frames.append(df)
    links = pd.concat(frames, ignore_index=True)
    for col in ("target_url", "flag", *TEXT_COLUMNS):
        if col not in links.columns:
            links[col] = ""
        links[col] = links[col].map(unneutralise)
    links["source_url"] = links["source_url"].map(unneutralise).str.strip()
    links["domain"] = links["source_url"].map(site)
    links["url_key"] = links["source_url"].map(normalise_url)
    return links[links["domain"] != ""].reset_index(drop=True)


def infer_threshold(links: pd.DataFrame) -> float:
    """The threshold the scored file was flagged at: between the highest unflagged and the
    lowest flagged ``p`` (0.5 when the file has no ``flag`` column or no flags)."""
    flag = links["flag"].astype(str).str.strip().str.lower().isin(["1", "1.0", "true"])
    if not flag.any():
        return 0.5
    lowest_flagged = float(links.loc[flag, "p_manipulative"].min())
    below = links.loc[~flag & (links["p_manipulative"] < lowest_flagged), "p_manipulative"]
    return (lowest_flagged + float(below.max())) / 2 if len(below) else lowest_flagged


def covered_by(text: str) -> tuple[set[str], set[str]]:
    """Hosts on ``domain:`` lines and URLs on URL lines of an existing disavow file."""
    entries, _ = repair(text)
    hosts = {e.host for e in entries if e.kind == "domain"}
    urls = {normalise_url(e.text) for e in entries if e.kind == "url"}
    return hosts, urls


def _host_covered(domain: str, hosts: set[str]) -> bool:
    labels = domain.split(".")
    return any(".".join(labels[i:]) in hosts for i in range(len(labels)))


@dataclass
class Session:
    """The links of one review, their queue order and what is already decided or disavowed.

    Attributes
    ----------
    links : from :func:`read_scored_links`, plus ``priority``.
    threshold : the threshold the queue centres on.
    strategy : the queue strategy in words (shown on the page).
    """

    links: pd.DataFrame
    threshold: float
    strategy: str
    existing_hosts: set[str] = field(default_factory=set)
    existing_urls: set[str] = field(default_factory=set)
    _groups: list[dict[str, Any]] | None = None

    @classmethod
    def build(
        cls,
        links: pd.DataFrame,
        threshold: float | None = None,
        disagreement: np.ndarray | None = None,
        existing: str = "",
    ) -> Session:
        t = infer_threshold(links) if threshold is None else threshold
        links = links.copy()
        links["priority"] = priority(links["p_manipulative"].to_numpy(), t, disagreement)
        strategy = (
            "uncertainty near the threshold x disagreement of a LightGBM committee,"
            " one link per referring domain before seconds"
            if disagreement is not None
            else "uncertainty near the threshold, one link per referring domain before seconds"
            " (no committee: pass --committee labelled data to add disagreement)"
        )
        hosts, urls = covered_by(existing) if existing else (set(), set())
        return cls(links, t, strategy, hosts, urls)

    def payload(self, decisions: Decisions, limit: int | None = None) -> dict[str, Any]:
        """The JSON the page renders: meta and one group per referring domain, queue order
        (the first ``limit`` domains, plus every domain with a decision)."""
        if self._groups is None:
            self._groups = self._static_groups()
        decided = set(decisions.domains) | {site(u) for u in decisions.urls}
        groups = [
            {
                **g,
                "decision": decisions.domains.get(g["domain"], ""),
                "links": [
                    {**ln, "decision": decisions.urls.get(ln["key"], "")} for ln in g["links"]
                ],
            }
            for i, g in enumerate(self._groups)
            if limit is None or i < limit or g["domain"] in decided
        ]
        return {
            "threshold": round(self.threshold, 4),
            "strategy": self.strategy,
            "n_links": len(self.links),
            "n_domains": len(self._groups),
            "groups": groups,
        }

    def _static_groups(self) -> list[dict[str, Any]]:
        """Groups in queue order, computed once (decisions are laid over them per request)."""
        links = self.links
        order = spread_over_domains(links["priority"].to_numpy(), links["domain"].to_numpy())
        domain_rank: dict[str, int] = {}
        domain_of = links["domain"].to_numpy()
        for pos in order:
            domain_rank.setdefault(str(domain_of[pos]), len(domain_rank))
        candidates = build_candidates(
            links.rename(columns={"domain": "referring_domain"}), threshold=self.threshold
        )
        level_of = {c.domain: c.level for c in candidates if c.level == "domain"}
        page_candidates = {c.value for c in candidates if c.level == "url"}
        groups: list[dict[str, Any]] = []
        for key, rows in links.groupby("domain", sort=False):
            domain = str(key)
            rows = rows.sort_values("priority", ascending=False, kind="stable")
            p = rows["p_manipulative"]
            flagged = p >= self.threshold
            groups.append(
                {
                    "domain": domain,
                    "rank": domain_rank[domain],
                    "priority": round(float(rows["priority"].max()), 4),
                    "n_links": len(rows),
                    "n_flagged": int(flagged.sum()),
                    "max_p": round(float(p.max()), 4),
                    "mean_p": round(float(p.mean()), 4),
                    "kinds": sorted({k for k in rows["kind"] if k and k != "natural"}),
                    "candidate": level_of.get(domain, "url" if flagged.any() else ""),
                    "in_existing": _host_covered(domain, self.existing_hosts),
                    "links": [
                        {
                            "url": r.source_url,
                            "key": r.url_key,
                            "anchor": r.anchor,
                            "left": r.context_left,
                            "right": r.context_right,
                            "title": r.source_title,
                            "target": r.target_url,
                            "p": round(float(r.p_manipulative), 4),  # type: ignore[arg-type]
                            "kind": r.kind,
                            "reasons": r.reasons,
                            "candidate": r.url_key in page_candidates,
                            "in_existing": r.url_key in self.existing_urls,
                        }
                        for r in rows.head(LINKS_PER_DOMAIN).itertuples(index=False)
                    ],
                }
            )
        groups.sort(key=lambda g: g["rank"])
        return groups

    def facts(self, level: str, key: str) -> tuple[str, dict[str, str]]:
        """The referring domain of a decision's subject and the cells a new review row gets."""
        if level == "domain":
            rows = self.links[self.links["domain"] == key]
            domain = key
        else:
            rows = self.links[self.links["url_key"] == key]
            domain = str(rows["domain"].iloc[0]) if len(rows) else site(key)
        if not len(rows):
            raise InputError(
                expected=f"a {level} of the scored file", found=repr(key), fix="reload the page"
            )
        return domain, {
            "mean_p": f"{rows['p_manipulative'].mean():.4f}",
            "n_links": str(len(rows)),
        }
