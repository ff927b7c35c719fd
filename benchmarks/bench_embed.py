"""Embedding throughput of the two real embedders, and FeatureBuilder.transform time with each.

Usage: python benchmarks/bench_embed.py [--embedders minilm,minilm-static] [--rows 10000]

Texts come from datasets/default/links.csv.gz: anchors (short) and contexts (context_left +
anchor + context_right, what FeatureBuilder embeds). Counts per embedder are sized so that each
measurement takes about a minute on a 2-core laptop (the transformer embeds ~45 contexts/s).
The transform figure is what scoring an export costs: a builder fitted on 1,000 other links
transforms ``--rows`` links with an empty embedding cache (cold), then again (warm).
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "datasets" / "default" / "links.csv.gz"
#: How many distinct texts each embedder encodes: (anchors, contexts).
COUNTS = {"minilm": (3_000, 1_000), "minilm-static": (20_000, 20_000)}


def texts(data: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Distinct non-empty anchors and contexts, shuffled with a fixed seed."""
    s = data[["context_left", "anchor", "context_right"]].fillna("").astype(str)
    context = (s["context_left"] + " " + s["anchor"] + " " + s["context_right"]).str.strip()
    anchors = s["anchor"].str.strip()
    uniq = lambda x: x[x != ""].drop_duplicates().sample(frac=1, random_state=0).tolist()  # noqa: E731
    return uniq(anchors), uniq(context)


def throughput(embedder: object, items: list[str]) -> tuple[float, float]:
    """(texts per second, mean characters per text) for one encode call over ``items``."""
    start = time.perf_counter()
    embedder.encode(items)  # type: ignore[attr-defined]
    seconds = time.perf_counter() - start
    return len(items) / seconds, sum(map(len, items)) / max(len(items), 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--embedders", default="minilm-static,minilm")
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="linkclf-bench-embed-"))
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

    from linkclf.features import CachedEmbedder, FeatureBuilder, SentenceTransformerEmbedder
    from linkclf.features.static import StaticEmbedder

    data = pd.read_csv(DATA)
    anchors, contexts = texts(data)
    print(
        f"data: {len(data):,} links, {len(anchors):,} distinct anchors, "
        f"{len(contexts):,} distinct contexts; cpu count {os.cpu_count()}, "
        f"torch threads {__import__('torch').get_num_threads()}"
    )
    sample = data.sample(n=min(args.rows + 1_000, len(data)), random_state=1)
    fit_rows, rows = sample.iloc[:1_000], sample.iloc[1_000:]
    for name in args.embedders.split(","):
        inner = SentenceTransformerEmbedder() if name == "minilm" else StaticEmbedder()
        start = time.perf_counter()
        inner.encode(["warm up: load the model"])
        print(
            f"\n{name} ({inner.name}, {inner.dim}-d): model load {time.perf_counter() - start:.1f}s"
        )
        n_anchor, n_context = COUNTS[name]
        for label, items in (("anchors", anchors[:n_anchor]), ("contexts", contexts[:n_context])):
            rate, chars = throughput(inner, items)
            print(
                f"  {label:9s} {len(items):>6,} texts ({chars:5.1f} chars avg): {rate:9,.0f} texts/s"
            )

        builder = FeatureBuilder(CachedEmbedder(inner, tmp / name), n_components=16)
        start = time.perf_counter()
        builder.fit(fit_rows)
        fit_s = time.perf_counter() - start
        timings = []
        for _ in ("cold", "warm"):
            start = time.perf_counter()
            X = builder.transform(rows)
            timings.append(time.perf_counter() - start)
        print(
            f"  FeatureBuilder: fit on {len(fit_rows):,} links {fit_s:.1f}s; transform "
            f"{len(rows):,} links -> {X.shape[1]} features: cold cache {timings[0]:.1f}s "
            f"({len(rows) / timings[0]:,.0f} links/s), warm cache {timings[1]:.1f}s "
            f"({len(rows) / timings[1]:,.0f} links/s)"
        )


if __name__ == "__main__":
    main()
