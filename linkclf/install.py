"""Install a model directory at ``--out`` in one atomic step, never touching anything else.

``train`` builds the new model in a sibling temp directory (:func:`staging_dir`, same file
system as ``--out``) and :func:`install` swaps it into place with Linux's
``renameat2(RENAME_EXCHANGE)``: the old and the new directory trade names in one system call,
so a reader (or a ``kill -9``) never finds ``--out`` missing or half-written. Where the kernel
or file system lacks the exchange, two renames are used (old -> ``.NAME.linkclf-previous``, new
-> NAME) and a run that was killed between them is repaired by the next one
(:func:`recover`). A ``current`` symlink swap would also be atomic, but it turns
``models/default`` into a symlink that copies, backups and ``rsync`` treat differently from the
directory users have today.

What may be replaced: nothing (the path is free), an empty directory, or a linkclf model
directory holding only the files a model has (:func:`check_target`); anything else -- the
training CSV itself, a folder of the user's files -- is refused before training starts.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import json
import os
import shutil
import tempfile
from pathlib import Path

from linkclf.errors import ConfigError
from linkclf.io import sweep_stale, temp_prefix

#: Names a model directory may hold (see LinkClassifier.save / FeatureBuilder.save).
MODEL_ENTRIES = frozenset({"model.json", "model.lgb.txt", "kinds.lgb.txt", "features", "README.md"})
FEATURE_ENTRIES = frozenset(
    {
        "features.json",
        "anchor_mean.npy",
        "anchor_components.npy",
        "context_mean.npy",
        "context_components.npy",
    }
)
#: Where the two-rename fallback parks the old model (not a temp name: sweep_stale keeps it).
_PREVIOUS = ".linkclf-previous"
_RENAME_EXCHANGE = 2
#: model.json larger than this is not one of ours (the real ones are a few KiB).
_MAX_META_BYTES = 16 * 1024 * 1024


def _refuse(out: Path, found: str, fix: str) -> ConfigError:
    return ConfigError(
        expected="--out to be a new path, an empty directory or a linkclf model directory",
        found=found,
        fix=fix,
        where=str(out),
    )


def is_model_dir(path: Path) -> bool:
    """Whether ``path`` is a directory whose model.json says it is a linkclf model."""
    meta = path / "model.json"
    try:
        if not meta.is_file() or meta.is_symlink() or meta.stat().st_size > _MAX_META_BYTES:
            return False
        data = json.loads(meta.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return False
    return isinstance(data, dict) and str(data.get("format", "")).startswith("linkclf-model/")


def check_target(out: str | os.PathLike[str]) -> None:
    """Refuse an ``--out`` whose replacement would lose anything but an old model.

    Raises
    ------
    ConfigError
        ``out`` is a file, a symlink, a non-empty directory that is not a linkclf model, or a
        model directory holding files a model does not have.
    """
    path = Path(out)
    recover(path)
    if not os.path.lexists(path):
        return
    if path.is_symlink():
        raise _refuse(path, "a symbolic link", "pass the directory it points to, or a new path")
    if not path.is_dir():
        raise _refuse(path, "an existing file", "pass a new directory path, e.g. models/mine")
    entries = {p.name for p in path.iterdir()}
    if not entries:
        return
    if not is_model_dir(path):
        shown = ", ".join(sorted(entries)[:5]) + (" ..." if len(entries) > 5 else "")
        raise _refuse(
            path,
            f"a directory that is not a linkclf model ({shown})",
            "pass a new directory path; linkclf replaces only its own model directories",
        )
    extra = sorted(entries - MODEL_ENTRIES)
    features = path / "features"
    if features.is_dir() and not features.is_symlink():
        extra += [f"features/{p.name}" for p in features.iterdir() if p.name not in FEATURE_ENTRIES]
    if extra:
        raise _refuse(
            path,
            f"a model directory that also holds {', '.join(extra[:5])}",
            "move those files out of the model directory first (replacing it would delete them)",
        )


def staging_dir(out: str | os.PathLike[str]) -> Path:
    """A new empty directory beside ``out`` (same file system, so the install is a rename)."""
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    sweep_stale(target)
    return Path(tempfile.mkdtemp(prefix=temp_prefix(target), dir=target.parent))


def recover(target: Path) -> None:
    """Put back a model a killed two-rename install left at ``.NAME.linkclf-previous``."""
    previous = target.with_name(f".{target.name}{_PREVIOUS}")
    if previous.is_dir() and not os.path.lexists(target):
        with contextlib.suppress(OSError):
            os.rename(previous, target)
    elif previous.is_dir() and is_model_dir(target):
        shutil.rmtree(previous, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (renameat2 RENAME_EXCHANGE); False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def install(staged: str | os.PathLike[str], out: str | os.PathLike[str]) -> None:
    """Make the model directory ``staged`` the one at ``out``; ``staged`` is consumed.

    ``staged`` should be in (or under) :func:`staging_dir`, on the file system of ``out``; one
    on another file system is first copied beside ``out``. The old model at ``out`` is removed only after the new one is
    in place.
    """
    source, target = Path(staged), Path(out)
    check_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if os.stat(source).st_dev != os.stat(target.parent).st_dev:
        sibling = staging_dir(target)
        os.rmdir(sibling)
        shutil.copytree(source, sibling)
        shutil.rmtree(source, ignore_errors=True)
        source = sibling
    if not os.path.lexists(target):
        os.rename(source, target)
        return
    if not any(target.iterdir()):  # an empty directory the user made for the model
        os.rename(source, target)  # rename(2) replaces an empty directory atomically
        return
    if _exchange(source, target):
        shutil.rmtree(source, ignore_errors=True)  # now holds the old model
        return
    previous = target.with_name(f".{target.name}{_PREVIOUS}")
    shutil.rmtree(previous, ignore_errors=True)
    os.rename(target, previous)
    os.rename(source, target)
    shutil.rmtree(previous, ignore_errors=True)
