"""Arrow's CSV reader gives the canonical chunks pandas' C parser gives, or hands over to pandas.

Each file is read twice by ``iter_export``: as linkclf reads it (Arrow where
``arrowcsv.usable`` allows) and with the Arrow path switched off (pandas alone, the reader
before Arrow); the chunks, or the one-line errors, must be the same.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from linkclf.errors import InputError
from linkclf.sources import arrowcsv, reader
from linkclf.sources.reader import iter_export

HEADER = b"source_url,target_url,anchor,nofollow,domain_rating,first_seen,note\r\n"
ROW = b"https://a%d.example/p,https://t.example/x,anchor %d,false,%d,2024-05-0%d,n\r\n"


def rows(n: int, start: int = 0) -> bytes:
    return b"".join(ROW % (i, i, i % 90, 1 + i % 9) for i in range(start, start + n))


def read_both(
    path: Path, monkeypatch: pytest.MonkeyPatch, chunksize: int = 3
) -> tuple[list[pd.DataFrame] | str, list[pd.DataFrame] | str, int]:
    """(chunks as linkclf reads them, chunks pandas alone gives, Arrow chunks given): an
    InputError stands as its one line."""
    given = 0
    chunks = arrowcsv.chunks

    def counted(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        nonlocal given
        for frame in chunks(*args, **kwargs):  # type: ignore[arg-type]
            given += 1
            yield frame

    def read() -> list[pd.DataFrame] | str:
        try:
            return list(iter_export(path, chunksize=chunksize))
        except InputError as exc:
            return exc.one_line()

    with monkeypatch.context() as patch:
        patch.setattr(arrowcsv, "chunks", counted)
        fast = read()
    with monkeypatch.context() as patch:
        patch.setattr(arrowcsv, "usable", lambda *a, **k: False)
        slow = read()
    return fast, slow, given


def assert_same(fast: list[pd.DataFrame] | str, slow: list[pd.DataFrame] | str) -> None:
    if isinstance(slow, str):
        assert fast == slow
        return
    assert isinstance(fast, list)
    assert len(fast) == len(slow)
    for a, b in zip(fast, slow, strict=True):
        pd.testing.assert_frame_equal(a, b)


def test_a_plain_export_is_read_by_arrow_as_pandas_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "links.csv"
    path.write_bytes(HEADER + rows(10))
    fast, slow, given = read_both(path, monkeypatch)
    assert given == 4  # 3 + 3 + 3 + 1 rows: Arrow read all of it
    assert [len(c) for c in fast] == [3, 3, 3, 1]
    assert_same(fast, slow)


TRICKY = {
    # Arrow reads these itself:
    "quotes with delimiters, newlines and doubled quotes": HEADER
    + rows(2)
    + b'"https://q.example/","https://t.example/","a, ""quoted""\nanchor",,,,"x\r\ny"\r\n'
    + rows(4, 2),
    "blank lines": HEADER + b"\r\n" + rows(2) + b"\n\n" + rows(3, 2) + b"\r\n",
    "a UTF-8 BOM": b"\xef\xbb\xbf" + HEADER + rows(5),
    "empty fields": HEADER + b",,,,,,\r\n" + rows(2) + b"https://e.example/,,,,,,\r\n",
    "bare CR line ends": (HEADER + rows(5)).replace(b"\r\n", b"\r"),
    "no final line end": HEADER + rows(4)[:-2],
    "stray quotes inside a field": HEADER
    + b'https://s.example/a"b,https://t.example/,x"y"z,,,,\r\n',
    "non-ASCII text": HEADER + "https://bücher.de/,https://t.example/,Grüße ✓,,,,é\r\n".encode(),
    # Arrow refuses these and pandas reads them (from the first chunk Arrow did not give):
    "a whitespace-only line": HEADER + rows(4) + b"   \r\n" + rows(3, 4),
    "a short row": HEADER + rows(4) + b"https://s.example/,https://t.example/\r\n" + rows(2, 4),
    "Windows-1252 bytes late in the file": HEADER
    + rows(7)
    + b"https://w.example/,x,caf\xe9,,,,\r\n",
    "a quote after a space": HEADER
    + rows(3)
    + b'https://s.example/, "https://t.example/",a,,,,\r\n',
    "a duplicated header": HEADER.replace(b"note", b"anchor") + rows(4),
    "a blank header name": HEADER.replace(b"note", b"") + rows(4),
    "only a header": HEADER,
    "a header and blank lines": HEADER + b"\r\n\r\n",
    # ... or refuse as pandas refuses them, with pandas' own one line:
    "a broken quote": HEADER
    + rows(4)
    + b'https://b.example/,"https://t.example/,a,,,,\r\n'
    + rows(2),
    "a long row": HEADER + rows(4) + b"https://l.example/,https://t.example/,a,,,,,extra\r\n",
}


@pytest.mark.parametrize("block", [256, arrowcsv.BLOCK_BYTES])
@pytest.mark.parametrize("name", list(TRICKY))
def test_tricky_files_read_as_pandas_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, block: int
) -> None:
    monkeypatch.setattr(arrowcsv, "BLOCK_BYTES", block)  # one block, or a few rows a block
    path = tmp_path / "links.csv"
    path.write_bytes(TRICKY[name])
    fast, slow, _ = read_both(path, monkeypatch)
    assert_same(fast, slow)


def test_a_broken_quote_is_one_input_error_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(arrowcsv, "BLOCK_BYTES", 256)  # blocks of a few rows, read one by one
    path = tmp_path / "links.csv"
    path.write_bytes(TRICKY["a broken quote"])
    fast, slow, given = read_both(path, monkeypatch)
    assert isinstance(fast, str) and fast == slow
    assert "quotes balanced" in fast and "links.csv" in fast and "\n" not in fast
    assert given == 1  # the first chunk came from Arrow; pandas went on from row 4


def test_arrow_hands_over_to_pandas_at_the_chunk_it_cannot_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows Arrow gave are not given again; pandas gives the rest, the odd row included."""
    monkeypatch.setattr(arrowcsv, "BLOCK_BYTES", 256)
    path = tmp_path / "links.csv"
    path.write_bytes(TRICKY["Windows-1252 bytes late in the file"])
    fast, slow, given = read_both(path, monkeypatch)
    assert given == 2  # rows 1-6; the chunk with the Windows-1252 byte is pandas'
    assert_same(fast, slow)
    assert isinstance(fast, list)
    assert fast[-1]["anchor"].iloc[-1] == "café"
    assert list(pd.concat(fast).index) == list(range(8))


