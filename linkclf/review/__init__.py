"""The review loop: a local review page over scored links and the queue that orders it.

* :mod:`linkclf.review.queue` what to review next (uncertainty x committee disagreement,
  spread over referring domains);
* :mod:`linkclf.review.session` the scored links grouped by referring domain, as page data;
* :mod:`linkclf.review.store` the review file, saved atomically at every decision;
* :mod:`linkclf.review.app` the Starlette app (127.0.0.1, strict CSP, no CDN).
"""

from linkclf.review.queue import committee_spread, priority, spread_over_domains, uncertainty
from linkclf.review.session import Session, read_scored_links
from linkclf.review.store import DecisionStore

__all__ = [
    "DecisionStore",
    "Session",
    "committee_spread",
    "priority",
    "read_scored_links",
    "spread_over_domains",
    "uncertainty",
]
