"""What the browser tests (tests/browser/) share: Debian's Chromium found (or the test skipped, saying why), the web
app served by a real uvicorn on a free loopback port, and axe-core run inside a page.

Playwright drives the system ``chromium`` (``executable_path``): ``playwright install`` downloads its own browser,
which this machine cannot. axe-core is vendored in ``tests/support/vendor/`` (its README says whence).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Page

VENDOR = Path(__file__).parent / "vendor"
# Where CRMHUB_SCREENSHOTS=1 makes the suite save its screenshots (the docs show them).
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "web" / "img"
SCREENSHOTS_VARIABLE = "CRMHUB_SCREENSHOTS"
CHROMIUM_VARIABLE = "CRMHUB_CHROMIUM"  # another Chromium binary than the one on PATH
BLOCKING = ("serious", "critical")  # the axe impacts a page may not have


def chromium_or_skip() -> str:
    """The Chromium binary: $CRMHUB_CHROMIUM, else ``chromium`` (Debian) or ``chromium-browser`` on PATH."""
    named = os.environ.get(CHROMIUM_VARIABLE)
    if named:
        if not os.access(named, os.X_OK):
            raise pytest.UsageError(f"{CHROMIUM_VARIABLE}={named!r}: expected an executable Chromium binary")
        return named
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no Chromium: neither `chromium` nor `chromium-browser` is on PATH (make test installs Debian's "
                "`chromium` package with apt-get where it can; or set CRMHUB_CHROMIUM)")


@dataclass
class Site:
    """The app behind a real uvicorn server on 127.0.0.1, in a thread of the test process (so the test can share
    its store and clock); the port is taken by binding port 0, so parallel runs never collide."""

    app: FastAPI
    port: int = 0
    _server: uvicorn.Server | None = field(default=None, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        self._server = uvicorn.Server(uvicorn.Config(self.app, log_level="warning", lifespan="off"))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True,
                                        name=f"uvicorn-{self.port}")
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn on 127.0.0.1:{self.port} did not start within {timeout} s")
            time.sleep(0.05)

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now, WCAG 2.x A and AA rules (tags wcag2a, wcag2aa, wcag21a,
    wcag21aa). The script is evaluated through the DevTools protocol, which the page's CSP does not govern: the
    page's own policy (script-src 'self') stays as it is served."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate((VENDOR / "axe.min.js").read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                                                   'best-practice']}})
                 .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                                    nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})))""")
    return found


def blocking(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The violations a page may not have: impact serious or critical."""
    return [v for v in violations if v["impact"] in BLOCKING]


def screenshot(page: Page, name: str) -> Path | None:
    """Saves ``docs/web/img/<name>.png`` when CRMHUB_SCREENSHOTS=1 (so a CI run leaves the tree clean)."""
    if os.environ.get(SCREENSHOTS_VARIABLE) != "1":
        return None
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    return path
