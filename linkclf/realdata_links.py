"""The real links: every link on the ~290 real article pages of ``../shared/data/real/html-pages``.

These are the only real *link-level* data linkclf has: real anchors, real text around links,
real rel flags and real page templates, nearly all of them natural. :func:`real_links` extracts
them (with :mod:`linkclf.extract`, the same code as ``linkclf extract``) once per process;
:func:`link_groups` names the groups the flag rates are reported by.

Page URLs: the scrapinghub benchmark gives each page's URL in its ``ground-truth.json``; the
trafilatura test pages declare theirs (``rel=canonical`` / ``og:url``) except the 14 listed in
:data:`TRAFILATURA_URLS`, whose addresses come from trafilatura's ``tests/realworld_tests.py``
(commit e90b0ef, Apache-2.0), the file the pages were saved for.
"""

from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pandas as pd

from linkclf.domains import hostname, registrable_domain
from linkclf.errors import InputError
from linkclf.extract import TEMPLATE_REGIONS, extract_pages
from linkclf.realdata import require
from linkclf.scored import SCORE_COLUMNS

SCRAPINGHUB = Path("html-pages") / "scrapinghub-article-extraction-benchmark"
TRAFILATURA = Path("html-pages") / "trafilatura-tests-cache"

#: Pages of the trafilatura test cache that do not declare their own URL.
TRAFILATURA_URLS = {
    "cdu-fraktion-erfurt.de.waldorfschule.html": "http://www.cdu-fraktion-erfurt.de/inhalte/aktuelles/entwicklung-der-waldorfschule-ermoeglicht/index.html",
    "chip.de.tests.html": "https://www.chip.de/tests/akkuschrauber-werkzeug-co,82197/5",
    "creativecommons.at.faircoin.html": "https://www.creativecommons.at/faircoin-hackathon",
    "demokratiewebstatt.at.luft.html": "https://www.demokratiewebstatt.at/thema/thema-umwelt-und-klima/woher-kommt-die-dicke-luft",
    "gregoryszorc.com.python3.html": "https://gregoryszorc.com/blog/2020/01/13/mercurial%27s-journey-to-and-reflections-on-python-3/",
    "hundeverein-kreisunna.de.html": "http://www.hundeverein-kreisunna.de/unserverein.html",
    "lanouvellerepublique.fr.martin.html": "https://www.lanouvellerepublique.fr/indre-et-loire/commune/saint-martin-le-beau/family-park-la-derniere-saison-a-saint-martin-le-beau",
    "love-hina.ch.0409.html": "http://love-hina.ch/news/0409.html",
    "modepilot.de.duschkopf.html": "https://www.modepilot.de/2019/05/21/geht-euch-auch-so-oder-auf-reisen-nie-ohne-meinen-duschkopf/",
    "ndr.de.podcastcoronavirus140.html": "https://www.ndr.de/nachrichten/info/16-Coronavirus-Update-Wir-brauchen-Abkuerzungen-bei-der-Impfstoffzulassung,podcastcoronavirus140.html",
    "rs-ingenieure.de.tragwerksplanung.html": "http://www.rs-ingenieure.de/de/hochbau/leistungen/tragwerksplanung",
    "schleifen.ucoz.de.briefe.html": "http://schleifen.ucoz.de/blog/briefe/2010-10-26-18",
    "speicherguide.de.schwierige.html": "https://www.speicherguide.de/digitalisierung/faktor-mensch/schwierige-gespraeche-so-gehts-24376.aspx",
    "stuttgart.de.html": "https://www.stuttgart.de/item/show/132240/1",
}  # fmt: skip

#: Affiliate-network hosts and shorteners: a followed link through them is a paid link.
AFFILIATE_HOSTS = frozenset(
    "amzn.to amzn.com a.co go.skimresources.com skimresources.com shareasale.com awin1.com "
    "prf.hn click.linksynergy.com linksynergy.com anrdoezrs.net tkqlhce.com jdoqocy.com "
    "dpbolvw.net kqzyfj.net commission-junction.com avantlink.com pjtra.com pntra.com "
    "pjatr.com pntrs.com pntrac.com go.redirectingat.com redirectingat.com viglink.com "
    "howl.me shopstyle.it rstyle.me bit.ly/amzn fave.co tidd.ly ebay.to rover.ebay.com "
    "clkuk.tradedoubler.com clk.tradedoubler.com tradedoubler.com webgains.com "
    "track.webgains.com partners.webmasterplan.com zanox.com ad.zanox.com geni.us "
    "assoc-redirect.amazon.com target.georiot.com georiot.com bestbuy.7tiv.net "
    "walmart.i8h2.net goto.walmart.com ojrq.net sjv.io fnty.co".split()
)
#: Query parameters that carry an affiliate ID.
AFFILIATE_PARAMS = frozenset(
    "tag affid aff_id affiliate affiliate_id aff ref_id partnerid subid clickref "
    "awinaffid irclickid".split()
)
_AMAZON = re.compile(r"(^|\.)amazon\.[a-z.]+$")


