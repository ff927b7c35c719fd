"""The real embedders (slow): all-MiniLM-L6-v2 and its distilled static version.

The static model is distilled into $LINKCLF_CACHE on first use (~25 s once per test session;
conftest points LINKCLF_CACHE at a temporary directory).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

CLOSE = ("buy cheap running shoes online", "discount sneakers for sale")
FAR = "the history of the roman empire"


def _check_semantics(embedder: Any) -> None:
    vecs = embedder.encode([*CLOSE, FAR, "", "   "])
    assert vecs.shape == (5, embedder.dim) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs[:3], axis=1), 1.0, atol=1e-5)
    close = float(vecs[0] @ vecs[1])
    far = max(float(vecs[0] @ vecs[2]), float(vecs[1] @ vecs[2]))
    assert close > far + 0.1, (close, far)
    assert not vecs[3].any() and not vecs[4].any()  # empty text -> zero vector
    # Same text, same vector, whatever else is in the batch.
    np.testing.assert_allclose(embedder.encode([CLOSE[0]])[0], vecs[0], atol=1e-5)


@pytest.mark.slow
def test_sentence_transformer_embedder_is_semantic() -> None:
    from linkclf.features import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder()
    assert embedder.name == "minilm" and embedder.dim == 384
    _check_semantics(embedder)


@pytest.mark.slow
def test_static_embedder_is_semantic() -> None:
    from linkclf.features.static import StaticEmbedder, static_model_dir

    embedder = StaticEmbedder()
    assert embedder.dim == 128
    _check_semantics(embedder)
    assert (static_model_dir() / "model.safetensors").is_file()
    assert not list(static_model_dir().glob("*.pkl"))
