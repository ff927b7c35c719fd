"""Ahrefs Site Explorer > Backlinks export (UTF-16 LE + BOM, TAB, quoted; or its UTF-8 variant).

Header sets: ANCHORS.md, "Ahrefs". Booleans are "true"/"false"; dates "YYYY-MM-DD HH:MM:SS" or
ISO with "Z". ``Type`` gives the link type, ``Content`` (true = in the main content) the placement.
"""

from __future__ import annotations

import pandas as pd

from linkclf.sources import values as v
from linkclf.sources.base import Columns, Spec, f

#: The current ("v3") column set, in file order.
COLUMNS = (
    "Referring page title", "Referring page URL", "Language", "Platform",
    "Referring page HTTP code", "Domain rating", "UR", "Domain traffic", "Referring domains",
    "Linked domains", "External links", "Page traffic", "Keywords", "Target URL", "Left context",
    "Anchor", "Right context", "Redirect Chain URLs", "Redirect Chain status codes", "Type",
    "Is spam", "Content", "Nofollow", "UGC", "Sponsored", "Rendered", "Raw", "Lost status",
    "Drop reason", "Discovered status", "First seen", "Last seen", "Lost", "Author", "Page type",
    "Page category", "Links in group",
)  # fmt: skip

#: The older set: no UR / Is spam / Author / Page type / Page category.
OLDER_COLUMNS = tuple(
    c for c in COLUMNS
    if c not in {"UR", "Is spam", "Author", "Page type", "Page category",
                 "Redirect Chain URLs", "Redirect Chain status codes"}
)  # fmt: skip

#: Ahrefs ``Type`` values -> canonical link_type.
TYPE_MAP = {
    "text": "text", "href": "text", "image": "image", "img": "image", "redirect": "redirect",
    "301": "redirect", "302": "redirect", "frame": "frame", "iframe": "frame", "form": "form",
}  # fmt: skip


def _finish(cols: Columns, out: dict[str, pd.Series]) -> None:
    kind = cols.get("Type", "link_type")
    if kind is not None:
        text = kind.astype("str").str.strip().str.lower()
        mapped = text.map(TYPE_MAP).astype("string")
        # A type Ahrefs names but the schema does not ("canonical", "alternate") is "unknown".
        mapped = mapped.mask(mapped.isna() & text.ne("") & text.notna(), "unknown")
        out["link_type"] = mapped
    content = cols.get("Content", "is_content")
    if content is not None:
        flag = v.parse_bool(content)
        # false only says "not in the main content"; which region is not in the export.
        placement = pd.Series(pd.NA, index=flag.index, dtype="string")
        placement[flag.fillna(False).to_numpy(dtype=bool)] = "content"
        placement[(~flag.fillna(True)).to_numpy(dtype=bool)] = "unknown"
        out["placement"] = placement
    # "Lost" is a date, "Lost status" / the API's lost_reason a reason: any of them set = lost.
    lost_cols = [
        c
        for c in (cols.get("Lost"), cols.get("Lost status"), cols.get("lost_reason"))
        if c is not None
    ]
    if lost_cols:
        lost = v.parse_flag(lost_cols[0])
        for extra in lost_cols[1:]:
            lost = lost | v.parse_flag(extra)
        out["lost"] = lost
    spam = cols.get("Is spam", "is_spam")
    if spam is not None:
        out["vendor_spam_score"] = v.parse_bool(spam).astype("Float64").astype("float64")


SPEC = Spec(
    name="ahrefs",
    fields=(
        f("source_url", "text", "Referring page URL", "url_from"),
        f("target_url", "text", "Target URL", "Link URL", "url_to"),
        f("anchor", "text", "Anchor", "Link Anchor"),
        f("context_left", "text", "Left context", "TextPre", "snippet_left"),
        f("context_right", "text", "Right context", "TextPost", "snippet_right"),
        f("source_title", "text", "Referring page title", "title"),
        f("nofollow", "bool", "Nofollow", "is_nofollow"),
        f("ugc", "bool", "UGC", "is_ugc"),
        f("sponsored", "bool", "Sponsored", "is_sponsored"),
        f("first_seen", "date", "First seen", "first_seen_link"),
        f("last_seen", "date", "Last seen"),
        f("language", "code", "Language", "languages"),
        f("domain_rating", "number", "Domain rating", "DR", "domain_rating_source"),
        f("url_rating", "number", "UR", "URL Rating", "url_rating_source"),
        f("source_traffic", "number", "Page traffic", "traffic"),
        f("external_links", "number", "External links", "External Links Count", "links_external"),
        f("internal_links", "number", "Internal Links Count", "links_internal"),
    ),
    signature=frozenset({"referringpageurl"}),
    finish=_finish,
)
