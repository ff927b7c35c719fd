"""A deterministic link-profile simulator: labelled links for many target sites.

The world: a few hundred target sites (Dutch, English, German and French; a dozen niches), each
with a link profile that is clean, carries a past link scheme, or is under a negative-SEO
attack. Referring domains come from shared pools (news sites, directories, forums and spam
sites link to many targets, as in real data) or are made up per link (blogs), and PBN networks
share /24 subnets and are sold to several clients. Each referring domain contributes one or
more pages (sitewide templates many), each page one row in the canonical schema.

Everything is drawn from one ``Generator(PCG64(seed))`` stream in a fixed order, so a seed
gives the same rows byte for byte. The parameters live in :mod:`linkclf.datasets.scenarios`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timezone

import numpy as np
import pandas as pd

from linkclf.datasets import scenarios as sc
from linkclf.datasets.draws import Draws, Weighted
from linkclf.datasets.text import SPAMMY_TLDS, Writer, capitalise, disclose, slug
from linkclf.datasets.vocab import LANGUAGES
from linkclf.errors import ConfigError
from linkclf.schema import conform

#: Niches of target sites (and of ordinary referring pages).
TARGET_NICHES = (
    "bakery", "cycling", "gardening", "travel", "legal", "dental", "real_estate", "software",
    "pets", "fashion", "home_improvement", "fitness",
)  # fmt: skip
#: Niches that only referring (spam) pages have.
SPAM_NICHES = ("casino", "crypto", "pharma", "loans", "seo")
#: Out-of-distribution evaluation: these niches and this language are held out whole.
HOLDOUT_NICHES = ("pets", "legal")
HOLDOUT_LANGUAGE = "fr"

LANGUAGE_MIX = Weighted([("nl", 0.3), ("en", 0.3), ("de", 0.2), ("fr", 0.2)])
#: The crawl date the simulated exports are taken on (fixed: nothing depends on the clock).
SNAPSHOT = datetime(2025, 10, 1, tzinfo=timezone.utc)
_EPOCH = datetime(2010, 1, 1, tzinfo=timezone.utc)
_SNAP_DAY = (SNAPSHOT - _EPOCH).days

EXTRA_COLUMNS = ("target_site", "niche", "profile", "label_noise", "scenario")
DEFAULT_TARGETS = 300

_SECTIONS = {
    "nl": ("producten", "diensten", "aanbod", "assortiment"),
    "en": ("products", "services", "shop", "range"),
    "de": ("produkte", "leistungen", "shop", "angebot"),
    "fr": ("produits", "services", "boutique", "offre"),
}
_HOSTED = ("blogspot.com", "wordpress.com", "wixsite.com", "weebly.com")

# Every vendor metric is on every row: which metrics an export carries is a property of the
# export (linkclf.datasets.columnsets renders a profile under each vendor's column set), never of
# the link. A per-row gap that is more common on spam would teach a model that "missing" means
# "spam" (issue 10).

#: Permalink styles of article pages, one per referring site (its CMS setting), drawn from the
#: SAME table for natural and manipulative sites so a URL shape is never a label artifact.
#: Shares set from the real article pages' URLs (datasets/README.md, real vs simulated table).
PERMALINKS = Weighted([
    ("slug_slash", 0.09),       # /some-slug/ (WordPress "post name")
    ("slug", 0.04),             # /some-slug (Ghost, Medium, many news CMSs)
    ("slug_id", 0.05),          # /some-slug-123456 or /123456-some-slug
    ("section_slug", 0.08),     # /section/some-slug(.html)
    ("section_slug_id", 0.16),  # /section/some-slug-123456(.html)
    ("section_deep", 0.18),     # /section/sub/some-slug-123456(.html)
    ("date_slug", 0.32),        # /2019/11/18/some-slug/
    ("date_html", 0.06),        # /2019/11/some-slug.html
    ("query", 0.02),            # /article.php?id=123
])  # fmt: skip

# Logit-normal (mean, sd) of Domain Rating by site type.
_DR = {
    "news": (1.2, 0.8), "org": (0.3, 0.9), "blog": (-0.9, 1.0), "forum": (-0.2, 0.9),
    "qdir": (-0.3, 0.7), "sdir": (-1.3, 1.0), "spamblog": (-1.0, 1.1), "spam": (-1.5, 1.2),
    "pbn": (-0.6, 0.6), "hacked": (-0.5, 1.0),
}  # fmt: skip
_SPAMMY_SITES = ("sdir", "spam", "pbn", "spamblog")
# Digits in hostnames are not a spam sign on the real web (`python -m linkclf.realhosts`): 6.3% of
# the Tranco top 10k carry one, 3.2% of the hosts at least two sites disavowed, 11-15% of the
# referrer-spam lists. Every site type draws them at a real rate, spam sites a little more often.
_HOST_DIGITS_SHARE = 0.06
_SPAM_HOST_DIGITS_SHARE = 0.12
# Shared-pool size per language, per target site.
_POOL_PER_TARGET = {
    "news": 0.3,
    "qdir": 0.1,
    "sdir": 0.3,
    "forum": 0.4,
    "spamblog": 0.6,
    "spam": 0.8,
}


@dataclass
class Domain:
    """A referring site: name, place on the network and vendor metrics."""

    host: str
    lang: str
    niche: str
    site: str
    ip: str
    dr: float
    cf: float
    tf: float
    da: float
    traffic: float
    spam_score: float
    base: str = ""  # scheme://[www.]host: one per site, as real sites redirect to one form
    permalink: str = "slug_slash"  # URL style of its articles (PERMALINKS)


@dataclass
class Target:
    """A site whose link profile is simulated."""

    domain: str
    lang: str
    niche: str
    brand: str
    profile: str
    founded: float
    pages: list[tuple[str, str]]  # (url, topic); index 0 is the home page
    bursts: list[tuple[float, float]] = field(default_factory=list)  # (centre day, width)
    press: float = 0.0
    networks: list[list[Domain]] = field(default_factory=list)


class _World:
    """Shared pools of referring domains and the registry that keeps hosts consistent."""

    def __init__(self, d: Draws, n_targets: int) -> None:
        self.d = d
        self.n_targets = n_targets
        self.writers = {lang: Writer(mod, d) for lang, mod in LANGUAGES.items()}
        self.registry: dict[str, Domain] = {}
        self.shared_hosting = [self._subnet() for _ in range(80)]
        self.spam_hosting = [self._subnet() for _ in range(40)]
        self.pools: dict[tuple[str, str], list[Domain]] = {}
        self.networks: list[list[Domain]] = []

    # -- network --------------------------------------------------------------------------
    def _subnet(self) -> str:
        d = self.d
        return f"{d.integer(5, 223)}.{d.integer(0, 255)}.{d.integer(0, 255)}"

    def _ip(self, site: str) -> str:
        d = self.d
        if site in _SPAMMY_SITES and d.chance(0.35):
            prefix = d.pick(self.spam_hosting)
        elif d.chance(0.1):  # cheap shared hosting: natural sites share /24s too
            prefix = d.pick(self.shared_hosting)
        else:
            prefix = self._subnet()
        return f"{prefix}.{d.integer(1, 254)}"

    # -- hostnames ------------------------------------------------------------------------
    def _name(self, site: str, lang: str, niche: str) -> str:
        name = self._base_name(site, lang, niche)
        if site not in ("spam", "sdir") and self.d.chance(_HOST_DIGITS_SHARE):
            name = self._with_number(name)
        return name

    def _with_number(self, name: str) -> str:
        """A number in a hostname the way real sites carry one: news24, 9to5mac, web2, 50plus."""
        d = self.d
        number = d.pick(("24", "2", "3", "4", "7", "9", "360", "365", "99", "100", "50", "1"))
        r = d.u()
        if r < 0.5:
            return f"{name}{number}"
        if r < 0.8:
            return f"{number}{name}"
        head, _, tail = name.partition("-")
        return f"{head}{number}{tail}" if tail else f"{number}to{name}"

    def _base_name(self, site: str, lang: str, niche: str) -> str:
        d = self.d
        w = self.writers[lang]
        v = w.v
        term = slug(d.pick(v.NICHES[niche]["terms"]))
        sep = "-" if d.chance(0.35) else ""
        if site == "news":
            word, city = d.pick(v.HOST_WORDS["news"]), slug(d.pick(v.CITIES))
            return f"{city}{sep}{word}" if d.chance(0.6) else f"{word}{sep}{city}"
        if site in ("blog", "hacked", "spamblog"):
            owner = slug(d.pick(v.FIRSTNAMES)) if d.chance(0.5) else d.pick(v.SURNAMES)
            word = d.pick(v.HOST_WORDS["blog"])
            return f"{owner}{sep}{word}" if d.chance(0.5) else f"{term}{sep}{word}"
        if site == "org":
            return f"{term}{sep}{d.pick(v.HOST_WORDS['org'])}"
        if site == "forum":
            return f"{term}{sep}{d.pick(v.HOST_WORDS['forum'])}"
        if site == "qdir":
            return f"{d.pick(v.HOST_WORDS['directory'])}{sep}{slug(d.pick(v.CITIES))}"
        if site == "pbn":  # expired domains: brandable, sometimes still niche-sounding
            first = term if d.chance(0.6) else slug(d.pick(v.CITIES))
            return f"{first}{sep}{d.pick(v.HOST_WORDS['blog'])}"
        # sdir and spam: spammy tokens, topic words, digits
        spam_word = d.pick(v.HOST_WORDS["spam"])
        base = d.pick(v.HOST_WORDS["directory"]) if site == "sdir" else term
        name = f"{spam_word}-{base}" if d.chance(0.6) else f"{base}{spam_word}"
        if d.chance(_SPAM_HOST_DIGITS_SHARE):
            name += f"{'-' if d.chance(0.4) else ''}{d.integer(1, 999)}"
        return name

    def _tld(self, site: str, lang: str) -> str:
        d = self.d
        p_spammy = {"spam": 0.6, "sdir": 0.55, "pbn": 0.2, "spamblog": 0.15}.get(site, 0.03)
        if d.chance(p_spammy):
            return d.pick(SPAMMY_TLDS)
        if site == "org" and d.chance(0.4):
            return ".org"
        if site in ("pbn", "spam", "sdir") and d.chance(0.4):
            return d.pick((".com", ".net", ".org", ".info"))
        return self.writers[lang].tld()

    def domain(self, site: str, lang: str, niche: str, ip_prefix: str | None = None) -> Domain:
        """A new referring domain (or the existing one if the name is taken)."""
        d = self.d
        name = self._name(site, lang, niche)
        if site in ("blog", "spamblog") and d.chance(0.08):
            host = f"{name.replace('-', '')}.{d.pick(_HOSTED)}"
        else:
            host = f"{name}{self._tld(site, lang)}"
        if host in self.registry:
            return self.registry[host]
        ip = f"{ip_prefix}.{d.integer(1, 254)}" if ip_prefix else self._ip(site)
        mean, sd = _DR[site]
        dr = d.logit_normal(mean, sd)
        spammy = site in _SPAMMY_SITES
        cf = min(100.0, max(0.0, dr * (0.6 + 0.5 * d.u()) + 4 * d.z()))
        # Trust flow lags citation flow on sites that exist to pass links.
        ratio = d.logit_normal(-0.3 if spammy else 0.6, 0.9, 1.0)
        tf = cf * ratio
        da = min(100.0, max(1.0, dr + 8 * d.z()))
        # Organic traffic follows authority; most small sites, natural or not, have none.
        if d.chance(0.75 - 0.6 * dr / 100):
            traffic = 0.0
        else:
            traffic = round(d.lognormal(dr / 14, 1.4))
        spam_score = d.logit_normal(-0.4 if spammy else -1.6, 1.2)
        scheme = "http" if d.chance(0.3 if spammy else 0.08) else "https"
        www = "www." if (host.count(".") == 1 and d.chance(0.5)) else ""
        base = f"{scheme}://{www}{host}"
        permalink = d.weighted(PERMALINKS)
        dom = Domain(
            host, lang, niche, site, ip, dr, cf, tf, da, traffic, spam_score, base, permalink
        )
        self.registry[host] = dom
        return dom

    def pooled(self, site: str, lang: str, niche: str) -> Domain:
        """A domain from a shared pool: the same news sites and directories link to many
        targets, so a referring domain can appear in several profiles. Pools grow with the
        number of targets, so the reuse per target does not depend on the dataset's size."""
        size = max(5, round(self.n_targets * _POOL_PER_TARGET[site]))
        key = (site, lang)
        pool = self.pools.setdefault(key, [])
        if len(pool) < size and (not pool or self.d.chance(0.5)):
            pool.append(self.domain(site, lang, niche))
            return pool[-1]
        return self.d.pick(pool)

    def network(self, lang: str, niche: str) -> list[Domain]:
        """A PBN: 6-25 domains on 1-3 shared /24 subnets, partly in the client's niche."""
        d = self.d
        subnets = [self._subnet() for _ in range(d.integer(1, 3))]
        members = []
        for _ in range(d.integer(6, 25)):
            member_niche = niche if d.chance(0.4) else d.pick(TARGET_NICHES + SPAM_NICHES)
            member_lang = lang if d.chance(0.7) else d.weighted(LANGUAGE_MIX)
            members.append(self.domain("pbn", member_lang, member_niche, d.pick(subnets)))
        self.networks.append(members)
        return members


