"""Feature families of linkclf.features, each on a small hand-made frame (HashingEmbedder)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from linkclf.features import hostname_features
from linkclf.features.anchors import anchor_features
from linkclf.features.profile import profile_features
from linkclf.features.structure import authority_features, placement_features, rel_features
from linkclf.features.url import path_words, url_features
from linkclf.schema import conform

TARGET = "https://www.bakkerij-devries.nl/brood/volkorenbrood"


def links(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Canonical frame: every row links to TARGET unless it says otherwise."""
    return conform(pd.DataFrame([{"target_url": TARGET, **r} for r in rows]))


def anchor_types(anchors: list[Any], **extra: Any) -> list[str]:
    df = links(
        [
            {"source_url": f"https://blog{i}.nl/p", "anchor": a, **extra}
            for i, a in enumerate(anchors)
        ]
    )
    return list(anchor_features(df).attrs["anchor_type"])


# -- anchors --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "anchor", ["klik hier", "click here", "hier klicken", "cliquez ici", "  Klik Hier "]
)
def test_generic_anchors_in_all_four_languages(anchor: str) -> None:
    assert anchor_types([anchor]) == ["generic"]


@pytest.mark.parametrize(
    "anchor",
    ["dit artikel", "bekijk de site", "this guide", "diese Website", "zur Seite", "plus d'infos"],
)
def test_anchors_made_of_generic_words_are_generic(anchor: str) -> None:
    assert anchor_types([anchor]) == ["generic"]


def test_a_generic_word_next_to_a_money_term_is_not_generic() -> None:
    assert anchor_types(["lees meer over volkorenbrood"]) == ["partial"]


def test_generic_words_never_become_money_terms() -> None:
    # "artikel" repeated by many anchors is a phrasing habit, not what the target sells.
    got = anchor_types(["dit artikel"] * 4 + ["artikel"])
    assert got == ["generic"] * 5


@pytest.mark.parametrize(
    "anchor", ["Bakkerij De Vries", "bakkerij devries", "BakkerijDeVries", "De Vries"]
)
def test_brand_anchor_comes_from_the_target_domain(anchor: str) -> None:
    assert anchor_types([anchor]) == ["brand"]


def test_brand_depends_on_the_target_not_on_a_fixed_list() -> None:
    df = links(
        [
            {
                "source_url": "https://a.nl/p",
                "anchor": "Bakkerij De Vries",
                "target_url": "https://www.slagerij-jansen.nl/",
            }
        ]
    )
    assert list(anchor_features(df).attrs["anchor_type"]) != ["brand"]


@pytest.mark.parametrize(
    "anchor",
    [
        "https://www.bakkerij-devries.nl/",
        "www.bakkerij-devries.nl",
        "bakkerij-devries.nl",
        "http://example.com/x?y=1",
    ],
)
def test_urls_as_anchor_are_naked_urls(anchor: str) -> None:
    # A bare domain counts as a naked URL (the usual SEO taxonomy), not as the brand.
    assert anchor_types([anchor]) == ["naked_url"]


def test_exact_and_partial_match_use_money_terms_from_the_target_path() -> None:
    got = anchor_types(
        [
            "volkorenbrood",
            "brood",
            "lekker volkorenbrood bestellen",
            "Bakkerij De Vries volkorenbrood",
            "fietsen repareren",
        ]
    )
    assert got == ["exact", "exact", "partial", "partial", "other"]


def test_an_anchor_that_names_the_brand_is_never_exact_match() -> None:
    # Exact-match is the keyword alone; the brand with a keyword is a compound anchor, the way
    # editors name a business ("De Vries bakery in Utrecht"), also when the brand is spelled in
    # words with a stop word inside ("De Vries" for devries).
    got = anchor_types(["devries volkorenbrood", "volkorenbrood van De Vries", "De Vries"])
    assert got == ["partial", "partial", "brand"]
    assert anchor_types(["volkorenbrood"]) == ["exact"]


def test_money_terms_also_come_from_anchors_the_profile_repeats() -> None:
    repeated = ["goedkope zuurdesem"] * 3
    assert anchor_types([*repeated, "zuurdesem"])[-1] == "exact"
    assert anchor_types(["goedkope zuurdesem", "zuurdesem"])[-1] == "other"  # seen once: not money


