"""Running the compiled checks on a store and naming what they find for a reader."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from leadgraph.labels import compact
from leadgraph.loading import load_files
from leadgraph.namespaces import PREFIXES
from leadgraph.terms import BlankNode, Literal, NamedNode
from leadgraph.validation.compiled import Check, Finding, Schema, compile_shapes
from leadgraph.validation.report import IDENTIFYING, ValidationResult

CheckFunction = Callable[[Any, str], Iterable[Finding]]
"""A check: ``(store, restriction)`` -> findings. ``restriction`` is a SPARQL group pattern binding
``?this`` to the focus nodes to look at ("" means all); a check that cannot narrow its work may
ignore it, at the price of speed only (findings outside the restriction are dropped)."""

EXTRA_CHECKS: list[CheckFunction] = []
"""Checks beyond the SHACL shapes (say from a records layer): run by the default engine, after the shapes."""

_XSD_STRING = PREFIXES["xsd"] + "string"


def checks_for(store: Any, shapes_path: Path) -> tuple[list[Check], Schema]:
    """The shapes compiled against the RDFS closures the store holds now."""
    schema = Schema.read(store)
    return compile_shapes(load_files([shapes_path]).store, schema), schema


def run_checks(store: Any, checks: list[CheckFunction], restriction: str = "") -> list[Finding]:
    found: list[Finding] = []
    for check in checks:
        found.extend(check(store, restriction) if not isinstance(check, Check) else check.run(store, restriction))
    return found


class Namer:
    """Names store terms as the reference engine's reports do, reading the store for blank nodes."""

    def __init__(self, store: Any):
        self.store = store
        self._described: dict[str, str] = {}

    def result(self, finding: Finding) -> ValidationResult:
        return ValidationResult(
            focus_node=self.describe(finding.focus),
            path=finding.path,
            message=finding.message,
            severity=finding.severity,
            source_shape=finding.shape,
            value=self.value(finding.value) if finding.value is not None else None,
        )

    def describe(self, term: Any) -> str:
        if isinstance(term, NamedNode):
            return compact(term.value)
        if isinstance(term, Literal):
            return self.value(term)
        if isinstance(term, BlankNode):
            key = str(term)
            if key not in self._described:
                self._described[key] = self._blank(term)
            return self._described[key]
        return str(term)

    def _blank(self, term: BlankNode) -> str:
        types = [t.object for t in self.store.triples(term, NamedNode(PREFIXES["rdf"] + "type"), None)]
        parts = [", ".join(sorted(compact(t.value) for t in types if isinstance(t, NamedNode))) or "blank node"]
        for link in IDENTIFYING:
            target = next((t.object for t in self.store.triples(term, NamedNode(link), None)), None)
            if isinstance(target, NamedNode):
                parts.append(f"{compact(link)} {compact(target.value)}")
                break
        else:
            owner = next(iter(self.store.triples(None, None, term)), None)
            if owner is not None and isinstance(owner.subject, NamedNode):
                parts.append(f"^{compact(owner.predicate.value)} {compact(owner.subject.value)}")
        return "[" + "; ".join(parts) + "]"

    def value(self, term: Any) -> str:
        if isinstance(term, Literal):
            text = term.value
            text = repr(text) if len(text) <= 80 else repr(text[:77] + "...")
            if term.language:
                return f"{text}@{term.language}"
            if term.datatype is not None and term.datatype.value != _XSD_STRING:
                return f"{text}^^{compact(term.datatype.value)}"
            return text
        return self.describe(term)
