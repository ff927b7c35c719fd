"""Bad input: every unusable file raises one InputError line naming the file; nothing crashes."""

from __future__ import annotations

import codecs
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linkclf.errors import InputError
from linkclf.sources import detect_format, read_export, read_exports
from linkclf.sources.textio import FIELD_LIMIT

EXPORTS = Path(__file__).resolve().parent / "data" / "exports"


def assert_input_error(path: Path, match: str) -> InputError:
    with pytest.raises(InputError, match=match) as info:
        read_export(path)
    line = info.value.one_line()
    assert "\n" not in line and path.name in line
    return info.value


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"", "empty file"),
        (b"\n\r\n  \n", "empty file|blank"),
        (b"PK\x03\x04\x14\x00\x06\x00" + bytes(200), "Excel workbook"),
        (b"\x1f\x8b\x08\x00" + bytes(range(256)), "binary"),
        (bytes(range(256)) * 8, "binary"),
        (b"name,price\nboots,12\nshoes,14\n", "no recognisable source-URL column"),
    ],
)
def test_unusable_files(tmp_path: Path, content: bytes, match: str) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    assert_input_error(path, match)


def test_disavow_file_passed_by_mistake() -> None:
    err = assert_input_error(EXPORTS / "disavow.txt", "disavow file")
    assert "--existing" in err.fix


def test_gsc_summary_table_is_refused_with_the_right_export_named() -> None:
    err = assert_input_error(EXPORTS / "gsc_top_linking_sites.csv", "summary table")
    assert "Latest links" in err.fix


def test_missing_file() -> None:
    with pytest.raises(InputError, match="readable"):
        read_export(EXPORTS / "nope.csv")


def test_megabyte_field_is_refused_with_its_row(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    big = "x" * (FIELD_LIMIT + 10)
    path.write_text(
        "source_url,target_url,anchor\n"
        "https://a.example/,https://t.example/,ok\n"
        f'https://b.example/,https://t.example/,"{big}"\n'
    )
    err = assert_input_error(path, "at most 1,000,000 characters")
    assert err.where == f"{path}, row 3"


def test_broken_row_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_text("source_url,target_url\nhttps://a.example/,https://t.example/\na,b,c,d\n")
    assert_input_error(path, "line 3")


def test_no_partial_output_on_merge_failure(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"")
    with pytest.raises(InputError, match="bad.csv"):
        read_exports([EXPORTS / "semrush.csv", bad])
    with pytest.raises(InputError, match="at least one"):
        read_exports([])


# --- property tests: arbitrary input never crashes a reader with anything but InputError ---

_FAST = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _read_or_input_error(path: Path) -> None:
    try:
        detect_format(path)
        read_export(path, target="https://t.example/")
    except InputError as exc:
        assert exc.one_line()


@_FAST
@given(data=st.binary(max_size=2000))
def test_arbitrary_bytes_raise_only_input_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.bin"
    path.write_bytes(data)
    _read_or_input_error(path)


_CELL = st.text(alphabet=string.printable + "é€\u00a0\"'", max_size=12)
_HEADERS = st.sampled_from(
    [
        "source_url,target_url,anchor,nofollow,first_seen,domain_rating",
        "Page ascore,Source title,Source url,Target url,Anchor,Nofollow,Text,Image,First seen",
        "Target URL,Source URL,Anchor Text,FlagNoFollow,SourceTrustFlow,Source Crawl Date",
        "Linking page,Last crawled",
        "URL,Title,Anchor Text,Spam Score,Page Authority,Target URL,Only rel=nofollow",
    ]
)


@_FAST
@given(
    header=_HEADERS,
    rows=st.lists(st.lists(_CELL, max_size=8), max_size=6),
    sep=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
)
def test_arbitrary_csv_text_raises_only_input_error(
    tmp_path: Path, header: str, rows: list[list[str]], sep: str, encoding: str
) -> None:
    text = header.replace(",", sep) + "\n" + "".join(sep.join(r) + "\n" for r in rows)
    path = tmp_path / "fuzz.csv"
    path.write_bytes(text.encode(encoding, errors="replace"))
    _read_or_input_error(path)


def test_utf16_fixture_truncated_to_an_odd_byte_still_reads_or_fails_cleanly(
    tmp_path: Path,
) -> None:
    data = (EXPORTS / "ahrefs_v3_utf16le.tsv").read_bytes()
    path = tmp_path / "cut.tsv"
    path.write_bytes(data[: len(data) // 2 + 1])
    assert path.read_bytes().startswith(codecs.BOM_UTF16_LE)
    _read_or_input_error(path)


REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real" / "disavow"


def test_real_disavow_files_are_refused_as_disavow_files() -> None:
    files = sorted(REAL.rglob("*.txt")) if REAL.is_dir() else []
    if not files:
        pytest.skip(f"real disavow files not found at {REAL}")
    for path in files:
        with pytest.raises(InputError, match="disavow file"):
            detect_format(path)
