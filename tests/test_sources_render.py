"""write_export -> reader -> canonical round trips, and merging several exports."""

from __future__ import annotations

import codecs
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linkclf.errors import InputError
from linkclf.schema import conform
from linkclf.sources import VENDORS, detect_format, read_export, read_exports, write_export

TARGET = "https://shop.example/"

ANCHORS = [
    "wandelschoenen kopen",
    'say "cheese", ok',
    "tab\there",
    "two\nlines",
    '=HYPERLINK("x")',
    "",
    "Ünïcode € 日本",
    "semi;colon",
]
TYPES = ["text", "image", "redirect", "frame", "form", "unknown", "text", None]
PLACEMENTS = ["content", "footer", None, "content", "sidebar", "nav", "content", None]


def canonical_links() -> pd.DataFrame:
    n = 8
    rng = np.random.default_rng(7)
    bools = [True, False, None, False, True, False, False, True]
    return conform(
        pd.DataFrame(
            {
                "source_url": [f"https://site{i}.example/post-{i}?q=a,b" for i in range(n)],
                "target_url": [TARGET if i % 2 else f"{TARGET}p/{i}" for i in range(n)],
                "anchor": ANCHORS[:n],
                "context_left": [f"left {i}" for i in range(n)],
                "context_right": [f"right, {i}" for i in range(n)],
                "source_title": [f"Title {i}" for i in range(n)],
                "nofollow": bools,
                "ugc": bools[::-1],
                "sponsored": [False] * n,
                "link_type": TYPES,
                "placement": PLACEMENTS,
                "sitewide": bools,
                "first_seen": pd.to_datetime(
                    [f"2023-0{1 + i % 9}-1{i} 0{i}:1{i}:00" for i in range(n)], utc=True
                ),
                "last_seen": pd.to_datetime([f"2024-05-0{1 + i}" for i in range(n)], utc=True),
                "lost": [i % 3 == 0 for i in range(n)],
                "language": ["nl", "en", "de", "fr", "nl", "en", "de", "fr"],
                "domain_rating": rng.integers(0, 100, n).astype(float),
                "url_rating": [12.5, 0.0, np.nan, 3, 4, 5, 6, 7],
                "trust_flow": rng.integers(0, 60, n).astype(float),
                "citation_flow": rng.integers(0, 60, n).astype(float),
                "page_authority": rng.integers(1, 100, n).astype(float),
                "domain_authority": rng.integers(1, 100, n).astype(float),
                "source_traffic": [1240.0, 0, np.nan, 5, 6, 7, 8, 9],
                "external_links": rng.integers(0, 500, n).astype(float),
                "internal_links": rng.integers(0, 500, n).astype(float),
                "vendor_spam_score": [0, 1, np.nan, 0, 0, 1, 0, 0],
            }
        )
    )


#: The canonical fields each vendor carries (what survives a round trip unchanged).
CARRIED = {
    "ahrefs": [
        "source_url", "target_url", "anchor", "context_left", "context_right", "source_title",
        "nofollow", "ugc", "sponsored", "first_seen", "last_seen", "lost", "language",
        "domain_rating", "url_rating", "source_traffic", "external_links", "vendor_spam_score",
    ],
    "semrush": [
        "source_url", "target_url", "anchor", "source_title", "nofollow", "ugc", "sponsored",
        "sitewide", "lost", "page_authority", "external_links", "internal_links",
    ],
    "majestic": ["source_url", "target_url", "anchor", "trust_flow", "citation_flow"],
    "moz": [
        "source_url", "target_url", "anchor", "source_title", "nofollow", "page_authority",
        "domain_authority", "vendor_spam_score",
    ],
    "gsc": ["source_url"],
}  # fmt: skip
CARRIED["ahrefs_utf8"] = CARRIED["ahrefs"]
CARRIED["canonical"] = list(canonical_links().columns)


def _write_read(df: pd.DataFrame, tmp_path: Path, vendor: str) -> pd.DataFrame:
    path = tmp_path / f"{vendor}.csv"
    write_export(df, path, vendor)
    back = read_export(path, target=TARGET if vendor == "gsc" else None)
    assert len(back) == len(df)
    return back


@pytest.mark.parametrize("vendor", VENDORS)
def test_round_trip_keeps_what_the_vendor_carries(tmp_path: Path, vendor: str) -> None:
    df = canonical_links()
    back = _write_read(df, tmp_path, vendor)
    for col in CARRIED[vendor]:
        expected = df[col].reset_index(drop=True)
        got = back[col].reset_index(drop=True)
        if col == "vendor_spam_score" and vendor.startswith("ahrefs"):
            expected = (expected > 0).astype("float64").where(expected.notna())
        pd.testing.assert_series_equal(got, expected, check_names=False, check_dtype=False)


@pytest.mark.parametrize("vendor", ["semrush", "majestic", "gsc"])
def test_day_precision_vendors_keep_the_day(tmp_path: Path, vendor: str) -> None:
    df = canonical_links()
    back = _write_read(df, tmp_path, vendor)
    cols = ["last_seen"] if vendor == "gsc" else ["first_seen", "last_seen"]
    for col in cols:
        assert (back[col] == df[col].dt.floor("D")).all(), col


