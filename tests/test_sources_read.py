"""Readers: every vendor format and quirk, read from fixtures built on the real header lines."""

from __future__ import annotations

import codecs
from pathlib import Path

import pandas as pd
import pytest

from linkclf.errors import InputError
from linkclf.schema import CANONICAL_COLUMNS, SITE_COLUMNS
from linkclf.sources import detect_format, iter_export, read_export
from linkclf.sources.ahrefs import COLUMNS as AHREFS_COLUMNS

EXPORTS = Path(__file__).resolve().parent / "data" / "exports"
TARGET = "https://shop.example/"


def read(name: str, **kwargs: object) -> pd.DataFrame:
    return read_export(EXPORTS / name, **kwargs)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ahrefs_v3_utf16le.tsv", "ahrefs"),
        ("ahrefs_v3_utf16be.tsv", "ahrefs"),
        ("ahrefs_older_utf8.csv", "ahrefs"),
        ("semrush.csv", "semrush"),
        ("semrush_legacy.csv", "semrush"),
        ("semrush_excel_semicolon.csv", "semrush"),
        ("semrush_audit.csv", "semrush_audit"),
        ("majestic_bulk.csv", "majestic"),
        ("majestic_site_explorer.csv", "majestic"),
        ("moz_legacy.csv", "moz"),
        ("gsc_latest_links.csv", "gsc"),
        ("gsc_latest_links_he.csv", "gsc"),
        ("canonical.csv", "canonical"),
    ],
)
def test_detect_format_recognises_every_fixture(name: str, expected: str) -> None:
    assert detect_format(EXPORTS / name) == expected


def test_output_layout_is_canonical_then_vendor_columns_then_seen_in() -> None:
    df = read("ahrefs_v3_utf16le.tsv")
    n = len(CANONICAL_COLUMNS)
    assert tuple(df.columns[:n]) == CANONICAL_COLUMNS
    assert tuple(df.columns[n : n + 2]) == SITE_COLUMNS
    assert tuple(df.columns[n + 2 : -1]) == AHREFS_COLUMNS
    assert df.columns[-1] == "seen_in"
    assert set(df["seen_in"]) == {"ahrefs_v3_utf16le.tsv"}


def test_ahrefs_utf16_values() -> None:
    df = read("ahrefs_v3_utf16le.tsv")
    first, spam, bare = df.iloc[0], df.iloc[1], df.iloc[2]
    assert first["source_url"] == "https://blog.wandelen.example/schoenen-test"
    assert first["target_url"] == "https://shop.example/wandelschoenen"
    assert first["anchor"] == "Meindl Borneo"
    # a quoted newline inside a field survives, CRLF row ends do not leak into values
    assert first["context_right"] == "en die viel\nbest mee."
    assert first["source_title"] == "Beste wandelschoenen 2024 – test"
    assert first["language"] == "nl"
    assert first["domain_rating"] == 54.0 and first["url_rating"] == 12.5
    assert first["link_type"] == "text" and first["placement"] == "content"
    assert not first["nofollow"] and not first["lost"]
    assert first["first_seen"] == pd.Timestamp("2023-04-01 10:11:12", tz="UTC")
    # ISO "Z" dates, image type, Content=false, spam flag, lost date
    assert spam["first_seen"] == pd.Timestamp("2023-09-15 06:30:00", tz="UTC")
    assert spam["link_type"] == "image" and spam["placement"] == "unknown"
    assert spam["nofollow"] and spam["sponsored"] and spam["lost"]
    assert spam["vendor_spam_score"] == 1.0
    assert spam["anchor"] == ""  # present but empty: an image link has no anchor text
    assert spam["source_title"] == 'Sponsored "deals"'
    # blanks in a present column: unknown, not False / 0
    assert pd.isna(bare["nofollow"]) and pd.isna(bare["domain_rating"])
    assert pd.isna(bare["placement"]) and bare["link_type"] == "unknown"
    # vendor columns are carried untouched under their own header
    assert first["Domain traffic"] == "1,240" and first["Platform"] == "wordpress"
    assert first["Type"] == "text"


def test_ahrefs_big_endian_reads_the_same_as_little_endian() -> None:
    le = read("ahrefs_v3_utf16le.tsv").drop(columns="seen_in")
    be = read("ahrefs_v3_utf16be.tsv").drop(columns="seen_in")
    pd.testing.assert_frame_equal(le, be)


def test_ahrefs_older_utf8_with_bom_and_thousands() -> None:
    df = read("ahrefs_older_utf8.csv")
    row = df.iloc[0]
    assert "UR" not in df.columns and pd.isna(row["url_rating"])
    assert row["source_title"] == "Ünïcode title"
    assert row["source_traffic"] == 12400.0
    assert (
        df.columns[len(CANONICAL_COLUMNS) + len(SITE_COLUMNS)] == "Referring page title"
    )  # BOM stripped


