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
from urllib.parse import parse_qsl, urlsplit

import pandas as pd

from linkclf.domains import hostname, registrable_domain
from linkclf.errors import InputError
from linkclf.extract import TEMPLATE_REGIONS, extract_pages
from linkclf.realdata import DEFAULT_DATA_DIR, locate

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
    root = locate(data_dir)
    if root is None:
        raise InputError(
            expected="the real-data folder with SOURCES.md (../shared/data/real)",
            found=f"nothing at {data_dir or DEFAULT_DATA_DIR}",
            fix="pass --data-dir PATH to the folder; the data are not shipped with linkclf",
        )
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