def _target(world: _World, used: set[str]) -> Target:
    d = world.d
    lang = d.weighted(LANGUAGE_MIX)
    niche = d.pick(TARGET_NICHES)
    w = world.writers[lang]
    v = w.v
    for _ in range(50):
        word = slug(d.pick(v.NICHES[niche]["brand"]))
        style = d.u()
        if style < 0.45:
            name = f"{word}-{d.pick(v.SURNAMES)}"
        elif style < 0.7:
            name = f"{d.pick(v.SURNAMES)}{word}"
        elif style < 0.85:
            name = f"{word}{slug(d.pick(v.CITIES))}"
        else:
            name = f"{word}-{slug(d.pick(v.NICHES[niche]['terms']))}"
        domain = f"{name}{w.tld()}"
        if domain not in used:
            break
    used.add(domain)
    brand = " ".join(capitalise(part) for part in name.split("-"))
    section = d.pick(_SECTIONS[lang])
    topics = list(v.NICHES[niche]["topics"])
    pages = [(f"https://www.{domain}/", "")]
    for topic in topics:
        if d.chance(0.7):
            prefix = f"/{section}" if d.chance(0.6) else ""
            pages.append((f"https://www.{domain}{prefix}/{slug(topic)}", topic))
    if len(pages) == 1:
        pages.append((f"https://www.{domain}/{slug(topics[0])}", topics[0]))
    profile = d.weighted(sc.PROFILE_MIX)
    founded = float(d.integer(365, _SNAP_DAY - 3 * 365))
    target = Target(domain, lang, niche, brand, profile, founded, pages)
    span = _SNAP_DAY - founded
    target.press = founded + span * (0.3 + 0.7 * d.u())
    if profile == "past_scheme":
        for _ in range(d.integer(1, 3)):
            centre = founded + span * (0.1 + 0.6 * d.u())
            target.bursts.append((centre, 10 + 60 * d.u()))
    elif profile == "negative_seo":
        target.bursts.append((_SNAP_DAY - 20 - 200 * d.u(), 4 + 16 * d.u()))
    if profile != "clean":
        # Networks are sold to several clients: half the time reuse one.
        for _ in range(d.integer(1, 2)):
            if world.networks and d.chance(0.5):
                target.networks.append(d.pick(world.networks))
            else:
                target.networks.append(world.network(lang, niche))
    return target


