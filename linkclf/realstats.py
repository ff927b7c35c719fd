"""What real natural links look like: the statistics the simulator's natural links should match.

Measured on :func:`linkclf.realdata_links.real_links` (outbound links of ~290 real article
pages; affiliate links left out as not natural). Facts only (shares, counts, quantiles), never
text from the pages. ``python -m linkclf.realstats -o real-link-stats.json`` writes them; the
markdown table goes into docs/realdata.md.
"""

from __future__ import annotations

import argparse
import json
import re
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from linkclf.domains import hostname, suffix
from linkclf.features.anchors import anchor_features
from linkclf.io import write_text_atomic

#: Country-code TLD -> the language most of its sites are written in (multilingual countries
#: such as .be, .ch, .ca and generic TLDs are left out: they imply no language).
TLD_LANGUAGE = {
    "de": "de", "at": "de", "fr": "fr", "nl": "nl", "uk": "en", "ie": "en", "us": "en",
    "au": "en", "nz": "en", "es": "es", "mx": "es", "ar": "es", "it": "it", "pt": "pt",
    "br": "pt", "pl": "pl", "cz": "cs", "se": "sv", "dk": "da", "no": "nb", "fi": "fi",
    "ru": "ru", "jp": "ja", "kr": "ko", "cn": "zh", "tw": "zh", "gr": "el", "tr": "tr",
    "hu": "hu", "ro": "ro", "id": "id", "gov": "en", "edu": "en",
}  # fmt: skip
_DATE = re.compile(r"/(19|20)\d\d([/-](0?[1-9]|1[0-2])([/-]\d\d?)?)?(/|-|$)")
#: An id in the last segment: a run of 5+ digits ("...-1839927963", "/a-16863843"), or a short
#: all-digit segment that is not part of a date ("/item/show/132240/1" has both).
_NUMERIC_ID = re.compile(r"\d{5,}")
_EXTENSION = re.compile(r"\.(html?|php|aspx?|jsp|cfm|shtml)$")
QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)


def _share(mask: pd.Series | np.ndarray) -> float:
    values = np.asarray(mask, dtype=float)
    return round(float(values.mean()), 4) if len(values) else float("nan")


def _quantiles(values: pd.Series) -> dict[str, float]:
    v = pd.to_numeric(values, errors="coerce").dropna()
    if v.empty:
        return {}
    out = {f"p{int(q * 100)}": round(float(v.quantile(q)), 2) for q in QUANTILES}
    out["mean"] = round(float(v.mean()), 2)
    out["max"] = round(float(v.max()), 2)
    return out


def url_shape(url: str) -> dict[str, Any]:
    """Shape of one page URL: segments, trailing slash, date, numeric id, query, extension, and
    ``path_slashes`` (the model's ``path_depth``: slashes in path + query)."""
    parts = urlsplit(url)
    path = parts.path or "/"
    segments = [s for s in path.split("/") if s]
    last = segments[-1] if segments else ""
    return {
        "segments": len(segments),
        "trailing_slash": path.endswith("/") and bool(segments),
        "one_segment_no_slash": len(segments) == 1 and not path.endswith("/"),
        "one_segment_slash": len(segments) == 1 and path.endswith("/"),
        "date_in_path": bool(_DATE.search(path)),
        "numeric_id": bool(_NUMERIC_ID.search(last))
        or (last.isdigit() and not _DATE.search("/" + last + "/")),
        "query": bool(parts.query),
        "extension": bool(_EXTENSION.search(last.lower())),
        "path_slashes": (path + ("?" + parts.query if parts.query else "")).count("/"),
    }


def _url_shapes(urls: pd.Series) -> dict[str, Any]:
    shapes = pd.DataFrame([url_shape(u) for u in urls])
    depth = shapes["segments"].clip(upper=6).value_counts(normalize=True).sort_index()
    slashes = shapes["path_slashes"].clip(upper=8).value_counts(normalize=True).sort_index()
    out: dict[str, Any] = {"n": len(shapes)}
    for col in (
        "one_segment_no_slash",
        "one_segment_slash",
        "trailing_slash",
        "date_in_path",
        "numeric_id",
        "query",
        "extension",
    ):
        out[f"share_{col}"] = _share(shapes[col])
    out["segments_distribution"] = {
        ("6+" if k == 6 else str(k)): round(float(v), 4) for k, v in depth.items()
    }
    out["path_slashes_distribution"] = {
        ("8+" if k == 8 else str(k)): round(float(v), 4) for k, v in slashes.items()
    }
    return out


