"""First seen, last seen and lost are carried through every reader whose format has them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from linkclf.sources import read_export

EXPORTS = Path(__file__).resolve().parent / "data" / "exports"


@pytest.mark.parametrize(
    ("name", "first", "last", "lost"),
    [
        # (fixture, rows with first_seen, with last_seen, rows marked lost); None = no column.
        ("ahrefs_v3_utf16le.tsv", 3, 2, 1),
        ("ahrefs_older_utf8.csv", 1, 1, 0),
        ("semrush.csv", 2, 2, 1),
        ("semrush_legacy.csv", 1, 1, None),
        ("semrush_audit.csv", 1, 1, None),
        ("majestic_bulk.csv", 2, 2, None),
        ("gsc_latest_links.csv", 0, 3, None),
        ("canonical.csv", 1, 0, None),
    ],
)
def test_dates_and_lost_from_the_fixtures(
    name: str, first: int, last: int, lost: int | None
) -> None:
    target = "https://www.example.nl/" if name.startswith("gsc") else None
    links = read_export(EXPORTS / name, target=target)
    assert int(links["first_seen"].notna().sum()) == first
    assert int(links["last_seen"].notna().sum()) == last
    if lost is None:
        assert links["lost"].isna().all()  # absent stays missing, never "not lost"
    else:
        assert links["lost"].notna().all() and int(links["lost"].sum()) == lost


def test_majestic_api_columns(tmp_path: Path) -> None:
    path = tmp_path / "majestic.csv"
    path.write_text(
        "SourceURL,ACRank,AnchorText,Date,FlagNoFollow,FlagDeleted,TargetURL,FirstIndexedDate,"
        "LastSeenDate,ReasonLost,SourceCitationFlow,SourceTrustFlow\n"
        "https://a.nl/p,3,brood,2025-03-01,,,https://b.nl/,2024-01-02,2025-03-01,,10,12\n"
        "https://c.nl/p,3,brood,2025-03-01,,+,https://b.nl/,2023-05-06,2024-11-30,,10,12\n"
        "https://d.nl/p,3,brood,2025-03-01,,,https://b.nl/,2023-05-06,2024-10-01,Page removed,1,1\n",
        encoding="utf-8",
    )
    links = read_export(path)
    assert links["lost"].tolist() == [False, True, True]
    assert links["first_seen"].dt.strftime("%Y-%m-%d").tolist()[0] == "2024-01-02"
    assert links["last_seen"].notna().all()


def test_moz_links_api_columns(tmp_path: Path) -> None:
    path = tmp_path / "moz.csv"
    path.write_text(
        "source_page,target_page,anchor_text,page_authority,domain_authority,spam_score,"
        "date_first_seen,date_last_seen,date_disappeared\n"
        "https://a.nl/p,https://b.nl/,brood,30,40,1,2024-01-02,2025-03-01,\n"
        "https://c.nl/p,https://b.nl/,brood,30,40,1,2023-05-06,2024-11-30,2024-12-01\n",
        encoding="utf-8",
    )
    links = read_export(path)
    assert links["lost"].tolist() == [False, True]
    assert pd.Timestamp(links["first_seen"].iloc[1]).year == 2023
