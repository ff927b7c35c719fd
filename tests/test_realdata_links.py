"""The real links of ../shared/data/real/html-pages: extraction, placement against the
scrapinghub article bodies, flag-rate groups, simulator statistics and the reality gap.
Real-data tests skip with a message where the folder is absent."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from linkclf import realdata
from linkclf.realdata_links import (
    in_article_body,
    is_affiliate,
    link_groups,
    placement_vs_ground_truth,
    real_links,
)
from linkclf.realgap import _single_auc
from linkclf.realstats import compare_markdown, link_stats, target_language, url_shape
from linkclf.schema import PLACEMENTS

REAL = realdata.locate()
needs_data = pytest.mark.skipif(
    REAL is None,
    reason="real data not found (../shared/data/real or $LINKCLF_REAL_DATA): real-link checks cannot run",
)


def test_affiliate_links_are_recognised() -> None:
    assert is_affiliate("http://amzn.to/2hWw372")
    assert is_affiliate("https://www.amazon.de/dp/B07?tag=blog-21")
    assert is_affiliate("https://www.awin1.com/cread.php?awinmid=1&awinaffid=2&p=x")
    assert is_affiliate("https://go.redirectingat.com?id=1&url=https%3A%2F%2Fx.com")
    assert is_affiliate("https://shop.example.com/item?affid=42")
    assert not is_affiliate("https://www.amazon.com/dp/B07")
    assert not is_affiliate("https://en.wikipedia.org/wiki/Tag")
    assert not is_affiliate("https://example.com/?tag=python")  # a tag parameter off Amazon


def test_in_article_body_needs_the_anchor_with_its_own_words() -> None:
    body = "theguildsaysthatastudybytheguildshowsfeedingtwiceadayworks"
    assert in_article_body("a study by the guild", "says that", "shows feeding", body)
    assert not in_article_body("the guild", "Follow", "on Twitter", body)
    assert in_article_body("", "x", "y", body) is None
    # No text around: only a long anchor is evidence enough.
    assert not in_article_body("guild", "", "", body)
    assert in_article_body("a study by the guild", "", "", body)


def test_url_shapes() -> None:
    slug = url_shape("https://gizmodo.com/some-slug-1839927963")
    assert slug["one_segment_no_slash"] and slug["numeric_id"] and not slug["trailing_slash"]
    dated = url_shape("https://site.org/2019/11/19/title/")
    assert dated["date_in_path"] and dated["trailing_slash"] and not dated["numeric_id"]
    assert dated["segments"] == 4 and dated["path_slashes"] == 5
    query = url_shape("http://www.sauvonsluniversite.fr/spip.php?article8532")
    assert query["query"] and query["extension"] and query["path_slashes"] == 1


def test_target_language_from_country_tlds_only() -> None:
    assert target_language("https://www.spiegel.de/x") == "de"
    assert target_language("https://bbc.co.uk/") == "en"
    assert target_language("https://example.com/") is None
    assert target_language("https://swiss.ch/") is None  # multilingual country


def small_links() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_url": ["https://a.nl/x", "https://a.nl/x", "https://b.de/2020/01/y/"],
            "target_url": ["https://c.fr/", "https://d.com/", "https://e.de/"],
            "anchor": ["c.fr", "", "Some long anchor text"],
            "context_left": ["before", "", "left words here"],
            "context_right": ["after", "", ""],
            "nofollow": [False, True, False],
            "ugc": [False, False, False],
            "sponsored": [False, False, False],
            "link_type": ["text", "image", "text"],
            "placement": ["content", "footer", "content"],
            "region": ["content", "footer", "content"],
            "language": ["nl", "nl", "de"],
            "external_links": [2.0, 2.0, 1.0],
            "internal_links": [10.0, 10.0, 3.0],
        }
    )


def test_link_stats_on_a_small_table() -> None:
    stats = link_stats(small_links())
    assert stats["n_links"] == 3 and stats["n_pages"] == 2
    assert stats["context"]["content"]["share_both_sides"] == 0.5
    assert stats["context"]["footer"]["share_none"] == 1.0
    assert stats["rel_rates"]["footer"]["nofollow"] == 1.0
    assert stats["image_link_share"]["all"] == pytest.approx(1 / 3, abs=1e-3)
    assert stats["anchor_kind_shares"]["all"]["naked_url"] == pytest.approx(1 / 3, abs=1e-3)
    # c.fr from a Dutch page differs; e.de from a German page does not; d.com implies nothing.
    assert stats["cross_language"]["n_with_cctld_language"] == 2
    assert stats["cross_language"]["share_differs"] == 0.5
    assert stats["source_url_shapes_per_page"]["share_date_in_path"] == 0.5


def test_real_vs_simulated_table_lines_up_the_same_facts() -> None:
    real = link_stats(small_links())
    other = small_links()
    other["placement"] = other["region"] = ["content", "content", "content"]
    table = compare_markdown(real, link_stats(other))
    row = next(line for line in table.splitlines() if line.startswith("| placement footer |"))
    assert row == "| placement footer | 33.3% | 0.0% |"
    assert "| image links | 33.3% | 33.3% |" in table


def test_single_feature_separation_counts_missing_values_as_a_value() -> None:
    y = np.array([1, 1, 1, 0, 0, 0])
    assert _single_auc(y, np.array([np.nan, np.nan, np.nan, 1.0, 2.0, 3.0])) == 1.0
    assert _single_auc(y, np.array([1.0, 2.0, 3.0, 1.0, 2.0, 3.0])) == 0.5
    assert _single_auc(y, np.array([0.0, 0.0, 0.0, 5.0, 5.0, 5.0])) == 1.0  # either direction


@pytest.fixture(scope="module")
def links() -> pd.DataFrame:
    return real_links(REAL)


@needs_data
def test_every_real_page_is_read(links: pd.DataFrame) -> None:
    assert links.groupby("dataset")["page"].nunique().to_dict() == {
        "scrapinghub": pytest.approx(181, abs=8),
        "trafilatura": pytest.approx(110, abs=8),
    }
    assert len(links) > 6000
    assert links["source_url"].str.match(r"https?://").all()
    assert set(links["placement"]) <= set(PLACEMENTS)
    assert links["region"].value_counts(normalize=True)["content"] > 0.1
    # Outbound only: no link stays on its page's own site.
    from linkclf.domains import site

    assert (links["source_url"].map(site) != links["target_url"].map(site)).all()


@needs_data
def test_groups_partition_the_links(links: pd.DataFrame) -> None:
    g = link_groups(links)
    parts = g[["editorial", "template", "rel_qualified", "affiliate"]].sum(axis=1)
    assert (parts == 1).all()
    assert g["affiliate"].sum() > 50  # the deal posts carry amzn.to / tag= links


@needs_data
def test_placement_against_the_scrapinghub_article_bodies() -> None:
    check = placement_vs_ground_truth(REAL)
    # Measured 0.812 / 0.982 (docs/realdata.md); a regression in placement falls below.
    assert check["precision"] >= 0.78
    assert check["recall"] >= 0.95
    assert check["by_region_in_body_share"]["nav"] <= 0.02


@needs_data
@pytest.mark.slow
def test_flag_rates_by_group_with_the_default_model() -> None:
    from linkclf.realdata_links import flag_rates, score_real_links

    scored = score_real_links("models/default", REAL, rendering="ahrefs")
    rates = flag_rates(scored)
    groups = rates["groups"]
    assert (
        sum(groups[g]["n"] for g in ("editorial", "template", "rel_qualified", "affiliate"))
        == (rates["n_links"])
    )
    # The shipped model on real natural links (README, issue 10): the goals (in-body
    # at most 2%, template at most 5%; measured 0.8% and 2.5%); a rel-qualified link is never
    # flagged. Affiliate links are not asserted: their earlier flags came from the digits in
    # 9to5mac.com's hostname, a simulator artifact (python -m linkclf.realhosts).
    assert groups["editorial"]["rate"] <= 0.02
    assert groups["template"]["rate"] <= 0.05
    assert groups["rel_qualified"]["flagged"] == 0
    assert rates["share_of_flags_at_threshold"] <= 0.01  # no calibration step at the threshold


@needs_data
@pytest.mark.slow
def test_check_real_link_section_prints_tables_and_writes_json(tmp_path) -> None:
    import json

    from typer.testing import CliRunner

    from linkclf.cli import app

    out = tmp_path / "links.json"
    result = CliRunner().invoke(
        app, ["check-real", "--data-dir", str(REAL), "--no-domains", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "in-body editorial citations" in result.output
    figures = json.loads(out.read_text(encoding="utf-8"))["real_links"]
    assert set(figures) == {"placement_vs_ground_truth", "canonical", "ahrefs", "tld_sensitivity"}
    assert figures["ahrefs"]["rendering"] == "ahrefs"
    assert figures["canonical"]["groups"]["editorial"]["n"] > 500
    # The counterfactual scores the same .com links twice: as they are, they are the Ahrefs
    # rendering's own links, so their flags are part of its count.
    moved = figures["tld_sensitivity"]
    assert moved["tld"] == "info" and "moved to .info" in result.output
    for group in ("editorial", "template"):
        as_is = moved[group]["as_is"]
        assert as_is["n"] == moved[group]["moved"]["n"] > 500
        assert as_is["flagged"] <= figures["ahrefs"]["groups"][group]["flagged"]


def test_gap_report_groups_features_by_family_and_prints_each_family() -> None:
    from linkclf.realgap import _by_family, gap_markdown

    families = {"host_digits": "url", "path_depth": "url", "emb_anchor_0": "embedding"}
    grouped = _by_family(["host_digits", "emb_anchor_0", "path_depth", "new_one"], families)
    assert grouped == {
        "?": ["new_one"],
        "embedding": ["emb_anchor_0"],
        "url": ["host_digits", "path_depth"],
    }
    gap = {
        "n_real": 10,
        "n_real_sites": 2,
        "n_simulated": 10,
        "simulated_file": "x.csv",
        "model": "m@1",
        "folds": 5,
        "seed": 0,
        "roc_auc_all_features": 0.9,
        "roc_auc_without_profile_features": 0.8,
        "n_features_above_0_75": 0,
        "families": {"embedding": 0.892, "url": 0.61},
        "features": [],
    }
    assert "each family's features together: embedding 0.892, url 0.610" in gap_markdown(gap)
