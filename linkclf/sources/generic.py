"""The canonical format itself (what ``linkclf simulate`` writes) and close generic cousins.

A file whose header has ``source_url`` and ``target_url`` is canonical: every canonical column is
read by name with the canonical parsers. Generic spellings (``url_from``/``url_to``,
``anchor_text``, ``dr`` ...) from small tools such as TraceLinker are accepted as aliases when no
vendor format matched.
"""

from __future__ import annotations

from linkclf.schema import BOOL_FIELDS, CANONICAL_COLUMNS, DATE_FIELDS, METRIC_FIELDS
from linkclf.sources.base import Field, Spec

_ALIASES: dict[str, tuple[str, ...]] = {
    "source_url": ("url_from", "source", "source url", "from_url", "referring_url"),
    "target_url": ("url_to", "target", "target url", "to_url"),
    "anchor": ("anchor_text", "anchor text"),
    "domain_rating": ("dr",),
    "url_rating": ("ur",),
}


_CODES = {"link_type", "placement", "source_ip", "language", "kind"}


def _parser(name: str) -> str:
    if name in BOOL_FIELDS:
        return "bool"
    if name in DATE_FIELDS:
        return "date"
    if name in METRIC_FIELDS or name == "label":
        return "number"
    return "code" if name in _CODES else "text"


_FIELDS = tuple(
    Field(name, _parser(name), (name, *_ALIASES.get(name, ()))) for name in CANONICAL_COLUMNS
)

#: Exact canonical headers: checked before every vendor format.
SPEC = Spec(
    name="canonical",
    fields=_FIELDS,
    signature=frozenset(),
    exact=frozenset({"source_url", "target_url"}),
)

#: Loose spellings: checked after every vendor format.
GENERIC_SPEC = Spec(
    name="canonical",
    fields=_FIELDS,
    signature=frozenset(),
    any_of=frozenset({"targeturl", "urlto", "target", "tourl"}),
)