def _source_lang(d: Draws, scen: sc.Scenario, target: Target) -> str:
    if d.chance(scen.same_language):
        return target.lang
    if target.lang != "en" and d.chance(0.6):
        return "en"
    return d.weighted(LANGUAGE_MIX)


def _page_niche(d: Draws, scen: sc.Scenario, target: Target) -> str:
    relation = d.weighted(scen.relation)
    if relation == "same":
        return target.niche
    if relation == "spam":
        return d.pick(SPAM_NICHES)
    return d.pick(TARGET_NICHES)


def _referring(world: _World, scen: sc.Scenario, target: Target) -> tuple[Domain, str]:
    """The referring domain and the niche of the linking page."""
    d = world.d
    if scen.site == "pbn" and target.networks:
        dom = d.pick(d.pick(target.networks))
        return dom, dom.niche
    lang = _source_lang(d, scen, target)
    niche = _page_niche(d, scen, target)
    if scen.site == "news":
        return world.pooled("news", lang, niche), niche
    if scen.site == "qdir":
        return world.pooled("qdir", lang, niche), niche
    if scen.site == "sdir":
        return world.pooled("sdir", lang, d.pick(SPAM_NICHES)), niche
    if scen.site == "forum":
        return world.pooled("forum", lang, target.niche if d.chance(0.7) else niche), niche
    if scen.site == "spamblog":
        return world.pooled("spamblog", lang, niche), niche
    if scen.site == "spam" and d.chance(0.5):
        return world.pooled("spam", lang, niche), niche
    return world.domain(scen.site, lang, niche), niche


