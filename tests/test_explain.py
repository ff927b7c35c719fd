"""Reasons come from the feature catalogue: the value's direction, present inputs only, and
every phrase reachable (issue 9); rel-qualified links are never disavow candidates (issue 10)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from linkclf.explain import top_reasons
from linkclf.features.catalogue import CATALOGUE, FAMILIES, entry, lookup
from linkclf.schema import conform


def _links(n: int = 1, **values: object) -> pd.DataFrame:
    """Conformed canonical rows with every input column present (overridable)."""
    base: dict[str, object] = {
        "source_url": "https://blog.example.org/post/1",
        "target_url": "https://shop.example.nl/",
        "anchor": "shop",
        "context_left": "left words here",
        "context_right": "right words here",
        "source_title": "a title",
        "nofollow": False,
        "ugc": False,
        "sponsored": False,
        "link_type": "text",
        "placement": "content",
        "sitewide": False,
        "first_seen": "2025-01-01",
        "last_seen": "2025-06-01",
        "source_ip": "1.2.3.4",
        "language": "en",
    }
    base.update({m: 1.0 for m in ("domain_rating", "url_rating", "trust_flow", "citation_flow")})
    base.update(
        {
            m: 1.0
            for m in (
                "page_authority",
                "domain_authority",
                "source_traffic",
                "external_links",
                "internal_links",
                "vendor_spam_score",
            )
        }
    )
    base.update(values)
    return conform(pd.DataFrame([base] * n))


def _one(feature: str, value: float, push: float = 1.0, links: pd.DataFrame | None = None):
    contrib = pd.DataFrame({feature: [push]})
    feats = pd.DataFrame({feature: [value]})
    return top_reasons(contrib, feats, _links() if links is None else links)[0]


def _manipulative_value(name: str) -> float:
    f = entry(name)
    if f.direction > 0:
        return f.cut + max(abs(f.cut), 1.0)
    if f.direction < 0:
        return f.cut - max(abs(f.cut), 1.0)
    return 0.3


def _concrete(name: str) -> str:
    return name.replace("{i}", "0")


def test_every_feature_the_builder_produces_is_declared_once() -> None:
    from tests.conftest import tiny_setup

    produced = list(tiny_setup(n_targets=3).X.columns)
    assert all(lookup(c) is not None for c in produced)
    declared = [f.name for f in CATALOGUE]
    assert len(declared) == len(set(declared))
    concrete = {_concrete(n) for n in declared}
    assert concrete <= set(produced), concrete - set(produced)
    assert {f.family for f in CATALOGUE} <= set(FAMILIES)
    # Issue 9: vendor authority metrics were filed under profile_domain by name prefix.
    assert entry("domain_rating").family == "authority"
    assert entry("domain_authority").family == "authority"


@pytest.mark.parametrize(
    "name", [f.name for f in CATALOGUE if f.phrase is not None], ids=lambda n: n
)
def test_every_phrase_can_fire(name: str) -> None:
    """Golden: each phrase is given for its own feature (issue 9: 5 of 48 never could)."""
    feature = _concrete(name)
    value = _manipulative_value(feature)
    reasons = _one(feature, value)
    assert reasons == [entry(feature).say(value)]


def test_reasons_follow_the_value_direction() -> None:
    """Issue 9: domain_offpage_share = 0 was told "this domain links from footers/sidebars"."""
    assert _one("domain_offpage_share", 0.0) == []
    assert _one("domain_offpage_share", 0.9) == ["this domain links from footers/sidebars"]
    assert _one("nofollow", 1.0) == []
    assert _one("nofollow", 0.0) == ["followed link (no nofollow)"]
    assert _one("domain_rating", 80.0) == []
    assert _one("domain_rating", 3.0) == ["low-authority referring domain (DR 3)"]


def test_phrases_are_matched_by_name_not_substring() -> None:
    """Issue 9: cos_context_topic read "little or no editorial text", path_sponsored "paid-looking
    link without rel=sponsored"."""
    assert _one("cos_context_topic", 0.0) == ["text around the link unrelated to the target"]
    assert _one("path_sponsored", 1.0) == ["source URL looks like an advertorial"]


def test_a_spam_word_reason_names_the_words_of_the_hostname() -> None:
    # The reader sees "free" and can tell a freelance accountant from a freebie farm.
    links = _links(source_url="https://www.thefreelanceaccountant.co.uk/blog/vat/")
    assert _one("host_spam_tokens", 1.0, links=links) == [
        'spammy words in the source hostname ("free")'
    ]
    links = _links(source_url="https://best-cheap-links-4u.xyz/page")
    assert _one("host_spam_tokens", 3.0, links=links) == [
        'spammy words in the source hostname ("link", "cheap", "best")'
    ]


def test_only_pushes_towards_manipulative_are_reasons() -> None:
    assert _one("anchor_exact", 1.0, push=-0.4) == []


