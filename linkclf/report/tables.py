"""The figures of the audit report, computed from scored links: pure pandas, no markup.

Each function takes the frame :func:`prepare` returns, so the report's sections can be tested
(and reused, e.g. in a notebook) without rendering any HTML.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from linkclf.disavow.candidates import prepare_links
from linkclf.domains import site
from linkclf.errors import InputError

#: Text columns shown in the report; cells ``linkclf score`` quoted for spreadsheets are
#: unquoted for display (they are escaped as HTML later, never interpreted).
TEXT_COLUMNS = (
    "source_url",
    "target_url",
    "target_site",
    "anchor",
    "referring_domain",
    "source_title",
    "reasons",
    "link_type",
    "anchor_type",
    "source_ip",
)
#: The predicted kind: ``predicted_kind`` in newer scored files, ``kind`` in older ones.
KIND_COLUMNS = ("predicted_kind", "kind")
#: Link flags: missing when the export does not say (a missing flag is never "false").
FLAG_COLUMNS = ("nofollow", "ugc", "sponsored", "lost")
DATE_COLUMNS = ("first_seen", "last_seen")
#: Vendor authority metrics the report can show, with their display names.
AUTHORITY_METRICS = {
    "domain_rating": "Domain Rating (Ahrefs)",
    "url_rating": "URL Rating (Ahrefs)",
    "trust_flow": "Trust Flow (Majestic)",
    "citation_flow": "Citation Flow (Majestic)",
    "domain_authority": "Domain Authority (Moz)",
    "page_authority": "Page Authority (Moz) / Page ascore (Semrush)",
}
#: Columns the report reads from a scored file; everything else is left alone.
REPORT_COLUMNS = (
    *TEXT_COLUMNS,
    *KIND_COLUMNS,
    *FLAG_COLUMNS,
    *DATE_COLUMNS,
    *AUTHORITY_METRICS,
    "p_manipulative",
    "flag",
    "threshold",
    "model",
)
#: Bins of the score histogram over [0, 1].
N_BINS = 20
#: A period (week or month) is a burst when it has at least this many links ...
BURST_MIN_LINKS = 5
#: ... and this share of all dated links (a few links after a quiet year are not a burst) ...
BURST_MIN_SHARE = 0.01
#: ... and this many times the mean of the :data:`BURST_WINDOW` periods before it (a profile
#: that grows steadily has no bursts; one that jumps has).
BURST_FACTOR = 3.0
BURST_WINDOW = 12
#: Beyond this many weeks the timeline counts months (bars would be thinner than a pixel).
MAX_WEEKS = 156


def display_text(column: pd.Series) -> pd.Series:
    """Text for display: missing -> "", the spreadsheet quote before ``= + - @`` removed."""
    text = column.astype("string").fillna("")
    quoted = text.str.startswith("'") & text.str.slice(1, 2).isin(list("=+-@\t\r"))
    return text.where(~quoted, text.str.slice(1)).astype(object)


def _domains(source_urls: pd.Series, given: pd.Series) -> pd.Series:
    """The site of each link exactly as ``linkclf disavow`` groups it: the registrable domain
    (PSL with private suffixes) of the referring domain or source URL, and on blog platforms
    (``x.wordpress.com``) the user's own site, never the platform."""
    frame = pd.DataFrame(
        {"source_url": source_urls, "referring_domain": given, "p_manipulative": 0.0}
    )
    return prepare_links(frame, threshold=1.0)["domain"].fillna("").astype(object)