def _day(d: Draws, scen: sc.Scenario, target: Target) -> float:
    """First-seen day: natural links accrue with growth; schemes and attacks come in bursts."""
    span = _SNAP_DAY - target.founded
    if scen.label == 1 and target.bursts and d.chance(0.8):
        centre, width = d.pick(target.bursts)
        day = centre + width * 0.5 * d.z()
    elif scen.label == 0 and scen.name in ("news", "brand_mention") and d.chance(0.25):
        day = target.press + 6 * d.z()  # a press moment: natural links burst too
    else:
        day = target.founded + span * math.sqrt(d.u())
    return min(max(day, target.founded), _SNAP_DAY - 1.0)


def _target_page(d: Draws, target: Target, anchor_type: str) -> tuple[str, str]:
    home_share = 0.12 if anchor_type in ("exact", "partial") else 0.55
    if d.chance(home_share):
        return target.pages[0]
    return d.pick(target.pages[1:])


def _anchor(world: _World, anchor_type: str, target: Target, topic: str, src_lang: str,
            url: str) -> str:  # fmt: skip
    d = world.d
    w = world.writers[target.lang]
    v = w.v
    topic = topic or d.pick(v.NICHES[target.niche]["topics"])
    if anchor_type == "brand":
        r = d.u()
        if r < 0.7:
            return target.brand
        if r < 0.85:
            return target.brand.lower()
        return target.domain if r < 0.97 else f"www.{target.domain}"
    if anchor_type == "exact":
        money = w.fill(d.pick(v.MONEY), target.niche, topic=topic).lower()
        # Keyword anchors carry a year now and then ("best casino bonus 2024"): digits in an
        # anchor are not a sign of a natural link alone.
        return f"{money} {d.integer(2014, 2025)}" if d.chance(0.06) else money
    if anchor_type == "partial":
        return w.fill(d.pick(v.PARTIAL), target.niche, topic=topic, brand=target.brand)
    if anchor_type == "generic":
        return d.pick(world.writers[src_lang].v.GENERIC)
    if anchor_type == "descriptive":
        return _descriptive_anchor(world, target, topic, src_lang)
    if anchor_type == "url":
        r = d.u()
        return (
            url if r < 0.4 else (f"www.{target.domain}" if r < 0.8 else f"https://{target.domain}")
        )
    return ""  # image and empty anchors


