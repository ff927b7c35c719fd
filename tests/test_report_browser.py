"""The report in a real browser: hostile anchors, titles and URLs render as text, nothing runs.

Needs headless Chromium (``scripts/install-chromium.sh``; CI installs it). Each payload in the
fixture would, if it ran, set ``document.title`` to PWNED or add ``<div id="pwned">``; the DOM
after load is dumped and searched for both. A control page with the same payload unescaped
proves the check can fail.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from linkclf.report import CSP, SECTIONS, read_scored_for_report, render_report

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
    assert "<script" not in dom.lower()
    for name in SECTIONS:
        assert f"<h2>{name}</h2>" in dom
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