def test_semrush_flags_and_metrics() -> None:
    df = read("semrush.csv")
    text, image = df.iloc[0], df.iloc[1]
    assert text["source_title"] == "Review, with comma"
    assert text["page_authority"] == 41.0
    assert text["external_links"] == 1240.0 and text["internal_links"] == 88.0
    assert text["link_type"] == "text" and image["link_type"] == "image"
    assert text["sitewide"] and not image["sitewide"]
    assert image["nofollow"] and image["ugc"] and not image["sponsored"]
    assert image["lost"] and not text["lost"]
    assert image["first_seen"] == pd.Timestamp("2024-01-10 05:06:07", tz="UTC")
    assert text["last_seen"] == pd.Timestamp("2024-06-01", tz="UTC")


def test_semicolon_excel_resave_reads_like_the_original() -> None:
    df = read("semrush_excel_semicolon.csv")
    original = read("semrush.csv")
    assert df["source_url"].tolist() == original["source_url"].tolist()
    assert df.iloc[0]["external_links"] == 1240.0  # "1.240" in a European re-save
    assert df.iloc[0]["page_authority"] == 41.5  # "41,5"
    assert df["link_type"].tolist() == original["link_type"].tolist()


def test_semrush_legacy_frame_flag() -> None:
    row = read("semrush_legacy.csv").iloc[0]
    assert row["link_type"] == "frame"
    assert row["page_authority"] == 12.0 and row["nofollow"]
    assert row["Page trust score"] == "9"


def test_semrush_audit_toxicity() -> None:
    row = read("semrush_audit.csv").iloc[0]
    assert row["vendor_spam_score"] == 67.0
    assert row["Toxic markers"] == "Link network; Spam anchor"


def test_majestic_empty_string_flags() -> None:
    df = read("majestic_bulk.csv")
    plain, image, redirect = df.iloc[0], df.iloc[1], df.iloc[2]
    assert not plain["nofollow"] and image["nofollow"] and not redirect["nofollow"]
    assert [plain["link_type"], image["link_type"], redirect["link_type"]] == [
        "text",
        "image",
        "redirect",
    ]
    assert plain["trust_flow"] == 9.0 and plain["citation_flow"] == 22.0
    assert plain["TargetTrustFlow"] == "25"  # the target's flow stays a vendor column
    assert plain["first_seen"] == pd.Timestamp("2021-01-02", tz="UTC")
    assert plain["last_seen"] == pd.Timestamp("2024-04-04", tz="UTC")
    assert image["source_url"] == "https://pics.example/with space@x"
    assert pd.isna(plain["lost"])  # the bulk file has no deleted flag


def test_majestic_site_explorer_takes_the_first_column_as_source() -> None:
    row = read("majestic_site_explorer.csv").iloc[0]
    assert row["source_url"] == "https://se.example/a"
    assert row["trust_flow"] == 14.0 and row["citation_flow"] == 20.0
    assert row["first_seen"] == pd.Timestamp("2020-07-08", tz="UTC")


def test_moz_legacy_skips_the_preamble() -> None:
    df = read("moz_legacy.csv")
    assert len(df) == 2
    first, second = df.iloc[0], df.iloc[1]
    assert first["source_url"] == "moz.example/page"  # legacy Moz wrote URLs without scheme
    assert not first["nofollow"] and second["nofollow"]
    assert first["page_authority"] == 31.0 and first["domain_authority"] == 44.0
    assert second["vendor_spam_score"] == 11.0
    assert second["link_type"] == "redirect" and pd.isna(first["link_type"])


@pytest.mark.parametrize("name", ["gsc_latest_links.csv", "gsc_latest_links_he.csv"])
def test_gsc_reads_by_position_with_a_target(name: str) -> None:
    df = read(name, target=TARGET)
    assert df["source_url"].tolist()[0] == "https://blog.wandelen.example/schoenen-test"
    assert set(df["target_url"]) == {TARGET}
    assert df["last_seen"].tolist()[:2] == [
        pd.Timestamp("2026-09-28", tz="UTC"),
        pd.Timestamp("2026-09-15", tz="UTC"),  # "Sep 15, 2026"
    ]
    # nothing invented: Search Console has no anchor, rel or metrics
    for col in ("anchor", "nofollow", "link_type", "domain_rating", "first_seen"):
        assert df[col].isna().all(), col


def test_gsc_without_target_names_the_option() -> None:
    with pytest.raises(InputError, match="--target") as info:
        read("gsc_latest_links.csv")
    assert "gsc_latest_links.csv" in info.value.one_line()


def test_canonical_format_round_trips_labels_and_extras() -> None:
    df = read("canonical.csv")
    assert df["label"].tolist() == [0, 1]
    assert df["kind"].tolist() == ["natural", "pbn"]
    assert df["niche"].tolist() == ["outdoor", "outdoor"]
    assert df.iloc[0]["domain_rating"] == 45.0 and pd.isna(df.iloc[1]["domain_rating"])
    assert df.iloc[1]["nofollow"] and pd.isna(df.iloc[1]["first_seen"])


