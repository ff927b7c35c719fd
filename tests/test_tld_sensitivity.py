"""The counterfactual TLD check of `linkclf check-real`: the same real links, their pages moved
from .com to another TLD."""

from __future__ import annotations

import pytest

from linkclf.realdata import locate
from linkclf.realdata_links import (
    _COM_HOST,
    link_groups,
    score_real_links,
    tld_sensitivity,
    tld_sensitivity_markdown,
)


def test_only_com_hosts_move() -> None:
    moved = [
        _COM_HOST.sub(r"\1.info", u)
        for u in (
            "https://www.vice.com/en_uk/article/x",
            "http://blog.example.com",
            "https://example.com.au/a",
            "https://comedy.de/com/",
            "https://shop.example.com:8080/?q=.com",
        )
    ]
    assert moved == [
        "https://www.vice.info/en_uk/article/x",
        "http://blog.example.info",
        "https://example.com.au/a",
        "https://comedy.de/com/",
        "https://shop.example.info:8080/?q=.com",
    ]


@pytest.mark.skipif(locate() is None, reason="needs ../shared/data/real")
def test_the_check_scores_the_com_pages_as_they_are_and_moved() -> None:
    as_is = score_real_links("models/default", rendering="ahrefs")
    on_com = as_is["source_url"].map(lambda url: _COM_HOST.match(url) is not None)
    check = tld_sensitivity("models/default", tld="info")
    groups = link_groups(as_is)
    for group in ("editorial", "template"):
        rows = groups[group] & on_com
        assert check[group]["as_is"]["n"] == check[group]["moved"]["n"] == int(rows.sum()) > 500
        assert check[group]["as_is"]["flagged"] == int(as_is.loc[rows, "flag"].astype(int).sum())
    assert "moved to .info" in tld_sensitivity_markdown(check)
