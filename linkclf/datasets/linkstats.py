"""Shape statistics of a set of links, the same for real and simulated rows.

The simulator's natural links are compared with the outbound links of real article pages
(``linkclf extract``) on these figures: source-URL shapes, placement, text around the link, rel
flags, image links, anchor length and type, outbound links per page and cross-language links.
One function computes them for both sides, so the datasheet's real-vs-simulated table compares
like with like.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from linkclf.domains import hostname, registrable_domain

#: Placements outside the article body: navigation, header, footer, sidebar.
TEMPLATE_PLACEMENTS = ("nav", "header", "footer", "sidebar")
_DATE = re.compile(r"/(?:19|20)\d\d/(?:[01]\d/)?")
_NUMERIC_ID = re.compile(r"\d{4,}")
_NAKED = re.compile(r"^(?:https?://|www\.)|^[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?:/\S*)?$", re.I)
#: Language a country-code TLD implies (only where one language dominates).
TLD_LANGUAGE = {
    "nl": "nl", "de": "de", "at": "de", "fr": "fr", "uk": "en", "us": "en", "au": "en",
    "ie": "en", "nz": "en", "it": "it", "es": "es", "pt": "pt", "br": "pt", "ru": "ru",
    "pl": "pl", "jp": "ja",
}  # fmt: skip
#: Generic anchors in the four simulated languages (lower case).
GENERIC_ANCHORS = frozenset(
    "here click here this read more more website link source learn more hier klik hier deze "
    "website lees meer bron meer info hier klicken weiterlesen quelle mehr infos ici cliquez ici "
    "en savoir plus lire la suite source ce site".split()
) | {
    "click here", "read more", "learn more", "this website", "klik hier", "lees meer",
    "hier klicken", "mehr infos", "cliquez ici", "en savoir plus", "lire la suite",
}  # fmt: skip


def _words(text: pd.Series) -> np.ndarray:
    return text.astype("string").fillna("").str.count(r"\S+").to_numpy(dtype=float)


def _url_shapes(urls: pd.Series) -> dict[str, float]:
    """Shares over distinct source pages."""
    pages = pd.Series(pd.unique(urls.astype("string").dropna()), dtype="string")
    rest = pages.str.replace(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*", "", regex=True)
    query = rest.str.contains("?", regex=False)
    path = rest.str.replace(r"[?#].*$", "", regex=True)
    segments = path.str.count(r"[^/]+")
    slash = path.str.endswith("/") & (segments > 0)
    out = {
        "pages": float(len(pages)),
        "home_page": float((segments == 0).mean()),
        "one_segment_no_slash": float(((segments == 1) & ~slash).mean()),
        "one_segment_slash": float(((segments == 1) & slash).mean()),
        "depth_2": float((segments == 2).mean()),
        "depth_3_plus": float((segments >= 3).mean()),
        "trailing_slash": float(slash.mean()),
        "date_in_path": float(path.str.contains(_DATE).mean()),
        "numeric_id": float(path.str.contains(_NUMERIC_ID).mean()),
        "file_extension": float(path.str.contains(r"\.(?:html?|php|aspx?)$", regex=True).mean()),
        "query_string": float(query.mean()),
    }
    return out


def _anchor_type(anchor: str, target_url: str) -> str:
    text = anchor.strip().lower()
    if not text:
        return "empty"
    if _NAKED.match(text):
        return "naked_url"
    if text in GENERIC_ANCHORS:
        return "generic"
    label = re.sub(r"[^a-z0-9]", "", registrable_domain(hostname(target_url) or "").split(".")[0])
    squashed = re.sub(r"[^a-z0-9]", "", text)
    if label and len(squashed) >= 3 and (squashed in label or label in squashed):
        return "brand"
    return "other"


def _context(df: pd.DataFrame, rows: np.ndarray) -> dict[str, float]:
    left = _words(df["context_left"])[rows]
    right = _words(df["context_right"])[rows]
    n = max(len(left), 1)
    with_left = max(int((left > 0).sum()), 1)
    return {
        "both_sides": float(((left > 0) & (right > 0)).sum() / n),
        "one_side": float(((left > 0) ^ (right > 0)).sum() / n),
        "none": float(((left == 0) & (right == 0)).sum() / n),
        "words_median": float(np.median(left + right)) if len(left) else float("nan"),
        # How many words a crawler keeps left of the link, among links with any: where the link
        # sits in its sentence, not what kind it is.
        "left_1_to_9": float(((left > 0) & (left <= 9)).sum() / with_left),
        "left_over_20": float((left > 20).sum() / with_left),
    }


def link_statistics(df: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Shape statistics of canonical link rows (pass natural links only).

    Returns
    -------
    dict
        Sections ``url`` (shares of distinct source pages), ``placement`` (shares of links),
        ``context_content`` / ``context_template`` (text around links in the body / in the
        template), ``rel`` (flag shares, overall and in the body), ``anchor`` (length and type
        shares, image links), ``page`` (outbound links per page) and ``language``
        (cross-language share among links whose target TLD implies a language).
    """
    placement = df["placement"].astype("string").fillna("unknown").to_numpy()
    content = placement == "content"
    template = np.isin(placement, TEMPLATE_PLACEMENTS)
    n = max(len(df), 1)
    nofollow = df["nofollow"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    ugc = df["ugc"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    sponsored = df["sponsored"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    rel = nofollow | ugc | sponsored
    anchor = df["anchor"].astype("string").fillna("")
    targets = df["target_url"].astype("string").fillna("")
    kinds = pd.Series(
        [_anchor_type(a, t) for a, t in zip(anchor, targets, strict=True)], dtype="string"
    )
    words = _words(anchor)
    shares = kinds.value_counts(normalize=True)
    per_page = (
        pd.to_numeric(df["external_links"], errors="coerce")
        .groupby(df["source_url"].astype("string").to_numpy())
        .first()
    )
    tld = targets.map(lambda u: (hostname(u) or "").rsplit(".", 1)[-1])
    implied = tld.map(TLD_LANGUAGE)
    lang = df["language"].astype("string")
    judged = implied.notna() & lang.notna()
    return {
        "url": _url_shapes(df["source_url"]),
        "placement": {
            "content": float(content.sum() / n),
            "template": float(template.sum() / n),
            "comment": float((placement == "comment").sum() / n),
            "unknown": float((placement == "unknown").sum() / n),
        },
        "context_content": _context(df, content),
        "context_template": _context(df, template),
        "rel": {
            "nofollow": float(nofollow.mean()) if len(df) else float("nan"),
            "ugc": float(ugc.mean()) if len(df) else float("nan"),
            "sponsored": float(sponsored.mean()) if len(df) else float("nan"),
            "any_in_content": float(rel[content].mean()) if content.any() else float("nan"),
            "any_in_template": float(rel[template].mean()) if template.any() else float("nan"),
        },
        "anchor": {
            "image_link": float((df["link_type"].astype("string") == "image").mean()),
            "words_median": float(np.median(words[words > 0])) if (words > 0).any() else 0.0,
            "one_word": float((words == 1).mean()),
            "four_words_plus": float((words >= 4).mean()),
            "with_digit": float(anchor.str.contains(r"\d", regex=True).mean()) if len(df) else 0.0,
            "handle": float(anchor.str.startswith("@").mean()) if len(df) else 0.0,
            **{
                f"type_{t}": float(shares.get(t, 0.0))
                for t in ("brand", "naked_url", "generic", "other", "empty")
            },  # fmt: skip
        },
        "page": {
            "outbound_median": float(per_page.median()) if per_page.notna().any() else float("nan"),
            "outbound_p90": float(per_page.quantile(0.9))
            if per_page.notna().any()
            else float("nan"),
        },
        "language": {
            "cross_language": float((lang[judged] != implied[judged]).mean())
            if judged.any()
            else float("nan"),
        },
    }


#: Rows of the real-vs-simulated table: (section, statistic, what it means).
COMPARED = (
    ("url", "one_segment_no_slash", "source pages: one path segment, no trailing slash"),
    ("url", "one_segment_slash", "source pages: one path segment with trailing slash"),
    ("url", "depth_2", "source pages: two path segments"),
    ("url", "depth_3_plus", "source pages: three or more path segments"),
    ("url", "trailing_slash", "source pages: trailing slash"),
    ("url", "date_in_path", "source pages: a date in the path"),
    ("url", "file_extension", "source pages: .html / .php / .aspx"),
    ("url", "query_string", "source pages: a query string"),
    ("placement", "content", "links in the article body"),
    ("placement", "template", "links in nav / header / footer / sidebar"),
    ("placement", "comment", "links in comments"),
    ("context_content", "both_sides", "body links: words on both sides"),
    ("context_content", "one_side", "body links: words on one side only"),
    ("context_content", "none", "body links: no words around"),
    ("context_content", "left_1_to_9", "body links with words on the left: 1-9 words"),
    ("context_content", "left_over_20", "body links with words on the left: over 20 words"),
    ("context_template", "none", "template links: no words around"),
    ("rel", "nofollow", "nofollow"),
    ("rel", "ugc", "ugc"),
    ("rel", "sponsored", "sponsored"),
    ("rel", "any_in_content", "body links with any rel flag"),
    ("rel", "any_in_template", "template links with any rel flag"),
    ("anchor", "image_link", "image links"),
    ("anchor", "words_median", "anchor words (median, non-empty)"),
    ("anchor", "one_word", "one-word anchors"),
    ("anchor", "four_words_plus", "anchors of four words or more"),
    ("anchor", "with_digit", "anchors with a digit (dates, prices, models)"),
    ("anchor", "handle", "anchors that are @handles"),
    ("anchor", "type_brand", "anchor names the target site"),
    ("anchor", "type_naked_url", "anchor is a URL"),
    ("anchor", "type_generic", "generic anchor (click here, ...)"),
    ("anchor", "type_empty", "empty anchor"),
    ("page", "outbound_median", "outbound links per page (median)"),
    ("page", "outbound_p90", "outbound links per page (90th percentile)"),
    ("language", "cross_language", "page language differs from the target ccTLD's"),
)


def comparison_table(real: pd.DataFrame, simulated: pd.DataFrame) -> pd.DataFrame:
    """Real natural links next to simulated natural and manipulative links, statistic by
    statistic (:data:`COMPARED`). ``simulated`` needs a ``label`` column; ``real`` is taken as
    natural (pass it without affiliate links)."""
    labels = simulated["label"].to_numpy()
    sides = {
        "real": link_statistics(real),
        "simulated natural": link_statistics(simulated[labels == 0]),
        "simulated manipulative": link_statistics(simulated[labels == 1]),
    }
    rows = [
        {"statistic": text, **{name: stats[section][key] for name, stats in sides.items()}}
        for section, key, text in COMPARED
    ]
    return pd.DataFrame(rows)
