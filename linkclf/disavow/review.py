"""The review sheet: one row per candidate, with a ``decision`` column the user fills in.

The retraining workflow reads the decisions back as labels: ``disavow`` -> manipulative,
``keep`` -> natural, joined on ``level`` + ``candidate`` (a ``domain:`` line covers every link
from that referring domain; a URL line every link from that page).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from linkclf.disavow.merge import Outcome

#: Column order of the sheet; ``decision`` first so it is the first thing a reviewer sees.
REVIEW_COLUMNS = (
    "decision",
    "level",
    "candidate",
    "status",
    "status_detail",
    "domain",
    "n_links",
    "n_flagged",
    "share_flagged",
    "mean_p",
    "max_p",
    "top_reasons",
    "kinds",
    "example_anchors",
    "example_urls",
    "rule",
)

#: Values the ``decision`` column accepts.
DECISIONS = ("disavow", "keep")


def review_frame(outcomes: Sequence[Outcome]) -> pd.DataFrame:
    """The review sheet as a DataFrame (write it with :func:`linkclf.io.write_csv_atomic`,
    which neutralises cells a spreadsheet would run as formulas)."""
    rows = []
    for outcome in outcomes:
        c = outcome.candidate
        rows.append(
            {
                "decision": "",
                "level": c.level,
                "candidate": c.line,
                "status": outcome.status,
                "status_detail": outcome.detail,
                "domain": c.domain,
                "n_links": c.n_links,
                "n_flagged": c.n_flagged,
                "share_flagged": round(c.n_flagged / c.n_links, 4) if c.n_links else 0.0,
                "mean_p": c.mean_p,
                "max_p": c.max_p,
                "top_reasons": "; ".join(c.reasons),
                "kinds": "; ".join(c.kinds),
                "example_anchors": " | ".join(c.anchors),
                "example_urls": " | ".join(c.urls),
                "rule": c.rule,
            }
        )
    return pd.DataFrame(rows, columns=list(REVIEW_COLUMNS))