def test_format_override_reads_a_file_whose_header_is_ambiguous(tmp_path: Path) -> None:
    path = tmp_path / "links.csv"
    path.write_text("Source url,Target url,Anchor\nhttps://a.example/,https://t.example/,x\n")
    assert detect_format(path) == "canonical"  # loose generic spelling
    df = read_export(path, format="semrush")
    assert df.iloc[0]["anchor"] == "x"
    with pytest.raises(InputError, match="ahrefs"):
        read_export(path, format="ahrefs")
    with pytest.raises(InputError, match="--format"):
        read_export(path, format="excel")


def test_iter_export_yields_chunks_with_running_content() -> None:
    chunks = list(iter_export(EXPORTS / "majestic_bulk.csv", chunksize=2))
    assert [len(c) for c in chunks] == [2, 1]
    assert (
        pd.concat(chunks)["source_url"].tolist() == read("majestic_bulk.csv")["source_url"].tolist()
    )


def test_header_only_file_gives_an_empty_frame(tmp_path: Path) -> None:
    path = tmp_path / "none.csv"
    path.write_text("Source url,Target url,Anchor,Page ascore\n")
    df = read_export(path)
    assert len(df) == 0 and "Page ascore" in df.columns and "source_url" in df.columns


def test_utf16_without_bom_and_quoted_newline_and_crlf(tmp_path: Path) -> None:
    text = '"Referring page URL"\t"Target URL"\t"Anchor"\r\n"https://a.example/"\t"https://t.example/"\t"two\r\nlines"\r\n'
    path = tmp_path / "nobom.tsv"
    path.write_bytes(text.encode("utf-16-le"))
    row = read_export(path).iloc[0]
    assert row["anchor"] == "two\r\nlines" and row["target_url"] == "https://t.example/"


def test_windows_1252_bytes_in_a_utf8_file_still_read(tmp_path: Path) -> None:
    path = tmp_path / "cp1252.csv"
    path.write_bytes(
        b"source_url,target_url,anchor\nhttps://a.example/,https://t.example/,caf\xe9 cr\xe8me\n"
    )
    assert read_export(path).iloc[0]["anchor"] == "café crème"


def test_utf8_bom_header_is_clean(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(codecs.BOM_UTF8 + b"source_url,target_url\nhttps://a.example/,https://t/\n")
    assert list(read_export(path).columns[:2]) == ["source_url", "target_url"]


def test_moz_link_explorer_aliases(tmp_path: Path) -> None:
    # Unverified header (ANCHORS.md): built from the Moz Links API v2 field names.
    path = tmp_path / "moz_le.csv"
    path.write_text(
        "Source URL,Title,Anchor Text,Target URL,Page Authority,Domain Authority,Spam Score,"
        "Date First Seen,Date Last Seen,Date Lost\n"
        "https://a.example/,T,boots,https://shop.example/,30,40,1%,2024-01-02,2024-03-04,\n"
        "https://b.example/,T,boots,https://shop.example/,30,40,60%,2024-01-02,2024-03-04,"
        "2024-05-06\n"
    )
    assert detect_format(path) == "moz"
    df = read_export(path)
    assert df["vendor_spam_score"].tolist() == [1.0, 60.0]
    assert df["lost"].tolist() == [False, True]
    assert df["first_seen"].iloc[0] == pd.Timestamp("2024-01-02", tz="UTC")


def test_generic_small_tool_format(tmp_path: Path) -> None:
    path = tmp_path / "tracelinker.csv"
    path.write_text(
        "source_url,target_url,anchor_text,rel,dr\nhttps://a.example/,https://t.example/,hi,,12\n"
    )
    row = read_export(path).iloc[0]
    assert row["anchor"] == "hi" and row["domain_rating"] == 12.0 and row["rel"] == ""


def test_chunksize_must_be_positive() -> None:
    with pytest.raises(ValueError, match="chunksize"):
        next(iter_export(EXPORTS / "semrush.csv", chunksize=0))


@pytest.mark.parametrize("size", [3, 60_000])  # one pandas chunk; several (Arrow, then pandas)
def test_a_delimiter_at_the_end_of_every_data_row_shifts_no_column(
    tmp_path: Path, size: int
) -> None:
    """Some exports and spreadsheet re-saves end every data row with a delimiter the header
    lacks. Each value stays in its column (pandas used to take the first field as the index:
    the target URL read as the source, the anchor as the target)."""
    rows = [f"https://blog{i}.example/post,{TARGET}page,anchor {i}," for i in range(size)]
    path = tmp_path / "trailing.csv"
    path.write_text("source_url,target_url,anchor\n" + "\n".join(rows) + "\n", encoding="utf-8")
    links = read_export(path)
    assert len(links) == size
    assert links["source_url"].iloc[-1] == f"https://blog{size - 1}.example/post"
    assert links["target_url"].iloc[0] == f"{TARGET}page"
    assert links["anchor"].iloc[-1] == f"anchor {size - 1}"
    assert links["referring_domain"].iloc[0] == "blog0.example"