def prepare(
    scored: pd.DataFrame,
    threshold: float | None = None,
    where: str = "scored links",
    *,
    unscored: bool = False,
) -> pd.DataFrame:
    """Normalise a scored frame: ``p``, ``flagged``, ``domain``, ``site``, flags, dates,
    authority metrics and display texts.

    Parameters
    ----------
    scored : rows written by ``linkclf score`` (columns as text or typed).
    threshold : flag ``p_manipulative >= threshold`` instead of reading the ``flag`` column.
    where : the file name for error messages.
    unscored : accept links without scores (``linkclf diff`` of raw exports): ``p`` is NaN
        and nothing is flagged.

    Raises
    ------
    InputError
        No rows, no ``p_manipulative`` column, a score outside [0, 1], or neither a ``flag``
        column nor a threshold.
    """
    if unscored and "p_manipulative" not in scored.columns:
        scored = scored.assign(p_manipulative=np.nan, flag="0")
        threshold = None
    elif "p_manipulative" not in scored.columns:
        raise InputError(
            expected="a scored CSV with a p_manipulative column",
            found=f"columns {', '.join(map(str, scored.columns[:8])) or 'none'}",
            fix="pass the output of `linkclf score EXPORT -o scored.csv`",
            where=where,
        )
    if scored.empty:
        raise InputError(
            expected="at least one scored link",
            found="a header and no rows",
            fix="score a non-empty export with `linkclf score`",
            where=where,
        )
    p = pd.to_numeric(scored["p_manipulative"], errors="coerce").astype("float64")
    missing = p.isna() if not unscored else pd.Series(False, index=p.index)
    bad = np.flatnonzero((missing | (p < 0) | (p > 1)).to_numpy())
    if len(bad):
        row = int(bad[0])
        raise InputError(
            expected="p_manipulative between 0 and 1",
            found=repr(scored["p_manipulative"].iloc[row]),
            fix="pass the unedited output of `linkclf score`",
            where=f"{where}, row {row + 2}",  # +1 header, +1 one-based
        )
    if threshold is not None:
        flagged = p >= threshold
    elif "flag" in scored.columns:
        flag = scored["flag"].astype("string").str.strip().str.lower()
        flagged = flag.isin(["1", "1.0", "true", "yes"])
    else:
        raise InputError(
            expected="a flag column or a threshold",
            found="neither",
            fix="pass --threshold 0.5 (or the scored file with its flag column)",
            where=where,
        )
    out = pd.DataFrame(index=scored.index)
    out["p"] = p.to_numpy()
    out["flagged"] = flagged.fillna(False).astype(bool).to_numpy()
    for col in TEXT_COLUMNS:
        if col in scored.columns:
            out[col] = display_text(scored[col]).to_numpy()
        else:
            out[col] = ""
    kind_col = next((c for c in KIND_COLUMNS if c in scored.columns), None)
    out["kind"] = display_text(scored[kind_col]).to_numpy() if kind_col else ""
    out["domain"] = _domains(out["source_url"], out["referring_domain"])
    out["site"] = target_sites(out["target_url"], out["target_site"])
    for col in FLAG_COLUMNS:
        out[col] = (
            parse_flag(scored[col]).to_numpy()
            if col in scored.columns
            else pd.array([pd.NA] * len(out), dtype="boolean")
        )
    for col in DATE_COLUMNS:
        # Same index; to_numpy() would box every date as an object.
        out[col] = (
            pd.to_datetime(scored[col], errors="coerce", utc=True, format="mixed")
            if col in scored.columns
            else pd.Series(pd.NaT, index=scored.index, dtype="datetime64[ns, UTC]")
        )
    for col in AUTHORITY_METRICS:
        out[col] = (
            pd.to_numeric(scored[col], errors="coerce").astype("float64").to_numpy()
            if col in scored.columns
            else np.nan
        )
    return out.reset_index(drop=True)


_FLAG_TEXT = {"true": True, "1": True, "1.0": True, "yes": True}
_FLAG_TEXT.update({"false": False, "0": False, "0.0": False, "no": False})


def parse_flag(column: pd.Series) -> pd.Series:
    """A flag column as ``boolean``: ``True``/``False`` spellings parsed, anything else missing."""
    if pd.api.types.is_bool_dtype(column):
        return column.astype("boolean")
    text = column.astype("string").str.strip().str.lower()
    return text.map(_FLAG_TEXT, na_action="ignore").astype("boolean")


def target_sites(target_urls: pd.Series, given: pd.Series) -> pd.Series:
    """The target site of each link: :func:`linkclf.domains.site` of the target URL (the one
    answer to "which site is this?"); the file's ``target_site`` only where there is no URL."""
    unique = pd.unique(target_urls)
    computed = target_urls.map(dict(zip(unique, map(site, unique), strict=True)))
    return computed.where(computed != "", given).astype(object)


@dataclass(frozen=True)
class Summary:
    """The headline figures."""

    n_links: int
    n_domains: int
    n_targets: int
    n_flagged: int
    n_flagged_domains: int
    threshold: str
    first_seen: str
    models: str

    @property
    def share_flagged(self) -> float:
        return self.n_flagged / self.n_links if self.n_links else 0.0