def is_affiliate(url: str) -> bool:
    """Whether a link goes through an affiliate network or carries an affiliate ID
    (``amzn.to``, ``amazon.*/?tag=``, awin, CJ, Skimlinks, Impact ...)."""
    host = hostname(url)
    host = host[4:] if host.startswith("www.") else host
    if host in AFFILIATE_HOSTS or registrable_domain(host) in AFFILIATE_HOSTS:
        return True
    try:
        params = {k.lower() for k, _ in parse_qsl(urlsplit(url).query)}
    except ValueError:
        return False
    if _AMAZON.search(host) and "tag" in params:
        return True
    return bool(params & (AFFILIATE_PARAMS - {"tag"}))


def _pages(root: Path) -> tuple[list[Path], dict[str, str], dict[str, str]]:
    """Every page file, the page URL of those the mapping knows, and each page's data set."""
    truth_file = root / SCRAPINGHUB / "ground-truth.json"
    if not truth_file.is_file() or not (root / TRAFILATURA).is_dir():
        raise InputError(
            expected=f"the real pages under {root / 'html-pages'}",
            found="no scrapinghub ground truth or no trafilatura test cache",
            fix="point --data-dir at ../shared/data/real (see its SOURCES.md)",
            where=str(root),
        )
    truth = json.loads(truth_file.read_text("utf-8"))
    paths, urls, dataset = [], {}, {}
    for page_id in sorted(truth):
        path = root / SCRAPINGHUB / "html" / f"{page_id}.html.gz"
        paths.append(path)
        urls[str(path)] = truth[page_id]["url"]
        dataset[str(path)] = "scrapinghub"
    for path in sorted((root / TRAFILATURA).glob("*.html")):
        paths.append(path)
        if path.name in TRAFILATURA_URLS:
            urls[str(path)] = TRAFILATURA_URLS[path.name]
        dataset[str(path)] = "trafilatura"
    return paths, urls, dataset


@lru_cache(maxsize=4)
def _extract(root: str, all_links: bool) -> pd.DataFrame:
    paths, urls, dataset = _pages(Path(root))
    frames = []
    for path in paths:
        rows = extract_pages([path], urls, all_links=all_links)
        rows.insert(0, "page", path.name)
        rows.insert(1, "dataset", dataset[str(path)])
        frames.append(rows)
    return pd.concat(frames, ignore_index=True)


def real_links(
    data_dir: str | os.PathLike[str] | None = None, *, all_links: bool = False
) -> pd.DataFrame:
    """Every outbound link of the real pages (every link with ``all_links``), extracted once per
    process: the :data:`linkclf.extract.COLUMNS` plus ``page`` (file name), ``dataset``
    (scrapinghub / trafilatura) and ``affiliate`` (:func:`is_affiliate`).

    Raises
    ------
    InputError
        The real-data folder or its pages are missing.
    """
    root = require(data_dir)
    out = _extract(str(root.resolve()), all_links).copy()
    out["affiliate"] = out["target_url"].map(is_affiliate)
    return out


def link_groups(links: pd.DataFrame) -> pd.DataFrame:
    """Boolean columns naming the groups flag rates are reported by (a link can be in several).

    * ``rel_qualified``: nofollow, ugc or sponsored (passes no ranking signal);
    * ``affiliate``: a followed affiliate link (plausibly against Google's policy, not natural);
    * ``editorial``: followed, not affiliate, placement content (in-body citations);
    * ``template``: followed, not affiliate, any other region (nav, header, footer, sidebar,
      comment, related, social);
    * ``natural``: followed or not, not affiliate (the links expected never to be flagged).
    """
    rel = links[["nofollow", "ugc", "sponsored"]].astype(bool).any(axis=1)
    affiliate = links["affiliate"].astype(bool) & ~rel
    followed_natural = ~rel & ~affiliate
    return pd.DataFrame(
        {
            "rel_qualified": rel,
            "affiliate": affiliate,
            "editorial": followed_natural & (links["region"] == "content"),
            "template": followed_natural & links["region"].isin(TEMPLATE_REGIONS),
            "natural": ~affiliate,
        },
        index=links.index,
    )