def _context(links: pd.DataFrame) -> dict[str, Any]:
    left = links["context_left"].fillna("").str.count(r"\S+")
    right = links["context_right"].fillna("").str.count(r"\S+")
    both = (left > 0) & (right > 0)
    one = (left > 0) ^ (right > 0)
    return {
        "n": len(links),
        "share_both_sides": _share(both),
        "share_one_side": _share(one),
        "share_none": _share(~both & ~one),
        "left_words": _quantiles(left),
        "right_words": _quantiles(right),
    }


def _anchor_kind(types: pd.Series) -> pd.Series:
    """The model's anchor types folded into brand / naked URL / generic / image / empty / other."""
    keep = {"brand", "naked_url", "generic", "image", "empty"}
    return types.where(types.isin(keep), "other")


def target_language(url: str) -> str | None:
    """Language a target's country-code TLD implies (None for generic or multilingual TLDs)."""
    tld = suffix(hostname(url)).rsplit(".", 1)[-1]
    return TLD_LANGUAGE.get(tld)


def link_stats(links: pd.DataFrame) -> dict[str, Any]:
    """Every statistic of the module docstring for these (natural) links."""
    regions = links["region"]
    pages = links.drop_duplicates("source_url")
    anchors = anchor_features(links)
    types = pd.Series(anchors.attrs["anchor_type"], index=links.index)
    rel = links[["nofollow", "ugc", "sponsored"]].astype(bool)
    words = links["anchor"].fillna("").str.split().str.len()
    page_lang = links["language"]
    tgt_lang = links["target_url"].map(target_language)
    known = page_lang.notna() & tgt_lang.notna()
    content = regions == "content"
    out: dict[str, Any] = {
        "n_links": len(links),
        "n_pages": len(pages),
        "n_sites": int(links["source_url"].map(hostname).nunique()),
        "source_url_shapes_per_page": _url_shapes(pages["source_url"]),
        "source_url_shapes_per_link": _url_shapes(links["source_url"]),
        "region_shares": {
            k: round(float(v), 4) for k, v in regions.value_counts(normalize=True).items()
        },
        "placement_shares": {
            k: round(float(v), 4)
            for k, v in links["placement"].value_counts(normalize=True).items()
        },
        "context": {"all": _context(links)}
        | {r: _context(g) for r, g in links.groupby("region", sort=True)},
        "outbound_links_per_page": _quantiles(pages["external_links"]),
        "internal_links_per_page": _quantiles(pages["internal_links"]),
        "content_outbound_links_per_page": _quantiles(
            links[content].groupby("source_url").size().reindex(pages["source_url"], fill_value=0)
        ),
        "rel_rates": {"all": {c: _share(rel[c]) for c in rel.columns}}
        | {
            r: {c: _share(rel.loc[g.index, c]) for c in rel.columns} | {"n": len(g)}
            for r, g in links.groupby("region", sort=True)
        },
        "image_link_share": {"all": _share(links["link_type"] == "image")}
        | {r: _share(g["link_type"] == "image") for r, g in links.groupby("region", sort=True)},
        "anchor_words": _quantiles(words),
        "anchor_words_distribution": {
            k: round(float(v), 4)
            for k, v in words.clip(upper=8)
            .map(lambda n: "8+" if n == 8 else str(n))
            .value_counts(normalize=True)
            .sort_index()
            .items()
        },
        "anchor_type_shares_model": {
            k: round(float(v), 4) for k, v in types.value_counts(normalize=True).items()
        },
        "anchor_kind_shares": {"all": _kind_shares(types)}
        | {r: _kind_shares(types[g.index]) for r, g in links.groupby("region", sort=True)},
        "language_shares": {
            k: round(float(v), 4)
            for k, v in page_lang.fillna("unknown").value_counts(normalize=True).head(12).items()
        },
        "cross_language": {
            "n_with_cctld_language": int(known.sum()),
            "share_differs": _share((page_lang != tgt_lang)[known]),
            "share_differs_content": _share((page_lang != tgt_lang)[known & content]),
            "share_targets_with_cctld_language": _share(tgt_lang.notna()),
        },
    }
    return out


def _kind_shares(types: pd.Series) -> dict[str, float]:
    return {
        k: round(float(v), 4) for k, v in _anchor_kind(types).value_counts(normalize=True).items()
    }


