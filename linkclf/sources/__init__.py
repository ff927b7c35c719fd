"""Readers for the link exports users bring: Ahrefs, Semrush, Majestic, Moz, Search Console.

>>> from linkclf.sources import read_export, read_exports, detect_format  # doctest: +SKIP
>>> links = read_exports(["ahrefs.csv", "semrush.csv"])  # doctest: +SKIP

Every reader maps its vendor's columns to the canonical record (:mod:`linkclf.schema`) and keeps
every vendor column under its original header; ``docs/sources.md`` has the mapping table.
"""

from __future__ import annotations

from linkclf.sources.detect import detect_format
from linkclf.sources.formats import FORMATS
from linkclf.sources.reader import iter_export, read_export, read_exports
from linkclf.sources.render import VENDORS, write_export

__all__ = [
    "FORMATS",
    "VENDORS",
    "detect_format",
    "iter_export",
    "read_export",
    "read_exports",
    "write_export",
]
