"""Where the triples live: the store protocol, its backends, and the file readers.

Everything above loading talks to a :class:`~leadgraph.store.base.GraphStore`: pattern
matching, SPARQL SELECT rows, a query's answer as a W3C document, label look-up, a size.
:class:`~leadgraph.store.memory.MemoryStore` (Oxigraph in memory) is the first backend;
a backend is a class with those methods. Input formats are readers in
:mod:`leadgraph.store.readers`, registered by file extension.

This package imports nothing at start-up (its modules are imported by name), so
``import leadgraph.terms`` stays cheap.

>>> from leadgraph.loading import load
>>> from leadgraph.store.base import GraphStore
>>> store = store_of(load())
>>> isinstance(store, GraphStore), len(store) > 1000
(True, True)
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_LAZY = {
    "GraphStore": "leadgraph.store.base",
    "StoreBase": "leadgraph.store.base",
    "MemoryStore": "leadgraph.store.memory",
    "Reader": "leadgraph.store.readers",
    "reader_for": "leadgraph.store.readers",
    "register": "leadgraph.store.readers",
    "READERS": "leadgraph.store.readers",
}

__all__ = ["store_of", *_LAZY]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'leadgraph.store' has no attribute {name!r}")
    return getattr(import_module(module), name)


def store_of(graph: Any = None, data: Any = None) -> Any:
    """The :class:`GraphStore` to work on: ``graph``'s own, or ``load(data)``'s when ``graph`` is None.

    ``graph`` may be a :class:`~leadgraph.loading.LeadGraph`, any :class:`GraphStore`, a
    ``pyoxigraph.Store`` or an ``rdflib.Graph`` (both copied into or wrapped as a
    :class:`MemoryStore`). Every library entry point that takes ``graph=`` / ``data=``
    resolves them here, so they all accept the same things.
    """
    from leadgraph.errors import UsageError
    from leadgraph.store.base import GraphStore
    from leadgraph.store.memory import MemoryStore

    if graph is None:
        from leadgraph.loading import load

        return load(data).store
    if isinstance(graph, GraphStore):
        return graph
    store = getattr(graph, "store", None)
    if isinstance(store, GraphStore):
        return store
    wrapped = MemoryStore.wrap(graph)
    if wrapped is not None:
        return wrapped
    raise UsageError(f"graph must be a LeadGraph, a store, a pyoxigraph.Store or an rdflib.Graph, "
                     f"not {type(graph).__name__}")
