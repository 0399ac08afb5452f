"""Still pictures (PNG, SVG) of the page, for reports: ``leadgraph viz --format png|svg``.

The picture is the page itself, opened from a temporary file in headless Chromium (driven by
Playwright, with every http(s) request refused), so a report shows exactly what the page shows:
the same layout, grouping, colours and filters. The page makes both pictures itself (its PNG and
SVG buttons): PNG is the drawing canvas on white; SVG is built from the drawn nodes' and edges'
positions, labels as text. Only the picture area is kept: the side panels are hidden first.

Chromium is Debian's (``apt-get install chromium``) or the one named by ``LEADGRAPH_CHROMIUM``;
Playwright's own browser download is never used.
"""

from __future__ import annotations

import base64
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from leadgraph.errors import UsageError

if TYPE_CHECKING:
    import networkx as nx

    from leadgraph.loading import LeadGraph
    from leadgraph.network.criteria import Criteria

FORMATS = ("png", "svg")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def chromium_path() -> str:
    """The Chromium to drive: ``$LEADGRAPH_CHROMIUM``, else ``chromium`` on the PATH."""
    found = os.environ.get("LEADGRAPH_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found or not os.access(found, os.X_OK):
        raise UsageError("PNG and SVG pictures need Chromium: install it (apt-get install chromium) "
                         "or set LEADGRAPH_CHROMIUM to its path")
    return found


def picture(page: str, format: str = "png", *, width: int = 1600, height: int = 1000) -> bytes:  # noqa: A002
    """PNG or SVG bytes of a page made by :func:`leadgraph.viz.page.render_html`.

    The PNG is ``width`` x ``height`` pixels; the SVG holds every node drawn, labels as text.
    """
    import tempfile

    if format not in FORMATS:
        raise UsageError(f"picture format must be one of {', '.join(FORMATS)}, not {format!r}")
    if width < 100 or height < 100 or width > 10_000 or height > 10_000:
        raise UsageError("picture width and height must be between 100 and 10,000 pixels")
    executable = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise UsageError("PNG and SVG pictures need the playwright package: pip install 'leadgraph[pictures]'") from None
    import re

    with tempfile.TemporaryDirectory(prefix="leadgraph-picture-") as folder:
        path = Path(folder) / "page.html"
        path.write_text(page, "utf-8")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            try:
                context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
                tab = context.new_page()
                tab.route(re.compile(r"^https?://"), lambda route: route.abort())
                tab.goto(path.as_uri())
                tab.wait_for_selector("body[data-ready=true]", state="attached", timeout=120_000)
                tab.evaluate(_PICTURE_ONLY, {"width": width, "height": height})
                if format == "svg":
                    return tab.evaluate("window.leadgraph.svg()").encode("utf-8")
                url = tab.evaluate("window.leadgraph.png()")
                return base64.b64decode(url.split(",", 1)[1])
            finally:
                browser.close()


# Hide everything but the drawing, give it the whole window, fit the picture to it.
_PICTURE_ONLY = """(size) => {
  for (const id of ["lg-header", "lg-side", "lg-details"]) document.getElementById(id).style.display = "none";
  const box = document.getElementById("lg-network");
  box.style.position = "fixed"; box.style.inset = "0";
  box.style.width = size.width + "px"; box.style.height = size.height + "px";
  window.network.setSize(size.width + "px", size.height + "px");
  window.network.redraw();
  window.network.fit({animation: false});
  window.network.redraw();
}"""


def write_picture(
    graph_or_nx: LeadGraph | nx.Graph | None,
    path: str | Path,
    format: str | None = None,  # noqa: A002
    *,
    width: int = 1600,
    height: int = 1000,
    title: str | None = None,
    seed: int = 1,
    view: str = "auto",
    data: str | Path | list[str | Path] | None = None,
    criteria: Criteria | None = None,
    communities: bool = True,
    coverage: bool = True,
    role_group: str | None = None,
    as_of: Any = None,
    **selection: Any,
) -> Path:
    """Write a PNG or SVG picture of the graph to ``path`` (atomically) and return the path.

    The same graph, selection, ``view`` and ``seed`` as :func:`leadgraph.viz.page.write_html`;
    ``format`` defaults to the suffix of ``path`` (.png or .svg); ``as_of`` draws the graph as it stood that day.
    """
    from leadgraph.fileio import atomic_write
    from leadgraph.viz.page import build_page

    if format is None:
        format = Path(path).suffix.lower().lstrip(".")  # noqa: A001
        if format not in FORMATS:
            raise UsageError(f"say --format png or svg: cannot tell the picture format from {str(path)!r}")
    if format not in FORMATS:
        raise UsageError(f"picture format must be one of {', '.join(FORMATS)}, not {format!r}")
    page = build_page(graph_or_nx, title=title, seed=seed, view=view, data=data, criteria=criteria,
                      communities=communities, coverage=coverage, role_group=role_group, as_of=as_of, **selection)
    return Path(atomic_write(path, picture(page, format, width=width, height=height)))
