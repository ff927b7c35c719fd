"""Monitoring between two exports of a site: new, lost and kept links, and negative-SEO bursts.

* A **link** is a source URL pointing at a target site (:func:`linkclf.domains.site` of the
  target URL): the same page linking to another page of the same site is the same link.
  When a file lists a link several times (several anchors or target pages), its most
  suspicious row stands for it.
* A link is **present** in an export when the export lists it and does not mark it ``lost``.
  ``change`` is ``new`` (present only in NEW), ``lost`` (present only in OLD, or listed in NEW
  as lost) or ``kept`` (present in both); ``gone`` marks a link both exports list only as lost
  (lost before the period: listed, not counted as a change). A kept link whose anchor, target page, rel flags or
  link type differ is still ``kept``; ``changed`` names the fields ("anchor; nofollow") and
  ``anchor_before`` / ``p_before`` hold the old values. A field missing from either export is
  never reported as changed.
* A **referring domain** is new / lost when it has a present link in only one export.
* **Burst rule**: ``k`` = new referring domains with a flagged link in the period. The
  profile's history gives the expected rate: flagged referring domains per month by their
  first-seen month, over the :data:`HISTORY_MONTHS` months before OLD's date (at least
  :data:`FLOOR_RATE` per month, so a spotless history does not alert on one link). With
  ``mu = rate * months in the period``, the alert fires when ``k >= BURST_MIN_DOMAINS`` and
  ``P(Poisson(mu) >= k) < BURST_ALPHA``. Domains, not links, are counted: one sitewide link
  brings thousands of rows from a single domain.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from linkclf.errors import InputError
from linkclf.report import profile, tables

#: Fields compared between the two rows of a kept link.
COMPARED = ("anchor", "target_url", "nofollow", "ugc", "sponsored", "link_type")
#: Months of first-seen history that set the expected monthly rate of new flagged domains.
HISTORY_MONTHS = 12
#: The lowest expected rate (flagged referring domains per month) the rule assumes.
FLOOR_RATE = 0.5
#: The alert fires below this tail probability ...
BURST_ALPHA = 0.001
#: ... and from this many new flagged referring domains.
BURST_MIN_DOMAINS = 3
#: Days per month for period lengths.
_MONTH_DAYS = 30.44

LINK_COLUMNS = (
    "change",
    "changed",
    "site",
    "referring_domain",
    "source_url",
    "target_url",
    "anchor",
    "anchor_before",
    "p_manipulative",
    "p_before",
    "flag",
    "kind",
    "first_seen",
    "last_seen",
)
DOMAIN_COLUMNS = (
    "change",
    "site",
    "referring_domain",
    "links",
    "flagged",
    "max_p",
    "kinds",
    "first_seen",
)


@dataclass(frozen=True)
class Burst:
    """The burst rule's figures for one target site (see the module docstring)."""

    site: str
    new_flagged_domains: int
    expected: float
    rate_per_month: float
    history_flagged_domains: int
    history_months: float
    period_months: float
    p_value: float
    alert_from: int
    alert: bool

    def describe(self) -> str:
        """One line for the terminal and the report."""
        verdict = "BURST" if self.alert else "no burst"
        return (
            f"{self.site}: {verdict}: {self.new_flagged_domains} new referring domains with a "
            f"flagged link in {self.period_months:.1f} months; history "
            f"{self.history_flagged_domains} in {self.history_months:.1f} months -> expected "
            f"{self.expected:.1f} (rate {self.rate_per_month:.2f}/month), "
            f"P(>= {self.new_flagged_domains}) = {self.p_value:.2g}; alert from "
            f"{self.alert_from}"
        )


@dataclass(frozen=True)
class Diff:
    """What changed between two exports.

    Attributes
    ----------
    links : one row per link, :data:`LINK_COLUMNS`.
    domains : the new and lost referring domains, :data:`DOMAIN_COLUMNS`.
    bursts : the burst rule per target site (empty when scores or dates are absent).
    scored : whether both exports carry scores.
    old_date, new_date : the exports' dates (latest first/last-seen date, or given).
    """

    links: pd.DataFrame
    domains: pd.DataFrame
    bursts: list[Burst]
    scored: bool
    old_date: pd.Timestamp | None
    new_date: pd.Timestamp | None

    def counts(self) -> dict[str, int]:
        """Links per change, and new / lost referring domains."""
        out = {c: int((self.links["change"] == c).sum()) for c in ("new", "lost", "kept", "gone")}
        out["changed"] = int((self.links["changed"] != "").sum())
        for c in ("new", "lost"):
            out[f"{c}_domains"] = int((self.domains["change"] == c).sum())
        return out


