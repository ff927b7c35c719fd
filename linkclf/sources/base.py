"""What a reader is: a table of vendor headers -> canonical fields, plus a few derived fields.

Each vendor module (``ahrefs.py``, ``semrush.py`` ...) declares one :class:`Spec`; the streaming
machinery in ``reader.py`` is shared, so a format is data, not a new parser.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from linkclf.sources import values as v

_NON_WORD = re.compile(r"[\W_]+")

#: parser name -> function from a column of strings to a canonical column.
PARSERS: dict[str, Callable[..., pd.Series]] = {
    "text": v.parse_text,
    "code": v.parse_code,
    "bool": v.parse_bool,
    "flag": v.parse_flag,
    "date": v.parse_date,
    "number": v.parse_number,
}


def key(header: object) -> str:
    """Normalise a header for matching: "Source url", "SourceURL", "source_url" -> "sourceurl"."""
    return _NON_WORD.sub("", str(header).replace("\ufeff", "").lower())


@dataclass(frozen=True)
class Field:
    """One canonical field read from the first vendor header (any alias) that is present."""

    name: str
    parser: str
    aliases: tuple[str, ...]


class Columns:
    """Look up a chunk's vendor columns by normalised header (first match wins)."""

    def __init__(self, chunk: pd.DataFrame) -> None:
        self.chunk = chunk
        self.by_key: dict[str, str] = {}
        for col in chunk.columns:
            self.by_key.setdefault(key(col), col)

    def header(self, aliases: Iterable[str]) -> str | None:
        """The original header of the first alias present, or None."""
        for alias in aliases:
            found = self.by_key.get(key(alias))
            if found is not None:
                return found
        return None

    def get(self, *aliases: str) -> pd.Series | None:
        """The raw column for the first alias present, or None."""
        header = self.header(aliases)
        return None if header is None else self.chunk[header]


#: A hook that fills derived canonical fields (link_type from flags, placement ...).
Finisher = Callable[[Columns, dict[str, pd.Series]], None]


@dataclass(frozen=True)
class Spec:
    """A vendor format.

    Parameters
    ----------
    name : the format name ``detect_format`` returns.
    fields : canonical fields read directly from vendor columns.
    signature : normalised headers that must all be present for header-based detection.
    any_of : at least one of these normalised headers must be present too (empty = no test).
    finish : optional hook computing derived fields from the raw columns.
    exact : raw headers (case-sensitive) that must all be present, for the canonical format.
    source_is_first_column : when no source alias is present, the first column is the source
        URL (Majestic Site Explorer names it inconsistently).
    """

    name: str
    fields: tuple[Field, ...]
    signature: frozenset[str]
    any_of: frozenset[str] = frozenset()
    finish: Finisher | None = None
    exact: frozenset[str] = frozenset()
    source_is_first_column: bool = False

    def matches(self, headers: Iterable[str]) -> bool:
        """Whether a header line belongs to this format (and names a source-URL column)."""
        headers = list(headers)
        keys = {key(h) for h in headers}
        return (
            self.exact <= {str(h).strip().lstrip("\ufeff") for h in headers}
            and self.signature <= keys
            and (not self.any_of or bool(self.any_of & keys))
            and self.source_header(headers) is not None
        )

    def source_header(self, headers: Iterable[str]) -> str | None:
        """The vendor header that holds the linking page URL, if any."""
        src = next(f for f in self.fields if f.name == "source_url")
        keys = {key(h): h for h in reversed(list(headers))}
        for alias in src.aliases:
            if key(alias) in keys:
                return keys[key(alias)]
        if self.source_is_first_column and keys:
            return list(headers)[0]
        return None

    def to_canonical(
        self, chunk: pd.DataFrame, *, decimal_comma: bool = False
    ) -> dict[str, pd.Series]:
        """Parse a chunk of raw string columns into canonical columns (only those it carries).

        ``decimal_comma`` marks a European re-save (semicolon-separated): "1.240" is 1240 and
        dates are day-first.
        """
        cols = Columns(chunk)
        out: dict[str, pd.Series] = {}
        for spec_field in self.fields:
            raw = cols.get(*spec_field.aliases)
            if raw is not None:
                parse = PARSERS[spec_field.parser]
                out[spec_field.name] = parse(raw, decimal_comma=decimal_comma)
        if "source_url" not in out and self.source_is_first_column and len(chunk.columns):
            out["source_url"] = PARSERS["text"](chunk.iloc[:, 0])
        if self.finish is not None:
            self.finish(cols, out)
        return out


def f(name: str, parser: str, *aliases: str) -> Field:
    """Shorthand for :class:`Field` used by the vendor tables."""
    return Field(name, parser, aliases)


def link_type_from_flags(
    cols: Columns, flags: Mapping[str, tuple[str, ...]], parse: Callable[[pd.Series], pd.Series]
) -> pd.Series | None:
    """Derive ``link_type`` from per-type flag columns (first true flag wins, in ``flags`` order).

    Rows where every present flag is false become "text" only if a text flag exists; otherwise
    they stay <NA> (a vendor without a text flag has not said the link is a text link).
    """
    raw = {kind: cols.get(*aliases) for kind, aliases in flags.items()}
    present = {kind: parse(col) for kind, col in raw.items() if col is not None}
    if not present:
        return None
    out = pd.Series(pd.NA, index=cols.chunk.index, dtype="string")
    known = pd.Series(False, index=cols.chunk.index)
    for kind, flag in present.items():
        hit = flag.fillna(False).to_numpy(dtype=bool) & out.isna().to_numpy()
        out[hit] = kind
        known |= flag.notna()
    if "text" not in present:
        return out
    # A row whose flags are all known and all false is a link of a type the vendor did not name.
    rest = out.isna() & known
    out[rest] = "unknown"
    return out
