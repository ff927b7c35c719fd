"""The canonical link record: the one definition every reader maps into.

One row is one link (source page -> target URL). Unknown values stay missing (NaN / <NA>),
never 0 or "", so the model can tell "absent" from "zero".
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from linkclf.domains import host_array, site_of_host
from linkclf.errors import SchemaError

SCHEMA_VERSION = 1

LABELS = {"natural": 0, "manipulative": 1}

#: Kinds of manipulation (DESIGN.md); natural links have kind "natural".
MANIPULATIVE_KINDS = (
    "paid",
    "pbn",
    "guest_post",
    "exchange",
    "directory",
    "comment_spam",
    "sitewide",
    "injected",
)
KINDS = ("natural", *MANIPULATIVE_KINDS)

PLACEMENTS = ("content", "nav", "header", "footer", "sidebar", "comment", "unknown")
LINK_TYPES = ("text", "image", "redirect", "frame", "form", "unknown")

STRING_FIELDS = (
    "source_url",
    "target_url",
    "anchor",
    "context_left",
    "context_right",
    "source_title",
    "link_type",
    "placement",
    "source_ip",
    "language",
    "kind",
)
BOOL_FIELDS = ("nofollow", "ugc", "sponsored", "sitewide", "lost")
DATE_FIELDS = ("first_seen", "last_seen")
METRIC_FIELDS = (
    "domain_rating",
    "url_rating",
    "trust_flow",
    "citation_flow",
    "page_authority",
    "domain_authority",
    "source_traffic",
    "external_links",
    "internal_links",
    "vendor_spam_score",
)
LABEL_FIELDS = ("label", "kind")
REQUIRED = ("source_url", "target_url")

#: Column order of the canonical format (what `linkclf simulate` writes and `read_export` returns).
CANONICAL_COLUMNS = (
    "source_url",
    "target_url",
    "anchor",
    "context_left",
    "context_right",
    "source_title",
    "nofollow",
    "ugc",
    "sponsored",
    "link_type",
    "placement",
    "sitewide",
    "first_seen",
    "last_seen",
    "lost",
    "source_ip",
    "language",
    *METRIC_FIELDS,
    "label",
    "kind",
)


#: Columns derived from the URLs by :func:`conform`, never read from the input: the one answer to
#: "which site is this?" (:func:`linkclf.domains.site`) for every later step - features, splits,
#: profiles, review labelling, disavow and the report all group by these columns.
SITE_COLUMNS = ("referring_domain", "target_site")


#: Training data only: the vendor column set a row was rendered under
#: (linkclf.datasets.columnsets). Rows with different values are different exports, so each is
#: its own set of profiles (linkclf.profiles.featurise).
COLUMN_SET = "column_set"
#: Read exports only: the ``;``-joined names of the files that saw a link (linkclf.sources).
SEEN_IN = "seen_in"


def _where(source: str | None, row: int | None = None) -> str | None:
    if source is None:
        return None
    return f"{source}, row {row}" if row is not None else source


def empty_frame() -> pd.DataFrame:
    """An empty frame with every canonical column at its canonical dtype."""
    return conform(pd.DataFrame({c: [] for c in CANONICAL_COLUMNS}))


def conform(df: pd.DataFrame) -> pd.DataFrame:
    """Add missing canonical columns as missing values, coerce canonical dtypes, derive sites.

    ``referring_domain`` (the site of ``source_url``) and ``target_site`` (the site of
    ``target_url``) are computed here from the URLs, always (a column of that name in the input
    is replaced: a stale or hand-edited value must not regroup links), and placed right after the
    canonical columns. Extra (vendor) columns are kept untouched after them.
    Does not check required values: see :func:`validate`.
    """
    out = df.copy()
    n = len(out)
    for col in CANONICAL_COLUMNS:
        if col not in out.columns:
            out[col] = pd.Series([pd.NA] * n, index=out.index, dtype="object")
    for col in STRING_FIELDS:
        out[col] = out[col].astype("string")
    for col in BOOL_FIELDS:
        out[col] = _to_boolean(out[col])
    for col in DATE_FIELDS:
        out[col] = pd.to_datetime(out[col], errors="coerce", utc=True)
    for col in METRIC_FIELDS:
        out[col] = pd.to_numeric(out[col], errors="coerce").astype("float64")
    out["label"] = pd.to_numeric(out["label"], errors="coerce").astype("Int8")
    out["referring_domain"] = sites_of(out["source_url"])
    out["target_site"] = sites_of(out["target_url"])
    fixed = (*CANONICAL_COLUMNS, *SITE_COLUMNS)
    extras = [c for c in out.columns if c not in fixed]
    return out[list(fixed) + extras]


def is_conformed(links: pd.DataFrame) -> bool:
    """Whether ``links`` already went through :func:`conform` (its columns lead with the
    canonical and site columns): conforming again costs a copy and a site lookup per URL."""
    fixed = (*CANONICAL_COLUMNS, *SITE_COLUMNS)
    return tuple(links.columns[: len(fixed)]) == fixed


def conformed(links: pd.DataFrame) -> pd.DataFrame:
    """``links`` through :func:`conform` unless it already went through it (linkclf's own frames
    between reading and scoring: each stage conformed them again, a sixth of scoring time)."""
    return links if is_conformed(links) else conform(links)


def site_column(df: pd.DataFrame, column: str) -> pd.Series:
    """``df[column]`` for a site column (:data:`SITE_COLUMNS`) of a conformed frame; derived from
    its URL column for a frame that was never conformed (e.g. a few columns of a scored file)."""
    if column in df.columns:
        return df[column].astype("string").fillna("")
    url = "source_url" if column == "referring_domain" else "target_url"
    return sites_of(df[url])


def sites_of(urls: pd.Series) -> pd.Series:
    """:func:`linkclf.domains.site` of every URL ("" when missing), once per distinct URL."""
    import pyarrow as pa
    import pyarrow.compute as pc

    # Hosts repeat far more than URLs: the site is looked up once per distinct host, and the
    # hosts are told apart in Arrow (pandas' factorize of the same strings as Python objects
    # was a fifth of finding the sites).
    encoded = pc.dictionary_encode(host_array(urls))
    hosts = encoded.dictionary.to_pylist()
    mapped = pa.array([site_of_host(h) for h in hosts], type=pa.string())
    values = mapped.take(encoded.indices)
    return pd.Series(pd.array(values, dtype="string"), index=urls.index)


_BOOL_TEXT = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


def _to_boolean(series: pd.Series) -> pd.Series:
    """Flags as ``boolean``; text spellings (a CSV read with ``dtype=str``: "True", "false",
    "1") are parsed, anything else becomes missing instead of raising."""
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
        return series.astype("boolean")
    text = series.astype("string").str.strip().str.lower()
    return text.map(_BOOL_TEXT, na_action="ignore").astype("boolean")


def validate(
    df: pd.DataFrame, *, require_labels: bool = False, source: str | None = None
) -> pd.DataFrame:
    """Check a frame against the canonical schema and return it conformed.

    Raises
    ------
    SchemaError
        with the expected and found values and the first offending row (1-based, header = row 1).
    """
    missing = [c for c in REQUIRED if c not in df.columns]
    if require_labels and "label" not in df.columns:
        missing.append("label")
    if missing:
        raise SchemaError(
            expected=f"columns {', '.join(REQUIRED + (('label',) if require_labels else ()))}",
            found=f"no {', '.join(missing)} among {len(df.columns)} columns "
            f"({', '.join(map(str, list(df.columns)[:8]))}{'...' if len(df.columns) > 8 else ''})",
            fix="rename the columns or pass --format to name the export's vendor",
            where=_where(source),
        )
    out = conform(df)
    for col in REQUIRED:
        blank = out[col].isna() | (out[col].str.strip() == "")
        if blank.any():
            row = int(np.flatnonzero(blank.to_numpy())[0]) + 2
            raise SchemaError(
                expected=f"a value in {col} on every row",
                found=f"{int(blank.sum())} empty value(s)",
                fix=f"fill in or delete the rows without {col}",
                where=_where(source, row),
            )
    if require_labels:
        _check_labels(out, source)
    if "kind" in df.columns:
        _check_values(out["kind"], KINDS, "kind", source)
    _check_values(out["placement"], PLACEMENTS, "placement", source)
    _check_values(out["link_type"], LINK_TYPES, "link_type", source)
    return out


def _check_labels(out: pd.DataFrame, source: str | None) -> None:
    bad = out["label"].isna() | ~out["label"].isin([0, 1])
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0]) + 2
        raise SchemaError(
            expected="label 0 (natural) or 1 (manipulative) on every row",
            found=f"{int(bad.sum())} row(s) without a usable label",
            fix="label every row 0 or 1 (see datasets/README.md, 'Bring your own labels')",
            where=_where(source, row),
        )


def _check_values(series: pd.Series, allowed: Iterable[str], name: str, source: str | None) -> None:
    allowed = tuple(allowed)
    bad_mask = (series.notna() & ~series.isin(allowed)).fillna(False).to_numpy(dtype=bool)
    if bad_mask.any():
        position = int(np.flatnonzero(bad_mask)[0])
        first = series.iloc[position]
        row = position + 2
        raise SchemaError(
            expected=f"{name} in {{{', '.join(allowed)}}}",
            found=repr(str(first)[:60]),
            fix=f"use one of the allowed {name} values or leave it empty",
            where=_where(source, row),
        )


def labels_from_decisions(decisions: pd.Series) -> pd.Series:
    """Map review-sheet decisions ("disavow" / "keep") to labels (1 / 0); others -> <NA>."""
    mapped = decisions.astype("string").str.strip().str.lower().map({"disavow": 1, "keep": 0})
    return mapped.astype("Int8")
