"""Render canonical rows as vendor exports (the inverse of the readers).

Used by the simulator to produce realistic files and by the round-trip tests. Each vendor gets
its real header line (ANCHORS.md), value spellings and encoding; columns the canonical record
cannot fill are written empty. Files are written atomically.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from typing import Literal

import numpy as np
import pandas as pd

from linkclf.errors import InputError
from linkclf.io import atomic_open, spreadsheet_safe
from linkclf.schema import conform
from linkclf.sources import ahrefs, gsc, majestic, moz, semrush

VENDORS = ("ahrefs", "ahrefs_utf8", "semrush", "majestic", "moz", "gsc", "canonical")

#: What a legacy Moz file carries above its header (6 lines, as the real importer skips).
MOZ_PREAMBLE = (
    "Open Site Explorer Inbound Links Report",
    "Target: {target}",
    "Generated: {today}",
    "Filters: all pages, all links, only external",
    "Rows: {rows}",
    "",
)

Column = Callable[[pd.DataFrame], pd.Series]


def _text(name: str) -> Column:
    return lambda df: df[name].astype("object").where(df[name].notna(), "")


def _bool(name: str, true: str = "true", false: str = "false", na: str = "") -> Column:
    def render(df: pd.DataFrame) -> pd.Series:
        values = df[name]
        out = np.where(values.fillna(False).to_numpy(dtype=bool), true, false).astype(object)
        out[values.isna().to_numpy()] = na
        return pd.Series(out, index=df.index)

    return render


def _is(name: str, value: str, true: str = "true", false: str = "false") -> Column:
    def render(df: pd.DataFrame) -> pd.Series:
        values = df[name]
        out = np.where((values == value).fillna(False).to_numpy(dtype=bool), true, false)
        out = out.astype(object)
        out[values.isna().to_numpy()] = ""
        return pd.Series(out, index=df.index)

    return render


def _date(name: str, fmt: str) -> Column:
    return lambda df: df[name].dt.strftime(fmt).astype("object").where(df[name].notna(), "")


def _number(name: str) -> Column:
    def render(df: pd.DataFrame) -> pd.Series:
        values = df[name].to_numpy(dtype="float64")
        out = [
            "" if np.isnan(x) else (str(int(x)) if float(x).is_integer() else repr(float(x)))
            for x in values
        ]
        return pd.Series(out, index=df.index, dtype=object)

    return render


def _const(value: str) -> Column:
    return lambda df: pd.Series(value, index=df.index, dtype=object)


def _spam_flag(df: pd.DataFrame) -> pd.Series:
    score = df["vendor_spam_score"]
    out = np.where(score.fillna(0).to_numpy() > 0, "true", "false").astype(object)
    out[score.isna().to_numpy()] = ""
    return pd.Series(out, index=df.index)


def _ahrefs_lost(df: pd.DataFrame) -> pd.Series:
    # Ahrefs' "Lost" holds the date the link was lost; empty while it is live.
    when = df["last_seen"].dt.strftime("%Y-%m-%d %H:%M:%S").astype("object")
    lost = df["lost"].fillna(False).to_numpy(dtype=bool)
    return pd.Series(np.where(lost, when.fillna("true"), ""), index=df.index, dtype=object)


AHREFS_DATE = "%Y-%m-%d %H:%M:%S"
DAY = "%Y-%m-%d"

_AHREFS: dict[str, Column] = {
    "Referring page title": _text("source_title"),
    "Referring page URL": _text("source_url"),
    "Language": _text("language"),
    "Domain rating": _number("domain_rating"),
    "UR": _number("url_rating"),
    "External links": _number("external_links"),
    "Page traffic": _number("source_traffic"),
    "Target URL": _text("target_url"),
    "Left context": _text("context_left"),
    "Anchor": _text("anchor"),
    "Right context": _text("context_right"),
    "Type": lambda df: _text("link_type")(df).replace("unknown", ""),
    "Is spam": _spam_flag,
    "Content": _is("placement", "content"),
    "Nofollow": _bool("nofollow"),
    "UGC": _bool("ugc"),
    "Sponsored": _bool("sponsored"),
    "First seen": _date("first_seen", AHREFS_DATE),
    "Last seen": _date("last_seen", AHREFS_DATE),
    "Lost": _ahrefs_lost,
}

_SEMRUSH: dict[str, Column] = {
    "Page ascore": _number("page_authority"),
    "Source title": _text("source_title"),
    "Source url": _text("source_url"),
    "Target url": _text("target_url"),
    "Anchor": _text("anchor"),
    "External links": _number("external_links"),
    "Internal links": _number("internal_links"),
    "Nofollow": _bool("nofollow"),
    "Sponsored": _bool("sponsored"),
    "Ugc": _bool("ugc"),
    "Text": _is("link_type", "text"),
    "Frame": _is("link_type", "frame"),
    "Form": _is("link_type", "form"),
    "Image": _is("link_type", "image"),
    "Sitewide": _bool("sitewide"),
    "First seen": _date("first_seen", DAY),
    "Last seen": _date("last_seen", DAY),
    "New link": _const("false"),
    "Lost link": _bool("lost"),
}

_MAJESTIC: dict[str, Column] = {
    "Target URL": _text("target_url"),
    "Source URL": _text("source_url"),
    "Anchor Text": _text("anchor"),
    "Source Crawl Date": _date("last_seen", DAY),
    "Source First Found Date": _date("first_seen", DAY),
    # Majestic's false is the empty string.
    "FlagNoFollow": _bool("nofollow", "+", "", ""),
    "FlagImageLink": _is("link_type", "image", "+", ""),
    "FlagRedirect": _is("link_type", "redirect", "+", ""),
    "FlagFrame": _is("link_type", "frame", "+", ""),
    "SourceCitationFlow": _number("citation_flow"),
    "SourceTrustFlow": _number("trust_flow"),
}

_MOZ: dict[str, Column] = {
    "URL": _text("source_url"),
    "Title": _text("source_title"),
    "Anchor Text": _text("anchor"),
    "Spam Score": _number("vendor_spam_score"),
    "Page Authority": _number("page_authority"),
    "Domain Authority": _number("domain_authority"),
    "Origin": _const("external"),
    "Target URL": _text("target_url"),
    "Only rel=nofollow": _bool("nofollow", "Yes", "No"),
    "Only follow": lambda df: _bool("nofollow", "No", "Yes")(df),
    "301": _is("link_type", "redirect", "Yes", "No"),
}

_GSC: dict[str, Column] = {
    gsc.COLUMNS[0]: _text("source_url"),
    gsc.COLUMNS[1]: _date("last_seen", DAY),
}

#: vendor -> (header, column renderers, encoding, delimiter, quoting)
_LAYOUTS: dict[str, tuple[tuple[str, ...], dict[str, Column], str, str, Literal[0, 1]]] = {
    "ahrefs": (ahrefs.COLUMNS, _AHREFS, "utf-16-le", "\t", csv.QUOTE_ALL),
    "ahrefs_utf8": (ahrefs.COLUMNS, _AHREFS, "utf-8-sig", ",", csv.QUOTE_MINIMAL),
    "semrush": (semrush.COLUMNS, _SEMRUSH, "utf-8", ",", csv.QUOTE_MINIMAL),
    "majestic": (majestic.COLUMNS, _MAJESTIC, "utf-8", ",", csv.QUOTE_MINIMAL),
    "moz": (moz.COLUMNS, _MOZ, "utf-8", ",", csv.QUOTE_MINIMAL),
    "gsc": (gsc.COLUMNS, _GSC, "utf-8", ",", csv.QUOTE_MINIMAL),
}


def render_frame(df: pd.DataFrame, vendor: str) -> pd.DataFrame:
    """The vendor's columns, in its header order, as strings ("" where the record has nothing)."""
    header, renderers, *_ = _LAYOUTS[vendor]
    canon = conform(df)
    blank = pd.Series("", index=canon.index, dtype=object)
    return pd.DataFrame({h: renderers[h](canon) if h in renderers else blank for h in header})


