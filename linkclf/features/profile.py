"""Profile aggregates: what the other links of the same referring domain and target look like.

A single footer link says little; the same footer link on 240 pages of one domain, or one anchor
used by 80 unrelated domains, or 300 new links in one week, is what a link scheme looks like.
Computed within the frame being scored (an export is one target's profile, or several).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from linkclf.features._util import map_unique
from linkclf.schema import SEEN_IN, site_column


def _subnet(ip: str) -> str:
    parts = (ip or "").split(".")
    return ".".join(parts[:3]) if len(parts) == 4 else ""


def _offpage(placement: pd.Series) -> np.ndarray:
    text = placement.astype("string")
    known = (text.notna() & (text != "unknown")).to_numpy(dtype=bool)
    off = text.isin(["footer", "sidebar", "nav", "header"]).fillna(False).to_numpy(dtype=float)
    return np.where(known, off, np.nan)


def _days(stamps: pd.Series) -> np.ndarray:
    """A conformed date column (UTC, parsed once by linkclf.schema.conform) as float days since
    1970, NaN where missing."""
    return (stamps - pd.Timestamp(0, tz="UTC")).dt.total_seconds().to_numpy(float) / 86400.0


def _first_export(df: pd.DataFrame) -> np.ndarray:
    """The first file that saw each link (``seen_in``, written by linkclf.sources); one group
    for frames that do not say (training data, a frame built by hand)."""
    if SEEN_IN not in df.columns:
        return np.zeros(len(df), dtype=object)
    return map_unique(df[SEEN_IN], lambda names: names.split(";", 1)[0])


def profile_features(df: pd.DataFrame, anchor_type: np.ndarray) -> pd.DataFrame:
    """Aggregates over the rows of ``df`` per (target site, referring domain) and per target.

    Parameters
    ----------
    df : canonical links (conformed).
    anchor_type : the anchor type of each row (``anchor_features(df).attrs["anchor_type"]``).

    Returns
    -------
    pd.DataFrame
        ``domain_*`` (family profile_domain): links and distinct pages from this referring
        domain to this target, its sitewide and off-content (footer/sidebar/nav/header) shares,
        the share of its links with this link's anchor. ``target_*``, ``same_anchor_domains``,
        ``burst_*``, ``ip_subnet_domains`` (family profile_target): the target's links and
        referring domains, anchor-type shares, how many referring domains use this anchor, the
        share of the target's dated links first seen in this link's 7-day window (and that
        window's count over the median week), days between this link's last sighting and the
        target's newest, referring domains in this link's IPv4 /24.
    """
    frame = pd.DataFrame(
        {
            "target": site_column(df, "target_site").to_numpy(dtype=object),
            "domain": site_column(df, "referring_domain").to_numpy(dtype=object),
            "page": df["source_url"].astype("string").fillna("").to_numpy(),
            "anchor": df["anchor"].astype("string").fillna("").str.strip().str.lower().to_numpy(),
            "atype": anchor_type,
            "sitewide": df["sitewide"]
            .astype("boolean")
            .astype("Float64")
            .to_numpy(dtype=float, na_value=np.nan),
            # Unknown placement stays NaN (the mean skips it): a missing value is never evidence.
            "offpage": _offpage(df["placement"]),
            "subnet": map_unique(df["source_ip"], _subnet),
            "week": pd.to_datetime(df["first_seen"], utc=True, errors="coerce")
            .dt.floor("7D")
            .to_numpy(),
            "last_seen_day": _days(df["last_seen"]),
        },
        index=df.index,
    )
    out = pd.DataFrame(index=df.index)
    by_pair = frame.groupby(["target", "domain"], sort=False)
    out["domain_links"] = by_pair["page"].transform("size").astype(float)
    out["domain_pages"] = by_pair["page"].transform("nunique").astype(float)
    out["domain_sitewide_share"] = by_pair["sitewide"].transform("mean")
    out["domain_offpage_share"] = by_pair["offpage"].transform("mean")
    out["domain_same_anchor_share"] = (
        frame.groupby(["target", "domain", "anchor"], sort=False)["page"].transform("size")
        / out["domain_links"]
    )

    by_target = frame.groupby("target", sort=False)
    total = by_target["page"].transform("size").astype(float)
    out["target_links"] = total
    out["target_domains"] = by_target["domain"].transform("nunique").astype(float)
    for t in ("exact", "partial", "brand", "generic", "naked_url"):
        share = (
            (frame["atype"] == t)
            .astype(float)
            .groupby(frame["target"], sort=False)
            .transform("mean")
        )
        out[f"target_{t}_share"] = share
    anchored = frame["anchor"] != ""
    same_anchor_domains = (
        frame[anchored].groupby(["target", "anchor"], sort=False)["domain"].transform("nunique")
    )
    out["same_anchor_domains"] = same_anchor_domains.reindex(df.index).astype(float)
    has_week = ~pd.isna(frame["week"])
    week_counts = frame[has_week].groupby(["target", "week"], sort=False)["page"].transform("size")
    dated = has_week.groupby(frame["target"], sort=False).transform("sum").astype(float)
    out["burst_share"] = (week_counts.reindex(df.index) / dated.where(dated > 0)).astype(float)
    weekly = frame[has_week].groupby(["target", "week"]).size()
    median_week = weekly.groupby(level=0).median()
    out["burst_ratio"] = (
        week_counts.reindex(df.index) / frame["target"].map(median_week).astype(float)
    ).astype(float)
    # How long before its export's newest sighting this link was last seen: a link a crawler
    # stopped finding was removed (paid placements end with their invoice) or sits on a page
    # crawled rarely (Search Console's "Last crawled"). Relative to the export's own newest date,
    # so the day it was exported does not matter: exports merged by read_exports are told apart
    # by the first file that saw the link (the merged row's date is that file's when it has one),
    # or a three-month-old export merged with today's would age every link only it saw.
    newest = frame.groupby(["target", _first_export(df)], sort=False)["last_seen_day"].transform(
        "max"
    )
    out["last_seen_lag_days"] = newest - frame["last_seen_day"]
    has_ip = frame["subnet"] != ""
    ip_domains = (
        frame[has_ip].groupby(["target", "subnet"], sort=False)["domain"].transform("nunique")
    )
    out["ip_subnet_domains"] = ip_domains.reindex(df.index).astype(float)
    return out.astype(np.float64)
