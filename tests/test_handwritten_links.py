"""Hand-written links to one Dutch bakery, rendered as every vendor's export and scored by the
shipped model: natural links of many kinds (a German magazine, English news, a Dutch personal
blog, a nofollow sponsors page, a footer credit, a book review with a price in the anchor) and
manipulative ones from obvious spam to a sponsored post on a real-looking local blog.

The links were written for this test (tests/data/handwritten-links.csv), not drawn from the
simulator or ../shared: a check of how the model reads links it has never seen the like of.

A second set (tests/data/handwritten-links-saas.csv: an English bookkeeping app's links from
TechCrunch, Reddit, Wikipedia, a university, a partner's footer, a Forbes affiliate box, German
trade press, ... and from a .xyz keyword blog, a casino footer, a forum profile, comment spam, a
"useful links" page of a plumber) was written in the eighth session and scored once before any
change was made for it. Its manipulative links are subtler and fewer are flagged: precision
and ranking are asserted on it, not recall.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from linkclf.model import LinkClassifier
from linkclf.pipeline import score_links
from linkclf.realdata import roc_auc
from linkclf.sources import read_exports, write_export

DATA = Path(__file__).parent / "data" / "handwritten-links.csv"
SAAS = Path(__file__).parent / "data" / "handwritten-links-saas.csv"
MODEL = Path(__file__).resolve().parents[1] / "models" / "default"
VENDORS = ("canonical", "ahrefs", "semrush", "majestic", "moz", "gsc")


@pytest.fixture(scope="module")
def model() -> LinkClassifier:
    if not (MODEL / "model.json").exists():
        pytest.skip("no shipped model (make model)")
    return LinkClassifier.load(MODEL)


@pytest.fixture(scope="module")
def links() -> pd.DataFrame:
    return pd.read_csv(DATA, dtype=str, keep_default_na=False)


def _scored(
    model: LinkClassifier, links: pd.DataFrame, vendor: str, site: str, tmp_path: Path
) -> pd.DataFrame:
    """``links`` written as a ``vendor`` export, read back and scored, in ``links``' row order."""
    path = tmp_path / "export.csv"
    write_export(links.drop(columns=["expected"]), path, vendor)
    target = {"target": site} if vendor == "gsc" else {}
    scored = score_links(model, read_exports([path], **target))
    return scored.set_index("source_url").reindex(links["source_url"])


def _rel_qualified(links: pd.DataFrame, vendor: str) -> np.ndarray:
    """The links a ``vendor`` export shows as nofollow, ugc or sponsored: Majestic and Moz have
    no ugc/sponsored columns, Search Console no rel flags at all."""
    exported = {"gsc": [], "majestic": ["nofollow"], "moz": ["nofollow"]}
    rel = exported.get(vendor, ["nofollow", "ugc", "sponsored"])
    return (links[rel] == "True").any(axis=1).to_numpy()


@pytest.mark.parametrize("vendor", VENDORS)
def test_natural_links_stay_unflagged_and_spam_ranks_above_them(
    vendor: str, links: pd.DataFrame, model: LinkClassifier, tmp_path: Path
) -> None:
    scored = _scored(model, links, vendor, "bakkerij-devries.nl", tmp_path)
    manipulative = (links["expected"] == "manipulative").to_numpy()
    p = scored["p_manipulative"].to_numpy(dtype=float)
    flag = scored["flag"].to_numpy(dtype=int)
    # Precision first: at most one natural link of twelve is flagged in any rendering.
    assert flag[~manipulative].sum() <= 1, scored.loc[~manipulative, ["p_manipulative", "reasons"]]
    # A nofollow/ugc link is never a candidate, whatever its score (as far as the export says).
    assert flag[_rel_qualified(links, vendor)].sum() == 0
    assert roc_auc(manipulative.astype(int), p) >= 0.8
    assert np.median(p[manipulative]) > np.median(p[~manipulative])
    # Even from a URL alone (Search Console) more than half the manipulative links are flagged.
    assert flag[manipulative].mean() > 0.5


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_second_site_natural_links_stay_unflagged_and_spam_ranks_above_them(
    vendor: str, model: LinkClassifier, tmp_path: Path
) -> None:
    links = pd.read_csv(SAAS, dtype=str, keep_default_na=False)
    scored = _scored(model, links, vendor, "tallyledger.com", tmp_path)
    manipulative = (links["expected"] == "manipulative").to_numpy()
    p = scored["p_manipulative"].to_numpy(dtype=float)
    flag = scored["flag"].to_numpy(dtype=int)
    assert flag[~manipulative].sum() <= 1, scored.loc[~manipulative, ["p_manipulative", "reasons"]]
    assert flag[_rel_qualified(links, vendor)].sum() == 0
    assert roc_auc(manipulative.astype(int), p) >= (0.7 if vendor == "gsc" else 0.8)
    assert np.median(p[manipulative]) > np.median(p[~manipulative])


def test_an_older_export_merged_with_a_newer_one_is_not_aged_by_it(
    links: pd.DataFrame, model: LinkClassifier, tmp_path: Path
) -> None:
    """Two exports of one site made five months apart, read together: the older one's links
    score as they would had both been made the same day ("Last seen" counts from the newest date
    of the link's own export, not the newer export's)."""
    plain = links.drop(columns=["expected"])
    old, new = plain.iloc[:12].copy(), plain.iloc[12:].copy()
    new["last_seen"] = "2025-11-01"
    paths = {}
    for name, old_dates in (
        ("old", ("2025-06-01", "2025-04-01")),
        ("same-day", ("2025-11-01", "2025-09-01")),
    ):
        old["last_seen"] = [old_dates[0]] * 6 + [old_dates[1]] * 6
        paths[name] = tmp_path / f"{name}.csv"
        write_export(old, paths[name], "ahrefs")
    write_export(new, tmp_path / "new.csv", "ahrefs")
    aged = score_links(model, read_exports([tmp_path / "new.csv", paths["old"]]))
    same_day = score_links(model, read_exports([tmp_path / "new.csv", paths["same-day"]]))
    np.testing.assert_allclose(aged["p_manipulative"], same_day["p_manipulative"])