def _descriptive_anchor(world: _World, target: Target, topic: str, src_lang: str) -> str:
    """What people link with when they write: a name, a phrase of their own, the linked page's
    headline, a number (a date, a price, a model), a social handle, a place.

    Shares follow the real article pages' in-body anchors (datasets/README.md, real vs
    simulated): 26% carry a digit, 11% are title-like headlines of three words or more, 18% run
    to five words or more, about 1% are @handles. Before these genres the simulated natural
    anchors had digits 0.7% of the time, which taught the model that a real headline or a
    product with its price "reads like a link-scheme anchor".
    """
    d = world.d
    sw = world.writers[src_lang]
    niche = target.niche if target.niche in sw.v.NICHES else d.pick(TARGET_NICHES)
    r = d.u()
    if r < 0.2:
        return f"{d.pick(sw.v.FIRSTNAMES)} {capitalise(d.pick(sw.v.SURNAMES))}"
    if r < 0.42:
        words = sw.sentence(d.pick(TARGET_NICHES)).rstrip(".?!").split()
        start = d.integer(0, max(0, len(words) - 3))
        return " ".join(words[start : start + d.integer(2, 6)])
    if r < 0.64:  # the linked article's headline, as news sites and blogs cite each other
        headline = sw.title(d.pick(("article", "news")), niche, target.brand, topic)
        return headline.title() if src_lang == "en" and d.chance(0.5) else headline
    if r < 0.84:  # a date, a price, a count or a model number around the topic
        number = d.pick((
            str(d.integer(2014, 2025)),
            f"{d.integer(2, 99)}",
            f"{d.integer(5, 999)}{d.pick(('€', ' €', '$', ' EUR', 'GB', ' mm', '%'))}",
            f"{d.integer(1, 28)}.{d.integer(1, 12)}.{d.integer(2014, 2025)}",
        ))  # fmt: skip
        return d.pick((f"{topic} {number}", f"{number} {topic}", f"{capitalise(topic)} ({number})"))
    if r < 0.87:
        handle = f"{slug(d.pick(sw.v.FIRSTNAMES))}{d.pick(sw.v.SURNAMES).lower()}".replace("-", "")
        # A tweet credit ("via @name"): an anchor of the bare "@name" would start like a
        # spreadsheet formula, which the simulated files never write.
        return f"{d.pick(('via', 'by', 'photo:'))} @{handle}{d.integer(1, 99) if d.chance(0.4) else ''}"
    if r < 0.93:
        return str(d.pick(world.writers[target.lang].v.CITIES))
    return (
        topic
        if d.chance(0.6)
        else f"{capitalise(topic)} {d.pick(world.writers[target.lang].v.CITIES)}"
    )


