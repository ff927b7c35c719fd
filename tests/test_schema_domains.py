"""The canonical schema's validation messages, domains, splits and atomic io."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from linkclf.domains import hostname, registrable_domain, to_ascii
from linkclf.errors import SchemaError
from linkclf.io import neutralise_formula, write_csv_atomic, write_text_atomic
from linkclf.schema import CANONICAL_COLUMNS, conform, validate
from linkclf.splits import grouped_split, grouped_three_way, holdout


def test_validate_names_missing_columns_and_fix() -> None:
    with pytest.raises(SchemaError) as err:
        validate(pd.DataFrame({"url": ["x"]}), source="a.csv")
    msg = err.value.one_line()
    assert msg.startswith("a.csv: expected columns source_url, target_url")
    assert "found no source_url, target_url" in msg and "--format" in msg


def test_validate_points_at_the_row() -> None:
    df = pd.DataFrame(
        {"source_url": ["http://a.com", ""], "target_url": ["http://t.nl", "http://t.nl"]}
    )
    with pytest.raises(SchemaError, match="a.csv, row 3"):
        validate(df, source="a.csv")
    with pytest.raises(SchemaError, match="label 0 .* or 1"):
        validate(df.iloc[:1].assign(label=["yes"]), require_labels=True)
    with pytest.raises(SchemaError, match="placement in"):
        validate(df.iloc[:1].assign(placement=["basement"]))


def test_conform_keeps_missing_as_missing_and_extras_last() -> None:
    out = conform(
        pd.DataFrame(
            {"source_url": ["u"], "target_url": ["t"], "vendor_col": [1], "domain_rating": [""]}
        )
    )
    assert list(out.columns[: len(CANONICAL_COLUMNS)]) == list(CANONICAL_COLUMNS)
    assert out.columns[-1] == "vendor_col"
    assert np.isnan(out["domain_rating"].iloc[0]) and pd.isna(out["nofollow"].iloc[0])


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://www.spam.blogspot.com/p", "spam.blogspot.com"),  # private suffix
        ("https://a.b.co.uk/x", "b.co.uk"),
        ("http://bücher.de/", "xn--bcher-kva.de"),
        ("http://user@Example.COM.:80/", "example.com"),
        ("x.github.io", "x.github.io"),
        ("203.0.113.9", "203.0.113.9"),
    ],
)
def test_registrable_domain(url: str, domain: str) -> None:
    assert registrable_domain(url) == domain


def test_hostname_and_punycode() -> None:
    assert hostname("") == "" and hostname("HTTP://WWW.A.COM/x") == "www.a.com"
    assert to_ascii("münchen.de") == "xn--mnchen-3ya.de"


def test_splits_keep_domains_on_one_side() -> None:
    df = pd.DataFrame(
        {
            "source_url": [f"http://s{i % 50}.example{i % 50}.com/p{i}" for i in range(1000)],
            "language": ["fr" if i % 7 == 0 else "en" for i in range(1000)],
        }
    )
    tr, va, te = grouped_three_way(df, seed=3)
    doms = df["source_url"].map(registrable_domain)
    assert not set(doms[tr]) & set(doms[te]) and not set(doms[tr]) & set(doms[va])
    assert (tr | va | te).all() and not (tr & te).any()
    a, b = grouped_split(df, seed=1), grouped_split(df, seed=1)
    assert (a[0] == b[0]).all()
    _, held = holdout(df, "language", ["fr"])
    assert set(doms[held]).isdisjoint(set(doms[~held]))


def test_atomic_write_leaves_nothing_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old")

    class Boom(pd.DataFrame):
        def to_csv(self, *a, **k):  # type: ignore[override]
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_csv_atomic(Boom({"a": [1]}), target, for_spreadsheet=False)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]
    write_text_atomic(target, "new\n")
    assert target.read_text() == "new\n"


def test_formula_neutralisation() -> None:
    assert neutralise_formula('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert neutralise_formula("@SUM(1)") == "'@SUM(1)"
    assert neutralise_formula("-2+3") == "'-2+3"
    assert neutralise_formula("plain") == "plain" and neutralise_formula(3) == 3


def test_site_is_the_registrable_domain_or_the_hosted_platform_subdomain() -> None:
    from linkclf.domains import site

    assert site("https://www.spam.wordpress.com/p") == "spam.wordpress.com"
    assert site("https://wordpress.com/x") == "wordpress.com"
    assert site("http://a.b.blogspot.com/x") == "b.blogspot.com"
    assert site("https://www.bbc.co.uk/news") == "bbc.co.uk"
    assert site("bücher.de/x") == "xn--bcher-kva.de"
    assert site("") == ""


TRICKY_URLS = [
    "https://www.Example.COM/path?q=1#frag",
    "http://example.com.",
    "example.com/no-scheme",
    "//example.com/protocol-relative",
    "///x.example.com/y",
    "http:///x.com",  # empty netloc: no host
    "HTTPS://Shop.Example.co.uk:8443/",
    "http://example.com:abc/",  # a port that is not a number
    "http://user:pw@example.com/",
    "http://[2001:db8::1]/",
    "http://exa\tmple.com/",
    "\x00http://control.example.com/",
    "https://bücher.de/",
    "mailto:someone@example.com",
    "ftp://files.example.org",
    "a-very-long-scheme://host.example.com/",
    "https://www.spam.wordpress.com/p",
    "1http://digit-first.com/",
    "h_t://underscore-scheme.com/",
    "http://host_with_underscore.example.com/",
    "   https://padded.example.com/  ",
    "",
    "http://",
    "http://192.168.0.1:8080/x",
    "example.com?x=1",
    "example.com#x",
    "https://example.com\n",
]


def test_sites_of_a_column_equal_site_of_each_url() -> None:
    from linkclf.domains import hostnames, site
    from linkclf.schema import sites_of

    urls = pd.Series([*TRICKY_URLS, None, pd.NA], dtype=object)
    expected = [site(u) if isinstance(u, str) else "" for u in urls]
    assert list(hostnames(urls)) == [hostname(u) if isinstance(u, str) else "" for u in urls]
    assert sites_of(urls).tolist() == expected