def threshold_text(
    links: pd.DataFrame,
    threshold: float | None,
    given: pd.Series | None,
    model_threshold: float | None = None,
) -> str:
    """The threshold as one number, and where it comes from.

    In order: the threshold passed in; the file's ``threshold`` column (one value); the
    model's own (``model_threshold``, read from the model directory); otherwise the lowest
    flagged score, the most the flags reveal (the model's threshold is at most that).
    """
    if threshold is not None:
        return f"{threshold:g} (given)"
    if given is not None:
        values = pd.to_numeric(given, errors="coerce").dropna().unique()
        if len(values) == 1:
            return f"{values[0]:g} (from the file)"
    if model_threshold is not None:
        return f"{model_threshold:g} (the model's)"
    flagged = links.loc[links["flagged"], "p"]
    if flagged.empty:
        return "the model's own (no link reached it)"
    return f"{flagged.min():.4f} (the lowest flagged score; pass --model for the model's own)"


def summary(
    links: pd.DataFrame,
    threshold: float | None = None,
    given_threshold: pd.Series | None = None,
    models: pd.Series | None = None,
    model_threshold: float | None = None,
) -> Summary:
    """Links, referring domains, targets, flagged share, threshold and first-seen range."""
    seen = links["first_seen"].dropna()
    span = f"{seen.min():%Y-%m-%d} to {seen.max():%Y-%m-%d}" if len(seen) else "not in the file"
    names = sorted({str(m) for m in models if str(m)}) if models is not None else []
    sites = links["site"]
    return Summary(
        n_links=len(links),
        n_domains=int(links["domain"].nunique()),
        n_targets=int(sites[sites != ""].nunique()),
        n_flagged=int(links["flagged"].sum()),
        n_flagged_domains=int(links.loc[links["flagged"], "domain"].nunique()),
        threshold=threshold_text(links, threshold, given_threshold, model_threshold),
        first_seen=span,
        models=", ".join(names[:3]) if names else "not named in the file",
    )


def score_histogram(links: pd.DataFrame, n_bins: int = N_BINS) -> pd.DataFrame:
    """Links per score bin, natural and flagged: columns ``low``, ``high``, ``natural``, ``flagged``."""
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    # p == 1.0 belongs in the last bin, not a bin of its own.
    bins = np.clip(np.searchsorted(edges, links["p"].to_numpy(), side="right") - 1, 0, n_bins - 1)
    flagged = links["flagged"].to_numpy()
    return pd.DataFrame(
        {
            "low": edges[:-1],
            "high": edges[1:],
            "natural": np.bincount(bins[~flagged], minlength=n_bins),
            "flagged": np.bincount(bins[flagged], minlength=n_bins),
        }
    )


def anchor_types(links: pd.DataFrame) -> pd.Series:
    """Anchor type of each link: the ``anchor_type`` column when filled, else the features' own
    classification (brand / exact / partial / generic / naked URL / image / empty / other)."""
    given = links["anchor_type"]
    if (given != "").all():
        return given
    # Imported here: the feature package pulls in the embedding stack, which the report's
    # other sections do not need.
    from linkclf.features.anchors import anchor_features

    frame = links[["anchor", "target_url", "link_type"]]
    derived = pd.Series(anchor_features(frame).attrs["anchor_type"], index=links.index)
    return given.where(given != "", derived)


def anchor_mix(links: pd.DataFrame) -> pd.DataFrame:
    """Links and flagged share per anchor type, most frequent first."""
    types = anchor_types(links)
    table = (
        pd.DataFrame({"anchor_type": types, "flagged": links["flagged"]})
        .groupby("anchor_type")
        .agg(links=("flagged", "size"), flagged=("flagged", "sum"))
    )
    table["share"] = table["links"] / table["links"].sum()
    table["flagged_share"] = table["flagged"] / table["links"]
    return table.sort_values(["links", "flagged"], ascending=False).reset_index()


def _top(values: list[str], n: int = 3) -> str:
    counts = Counter(v for v in values if v)
    return "; ".join(v for v, _ in counts.most_common(n))


