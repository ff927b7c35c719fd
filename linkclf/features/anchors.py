"""Anchor types: brand / exact / partial / generic / naked URL / image / empty.

The brand comes from the target's domain (``bakkerij-devries.nl`` -> "bakkerij devries",
"devries"); money terms from the target URL's words plus the words the profile's anchors repeat
most, unless the user configures them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

import numpy as np
import pandas as pd

from linkclf.domains import site
from linkclf.features._util import map_unique, word_counts
from linkclf.schema import site_column

ANCHOR_TYPES = ("brand", "exact", "partial", "generic", "naked_url", "image", "empty", "other")

#: Generic anchors in the four languages users audit (lower case, exact match after trimming).
GENERIC_ANCHORS = frozenset(
    g.strip()  # each line's first entry carried the indentation ("    klik hier")
    for g in """
    click here|here|this|this site|this website|website|site|link|read more|more|learn more|see more|
    visit|visit site|visit website|source|this article|this page|homepage|home|go|more info|details|
    klik hier|hier|deze site|deze website|lees meer|meer|meer info|meer informatie|bekijk|bron|
    hier klicken|klicken sie hier|mehr|mehr lesen|weiterlesen|webseite|diese seite|quelle|mehr erfahren|
    cliquez ici|ici|ce site|site web|en savoir plus|lire la suite|plus|voir|source|cette page
    """.replace("\n", "").split("|")
) - {""}

#: Words that say "go there" without saying what is there, in the same four languages. An anchor
#: made of these alone (stop words aside) is generic too: "dit artikel", "this guide", "voir le
#: site", "zur Seite", "plus d'infos" - phrasings no fixed list keeps up with.
GENERIC_WORDS = frozenset(
    """
    click here this that these it read more learn see visit website site web page link links
    source article guide post blog homepage home info information details go check out view full
    story continue reading official
    klik hier deze dit lees meer bekijk bezoek pagina bron artikel gids informatie weten verder
    lezen ga naar hun officiele officiële
    klicken klick sie diese dieser dieses diesen mehr lesen weiterlesen webseite seite quelle
    ratgeber infos informationen erfahren zur zum besuchen
    cliquez ici ce cet cette lien savoir lire suite voir consulter découvrir plus sur d l
    """.split()
)

_WORD = re.compile(r"[a-z0-9\u00c0-\u024f]+")
STOPWORDS = frozenset(
    "the a an and of for in to on with de het een en van voor in op met der die das und für mit zu le la les un une des du et pour avec www com nl de fr org net html php".split()
)
_URLISH = re.compile(r"^(https?://|www\.)|^[a-z0-9-]+(\.[a-z0-9-]+)+(/\S*)?$")


def words(text: str) -> list[str]:
    """Lower-case word tokens of ``text`` without stop words (en/nl/de/fr and URL parts)."""
    return [w for w in _WORD.findall((text or "").lower()) if w not in STOPWORDS]


def brand_tokens(target_url: str) -> set[str]:
    """Brand words of a target: its site's first label, whole and split on hyphens."""
    label = site(target_url).split(".")[0]
    parts = [p for p in re.split(r"[-_]", label) if len(p) > 2]
    return {label.replace("-", " "), label.replace("-", ""), label, *parts}


def target_terms(target_url: str) -> list[str]:
    """Words of the target URL's path: what the page is about (the money phrase candidates)."""
    path = (
        target_url.split("://", 1)[-1].split("/", 1)[1]
        if "/" in target_url.split("://", 1)[-1]
        else ""
    )
    return [
        w for w in words(path.replace("-", " ").replace("_", " ")) if not w.isdigit() and len(w) > 2
    ]


def derive_money_terms(anchors: Iterable[str], brand: set[str], top: int = 8) -> set[str]:
    """The profile's most repeated non-brand, non-generic anchor words."""
    counts: Counter[str] = Counter()
    # A profile repeats its anchors (sitewide links): each distinct anchor's words are counted
    # once, times the number of links that carry it.
    for anchor, links in Counter(anchors).items():
        a = (anchor or "").strip().lower()
        if not a or a in GENERIC_ANCHORS or _URLISH.match(a):
            continue
        for w in set(words(a)):
            if w not in brand and w not in GENERIC_WORDS and len(w) > 2:
                counts[w] += links
    # Ties broken by the word itself: most_common() keeps first-seen order, and that order came
    # from iterating a set of str (hash-randomised per process), so the terms - and the anchor
    # types - differed between two runs on the same rows.
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return {w for w, n in ranked[:top] if n >= 3}


