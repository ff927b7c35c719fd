"""Value parsers shared by every reader: booleans, flags, numbers and dates as vendors write them.

Every parser takes a column of strings (empty string = no value) and returns a column whose
missing values are <NA>/NaN/NaT: a vendor that leaves a cell blank has not told us the value, so
nothing here invents a 0 or a False (the one exception is :func:`parse_flag`, for vendors such as
Majestic whose documented "false" *is* the empty string).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

#: Lower-cased spellings of true / false seen in exports and spreadsheet re-saves.
TRUE_TOKENS = frozenset(
    {"true", "yes", "y", "1", "+", "x", "t", "on", "✓", "✔", "wahr", "ja", "oui"}
)
FALSE_TOKENS = frozenset({"false", "no", "n", "0", "-", "f", "off", "falsch", "nein", "non"})

# "1,240" / "1 240" / "1'240" (thousands groups, optional decimal point)
_US_GROUPED = re.compile(r"^[-+]?\d{1,3}(?:[,\s'’]\d{3})+(?:\.\d+)?$")
# "1.240" / "1.240,5" (European Excel: dot groups, decimal comma)
_EU_GROUPED = re.compile(r"^[-+]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$")
# "0,5" (decimal comma, no groups)
_EU_DECIMAL = re.compile(r"^[-+]?\d+,\d+$")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def _text(values: pd.Series) -> pd.Series:
    """Strip the column and turn blanks into <NA> (as the arrow-backed ``str`` dtype)."""
    text = values.astype("str")
    if not (isinstance(text.dtype, pd.StringDtype) and text.dtype.storage == "pyarrow"):
        out = text.str.strip()
        return out.mask(out == "")
    import pyarrow as pa
    import pyarrow.compute as pc

    # The same in Arrow: pandas' str.strip is Arrow's utf8_trim_whitespace, and its mask cost
    # ten times the kernels (a tenth of reading an export).
    stripped = pc.utf8_trim_whitespace(text.array.__arrow_array__())  # type: ignore[attr-defined]
    blanked = pc.if_else(pc.equal(stripped, ""), pa.scalar(None, stripped.type), stripped)
    return pd.Series(pd.array(blanked, dtype=text.dtype), index=values.index)


def parse_bool(values: pd.Series, **_: bool) -> pd.Series:
    """Parse "true"/"false", "Yes"/"No", "1"/"0", "+"/"-" (any case) into a ``boolean`` column.

    Blank or unrecognised cells become <NA>.
    """
    text = _text(values).str.lower()
    # isin runs in Arrow; Series.map with a dict goes through Python objects (4x slower).
    true = text.isin(TRUE_TOKENS).to_numpy(dtype=bool)
    known = true | text.isin(FALSE_TOKENS).to_numpy(dtype=bool)
    return pd.Series(pd.arrays.BooleanArray(true, ~known), index=values.index)


def parse_flag(values: pd.Series, **_: bool) -> pd.Series:
    """Parse a flag column whose "false" is the empty string (Majestic): non-empty means true.

    An explicit false spelling ("false", "0", "No", "-") still reads as false.
    """
    text = values.astype("str").str.strip().str.lower()
    out = ~(text.isin(FALSE_TOKENS) | (text == ""))
    return out.fillna(False).astype("boolean")


def parse_number(values: pd.Series, *, decimal_comma: bool = False) -> pd.Series:
    """Parse numbers written with thousands separators or a decimal comma into ``float64``.

    ``"1,240"``, ``"1 240"``, ``"1.240,5"``, ``"0,5"``, ``"45"``, ``"12.5"``, ``"37%"`` all parse;
    blanks and text become NaN. With ``decimal_comma`` (a semicolon file from a European Excel
    re-save) ``"1.240"`` is 1240, not 1.24.
    """
    text = _text(values)
    if decimal_comma:
        grouped = text.str.match(_EU_GROUPED.pattern, na=False)
        text = text.where(~grouped, text.str.replace(".", "", regex=False))
        text = text.str.replace(",", ".", regex=False)
    out = _plain_numbers(text)  # the common case: every cell a plain number or blank
    if out is None:
        try:
            out = text.astype("float64")
        except (ValueError, TypeError):
            out = pd.to_numeric(text, errors="coerce").astype("float64")
    # Only the cells the fast C path could not read go through the slower regex repairs.
    todo = out.isna() & text.notna()
    if todo.any():
        out.loc[todo] = np.array([_repair_number(v) for v in text[todo]], dtype="float64")
    # "inf" / "1e999" parse as floats, but no vendor metric is infinite.
    return out.where(np.isfinite(out.to_numpy()))


def _plain_numbers(text: pd.Series) -> pd.Series | None:
    """``text`` as float64 by Arrow's cast when every cell is a plain decimal number or blank
    (None otherwise). Arrow reads the decimal literals Python's float() reads, correctly
    rounded as it is, and refuses the rest (digit underscores, non-ASCII digits), which then go
    the slower way; pandas' astype converted every cell to a Python string first."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        values = pc.cast(pa.array(text, from_pandas=True), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return None
    numbers = values.to_numpy(zero_copy_only=False)  # nulls become NaN
    return pd.Series(numbers, index=text.index, dtype="float64")


def _repair_number(value: str) -> float:
    value = value.rstrip("%").strip()
    if _US_GROUPED.match(value):
        value = _SPACES.sub("", value).replace(",", "").replace("'", "").replace("’", "")
    elif _EU_GROUPED.match(value):
        value = value.replace(".", "").replace(",", ".")
    elif _EU_DECIMAL.match(value):
        value = value.replace(",", ".")
    else:
        value = _SPACES.sub("", value)
    try:
        return float(value)
    except ValueError:
        return np.nan


def parse_date(values: pd.Series, *, decimal_comma: bool = False) -> pd.Series:
    """Parse vendor dates into UTC timestamps.

    ISO dates ("2024-05-01", "2024-05-01 10:00:00", "2024-05-01T10:00:00Z") take the fast path;
    other spellings ("Sep 15, 2026", "15.09.2026", "2024-05-01 10:00:00 UTC") are parsed one by
    one, day first when ``decimal_comma`` says the file went through a European Excel.
    Unparseable cells become NaT.
    """
    dayfirst = decimal_comma
    text = _text(values)
    out = pd.to_datetime(text, format="ISO8601", utc=True, errors="coerce")
    todo = out.isna() & text.notna()
    if todo.any():
        rest = text[todo].str.replace(r"\s+UTC$", "", regex=True)
        out.loc[todo] = pd.to_datetime(
            rest, format="mixed", dayfirst=dayfirst, utc=True, errors="coerce"
        )
    return out


def parse_text(values: pd.Series, **_: bool) -> pd.Series:
    """Strip a text column, keeping "" as "".

    The column exists, so a blank cell is a real value: an image link's anchor *is* empty. Only a
    column the export does not have is missing (<NA>), and the reader leaves that to ``conform``.
    """
    return values.astype("string").str.strip()


def parse_code(values: pd.Series, **_: bool) -> pd.Series:
    """A categorical value (language, link type, IP): a blank cell is missing, not a category."""
    return _text(values).astype("string")


def looks_like_url(values: pd.Series) -> pd.Series:
    """True where a cell looks like an absolute http(s) URL (used to find unnamed URL columns)."""
    return values.astype("str").str.strip().str.match(r"(?i)^https?://[^\s/]+", na=False)
