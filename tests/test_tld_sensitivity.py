"""The counterfactual TLD check of `linkclf check-real` moves only .com hosts (the check itself
runs in tests/test_realdata_links.py, with the command)."""

from __future__ import annotations

from linkclf.realdata_links import _COM_HOST


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
