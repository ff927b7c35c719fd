"""Labelled links for training and evaluation: the shipped dataset, or the user's own audits.

Accepted: the canonical CSV (optionally gzipped) with ``label`` (0/1) and optional ``kind``; any
export linkclf reads, with a ``label`` column or a ``decision`` column (``disavow`` / ``keep``, as
filled in on the review sheet of ``linkclf disavow --review``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from linkclf.domains import site
from linkclf.errors import InputError
from linkclf.io import read_csv_text
from linkclf.schema import labels_from_decisions, site_column, validate
from linkclf.scored import without_predictions


def _read_one(path: str) -> pd.DataFrame:
    p = Path(path)
    if not p.is_file():
        raise InputError("an existing labelled CSV", "no such file", "check the --data path", path)
    if p.suffix == ".gz":
        try:
            return pd.read_csv(
                p, dtype=str, keep_default_na=False, na_values=[""], compression="gzip"
            )
        except (OSError, UnicodeDecodeError, pd.errors.ParserError, EOFError) as exc:
            raise InputError(
                "a gzipped canonical CSV", type(exc).__name__, "re-create the file", path
            ) from None
    from linkclf.sources import read_export

    return read_export(path)


#: Review-sheet columns that turn decisions into labels.
REVIEW_KEYS = ("decision", "level", "candidate", "domain")


def apply_review(scored: pd.DataFrame, review: pd.DataFrame, source: str) -> pd.DataFrame:
    """Label scored links from a filled-in review sheet (``linkclf disavow --review``).

    A URL-level decision labels that page's links; a domain-level decision labels every link of
    that referring domain (a URL decision wins over its domain's). Links nobody decided on get
    no label.
    """
    needed = set(REVIEW_KEYS)
    if not needed <= set(review.columns):
        raise InputError(
            f"a review sheet with columns {', '.join(sorted(needed))}",
            f"columns {', '.join(map(str, review.columns[:8]))}",
            "pass the CSV written by `linkclf disavow --review`",
            source,
        )
    decided = review.assign(label=labels_from_decisions(review["decision"]))
    decided = decided[decided["label"].notna()]
    domain_rows = decided[decided["level"] == "domain"]
    url_rows = decided[decided["level"] == "url"]
    # The sheet's domain is a site as linkclf.domains.site() names it (``spam.wordpress.com``,
    # never ``wordpress.com``); it is matched against the links' ``referring_domain`` column,
    # the same function's answer, so a decision labels every link of that site and no other.
    sheet_sites = domain_rows["domain"].astype("string").fillna("").map(site)
    by_domain = pd.Series(domain_rows["label"].to_numpy(), index=sheet_sites.astype(str))
    by_url = pd.Series(url_rows["label"].to_numpy(), index=url_rows["candidate"].astype(str))
    by_domain = by_domain[~by_domain.index.duplicated(keep="last")]
    by_url = by_url[~by_url.index.duplicated(keep="last")]
    domains = site_column(scored, "referring_domain")
    labels = domains.map(by_domain)
    labels = scored["source_url"].astype("string").map(by_url).fillna(labels)
    out = scored.assign(label=pd.to_numeric(labels, errors="coerce").astype("Int8"))
    return out[out["label"].notna()]


def load_labelled(paths: Sequence[str], reviews: Sequence[str] = ()) -> pd.DataFrame:
    """Read, concatenate and validate labelled links (conformed: with ``referring_domain`` and
    ``target_site``).

    Rows whose decision is neither ``disavow`` nor ``keep`` (blank on the review sheet) are
    dropped: an undecided link is not a label. With ``reviews``, files without a label column
    (scored CSVs) are labelled from the review sheets' decisions.
    """
    review = None
    if reviews:
        sheets = [
            read_csv_text(
                r,
                REVIEW_KEYS,
                what="a review sheet from `linkclf disavow --review`",
                fix="pass the review CSV that linkclf disavow wrote, with decisions filled in",
            )
            for r in reviews
        ]
        review = pd.concat(sheets, ignore_index=True)
    frames = []
    for path in paths:
        # What a model predicted (predicted_kind, or kind in older scored files) is never a label.
        df = without_predictions(_read_one(path))
        unlabelled = "label" not in df.columns or df["label"].isna().all()
        if unlabelled and "decision" not in df.columns and review is not None:
            df = apply_review(df, review, ", ".join(reviews))
        elif unlabelled and "decision" in df.columns:
            df = df.assign(label=labels_from_decisions(df["decision"]))
            df = df[df["label"].notna()]
        frames.append(validate(df, require_labels=True, source=path))
    data = (
        pd.concat(frames, ignore_index=True)
        if len(frames) > 1
        else frames[0].reset_index(drop=True)
    )
    if data.empty:
        raise InputError("labelled rows", "none", "add labelled links", ", ".join(paths))
    if data["label"].nunique() < 2:
        raise InputError(
            "both natural (0) and manipulative (1) links",
            f"only label {int(data['label'].iloc[0])}",
            "add links of the other class (e.g. the shipped datasets/default/links.csv.gz)",
            ", ".join(paths),
        )
    return data