def poisson_tail(k: int, mu: float) -> float:
    """``P(X >= k)`` for ``X ~ Poisson(mu)``."""
    if k <= 0:
        return 1.0
    if mu <= 0:
        return 0.0
    cdf = sum(math.exp(-mu + i * math.log(mu) - math.lgamma(i + 1)) for i in range(k))
    return max(0.0, 1.0 - cdf)


def snapshot_date(links: pd.DataFrame) -> pd.Timestamp | None:
    """An export's date: its latest first- or last-seen date; ``None`` when it has none."""
    dates = pd.concat([links["first_seen"], links["last_seen"]]).dropna()
    return None if dates.empty else pd.Timestamp(dates.max())


def _collapse(links: pd.DataFrame) -> pd.DataFrame:
    """One row per (site, source URL): the most suspicious row, present if any row is."""
    frame = links.assign(
        source_key=links["source_url"].str.strip(),
        present=~links["lost"].fillna(False).to_numpy(dtype=bool),
    )
    frame = frame[frame["source_key"] != ""]
    order = frame.sort_values(["present", "p"], ascending=False, na_position="last", kind="stable")
    return order.drop_duplicates(["site", "source_key"]).set_index(["site", "source_key"])


def _changed(old: pd.DataFrame, new: pd.DataFrame) -> pd.Series:
    """Per kept link, the compared fields whose values differ (both known), ``; ``-joined."""
    names = pd.Series("", index=old.index, dtype=object)
    for col in COMPARED:
        a, b = old[col], new[col]
        if col in tables.FLAG_COLUMNS or col in profile.REL_FLAGS:
            known = a.notna().to_numpy() & b.notna().to_numpy()
            differs = known & (a.fillna(False).to_numpy() != b.fillna(False).to_numpy())
        else:
            known = (a != "").to_numpy() & (b != "").to_numpy()
            differs = known & (a.to_numpy() != b.to_numpy())
        names[differs] = names[differs].map(lambda s, c=col: f"{s}; {c}" if s else c)
    return names


