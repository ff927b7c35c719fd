"""Write the small export fixtures in this folder (run once; the files are committed).

Headers are the verbatim lines from ANCHORS.md ("Export formats users bring"); rows are written
by hand (not by linkclf.sources.render) so the readers are tested against independent files.
Run: .venv/bin/python tests/data/exports/make_fixtures.py
"""

from __future__ import annotations

import codecs
from pathlib import Path

HERE = Path(__file__).resolve().parent

AHREFS_V3 = (
    "Referring page title\tReferring page URL\tLanguage\tPlatform\tReferring page HTTP code\t"
    "Domain rating\tUR\tDomain traffic\tReferring domains\tLinked domains\tExternal links\t"
    "Page traffic\tKeywords\tTarget URL\tLeft context\tAnchor\tRight context\t"
    "Redirect Chain URLs\tRedirect Chain status codes\tType\tIs spam\tContent\tNofollow\tUGC\t"
    "Sponsored\tRendered\tRaw\tLost status\tDrop reason\tDiscovered status\tFirst seen\t"
    "Last seen\tLost\tAuthor\tPage type\tPage category\tLinks in group"
).split("\t")

AHREFS_OLDER = (
    "Referring page title, Referring page URL, Language, Platform, Referring page HTTP code, "
    "Domain rating, Domain traffic, Referring domains, Linked domains, External links, "
    "Page traffic, Keywords, Target URL, Left context, Anchor, Right context, Type, Content, "
    "Nofollow, UGC, Sponsored, Rendered, Raw, Lost status, Drop reason, Discovered status, "
    "First seen, Last seen, Lost, Links in group"
).split(", ")


def _row(header: list[str], **values: str) -> list[str]:
    return [values.get(h, "") for h in header]