def test_a_missing_input_is_never_a_reason() -> None:
    """A missing value is never evidence: no traffic in the export, no traffic reason."""
    no_traffic = _links(source_traffic=np.nan)
    assert _one("source_traffic", np.nan, links=no_traffic) == []
    # Even if a model gave the (imputed) value a push, the reason needs the input on the row.
    assert _one("source_traffic", 0.0, links=no_traffic) == []
    assert _one("source_traffic", 0.0) == ["source site has little organic traffic (0/month)"]
    no_context = _links(context_left=pd.NA, context_right=pd.NA)
    assert _one("context_both_sides", 0.0, links=no_context) == []
    assert _one("emb_context_3", 0.2, links=no_context) == []
    no_rel = _links(nofollow=pd.NA)
    assert _one("nofollow", 0.0, links=no_rel) == []


def test_top_reasons_groups_families_and_orders_by_push() -> None:
    contrib = pd.DataFrame(
        {
            "anchor_exact": [0.9, -0.5],
            "anchor_length": [0.2, 0.0],
            "placement_footer": [0.5, 0.1],
            "nofollow": [-0.3, 0.05],
        }
    )
    feats = pd.DataFrame(
        {
            "anchor_exact": [1, 0],
            "anchor_length": [3, 2],
            "placement_footer": [1, 1],
            "nofollow": [0, 0],
        }
    )
    reasons = top_reasons(contrib, feats, _links(2))
    assert reasons[0] == ["exact-match money anchor", "footer link"]  # rel pushes to natural
    assert reasons[1] == ["footer link", "followed link (no nofollow)"]
    assert top_reasons(contrib, feats, _links(2)) == reasons  # stable


def test_equal_pushes_are_ordered_by_family_name_and_k_is_honoured() -> None:
    # Pushes equal to 9 decimals tie; the tie goes to the family names' order, whatever the
    # columns' order; rows without any push have no reasons.
    contrib = pd.DataFrame(
        {
            "nofollow": [0.5 + 1e-12, 0.0, 0.2],
            "placement_footer": [0.5, 0.0, 0.3],
            "anchor_exact": [0.5 - 1e-12, -1.0, 0.1],
        }
    )
    feats = pd.DataFrame(
        {"nofollow": [0, 0, 0], "placement_footer": [1, 1, 1], "anchor_exact": [1, 1, 1]}
    )
    families = sorted(entry(c).family for c in contrib.columns)
    by_family = {
        entry("nofollow").family: "followed link (no nofollow)",
        entry("placement_footer").family: "footer link",
        entry("anchor_exact").family: "exact-match money anchor",
    }
    reasons = top_reasons(contrib, feats, _links(3))
    assert reasons[0] == [by_family[f] for f in families]
    assert reasons[1] == []
    assert reasons[2] == ["footer link", "followed link (no nofollow)", "exact-match money anchor"]
    assert top_reasons(contrib, feats, _links(3), k=1) == [
        [by_family[families[0]]],
        [],
        ["footer link"],
    ]
    assert top_reasons(contrib.iloc[:0], feats.iloc[:0], _links(3).iloc[:0]) == []


def test_phrases_fill_in_values() -> None:
    assert entry("domain_pages").say(240) == "repeated on 240 pages of one domain"


def test_rel_qualified_links_are_never_flagged() -> None:
    """Issue 10: nofollow/ugc/sponsored links pass no ranking signal: flag 0 whatever p is,
    p and predicted_kind still reported, and the reason says no disavow is needed."""
    from linkclf.explain import REL_QUALIFIED_REASON
    from linkclf.model import LinkClassifier
    from linkclf.pipeline import disavow_flags, score_links
    from tests.conftest import make_links, tiny_setup

    t = tiny_setup(n_targets=12, seed=4)
    model = LinkClassifier(t.features, num_boost_round=40).fit(
        t.X[t.train], t.y[t.train], t.X[t.valid], t.y[t.valid], t.data.loc[t.train, "kind"]
    )
    links = make_links(n_targets=3, per_target=20, seed=9).drop(columns=["label", "kind"])
    links["nofollow"] = False
    plain = score_links(model, links)
    high = plain["p_manipulative"] >= model.threshold_
    assert high.any()
    marked = links.copy()
    rel = ["nofollow", "ugc", "sponsored"]
    for i, col in enumerate(rel):
        marked.loc[marked.index[i::3], col] = True  # every row gets exactly one of the three
    scored = score_links(model, marked)
    assert (scored["flag"] == 0).all()
    np.testing.assert_allclose(scored["p_manipulative"], plain["p_manipulative"], atol=0.3)
    top = scored["p_manipulative"] >= model.threshold_
    assert (scored.loc[top, "predicted_kind"] != "natural").all()
    assert scored.loc[top, "reasons"].str.startswith(REL_QUALIFIED_REASON).all()
    assert not scored.loc[~top, "reasons"].str.contains("no disavow").any()
    # One rule decides: a missing rel flag is not a mark.
    p = np.array([0.9, 0.9, 0.1])
    frame = conform(
        pd.DataFrame(
            {
                "source_url": ["https://a.nl/1"] * 3,
                "target_url": ["https://t.nl/"] * 3,
                "nofollow": [pd.NA, True, False],
            }
        )
    )
    assert disavow_flags(p, 0.5, frame).tolist() == [True, False, False]
