"""The report in a real browser: hostile anchors, titles and URLs render as text, nothing runs.

Needs headless Chromium (``scripts/install-chromium.sh``; CI installs it). Each payload in the
fixture would, if it ran, set ``document.title`` to PWNED or add ``<div id="pwned">``; the DOM
after load is dumped and searched for both. A control page with the same payload unescaped
proves the check can fail.
"""

from __future__ import annotations

import base64
import shutil
import struct
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from linkclf.report import CSP, SECTIONS, read_scored_for_report, render_report
from tests.chromium import Chromium

PAYLOADS = Path(__file__).resolve().parent / "data" / "report" / "scored_payloads.csv"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="chromium not installed: run scripts/install-chromium.sh (CI installs it)",
    ),
]

PAYLOAD = (
    "<script>var d=document.createElement('div');d.id='pwned';"
    "document.body.appendChild(d);document.title='PWNED'</script>"
)


def _chromium(page: Path, tmp: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium on a local file with no network, profile or background services."""
    assert CHROMIUM is not None
    args = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp / 'profile'}",
        "--window-size=1280,2000",
        *extra,
        page.as_uri(),
    ]
    # A fixed argument list, no shell: the page path is ours, the page content never reaches it.
    return subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)


def _dom(page: Path, tmp: Path) -> str:
    result = _chromium(page, tmp, "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def _ran(dom: str) -> bool:
    return 'id="pwned"' in dom or "<title>PWNED</title>" in dom


def test_control_unescaped_payload_does_run(tmp_path: Path) -> None:
    """Without escaping and without the CSP, the same payload runs: the check below can fail."""
    page = tmp_path / "control.html"
    page.write_text(
        f"<!DOCTYPE html><html><head><title>t</title></head><body>{PAYLOAD}</body></html>"
    )
    assert _ran(_dom(page, tmp_path))


def test_csp_blocks_a_script_even_if_escaping_slipped(tmp_path: Path) -> None:
    """Defence in depth: raw script injected into the real report is refused by the CSP."""
    html = render_report(read_scored_for_report(PAYLOADS))
    assert CSP in html
    page = tmp_path / "slipped.html"
    page.write_text(html.replace("</h1>", "</h1>" + PAYLOAD, 1), encoding="utf-8")
    assert not _ran(_dom(page, tmp_path))


def test_hostile_report_renders_and_runs_nothing(tmp_path: Path) -> None:
    html = render_report(read_scored_for_report(PAYLOADS), title="Audit <script>x</script>")
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")

    dom = _dom(page, tmp_path)
    assert not _ran(dom)
    assert dom.lower().count("<script") == 1  # the report's own sorting script, nothing else
    for name in SECTIONS:
        assert f"<h3>{name}</h3>" in dom
    # The payloads are on the page as visible text (escaped again in the serialised DOM).
    assert "&lt;script&gt;var d=document.createElement('div')" in dom
    assert "javascript:document.title='PWNED'" in dom
    assert "<title>Audit &lt;script&gt;x&lt;/script&gt;</title>" in dom

    shot = tmp_path / "report.png"
    result = _chromium(page, tmp_path, f"--screenshot={shot}")
    assert result.returncode == 0, result.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 2000)
    assert len(data) > 50_000  # a blank page compresses to a few KB; charts and tables do not


def _two_site_export() -> pd.DataFrame:
    """The payload fixture (bakkerij-devries.nl) plus a second target site with hostile anchors."""
    first = read_scored_for_report(PAYLOADS)
    second = first.copy()
    second["target_url"] = "https://shop.fietsen-janssen.be/racefietsen"
    second["source_url"] = second["source_url"].str.replace("/post/", "/fiets/", regex=False)
    return pd.concat([first, second.head(60)], ignore_index=True)


def test_two_site_report_in_a_real_browser(tmp_path: Path) -> None:
    """Sections per site, a table sorted by a real click, a filter typed into, payloads inert,
    screenshots at 1400 px and at phone width (390 px) under the test's tmp output."""
    html = render_report(_two_site_export(), title="Two sites <img src=x onerror=alert(1)>")
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    with Chromium(tmp_path / "cdp-profile", width=1400, height=900) as browser:
        browser.open(page)
        # The script ran (it marks the page) and nothing else did.
        assert browser.eval("document.documentElement.classList.contains('js')")
        assert browser.eval("document.title") == "Two sites <img src=x onerror=alert(1)>"
        assert browser.eval("document.getElementById('pwned')") is None
        assert browser.eval("document.querySelectorAll('img, iframe, object, embed').length") == 0

        sites = browser.eval(
            "Array.from(document.querySelectorAll('section.site'), s => ["
            " s.querySelector('h2').textContent,"
            " Array.from(s.querySelectorAll('h3'), h => h.textContent)])"
        )
        # Most links first; the fixture's two hostile target URLs make two tiny "sites" of
        # their own, whose names are shown as the text they are.
        names = [name for name, _ in sites]
        assert names[:2] == ["bakkerij-devries.nl", "fietsen-janssen.be"]
        assert any("onload=" in name for name in names[2:])
        for _, headings in sites:
            assert headings == list(SECTIONS)
        toc = browser.eval("Array.from(document.querySelectorAll('nav.toc a'), a => a.textContent)")
        assert toc[1:] == names

        # The payload anchors are on the page as text.
        text = browser.eval("document.body.innerText")
        assert "<script>var d=document.createElement('div')" in text
        assert "javascript:document.title='PWNED'" in text

        # Sort the first site's "Top anchors" table by its "links" column: a real mouse click.
        table = "#site-1-top-anchors table"
        column = f"{table} thead th:nth-child(3)"
        read = (
            f"Array.from(document.querySelectorAll('{table} tbody tr'),"
            " r => parseFloat(r.cells[2].getAttribute('data-v')))"
        )
        browser.click(column)
        first = browser.eval(read)
        assert first == sorted(first, reverse=True) and first[0] > first[-1]
        assert browser.eval(f"document.querySelector('{column}').getAttribute('aria-sort')") == (
            "descending"
        )
        browser.click(column)
        assert browser.eval(read) == sorted(first)

        # Filter the risky-domains table by typing, as a user would.
        box = "#site-1-risky-referring-domains input.filter"
        browser.click(box)
        browser.call("Input.insertText", {"text": "cheap-links1"})
        visible = browser.eval(
            "Array.from(document.querySelectorAll('#site-1-risky-referring-domains tbody tr'))"
            ".filter(r => !r.hidden).map(r => r.cells[0].textContent)"
        )
        assert visible and all("cheap-links1" in v for v in visible)

        shots = {}
        for label, width, mobile in (("1400", 1400, False), ("390", 390, True)):
            browser.viewport(width, 900, mobile=mobile)
            browser.eval("window.scrollTo(0, 0)")
            # At either width nothing but the wide tables' own scroll boxes is wider than the screen.
            assert browser.eval("document.documentElement.scrollWidth") <= width
            shots[label] = browser.screenshot(tmp_path / f"report-{label}px.png")
        browser.viewport(390, 900, mobile=True)
        browser.eval("document.querySelector('#site-2').scrollIntoView()")
        data = base64.b64decode(browser.call("Page.captureScreenshot", {"format": "png"})["data"])
        (tmp_path / "report-390px-site2.png").write_bytes(data)
    for label, data in shots.items():
        width, _ = struct.unpack(">II", data[16:24])
        assert width == int(label)
        assert len(data) > 20_000  # text, boxes and tables, not a blank page
