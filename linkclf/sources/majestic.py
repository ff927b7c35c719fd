"""Majestic backlink exports: the bulk / API download and the Site Explorer UI variant.

Header sets: ANCHORS.md, "Majestic". Flags are the empty string when false and anything
non-empty when true. ``SourceTrustFlow`` / ``SourceCitationFlow`` are the linking page's flows
(the target's flows stay vendor columns). The Site Explorer CSV names its first column
inconsistently, so when no source alias is present the first column is the source URL.
"""

from __future__ import annotations

import pandas as pd

from linkclf.sources import values as v
from linkclf.sources.base import Columns, Spec, f

#: Bulk backlink download / API DownloadBacklinks, in file order ([REAL], 20 columns).
COLUMNS = (
    "Target URL", "Source URL", "Anchor Text", "Source Crawl Date", "Source First Found Date",
    "FlagNoFollow", "FlagImageLink", "FlagRedirect", "FlagFrame", "FlagOldCrawl", "FlagAltText",
    "FlagMention", "SourceCitationFlow", "SourceTrustFlow", "TargetCitationFlow",
    "TargetTrustFlow", "SourceTopicalTrustFlow_Topic_0", "SourceTopicalTrustFlow_Value_0",
    "RefDomainTopicalTrustFlow_Topic_0", "RefDomainTopicalTrustFlow_Value_0",
)  # fmt: skip

#: Site Explorer UI CSV ([CODE-MAP]; the first column is the source URL).
SITE_EXPLORER_COLUMNS = (
    "Source URL", "Anchor Text", "Source Trust Flow", "Source Citation Flow",
    "Domain Trust Flow", "Domain Citation Flow", "Link First Indexed Date", "Target URL",
)  # fmt: skip

_TYPE_FLAGS = {
    "image": ("FlagImageLink", "FlagImages"),
    "redirect": ("FlagRedirect",),
    "frame": ("FlagFrame",),
}


def _finish(cols: Columns, out: dict[str, pd.Series]) -> None:
    flags = {
        kind: v.parse_flag(col)
        for kind, aliases in _TYPE_FLAGS.items()
        if (col := cols.get(*aliases)) is not None
    }
    if flags:
        # No type flag set = an ordinary hyperlink: Majestic flags only the exceptions.
        link_type = pd.Series("text", index=cols.chunk.index, dtype="string")
        for kind in reversed(list(flags)):
            link_type[flags[kind].to_numpy(dtype=bool)] = kind
        out["link_type"] = link_type
    # The newer API adds DateLost and ReasonLost next to FlagDeleted: any of them set = lost.
    lost_cols = [
        c
        for c in (cols.get("FlagDeleted"), cols.get("DateLost"), cols.get("ReasonLost"))
        if c is not None
    ]
    if lost_cols:
        lost = v.parse_flag(lost_cols[0])
        for extra in lost_cols[1:]:
            lost = lost | v.parse_flag(extra)
        out["lost"] = lost


SPEC = Spec(
    name="majestic",
    fields=(
        f("source_url", "text", "Source URL", "SourceURL"),
        f("target_url", "text", "Target URL", "TargetURL"),
        f("anchor", "text", "Anchor Text", "AnchorText"),
        f(
            "first_seen",
            "date",
            "Source First Found Date",
            "FirstIndexedDate",
            "Link First Indexed Date",
        ),
        f("last_seen", "date", "Source Crawl Date", "LastSeenDate", "Date"),
        f("nofollow", "flag", "FlagNoFollow"),
        f("trust_flow", "number", "SourceTrustFlow", "Source Trust Flow"),
        f("citation_flow", "number", "SourceCitationFlow", "Source Citation Flow"),
    ),  # fmt: skip
    signature=frozenset(),
    any_of=frozenset(
        {"sourcetrustflow", "sourcecitationflow", "flagnofollow", "flagimagelink", "acrank"}
    ),
    finish=_finish,
    source_is_first_column=True,
)