def _source_url(world: _World, dom: Domain, page: str, title: str, sponsored: bool = False) -> str:
    """A page URL; ``sponsored``: the site files the post under its sponsored-content section
    (/advertorial/, /anzeige/, /partner-content/), as sites that disclose often do."""
    d = world.d
    v = world.writers[dom.lang].v
    pw = v.PATH_WORDS
    base = dom.base
    s = slug(title)[:70].strip("-")
    if page == "home":
        return f"{base}/"
    if page == "about":
        return f"{base}/{d.pick(('about', 'contact', 'info', 'team'))}"
    if page == "resource":
        return f"{base}/{d.pick(pw['resource'])}/" + (s if d.chance(0.5) else "")
    if page == "forum":
        r = d.u()
        if r < 0.45:
            return f"{base}/{d.pick(pw['forum'])}/{s}-{d.integer(10, 99999)}"
        if r < 0.75:
            return f"{base}/{d.pick(pw['blog'])}/{s}/#comment-{d.integer(10, 99999)}"
        user = f"{slug(d.pick(v.FIRSTNAMES))}{d.integer(1, 999)}"
        return f"{base}/{d.pick(pw['profile'])}/{user}"
    if page == "directory":
        if d.chance(0.5):
            return f"{base}/{d.pick(pw['directory'])}/{s}-{d.integer(1, 99999)}.html"
        return f"{base}/{d.pick(pw['directory'])}/{d.integer(1, 99999)}"
    if sponsored and page in ("article", "news", "guest"):
        return f"{base}/{d.pick(pw['sponsored'])}/{s}"
    if page == "guest" and d.chance(0.45):
        return f"{base}/{d.pick(pw['guest'])}/{s}"
    if page == "partners":
        return f"{base}/{d.pick(pw['partners'])}"
    section = d.pick(pw["news"] if page == "news" else pw["blog"])
    return f"{base}{_permalink(d, dom.permalink, s, section)}"


def _permalink(d: Draws, style: str, s: str, section: str) -> str:
    """The path of an article page in a site's permalink style."""
    n = d.integer(1000, 9999999)
    ext = ".html" if d.chance(0.3) else ""
    if style == "slug_slash":
        return f"/{s}/"
    if style == "slug":
        return f"/{s}"
    if style == "slug_id":
        return f"/{s}-{n}" if d.chance(0.7) else f"/{n}-{s}"
    if style == "section_slug":
        return f"/{section}/{s}{ext}" + ("/" if not ext and d.chance(0.6) else "")
    if style == "section_deep":
        return f"/{section}/{d.pick(('story', 'article', 'a', 'detail', 'local'))}/{s}-{n}{ext}"
    if style == "section_slug_id":
        return f"/{section}/{s}-{n}{ext}" if d.chance(0.7) else f"/{section}/{n}/{s}{ext}"
    year, month = d.integer(2012, 2025), d.integer(1, 12)
    if style == "date_slug":
        day = f"/{d.integer(1, 28):02d}" if d.chance(0.5) else ""
        return f"/{year}/{month:02d}{day}/{s}/"
    if style == "date_html":
        return f"/{year}/{month:02d}/{s}.html"
    return f"/{d.pick(('index.php', 'article.php', 'news.php', ''))}?{d.pick(('id', 'p'))}={n}"


_TITLE_PAGE = {"guest": "guest", "partners": "resource", "about": "home", "home": "home"}


def _title(world: _World, dom: Domain, page: str, niche: str, focus: str) -> tuple[str, str]:
    """(title as shown, title without the site-name suffix: what the URL slug is made of)."""
    d = world.d
    w = world.writers[dom.lang]
    kind = _TITLE_PAGE.get(page, page)
    if niche in SPAM_NICHES and kind in ("article", "guest") and d.chance(0.5):
        kind = "spam"
    site_name = capitalise(dom.host.split(".")[0].replace("-", " "))
    core = w.title(kind, niche, site_name, focus)
    if kind not in ("home", "directory") and d.chance(0.55):
        # Real headlines run to a dozen words: a frame plus a clause from a sentence.
        clause = " ".join(w.sentence(niche).rstrip(".?!").split()[:8])
        core = f"{core}: {clause[:1].lower()}{clause[1:]}"
    suffix = kind != "home" and d.chance(0.65)
    return (f"{core} | {site_name}" if suffix else core), core


class _Rows:
    """Column lists, appended row by row and turned into one frame at the end."""

    names = (
        "source_url", "target_url", "anchor", "context_left", "context_right", "source_title",
        "nofollow", "ugc", "sponsored", "link_type", "placement", "sitewide", "first_seen",
        "last_seen", "lost", "source_ip", "language", "domain_rating", "url_rating",
        "trust_flow", "citation_flow", "page_authority", "domain_authority", "source_traffic",
        "external_links", "internal_links", "vendor_spam_score", "label", "kind",
        "target_site", "niche", "profile", "label_noise", "scenario", "_anchor_type",
    )  # fmt: skip

    def __init__(self) -> None:
        self.cols: dict[str, list] = {name: [] for name in self.names}

    def add(self, **values: object) -> None:
        for name in self.names:
            self.cols[name].append(values[name])


