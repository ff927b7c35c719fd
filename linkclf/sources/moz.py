"""Moz exports: the legacy Open Site Explorer "Inbound links" CSV and Link Explorer.

The legacy file starts with preamble lines (6 in the wild) before its header; detection finds
the header line wherever it is. Booleans are "Yes"/"No". The Link Explorer header has not been
seen verbatim (ANCHORS.md): its aliases follow the Moz Links API v2 field names and are
unverified.
"""

from __future__ import annotations

import pandas as pd

from linkclf.sources import values as v
from linkclf.sources.base import Columns, Spec, f

#: Legacy Open Site Explorer "Inbound links", in file order ([REAL], after 6 preamble lines).
COLUMNS = (
    "URL", "Title", "Anchor Text", "Spam Score", "Page Authority", "Domain Authority",
    "Number of Domains Linking to this Page", "Number of Domains Linking to Domain", "Origin",
    "Target URL", "Link Equity", "No Link Equity", "Only rel=nofollow", "Only follow", "301",
)  # fmt: skip


def _finish(cols: Columns, out: dict[str, pd.Series]) -> None:
    redirect = cols.get("301", "redirect")
    if redirect is not None:
        # "No" says "not a 301", not "a text link": only the redirect is known.
        is_redirect = v.parse_bool(redirect).fillna(False).to_numpy(dtype=bool)
        link_type = pd.Series(pd.NA, index=cols.chunk.index, dtype="string")
        link_type[is_redirect] = "redirect"
        out["link_type"] = link_type
    lost = cols.get("Date Lost", "date_disappeared")
    if lost is not None:
        out["lost"] = v.parse_flag(lost)


SPEC = Spec(
    name="moz",
    fields=(
        f("source_url", "text", "URL", "Source URL", "source_page"),
        f("target_url", "text", "Target URL", "target_page"),
        f("anchor", "text", "Anchor Text", "anchor_text"),
        f("source_title", "text", "Title", "Source Title", "title"),
        f("nofollow", "bool", "Only rel=nofollow", "Nofollow"),
        f("vendor_spam_score", "number", "Spam Score", "spam_score"),
        f("page_authority", "number", "Page Authority", "page_authority"),
        f("domain_authority", "number", "Domain Authority", "domain_authority"),
        f("first_seen", "date", "Date First Seen", "First Seen", "date_first_seen"),
        f("last_seen", "date", "Date Last Seen", "Last Seen", "date_last_seen"),
    ),
    signature=frozenset({"anchortext"}),
    any_of=frozenset({"pageauthority", "domainauthority", "spamscore"}),
    finish=_finish,
)