# --- flag rates of a model on the real links ----------------------------------------------------

#: Groups in report order, with the label the tables use.
GROUP_LABELS = {
    "editorial": "in-body editorial citations (content, followed)",
    "template": "template links (nav, header, footer, sidebar, comment, related, social; followed)",
    "rel_qualified": "rel-qualified (nofollow / ugc / sponsored)",
    "affiliate": "unqualified affiliate links (not natural)",
    "natural": "all natural links (everything but affiliate)",
}
#: A language's flag rate is reported when it has at least this many natural links.
MIN_LANGUAGE_LINKS = 30


#: How the real links are handed to the model: every column the extractor fills (``canonical``),
#: or an Ahrefs export (``ahrefs``: placement only as Ahrefs' "Content" true/false, no internal
#: link count), the setting of issue 10's first measurement.
RENDERINGS = ("canonical", "ahrefs")


def score_real_links(
    model_dir: str | os.PathLike[str] = "models/default",
    data_dir: str | os.PathLike[str] | None = None,
    *,
    rendering: str = "canonical",
    source_tld: str | None = None,
) -> pd.DataFrame:
    """The real links scored by a model exactly as ``linkclf score`` would score them.

    The links are written as an export (see :data:`RENDERINGS`) with the vendor metrics empty
    (a Search-Console-based audit has no Domain rating or traffic either), read back with
    :func:`linkclf.sources.read_exports` and scored with :func:`linkclf.pipeline.score_links`.
    Returns the real links with the scored file's SCORE_COLUMNS (``p_manipulative``, ``flag``, ``predicted_kind``, ``reasons``) and
    ``model`` added; ``attrs["threshold"]`` is the model's threshold.

    ``source_tld`` (a counterfactual): the source URLs of the pages on .com are moved to that TLD
    (``www.vice.com`` -> ``www.vice.info``) before scoring; the other pages are left as they are.
    """
    import tempfile

    from linkclf.model import LinkClassifier
    from linkclf.pipeline import score_links
    from linkclf.sources import read_exports, write_export

    if rendering not in RENDERINGS:
        raise InputError(
            expected=f"a rendering in {{{', '.join(RENDERINGS)}}}",
            found=repr(rendering),
            fix="pick one of the listed renderings",
        )
    links = real_links(data_dir).reset_index(drop=True)
    if source_tld is not None:
        links["source_url"] = links["source_url"].str.replace(
            _COM_HOST, rf"\1.{source_tld}", regex=True
        )
    model = LinkClassifier.load(Path(model_dir))
    export = links.drop(columns=["page", "dataset", "affiliate", "region"])
    with tempfile.TemporaryDirectory(prefix="linkclf-real-") as tmp:
        path = Path(tmp) / "real-links.csv"
        write_export(export, path, rendering)
        read = read_exports([path])
        # One file is read row for row (no merge), so rows align by position; check it.
        same = (
            len(read) == len(links)
            and (read["target_url"].astype(str).to_numpy() == links["target_url"].to_numpy()).all()
        )
        if not same:
            raise InputError(
                expected="the real links to read back row for row",
                found=f"{len(read)} rows for {len(links)} links",
                fix="report this as a bug",
            )
        scored = score_links(model, read)
    out = links.copy()
    for col in SCORE_COLUMNS:
        out[col] = scored[col].to_numpy()
    out["model"] = model.version_label()
    out.attrs["threshold"] = float(model.threshold_)
    out.attrs["rendering"] = rendering
    return out


#: The host of a URL on .com (group 1: scheme and host without the TLD).
_COM_HOST = re.compile(r"^([a-z][a-z0-9+.-]*://[^/?#:]+)\.com(?=[/?#:]|$)", re.IGNORECASE)


