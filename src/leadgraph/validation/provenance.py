"""Which file and line each problem comes from, found only when there is a problem to report.

Loading keeps no positions (the engine's parsers give none, and keeping them would slow every
load). When validation finds problems, :class:`Locator` asks each data file's reader for its
:meth:`~leadgraph.store.readers.Reader.origins` (Turtle: a line scanner; YAML: ruamel.yaml's marks;
CSV: the row and column) and looks a result up by what it names: the triple (node, property,
value), else the node's property, else the node. Blank nodes are found through the link the
report names them by (``[org:Membership; org:member lgd:x]``). The first data file that states
something wins; the ontology is searched last.
"""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path
from typing import Any

from leadgraph.namespaces import PREFIXES
from leadgraph.store.positions import BLANK
from leadgraph.validation.report import ValidationResult

_LINK = re.compile(r"^\[[^;\]]*;\s*(?P<inverse>\^?)(?P<link>[^\s\]]+)\s+(?P<target>[^\s\]]+)\]$")


def expand(name: str | None) -> str | None:
    """The IRI a prefixed name or ``<IRI>`` in a report stands for, else ``None``."""
    if not name:
        return None
    if name.startswith("<") and name.endswith(">"):
        return name[1:-1]
    prefix, sep, local = name.partition(":")
    if sep and prefix in PREFIXES and local and not local.startswith("/"):
        return PREFIXES[prefix] + local
    return None


class Locator:
    """File, line and column for report results, from the files a graph was loaded from."""

    def __init__(self, data_paths: list[Path], ontology_paths: list[Path], store: Any,
                 results: list[ValidationResult] | None = None):
        self.paths = list(data_paths) + list(ontology_paths)
        self.store = store
        self._tables: list[tuple[Path, dict]] | None = None
        # The local names of every IRI the results name: a reader need only read statements with one.
        self.near = None if results is None else sorted({
            _local(iri) for r in results for name in (r.focus_node, r.value, *_LINK_TARGET.findall(r.focus_node))
            if (iri := expand(name)) is not None})

    def tables(self) -> list[tuple[Path, dict]]:
        if self._tables is None:
            from leadgraph.store.readers import reader_for

            self._tables = []
            for path in self.paths:
                try:
                    self._tables.append((path, reader_for(path).origins(path, self.store, self.near)))
                except Exception:  # a file changed or vanished since loading: no position, no crash
                    self._tables.append((path, {}))
        return self._tables

    def find(self, *keys: Any) -> tuple[Path, int, int | None] | None:
        """The first place any of ``keys`` (in order of preference) is written."""
        for key in keys:
            if key is None:
                continue
            for path, table in self.tables():
                place = table.get(key)
                if place is not None:
                    return path, place[0], place[1]
        return None

    def place(self, result: ValidationResult) -> ValidationResult:
        """``result`` with ``file``, ``line`` and ``column`` filled in where they can be found."""
        if result.file is not None:
            return result
        node = expand(result.focus_node)
        inverse = bool(result.path and result.path.startswith("^"))
        prop = expand(result.path[1:] if inverse else result.path)
        value = expand(result.value)
        keys: list[Any] = []
        if node is not None:
            if inverse and value is not None:
                keys += [(value, prop, node), (value, prop)]
            keys += [(node, prop, value) if value else None, (node, prop) if prop else None, node]
        else:
            link = _LINK.match(result.focus_node)
            if link:
                target, by = expand(link.group("target")), expand(link.group("link"))
                if link.group("inverse"):
                    keys += [(target, by)]  # the blank node hangs off the target: where it is written
                else:
                    keys += [(BLANK, prop, value) if value else None, (BLANK, by, target)]
        found = self.find(*keys)
        if found is None:
            return result
        path, line, column = found
        return dataclasses.replace(result, file=_shown(path), line=line, column=column)


_LINK_TARGET = re.compile(r"\s([^\s\]]+)\]$")


def _local(iri: str) -> str:
    """The part of an IRI after its last ``/`` or ``#`` (what a prefixed name writes)."""
    return re.split(r"[/#]", iri)[-1] or iri


def _shown(path: Path) -> str:
    """A path as the user would write it: relative to the working folder when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)
    return relative if not relative.startswith("..") else str(path)
