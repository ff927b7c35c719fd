"""Retraining input: review-sheet decisions become link labels."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from linkclf.errors import InputError
from linkclf.labelled import apply_review, load_labelled


def _scored() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_url": [
                "https://a.spam.xyz/1",
                "https://b.spam.xyz/2",
                "https://news.nl/x",
                "https://news.nl/y",
                "https://blog.org/z",
            ],
            "target_url": ["https://t.nl/"] * 5,
            "anchor": ["cheap", "cheap", "t", "t", "t"],
        }
    )


def test_domain_and_url_decisions_label_links() -> None:
    review = pd.DataFrame(
        {
            "decision": ["disavow", "keep", ""],
            "level": ["domain", "url", "domain"],
            "candidate": ["domain:spam.xyz", "https://news.nl/x", "domain:blog.org"],
            "domain": ["spam.xyz", "news.nl", "blog.org"],
        }
    )
    out = apply_review(_scored(), review, "review.csv")
    assert out["source_url"].tolist() == [
        "https://a.spam.xyz/1",
        "https://b.spam.xyz/2",
        "https://news.nl/x",
    ]
    assert out["label"].tolist() == [1, 1, 0]


def test_review_without_its_columns_is_refused() -> None:
    with pytest.raises(InputError, match="linkclf disavow --review"):
        apply_review(_scored(), pd.DataFrame({"x": [1]}), "r.csv")


def test_load_labelled_with_review(tmp_path: Path) -> None:
    scored = tmp_path / "scored.csv"
    _scored().to_csv(scored, index=False)
    review = tmp_path / "review.csv"
    pd.DataFrame(
        {
            "decision": ["disavow", "keep"],
            "level": ["domain", "domain"],
            "candidate": ["domain:spam.xyz", "domain:news.nl"],
            "domain": ["spam.xyz", "news.nl"],
        }
    ).to_csv(review, index=False)
    data = load_labelled([str(scored)], [str(review)])
    assert sorted(data["label"].tolist()) == [0, 0, 1, 1]
    assert set(data["referring_domain"]) == {"spam.xyz", "news.nl"}


def test_one_class_only_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    _scored().assign(label=1).to_csv(path, index=False)
    with pytest.raises(InputError, match="both natural"):
        load_labelled([str(path)])
