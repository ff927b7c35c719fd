"""Issue 11: the fast paths of scoring give the values of the plain ones."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from linkclf.domains import hostname, hostnames
from linkclf.features._util import map_unique, word_counts
from linkclf.features.embed import CachedEmbedder, HashingEmbedder

ROOT = Path(__file__).resolve().parents[1]

HOSTILE_URLS = [
    "",
    " http://A.com/",
    "http://a.com. /x",
    "HTTP://WWW.A.COM./p",
    "http://a.com:80/",
    "http://a.com:x/",
    "http://u:p@a.com/",
    "http://[::1]:8080/",
    "http://[broken/",
    "verylongscheme://h/x",
    "abcdefghi://h/",
    "abcdefghij://h/",
    "a.com/x",
    "//a.com/x",
    "http:///x",
    "http://a.com\t/x",
    "http://a.com/x\t",
    "http://a..com/",
    "http://-a-.com?q",
    "http://a.com#f",
    "http://exämple.de/",
    "http://xn--exmple-cua.de/",
    "ftp://x.y",
    "1http://a.com/",
    "http://a_b.com/",
    "http://a.com:/",
    "mailto:x@y.com",
    "http:/a.com",
    "\x01http://a.com/",
    "https://blog.example.co.uk/2024/01/post?utm=1",
]


def test_hostnames_are_domains_hostname() -> None:
    sample = pd.read_csv(
        ROOT / "datasets" / "samples" / "semrush-sample.csv", dtype=str, keep_default_na=False
    )
    urls = pd.Series([*HOSTILE_URLS, *sample["Source url"], *sample["Target url"]], dtype="string")
    assert list(hostnames(urls)) == list(map_unique(urls, hostname))


class _Counting(HashingEmbedder):
    """The hashing embedder, counting the texts it is asked to embed."""

    disk_cache = False

    def __init__(self) -> None:
        super().__init__(16)
        self.embedded: list[str] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.embedded.extend(texts)
        return super().encode(texts)


def test_texts_repeated_across_calls_are_embedded_once_and_give_the_same_vectors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(CachedEmbedder, "MEMORY_TEXTS", 4)
    inner = _Counting()
    cached = CachedEmbedder(inner, None)
    plain = HashingEmbedder(16)
    batches = [["a", "b", "a", ""], ["b", "c", "d"], ["e", "a", "f", "b"], ["a", "f"]]
    for batch in batches:
        np.testing.assert_array_equal(cached.encode(batch), plain.encode(batch))
    # 4 texts kept, first in first out: "b" is known to the second and third calls; "a" was
    # pushed out by "d" and is embedded again; the fourth call knows both of its texts.
    assert inner.embedded == ["a", "b", "", "c", "d", "e", "a", "f"]


def test_word_counts_split_at_every_character_python_calls_whitespace() -> None:
    """Arrow's regex counts the words ``re``'s ``\\S+`` counts, for every code point."""
    import re

    points = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    texts = [f"a{chr(c)}b" for c in points] + ["", " lead", "trail ", "x \t\u3000 y  z", None]
    expected = [len(re.findall(r"\S+", t or "")) for t in texts]
    assert word_counts(pd.Series(texts, dtype=object)).tolist() == expected
    assert word_counts(pd.Series([], dtype=object)).tolist() == []