def tld_sensitivity(
    model_dir: str | os.PathLike[str] = "models/default",
    data_dir: str | os.PathLike[str] | None = None,
    *,
    tld: str = "info",
    as_is: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """How far a source's TLD alone moves the flags: the followed natural links of the real
    pages on .com, scored as they are and with their pages moved to ``tld`` (nothing else
    changes). A model that reads a spam-heavy TLD as evidence on its own flags the same
    editorial citations far more often on the second pass. ``as_is``: the links already scored
    by :func:`score_real_links` (any rendering; Ahrefs when not given). JSON-ready."""
    before = (
        as_is if as_is is not None else score_real_links(model_dir, data_dir, rendering="ahrefs")
    )
    rendering = str(before.attrs["rendering"])
    after = score_real_links(model_dir, data_dir, rendering=rendering, source_tld=tld)
    on_com = before["source_url"].map(lambda url: _COM_HOST.match(url) is not None)
    groups = link_groups(before)
    out: dict[str, Any] = {"tld": tld, "rendering": rendering}
    for group in ("editorial", "template"):
        rows = groups[group] & on_com
        out[group] = {
            "as_is": _rate(before.loc[rows, "flag"].astype(int)),
            "moved": _rate(after.loc[rows, "flag"].astype(int)),
        }
    return out


def tld_sensitivity_markdown(check: dict[str, Any]) -> str:
    parts = [
        f"{GROUP_LABELS[g].split(' (')[0]} {check[g]['as_is']['rate']:.1%} -> "
        f"{check[g]['moved']['rate']:.1%} (n={check[g]['as_is']['n']:,})"
        for g in ("editorial", "template")
    ]
    return (
        f"The same followed natural links of the pages on .com, their pages moved to "
        f".{check['tld']} (nothing else changed), {check['rendering']} rendering: "
        + "; ".join(parts)
        + "."
    )


def _rate(flags: pd.Series) -> dict[str, Any]:
    n = int(len(flags))
    k = int(flags.sum())
    return {"n": n, "flagged": k, "rate": round(k / n, 4) if n else None}


def flag_rates(scored: pd.DataFrame, top: int = 10) -> dict[str, Any]:
    """Flag rates by group, region, language and data set, the top reasons of the flagged natural
    links and the share of flags whose p equals the threshold, for scored real links.

    "Equals" compares ``p_manipulative`` as scored files carry it (4 decimals) with the threshold
    rounded the same way: a flag sitting on the calibration step at the threshold.
    """
    groups = link_groups(scored)
    flag = scored["flag"].astype(int)
    natural = groups["natural"]
    followed = natural & ~groups["rel_qualified"]
    threshold = float(scored.attrs.get("threshold", float("nan")))
    flagged_natural = scored[natural & (flag == 1)]
    reasons = flagged_natural["reasons"].fillna("").str.split("; ").explode().loc[lambda s: s != ""]
    reason_counts = reasons.value_counts()
    all_flagged = scored[flag == 1]
    at_threshold = (all_flagged["p_manipulative"].astype(float) == round(threshold, 4)).mean()
    languages = scored.loc[natural, "language"].fillna("unknown")
    common = languages.value_counts()
    common = common[common >= MIN_LANGUAGE_LINKS].index
    return {
        "model": str(scored["model"].iloc[0]) if len(scored) else None,
        "rendering": scored.attrs.get("rendering"),
        "threshold": round(threshold, 4),
        "n_links": len(scored),
        "n_pages": int(scored["page"].nunique()),
        "groups": {g: _rate(flag[groups[g]]) for g in GROUP_LABELS},
        "by_region_followed_natural": {
            r: _rate(flag[followed & (scored["region"] == r)])
            for r in scored.loc[followed, "region"].value_counts().index
        },
        "by_language_natural": {
            lang: _rate(flag[natural & (scored["language"].fillna("unknown") == lang)])
            for lang in common
        },
        "by_dataset_natural": {
            d: _rate(flag[natural & (scored["dataset"] == d)])
            for d in sorted(scored["dataset"].unique())
        },
        "top_reasons_flagged_natural": [
            {"reason": r, "share_of_flags": round(n / max(len(flagged_natural), 1), 4)}
            for r, n in reason_counts.head(top).items()
        ],
        "share_of_flags_at_threshold": round(float(at_threshold), 4) if len(all_flagged) else None,
    }


def flag_rates_markdown(rates: dict[str, Any]) -> str:
    """The flag rates as the markdown table the README and docs/realdata.md show."""
    lines = [
        f"Model `{rates['model']}`, threshold {rates['threshold']}: {rates['n_links']:,} outbound "
        f"links of {rates['n_pages']} real pages, scored as a{'n' if rates['rendering'] == 'ahrefs' else ''} "
        f"{rates['rendering']} export without vendor metrics.",
        "",
        "| group | links | flagged | flag rate |",
        "|---|---|---|---|",
    ]
    for g, label in GROUP_LABELS.items():
        r = rates["groups"][g]
        rate = "n/a" if r["rate"] is None else f"{r['rate']:.1%}"
        lines.append(f"| {label} | {r['n']:,} | {r['flagged']:,} | {rate} |")
    for lang, r in rates["by_language_natural"].items():
        lines.append(
            f"| natural links on `{lang}` pages | {r['n']:,} | {r['flagged']:,} | {r['rate']:.1%} |"
        )
    lines.append("")
    regions = ", ".join(
        f"{k} {v['rate']:.0%} (n={v['n']})" for k, v in rates["by_region_followed_natural"].items()
    )
    lines.append(f"Followed natural links by region: {regions}.")
    lines.append("")
    lines.append("Top reasons among flagged natural links (share of those flags):")
    lines.append("")
    for item in rates["top_reasons_flagged_natural"]:
        lines.append(f"- {item['reason']}: {item['share_of_flags']:.0%}")
    if rates["share_of_flags_at_threshold"] is not None:
        lines.append("")
        lines.append(
            f"Flags with p exactly at the threshold: {rates['share_of_flags_at_threshold']:.0%}."
        )
    return "\n".join(lines)


# --- placement against the scrapinghub ground truth -------------------------------------------

_NON_WORD = re.compile(r"\W+")


def _squash(text: str) -> str:
    """Letters and digits only, case-folded: spacing and punctuation differ between a page's
    markup and an extracted article body."""
    return _NON_WORD.sub("", (text or "").casefold())


def in_article_body(anchor: str, left: str, right: str, body: str, words: int = 3) -> bool | None:
    """Whether a link sits inside the ground-truth article body ``body`` (already squashed).

    The anchor with up to ``words`` words of its text on either side must occur in the body
    (an anchor alone would match "Twitter" in a footer against a body that mentions Twitter);
    a link with no text around it counts only when its anchor has 3+ words. None when the
    anchor is empty (an image without alt text cannot be located in text).
    """
    if not _squash(anchor):
        return None
    lw = (left or "").split()[-words:]
    rw = (right or "").split()[:words]
    if not lw and not rw:
        return len(anchor.split()) >= 3 and _squash(anchor) in body
    candidates = [lw + [anchor] + rw]
    if lw:
        candidates.append(lw + [anchor])
    if rw:
        candidates.append([anchor] + rw)
    return any(_squash(" ".join(c)) in body for c in candidates)


def placement_vs_ground_truth(data_dir: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Precision and recall of ``placement == "content"`` against the scrapinghub benchmark's
    article bodies (:func:`in_article_body`), over the outbound links of its 181 pages."""
    links = real_links(data_dir)
    links = links[links["dataset"] == "scrapinghub"]
    root = require(data_dir)
    truth_file = root / SCRAPINGHUB / "ground-truth.json"
    bodies = {
        v["url"]: _squash(v["articleBody"])
        for v in json.loads(truth_file.read_text("utf-8")).values()
    }
    truth = [
        in_article_body(a, lf, rt, bodies.get(u, ""))
        for a, lf, rt, u in zip(
            links["anchor"].fillna(""),
            links["context_left"].fillna(""),
            links["context_right"].fillna(""),
            links["source_url"],
            strict=True,
        )
    ]
    t = pd.Series(truth, index=links.index, dtype="object")
    known = t.notna()
    y = t[known].astype(bool)
    pred = links.loc[known, "placement"] == "content"
    tp = int((pred & y).sum())
    return {
        "n_links": int(len(links)),
        "n_evaluated": int(known.sum()),
        "n_without_anchor_text": int((~known).sum()),
        "n_in_body": int(y.sum()),
        "n_predicted_content": int(pred.sum()),
        "precision": round(tp / max(int(pred.sum()), 1), 4),
        "recall": round(tp / max(int(y.sum()), 1), 4),
        "by_region_in_body_share": {
            str(r): round(float(y[links.loc[known, "region"] == r].mean()), 4)
            for r in sorted(links.loc[known, "region"].unique())
        },
    }
