"""The figures of one target site's link profile: pure pandas on :func:`tables.prepare` rows.

Every function takes the prepared links of ONE target site (the report splits by
``links["site"]``) and returns a DataFrame or a small dataclass; nothing here writes markup.
A column the export lacks yields an empty table (the report then says so); a missing value
never counts as ``False``, ``0`` or "follow".
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

import numpy as np
import pandas as pd

from linkclf.report.tables import AUTHORITY_METRICS, anchor_types

#: The rel values that pass no ranking signal (Google, "Evolving nofollow", 2019).
REL_FLAGS = ("nofollow", "ugc", "sponsored")
#: Link types in display order (the schema's values).
LINK_TYPES = ("text", "image", "redirect", "frame", "form", "unknown")
#: Authority bins: 0-9, 10-19, ..., 90-100 (every metric shown is on a 0-100 scale).
AUTHORITY_EDGES = tuple(range(0, 101, 10))


@dataclass(frozen=True)
class Risk:
    """A profile's risk figure and what it was computed from.

    Attributes
    ----------
    value : sum of ``p`` over flagged followed links / number of followed links, in [0, 1].
    n_followed : links counted as followed (denominator).
    n_flagged : flagged links among them.
    rel_known : whether the export says anything about rel; if not, every link is counted.
    """

    value: float
    n_followed: int
    n_flagged: int
    rel_known: bool


def followed(links: pd.DataFrame) -> tuple[pd.Series, bool]:
    """Links that pass ranking signal as far as the export says, and whether it says at all.

    A link is followed unless a rel flag is ``True`` (a link without rel values counts as
    followed: it may pass ranking signal). Where the export has no rel column at all (Search
    Console), every link counts and the second value is ``False``.
    """
    known = [c for c in REL_FLAGS if links[c].notna().any()]
    if not known:
        return pd.Series(True, index=links.index), False
    not_followed = np.zeros(len(links), dtype=bool)
    for col in known:
        not_followed |= links[col].fillna(False).to_numpy(dtype=bool)
    return pd.Series(~not_followed, index=links.index), True


def profile_risk(links: pd.DataFrame) -> Risk:
    """The profile's risk: followed links flagged, each weighted by the model's certainty.

    ``risk = sum(p of flagged followed links) / (followed links)``: a flagged link at
    ``p = 0.8`` counts 0.8, a link the model is unsure about (below the threshold) counts 0.
    0 means no followed link is flagged; 1 would mean every followed link is flagged at
    ``p = 1``. Nofollow / ugc / sponsored links are left out: they pass no ranking signal, so
    they are no risk to the site (negative SEO is often nofollow; the kinds table shows it).
    """
    follow, rel_known = followed(links)
    rows = links[follow.to_numpy()]
    if rows.empty:
        return Risk(0.0, 0, 0, rel_known)
    weight = float(rows.loc[rows["flagged"], "p"].sum())
    return Risk(weight / len(rows), len(rows), int(rows["flagged"].sum()), rel_known)


def top_anchors(links: pd.DataFrame, limit: int = 50) -> pd.DataFrame:
    """The most frequent anchors: ``anchor``, ``anchor_type``, ``links``, ``domains``,
    ``flagged``, ``share`` (of the site's links), most links first."""
    frame = pd.DataFrame(
        {
            "anchor": links["anchor"],
            "anchor_type": anchor_types(links),
            "domain": links["domain"],
            "flagged": links["flagged"],
        }
    )
    table = frame.groupby("anchor", sort=False).agg(
        anchor_type=("anchor_type", "first"),
        links=("flagged", "size"),
        domains=("domain", "nunique"),
        flagged=("flagged", "sum"),
    )
    table["share"] = table["links"] / max(len(links), 1)
    table = table.sort_values(["links", "domains"], ascending=False, kind="stable")
    return table.head(limit).reset_index()


def rel_mix(links: pd.DataFrame) -> pd.DataFrame:
    """Links per rel value with flagged counts: ``follow`` (every rel flag the export gives is
    false), ``nofollow``, ``ugc``, ``sponsored``, and ``unknown`` (no rel value for the link).

    A link with several rel values counts once per value. Empty when the export has no rel
    column; a missing flag is never read as ``False``.
    """
    known = [c for c in REL_FLAGS if links[c].notna().any()]
    if not known:
        return pd.DataFrame(columns=["rel", "links", "flagged", "share"])
    values = {col: links[col].fillna(False).to_numpy(dtype=bool) for col in known}
    any_true = np.logical_or.reduce(list(values.values()))
    any_known = np.logical_or.reduce([links[col].notna().to_numpy() for col in known])
    rows = [("follow", any_known & ~any_true)]
    rows += list(values.items())
    rows.append(("unknown", ~any_known))
    flagged = links["flagged"].to_numpy()
    table = pd.DataFrame(
        {
            "rel": [name for name, _ in rows],
            "links": [int(mask.sum()) for _, mask in rows],
            "flagged": [int((mask & flagged).sum()) for _, mask in rows],
        }
    )
    table = table[(table["links"] > 0) | (table["rel"] != "unknown")]
    table["share"] = table["links"] / max(len(links), 1)
    return table.reset_index(drop=True)


def link_type_mix(links: pd.DataFrame) -> pd.DataFrame:
    """Links per link type (text, image, redirect, ...); empty when the export has none."""
    kind = links["link_type"]
    kind = kind[kind != ""]
    if kind.empty:
        return pd.DataFrame(columns=["link_type", "links", "flagged", "share"])
    flagged = links.loc[kind.index, "flagged"]
    table = (
        pd.DataFrame({"link_type": kind, "flagged": flagged})
        .groupby("link_type")
        .agg(links=("flagged", "size"), flagged=("flagged", "sum"))
    )
    order = {t: i for i, t in enumerate(LINK_TYPES)}
    table = table.reset_index()
    table["share"] = table["links"] / max(len(links), 1)
    table["_o"] = table["link_type"].map(lambda t: order.get(t, len(order)))
    return table.sort_values(["_o", "link_type"]).drop(columns="_o").reset_index(drop=True)


def authority(links: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Per authority metric the export has: referring domains per 10-point bin.

    A referring domain's value is its highest among its links (a domain metric is the same on
    every link; a page metric differs per page, and the best page is what the domain offers).
    Metrics with no value at all are left out, so the report never shows a metric the export
    lacks. Columns: ``bin`` ("0-9" ...), ``domains``, ``flagged_domains``.
    """
    present = [m for m in AUTHORITY_METRICS if links[m].notna().any()]
    if not present:
        return {}
    # One groupby for every metric: max() skips NaN, so a domain without a value stays NaN.
    per_domain = links.groupby("domain")[[*present, "flagged"]].max()
    labels = [f"{lo}-{lo + 9}" if lo < 90 else "90-100" for lo in AUTHORITY_EDGES[:-1]]
    out: dict[str, pd.DataFrame] = {}
    for metric in present:
        values = per_domain[metric].dropna()
        bins = np.clip(values.to_numpy() // 10, 0, 9).astype(int)
        flagged = per_domain.loc[values.index, "flagged"].to_numpy(dtype=bool)
        out[metric] = pd.DataFrame(
            {
                "bin": labels,
                "domains": np.bincount(bins, minlength=10),
                "flagged_domains": np.bincount(bins[flagged], minlength=10),
            }
        )
    return out


def tlds(links: pd.DataFrame, limit: int = 30) -> pd.DataFrame:
    """Referring domains and links per top-level domain (``nl``, ``xyz`` ...), most domains first."""
    domains = links["domain"]
    tld = domains.map(lambda d: d.rsplit(".", 1)[-1] if "." in d else "")
    frame = pd.DataFrame({"tld": tld, "domain": domains, "flagged": links["flagged"]})
    frame = frame[frame["tld"] != ""]
    if frame.empty:
        return pd.DataFrame(columns=["tld", "domains", "links", "flagged", "flagged_share"])
    table = frame.groupby("tld").agg(
        domains=("domain", "nunique"), links=("flagged", "size"), flagged=("flagged", "sum")
    )
    table["flagged_share"] = table["flagged"] / table["links"]
    table = table.sort_values(["domains", "links"], ascending=False, kind="stable")
    return table.head(limit).reset_index()


def _subnet(ip: str) -> str:
    """The /24 (IPv4) or /48 (IPv6) network of an address; "" when it is not an address."""
    try:
        addr = ipaddress.ip_address(ip.strip())
    except ValueError:
        return ""
    prefix = 24 if addr.version == 4 else 48
    return str(ipaddress.ip_network(f"{addr}/{prefix}", strict=False))


def ip_clusters(links: pd.DataFrame, limit: int = 50, min_domains: int = 2) -> pd.DataFrame:
    """Referring domains that share a /24 network (a PBN footprint), biggest cluster first.

    Columns: ``subnet``, ``domains`` (count), ``links``, ``flagged``, ``members`` (the
    domains, most links first). Empty when the export has no ``source_ip``.
    """
    ips = links["source_ip"]
    has_ip = ips != ""
    if not has_ip.any():
        return pd.DataFrame(columns=["subnet", "domains", "links", "flagged", "members"])
    unique = pd.unique(ips[has_ip])
    subnet = ips[has_ip].map(dict(zip(unique, map(_subnet, unique), strict=True)))
    frame = pd.DataFrame(
        {"subnet": subnet, "domain": links.loc[has_ip, "domain"], "flagged": links["flagged"]}
    )
    frame = frame[frame["subnet"] != ""]
    table = frame.groupby("subnet").agg(
        domains=("domain", "nunique"), links=("flagged", "size"), flagged=("flagged", "sum")
    )
    table = table[table["domains"] >= min_domains]
    table = table.sort_values(["domains", "flagged"], ascending=False, kind="stable").head(limit)
    members = (
        frame[frame["subnet"].isin(table.index)]
        .groupby(["subnet", "domain"])
        .size()
        .reset_index(name="n")
        .sort_values(["subnet", "n", "domain"], ascending=[True, False, True])
        .groupby("subnet")["domain"]
        .apply(list)
    )
    table["members"] = [members.get(s, []) for s in table.index]
    return table.reset_index()


def domain_dates(links: pd.DataFrame) -> pd.DataFrame:
    """One row per referring domain: ``first_seen`` (earliest of its links), ``lost`` (every
    link of it lost; missing where the export has no ``lost``), ``lost_on`` (latest
    ``last_seen`` of a lost domain), ``flagged`` (any link flagged) and ``max_p``."""
    rows = links[links["domain"] != ""]
    lost = rows["lost"]
    frame = pd.DataFrame(
        {
            "domain": rows["domain"],
            "first_seen": rows["first_seen"],
            "last_seen": rows["last_seen"],
            # NaN where unknown: min() then ignores it (all known links lost -> 1.0).
            "lost": lost.astype("Float64").to_numpy(dtype="float64", na_value=np.nan),
            "flagged": rows["flagged"],
            "p": rows["p"],
        }
    )
    per = frame.groupby("domain").agg(
        first_seen=("first_seen", "min"),
        last_seen=("last_seen", "max"),
        lost=("lost", "min"),
        flagged=("flagged", "any"),
        max_p=("p", "max"),
    )
    per["lost"] = per["lost"].map({1.0: True, 0.0: False}).astype("boolean")
    per["lost_on"] = per["last_seen"].where(per["lost"].fillna(False).astype(bool))
    return per.drop(columns="last_seen").reset_index()


def domains_per_month(links: pd.DataFrame) -> pd.DataFrame:
    """New and lost referring domains per month.

    A domain is new in the month of its earliest ``first_seen``; lost in the month of its
    latest ``last_seen`` when the export marks every link of it ``lost``. Columns: ``month``
    ("2025-03"), ``new``, ``new_flagged``, ``lost``, ``lost_flagged``. Empty when the export
    has no first-seen dates.
    """
    per = domain_dates(links)
    new = per.dropna(subset=["first_seen"])
    if new.empty:
        return pd.DataFrame(columns=["month", "new", "new_flagged", "lost", "lost_flagged"])

    def _month(dates: pd.Series) -> pd.Series:
        return dates.dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period("M")

    lost = per.dropna(subset=["lost_on"])
    new_m, lost_m = _month(new["first_seen"]), _month(lost["lost_on"])
    months = pd.period_range(
        min(new_m.min(), lost_m.min()) if len(lost_m) else new_m.min(),
        max(new_m.max(), lost_m.max()) if len(lost_m) else new_m.max(),
        freq="M",
    )

    def _count(periods: pd.Series, mask: pd.Series | None = None) -> np.ndarray:
        sel = periods if mask is None else periods[mask.to_numpy()]
        return sel.value_counts().reindex(months, fill_value=0).to_numpy()

    return pd.DataFrame(
        {
            "month": [m.strftime("%Y-%m") for m in months],
            "new": _count(new_m),
            "new_flagged": _count(new_m, new["flagged"]),
            "lost": _count(lost_m),
            "lost_flagged": _count(lost_m, lost["flagged"]),
        }
    )
