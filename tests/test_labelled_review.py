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


def test_domain_decision_on_a_hosted_platform_labels_that_site_only(tmp_path: Path) -> None:
    """Issue 9: `domain:spam.wordpress.com` on the review sheet labelled none of that site's
    links (the sheet named the site, the labeller looked for wordpress.com)."""
    scored = tmp_path / "scored.csv"
    pd.DataFrame(
        {
            "source_url": [
                "https://spam.wordpress.com/a",
                "https://www.spam.wordpress.com/b",
                "https://other.wordpress.com/c",
            ],
            "target_url": ["https://t.nl/"] * 3,
            "anchor": ["x", "y", "z"],
            "p_manipulative": [0.9, 0.8, 0.1],
            "predicted_kind": ["pbn", "pbn", "natural"],
        }
    ).to_csv(scored, index=False)
    review = tmp_path / "review.csv"
    pd.DataFrame(
        {
            "decision": ["disavow", "keep"],
            "level": ["domain", "domain"],
            "candidate": ["domain:spam.wordpress.com", "domain:other.wordpress.com"],
            "domain": ["spam.wordpress.com", "other.wordpress.com"],
        }
    ).to_csv(review, index=False)
    data = load_labelled([str(scored)], [str(review)])
    by_site = dict(zip(data["source_url"], data["label"], strict=True))
    assert by_site == {
        "https://spam.wordpress.com/a": 1,
        "https://www.spam.wordpress.com/b": 1,
        "https://other.wordpress.com/c": 0,
    }
    assert set(data["referring_domain"]) == {"spam.wordpress.com", "other.wordpress.com"}


def test_every_step_groups_by_the_site_columns() -> None:
    """One answer to "which site is this?": conform derives it, splits and profiles use it."""
    from linkclf.features.profile import profile_features
    from linkclf.schema import conform
    from linkclf.splits import domain_groups

    links = conform(
        pd.DataFrame(
            {
                "source_url": ["https://a.spam.wordpress.com/1", "https://b.wordpress.com/2"],
                "target_url": ["https://shop.example.blogspot.com/x", "https://www.shop.nl/y"],
                "anchor": ["a", "a"],
            }
        )
    )
    assert links["referring_domain"].tolist() == ["a.spam.wordpress.com", "b.wordpress.com"]
    assert links["target_site"].tolist() == ["example.blogspot.com", "shop.nl"]
    assert domain_groups(links).tolist() == links["referring_domain"].tolist()
    prof = profile_features(links, ["other", "other"])
    assert prof["target_links"].tolist() == [1.0, 1.0]  # two target sites, one link each
