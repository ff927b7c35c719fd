"""The HTML audit report of scored links (``linkclf report``).

* :func:`render_report` scored links -> one self-contained HTML page (no I/O);
* :func:`read_scored_for_report` reads a scored CSV, only the columns the report shows;
* :mod:`linkclf.report.tables` the figures behind each section, as DataFrames.
"""

from linkclf.report.read import read_scored_for_report
from linkclf.report.render import CSP, SECTIONS, esc, render_report

__all__ = ["CSP", "SECTIONS", "esc", "read_scored_for_report", "render_report"]
