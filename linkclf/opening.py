"""Open an input once, whatever it is: a file, ``-`` (stdin), a pipe, gzip, a one-file zip, xlsx.

Every reader of tables (exports, scored files) opens its input here. The first bytes are read
once into a *head* and then served again ahead of the rest of the stream (:class:`_Replay`), so
format detection never reopens the input: a pipe can only be read once (reading
``/dev/stdin`` twice lost half the rows and the header). Compression is recognised by its magic
bytes, not by the file name:

* gzip is decompressed as a stream;
* a zip holding one file is read through that file (``__MACOSX/`` and dot-files ignored);
* an Excel workbook (``.xlsx``, a zip with ``xl/workbook.xml``) has its first sheet turned into
  CSV text with python-calamine (5-10x faster than openpyxl: ``make bench``);

and what comes out goes through the same detection and the same errors as a CSV. Everything
else binary (bzip2, xz, zstd, 7z, PDF, .xls) is refused by :mod:`linkclf.inputfile` with one
line.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import gzip
import io
import os
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any, BinaryIO

from linkclf import inputfile
from linkclf.errors import InputError

#: Paths that mean "standard input" (read from the already-open descriptor, never reopened).
STDIN_NAMES = frozenset({"-", "/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"})
#: A zip from a pipe is spooled to a temp file (zip needs seeking); in memory up to this size.
_SPOOL_BYTES = 64 * 1024 * 1024
_GZIP = b"\x1f\x8b"
_ZIP = b"PK\x03\x04"


@dataclass
class Opened:
    """An opened input: ``head`` is its first bytes, ``stream`` all of them from byte 0.

    ``head`` and ``stream`` are the *content*: decompressed, and for a workbook its first sheet
    as UTF-8 CSV. ``where`` names the input in messages; ``name`` is what ``seen_in`` records.
    """

    where: str
    name: str
    head: bytes
    stream: BinaryIO
    container: str | None = None
    #: Whether ``head`` stopped before the end of the content.
    truncated: bool = False


def is_stdin(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` names standard input (``-``, ``/dev/stdin``)."""
    return str(path) in STDIN_NAMES


def display_name(path: str | os.PathLike[str]) -> str:
    """The name used in ``seen_in`` and messages: the file name, or ``stdin``."""
    return "stdin" if is_stdin(path) else os.path.basename(os.fspath(path)) or str(path)


class _Replay(io.RawIOBase):
    """``head`` then whatever ``rest`` still holds: a peek that costs no second open.

    Closing it leaves ``rest`` open: :func:`open_input` owns (and closes) what it opened, and
    never closes stdin.
    """

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._head.nbytes:
            n = min(len(buffer), self._head.nbytes)
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        return n


def _read_up_to(stream: IO[bytes], size: int) -> bytes:
    """Up to ``size`` bytes: pipes and decompressors return short reads before the end."""
    parts: list[bytes] = []
    got = 0
    while got < size:
        chunk = stream.read(size - got)
        if not chunk:
            break
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts)


def _peek(stream: IO[bytes], size: int) -> tuple[bytes, BinaryIO, bool]:
    """(first ``size`` bytes, a stream from byte 0, whether there is more after them)."""
    head = _read_up_to(stream, size + 1)
    more = len(head) > size
    replay = io.BufferedReader(_Replay(head, stream), buffer_size=1024 * 1024)
    return head[:size], replay, more


def _bad(where: str, what: str, found: str, fix: str) -> InputError:
    return InputError(expected=what, found=found, fix=fix, where=where)


