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
>>> isinstance(load().store, GraphStore)
True
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

__all__ = list(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'leadgraph.store' has no attribute {name!r}")
    return getattr(import_module(module), name)