def test_derived_money_terms_do_not_depend_on_row_order() -> None:
    # Nine words each repeated by three anchors: a tie for the eight money-term places. Which one
    # loses must not depend on the order of the rows (nor on Python's per-process str hashing).
    words = "appel banaan citroen dadel eclair framboos griesmeel hazelnoot ijsthee".split()
    anchors = [w for w in words for _ in range(3)]
    forward = anchor_types(anchors)
    backward = anchor_types(anchors[::-1])[::-1]
    assert forward == backward
    assert forward.count("exact") == 8 * 3 and forward[-1] == "other"  # ties go alphabetically


def test_configured_money_terms_count_for_every_target() -> None:
    df = links([{"source_url": "https://a.nl/p", "anchor": "appeltaart"}])
    assert list(anchor_features(df, {"appeltaart"}).attrs["anchor_type"]) == ["exact"]


def test_image_and_empty_anchors() -> None:
    df = links(
        [
            {"source_url": "https://a.nl/1", "anchor": "", "link_type": "image"},
            {"source_url": "https://a.nl/2", "anchor": None, "link_type": "image"},
            {"source_url": "https://a.nl/3", "anchor": "", "link_type": "text"},
            {"source_url": "https://a.nl/4", "anchor": None},
            {"source_url": "https://a.nl/5", "anchor": "Bakkerij De Vries", "link_type": "image"},
        ]
    )
    feats = anchor_features(df)
    assert list(feats.attrs["anchor_type"]) == ["image", "image", "empty", "empty", "brand"]
    # One-hot: exactly one type per row, and lengths of the anchor text.
    onehot = feats[
        [
            c
            for c in feats
            if c.startswith("anchor_")
            and c not in ("anchor_length", "anchor_words", "anchor_digit_share")
        ]
    ]
    assert (onehot.sum(axis=1) == 1).all()
    assert feats["anchor_length"].tolist() == [0, 0, 0, 0, len("Bakkerij De Vries")]


# -- hostnames ------------------------------------------------------------------------------------
def test_hostname_features_count_digits_hyphens_and_spam_footprints() -> None:
    h = hostname_features(["best-cheap-links-4u.xyz", "www.bakkerij-devries.nl"])
    spam, clean = h.iloc[0], h.iloc[1]
    assert spam["host_digits"] == 1 and clean["host_digits"] == 0
    assert spam["host_hyphens"] == 3 and clean["host_hyphens"] == 1
    assert spam["host_tld_spammy"] == 1 and clean["host_tld_spammy"] == 0
    assert spam["host_spam_tokens"] >= 3 and clean["host_spam_tokens"] == 0  # best, cheap, link
    assert clean["host_www"] == 1 and spam["host_www"] == 0


def test_hostname_features_of_no_hosts_keep_their_columns() -> None:
    assert list(hostname_features([]).columns) == list(hostname_features(["a.nl"]).columns)


def test_hostname_features_flag_ip_hosts() -> None:
    h = hostname_features(["192.168.1.10", "http://10.0.0.1/page", "site10.nl"])
    assert h["host_is_ip"].tolist() == [1.0, 1.0, 0.0]


def test_private_suffix_hosts_are_measured_on_the_user_label() -> None:
    h = hostname_features(["mijnblog.blogspot.com", "shop.mijnblog.blogspot.com", "jan.github.io"])
    # blogspot.com / github.io are public suffixes: the user's label is the registrable part.
    assert h["host_label_length"].tolist() == [len("mijnblog"), len("mijnblog"), len("jan")]
    assert h["host_depth"].tolist() == [0.0, 1.0, 0.0]
    assert h["host_tld_spammy"].tolist() == [0.0, 0.0, 0.0]