@pytest.mark.parametrize(
    ("vendor", "expected"),
    [
        ("ahrefs", ["text", "image", "redirect", "frame", "form", None, "text", None]),
        ("semrush", ["text", "image", "unknown", "frame", "form", "unknown", "text", None]),
        ("majestic", ["text", "image", "redirect", "frame", "text", "text", "text", "text"]),
        ("moz", [None, None, "redirect", None, None, None, None, None]),
    ],
)
def test_round_trip_link_type(tmp_path: Path, vendor: str, expected: list[str | None]) -> None:
    back = _write_read(canonical_links(), tmp_path, vendor)
    assert [None if pd.isna(x) else x for x in back["link_type"]] == expected


def test_round_trip_ahrefs_placement_is_content_or_not(tmp_path: Path) -> None:
    back = _write_read(canonical_links(), tmp_path, "ahrefs")
    expected = ["content", "unknown", None, "content", "unknown", "unknown", "content", None]
    assert [None if pd.isna(x) else x for x in back["placement"]] == expected


def test_majestic_missing_nofollow_reads_as_false(tmp_path: Path) -> None:
    # Majestic cannot say "unknown": its false is the empty string.
    back = _write_read(canonical_links(), tmp_path, "majestic")
    assert back["nofollow"].tolist() == [True, False, False, False, True, False, False, True]


def test_rendered_bytes_follow_the_vendor_layout(tmp_path: Path) -> None:
    df = canonical_links().iloc[:2]
    write_export(df, tmp_path / "a.tsv", "ahrefs")
    raw = (tmp_path / "a.tsv").read_bytes()
    assert raw.startswith(codecs.BOM_UTF16_LE + '"Referring page title"\t'.encode("utf-16-le"))
    write_export(df, tmp_path / "m.csv", "moz")
    lines = (tmp_path / "m.csv").read_text().splitlines()
    assert lines[6].startswith("URL,Title,Anchor Text,Spam Score")
    write_export(df, tmp_path / "s.csv", "semrush")
    assert (tmp_path / "s.csv").read_text().startswith("Page ascore,Source title,Source url")
    assert detect_format(tmp_path / "m.csv") == "moz"


def test_write_export_refuses_an_unknown_vendor(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="vendor"):
        write_export(canonical_links(), tmp_path / "x.csv", "excel")
    assert not list(tmp_path.iterdir())


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    anchors=st.lists(
        st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30).map(str.strip),
        min_size=1,
        max_size=5,
    ),
    vendor=st.sampled_from(["ahrefs", "ahrefs_utf8", "semrush", "majestic", "moz", "canonical"]),
)
def test_any_anchor_text_survives_a_round_trip(
    tmp_path: Path, anchors: list[str], vendor: str
) -> None:
    df = pd.DataFrame(
        {
            "source_url": [f"https://s{i}.example/" for i in range(len(anchors))],
            "target_url": TARGET,
            "anchor": anchors,
        }
    )
    back = _write_read(df, tmp_path, vendor)
    assert back["anchor"].tolist() == anchors


# --- merging several exports ---


def test_read_exports_merges_dedupes_and_records_sources(tmp_path: Path) -> None:
    df = canonical_links()
    write_export(df, tmp_path / "ahrefs.tsv", "ahrefs")
    write_export(df.iloc[2:6], tmp_path / "majestic.csv", "majestic")
    extra = df.iloc[:1].assign(source_url="https://only-semrush.example/")
    write_export(pd.concat([df.iloc[5:], extra]), tmp_path / "semrush.csv", "semrush")
    merged = read_exports(
        [tmp_path / "ahrefs.tsv", tmp_path / "majestic.csv", tmp_path / "semrush.csv"]
    )
    assert len(merged) == len(df) + 1
    assert not merged.duplicated(["source_url", "target_url", "anchor"]).any()
    seen = dict(zip(merged["source_url"], merged["seen_in"], strict=True))
    assert seen[df["source_url"][0]] == "ahrefs.tsv"
    assert seen[df["source_url"][3]] == "ahrefs.tsv;majestic.csv"
    assert seen[df["source_url"][5]] == "ahrefs.tsv;majestic.csv;semrush.csv"
    assert seen["https://only-semrush.example/"] == "semrush.csv"
    # the first non-missing value wins column by column: Ahrefs' DR and Majestic's TF both kept
    row = merged.set_index("source_url").loc[df["source_url"][3]]
    assert row["domain_rating"] == df["domain_rating"][3]
    assert row["trust_flow"] == df["trust_flow"][3]
    # vendor columns of every file survive
    assert {"Domain rating", "SourceTrustFlow", "Page ascore"} <= set(merged.columns)


def test_search_console_rows_are_credited_to_the_anchored_links(tmp_path: Path) -> None:
    df = canonical_links().assign(target_url=TARGET)
    write_export(df.iloc[:4], tmp_path / "ahrefs.tsv", "ahrefs")
    gsc = pd.concat([df.iloc[2:4], df.iloc[7:8]])
    write_export(gsc, tmp_path / "gsc.csv", "gsc")
    merged = read_exports([tmp_path / "ahrefs.tsv", tmp_path / "gsc.csv"], target=TARGET)
    seen = dict(zip(merged["source_url"], merged["seen_in"], strict=True))
    assert len(merged) == 5
    assert seen[df["source_url"][0]] == "ahrefs.tsv"
    assert seen[df["source_url"][2]] == "ahrefs.tsv;gsc.csv"
    assert seen[df["source_url"][7]] == "gsc.csv"  # only Google saw it: kept, anchor unknown
    assert pd.isna(merged.set_index("source_url").loc[df["source_url"][7], "anchor"])