def _links(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    o, n = _collapse(old), _collapse(new)
    keys = o.index.union(n.index)
    o, n = o.reindex(keys), n.reindex(keys)
    in_old = o["present"].fillna(False).to_numpy(dtype=bool)
    in_new = n["present"].fillna(False).to_numpy(dtype=bool)
    change = np.select(
        [in_new & ~in_old, in_new & in_old, in_old & ~in_new], ["new", "kept", "lost"], "gone"
    )
    # NEW's row describes a link wherever NEW lists it (lost or not); otherwise OLD's.
    listed_new = n["source_url"].notna().to_numpy()
    cur = n.where(pd.Series(listed_new, index=keys), o, axis=0)
    kept = change == "kept"
    changed = pd.Series("", index=keys, dtype=object)
    if kept.any():
        changed[kept] = _changed(o[kept], n[kept]).to_numpy()
    anchor_before = np.where(
        changed.str.contains("anchor", regex=False), o["anchor"].fillna(""), ""
    )
    p_before = np.where(kept, o["p"], np.nan)
    out = pd.DataFrame(
        {
            "change": change,
            "changed": changed.to_numpy(),
            "site": [k[0] for k in keys],
            "referring_domain": cur["domain"].to_numpy(),
            "source_url": cur["source_url"].to_numpy(),
            "target_url": cur["target_url"].to_numpy(),
            "anchor": cur["anchor"].to_numpy(),
            "anchor_before": anchor_before,
            "p_manipulative": cur["p"].to_numpy(),
            "p_before": p_before,
            "flag": cur["flagged"].astype("boolean").astype("Int8").to_numpy(),
            "kind": cur["kind"].to_numpy(),
            "first_seen": cur["first_seen"].dt.strftime("%Y-%m-%d").fillna("").to_numpy(),
            "last_seen": cur["last_seen"].dt.strftime("%Y-%m-%d").fillna("").to_numpy(),
        }
    )
    rank = out["change"].map({"new": 0, "lost": 1, "kept": 2, "gone": 3})
    out = out.assign(_r=rank).sort_values(
        ["site", "_r", "p_manipulative"], ascending=[True, True, False], kind="stable"
    )
    return out.drop(columns="_r").reset_index(drop=True)


def _present_domains(links: pd.DataFrame) -> pd.DataFrame:
    rows = links[~links["lost"].fillna(False).to_numpy(dtype=bool) & (links["domain"] != "")]
    return rows.groupby(["site", "domain"]).agg(
        links=("p", "size"),
        flagged=("flagged", "sum"),
        max_p=("p", "max"),
        kinds=("kind", lambda k: "; ".join(sorted({x for x in k if x and x != "natural"}))),
        first_seen=("first_seen", "min"),
    )


def _domains(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    o, n = _present_domains(old), _present_domains(new)
    new_only = n.loc[n.index.difference(o.index)].assign(change="new")
    lost_only = o.loc[o.index.difference(n.index)].assign(change="lost")
    out = pd.concat([new_only, lost_only]).reset_index()
    out = out.rename(columns={"domain": "referring_domain"})
    out["first_seen"] = out["first_seen"].dt.strftime("%Y-%m-%d").fillna("")
    out = out.sort_values(
        ["site", "change", "flagged", "max_p"], ascending=[True, False, False, False]
    )
    return out[list(DOMAIN_COLUMNS)].reset_index(drop=True)


def burst_check(
    old: pd.DataFrame,
    new_flagged_domains: int,
    old_date: pd.Timestamp,
    period_months: float,
    site: str,
) -> Burst:
    """The burst rule (module docstring) for one site's OLD links and its count of new
    referring domains with a flagged link."""
    per = profile.domain_dates(old).dropna(subset=["first_seen"])
    start = old_date - pd.DateOffset(months=HISTORY_MONTHS)
    if not per.empty:
        start = max(start, per["first_seen"].min())
    window = per[(per["first_seen"] >= start) & (per["first_seen"] <= old_date)]
    history = int(window["flagged"].sum())
    months = max((old_date - start).days / _MONTH_DAYS, 1.0)
    rate = max(history / months, FLOOR_RATE)
    mu = rate * period_months
    alert_from = BURST_MIN_DOMAINS
    while poisson_tail(alert_from, mu) >= BURST_ALPHA:
        alert_from += 1
    p_value = poisson_tail(new_flagged_domains, mu)
    return Burst(
        site=site,
        new_flagged_domains=new_flagged_domains,
        expected=mu,
        rate_per_month=rate,
        history_flagged_domains=history,
        history_months=months,
        period_months=period_months,
        p_value=p_value,
        alert_from=alert_from,
        alert=new_flagged_domains >= alert_from,
    )


def diff_links(
    old: pd.DataFrame,
    new: pd.DataFrame,
    *,
    old_date: pd.Timestamp | None = None,
    new_date: pd.Timestamp | None = None,
    scored: bool = True,
) -> Diff:
    """Compare two exports of the same site(s).

    Parameters
    ----------
    old, new : links prepared by :func:`linkclf.report.tables.prepare` (scored, or with
        ``unscored=True``).
    old_date, new_date : the exports' dates; default: each export's latest first/last-seen
        date. Needed for the burst rule only.
    scored : whether both carry scores; without them there is no burst rule.
    """
    old_date = old_date if old_date is not None else snapshot_date(old)
    new_date = new_date if new_date is not None else snapshot_date(new)
    links = _links(old, new)
    domains = _domains(old, new)
    bursts: list[Burst] = []
    if scored and old_date is not None and new_date is not None:
        period = max((new_date - old_date).days / _MONTH_DAYS, 1 / _MONTH_DAYS)
        new_flagged = domains[(domains["change"] == "new") & (domains["flagged"] > 0)]
        per_site = new_flagged.groupby("site").size()
        for site, rows in old.groupby("site", sort=True):
            bursts.append(
                burst_check(rows, int(per_site.get(site, 0)), old_date, period, str(site))
            )
    return Diff(links, domains, bursts, scored, old_date, new_date)


def read_links(
    path: str | os.PathLike[str],
    *,
    model_dir: str | os.PathLike[str] | None = None,
    fmt: str | None = None,
    target: str | None = None,
) -> tuple[pd.DataFrame, bool]:
    """Links of one file for a diff: a scored CSV as it is, a raw export scored with
    ``model_dir`` (or left unscored when ``model_dir`` is ``None``).

    Returns the prepared links and whether they carry scores.
    """
    name = str(path)
    header: list[str] = []
    try:
        header = list(pd.read_csv(path, nrows=0, encoding="utf-8").columns)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        pass  # not a UTF-8 CSV linkclf wrote: a vendor export (Ahrefs is UTF-16)
    if "p_manipulative" in header:
        from linkclf.report.read import read_scored_for_report

        return tables.prepare(read_scored_for_report(path), where=name), True
    from linkclf.sources import read_exports

    links = read_exports([name], format=fmt, target=target)
    if links.empty:
        raise InputError(
            expected="at least one link",
            found="a header and no rows",
            fix="export the site's backlinks again",
            where=name,
        )
    if model_dir is None:
        # The canonical ``kind`` of a raw file is a training label, not a prediction.
        unscored = tables.prepare(links, where=name, unscored=True).assign(kind="")
        return unscored, False
    from linkclf.model import LinkClassifier
    from linkclf.pipeline import score_links

    scored = score_links(LinkClassifier.load(Path(model_dir)), links)
    return tables.prepare(scored, where=name), True
