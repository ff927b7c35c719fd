"""Stream an export into canonical chunks; read one file or merge several.

One code path for every vendor: ``detect.sniff`` finds the encoding, delimiter and header line
from the head of the file, then pandas' C parser reads the decoded text stream in chunks and the
vendor's :class:`~linkclf.sources.base.Spec` maps each chunk to canonical columns.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator, Sequence
from typing import Any, BinaryIO, TextIO

import numpy as np
import pandas as pd

from linkclf import limits, opening
from linkclf.errors import InputError
from linkclf.schema import SEEN_IN, conform
from linkclf.sources import arrowcsv, textio
from linkclf.sources.detect import Layout, sniff_head

#: Links are the same link when these match (exactly, after stripping whitespace).
DEDUPE_KEY = ("source_url", "target_url", "anchor")


def iter_export(
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    chunksize: int = 50_000,
    target: str | None = None,
) -> Iterator[pd.DataFrame]:
    """Read an export in chunks of canonical rows, with bounded memory.

    Parameters
    ----------
    path : the export file.
    format : force the vendor (``ahrefs``, ``semrush``, ...); detected when None.
    chunksize : rows per chunk.
    target : target URL for rows without one. Search Console exports have no target column, so
        reading one without ``target`` raises; for other formats it only fills blanks.

    Yields
    ------
    pandas.DataFrame
        canonical columns (conformed), then every vendor column under its original header, then
        ``seen_in`` (the file name).

    Raises
    ------
    InputError
        one line naming the file (and row), for anything that cannot be read.
    """
    for _, chunk in _iter_layout(path, format, chunksize, target, require_target=True):
        yield chunk


def _no_target(where: str, found: str = "no target given") -> InputError:
    return InputError(
        expected="a target URL for a Search Console export (it has no target column)",
        found=found,
        fix="pass --target https://your-site.example/ (read_export(..., target=...)), or "
        "score it together with a vendor export of that one site",
        where=where,
    )


def _iter_layout(
    path: str | os.PathLike[str],
    format: str | None,
    chunksize: int,
    target: str | None,
    *,
    require_target: bool,
) -> Iterator[tuple[Layout, pd.DataFrame]]:
    """(layout, canonical chunk) pairs; one open of ``path`` (see linkclf.opening)."""
    if chunksize < 1:
        raise ValueError(f"chunksize must be at least 1, got {chunksize}")
    with opening.open_input(path, textio.sample_size()) as opened:
        where = opened.where
        layout = sniff_head(opened.head, opened.truncated, where, format)
        if layout.format == "gsc" and not target and require_target:
            raise _no_target(where)
        first_row = layout.skip + 2  # 1-based, header line = row skip + 1
        if arrowcsv.usable(layout, opened.container) and not opening.is_stdin(path):
            raw = _arrow_chunks(path, opened, layout, chunksize, first_row)
        else:
            raw = _text_chunks(opened.stream, layout, chunksize, where, first_row)
        emitted = False
        max_rows = limits.current().max_rows
        for chunk in raw:
            _check_field_size(chunk, where, first_row)
            first_row += len(chunk)
            if first_row - layout.skip - 2 > max_rows:
                raise InputError(
                    expected=f"an export of at most {max_rows:,} rows",
                    found="more",
                    fix="split the export (or raise LINKCLF_MAX_ROWS)",
                    where=where,
                )
            emitted = True
            yield layout, _to_canonical(chunk, layout, opened.name, target)
        if not emitted:
            empty = pd.DataFrame({h: pd.Series([], dtype="str") for h in layout.header})
            yield layout, _to_canonical(empty, layout, opened.name, target)


def _text_chunks(
    stream: BinaryIO, layout: Layout, chunksize: int, where: str, first_row: int
) -> Iterator[pd.DataFrame]:
    """Raw string chunks of the content ``stream``, decoded and parsed by pandas."""
    handle = textio.wrap_text(stream, layout.codec)
    for _ in range(layout.skip):
        handle.readline()
    yield from _chunks(handle, layout, chunksize, where, first_row)


def _arrow_chunks(
    path: str | os.PathLike[str],
    opened: opening.Opened,
    layout: Layout,
    chunksize: int,
    first_row: int,
) -> Iterator[pd.DataFrame]:
    """Raw string chunks parsed by Arrow (see linkclf.sources.arrowcsv), the frames pandas
    gives; from the first chunk Arrow cannot read as pandas would, pandas reads the file again
    from the start and its chunks are given from that row on (so its rows and its errors are
    the ones pandas alone gives)."""
    given = 0
    try:
        text = textio.decode_head(opened.head, layout.codec, truncated=opened.truncated)
        names = _pandas_header(text, layout.delimiter)
        for frame in arrowcsv.chunks(opened.stream, layout, names, chunksize):
            yield frame
            given += len(frame)
        if given:
            return
    except (arrowcsv.Unsupported, pd.errors.ParserError, pd.errors.EmptyDataError):
        pass
    # Arrow gave whole chunks of ``chunksize`` rows, so pandas' chunks before ``given`` are
    # exactly the ones already given. (The file is a regular file: it can be read again.)
    with opening.open_input(path, textio.sample_size()) as again:
        for frame in _text_chunks(again.stream, layout, chunksize, again.where, first_row):
            if given:
                given -= len(frame)
                continue
            yield frame


def pandas_options(delimiter: str) -> dict[str, Any]:
    """How pandas reads an export: every cell a string, nothing read as missing, and no column
    taken as the index."""
    return {
        "sep": delimiter,
        "quotechar": '"',
        "dtype": str,
        "keep_default_na": False,
        "na_filter": False,
        "engine": "c",
        "skip_blank_lines": True,
        # Rows longer than the header (a delimiter at the end of every data row, as some
        # exports and spreadsheet re-saves write) keep their first fields. Without this pandas
        # took the extra leading fields as the index and shifted every column by one: the
        # target URL read as the source, the anchor as the target, scored without a word.
        "index_col": False,
    }


def _pandas_header(head_text: str, delimiter: str) -> list[str]:
    """The column names pandas gives the first record of ``head_text`` (with its renaming of
    duplicate and blank names): what the Arrow reader must find (linkclf.sources.arrowcsv)."""
    frame = pd.read_csv(io.StringIO(head_text), nrows=0, **pandas_options(delimiter))
    return [str(c) for c in frame.columns]


def _chunks(
    handle: TextIO, layout: Layout, chunksize: int, where: str, first_row: int
) -> Iterator[pd.DataFrame]:
    try:
        reader = pd.read_csv(handle, chunksize=chunksize, **pandas_options(layout.delimiter))
        with reader:
            yield from reader
    except pd.errors.EmptyDataError:
        return
    except (pd.errors.ParserError, csv.Error, ValueError, UnicodeError, OverflowError) as exc:
        raise InputError(
            expected=f"well-formed {layout.format} rows ({_delimiter_name(layout.delimiter)}"
            "-separated, quotes balanced)",
            found=_parser_message(exc, layout.skip),
            fix="re-export the file, or fix or delete the broken row",
            where=where,
        ) from None


def _delimiter_name(delimiter: str) -> str:
    return {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}.get(delimiter, delimiter)


def _parser_message(exc: Exception, skip: int) -> str:
    text = " ".join(str(exc).split())[:200]
    # pandas counts lines from the header; the user counts from the top of the file.
    if skip:
        text += f" (line numbers after the {skip} preamble line(s))"
    return text


def _check_field_size(chunk: pd.DataFrame, where: str, first_row: int) -> None:
    limit = limits.current().max_field_chars
    for col in chunk.columns:
        if not _has_longer(chunk[col], limit):
            continue
        lengths = chunk[col].str.len()
        if len(lengths) and lengths.max() > limit:
            row = first_row + int(np.argmax(lengths.to_numpy(dtype="float64", na_value=0)))
            raise InputError(
                expected=f"fields of at most {limit:,} characters",
                found=f"{int(lengths.max()):,} characters in column {str(col)[:40]!r}",
                fix="the file is broken (an unclosed quote swallows rows) or not an export; "
                "re-export it",
                where=f"{where}, row {row}",
            )


def _has_longer(column: pd.Series, limit: int) -> bool:
    """Whether a column of strings has a cell of more than ``limit`` characters. In Arrow for
    pandas' Arrow strings (pandas' str.len().max() of every column cost 5% of reading)."""
    if isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "pyarrow":
        import pyarrow.compute as pc

        values = column.array.__arrow_array__()
        # A character is at least one byte: when no cell has more bytes than the limit (nearly
        # always), no cell has more characters; byte lengths come from the offsets.
        if (pc.max(pc.binary_length(values)).as_py() or 0) <= limit:
            return False
        return (pc.max(pc.utf8_length(values)).as_py() or 0) > limit
    lengths = column.str.len()
    return bool(len(lengths) and lengths.max() > limit)


def _to_canonical(
    chunk: pd.DataFrame, layout: Layout, name: str, target: str | None
) -> pd.DataFrame:
    canonical = layout.spec.to_canonical(chunk, decimal_comma=layout.delimiter == ";")
    if target:
        have = canonical.get("target_url")
        fill = pd.Series(target, index=chunk.index, dtype="string")
        canonical["target_url"] = fill if have is None else have.mask(have.fillna("") == "", fill)
    columns = {str(c): chunk[c] for c in chunk.columns}
    columns.update(canonical)
    columns[SEEN_IN] = pd.Series(name, index=chunk.index, dtype="string")
    out = conform(pd.DataFrame(columns, index=chunk.index))
    seen = out.pop(SEEN_IN)
    out[SEEN_IN] = seen
    return out


def read_export(
    path: str | os.PathLike[str], *, format: str | None = None, target: str | None = None
) -> pd.DataFrame:
    """Read a whole export into one canonical frame (see :func:`iter_export`).

    Examples
    --------
    >>> links = read_export("backlinks.csv")  # doctest: +SKIP
    >>> links[["source_url", "target_url", "anchor", "nofollow", "seen_in"]]  # doctest: +SKIP
    """
    return _read_one(path, format, target, require_target=True)[1]


def _read_one(
    path: str | os.PathLike[str], format: str | None, target: str | None, *, require_target: bool
) -> tuple[str, pd.DataFrame]:
    """(format name, whole canonical frame) of one export."""
    pairs = list(_iter_layout(path, format, 50_000, target, require_target=require_target))
    chunks = [chunk for _, chunk in pairs]
    out = pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0]
    return pairs[0][0].format, out.reset_index(drop=True)


def read_exports(
    paths: Sequence[str | os.PathLike[str]],
    *,
    format: str | None = None,
    target: str | None = None,
) -> pd.DataFrame:
    """Read several exports and merge them into one row per link.

    Rows are the same link when ``source_url``, ``target_url`` and ``anchor`` match. The merged
    row takes, column by column, the first non-missing value in the order the files were given
    (so Ahrefs' DR and Majestic's Trust Flow both survive), and ``seen_in`` lists every file that
    saw the link, ``;``-joined. A row from an export without anchors (Search Console) is credited
    to every anchored row with the same source page and target *site* instead of standing alone
    (Search Console names no target page).

    A Search Console export needs ``target``, unless the other exports name a single target
    site: its rows then take that site (the most common target URL's origin).
    """
    if not paths:
        raise InputError(
            expected="at least one export file",
            found="none",
            fix="pass one or more export paths",
        )
    read = [_read_one(p, format, target, require_target=len(paths) == 1) for p in paths]
    if len(read) == 1:
        return read[0][1]
    frames = [frame for _, frame in read]
    untargeted = [i for i, (fmt, _) in enumerate(read) if fmt == "gsc" and not target]
    if untargeted:
        inferred = _single_target(
            [f for i, (_, f) in enumerate(read) if i not in untargeted],
            where=", ".join(str(paths[i]) for i in untargeted),
        )
        for i in untargeted:
            frames[i] = conform(
                frames[i].assign(target_url=inferred).astype({"target_url": "string"})
            )
    from linkclf.sources.merge import merge_frames

    return merge_frames(frames)


def _single_target(frames: list[pd.DataFrame], where: str) -> str:
    """The origin of the most common target URL when ``frames`` name exactly one target site."""
    targets = pd.concat([f[["target_url", "target_site"]] for f in frames], ignore_index=True)
    targets = targets.dropna()
    sites = sorted(set(targets["target_site"].astype(str)) - {""})
    if len(sites) != 1:
        shown = ", ".join(sites[:3]) + (" ..." if len(sites) > 3 else "")
        found = (
            f"the other exports name {len(sites)} target sites ({shown})"
            if sites
            else "no other export naming the target site"
        )
        raise _no_target(where, found)
    from urllib.parse import urlsplit

    url = urlsplit(str(targets["target_url"].mode().iloc[0]).strip())
    return f"{url.scheme or 'https'}://{url.netloc}/"