@contextlib.contextmanager
def open_input(
    path: str | os.PathLike[str], head_size: int, what: str = "a readable export file"
) -> Iterator[Opened]:
    """Open ``path`` (or stdin) once and yield its decoded content with its first bytes.

    Parameters
    ----------
    path : a file path, or ``-`` / ``/dev/stdin`` for standard input.
    head_size : how many bytes of content detection needs.
    what : what the caller expects, for messages ("a readable export file").

    Raises
    ------
    InputError
        not a regular file (a named FIFO, a directory), unreadable, a broken gzip or zip, a zip
        with no or several files, a workbook without rows.
    """
    where = "stdin" if is_stdin(path) else str(path)
    with contextlib.ExitStack() as stack:
        if is_stdin(path):
            raw: IO[bytes] = sys.stdin.buffer
        else:
            raw = stack.enter_context(inputfile.open_regular(path, what))
        magic = _read_up_to(raw, 4)
        stream: IO[bytes] = io.BufferedReader(_Replay(magic, raw))
        container = None
        if magic.startswith(_GZIP):
            container = "gzip"
            stream = gzip.GzipFile(fileobj=stream, mode="rb")  # type: ignore[assignment]
        elif magic.startswith(_ZIP):
            stream, container = _open_zip(stream, raw, where, what, stack)
        stack.callback(stream.close)
        try:
            head, content, more = _peek(stream, head_size)
        except (OSError, EOFError, zlib.error) as exc:
            raise _bad(
                where,
                what,
                f"a broken {container or 'compressed'} file (binary, cannot be decompressed: {exc})",
                "download or compress it again",
            ) from None
        if container == "gzip":
            content = _GuardedGzip(content, where, what)  # type: ignore[assignment]
        yield Opened(where, display_name(path), head, content, container, truncated=more)


class _GuardedGzip(io.BufferedIOBase):
    """A gzip stream whose corruption mid-file is an InputError, not a traceback."""

    def __init__(self, inner: BinaryIO, where: str, what: str) -> None:
        self._inner, self._where, self._what = inner, where, what

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        try:
            return self._inner.read(-1 if size is None else size)
        except (OSError, EOFError, zlib.error) as exc:
            raise _bad(
                self._where, self._what, f"a gzip file broken mid-way ({exc})", "download it again"
            ) from None

    def read1(self, size: int = -1) -> bytes:
        return self.read(size)

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _seekable(stream: IO[bytes], raw: IO[bytes], stack: contextlib.ExitStack) -> IO[bytes]:
    """The zip's bytes in a seekable file: the file itself, or a spool of the pipe."""
    if raw is not sys.stdin.buffer and raw.seekable():
        raw.seek(0)
        return raw
    spool = stack.enter_context(tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES))
    while chunk := stream.read(1024 * 1024):
        spool.write(chunk)
    spool.seek(0)
    return spool  # type: ignore[return-value]


def _open_zip(
    stream: IO[bytes], raw: IO[bytes], where: str, what: str, stack: contextlib.ExitStack
) -> tuple[IO[bytes], str]:
    try:
        archive = stack.enter_context(zipfile.ZipFile(_seekable(stream, raw, stack)))
        names = [
            info.filename
            for info in archive.infolist()
            if not info.is_dir() and not _is_clutter(info.filename)
        ]
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise _bad(
            where,
            what,
            f"a zip archive or Excel workbook that cannot be opened ({exc})",
            "download it again, or extract the export and pass the CSV",
        ) from None
    if "xl/workbook.xml" in archive.namelist():
        return _xlsx_as_csv(archive, where, what), "xlsx"
    if len(names) != 1:
        shown = ", ".join(names[:5]) + (" ..." if len(names) > 5 else "")
        raise _bad(
            where,
            f"{what} (a zip holding one export)",
            f"a zip with {len(names)} files" + (f" ({shown})" if names else ""),
            "extract the export you mean and pass it, or zip it alone",
        )
    try:
        return archive.open(names[0]), "zip"
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError) as exc:
        raise _bad(
            where, what, f"a zip member that cannot be read ({exc})", "extract it and pass it"
        ) from None


def _is_clutter(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return name.startswith("__MACOSX/") or base.startswith(".") or base == "Thumbs.db"


def _cell_text(value: object) -> str:
    """A workbook cell as the vendor's CSV would write it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def _xlsx_as_csv(archive: zipfile.ZipFile, where: str, what: str) -> BinaryIO:
    """The first sheet with data, as UTF-8 CSV bytes (the same detection then reads it)."""
    from python_calamine import CalamineWorkbook

    handle = archive.fp
    assert handle is not None
    handle.seek(0)
    try:
        book = CalamineWorkbook.from_filelike(handle)  # type: ignore[arg-type]
        rows: list[list[Any]] = []
        for sheet in book.sheet_names:
            rows = list(book.get_sheet_by_name(sheet).to_python(skip_empty_area=True))
            if rows:
                break
    except Exception as exc:  # calamine raises its own error types for broken workbooks
        raise _bad(
            where,
            what,
            f"an Excel workbook that cannot be read ({str(exc)[:200]})",
            "open it in Excel and save it again, or export the report as CSV",
        ) from None
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_cell_text(v) for v in row])
    return io.BytesIO(text.getvalue().encode("utf-8"))
