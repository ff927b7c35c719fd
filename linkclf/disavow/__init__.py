"""Disavow candidates a user can upload with confidence: Google-valid, merged, explained.

Pure functions over text and DataFrames (file reading only in :mod:`linkclf.disavow.read`):

* :func:`build_candidates` scored links -> ``domain:`` / URL candidates (:class:`DomainRule`);
* :func:`merge` the user's file + candidates + :class:`Allowlist` -> :class:`MergeResult`;
* :func:`render` / :func:`render_parts` entries -> text within Google's limits;
* :func:`check_bytes` every line Google would reject, with line numbers;
* :func:`review_frame` the review sheet with a ``decision`` column.

The rules are documented for users in ``docs/disavow.md``.
"""

from linkclf.disavow.allow import AllowEntry, Allowlist, default_allowlist, parse_allowlist
from linkclf.disavow.candidates import Candidate, DomainRule, build_candidates
from linkclf.disavow.check import CheckReport, Problem, check_bytes
from linkclf.disavow.merge import MergeResult, Outcome, merge
from linkclf.disavow.parse import Change, Entry, parse, repair
from linkclf.disavow.render import render, render_parts
from linkclf.disavow.review import REVIEW_COLUMNS, review_frame

__all__ = [
    "REVIEW_COLUMNS",
    "AllowEntry",
    "Allowlist",
    "Candidate",
    "Change",
    "CheckReport",
    "DomainRule",
    "Entry",
    "MergeResult",
    "Outcome",
    "Problem",
    "build_candidates",
    "check_bytes",
    "default_allowlist",
    "merge",
    "parse",
    "parse_allowlist",
    "render",
    "render_parts",
    "repair",
    "review_frame",
]