def risky_domains(links: pd.DataFrame, limit: int = 50) -> pd.DataFrame:
    """Referring domains with flagged links, most flagged links first.

    Columns: ``domain``, ``links``, ``flagged``, ``flagged_share``, ``mean_p``, ``max_p``,
    ``reasons`` (most frequent among flagged links), ``anchors`` (examples, most suspicious
    first).
    """
    rows = links[links["domain"] != ""]
    stats = rows.groupby("domain").agg(
        links=("p", "size"), flagged=("flagged", "sum"), mean_p=("p", "mean"), max_p=("p", "max")
    )
    stats = stats[stats["flagged"] > 0]
    stats["flagged_share"] = stats["flagged"] / stats["links"]
    stats = stats.sort_values(
        ["flagged", "flagged_share", "max_p"], ascending=False, kind="stable"
    ).head(limit)
    bad = rows[rows["flagged"] & rows["domain"].isin(stats.index)]
    bad = bad.sort_values("p", ascending=False, kind="stable")
    reasons: dict[str, list[str]] = {}
    anchors: dict[str, list[str]] = {}
    for domain, reason_cell, anchor in zip(
        bad["domain"], bad["reasons"], bad["anchor"], strict=True
    ):
        reasons.setdefault(domain, []).extend(r.strip() for r in reason_cell.split(";"))
        seen = anchors.setdefault(domain, [])
        if anchor not in seen and len(seen) < 3:
            seen.append(anchor)
    stats["reasons"] = [_top(reasons.get(d, [])) for d in stats.index]
    stats["anchors"] = [anchors.get(d, []) for d in stats.index]
    return stats.reset_index()[
        ["domain", "links", "flagged", "flagged_share", "mean_p", "max_p", "reasons", "anchors"]
    ]


def top_links(links: pd.DataFrame, limit: int = 50) -> pd.DataFrame:
    """The flagged links with the highest ``p``, most suspicious first."""
    flagged = links[links["flagged"]]
    return flagged.sort_values("p", ascending=False, kind="stable").head(limit)


def timeline(links: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Links per week (per month beyond :data:`MAX_WEEKS`) by first-seen date, with bursts.

    Returns
    -------
    A frame with ``period`` (label), ``natural``, ``flagged``, ``total``, ``burst`` (bool),
    and the period name ("week" or "month"). Empty when no link has a first-seen date.
    """
    seen = links[["first_seen", "flagged"]].dropna(subset=["first_seen"])
    if seen.empty:
        return pd.DataFrame(columns=["period", "natural", "flagged", "total", "burst"]), "week"
    dates = seen["first_seen"].dt.tz_convert("UTC").dt.tz_localize(None)
    weeks = (dates.max() - dates.min()).days / 7
    unit, freq = ("week", "W-SUN") if weeks <= MAX_WEEKS else ("month", "M")
    period = dates.dt.to_period(freq)
    counts = (
        pd.crosstab(period, seen["flagged"])
        .reindex(columns=[False, True], fill_value=0)
        .rename(columns={False: "natural", True: "flagged"})
    )
    full = pd.period_range(period.min(), period.max(), freq=freq)
    counts = counts.reindex(full, fill_value=0)
    counts["total"] = counts["natural"] + counts["flagged"]
    totals = counts["total"].astype(float)
    # Before three periods of history, compare with the median period that has links.
    baseline = totals.shift(1).rolling(BURST_WINDOW, min_periods=3).mean()
    baseline = baseline.fillna(float(totals[totals > 0].median()))
    floor = max(BURST_MIN_LINKS, BURST_MIN_SHARE * float(totals.sum()))
    counts["burst"] = (totals >= floor) & (totals >= BURST_FACTOR * baseline)
    labels = [
        p.start_time.strftime("%Y-%m-%d" if unit == "week" else "%Y-%m") for p in counts.index
    ]
    out = counts.reset_index(drop=True)
    out.insert(0, "period", labels)
    return out, unit


def kinds(links: pd.DataFrame) -> pd.DataFrame:
    """Links per likely kind (``natural`` for unflagged links), with how many are flagged."""
    kind = links["kind"].where(links["kind"] != "", "unknown")
    table = (
        pd.DataFrame({"kind": kind, "flagged": links["flagged"]})
        .groupby("kind")
        .agg(links=("flagged", "size"), flagged=("flagged", "sum"))
    )
    return table.sort_values("links", ascending=False).reset_index()
