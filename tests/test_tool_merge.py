"""Issue 13: a link is one row whichever tool saw it. A Search Console export scored with a
one-site Semrush export needs no --target, and its rows fold into Semrush's rows for the same
source page and target site (Search Console names neither the target page nor the anchor)."""

from __future__ import annotations

from pathlib import Path

import pytest

from linkclf.errors import InputError
from linkclf.sources import read_exports

SEMRUSH_HEADER = (
    "Page ascore,Source title,Source url,Target url,Anchor,External links,Internal links,"
    "Nofollow,Sponsored,Ugc,Text,Frame,Form,Image,Sitewide,First seen,Last seen,New link,"
    "Lost link\n"
)


def _semrush(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    lines = [
        f"12,Title,{src},{dst},{anchor},3,40,false,false,false,true,false,false,false,false,"
        "2025-01-01,2025-02-01,false,false\n"
        for src, dst, anchor in rows
    ]
    path.write_text(SEMRUSH_HEADER + "".join(lines), encoding="utf-8")
    return path


def _gsc(path: Path, sources: list[str]) -> Path:
    path.write_text(
        "Linking page,Last crawled\n" + "".join(f"{s},2025-03-01\n" for s in sources),
        encoding="utf-8",
    )
    return path


def test_gsc_and_semrush_for_one_site_give_one_row_per_link(tmp_path: Path) -> None:
    semrush = _semrush(
        tmp_path / "semrush.csv",
        [
            ("https://blog.a.example/post", "https://www.schoenen-shop.nl/boots", "hiking boots"),
            ("https://blog.a.example/post", "https://www.schoenen-shop.nl/", "shop"),
            ("https://forum.b.example/t/1", "https://www.schoenen-shop.nl/", "here"),
            ("https://img.c.example/g", "https://www.schoenen-shop.nl/", ""),  # image, no alt
            ("https://img.c.example/g", "https://www.schoenen-shop.nl/b", "boots"),
        ],
    )
    gsc = _gsc(
        tmp_path / "gsc.csv",
        [
            "https://blog.a.example/post",  # seen by Semrush: folds into its two links
            "https://forum.b.example/t/1",  # seen by Semrush
            "https://news.d.example/a?id=9",  # only Search Console saw it: a link of its own
        ],
    )
    links = read_exports([semrush, gsc])  # no --target: Semrush names one target site
    assert len(links) == 6  # 5 Semrush links + 1 only in GSC; none lost, none doubled
    by_source = links.groupby("source_url")["seen_in"].apply(set).to_dict()
    assert by_source["https://blog.a.example/post"] == {"semrush.csv;gsc.csv"}
    assert by_source["https://forum.b.example/t/1"] == {"semrush.csv;gsc.csv"}
    assert by_source["https://img.c.example/g"] == {"semrush.csv"}  # the image link stays
    only_gsc = links[links["source_url"] == "https://news.d.example/a?id=9"].iloc[0]
    assert only_gsc["seen_in"] == "gsc.csv"
    assert only_gsc["target_site"] == "schoenen-shop.nl"
    assert only_gsc["target_url"] == "https://www.schoenen-shop.nl/"


def test_gsc_with_a_two_site_export_still_asks_for_target(tmp_path: Path) -> None:
    semrush = _semrush(
        tmp_path / "semrush.csv",
        [
            ("https://blog.a.example/post", "https://shop.example/", "shop"),
            ("https://blog.a.example/post", "https://other.example/", "other"),
        ],
    )
    gsc = _gsc(tmp_path / "gsc.csv", ["https://blog.a.example/post"])
    with pytest.raises(InputError, match="2 target sites") as info:
        read_exports([semrush, gsc])
    assert "--target" in info.value.fix
    links = read_exports([semrush, gsc], target="https://shop.example/")
    assert len(links) == 2