def _emit_domain(world: _World, rows: _Rows, scen: sc.Scenario, target: Target) -> int:
    """All rows one referring domain gives one target; returns how many."""
    d = world.d
    dom, niche = _referring(world, scen, target)
    writer = world.writers[dom.lang]
    target_writer = world.writers[target.lang]
    n_pages = d.geometric(*scen.pages)
    sitewide = d.chance(scen.sitewide if n_pages > 1 else scen.sitewide * 0.3)
    # One template per domain: sitewide/footer links repeat the same anchor and text on
    # every page, which is exactly the repetition signal auditors look for.
    template = sitewide or scen.name in ("blogroll", "sitewide")
    day0 = _day(d, scen, target)
    nofollow = d.chance(scen.nofollow)
    ugc = d.chance(scen.ugc)
    sponsored = d.chance(scen.sponsored)
    if ugc:
        nofollow = nofollow or d.chance(0.8)
    placement = d.weighted(scen.placement)
    lost_p = 0.12 if scen.label == 0 else (0.32 if target.profile == "negative_seo" else 0.22)
    fixed: dict[str, object] = {}
    for index in range(n_pages):
        if not template or index == 0:
            anchor_type = d.weighted(scen.anchors)
            t_url, topic = _target_page(d, target, anchor_type)
            anchor = _anchor(world, anchor_type, target, topic, dom.lang, t_url)
            mode = d.weighted(scen.context)
            stuff_niche = target.niche if d.chance(0.7) else niche
            stuff_writer = target_writer if stuff_niche == target.niche else writer
            focus = topic if (niche == target.niche and dom.lang == target.lang) else ""
            left, right = writer.context(mode, niche, stuff_niche, stuff_writer, focus)
            disclosed = d.chance(scen.disclosure)
            if disclosed:
                left = disclose(left, d.pick(writer.v.DISCLOSURES))
            fixed = {"anchor_type": anchor_type, "t_url": t_url, "anchor": anchor,
                     "left": left, "right": right, "topic": topic,
                     "disclosed": disclosed}  # fmt: skip
            if not template:
                placement = d.weighted(scen.placement)
        page = scen.page
        if page == "any":  # a template link: on the home page and on every other page
            page = "home" if index == 0 else ("about" if index == 1 else "article")
        elif page == "partners" and index > 0:  # the partner page, then the same footer
            page = "article"
        focus = str(fixed["topic"]) if (niche == target.niche and dom.lang == target.lang) else ""
        title, core = _title(world, dom, page, niche, focus)
        if fixed["disclosed"] and d.chance(0.5):  # "Advertorial: ...", "Anzeige: ..."
            labels = [p for p in writer.v.DISCLOSURES if p.endswith(".")]
            title = f"{d.pick(labels)[:-1]}: {title}"
        in_section = bool(fixed["disclosed"]) and d.chance(0.5)
        source_url = _source_url(world, dom, page, core, sponsored=in_section)
        anchor_type = str(fixed["anchor_type"])
        link_type = "image" if anchor_type == "image" else "text"
        r = d.u()
        if link_type == "text" and r < 0.02:
            link_type = "redirect"
        elif link_type == "text" and scen.label == 1 and r < 0.026:
            link_type = d.pick(("frame", "form"))
        elif r > 0.992:
            link_type = "unknown"
        first = day0 + (d.geometric(0.08, 60) - 1 if n_pages > 1 else 0) + d.u()
        first = min(first, _SNAP_DAY - 0.5)
        lost = d.chance(lost_p)
        last = first + (_SNAP_DAY - first) * d.u() if lost else _SNAP_DAY - 20 * d.u()
        last = max(last, first)
        rows.add(
            source_url=source_url,
            target_url=fixed["t_url"],
            anchor=fixed["anchor"],
            context_left=fixed["left"],
            context_right=fixed["right"],
            source_title=title,
            nofollow=nofollow,
            ugc=ugc,
            sponsored=sponsored,
            link_type=link_type,
            placement=placement,
            sitewide=sitewide,
            first_seen=first,
            last_seen=last,
            lost=lost,
            source_ip=dom.ip,
            language=dom.lang,
            label=scen.label,
            kind=scen.kind,
            target_site=target.domain,
            niche=target.niche,
            profile=target.profile,
            label_noise=False,
            scenario=scen.name,
            _anchor_type=anchor_type,
            **_metrics(d, dom, scen),
        )
    return n_pages


def _metrics(d: Draws, dom: Domain, scen: sc.Scenario) -> dict[str, float]:
    """Every vendor metric of the row: present on every row (column sets remove whole columns)."""
    ur = min(100.0, max(0.0, dom.dr * (0.15 + 0.5 * d.u()) + 3 * d.z()))
    pa = min(100.0, max(1.0, dom.da * (0.4 + 0.5 * d.u()) + 4 * d.z()))
    external = round(d.lognormal(*scen.outbound))
    internal = round(d.lognormal(4.5, 0.7))  # real article pages: median ~90 internal links
    return {
        "domain_rating": round(dom.dr, 1),
        "url_rating": round(ur, 1),
        "source_traffic": float(dom.traffic),
        "external_links": float(external),
        "internal_links": float(internal),
        "trust_flow": float(round(dom.tf)),
        "citation_flow": float(round(dom.cf)),
        "domain_authority": float(round(dom.da)),
        "page_authority": float(round(pa)),
        "vendor_spam_score": float(round(dom.spam_score)),
    }


