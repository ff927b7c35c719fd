"""The review file the page writes: every decision saved the moment it is made.

The file has the review sheet's columns (``decision``, ``level``, ``candidate``, ``domain``),
so ``linkclf disavow --decisions``, ``linkclf train --review`` and a spreadsheet all read it.
Opened on an existing review sheet (``linkclf disavow --review``), it keeps every row and column
of it and only fills in ``decision`` (a merge never drops a user's line); new rows are appended.
Each save rewrites the file atomically (temp file + rename), so a crash leaves the previous
version, and reloading the page reads the decisions back.
"""

from __future__ import annotations

import csv
import datetime as dt
import threading
from pathlib import Path

import pandas as pd

from linkclf.disavow.decisions import COLUMNS, VALID, Decisions, parse_decisions
from linkclf.disavow.rules import DOMAIN_PREFIX
from linkclf.errors import InputError
from linkclf.io import read_csv_text, write_csv_atomic

#: Columns this page adds to rows it creates (a review sheet's own columns stay as they are).
EXTRA = ("decided_at", "mean_p", "n_links")


def _header(path: Path) -> list[str]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return next(csv.reader(handle), [])
    except UnicodeDecodeError:
        raise InputError(
            expected="a review file in UTF-8",
            found="bytes that are not UTF-8",
            fix="pass the CSV linkclf wrote, or a new file name",
            where=str(path),
        ) from None


class DecisionStore:
    """Decisions kept in memory and in ``path``; safe to call from several request threads.

    Parameters
    ----------
    path : the review file; created on the first decision when it does not exist.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        if self.path.exists():
            columns = _header(self.path)
            frame = read_csv_text(
                self.path,
                columns,
                what="a review file",
                fix="pass the review CSV of `linkclf disavow --review` or `linkclf review`",
            )
            parse_decisions(frame, str(self.path))  # refuse unknown values before serving
            self.frame = frame[columns]
        else:
            self.frame = pd.DataFrame(columns=[*COLUMNS, *EXTRA], dtype=object)

    def decisions(self) -> Decisions:
        with self._lock:
            return parse_decisions(self.frame, str(self.path))

    def decide(
        self,
        level: str,
        key: str,
        decision: str,
        domain: str,
        facts: dict[str, str] | None = None,
    ) -> Decisions:
        """Record ``decision`` ("" clears it) for a domain or a URL and save the file.

        Parameters
        ----------
        level : ``domain`` or ``url``.
        key : the domain (``spam.xyz``) or the source URL as on a disavow line.
        domain : the referring domain the decision belongs to.
        facts : extra cells for a new row (``mean_p``, ``n_links``).
        """
        if decision not in (*VALID, ""):
            raise InputError(
                expected=f"decision {' or '.join(VALID)} (or blank)",
                found=repr(decision),
                fix="send one of them",
            )
        if level not in ("domain", "url"):
            raise InputError(expected="level domain or url", found=repr(level), fix="send one")
        candidate = DOMAIN_PREFIX + key if level == "domain" else key
        with self._lock:
            frame = self.frame.copy()
            for col in (*COLUMNS, *EXTRA):
                if col not in frame.columns:
                    frame[col] = ""
            match = (frame["level"].astype(str) == level) & (
                frame["candidate"].astype(str) == candidate
            )
            now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
            if match.any():
                frame.loc[match, "decision"] = decision
                frame.loc[match, "decided_at"] = now
            else:
                row = {col: "" for col in frame.columns}
                row.update(facts or {})
                row.update(
                    decision=decision,
                    level=level,
                    candidate=candidate,
                    domain=domain,
                    decided_at=now,
                )
                frame = pd.concat([frame, pd.DataFrame([row])], ignore_index=True)
            write_csv_atomic(frame, self.path)
            self.frame = frame
            return parse_decisions(frame, str(self.path))
