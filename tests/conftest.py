"""Shared fixtures: a small labelled link set with learnable footprints, and an isolated
MLflow store and embedding cache per test session."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from linkclf.features import FeatureBuilder, HashingEmbedder
from linkclf.schema import conform
from linkclf.splits import grouped_three_way

REPO = Path(__file__).resolve().parents[1]
SHARED_REAL = REPO.parent / "shared" / "data" / "real"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@pytest.fixture(autouse=True, scope="session")
def _isolated_state(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Never touch the user's ~/.cache or ./mlflow.db from tests."""
    base = tmp_path_factory.mktemp("state")
    os.environ["LINKCLF_CACHE"] = str(base / "cache")
    os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{base / 'mlflow.db'}"


NATURAL_WORDS = "recipe bread flour oven bakery sourdough whole grain crust yeast baking".split()
SPAM_WORDS = "casino bonus crypto loans pills betting slots jackpot cheap viagra".split()


def make_links(n_targets: int = 30, per_target: int = 40, seed: int = 0) -> pd.DataFrame:
    """Canonical labelled links: manipulative ones lean (not deterministically) on footprints."""
    rng = np.random.default_rng(seed)
    rows = []
    for t in range(n_targets):
        target = f"https://www.bakery{t}.nl/brood/volkoren"
        for i in range(per_target):
            manip = rng.random() < 0.35
            dom = f"{'cheap-links' if manip and rng.random() < 0.6 else 'blog'}{t}x{i % 17}.{rng.choice(['xyz', 'nl', 'com']) if manip else rng.choice(['nl', 'com', 'org'])}"
            words = SPAM_WORDS if manip and rng.random() < 0.7 else NATURAL_WORDS
            ctx = " ".join(rng.choice(words, size=12))
            rows.append(
                {
                    "source_url": f"https://{dom}/post/{i}",
                    "target_url": target,
                    "anchor": "volkoren brood kopen"
                    if manip and rng.random() < 0.6
                    else f"bakery{t}",
                    "context_left": ctx,
                    "context_right": " ".join(rng.choice(words, size=8)),
                    "source_title": " ".join(rng.choice(words, size=5)),
                    "nofollow": bool(rng.random() < (0.1 if manip else 0.3)),
                    "placement": rng.choice(["footer", "sidebar", "content"])
                    if manip
                    else rng.choice(["content", "content", "sidebar"]),
                    "external_links": float(
                        rng.integers(50, 400) if manip else rng.integers(1, 60)
                    ),
                    "domain_rating": float(rng.integers(0, 30) if manip else rng.integers(10, 90)),
                    "first_seen": f"2025-0{1 + int(rng.integers(0, 9))}-1{int(rng.integers(0, 9))}",
                    "language": "nl",
                    "label": int(manip),
                    "kind": rng.choice(["pbn", "paid", "comment_spam"]) if manip else "natural",
                }
            )
    return pd.DataFrame(rows)


@pytest.fixture(scope="session")
def labelled_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("data") / "labelled.csv"
    make_links().to_csv(path, index=False)
    return path


@dataclass
class TinySetup:
    """A small labelled set, its grouped split and hashing features fitted on the training rows."""

    data: pd.DataFrame
    X: pd.DataFrame
    y: np.ndarray
    train: np.ndarray
    valid: np.ndarray
    test: np.ndarray
    features: FeatureBuilder


def tiny_setup(n_targets: int = 30, seed: int = 0) -> TinySetup:
    data = conform(make_links(n_targets=n_targets, seed=seed))
    train, valid, test = grouped_three_way(data, seed=0)
    features = FeatureBuilder(HashingEmbedder(), n_components=4).fit(data[train])
    X = features.transform(data)
    return TinySetup(data, X, data["label"].to_numpy(int), train, valid, test, features)
