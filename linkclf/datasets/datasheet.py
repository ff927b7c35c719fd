"""The datasheet's figures: counts per kind and language, and what each single signal is worth.

Run ``python -m linkclf.datasets.datasheet datasets/default/links.csv.gz --readme
datasets/README.md`` to recompute the tables and write them between the markers in the README.
With ``--real-data ../shared/data/real`` (the real article pages, read in place by
:func:`linkclf.realdata_links.real_links`) it also writes the real-vs-simulated table between its
own markers, so ``make data`` (which has no real pages) leaves that table as it is.

Every signal is computed from the raw canonical columns only (no model, no embedding), and its
ROC-AUC is reported as ``max(auc, 1 - auc)``: a signal that separates the classes in either
direction counts. If any single signal reaches :data:`TOY_AUC`, the data is a toy.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from linkclf.datasets.text import SPAMMY_TLDS
from linkclf.domains import hostname, referring_domain
from linkclf.errors import InputError
from linkclf.io import write_text_atomic
from linkclf.schema import KINDS

TOY_AUC = 0.9
START, END = "<!-- datasheet:start -->", "<!-- datasheet:end -->"
REAL_START, REAL_END = "<!-- realvsim:start -->", "<!-- realvsim:end -->"
_WORD = re.compile(r"[^\W\d_]{3,}")


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _flag(series: pd.Series) -> np.ndarray:
    return series.astype("boolean").fillna(False).to_numpy(dtype=float)


def _num(series: pd.Series) -> np.ndarray:
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)


def _niche_words() -> dict[str, set[str]]:
    """Words of each niche's vocabulary in every language (a cheap stand-in for relevance)."""
    from linkclf.datasets.vocab import LANGUAGES

    out: dict[str, set[str]] = {}
    for module in LANGUAGES.values():
        for niche, words in module.NICHES.items():
            bag = out.setdefault(niche, set())
            for text in (*words["topics"], *words["terms"]):
                bag |= _words(text)
    return out


