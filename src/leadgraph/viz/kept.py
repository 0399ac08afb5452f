"""The page's data kept beside an on-disk store generation, so a national page builds in a second.

Drawing a 10,000-person graph means projecting a million triples, finding communities and the
coverage tree, then packing it all for the page: tens of seconds. A published generation of an
on-disk store never changes (:mod:`leadgraph.store.disk`), so the packed data of a page drawn
from it stays true as long as the generation exists: :func:`leadgraph.viz.page.build_page` keeps
it there (:mod:`leadgraph.store.derived`, kind :data:`KIND`) and the next page with the same
options only reads it back and wraps it in the page. There is nothing to invalidate: a store
update publishes a new generation, which starts with nothing kept.

The key holds everything besides the data that changes the page's data: the title, seed, view,
selection options (and the content of a ``--query`` file), communities, coverage, role group,
"as of" day, and the versions of networkx, numpy and scipy (the leadgraph code is in every
key of :mod:`leadgraph.store.derived`), so an edited or upgraded leadgraph computes afresh. The page around the data (scripts, styles, the Content-Security-Policy) is
always the current code's: only the data block is kept, and it is checked again before it goes
into a page (:func:`leadgraph.viz.page._page`).

Graphs loaded from files, memory stores and endpoints keep nothing: :func:`key` is ``None``.

>>> import tempfile, pathlib
>>> from leadgraph.loading import build_store, open_store, load
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "store"
>>> _ = build_store(folder)
>>> key(load(), title=None) is None
True
>>> graph = open_store(folder)
>>> read(graph, key(graph, title=None)) is None
True
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

KIND = "viz-page"
"""The kind of the kept entries (``DIR/gen-N/derived/viz-page/KEY.json.gz``)."""

_LIBRARIES = ("networkx", "numpy", "scipy")
MAX_KEPT = 100
"""Pages' data a generation keeps at the most (beyond, the oldest go first; they are computed
again when asked for): one per set of options, 3 MB each for a national page."""
MAX_KEPT_BYTES = 512 * 1024 * 1024
"""And the bytes they take at the most."""


def key(graph: Any, **options: Any) -> str | None:
    """The name of the kept page data of ``graph`` (a LeadGraph, or its store) drawn with ``options`` (the keyword arguments
    of :func:`leadgraph.viz.page.build_page` but ``data``), or ``None`` when ``graph`` keeps none
    (not opened from an on-disk store) or the options name a query file that cannot be read (then
    the page is computed, and says what is wrong with it)."""
    from leadgraph.store import derived

    if derived.folder_of(_store(graph)) is None:
        return None
    recipe = {name: value for name, value in options.items() if name != "criteria"}
    criteria = options.get("criteria")
    chosen = criteria.as_kwargs() if criteria is not None else {}
    if chosen.get("query") is not None:
        try:
            chosen["query"] = hashlib.sha256(Path(chosen["query"]).read_bytes()).hexdigest()
        except OSError:
            return None
    recipe["criteria"] = {name: _plain(value) for name, value in chosen.items()}
    if recipe.get("as_of") is not None:
        recipe["as_of"] = str(recipe["as_of"])
    recipe["libraries"] = _libraries()
    return derived.entry_key(KIND, recipe)


def read(graph: Any, name: str | None) -> tuple[str, str, bool] | None:
    """``(title, data, compressed)`` kept under ``name`` for ``graph``, or ``None``."""
    from leadgraph.store import derived

    if name is None:
        return None
    found = derived.get(_store(graph), KIND, name)
    if not isinstance(found, dict):
        return None
    title, data, compressed = found.get("title"), found.get("data"), found.get("compressed")
    if not (isinstance(title, str) and isinstance(data, str) and isinstance(compressed, bool)):
        return None  # not something keep() wrote: computed again
    return title, data, compressed


def keep(graph: Any, name: str | None, title: str, data: str, compressed: bool) -> bool:
    """Keep the page data (:func:`leadgraph.viz.page.encode_data`'s) under ``name``, then drop the
    oldest beyond :data:`MAX_KEPT` / :data:`MAX_KEPT_BYTES`; ``False`` when ``graph`` keeps none
    or its store folder cannot be written."""
    from leadgraph.store import derived

    if name is None:
        return False
    return derived.put(_store(graph), KIND, name, {"title": title, "data": data, "compressed": compressed},
                       entries=MAX_KEPT, size=MAX_KEPT_BYTES)


DEFAULTS: dict[str, Any] = {"title": None, "seed": 1, "criteria": None, "view": "auto", "communities": True,
                            "coverage": True, "role_group": None, "as_of": None}
"""The options of a plain ``leadgraph viz -o page.html``: what :func:`keep_default_page` keeps."""


def keep_default_page(graph: Any, store: Any) -> bool:
    """Compute the data of the page a plain ``leadgraph --store DIR viz`` draws from ``graph`` and
    keep it with ``store`` (a :class:`~leadgraph.store.disk.DiskStore` generation that holds the
    same triples, such as one just written from the files ``graph`` was loaded from), so even
    the first page drawn from that generation only reads it. The signature of a keeper that
    ``store build`` and ``store update`` run before they publish a generation."""
    from leadgraph.viz.page import page_data

    name = key(store, **DEFAULTS)
    return name is not None and keep(store, name, *page_data(graph, **DEFAULTS))


def _store(graph: Any) -> Any:
    return getattr(graph, "store", graph)


def _plain(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    try:
        return [str(item) for item in value]
    except TypeError:
        return str(value)


def _libraries() -> list[Any]:
    """The versions of the libraries that shape the page's data (communities, layout); the
    leadgraph code itself is in every key (:func:`leadgraph.store.derived.code_stamp`)."""
    from importlib.metadata import PackageNotFoundError, version

    stamps: list[Any] = []
    for library in _LIBRARIES:
        try:
            stamps.append([library, version(library)])
        except PackageNotFoundError:
            stamps.append([library, None])
    return stamps
