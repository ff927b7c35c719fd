"""Google Search Console Links report: "Latest links" / "More sample links".

Two columns, a linking page and a date, with headers in the UI language (``Linking page,Last
crawled``; Hebrew ``דף מקשר,נסרק לאחרונה``), so the columns are taken by position and the format
is detected from the content (detect.py). There is no target URL, anchor, rel or metric: the
target comes from the caller (``target=`` / ``--target``); everything else stays missing.
"""

from __future__ import annotations

import pandas as pd

from linkclf.sources import values as v
from linkclf.sources.base import Columns, Spec

#: The English header.
COLUMNS = ("Linking page", "Last crawled")


def _finish(cols: Columns, out: dict[str, pd.Series]) -> None:
    chunk = cols.chunk
    if len(chunk.columns) >= 1:
        out["source_url"] = v.parse_text(chunk.iloc[:, 0])
    if len(chunk.columns) >= 2:
        out["last_seen"] = v.parse_date(chunk.iloc[:, 1])


SPEC = Spec(
    name="gsc",
    fields=(),
    signature=frozenset(),
    # Never matched by header: detect.py recognises it by content.
    exact=frozenset({"\x00never"}),
    finish=_finish,
    source_is_first_column=True,
)
