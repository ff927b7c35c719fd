"""Semrush Backlink Analytics > Backlinks export (UTF-8, comma) and the Backlink Audit export.

Header sets: ANCHORS.md, "Semrush". Booleans are "true"/"false"; the ``Text/Frame/Form/Image``
flags become ``link_type``; ``Page ascore`` (Semrush's 0-100 page-level Authority Score) maps to
``page_authority``, the closest canonical field. The Backlink Audit header is unverified
(a developer fixture), so it is matched loosely: any ``Toxicity Score``/``Toxic markers`` column.
"""

from __future__ import annotations

import pandas as pd

from linkclf.sources import values as v
from linkclf.sources.base import Columns, Spec, f, link_type_from_flags

#: The current export, in file order ([REAL], 50,000-row file).
COLUMNS = (
    "Page ascore", "Source title", "Source url", "Target url", "Anchor", "External links",
    "Internal links", "Nofollow", "Sponsored", "Ugc", "Text", "Frame", "Form", "Image",
    "Sitewide", "First seen", "Last seen", "New link", "Lost link",
)  # fmt: skip

#: The legacy (~2016-2019) 15-column export.
LEGACY_COLUMNS = (
    "Page score", "Page trust score", "Source title", "Source url", "Target url", "Anchor",
    "External links", "Internal links", "Nofollow", "Frame", "Form", "Image", "Sitewide",
    "First seen", "Last seen",
)  # fmt: skip

#: Backlink Audit ([SYNTH] - unverified).
AUDIT_COLUMNS = (
    "Source title", "Source url", "Target url", "Anchor", "Toxicity Score", "Toxic markers",
    "First seen", "Last seen", "Nofollow",
)  # fmt: skip

# image before text: an image link with alt text is still an image link.
_TYPE_FLAGS = {
    "image": ("Image",),
    "frame": ("Frame",),
    "form": ("Form",),
    "text": ("Text",),
}


def _finish(cols: Columns, out: dict[str, pd.Series]) -> None:
    link_type = link_type_from_flags(cols, _TYPE_FLAGS, v.parse_bool)
    if link_type is not None:
        out["link_type"] = link_type


_FIELDS = (
    f("source_url", "text", "Source url", "source_url"),
    f("target_url", "text", "Target url", "target_url"),
    f("anchor", "text", "Anchor"),
    f("source_title", "text", "Source title"),
    f("nofollow", "bool", "Nofollow"),
    f("ugc", "bool", "Ugc"),
    f("sponsored", "bool", "Sponsored"),
    f("sitewide", "bool", "Sitewide"),
    f("first_seen", "date", "First seen"),
    f("last_seen", "date", "Last seen"),
    f("lost", "bool", "Lost link", "lostlink"),
    f("page_authority", "number", "Page ascore", "page_ascore", "Page score"),
    f("external_links", "number", "External links", "external_num"),
    f("internal_links", "number", "Internal links", "internal_num"),
    f("vendor_spam_score", "number", "Toxicity Score", "Toxic Score"),
)

SPEC = Spec(
    name="semrush",
    fields=_FIELDS,
    signature=frozenset({"sourceurl", "targeturl"}),
    any_of=frozenset({"pageascore", "pagescore", "text", "frame", "form", "image", "sitewide"}),
    finish=_finish,
)

AUDIT_SPEC = Spec(
    name="semrush_audit",
    fields=_FIELDS,
    signature=frozenset({"sourceurl", "targeturl"}),
    any_of=frozenset({"toxicityscore", "toxicscore", "toxicmarkers"}),
    finish=_finish,
)