def _quote(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"'


def _tsv_all_quoted(rows: list[list[str]]) -> str:
    return "".join("\t".join(_quote(c) for c in row) + "\r\n" for row in rows)


def _csv(rows: list[list[str]], sep: str = ",", end: str = "\n") -> str:
    out = []
    for row in rows:
        cells = [_quote(c) if any(x in c for x in (sep, '"', "\n", "\r")) else c for c in row]
        out.append(sep.join(cells) + end)
    return "".join(out)


def ahrefs() -> None:
    h = AHREFS_V3
    rows = [
        h,
        _row(
            h,
            **{
                "Referring page title": "Beste wandelschoenen 2024 – test",
                "Referring page URL": "https://blog.wandelen.example/schoenen-test",
                "Language": "nl",
                "Platform": "wordpress",
                "Referring page HTTP code": "200",
                "Domain rating": "54",
                "UR": "12.5",
                "Domain traffic": "1,240",
                "External links": "31",
                "Page traffic": "320",
                "Target URL": "https://shop.example/wandelschoenen",
                "Left context": "We testten ook de",
                "Anchor": "Meindl Borneo",
                "Right context": "en die viel\nbest mee.",
                "Type": "text",
                "Is spam": "false",
                "Content": "true",
                "Nofollow": "false",
                "UGC": "false",
                "Sponsored": "false",
                "First seen": "2023-04-01 10:11:12",
                "Last seen": "2024-05-02 08:00:00",
                "Links in group": "1",
            },
        ),
        _row(
            h,
            **{
                "Referring page title": 'Sponsored "deals"',
                "Referring page URL": "https://deals.example/footer",
                "Language": "en",
                "Domain rating": "7",
                "UR": "0",
                "Target URL": "https://shop.example/",
                "Anchor": "",
                "Type": "image",
                "Is spam": "true",
                "Content": "false",
                "Nofollow": "true",
                "UGC": "false",
                "Sponsored": "true",
                "First seen": "2023-09-15T06:30:00Z",
                "Last seen": "2024-01-05T06:30:00Z",
                "Lost": "2024-01-06 00:00:00",
                "Lost status": "removed",
            },
        ),
        _row(
            h,
            **{
                "Referring page URL": "https://forum.example/t/123",
                "Language": "de",
                "Target URL": "https://shop.example/de",
                "Anchor": "hier",
                "Type": "canonical",
                "Nofollow": "",
                "First seen": "2022-12-31 23:59:59",
            },
        ),
    ]
    data = codecs.BOM_UTF16_LE + _tsv_all_quoted(rows).encode("utf-16-le")
    (HERE / "ahrefs_v3_utf16le.tsv").write_bytes(data)
    # The same rows, big-endian with BOM (a re-save some tools produce).
    data = codecs.BOM_UTF16_BE + _tsv_all_quoted(rows).encode("utf-16-be")
    (HERE / "ahrefs_v3_utf16be.tsv").write_bytes(data)

    h = AHREFS_OLDER
    rows = [
        h,
        _row(
            h,
            **{
                "Referring page title": "Ünïcode title",
                "Referring page URL": "https://old.example/a",
                "Domain rating": "33",
                "Page traffic": "12,400",
                "Target URL": "https://shop.example/",
                "Anchor": "shop",
                "Type": "text",
                "Content": "true",
                "Nofollow": "false",
                "UGC": "false",
                "Sponsored": "false",
                "First seen": "2019-02-03 04:05:06",
                "Last seen": "2020-02-03 04:05:06",
            },
        ),
    ]
    (HERE / "ahrefs_older_utf8.csv").write_bytes(codecs.BOM_UTF8 + _csv(rows).encode())


SEMRUSH = (
    "Page ascore,Source title,Source url,Target url,Anchor,External links,Internal links,"
    "Nofollow,Sponsored,Ugc,Text,Frame,Form,Image,Sitewide,First seen,Last seen,New link,"
    "Lost link"
).split(",")
SEMRUSH_LEGACY = (
    "Page score,Page trust score,Source title,Source url,Target url,Anchor,External links,"
    "Internal links,Nofollow,Frame,Form,Image,Sitewide,First seen,Last seen"
).split(",")
SEMRUSH_AUDIT = (
    "Source title,Source url,Target url,Anchor,Toxicity Score,Toxic markers,First seen,"
    "Last seen,Nofollow"
).split(",")


def semrush() -> None:
    h = SEMRUSH
    rows = [
        h,
        _row(
            h,
            **{
                "Page ascore": "41",
                "Source title": "Review, with comma",
                "Source url": "https://review.example/post",
                "Target url": "https://shop.example/",
                "Anchor": "cheap hiking boots",
                "External links": "1,240",
                "Internal links": "88",
                "Nofollow": "false",
                "Sponsored": "false",
                "Ugc": "false",
                "Text": "true",
                "Frame": "false",
                "Form": "false",
                "Image": "false",
                "Sitewide": "true",
                "First seen": "2024-03-01",
                "Last seen": "2024-06-01",
                "New link": "false",
                "Lost link": "false",
            },
        ),
        _row(
            h,
            **{
                "Page ascore": "3",
                "Source url": "https://img.example/gallery",
                "Target url": "https://shop.example/b",
                "Anchor": "",
                "Nofollow": "true",
                "Sponsored": "false",
                "Ugc": "true",
                "Text": "false",
                "Frame": "false",
                "Form": "false",
                "Image": "true",
                "Sitewide": "false",
                "First seen": "2024-01-10 05:06:07 UTC",
                "Last seen": "2024-02-10",
                "New link": "true",
                "Lost link": "true",
            },
        ),
    ]
    (HERE / "semrush.csv").write_bytes(_csv(rows, end="\r\n").encode())

    # The same export after a European Excel re-save: semicolons, BOM, decimal comma.
    rows_eu = [list(r) for r in rows]
    rows_eu[1][SEMRUSH.index("External links")] = "1.240"
    rows_eu[1][SEMRUSH.index("Page ascore")] = "41,5"
    (HERE / "semrush_excel_semicolon.csv").write_bytes(
        codecs.BOM_UTF8 + _csv(rows_eu, sep=";", end="\r\n").encode()
    )

    h = SEMRUSH_LEGACY
    rows = [
        h,
        _row(
            h,
            **{
                "Page score": "12",
                "Page trust score": "9",
                "Source title": "Old page",
                "Source url": "https://legacy.example/",
                "Target url": "https://shop.example/",
                "Anchor": "shop",
                "Nofollow": "true",
                "Frame": "true",
                "Form": "false",
                "Image": "false",
                "Sitewide": "false",
                "First seen": "2017-05-06",
                "Last seen": "2018-05-06",
            },
        ),
    ]
    (HERE / "semrush_legacy.csv").write_text(_csv(rows))

    h = SEMRUSH_AUDIT
    rows = [
        h,
        _row(
            h,
            **{
                "Source title": "Spammy",
                "Source url": "https://spam.example/x",
                "Target url": "https://shop.example/",
                "Anchor": "buy boots",
                "Toxicity Score": "67",
                "Toxic markers": "Link network; Spam anchor",
                "First seen": "2024-01-01",
                "Last seen": "2024-02-01",
                "Nofollow": "false",
            },
        ),
    ]
    (HERE / "semrush_audit.csv").write_text(_csv(rows))


MAJESTIC = (
    "Target URL,Source URL,Anchor Text,Source Crawl Date,Source First Found Date,FlagNoFollow,"
    "FlagImageLink,FlagRedirect,FlagFrame,FlagOldCrawl,FlagAltText,FlagMention,"
    "SourceCitationFlow,SourceTrustFlow,TargetCitationFlow,TargetTrustFlow,"
    "SourceTopicalTrustFlow_Topic_0,SourceTopicalTrustFlow_Value_0,"
    "RefDomainTopicalTrustFlow_Topic_0,RefDomainTopicalTrustFlow_Value_0"
).split(",")


def majestic() -> None:
    h = MAJESTIC
    rows = [
        h,
        _row(
            h,
            **{
                "Target URL": "https://shop.example/",
                "Source URL": "https://dir.example/list",
                "Anchor Text": "Shop Example",
                "Source Crawl Date": "2024-04-04",
                "Source First Found Date": "2021-01-02",
                "FlagNoFollow": "",
                "SourceCitationFlow": "22",
                "SourceTrustFlow": "9",
                "TargetCitationFlow": "30",
                "TargetTrustFlow": "25",
                "SourceTopicalTrustFlow_Topic_0": "Recreation/Outdoors",
                "SourceTopicalTrustFlow_Value_0": "7",
            },
        ),
        _row(
            h,
            **{
                "Target URL": "https://shop.example/img",
                "Source URL": "https://pics.example/with space@x",
                "Anchor Text": "",
                "Source Crawl Date": "2024-04-05",
                "Source First Found Date": "2022-02-03",
                "FlagNoFollow": "+",
                "FlagImageLink": "+",
                "FlagAltText": "+",
                "SourceCitationFlow": "0",
                "SourceTrustFlow": "0",
            },
        ),
        _row(
            h,
            **{
                "Target URL": "https://shop.example/r",
                "Source URL": "https://r.example/go",
                "Anchor Text": "go",
                "FlagRedirect": "1",
                "FlagNoFollow": "",
            },
        ),
    ]
    (HERE / "majestic_bulk.csv").write_text(_csv(rows))

    h = [
        "Page",
        "Anchor Text",
        "Source Trust Flow",
        "Source Citation Flow",
        "Domain Trust Flow",
        "Domain Citation Flow",
        "Link First Indexed Date",
        "Target URL",
    ]
    rows = [
        h,
        [
            "https://se.example/a",
            "boots",
            "14",
            "20",
            "30",
            "31",
            "2020-07-08",
            "https://shop.example/",
        ],
    ]
    (HERE / "majestic_site_explorer.csv").write_text(_csv(rows))


MOZ = (
    "URL,Title,Anchor Text,Spam Score,Page Authority,Domain Authority,"
    "Number of Domains Linking to this Page,Number of Domains Linking to Domain,Origin,"
    "Target URL,Link Equity,No Link Equity,Only rel=nofollow,Only follow,301"
).split(",")


def moz() -> None:
    preamble = (
        "Open Site Explorer Report\r\n"
        "Target: shop.example\r\n"
        "Created: 2016-03-04\r\n"
        "Filters: Only external, all pages, all links\r\n"
        "Links, Domains, Pages\r\n"
        "\r\n"
    )
    h = MOZ
    rows = [
        h,
        _row(
            h,
            **{
                "URL": "moz.example/page",
                "Title": "A page",
                "Anchor Text": "boots",
                "Spam Score": "2",
                "Page Authority": "31",
                "Domain Authority": "44",
                "Origin": "external",
                "Target URL": "shop.example/",
                "Link Equity": "Yes",
                "No Link Equity": "No",
                "Only rel=nofollow": "No",
                "Only follow": "Yes",
                "301": "No",
            },
        ),
        _row(
            h,
            **{
                "URL": "https://nf.example/",
                "Title": "",
                "Anchor Text": "click here",
                "Spam Score": "11",
                "Page Authority": "1",
                "Domain Authority": "1",
                "Target URL": "https://shop.example/x",
                "Only rel=nofollow": "Yes",
                "Only follow": "No",
                "301": "Yes",
            },
        ),
    ]
    (HERE / "moz_legacy.csv").write_text(preamble + _csv(rows, end="\r\n"), newline="")


def gsc() -> None:
    rows = [
        ["Linking page", "Last crawled"],
        ["https://blog.wandelen.example/schoenen-test", "2026-09-28"],
        ["https://forum.example/t/123", "Sep 15, 2026"],
        ["https://www.news.example/artikel?id=9", "2026-08-01"],
    ]
    (HERE / "gsc_latest_links.csv").write_text(_csv(rows))
    rows[0] = ["דף מקשר", "נסרק לאחרונה"]
    (HERE / "gsc_latest_links_he.csv").write_bytes(codecs.BOM_UTF8 + _csv(rows).encode())
    rows = [
        ["Site", "Linking pages", "Target pages"],
        ["wandelen.example", "1,240", "3"],
        ["forum.example", "17", "2"],
    ]
    (HERE / "gsc_top_linking_sites.csv").write_text(_csv(rows))


def canonical() -> None:
    rows = [
        [
            "source_url",
            "target_url",
            "anchor",
            "nofollow",
            "first_seen",
            "domain_rating",
            "label",
            "kind",
            "niche",
        ],
        [
            "https://a.example/p",
            "https://shop.example/",
            "boots",
            "False",
            "2024-01-02 00:00:00+00:00",
            "45.0",
            "0",
            "natural",
            "outdoor",
        ],
        [
            "https://pbn.example/p",
            "https://shop.example/",
            "cheap boots",
            "True",
            "",
            "",
            "1",
            "pbn",
            "outdoor",
        ],
    ]
    (HERE / "canonical.csv").write_text(_csv(rows))
    (HERE / "disavow.txt").write_text(
        "# disavow for shop.example\ndomain:spam.example\nhttps://bad.example/page\n"
    )


if __name__ == "__main__":
    ahrefs()
    semrush()
    majestic()
    moz()
    gsc()
    canonical()
