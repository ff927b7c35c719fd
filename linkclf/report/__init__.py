"""The HTML audit report of scored links (``linkclf report``).

* :func:`render_report` scored links -> one self-contained HTML page (no I/O): an overview,
  then one section per target site;
* :func:`read_scored_for_report` reads a scored CSV, only the columns the report shows;
* :mod:`linkclf.report.tables` the whole-file figures, :mod:`linkclf.report.profile` the
  figures of one site's profile (risk, anchors, rel, authority, TLDs, /24 clusters, months),
  as DataFrames;
* :mod:`linkclf.report.baseline` the clean-profile yardstick (simulated, shipped as JSON).
"""

from linkclf.report.read import read_scored_for_report
from linkclf.report.render import CSP, SECTIONS, esc, render_report

__all__ = ["CSP", "SECTIONS", "esc", "read_scored_for_report", "render_report"]
