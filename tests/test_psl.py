"""linkclf.psl gives tldextract's answers (the reference, imported here only): the domain label
and public suffix of every rule of the bundled Public Suffix List, of hosts under each rule, of
wildcard and exception rules, and of odd hosts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import tldextract

from linkclf import psl

EXTRACT = tldextract.TLDExtract(
    suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
)


def reference(url: str) -> tuple[str, str]:
    parts = EXTRACT(url)
    return parts.domain, parts.suffix


def rules() -> list[str]:
    text = psl.snapshot_path().read_text(encoding="utf-8")
    public, private = tldextract.suffix_list.extract_tlds_from_suffix_list(text)
    return sorted(set(public) | set(private))


def hosts_of(rule: str) -> list[str]:
    """The rule itself and hosts one and two labels under it (wildcards and exceptions filled
    in), upper-cased and punycoded variants."""
    base = rule.lstrip("!").replace("*", "wild")
    out = [base, f"example.{base}", f"www.example.{base}", f"a.b.c.{base}", base.upper()]
    if rule.startswith("!"):
        out.append(f"x.{rule[1:]}")
    try:
        puny = base.encode("idna").decode("ascii")
    except UnicodeError:
        puny = ""
    if puny and puny != base:
        out += [puny, f"shop.{puny}", f"www.shop.{puny}"]
    return out


def test_every_rule_of_the_list_and_hosts_under_it() -> None:
    every = rules()
    assert len(every) > 5000  # the whole list, ICANN and private parts
    wrong = [
        (host, psl.split(host), reference(host))
        for rule in every
        for host in hosts_of(rule)
        if psl.split(host) != reference(host)
    ]
    assert not wrong, wrong[:10]


@pytest.mark.parametrize(
    "host",
    [
        "",
        ".",
        "..",
        "com",
        "example.com",
        "WWW.Example.COM",
        "example.com.",
        "a..example.com",
        "x.blogspot.com",
        "blogspot.com",
        "spam.wordpress.com",
        "www.ck",
        "a.www.ck",
        "foo.ck",
        "b.foo.ck",
        "kawasaki.jp",
        "city.kawasaki.jp",
        "x.y.kawasaki.jp",
        "192.168.0.1",
        "192.168.0.256",
        "1.2.3",
        "01.2.3.4",
        "[2001:db8::1]",
        "[not-an-ip]",
        "[::1",
        "xn--bcher-kva.de",
        "xn--55qx5d.cn",
        "www.xn--55qx5d.cn",
        "xn--broken-.com",
        "xn--.com",
        "example.xn--p1ai",
        "пример.рф",
        "www.公司.cn",
        "example\u3002com",
        "example\uff0eco\uff61uk",
        "user:pw@example.co.uk:8080",
        "http://user@www.example.co.uk/path?q=1#f",
        "//example.org/x",
        "mailto:someone@example.com",
        "localhost",
        "intranet.local",
        "*.ck",
        "x.*.ck",
        "!www.ck",
        "a.!www.ck",
        "x.xn--www-.ck",
        ".ck",
        "a..ck",
        "a" * 70 + ".com",
        "-dash-.com",
        "under_score.example.net",
        " spaced.example.com ",
    ],
)
def test_odd_hosts(host: str) -> None:
    assert psl.split(host) == reference(host)


def test_scoring_path_imports_neither_tldextract_nor_requests() -> None:
    """Start-up (issue 11): linkclf.domains answers without importing tldextract (which
    imports requests, urllib3, http.client, email ...)."""
    code = (
        "import sys\n"
        "from linkclf.domains import site, registrable_domain\n"
        "assert site('https://www.spam.blogspot.com/p') == 'spam.blogspot.com'\n"
        "assert registrable_domain('forums.bbc.co.uk') == 'bbc.co.uk'\n"
        "print(sorted(m for m in ('tldextract', 'requests', 'urllib3') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


def test_an_unreadable_snapshot_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from linkclf.errors import ResourceError

    monkeypatch.setattr(psl, "snapshot_path", lambda: tmp_path / "no-such-snapshot")
    psl._rules.cache_clear()
    try:
        with pytest.raises(ResourceError) as caught:
            psl.split("example.co.uk")
        assert "Public Suffix List" in str(caught.value) and "reinstall" in str(caught.value)
    finally:
        monkeypatch.undo()
        psl._rules.cache_clear()
    assert psl.split("example.co.uk") == ("example", "co.uk")