def classify_anchor(anchor: str, link_type: str, brand: set[str], money: set[str]) -> str:
    """Anchor type of one link: one of ANCHOR_TYPES.

    Parameters
    ----------
    anchor : the anchor text as exported ("" when missing).
    link_type : canonical link type; an image link without alt text is "image", an image
        link with alt text is typed by that text (keyword-stuffed alt text is still exact-match;
        the link type itself is the ``link_type_image`` feature).
    brand : brand forms of the target (``brand_tokens``).
    money : money terms of the target (URL words, repeated profile words, configured terms).

    Returns
    -------
    str
        The first that applies: image, empty, naked_url, generic (listed phrase), brand,
        generic (generic words only), exact (every non-brand word a money term), partial (some),
        other.
    """
    a = (anchor or "").strip().lower()
    if link_type == "image" and not a:
        return "image"
    if not a:
        return "empty"
    if _URLISH.match(a):
        return "naked_url"
    if a in GENERIC_ANCHORS:
        return "generic"
    compact = a.replace(" ", "").replace("-", "")
    if a in brand or compact in brand:
        return "brand"
    raw = _WORD.findall(a)
    spelled = _brand_spans(raw, brand)
    toks = [t for i, t in enumerate(raw) if i not in spelled and t not in STOPWORDS]
    named = bool(spelled) or any(t in brand for t in toks)
    non_brand = [t for t in toks if t not in brand]
    if named and not non_brand:
        return "brand"
    if toks and all(t in GENERIC_WORDS for t in toks):
        return "generic"
    if non_brand and money:
        hits = sum(t in money for t in non_brand)
        # An anchor that names the brand is not exact-match, whatever words come with it
        # ("De Vries bakery in Utrecht"): exact-match is the keyword alone.
        if hits == len(non_brand) and not named:
            return "exact"
        if hits:
            return "partial"
    return "other"


def _brand_spans(raw: list[str], brand: set[str]) -> set[int]:
    """Positions of the words that spell a brand form across up to four words: "De Vries" and
    "Bakkerij de Vries" name the site bakkerij-devries.nl (brand forms have no spaces or
    hyphens once joined, and the stop word "de" is part of the name here)."""
    joined = {b.replace(" ", "").replace("-", "") for b in brand}
    found: set[int] = set()
    for i in range(len(raw)):
        for n in range(2, 5):
            if i + n <= len(raw) and "".join(raw[i : i + n]) in joined:
                found.update(range(i, i + n))
    return found


def _digit_share(anchor: str) -> float:
    return sum(map(str.isdigit, anchor)) / len(anchor) if anchor else 0.0


def anchor_features(df: pd.DataFrame, money_terms: set[str] | None = None) -> pd.DataFrame:
    """One-hot anchor type plus anchor length, word count and digit share, per row.

    Brand and money terms are per target site (``target_site``, see linkclf.schema.conform):
    the target's URL words, the profile's repeated anchor words, and any configured
    ``money_terms``.
    """
    anchor = df["anchor"].astype("string").fillna("")
    anchors = anchor.tolist()
    targets = df["target_url"].astype("string").fillna("").tolist()
    link_types = df["link_type"].astype("string").fillna("").tolist()
    target_site = site_column(df, "target_site").to_numpy(dtype=object)
    by_site: dict[str, list[int]] = {}
    for i, target in enumerate(target_site):
        by_site.setdefault(target, []).append(i)
    types = np.empty(len(df), dtype=object)
    for rows in by_site.values():
        brand = brand_tokens(targets[rows[0]])
        money = set(money_terms or ())
        for target in dict.fromkeys(targets[r] for r in rows[:200]):
            money.update(target_terms(target))
        money |= derive_money_terms((anchors[r] for r in rows), brand)
        money -= brand
        # Once per distinct (anchor, link type) of the profile: sitewide links repeat them.
        typed: dict[tuple[str, str], str] = {}
        for r in rows:
            key = (anchors[r], link_types[r])
            kind = typed.get(key)
            if kind is None:
                kind = typed[key] = classify_anchor(key[0], key[1], brand, money)
            types[r] = kind
    out = pd.DataFrame(index=df.index)
    for t in ANCHOR_TYPES:
        out[f"anchor_{t}"] = (types == t).astype(float)
    # Per distinct anchor (sitewide links repeat theirs); len() counts code points, split()
    # whitespace runs as word_counts does.
    out["anchor_length"] = map_unique(anchor, len).astype(float)
    out["anchor_words"] = word_counts(anchor)
    out["anchor_digit_share"] = map_unique(anchor, _digit_share).astype(float)
    out.attrs["anchor_type"] = types
    return out