def write_export(
    df: pd.DataFrame,
    path: str | os.PathLike[str],
    vendor: str,
    *,
    for_spreadsheet: bool = False,
) -> None:
    """Write canonical rows as a ``vendor`` export file.

    Parameters
    ----------
    df : canonical rows (conformed here; extra columns are dropped except for ``canonical``).
    path : destination, written atomically.
    vendor : ``ahrefs`` (UTF-16 LE with BOM, TAB, every field quoted), ``ahrefs_utf8`` (UTF-8
        with BOM, comma), ``semrush``, ``majestic``, ``moz`` (legacy, 6 preamble lines), ``gsc``
        (Latest links: linking page + last crawled) or ``canonical``.
    for_spreadsheet : neutralise ``= + - @`` cells. Off by default: the file imitates what the
        vendor writes, and its reader must see the anchors as they are.
    """
    if vendor not in VENDORS:
        raise InputError(
            expected=f"a vendor in {{{', '.join(VENDORS)}}}",
            found=repr(vendor),
            fix="pick one of the listed vendors",
            where=str(path),
        )
    if vendor == "canonical":
        frame = conform(df)
        frame = spreadsheet_safe(frame) if for_spreadsheet else frame
        with atomic_open(path, "w", encoding="utf-8", newline="") as handle:
            frame.to_csv(handle, index=False, lineterminator="\n")
        return
    header, _, encoding, delimiter, quoting = _LAYOUTS[vendor]
    frame = render_frame(df, vendor)
    frame = spreadsheet_safe(frame) if for_spreadsheet else frame
    with atomic_open(path, "w", encoding=encoding, newline="") as handle:
        if encoding == "utf-16-le":
            handle.write("\ufeff")  # Ahrefs writes the BOM; the -le codec does not.
        if vendor == "moz":
            handle.write("\n".join(_moz_preamble(frame)) + "\n")
        writer = csv.writer(handle, delimiter=delimiter, quoting=quoting, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(frame.itertuples(index=False, name=None))


def _moz_preamble(frame: pd.DataFrame) -> list[str]:
    target = str(frame["Target URL"].iloc[0]) if len(frame) else ""
    today = pd.Timestamp.now(tz="UTC").strftime(DAY)
    return [line.format(target=target, today=today, rows=len(frame)) for line in MOZ_PREAMBLE]