def test_hostname_features_accept_urls_and_keep_a_series_index() -> None:
    hosts = pd.Series(["https://Best-Casino-99.top/path", "blog.example.org"], index=[10, 20])
    h = hostname_features(hosts)
    assert list(h.index) == [10, 20]
    assert h.loc[10, "host_spam_tokens"] >= 2 and h.loc[10, "host_digits"] == 2
    assert h.loc[10, "host_tld_spammy"] == 1


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("https://x.com/2021/03/best-sourdough-starters-4411/", "best sourdough starters"),
        ("https://gizmodo.com/some-slug-1851234?utm_source=x#comments", "some slug"),
        ("https://www.spiegel.de/kultur/caf%C3%A9-k%C3%B6ln-a-12.html", "kultur café köln"),
        ("https://news.example/index.php?id=3", ""),
        ("https://nieuws.nl", ""),
        ("", ""),
    ],
)
def test_path_words_read_a_slug_as_its_title(url: str, words: str) -> None:
    assert path_words(url) == words


# -- rel, metrics, placement, context --------------------------------------------------------------
def test_source_path_footprints_and_shape() -> None:
    df = links(
        [
            {"source_url": "https://blog.nl/write-for-us/guest-post-tips"},
            {"source_url": "https://www.kapper.de/links.html"},
            {"source_url": "http://bookmarks.example/directory/food?page=2"},
            {"source_url": "https://news.fr/sponsored/article-1"},
            {"source_url": "https://forum.nl/showthread.php?t=9#respond"},
            {"source_url": "https://promo-comments-directory.nl/"},  # words in the host only
            {"source_url": "https://shop.bakkerij-devries.nl/recepten"},  # the target's own site
        ]
    )
    X = url_features(df)
    flags = ["path_guest_post", "path_links_page", "path_directory", "path_sponsored"]
    flags += ["path_comment"]
    got = X[flags].to_numpy()
    np.testing.assert_array_equal(got[:5], np.eye(5))
    assert not got[5:].any()
    assert list(X["path_has_query"]) == [0, 0, 1, 0, 1, 0, 0]
    assert list(X["path_depth"]) == [2, 1, 2, 2, 1, 1, 1]
    assert list(X["same_site"]) == [0, 0, 0, 0, 0, 0, 1]


FOOTPRINTS = [
    "path_guest_post",
    "path_links_page",
    "path_directory",
    "path_sponsored",
    "path_comment",
]


@pytest.mark.parametrize(
    "url, footprint",
    [
        ("https://www.fitness-magazin.de/gastbeitrag/richtig-laufen", "path_guest_post"),
        ("https://www.jardin-facile.fr/partenaires/", "path_links_page"),
        ("https://www.gids-utrecht.nl/categorie/bakkers/", "path_directory"),
        ("https://www.lokalblatt.de/anzeige/die-besten-matratzen", "path_sponsored"),
        ("https://www.dagblad-west.nl/in-samenwerking-met/de-beste-verzekering", "path_sponsored"),
        ("https://www.mamablog.nl/2019/03/kinderfeest/comment-page-2/", "path_comment"),
        ("https://www.reddit.com/r/bread/comments/1b2x3y/sourdough_help/", "path_comment"),
        ("https://forum.gardeners-corner.org/member.php?u=88123", "path_comment"),
        ("https://www.kochforum.de/profil/baecker77", "path_comment"),
    ],
)
def test_path_footprints_in_each_language_linkclf_reads(url: str, footprint: str) -> None:
    X = url_features(links([{"source_url": url}]))
    assert [f for f in FOOTPRINTS if X.loc[0, f] == 1] == [footprint]


@pytest.mark.parametrize(
    "url",
    [
        # Opinion sections and a French "how to" (comment = how), not comment pages.
        "https://www.theguardian.com/commentisfree/2019/nov/18/the-guardian-view-on-hong-kong",
        "https://www.lemonde.fr/idees/article/2024/05/02/commentary-on-the-budget_6231.html",
        "https://vitessesaventures.fr/2020/07/comment-economiser-sur-reparation-velo.html",
        # Longer words that merely start with a footprint.
        "https://www.nhs.uk/news/partnership-with-local-bakeries/",
        "https://www.bbc.co.uk/news/compromise-reached-on-budget",
        "https://www.gym.com/membership/",
        "https://www.tvguide.com/friendship-is-magic-review/",
    ],
)
def test_words_that_merely_contain_a_footprint_are_no_footprint(url: str) -> None:
    X = url_features(links([{"source_url": url}]))
    assert not X.loc[0, FOOTPRINTS].any()