def signals(df: pd.DataFrame) -> dict[str, np.ndarray]:
    """Single signals from the raw columns; NaN where the signal is unknown (metric missing)."""
    anchor = df["anchor"].astype("string").fillna("").str.lower()
    target = df["target_url"].astype("string").fillna("")
    # The last path segment names the page's topic (/diensten/huurwoning -> huurwoning).
    path_words = (
        target.str.replace(r"^https?://[^/]+", "", regex=True)
        .str.rstrip("/")
        .str.rsplit("/", n=1)
        .str[-1]
        .str.replace(r"[^\w]+", " ", regex=True)
    )
    hosts = df["source_url"].astype("string").fillna("").map(hostname)
    label_hosts = hosts.str.rsplit(".", n=1).str[0].fillna("")
    text = (
        df["source_title"].astype("string").fillna("")
        + " "
        + df["context_left"].astype("string").fillna("")
        + " "
        + df["context_right"].astype("string").fillna("")
    )
    target_words = [_words(p) for p in path_words]
    exact = np.array(
        [
            bool(a) and bool(t) and _words(a) >= t and not a.startswith(("www", "http"))
            for a, t in zip(anchor, target_words, strict=True)
        ],
        dtype=float,
    )
    topic = np.array(
        [bool(t & _words(x)) for t, x in zip(target_words, text, strict=True)], dtype=float
    )
    niche_words = _niche_words()
    niche_match = np.array(
        [
            bool(niche_words.get(n, set()) & _words(x))
            for n, x in zip(df["niche"], text, strict=True)
        ]
        if "niche" in df.columns
        else np.full(len(df), np.nan),
        dtype=float,
    )
    placement = df["placement"].astype("string").fillna("")
    context_len = (
        df["context_left"].astype("string").fillna("").str.len()
        + df["context_right"].astype("string").fillna("").str.len()
    )
    ref = df["source_url"].astype("string").fillna("").map(referring_domain)
    per_domain = ref.groupby([ref, df["target_url"].map(hostname)]).transform("size")
    subnet = df["source_ip"].astype("string").fillna("").str.rsplit(".", n=1).str[0]
    site = df["target_url"].map(hostname)
    domains_on_subnet = (
        pd.DataFrame({"s": subnet, "t": site, "r": ref})
        .groupby(["t", "s"])["r"]
        .transform("nunique")
        .where(subnet != "")
    )
    first = pd.to_datetime(df["first_seen"], utc=True, errors="coerce")
    day = (first - pd.Timestamp("2010-01-01", tz="UTC")).dt.days
    week = day // 7
    per_week = pd.DataFrame({"t": site, "w": week}).groupby(["t", "w"])["w"].transform("size")
    tf, cf = _num(df["trust_flow"]), _num(df["citation_flow"])
    with np.errstate(divide="ignore", invalid="ignore"):
        tf_cf = np.where(cf > 0, tf / cf, np.nan)
    return {
        "exact-match anchor": exact,
        "anchor length (chars)": anchor.str.len().to_numpy(dtype=float),
        "empty anchor": (anchor == "").to_numpy(dtype=float),
        "nofollow": _flag(df["nofollow"]),
        "ugc": _flag(df["ugc"]),
        "sponsored": _flag(df["sponsored"]),
        "placement footer/sidebar": placement.isin(["footer", "sidebar"]).to_numpy(dtype=float),
        "placement comment": (placement == "comment").to_numpy(dtype=float),
        "sitewide": _flag(df["sitewide"]),
        "context length": context_len.to_numpy(dtype=float),
        "topic match (target page words in title/context)": topic,
        "niche match (target niche words in title/context)": niche_match,
        "external links": _num(df["external_links"]),
        "internal links": _num(df["internal_links"]),
        "domain rating": _num(df["domain_rating"]),
        "url rating": _num(df["url_rating"]),
        "trust flow": tf,
        "citation flow": cf,
        "trust/citation flow": tf_cf,
        "domain authority": _num(df["domain_authority"]),
        "source traffic": _num(df["source_traffic"]),
        "vendor spam score": _num(df["vendor_spam_score"]),
        "spammy TLD": hosts.map(lambda h: any(h.endswith(t) for t in SPAMMY_TLDS)).to_numpy(
            dtype=float
        ),
        "hostname digits": label_hosts.str.count(r"\d").to_numpy(dtype=float),
        "hostname hyphens": label_hosts.str.count("-").to_numpy(dtype=float),
        "hostname length": label_hosts.str.len().to_numpy(dtype=float),
        "links from the same domain to the site": per_domain.to_numpy(dtype=float),
        "referring domains on the same /24 (per site)": domains_on_subnet.to_numpy(dtype=float),
        "links to the site in the same week": per_week.to_numpy(dtype=float),
    }


def signal_auc(y: np.ndarray, values: np.ndarray) -> tuple[float, float]:
    """(max(auc, 1 - auc), coverage) on the rows where the signal is known."""
    known = ~np.isnan(values)
    if known.sum() < 10 or len(np.unique(y[known])) < 2 or len(np.unique(values[known])) < 2:
        return float("nan"), float(known.mean())
    auc = roc_auc_score(y[known], values[known])
    return float(max(auc, 1 - auc)), float(known.mean())


def auc_table(df: pd.DataFrame, sig: dict[str, np.ndarray] | None = None) -> pd.DataFrame:
    """One row per signal: AUC overall and per language, and the coverage."""
    y = df["label"].to_numpy(dtype=int)
    sig = signals(df) if sig is None else sig
    langs = sorted(df["language"].dropna().unique().tolist())
    rows = []
    for name, values in sig.items():
        auc, cover = signal_auc(y, values)
        row = {"signal": name, "all": auc, "coverage": cover}
        for lang in langs:
            mask = (df["language"] == lang).to_numpy()
            row[lang] = signal_auc(y[mask], values[mask])[0]
        rows.append(row)
    return pd.DataFrame(rows).sort_values("all", ascending=False, ignore_index=True)


def combined_auc(df: pd.DataFrame, seed: int = 0) -> dict[str, float]:
    """ROC-AUC of all raw signals together (LightGBM, one thread, fixed seed) per split.

    The counterpart of the single-signal table: the classes are separable by combining
    footprints, which is what the data is for. Splits are grouped by referring domain.
    """
    import lightgbm as lgb

    from linkclf.datasets.holdout import evaluation_splits

    features = pd.DataFrame(signals(df))
    y = df["label"].to_numpy(dtype=int)
    out = {}
    for name, (train, test) in evaluation_splits(df, seed=seed).items():
        model = lgb.LGBMClassifier(
            n_estimators=200, learning_rate=0.05, num_leaves=31, n_jobs=1, seed=seed, verbose=-1
        )
        model.fit(features[train], y[train])
        out[name] = float(
            roc_auc_score(y[test], np.asarray(model.predict_proba(features[test]))[:, 1])
        )
    return out


