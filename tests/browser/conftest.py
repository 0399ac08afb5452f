"""Playwright driving Debian's Chromium (/usr/bin/chromium, installed by .ci/run).

Never run ``playwright install``: it downloads a browser build, which fails here. The pip
``playwright`` wheel ships its driver; the browser is the system one.

A missing browser fails the run in CI (``CI=true``) and skips these tests elsewhere.

Every page is opened through :func:`visit`, which routes every http(s) request to a recorder
that aborts it, records every other request, page error, console error and dialog, and
checks after the test that there were none (tests that provoke them on purpose clear the
lists first). Hostile payloads in the fixtures push to ``window.__xss`` if they ever run.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from leadgraph.viz.picture import CHROMIUM_ARGS as PICTURE_CHROMIUM_ARGS

REPO = Path(__file__).resolve().parents[2]
BROWSER_FIXTURES = Path(__file__).resolve().parent / "fixtures"
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = os.environ.get("LEADGRAPH_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = PICTURE_CHROMIUM_ARGS  # one list: the pictures command launches Chromium the same way
VIEWPORT = {"width": 1280, "height": 800}
READY_SELECTOR = "body[data-ready=true]"

# Runs before the page's own scripts (through DevTools, so the page's CSP does not apply to it).
_INIT = """
window.__xss = [];
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("true", "1"):
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium under Playwright, shared by the whole session."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install playwright)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class Visit:
    """One opened page and everything it tried to do that a clean page never does."""

    page: Any
    outgoing: list[str] = field(default_factory=list)  # http(s) requests (all aborted)
    requests: list[str] = field(default_factory=list)  # every request the page made
    errors: list[str] = field(default_factory=list)  # uncaught exceptions and console errors
    dialogs: list[str] = field(default_factory=list)  # alert/confirm/prompt (dismissed)

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

    def node_id(self, iri: str) -> int:
        """The page's numeric id of the node with this IRI."""
        found = self.js("(iri) => window.leadgraph.payload.info.findIndex((n) => n.iri === iri)", iri)
        assert found >= 0, f"{iri} is not in the page"
        return found

    def problems(self) -> dict[str, list[str]]:
        return {
            "outgoing requests": self.outgoing,
            "non-file requests": [u for u in self.requests if not u.startswith(("file:", "data:"))],
            "errors": self.errors,
            "dialogs": self.dialogs,
            "xss": self.js("window.__xss"),
            "csp violations": self.js("window.__csp"),
        }


@pytest.fixture
def visit(browser) -> Iterator[Any]:
    """``visit(path)`` opens an HTML file from file://, waits for the first frame, returns a Visit."""
    opened: list[tuple[Any, Visit]] = []

    def open_page(path: Path, *, viewport: dict[str, int] | None = None, timeout_ms: int = 60_000) -> Visit:
        context = browser.new_context(viewport=viewport or VIEWPORT)
        page = context.new_page()
        seen = Visit(page)
        opened.append((context, seen))

        def outgoing(route):
            seen.outgoing.append(route.request.url)
            route.abort()

        page.route(re.compile(r"^https?://"), outgoing)
        page.on("request", lambda request: seen.requests.append(request.url))
        page.on("pageerror", lambda error: seen.errors.append(f"uncaught: {error}"))
        page.on("console", lambda message: message.type == "error" and seen.errors.append(message.text))

        def dialog(d):
            seen.dialogs.append(f"{d.type}: {d.message}")
            d.dismiss()

        page.on("dialog", dialog)
        page.add_init_script(_INIT)
        page.goto(path.resolve().as_uri())
        # A selector, not a JS predicate: Playwright polls a predicate with eval, which the
        # page's policy refuses while a large page is still inflating its data.
        page.wait_for_selector(READY_SELECTOR, state="attached", timeout=timeout_ms)
        return seen

    yield open_page
    try:
        for _, seen in opened:
            problems = {name: found for name, found in seen.problems().items() if found}
            assert not problems, f"the page did something a clean page never does: {problems}"
    finally:
        for context, _ in opened:
            context.close()


@pytest.fixture(scope="session")
def bundled_network():
    """The bundled graph as the page draws it (leadgraph.network.projection.to_networkx)."""
    from leadgraph.loading import load
    from leadgraph.network.projection import to_networkx

    return to_networkx(load())


@pytest.fixture(scope="session")
def bundled_page(tmp_path_factory) -> Path:
    """The bundled graph's page, written once by write_html like ``leadgraph viz``."""
    from leadgraph.viz.page import write_html

    return write_html(None, tmp_path_factory.mktemp("viz") / "bundled.html")


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