def test_rel_flags_are_nan_when_the_export_has_none_never_zero() -> None:
    df = links(
        [
            {"source_url": "https://a.nl/1"},  # Search Console: no rel columns at all
            {"source_url": "https://a.nl/2", "nofollow": True},
            {"source_url": "https://a.nl/3", "nofollow": False, "ugc": False, "sponsored": False},
        ]
    )
    rel = rel_features(df)
    assert rel.loc[0, ["nofollow", "ugc", "sponsored", "rel_any"]].isna().all()
    assert (
        rel.loc[1, "nofollow"] == 1 and np.isnan(rel.loc[1, "ugc"]) and rel.loc[1, "rel_any"] == 1
    )
    assert (rel.loc[2, ["nofollow", "ugc", "sponsored", "rel_any"]] == 0).all()
    link_type_cols = [c for c in rel if c.startswith("link_type_")]
    assert rel.loc[0, link_type_cols].isna().all()


def test_rel_flags_nan_through_the_text_spellings_of_a_csv() -> None:
    df = links(
        [
            {"source_url": "https://a.nl/1", "nofollow": "true"},
            {"source_url": "https://a.nl/2", "nofollow": ""},
        ]
    )
    rel = rel_features(df)
    assert rel["nofollow"].iloc[0] == 1 and np.isnan(rel["nofollow"].iloc[1])


def test_missing_metrics_stay_nan() -> None:
    df = links(
        [
            {"source_url": "https://a.nl/1"},
            {
                "source_url": "https://a.nl/2",
                "domain_rating": 0.0,
                "trust_flow": 10.0,
                "citation_flow": 0.0,
            },
            {"source_url": "https://a.nl/3", "trust_flow": 10.0, "citation_flow": 40.0},
        ]
    )
    m = authority_features(df)
    assert m.loc[0].isna().all()
    assert m.loc[1, "domain_rating"] == 0  # a real zero stays zero
    assert np.isnan(m.loc[1, "trust_ratio"])  # no ratio over a zero citation flow
    assert m.loc[2, "trust_ratio"] == pytest.approx(0.25)


def test_placement_one_hot_is_nan_when_unknown() -> None:
    df = links(
        [
            {"source_url": "https://a.nl/1", "placement": "footer"},
            {"source_url": "https://a.nl/2", "placement": "unknown"},
            {"source_url": "https://a.nl/3"},
        ]
    )
    p = placement_features(df)
    cols = [c for c in p if c.startswith("placement_")]
    assert p.loc[0, "placement_footer"] == 1 and p.loc[0, cols].sum() == 1
    assert p.loc[1, cols].isna().all() and p.loc[2, cols].isna().all()


def test_link_chain_differs_from_missing_context() -> None:
    df = links(
        [
            {"source_url": "https://a.nl/1", "context_left": "", "context_right": ""},  # link chain
            {"source_url": "https://a.nl/2"},  # export without context
            {
                "source_url": "https://a.nl/3",
                "context_left": "lees ook",
                "context_right": "voor meer",
            },
        ]
    )
    p = placement_features(df)
    ctx = ["context_left_words", "context_right_words", "context_both_sides"]
    assert p.loc[0, ctx].tolist() == [0.0, 0.0, 0.0]
    assert p.loc[1, ctx].isna().all()
    assert p.loc[2, ctx].tolist() == [2.0, 2.0, 1.0]