def _hard_case(frame: pd.DataFrame) -> np.ndarray:
    """Rows an auditor is most likely to get wrong: the overlaps between the classes."""
    scen = frame["scenario"].to_numpy()
    natural = frame["label"].to_numpy() == 0
    anchor_type = frame["_anchor_type"].to_numpy()
    return (
        np.isin(scen, ("paid_highauth", "blogroll", "sponsored_marked"))
        | (natural & (anchor_type == "exact"))
        | (~natural & frame["nofollow"].to_numpy(bool))
        | ((scen == "pbn") & (anchor_type == "brand"))
    )


#: Probability that an auditor's label is wrong, on ordinary and on hard rows.
NOISE_RATE = (0.015, 0.08)


def simulate(seed: int, n_targets: int = DEFAULT_TARGETS) -> pd.DataFrame:
    """Simulate labelled links for ``n_targets`` target sites.

    Parameters
    ----------
    seed : int
        Seeds the one ``Generator(PCG64(seed))`` stream; the same seed gives the same frame.
    n_targets : int
        Number of target sites; about 130 links each on average.

    Returns
    -------
    pandas.DataFrame
        Canonical columns (:data:`linkclf.schema.CANONICAL_COLUMNS`, ``label`` 0/1, ``kind`` in
        :data:`linkclf.schema.KINDS`) then ``target_site``, ``niche`` (of the target),
        ``profile`` (clean / past_scheme / negative_seo), ``label_noise`` (True where the label
        was flipped on purpose, see ``NOISE_RATE``) and ``scenario`` (the generator's sub-kind:
        for analysis only, never a feature).

    Examples
    --------
    >>> df = simulate(7, n_targets=3)
    >>> sorted(df["label"].unique().tolist())
    [0, 1]
    """
    if seed < 0 or n_targets < 1:
        raise ConfigError(
            expected="a seed >= 0 and at least 1 target site",
            found=f"seed {seed}, {n_targets} target sites",
            fix="pass e.g. --seed 7 --targets 300",
        )
    d = Draws(seed)
    world = _World(d, n_targets)
    rows = _Rows()
    used: set[str] = set()
    for _ in range(n_targets):
        target = _target(world, used)
        # Profile sizes from a handful of links (a new shop) to hundreds: profile shares of a
        # small profile are noisy, and a model must see that before it scores one.
        budget = int(min(900, max(3, d.lognormal(math.log(90), 0.9))))
        p_manip, manip_mix = sc.PROFILES[target.profile]
        made = 0
        while made < budget:
            if d.chance(p_manip):
                scen = sc.BY_NAME[d.weighted(manip_mix)]
            else:
                scen = sc.BY_NAME[d.weighted(sc.NATURAL_MIX)]
            made += _emit_domain(world, rows, scen, target)
    frame = pd.DataFrame(rows.cols)
    frame = _finish(frame, d)
    return frame


def _finish(frame: pd.DataFrame, d: Draws) -> pd.DataFrame:
    """Dates to UTC timestamps, label noise, canonical dtypes and column order."""
    # A vendor lists a (page, target, anchor) once; repeated visits of a pooled domain can
    # draw the same page twice.
    frame = frame.drop_duplicates(["source_url", "target_url", "anchor"], ignore_index=True)
    for col in ("first_seen", "last_seen"):
        seconds = np.round(frame[col].to_numpy(float) * 86400).astype("int64")
        frame[col] = pd.Timestamp(_EPOCH) + pd.to_timedelta(seconds, unit="s")
    hard = _hard_case(frame)
    u = d.rng.random(len(frame))
    flip = u < np.where(hard, NOISE_RATE[1], NOISE_RATE[0])
    label = frame["label"].to_numpy().copy()
    kind = frame["kind"].to_numpy(dtype=object).copy()
    scen = frame["scenario"].to_numpy()
    for i in np.flatnonzero(flip):
        if label[i] == 1:
            label[i], kind[i] = 0, "natural"
        else:
            label[i], kind[i] = 1, sc.MISTAKEN_KIND[scen[i]]
    frame["label"] = label
    frame["kind"] = kind
    frame["label_noise"] = flip
    frame = frame.drop(columns=["_anchor_type"])
    for col in ("anchor", "context_left", "context_right"):
        frame[col] = frame[col].replace("", pd.NA)
    out = conform(frame)
    out["label_noise"] = out["label_noise"].astype(bool)
    return out
