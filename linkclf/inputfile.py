"""Open an input file safely and say what it is before any parser sees it.

Every command's reader (exports, scored CSVs, review sheets, disavow files, allowlists) opens
its files here, so each one refuses the same things with the same line: a path that is not a
regular file (a directory, a FIFO that would block forever, a device), a file it may not read,
and a compressed or binary file recognised by its magic bytes.
"""

from __future__ import annotations

import contextlib
import os
import stat
from typing import BinaryIO

from linkclf.errors import InputError

#: Magic bytes -> what the file is and how to get text out of it.
_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\x1f\x8b", "a gzip-compressed file", "decompress it first (gunzip -k FILE)"),
    (b"PK\x03\x04", "a zip archive or Excel workbook (.xlsx)", "unzip it or export it as CSV"),
    (b"PK\x05\x06", "an empty zip archive", "export the data as CSV"),
    (b"\xfd7zXZ\x00", "an xz-compressed file", "decompress it first (unxz -k FILE)"),
    (b"\x28\xb5\x2f\xfd", "a zstd-compressed file", "decompress it first (unzstd FILE)"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", "extract it first"),
    (b"%PDF", "a PDF document", "export the data as CSV instead"),
    (b"\xd0\xcf\x11\xe0", "an old Excel (.xls) workbook", "save it as CSV in Excel first"),
)
_BZIP2_BLOCKS = (b"1AY&SY", b"\x17rE8P\x90")


def container_of(head: bytes) -> tuple[str, str] | None:
    """(what the file is, how to fix it) when ``head`` starts like a compressed/binary file."""
    for magic, what, fix in _SIGNATURES:
        if head.startswith(magic):
            return what, fix
    if head[:3] == b"BZh" and head[3:4].isdigit() and head[4:10] in _BZIP2_BLOCKS:
        return "a bzip2-compressed file", "decompress it first (bunzip2 -k FILE)"
    return None


def utf16_byte_order(probe: bytes) -> str | None:
    """``utf-16-le`` / ``utf-16-be`` for BOM-less UTF-16 text, recognised by its NUL pattern.

    ASCII-range text in UTF-16 has a NUL in one byte of every pair; binary data does not.
    """
    half = max(len(probe) // 2, 1)
    even_nul, odd_nul = probe[0::2].count(0), probe[1::2].count(0)
    if odd_nul > 0.3 * half and even_nul < 0.05 * half:
        return "utf-16-le"
    if even_nul > 0.3 * half and odd_nul < 0.05 * half:
        return "utf-16-be"
    return None


def refuse_container(head: bytes, where: str, what: str) -> None:
    """Raise InputError when ``head`` is a compressed or binary file, not ``what``."""
    found = container_of(head)
    if found is not None:
        raise InputError(
            expected=what, found=f"{found[0]} (binary, not text)", fix=found[1], where=where
        )


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def open_regular(path: str | os.PathLike[str], what: str = "a readable file") -> BinaryIO:
    """Open ``path`` for reading bytes if it is a regular file, else one clear InputError.

    The file is opened non-blocking first and checked with ``fstat`` (a FIFO would otherwise
    block ``open`` until a writer appears); then it is read as an ordinary blocking file.
    """
    where = str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise InputError(
            expected=what, found="nothing at that path", fix="check the path", where=where
        ) from None
    except PermissionError:
        raise InputError(
            expected=what,
            found="a file you may not read (permission denied)",
            fix="check the file's permissions (chmod u+r FILE) or copy it somewhere readable",
            where=where,
        ) from None
    except OSError as exc:
        raise InputError(
            expected=what,
            found=f"a path that cannot be opened ({exc.strerror or exc})",
            fix="check the path",
            where=where,
        ) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise InputError(
                expected=f"{what} (a regular file)",
                found=_kind(mode),
                fix="pass the path of the file itself",
                where=where,
            )
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        with contextlib.suppress(OSError):
            os.close(fd)
        raise


def read_head(path: str | os.PathLike[str], size: int, what: str = "a readable file") -> bytes:
    """The first ``size`` bytes of a regular file (see :func:`open_regular`)."""
    with open_regular(path, what) as handle:
        try:
            return handle.read(size)
        except OSError as exc:
            raise InputError(
                expected=what,
                found=f"a file that cannot be read ({exc.strerror or exc})",
                fix="check the disk and the path",
                where=str(path),
            ) from None


def read_bytes(
    path: str | os.PathLike[str], what: str = "a readable file", max_bytes: int | None = None
) -> bytes:
    """A whole regular file's bytes; over ``max_bytes`` is refused before reading it all."""
    with open_regular(path, what) as handle:
        if max_bytes is not None:
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                raise InputError(
                    expected=f"{what} of at most {max_bytes:,} bytes",
                    found=f"{size:,} bytes",
                    fix="pass the right file, or split it",
                    where=str(path),
                )
        try:
            return handle.read()
        except OSError as exc:
            raise InputError(
                expected=what,
                found=f"a file that cannot be read ({exc.strerror or exc})",
                fix="check the disk and the path",
                where=str(path),
            ) from None
