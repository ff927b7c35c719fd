"""Read a plain UTF-8 export with Arrow's CSV reader, giving the frames pandas' C parser gives.

Pandas' C parser with ``dtype=str`` was half of reading an export: it tokenises in C, but then
builds a Python string per cell and turns those into Arrow strings for pandas' ``str`` dtype.
Arrow's reader (C++, multi-threaded) makes the Arrow strings directly, about five times faster.

It is only used where it gives exactly what pandas gives (``reader._chunks``), which is decided
in two steps:

* by the sniffed layout (:func:`usable`): UTF-8 (with or without a BOM: Arrow skips it as the
  ``utf-8-sig`` codec does), no preamble lines, at least two columns (a whitespace-only line is
  skipped by pandas but is a one-field row to Arrow; with two columns or more it is an error);
* row by row: everything else the two parsers treat differently is an error to Arrow -- rows
  with fewer or more fields than the header (pandas pads them, or takes the first column as the
  index), whitespace-only lines, a quote after a space, bytes that are not UTF-8 (pandas'
  decoder reads them as Windows-1252), unbalanced quotes -- and so is a header pandas renames
  (duplicates, blanks). :class:`Unsupported` then tells the reader to hand the file to pandas
  from the first row Arrow did not give (tests/test_reader_arrow.py compares the two on such
  files).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, BinaryIO

import pandas as pd

from linkclf.sources.detect import Layout

if TYPE_CHECKING:
    import pyarrow as pa

#: Bytes Arrow parses at a time (each block is parsed on its own thread).
BLOCK_BYTES = 4 * 2**20
#: Chunks read ahead of the caller (each ~25 MB of text for 50,000 links).
READ_AHEAD = 1
#: Codecs whose text Arrow reads as pandas reads the decoded text (a UTF-8 BOM is skipped).
CODECS = ("utf-8", "utf-8-sig")


class Unsupported(Exception):
    """Arrow cannot read the rest of the file as pandas would: pandas reads it."""


def usable(layout: Layout, container: str | None) -> bool:
    """Whether a file of this layout may be read by Arrow (see the module's notes)."""
    return (
        container is None
        and layout.codec in CODECS
        and layout.skip == 0
        and len(layout.header) >= 2
        and len(layout.delimiter) == 1
    )


def chunks(
    stream: BinaryIO, layout: Layout, names: list[str], chunksize: int
) -> Iterator[pd.DataFrame]:
    """Frames of ``chunksize`` rows (the last one shorter) of string columns named ``names``,
    each indexed by its rows' positions as pandas' chunked reader indexes them.

    The next chunk is read by a thread while the caller works on this one: Arrow parses
    without Python's lock, so reading costs the caller little more than waiting for the
    frame (on two cores, read + spill of 1M links took 1.5 s less).

    Raises
    ------
    Unsupported
        at the first block Arrow cannot read as pandas would (nothing of it was yielded).
    """
    results: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=READ_AHEAD)
    stop = threading.Event()

    def put(item: tuple[str, Any]) -> bool:
        while not stop.is_set():
            try:
                results.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False  # the caller stopped reading

    def produce() -> None:
        try:
            for frame in _read(stream, layout, names, chunksize):
                if not put(("frame", frame)):
                    return
            put(("end", None))
        except BaseException as exc:  # handed to the caller, raised there
            put(("error", exc))

    thread = threading.Thread(target=produce, name="linkclf-csv-read", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = results.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()
        thread.join()  # the stream is the caller's again


def _read(
    stream: BinaryIO, layout: Layout, names: list[str], chunksize: int
) -> Iterator[pd.DataFrame]:
    """:func:`chunks`, read in this thread."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    try:
        reader = pcsv.open_csv(
            stream,
            read_options=pcsv.ReadOptions(block_size=BLOCK_BYTES, use_threads=True),
            parse_options=pcsv.ParseOptions(
                delimiter=layout.delimiter,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=True,
                ignore_empty_lines=True,
            ),
            convert_options=pcsv.ConvertOptions(
                column_types={name: pa.string() for name in names},
                null_values=[],
                true_values=[],
                false_values=[],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        if reader.schema.names != names:
            raise Unsupported(f"header {reader.schema.names[:5]} is not pandas' {names[:5]}")
        string = pd.api.types.pandas_dtype(str)
        mapper = {pa.string(): string}.get if isinstance(string, pd.StringDtype) else None
        held: list[pa.RecordBatch] = []
        have = start = 0
        for batch in reader:
            held.append(batch)
            have += batch.num_rows
            while have >= chunksize:
                table = pa.Table.from_batches(held, schema=reader.schema)
                rest = table.slice(chunksize)
                held, have = rest.to_batches(), rest.num_rows
                yield _frame(table.slice(0, chunksize), mapper, start)
                start += chunksize
        if have:
            yield _frame(pa.Table.from_batches(held, schema=reader.schema), mapper, start)
    except (pa.ArrowException, UnicodeError) as exc:
        # UnicodeError: a header name that is not UTF-8 (Arrow keeps the bytes; reading the
        # name back decodes them). pandas reads such a file as it always has.
        raise Unsupported(str(exc)) from None


def _frame(
    table: pa.Table, mapper: Callable[[pa.DataType], object] | None, start: int
) -> pd.DataFrame:
    """One chunk as pandas' reader gives it: one contiguous array a column (as pandas builds
    them, so the spilled Arrow files are the same bytes), indexed from ``start``."""
    frame = table.combine_chunks().to_pandas(types_mapper=mapper)
    frame.index = pd.RangeIndex(start, start + len(frame))
    return frame