def test_layouts_arrow_is_not_used_for(tmp_path: Path) -> None:
    from linkclf.sources.detect import sniff

    plain = tmp_path / "links.csv"
    plain.write_bytes(HEADER + rows(2))
    assert arrowcsv.usable(sniff(plain), None)
    assert not arrowcsv.usable(sniff(plain), "gzip")
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes((HEADER + rows(2)).decode().encode("utf-16"))
    assert not arrowcsv.usable(sniff(utf16), None)
    preamble = tmp_path / "preamble.csv"
    preamble.write_bytes(b"Report for t.example\r\n\r\n" + HEADER + rows(2))
    assert not arrowcsv.usable(sniff(preamble), None)


def test_a_file_arrow_reads_whole_never_reaches_pandas(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "links.csv"
    path.write_bytes(HEADER + rows(7))

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("pandas read a file Arrow read whole")

    monkeypatch.setattr(reader, "_chunks", refuse)
    assert sum(len(c) for c in iter_export(path, chunksize=3)) == 7


def test_the_reading_thread_ends_with_the_reader(tmp_path: Path) -> None:
    """A caller that stops after the first chunk (an error downstream) leaves no thread."""
    import threading

    path = tmp_path / "links.csv"
    path.write_bytes(HEADER + rows(30))
    chunks = iter_export(path, chunksize=3)
    assert len(next(chunks)) == 3
    chunks.close()
    assert not [t for t in threading.enumerate() if t.name == "linkclf-csv-read"]


@pytest.mark.parametrize("chars", [40, 41])
def test_the_field_limit_counts_characters_not_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chars: int
) -> None:
    """A field of 40 two-byte characters is within a 40-character limit (80 bytes); 41 is
    refused with the same line either way."""
    monkeypatch.setenv("LINKCLF_MAX_FIELD_CHARS", "40")
    path = tmp_path / "links.csv"
    anchor = ("é" * chars).encode()
    path.write_bytes(
        HEADER + rows(2) + b"https://f.example/,https://t.example/," + anchor + b",,,,\r\n"
    )
    fast, slow, _ = read_both(path, monkeypatch)
    assert_same(fast, slow)
    if chars == 40:
        assert isinstance(fast, list) and fast[0]["anchor"].iloc[-1] == "é" * 40
    else:
        assert isinstance(fast, str) and "41 characters in column 'anchor'" in fast


def test_spilled_buckets_are_the_same_bytes_read_by_arrow_or_pandas(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """stream.spill's bucket files, read by Arrow, are the files pandas alone gives: the same
    rows, types and record batches (the scored output then cannot differ)."""
    from linkclf.stream import spill

    path = tmp_path / "links.csv"
    quoted = b'"https://q.example/","https://t2.example/","a, ""q""\nb",,,,"x\r\ny"\r\n'
    many = [
        b"https://a%d.example/p,https://t%d.example/,anchor %d,true,%d,2024-05-0%d,n\r\n"
        % (i, i % 5, i, i, 1 + i % 9)
        for i in range(40)
    ]
    path.write_bytes(HEADER + b"".join([*many[:12], quoted, b"\r\n", *many[12:]]))
    folders = []
    for arrow in (True, False):
        folder = tmp_path / f"spill-{arrow}"
        folder.mkdir()
        with monkeypatch.context() as patch:
            if not arrow:
                patch.setattr(arrowcsv, "usable", lambda *a, **k: False)
            spill([path], folder, 3, chunk_rows=7)
        folders.append(folder)
    names = sorted(p.name for p in folders[0].iterdir())
    assert names and names == sorted(p.name for p in folders[1].iterdir())
    for name in names:
        assert (folders[0] / name).read_bytes() == (folders[1] / name).read_bytes(), name


def test_a_header_name_that_is_not_utf8_is_read_by_pandas(tmp_path: Path) -> None:
    """Arrow keeps a header's bytes and fails decoding them later: pandas reads the file
    (found by tests/test_reliability_fuzz.py)."""
    from linkclf.sources import read_export

    path = tmp_path / "x.csv"
    path.write_bytes(b"source_url,ta\xf1rget_url\nhttp://a.com/,http://t.example/\n")
    assert len(read_export(path, target="https://t.example/")) == 1