# -- profile aggregates ---------------------------------------------------------------------------
def test_profile_aggregates_on_a_hand_made_profile() -> None:
    other = "https://www.slagerij-jansen.nl/"
    rows = [
        # spamfarm.xyz: 3 links from 2 pages, same anchor, one /24, all in one week
        {
            "source_url": "https://spamfarm.xyz/a",
            "anchor": "volkorenbrood",
            "source_ip": "10.1.2.3",
            "first_seen": "2025-03-03",
        },
        {
            "source_url": "https://spamfarm.xyz/a",
            "anchor": "volkorenbrood",
            "source_ip": "10.1.2.3",
            "first_seen": "2025-03-04",
            "context_left": "x",
        },
        {
            "source_url": "https://www.spamfarm.xyz/b",
            "anchor": "Volkorenbrood ",
            "source_ip": "10.1.2.3",
            "first_seen": "2025-03-05",
        },
        # pbn1 / pbn2: other domains, same /24, same anchor
        {
            "source_url": "https://pbn1.info/p",
            "anchor": "volkorenbrood",
            "source_ip": "10.1.2.77",
            "first_seen": "2025-03-05",
        },
        {
            "source_url": "https://pbn2.info/p",
            "anchor": "volkorenbrood",
            "source_ip": "10.1.2.78",
            "first_seen": "2025-06-20",
        },
        # a natural link without IP or date
        {"source_url": "https://nieuws.nl/artikel", "anchor": "Bakkerij De Vries"},
        # another target: its own profile, even from the same domain
        {
            "source_url": "https://spamfarm.xyz/c",
            "anchor": "volkorenbrood",
            "target_url": other,
            "source_ip": "10.1.2.3",
            "first_seen": "2025-03-03",
        },
    ]
    df = links(rows)
    prof = profile_features(df, anchor_features(df).attrs["anchor_type"])
    assert prof["domain_links"].tolist() == [3, 3, 3, 1, 1, 1, 1]
    assert prof["domain_pages"].tolist() == [2, 2, 2, 1, 1, 1, 1]
    assert prof["domain_same_anchor_share"].iloc[:3].tolist() == [1.0, 1.0, 1.0]
    # "volkorenbrood" is used by spamfarm, pbn1, pbn2 (case and spaces folded) for this target
    assert prof["same_anchor_domains"].tolist() == [3, 3, 3, 3, 3, 1, 1]
    # 4 of the 5 dated links of the target landed in one week; the undated link has no share
    assert prof["burst_share"].iloc[:4].tolist() == pytest.approx([0.8] * 4)
    assert prof["burst_share"].iloc[4] == pytest.approx(0.2)
    assert np.isnan(prof["burst_share"].iloc[5])
    assert prof["burst_share"].iloc[6] == 1.0
    # three referring domains share 10.1.2.0/24; no IP -> NaN, not 0
    assert prof["ip_subnet_domains"].iloc[:5].tolist() == [3, 3, 3, 3, 3]
    assert np.isnan(prof["ip_subnet_domains"].iloc[5])
    assert prof["target_links"].tolist() == [6] * 6 + [1]
    assert prof["target_domains"].iloc[0] == 4
    assert prof["target_exact_share"].iloc[0] == pytest.approx(5 / 6)
    assert prof["target_brand_share"].iloc[0] == pytest.approx(1 / 6)


def test_last_seen_lag_counts_days_before_the_targets_newest_sighting() -> None:
    other = "https://www.slagerij-jansen.nl/"
    df = links(
        [
            {"source_url": "https://a.nl/1", "last_seen": "2025-06-30"},
            {"source_url": "https://b.nl/1", "last_seen": "2025-04-01"},
            {"source_url": "https://c.nl/1"},  # no date: no lag, never "old"
            {"source_url": "https://d.nl/1", "last_seen": "2025-01-01", "target_url": other},
        ]
    )
    anchors = anchor_features(df)
    lag = profile_features(df, anchors.attrs["anchor_type"])["last_seen_lag_days"]
    assert lag.iloc[0] == 0 and lag.iloc[1] == 90
    assert np.isnan(lag.iloc[2])
    assert lag.iloc[3] == 0  # the other target's own newest


def test_last_seen_lag_counts_from_the_newest_date_of_the_links_own_export() -> None:
    """Merged exports (read_exports) of different days: a link only the older export saw is not
    old because another export was made later."""
    df = links(
        [
            {"source_url": "https://a.nl/1", "last_seen": "2025-06-30", "seen_in": "new.csv"},
            {
                "source_url": "https://b.nl/1",
                "last_seen": "2025-06-20",
                "seen_in": "new.csv;old.csv",
            },
            {"source_url": "https://c.nl/1", "last_seen": "2025-03-01", "seen_in": "old.csv"},
            {"source_url": "https://d.nl/1", "last_seen": "2025-02-01", "seen_in": "old.csv"},
        ]
    )
    anchors = anchor_features(df)
    lag = profile_features(df, anchors.attrs["anchor_type"])["last_seen_lag_days"]
    assert lag.tolist() == [0, 10, 0, 28]
