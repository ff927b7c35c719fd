"""The limits every reader enforces, in one place, so a hostile file fails fast with one line.

Defaults are generous for real exports (vendors write 10-60 columns; the largest real export
seen had 2.3 million rows) and small enough that a pathological file -- a header of 5 million
columns, a 10 MB line, one field swallowing a file through an unclosed quote -- is refused in
well under a second instead of running for minutes. Each can be raised with an environment
variable:

===========================  =================================  ==============
variable                     what                               default
===========================  =================================  ==============
``LINKCLF_MAX_COLUMNS``      columns in a header line           2,000
``LINKCLF_MAX_FIELD_CHARS``  characters in one field            1,000,000
``LINKCLF_MAX_LINE_BYTES``   bytes in a header (or sample) line 1,048,576
``LINKCLF_MAX_ROWS``         data rows in one file              50,000,000
===========================  =================================  ==============
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from linkclf.errors import ConfigError


@dataclass(frozen=True)
class Limits:
    """How large an input may be; see the module docstring for the defaults."""

    max_columns: int = 2_000
    max_field_chars: int = 1_000_000
    max_line_bytes: int = 1024 * 1024
    max_rows: int = 50_000_000


_ENV = {
    "max_columns": "LINKCLF_MAX_COLUMNS",
    "max_field_chars": "LINKCLF_MAX_FIELD_CHARS",
    "max_line_bytes": "LINKCLF_MAX_LINE_BYTES",
    "max_rows": "LINKCLF_MAX_ROWS",
}


def current() -> Limits:
    """The limits in force: the defaults, each overridden by its environment variable."""
    values: dict[str, int] = {}
    for field, var in _ENV.items():
        text = os.environ.get(var)
        if text is None or text.strip() == "":
            continue
        try:
            value = int(text.replace("_", "").replace(",", ""))
        except ValueError:
            value = 0
        if value < 1:
            raise ConfigError(
                expected=f"{var} to be a whole number of at least 1",
                found=repr(text),
                fix=f"unset {var} or set it to e.g. {getattr(Limits(), field)}",
            )
        values[field] = value
    return Limits(**values)
