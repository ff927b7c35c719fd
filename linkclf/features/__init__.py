"""Features: anchor types, URL/hostname footprints, rel flags, placement, vendor metrics, profile
aggregates, embedding relevance and projected embeddings (see docs/ARCHITECTURE.md)."""

from __future__ import annotations

from linkclf.features.builder import FeatureBuilder
from linkclf.features.e5 import E5Embedder
from linkclf.features.embed import (
    CachedEmbedder,
    Embedder,
    HashingEmbedder,
    SentenceTransformerEmbedder,
)
from linkclf.features.url import hostname_features

__all__ = [
    "CachedEmbedder",
    "E5Embedder",
    "Embedder",
    "FeatureBuilder",
    "HashingEmbedder",
    "SentenceTransformerEmbedder",
    "hostname_features",
]
