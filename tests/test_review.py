"""The review loop: queue order, the review file, the app's guards, and the page in a real
headless Chromium (decisions persist across a reload; hostile anchors do not run)."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from starlette.testclient import TestClient

from linkclf.disavow.decisions import read_decisions
from linkclf.errors import InputError
from linkclf.review import (
    DecisionStore,
    Session,
    priority,
    read_scored_links,
    spread_over_domains,
    uncertainty,
)
from linkclf.review.app import CSP, create_app

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

#: Each would, if it ran, set window.__pwned and the title.
HOSTILE = [
    "<script>window.__pwned=1;document.title='PWNED'</script>",
    "<img src=x onerror=\"window.__pwned=1;document.title='PWNED'\">",
    '"><svg onload="window.__pwned=1">',
]

SCORED_HEADER = "source_url,target_url,anchor,context_left,context_right,source_title,p_manipulative,flag,kind,reasons\n"


def _scored(tmp_path: Path) -> Path:
    rows = [
        ("https://spam.xyz/a", HOSTILE[0], "buy", "now", HOSTILE[1], 0.74, 1, "pbn", "footer"),
        ("https://spam.xyz/b", "cheap pills", "", "", "t", 0.9, 1, "pbn", "footer"),
        ("https://news.nl/x", HOSTILE[2], "read", "more", "News", 0.7, 0, "natural", ""),
        ("https://news.nl/y", "javascript:alert(1)", "", "", "News", 0.2, 0, "natural", ""),
        ("https://blog.fr/z", "'=HYPERLINK(1)", "", "", "Blog", 0.05, 0, "natural", ""),
        ("javascript:alert(1)//x.com/", "x", "", "", "", 0.5, 0, "natural", ""),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "source_url",
            "anchor",
            "context_left",
            "context_right",
            "source_title",
            "p_manipulative",
            "flag",
            "kind",
            "reasons",
        ],
    )
    frame.insert(1, "target_url", "https://me.nl/")
    path = tmp_path / "scored.csv"
    frame.to_csv(path, index=False)
    return path


# ------------------------------------------------------------------------------------- queue
def test_uncertainty_peaks_at_the_threshold() -> None:
    u = uncertainty(np.array([0.7, 0.35, 1.0, 0.0]), 0.7)
    assert u[0] == 1.0 and u[1] == pytest.approx(0.5) and u[3] == 0.0
    assert u[2] == pytest.approx(1 - 0.3 / 0.7)


def test_disagreement_reorders_equally_uncertain_links() -> None:
    p = np.array([0.6, 0.6, 0.95])
    order = np.argsort(-priority(p, 0.6, np.array([0.01, 0.2, 0.3])), kind="stable")
    # Link 1 (at the threshold, most disputed) first; link 2 (less uncertain but disputed)
    # before link 0, which the committee agrees on: 0.417 * 1.1 > 1.0 * (0.1 + 0.033).
    assert order.tolist() == [1, 2, 0]
    # Without a committee the order is uncertainty alone.
    assert priority(p, 0.6).tolist() == uncertainty(p, 0.6).tolist()


def test_queue_takes_one_link_per_domain_before_seconds() -> None:
    score = np.array([0.9, 0.8, 0.7, 0.1, 0.5])
    domains = np.array(["a", "a", "a", "b", "c"])
    assert spread_over_domains(score, domains).tolist() == [0, 4, 3, 1, 2]


# ------------------------------------------------------------------------------- review file
def test_store_saves_each_decision_and_keeps_a_review_sheets_rows(tmp_path: Path) -> None:
    sheet = tmp_path / "review.csv"
    pd.DataFrame(
        {
            "decision": ["", ""],
            "level": ["domain", "url"],
            "candidate": ["domain:spam.xyz", "https://news.nl/x"],
            "status": ["new", "new"],
            "domain": ["spam.xyz", "news.nl"],
            "top_reasons": ["footer", "=cmd"],
        }
    ).to_csv(sheet, index=False)
    store = DecisionStore(sheet)
    store.decide("domain", "spam.xyz", "disavow", "spam.xyz")
    store.decide("url", "https://blog.fr/z", "keep", "blog.fr", {"n_links": "1"})
    store.decide("url", "https://news.nl/x", "keep", "news.nl")
    back = pd.read_csv(sheet, dtype=str, keep_default_na=False)
    assert back["candidate"].tolist() == [
        "domain:spam.xyz",
        "https://news.nl/x",
        "https://blog.fr/z",
    ]
    assert back["decision"].tolist() == ["disavow", "keep", "keep"]
    assert back["status"].tolist()[:2] == ["new", "new"]  # the sheet's own columns survive
    assert back["top_reasons"].tolist()[1] == "'=cmd"  # still neutralised for spreadsheets
    d = read_decisions(sheet)
    assert d.domains == {"spam.xyz": "disavow"} and len(d.urls) == 2
    # Resumable: a new store (a restarted page) reads the same decisions back.
    assert DecisionStore(sheet).decisions() == store.decisions()
    assert not list(tmp_path.glob(".review.csv.*"))  # no temp file left behind


def test_store_refuses_unknown_values(tmp_path: Path) -> None:
    sheet = tmp_path / "review.csv"
    pd.DataFrame({"decision": ["yes"], "level": ["domain"], "candidate": ["domain:a.com"]}).to_csv(
        sheet, index=False
    )
    with pytest.raises(InputError, match="'yes'"):
        DecisionStore(sheet)
    store = DecisionStore(tmp_path / "new.csv")
    with pytest.raises(InputError, match="disavow or keep"):
        store.decide("domain", "a.com", "maybe", "a.com")


# ---------------------------------------------------------------------------------- the app
def _app(tmp_path: Path):  # type: ignore[no-untyped-def]
    links = read_scored_links([_scored(tmp_path)])
    store = DecisionStore(tmp_path / "decisions.csv")
    return create_app(Session.build(links), store), store


def test_api_serves_queue_with_csp_and_saves_decisions(tmp_path: Path) -> None:
    app, store = _app(tmp_path)
    client = TestClient(app, base_url="http://127.0.0.1:8765")
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-security-policy"] == CSP
    assert '<script src="/static/review.js"' in page.text and "<script>" not in page.text
    assert "http" not in page.text.replace("http-equiv", "")  # nothing from a CDN
    data = client.get("/api/queue").json()
    # Queue: the domain with a link right at the threshold (0.74 / 0.7 around 0.72) first.
    assert [g["domain"] for g in data["groups"]][:2] == ["spam.xyz", "news.nl"]
    assert data["groups"][0]["links"][0]["anchor"] == HOSTILE[0]  # raw text, as data
    ok = client.post(
        "/api/decision", json={"level": "domain", "key": "news.nl", "decision": "keep"}
    )
    assert ok.status_code == 200 and ok.json()["keep"] == 1
    assert store.decisions().domains == {"news.nl": "keep"}


def test_api_refuses_other_hosts_origins_and_non_json(tmp_path: Path) -> None:
    app, store = _app(tmp_path)
    rebinding = TestClient(app, base_url="http://evil.example:8765")
    assert rebinding.get("/api/queue").status_code == 400
    client = TestClient(app, base_url="http://127.0.0.1:8765")
    body = {"level": "domain", "key": "news.nl", "decision": "disavow"}
    cross = client.post("/api/decision", json=body, headers={"Origin": "http://evil.example"})
    assert cross.status_code == 403
    form = client.post(
        "/api/decision", content="level=domain", headers={"Content-Type": "text/plain"}
    )
    assert form.status_code == 415
    bad = client.post("/api/decision", json={**body, "decision": "yes"})
    assert bad.status_code == 400 and "disavow or keep" in bad.json()["error"]
    unknown = client.post("/api/decision", json={**body, "key": "not-in-the-file.com"})
    assert unknown.status_code == 400
    assert len(store.decisions()) == 0


# --------------------------------------------------------------------------- real browser
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (scripts/install-chromium.sh)")
def test_page_in_chromium_decisions_persist_and_hostile_text_does_not_run(tmp_path: Path) -> None:
    import uvicorn

    from tests.cdp import Browser

    app, store = _app(tmp_path)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    assert CHROMIUM is not None
    browser = Browser(CHROMIUM, tmp_path / "profile")
    try:
        url = f"http://127.0.0.1:{port}/"
        browser.goto(url)
        browser.wait_for("document.querySelectorAll('section.group').length === 4")
        # Hostile anchors and titles are on the page as text, and none of them ran.
        text = browser.evaluate("document.body.innerText")
        assert HOSTILE[0] in text and HOSTILE[1] in text and HOSTILE[2] in text
        assert browser.evaluate("window.__pwned === undefined && document.title") == (
            "linkclf review"
        )
        assert (
            browser.evaluate("document.querySelectorAll('main script, main img, main svg').length")
            == 0
        )
        # The javascript: source URL is not a link; http(s) ones are.
        hrefs = browser.evaluate("[...document.querySelectorAll('main a')].map(a => a.href)")
        assert hrefs and all(h.startswith("https://") for h in hrefs)

        # Mouse: disavow the first domain in the queue. Keyboard: next domain, keep it.
        browser.evaluate(
            "document.querySelector('section.group[data-domain=\"spam.xyz\"] button.dom-disavow').click()"
        )
        browser.wait_for("document.getElementById('saved').textContent.includes('1 decisions')")
        browser.press("j")
        browser.press("k")
        browser.wait_for("document.getElementById('saved').textContent.includes('2 decisions')")
        # A page-level decision on a link of the third domain.
        browser.evaluate(
            "document.querySelector('tr[data-url=\"https://blog.fr/z\"] button.url-disavow').click()"
        )
        browser.wait_for("document.getElementById('saved').textContent.includes('3 decisions')")
        on_disk = read_decisions(store.path)
        assert on_disk.domains == {"spam.xyz": "disavow", "news.nl": "keep"}
        assert on_disk.urls == {"https://blog.fr/z": "disavow"}

        # Reload: the page reads the decisions back from the server (and so from the file).
        browser.send("Page.reload", {"ignoreCache": True}, session=True)
        browser.wait_for("document.querySelectorAll('section.group').length === 4")
        shown = browser.evaluate(
            "[...document.querySelectorAll('section.group')].map(s => s.dataset.domain + ':' +"
            " (s.classList.contains('disavow') ? 'disavow' : s.classList.contains('keep') ? 'keep' : ''))"
        )
        assert "spam.xyz:disavow" in shown and "news.nl:keep" in shown
        assert (
            browser.evaluate(
                "document.querySelector('tr[data-url=\"https://blog.fr/z\"]').className"
            )
            == "disavow"
        )
        # Filtering and sorting work on the same data.
        browser.evaluate(
            "const f = document.getElementById('filter'); f.value = 'blog';"
            " f.dispatchEvent(new Event('input'))"
        )
        assert browser.evaluate("document.querySelectorAll('section.group').length") == 1
        assert browser.evaluate("window.__pwned === undefined")
        # Defence in depth: markup that slipped into the page still cannot run (the CSP forbids
        # inline handlers) ...
        browser.evaluate(f"document.body.insertAdjacentHTML('beforeend', {HOSTILE[1]!r})")
        time.sleep(0.5)
        assert browser.evaluate("window.__pwned === undefined")
        # ... while on a page without the CSP the same markup does run: the check can fail.
        browser.goto("data:text/html,<title>control</title><body></body>")
        browser.wait_for("document.title === 'control'")
        browser.evaluate(f"document.body.insertAdjacentHTML('beforeend', {HOSTILE[1]!r})")
        assert browser.wait_for("window.__pwned === 1")
    finally:
        browser.close()
        server.should_exit = True
        thread.join(timeout=10)


# ------------------------------------------------------------------------------- the command
def test_cli_refuses_bad_decisions_and_committee_without_model(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from linkclf.cli import app

    runner = CliRunner()
    scored = _scored(tmp_path)
    bad = tmp_path / "review.csv"
    pd.DataFrame({"decision": ["yes"], "level": ["domain"], "candidate": ["domain:a.com"]}).to_csv(
        bad, index=False
    )
    result = runner.invoke(app, ["review", str(scored), "--decisions", str(bad)])
    assert result.exit_code == 1 and "'yes'" in result.output and "Traceback" not in result.output
    result = runner.invoke(
        app, ["review", str(scored), "--decisions", str(tmp_path / "r.csv"), "--committee", "x"]
    )
    assert result.exit_code == 1 and "--model DIR with --committee" in result.output
    result = runner.invoke(app, ["review", str(scored), "--decisions", str(scored)])
    assert result.exit_code == 1 and "different from every input" in result.output
