"""Drive the system's headless Chromium over the DevTools protocol on a pipe (no driver, no port).

``chromium --remote-debugging-pipe`` reads protocol messages from file descriptor 3 and writes
its answers to descriptor 4, each a JSON object ended by a NUL byte. This is the whole client:
enough to open a local page, run an expression, click at a point, resize the viewport and take
a screenshot, as a user's browser would. Nothing is downloaded: the browser is /usr/bin/chromium.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class BrowserError(RuntimeError):
    """The browser answered a command with an error, or did not answer in time."""


class Chromium:
    """One headless Chromium with one page, controlled over a pipe.

    Use as a context manager: ``with Chromium(profile_dir) as browser: browser.open(path)``.
    """

    def __init__(self, profile_dir: Path, width: int = 1400, height: int = 900) -> None:
        if CHROMIUM is None:
            raise BrowserError("chromium is not installed")
        self.profile_dir = profile_dir
        self.width, self.height = width, height
        self._next_id = 0
        self._buffer = b""
        self.events: list[dict[str, Any]] = []
        self.session = ""

    def __enter__(self) -> Chromium:
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def _wire_fds() -> None:  # in the child: the protocol's fds 3 and 4
            # Via spare numbers first: either pipe end may itself be fd 3 or 4.
            os.dup2(to_child_r, 100)
            os.dup2(from_child_w, 101)
            os.dup2(100, 3)
            os.dup2(101, 4)

        args = [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--remote-debugging-pipe",
            f"--user-data-dir={self.profile_dir}",
            f"--window-size={self.width},{self.height}",
            "about:blank",
        ]
        # A fixed argument list, no shell; page content never reaches the command line.
        self._proc = subprocess.Popen(  # noqa: S603
            args,
            preexec_fn=_wire_fds,  # noqa: PLW1509
            pass_fds=(3, 4),  # kept open after preexec_fn wired them
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        self.call("Page.enable")
        self.call("Runtime.enable")
        self.viewport(self.width, self.height)
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.call("Browser.close", session=False, timeout=10)
        except (BrowserError, OSError):
            pass
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait(timeout=10)
        os.close(self._to_child)
        os.close(self._from_child)

    def _read_message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise BrowserError("no answer from chromium in time")
            chunk = os.read(self._from_child, 1 << 20)
            if not chunk:
                raise BrowserError("chromium closed the pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        session: bool = True,
        timeout: float = 60.0,
    ) -> dict[str, Any]:
        """Send one command and return its result (events seen meanwhile go to ``events``)."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self._to_child, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            answer = self._read_message(deadline)
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise BrowserError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self.events.append(answer)

    def wait_event(self, method: str, timeout: float = 120.0) -> dict[str, Any]:
        """Wait for an event (one already received counts), and consume it."""
        deadline = time.monotonic() + timeout
        while True:
            for i, event in enumerate(self.events):
                if event.get("method") == method:
                    return self.events.pop(i)
            self.events.append(self._read_message(deadline))

    def open(self, page: Path) -> float:
        """Load a local file and wait for its load event; returns the seconds it took."""
        self.events.clear()
        start = time.perf_counter()
        self.call("Page.navigate", {"url": page.resolve().as_uri()})
        self.wait_event("Page.loadEventFired")
        return time.perf_counter() - start

    def eval(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (our test code, never page data)."""
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression[:60]}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def click(self, selector: str) -> None:
        """Scroll ``selector``'s element into view and click its centre with the mouse."""
        box = self.eval(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
            " e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
            " return [r.left + r.width / 2, r.top + r.height / 2]; })()"
        )
        for kind in ("mousePressed", "mouseReleased"):
            self.call(
                "Input.dispatchMouseEvent",
                {"type": kind, "x": box[0], "y": box[1], "button": "left", "clickCount": 1},
            )

    def viewport(self, width: int, height: int, mobile: bool = False) -> None:
        """Emulate a screen: ``mobile`` also turns on the phone's viewport rules."""
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
        )

    def screenshot(self, path: Path) -> bytes:
        """Save a PNG of the viewport at the top of the page."""
        self.eval("window.scrollTo(0, 0)")
        data = base64.b64decode(self.call("Page.captureScreenshot", {"format": "png"})["data"])
        path.write_bytes(data)
        return data
