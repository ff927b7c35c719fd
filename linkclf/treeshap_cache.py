"""The built form of a model's trees for linkclf.treeshap, kept in linkclf's cache.

Building :class:`linkclf.treeshap.TreeShap` walks every root-to-leaf path of every tree in
Python (about 0.15-0.3 s for the shipped model), and ``linkclf score`` paid it at every start
whenever a link reached the threshold (issue 11: start-up of a 2k-link export). The built
arrays are saved once as ``.npz`` (``np.savez``: plain arrays, read back with
``allow_pickle=False``, never unpickled) under ``$LINKCLF_CACHE/treeshap/``, named by the
SHA-256 of the model text and of the code that gives the arrays their meaning
(linkclf/treeshap.py), so another model or another version of the code never reads them.

A file that cannot be read, fails zip's CRC check or whose arrays do not fit together is not
trusted: the trees are built from the model text again and the file is rewritten (atomically).
A read-only cache only means building every time.
"""

from __future__ import annotations

import functools
import hashlib
import zipfile
from pathlib import Path

import numpy as np

from linkclf import treeshap
from linkclf.io import atomic_open
from linkclf.treeshap import TreeShap


@functools.lru_cache(maxsize=1)
def _code_digest() -> str:
    """Digest of the code that decides what the cached arrays mean."""
    return hashlib.sha256(Path(treeshap.__file__).read_bytes()).hexdigest()[:16]


def cache_path(model_text: str, folder: Path | None = None) -> Path:
    """Where the built trees of ``model_text`` are kept (``folder`` default: linkclf's
    cache, ``$LINKCLF_CACHE/treeshap``)."""
    if folder is None:
        from linkclf.features.embed import cache_root

        folder = cache_root() / "treeshap"
    digest = hashlib.sha256(model_text.encode("utf-8")).hexdigest()
    return folder / f"{digest}-{_code_digest()}.npz"


def load_or_build(model_text: str, folder: Path | None = None) -> TreeShap:
    """:class:`TreeShap` of ``model_text``: from its cache file when that is sound, else
    built (and the file written for the next start).

    Raises
    ------
    linkclf.treeshap.Unsupported : as ``TreeShap(model_text)`` (nothing is cached).
    """
    path = cache_path(model_text, folder)
    try:
        with np.load(path, allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in stored.files}
        return TreeShap.from_arrays(arrays)
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        pass  # absent, damaged or foreign: built below and (re)written
    shap = TreeShap(model_text)
    try:
        with atomic_open(path, "wb") as handle:
            # numpy's stubs type **kwds as its own flags (allow_pickle: bool); these are arrays.
            np.savez(handle, allow_pickle=False, **shap.to_arrays())  # type: ignore[arg-type]
    except OSError:
        pass  # a read-only or full cache: built again next time
    return shap
