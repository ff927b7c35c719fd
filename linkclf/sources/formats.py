"""The registry of formats, in the order header detection tries them."""

from __future__ import annotations

from linkclf.sources import ahrefs, generic, gsc, majestic, moz, semrush
from linkclf.sources.base import Spec

#: Header-based detection order: exact canonical headers first (a canonical file also carries
#: "page_authority", which would otherwise look like Moz), loose generic spellings last.
DETECTION_ORDER: tuple[Spec, ...] = (
    generic.SPEC,
    ahrefs.SPEC,
    semrush.AUDIT_SPEC,
    semrush.SPEC,
    majestic.SPEC,
    moz.SPEC,
    generic.GENERIC_SPEC,
)

#: Format name -> the specs that read it (``format=`` override).
BY_NAME: dict[str, tuple[Spec, ...]] = {
    "ahrefs": (ahrefs.SPEC,),
    "semrush": (semrush.SPEC, semrush.AUDIT_SPEC),
    "semrush_audit": (semrush.AUDIT_SPEC, semrush.SPEC),
    "majestic": (majestic.SPEC,),
    "moz": (moz.SPEC,),
    "gsc": (gsc.SPEC,),
    "canonical": (generic.SPEC, generic.GENERIC_SPEC),
}

FORMATS = tuple(BY_NAME)