def real_link_stats(data_dir: str | None = None) -> dict[str, Any]:
    """The statistics of the real natural links (affiliate links excluded), plus their counts.

    Raises
    ------
    InputError
        The real-data folder or its pages are missing.
    """
    from linkclf.realdata_links import real_links

    links = real_links(data_dir)
    natural = links[~links["affiliate"]]
    return {
        "what": "statistics of real outbound links on ~290 real article pages "
        "(../shared/data/real/html-pages), extracted by linkclf.extract; affiliate links excluded",
        "reproduce": "python -m linkclf.realstats -o real-link-stats.json",
        "n_affiliate_excluded": int(links["affiliate"].sum()),
        "by_dataset": {d: int(n) for d, n in natural["dataset"].value_counts().items()},
        **link_stats(natural.reset_index(drop=True)),
    }


def _fmt_q(q: dict[str, float]) -> str:
    return f"{q.get('p25', 0):g} / {q.get('p50', 0):g} / {q.get('p75', 0):g} (mean {q.get('mean', 0):g})"


def stats_markdown(stats: dict[str, Any]) -> str:
    """The statistics as the markdown tables of docs/realdata.md."""
    u = stats["source_url_shapes_per_page"]
    ul = stats["source_url_shapes_per_link"]
    lines = [
        f"{stats['n_links']:,} natural outbound links on {stats['n_pages']} pages of "
        f"{stats['n_sites']} sites ({stats['n_affiliate_excluded']} affiliate links excluded).",
        "",
        "| source URL shape | share of pages | share of links |",
        "|---|---|---|",
    ]
    for key, label in (
        ("one_segment_no_slash", "one path segment, no trailing slash"),
        ("one_segment_slash", "one path segment, trailing slash"),
        ("trailing_slash", "trailing slash (any depth)"),
        ("date_in_path", "date in path"),
        ("numeric_id", "numeric id in last segment (5+ digits, or all digits)"),
        ("query", "query string"),
        ("extension", "file extension (.html, .php ...)"),
    ):
        lines.append(f"| {label} | {u['share_' + key]:.1%} | {ul['share_' + key]:.1%} |")
    seg = ", ".join(f"{k}: {v:.0%}" for k, v in u["segments_distribution"].items())
    lines += ["", f"Path segments per page URL: {seg}.", ""]
    lines += [
        "| region | share of links | context both / one / none | words left p25/p50/p75 | "
        "words right p25/p50/p75 | nofollow | ugc | sponsored | image links | brand / naked URL / generic / other anchors |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for region in ("all", *stats["region_shares"]):
        c = stats["context"][region]
        r = stats["rel_rates"][region]
        k = stats["anchor_kind_shares"][region]
        share = 1.0 if region == "all" else stats["region_shares"][region]
        lines.append(
            f"| {region} | {share:.1%} | {c['share_both_sides']:.0%} / {c['share_one_side']:.0%} / "
            f"{c['share_none']:.0%} | {_fmt_q(c['left_words'])} | {_fmt_q(c['right_words'])} | "
            f"{r['nofollow']:.1%} | {r['ugc']:.1%} | {r['sponsored']:.1%} | "
            f"{stats['image_link_share'][region]:.1%} | {k.get('brand', 0):.0%} / "
            f"{k.get('naked_url', 0):.0%} / {k.get('generic', 0):.0%} / {k.get('other', 0):.0%} |"
        )
    aw = ", ".join(f"{k}: {v:.0%}" for k, v in stats["anchor_words_distribution"].items())
    cl = stats["cross_language"]
    lines += [
        "",
        f"- Outbound links per page (p25 / p50 / p75): {_fmt_q(stats['outbound_links_per_page'])}; "
        f"in the content region: {_fmt_q(stats['content_outbound_links_per_page'])}.",
        f"- Anchor length in words: {aw}.",
        f"- Cross-language: of {cl['n_with_cctld_language']:,} links whose target has a "
        f"language-implying country TLD, {cl['share_differs']:.0%} come from a page in another "
        f"language ({cl['share_differs_content']:.0%} of those in the content region).",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """``python -m linkclf.realstats [-o stats.json] [--data-dir DIR] [--markdown]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", help="write the statistics as JSON here")
    parser.add_argument("--data-dir", default=None, help="the real-data folder")
    parser.add_argument("--markdown", action="store_true", help="print the markdown tables")
    args = parser.parse_args(argv)
    stats = real_link_stats(args.data_dir)
    text = json.dumps(stats, indent=2, ensure_ascii=False) + "\n"
    if args.output:
        write_text_atomic(args.output, text)
    print(stats_markdown(stats) if args.markdown else text)


if __name__ == "__main__":
    main()