def kind_table(
    df: pd.DataFrame, top: int = 3, sig: dict[str, np.ndarray] | None = None
) -> pd.DataFrame:
    """Per manipulative kind: its strongest single signals against the natural links.

    Shows which footprint each kind carries; a kind can be easy on its own while the mixture
    of all kinds (what a model faces) stays hard.
    """
    y = df["label"].to_numpy(dtype=int)
    kinds = df["kind"].astype("string").fillna("").to_numpy()
    sig = signals(df) if sig is None else sig
    rows = []
    for kind in KINDS[1:]:
        mask = (kinds == kind) | (y == 0)
        if (kinds == kind).sum() < 10:
            continue
        scored = sorted(
            ((signal_auc(y[mask], values[mask])[0], name) for name, values in sig.items()),
            key=lambda item: -np.nan_to_num(item[0]),
        )
        cells = {"kind": kind, "links": int((kinds == kind).sum())}
        for rank, (auc, name) in enumerate(scored[:top], start=1):
            cells[f"signal {rank}"] = f"{name} ({auc:.2f})"
        rows.append(cells)
    return pd.DataFrame(rows)


def kind_auc_matrix(df: pd.DataFrame, sig: dict[str, np.ndarray] | None = None) -> pd.DataFrame:
    """AUC of every signal (rows) for every manipulative kind against the natural links."""
    y = df["label"].to_numpy(dtype=int)
    kinds = df["kind"].astype("string").fillna("").to_numpy()
    sig = signals(df) if sig is None else sig
    table: dict[str, list[object]] = {"signal": list(sig)}
    for kind in KINDS[1:]:
        mask = (kinds == kind) | (y == 0)
        if (kinds == kind).sum() < 10:
            continue
        table[kind] = [signal_auc(y[mask], values[mask])[0] for values in sig.values()]
    return pd.DataFrame(table)


def counts_table(df: pd.DataFrame) -> pd.DataFrame:
    """Links per kind (rows) and source language (columns)."""
    table = pd.crosstab(df["kind"], df["language"], margins=True, margins_name="total")
    order = [k for k in KINDS if k in table.index] + ["total"]
    return table.loc[order]


