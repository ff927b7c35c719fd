"""Vendor column sets: a missing column is a property of the export, never of the link."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from linkclf.datasets import simulate
from linkclf.datasets.columnsets import (
    COLUMN_SET,
    COLUMN_SETS,
    LINK_FIELDS,
    apply_column_set,
    expand_column_sets,
)
from linkclf.errors import ConfigError, LinkclfError
from linkclf.splits import grouped_split


@pytest.fixture(scope="module")
def links() -> pd.DataFrame:
    return simulate(5, n_targets=12)


def test_column_sets_are_what_each_reader_reads_back() -> None:
    assert COLUMN_SETS["gsc"] == {"source_url", "target_url", "last_seen"}
    assert COLUMN_SETS["canonical"] == set(LINK_FIELDS)
    assert {"domain_rating", "context_left", "placement"} <= COLUMN_SETS["ahrefs"]
    assert "trust_flow" not in COLUMN_SETS["ahrefs"]
    assert {"trust_flow", "citation_flow"} <= COLUMN_SETS["majestic"]
    assert "domain_rating" not in COLUMN_SETS["majestic"]
    assert {"domain_authority", "page_authority"} <= COLUMN_SETS["moz"]
    assert {"sitewide", "internal_links"} <= COLUMN_SETS["semrush"]
    assert "source_traffic" not in COLUMN_SETS["semrush"]


@pytest.mark.parametrize("name", sorted(COLUMN_SETS))
def test_a_column_outside_the_set_is_missing_on_every_row_and_inside_on_none(
    links: pd.DataFrame, name: str
) -> None:
    out = apply_column_set(links, name)
    assert len(out) == len(links) and out.index.equals(links.index)
    pd.testing.assert_series_equal(out["label"], links["label"])
    pd.testing.assert_series_equal(out["source_url"], links["source_url"])
    for col in LINK_FIELDS:
        if col not in COLUMN_SETS[name]:
            assert out[col].isna().all(), (name, col)
    metrics = [
        c for c in ("domain_rating", "trust_flow", "domain_authority") if c in COLUMN_SETS[name]
    ]
    for col in metrics:
        assert out[col].notna().all(), (name, col)


@pytest.mark.parametrize("name", sorted(COLUMN_SETS))
def test_missingness_within_a_column_set_does_not_depend_on_the_label(
    links: pd.DataFrame, name: str
) -> None:
    out = apply_column_set(links, name)
    natural = out["label"].to_numpy() == 0
    for col in ("domain_rating", "url_rating", "trust_flow", "citation_flow", "domain_authority",
                "page_authority", "source_traffic", "external_links", "internal_links",
                "vendor_spam_score", "nofollow", "language", "first_seen"):  # fmt: skip
        missing = out[col].isna().to_numpy()
        assert abs(missing[natural].mean() - missing[~natural].mean()) < 1e-9, (name, col)


def test_search_console_rows_point_at_the_site_as_its_reader_is_told_to(
    links: pd.DataFrame,
) -> None:
    gsc = apply_column_set(links, "gsc")
    assert gsc["target_url"].str.fullmatch(r"https?://[^/]+/").all()


def test_values_read_back_the_way_the_vendor_writes_them(links: pd.DataFrame) -> None:
    ahrefs = apply_column_set(links, "ahrefs")
    # Ahrefs only says "in the main content" or not: footers read back as unknown.
    assert set(ahrefs["placement"].dropna().unique()) <= {"content", "unknown"}
    majestic = apply_column_set(links, "majestic")
    assert majestic["nofollow"].notna().all()  # Majestic's blank is "not nofollow"
    assert (majestic["nofollow"] == links["nofollow"]).all()


def test_expand_keeps_every_copy_of_a_link_on_one_side_of_a_grouped_split(
    links: pd.DataFrame,
) -> None:
    names = ["ahrefs", "gsc", "canonical"]
    wide = expand_column_sets(links, names)
    assert len(wide) == 3 * len(links)
    assert wide[COLUMN_SET].value_counts().to_dict() == {n: len(links) for n in names}
    _, test = grouped_split(wide, test_size=0.3, seed=1)
    assert 0 < test.mean() < 1
    # Every copy of a link (same source page, any column set) is on the same side.
    sides = pd.Series(test).groupby(wide["source_url"].to_numpy()).nunique()
    assert (sides == 1).all()


def test_featurise_sees_each_column_set_as_its_own_export(links: pd.DataFrame) -> None:
    """Profile features of one column set's copies never pool with another set's copies."""
    from linkclf.profiles import featurise

    class CountingBuilder:
        def transform(self, rows: pd.DataFrame) -> pd.DataFrame:
            return pd.DataFrame({"n": len(rows)}, index=rows.index)

    wide = expand_column_sets(links, ["ahrefs", "semrush"])
    sizes = featurise(CountingBuilder(), wide)  # type: ignore[arg-type]
    assert sizes.index.equals(wide.index)
    assert (sizes["n"] == len(links)).all()
    plain = featurise(CountingBuilder(), links)  # type: ignore[arg-type]
    assert (plain["n"] == len(links)).all()


def test_an_unknown_column_set_is_one_clear_config_error(links: pd.DataFrame) -> None:
    with pytest.raises(ConfigError) as info:
        apply_column_set(links, "ahref")
    assert isinstance(info.value, LinkclfError)
    assert "ahref" in str(info.value) and "\n" not in str(info.value)
    with pytest.raises(ConfigError):
        expand_column_sets(links, [])


def test_column_set_rendering_is_deterministic(links: pd.DataFrame) -> None:
    first = expand_column_sets(links, ["majestic", "moz"])
    second = expand_column_sets(links, ["majestic", "moz"])
    pd.testing.assert_frame_equal(first, second)
    assert np.array_equal(first["label"].to_numpy(), np.tile(links["label"].to_numpy(), 2))