def _markdown(table: pd.DataFrame, floatfmt: str = "{:.2f}") -> str:
    cols = [str(c) for c in table.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for _, row in table.iterrows():
        cells = []
        for value in row.tolist():
            if isinstance(value, float):
                cells.append("n/a" if np.isnan(value) else floatfmt.format(value))
            else:
                cells.append(str(value))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def render(df: pd.DataFrame, *, combined: bool = True) -> str:
    """The datasheet's generated section (Markdown); ``combined`` adds the LightGBM figure."""
    counts = counts_table(df).reset_index()
    sig = signals(df)  # computed once: the three tables below share it
    aucs = auc_table(df, sig)
    worst = aucs["all"].max()
    per_scenario = df.groupby("scenario", sort=True).agg(
        links=("label", "size"),
        label=("label", "mean"),
        noisy=("label_noise", "mean"),
        domains=("source_url", lambda s: s.map(referring_domain).nunique()),
    )
    per_scenario = per_scenario.reset_index()
    profiles = (
        df.groupby("profile", sort=True)
        .agg(sites=("target_site", "nunique"), links=("label", "size"), manip=("label", "mean"))
        .reset_index()
    )
    parts = [
        f"Generated from `{len(df):,}` links, {df['target_site'].nunique()} target sites, "
        f"{df['source_url'].map(referring_domain).nunique():,} referring domains. "
        f"Manipulative share: {df['label'].mean():.3f}. "
        f"Label noise (flipped on purpose): {df['label_noise'].mean():.4f}.",
        "",
        "**Links per kind and source-page language**",
        "",
        _markdown(counts),
        "",
        "**Strongest single signals per kind** (that kind against all natural links; "
        "max(auc, 1-auc))",
        "",
        _markdown(kind_table(df, sig=sig)),
        "",
        "<details><summary>Every signal for every kind</summary>",
        "",
        _markdown(kind_auc_matrix(df, sig)),
        "",
        "</details>",
        "",
        "**Per generator scenario** (label = share manipulative after noise; noisy = share "
        "flipped)",
        "",
        _markdown(per_scenario, "{:.3f}"),
        "",
        "**Per profile**",
        "",
        _markdown(profiles, "{:.3f}"),
        "",
        f"**ROC-AUC of each single signal** (max(auc, 1-auc); rows where the signal is known; "
        f"coverage = share of rows where it is). Highest: {worst:.3f} "
        f"({'a toy: some signal separates the classes' if worst > TOY_AUC else 'no single signal reaches ' + str(TOY_AUC)}).",  # noqa: E501
        "",
        _markdown(aucs),
        "",
        "**Columns per vendor column set** (`linkclf.datasets.columnsets.COLUMN_SETS`: what the "
        "vendor's renderer writes and its reader reads back)",
        "",
        _markdown(column_set_table()),
    ]
    if combined:
        figures = ", ".join(f"{name} {auc:.3f}" for name, auc in combined_auc(df).items())
        parts += [
            "",
            "**All these raw signals together** (LightGBM on the table's signals, trained on "
            "the train side of each split, ROC-AUC on its test side; labels as recorded, noise "
            f"included): {figures}. The footprints separate the classes only in combination.",
        ]
    return "\n".join(parts)


def column_set_table() -> pd.DataFrame:
    """One row per vendor column set: how many link fields it carries, and which."""
    from linkclf.datasets.columnsets import COLUMN_SETS, LINK_FIELDS

    rows = []
    for name, cols in COLUMN_SETS.items():
        listed = [c for c in LINK_FIELDS if c in cols]
        shown = "every link field" if len(listed) == len(LINK_FIELDS) else ", ".join(listed)
        rows.append({"set": name, "fields": len(listed), "columns": shown})
    return pd.DataFrame(rows)


def real_vs_simulated(real: pd.DataFrame, df: pd.DataFrame) -> str:
    """The real-vs-simulated table (Markdown): real natural links next to simulated ones."""
    from linkclf.datasets.linkstats import comparison_table

    table = comparison_table(real, df)
    return "\n".join(
        [
            f"Real: {len(real):,} outbound links of "
            f"{real['source_url'].nunique():,} real article pages (affiliate links left out); "
            f"simulated: {len(df):,} links. URL shapes are shares of distinct source pages, the "
            "rest shares of links. Reproduce: `python -m linkclf.datasets.datasheet "
            "datasets/default/links.csv.gz --readme datasets/README.md --real-data "
            "../shared/data/real`.",
            "",
            _markdown(table, "{:.3f}"),
        ]
    )


def write_readme(readme: Path, section: str, markers: tuple[str, str] = (START, END)) -> None:
    """Replace the text between ``markers`` (default: the datasheet markers) in ``readme``."""
    start, end = markers
    text = readme.read_text(encoding="utf-8")
    if start not in text or end not in text:
        raise InputError(
            expected=f"the markers {start} and {end} in {readme}",
            found="no markers",
            fix="add both marker lines where the generated tables belong",
            where=str(readme),
        )
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    write_text_atomic(readme, f"{head}{start}\n{section}\n{end}{tail}")


def main(argv: list[str] | None = None, log: Callable[[str], None] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="links.csv.gz written by linkclf simulate")
    parser.add_argument("--readme", type=Path, help="README with datasheet markers to update")
    parser.add_argument(
        "--real-data",
        type=Path,
        help="the real-data folder (../shared/data/real) for the real-vs-simulated table",
    )
    args = parser.parse_args(argv)
    from linkclf.datasets.io import read_dataset

    df = read_dataset(args.data)
    section = render(df)
    real_section = None
    if args.real_data:
        from linkclf.realdata_links import real_links

        real = real_links(args.real_data)
        real_section = real_vs_simulated(real[~real["affiliate"].astype(bool)], df)
    if args.readme:
        write_readme(args.readme, section)
        if real_section is not None:
            write_readme(args.readme, real_section, (REAL_START, REAL_END))
    else:
        print(section)
        if real_section is not None:
            print("\n" + real_section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
