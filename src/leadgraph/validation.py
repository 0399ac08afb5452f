"""Check a graph against the SHACL shapes (``ontology/shapes.ttl``) with pyshacl.

The ontology goes in as pyshacl's ``ont_graph`` with RDFS inference, so a node typed
``lg:NHSFoundationTrust`` satisfies ``sh:class org:Organization``. pyshacl gets parsed
rdflib Graphs, never strings (it would take a string for a path or a URL).

>>> report = validate()  # the bundled data
>>> report.conforms, report.results
(True, [])
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from leadgraph import resources
from leadgraph.errors import DataError
from leadgraph.loading import LeadGraph, load, load_files
from leadgraph.labels import compact
from leadgraph.namespaces import PREFIXES, SH

if TYPE_CHECKING:
    import rdflib

# Links that best identify an anonymous node to a reader, in order of preference.
_IDENTIFYING = (
    PREFIXES["org"] + "member",
    PREFIXES["lg"] + "person",
    PREFIXES["schema"] + "creator",
    PREFIXES["org"] + "organization",
)


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL result, with terms shortened to prefixed names (``lgd:ayesha-rahim``).

    ``focus_node`` names the node that failed; an anonymous (blank) node is described by
    its type and the resource it hangs off, e.g. ``[org:Membership; org:member lgd:x]``.
    ``path`` is the property path (``^org:member`` for an inverse path), ``value`` the
    offending value when there is one, ``source_shape`` the node shape the check is in.
    """

    focus_node: str
    path: str | None
    message: str
    severity: str
    source_shape: str | None
    value: str | None = None

    def text(self) -> str:
        lines = [f"- {self.severity}: {self.focus_node}"]
        if self.path:
            lines.append(f"    path:    {self.path}")
        lines.append(f"    message: {self.message}")
        if self.value is not None:
            lines.append(f"    value:   {self.value}")
        if self.source_shape:
            lines.append(f"    shape:   {self.source_shape}")
        return "\n".join(lines)


@dataclass
class ValidationReport:
    """The outcome of :func:`validate`: ``conforms`` and the list of results, worst first."""

    conforms: bool
    results: list[ValidationResult] = field(default_factory=list)
    triples: int = 0
    files: int = 0

    def text(self) -> str:
        """A readable report: one summary line, then focus node, path and message per result.

        >>> ValidationReport(True, [], triples=10, files=2).text()
        'conforms: 10 triples from 2 files'
        """
        if self.conforms and not self.results:
            return f"conforms: {self.triples} triples from {self.files} files"
        head = "conforms" if self.conforms else "does not conform"
        count = len(self.results)
        lines = [
            f"{head}: {count} problem{'s' if count != 1 else ''} "
            f"in {self.triples} triples from {self.files} files"
        ]
        lines.extend(result.text() for result in self.results)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return {
            "conforms": self.conforms,
            "triples": self.triples,
            "files": self.files,
            "results": [asdict(result) for result in self.results],
        }


def validate(
    graph: LeadGraph | None = None,
    *,
    data: str | Path | list[str | Path] | None = None,
    shapes: str | Path | None = None,
) -> ValidationReport:
    """Validate ``graph`` (or ``load(data)`` when no graph is given) against the shapes.

    ``shapes`` defaults to the bundled ``ontology/shapes.ttl``. Shapes with severity
    sh:Warning or sh:Info are reported but do not make the data fail.

    Raises:
        DataError: the shapes file is missing or unreadable.
    """
    import pyshacl

    if graph is None:
        graph = load(data)
    shapes_path = Path(shapes) if shapes is not None else resources.shapes_path()
    if not shapes_path.is_file():
        raise DataError("shapes file is missing", path=shapes_path)
    shapes_graph = load_files([shapes_path]).to_rdflib()
    ontology = load_files(graph.ontology_paths).to_rdflib() if graph.ontology_paths else None
    data_graph = graph.to_rdflib()
    conforms, results_graph, _ = pyshacl.validate(
        data_graph,
        shacl_graph=shapes_graph,
        ont_graph=ontology,
        inference="rdfs",
        allow_warnings=True,
        allow_infos=True,
        inplace=False,  # the data graph is the LeadGraph's cached copy: never mutate it
    )
    namer = _Namer(data_graph, shapes_graph)
    results = _results(results_graph, namer)
    return ValidationReport(bool(conforms), results, triples=len(graph), files=len(graph.paths))


_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


def _results(results_graph: rdflib.Graph, namer: _Namer) -> list[ValidationResult]:
    from rdflib import RDF, URIRef

    sh = lambda local: URIRef(SH + local)  # noqa: E731 - tiny local alias keeps the look-ups readable
    out = []
    for node in results_graph.subjects(RDF.type, sh("ValidationResult")):
        focus = results_graph.value(node, sh("focusNode"))
        path = results_graph.value(node, sh("resultPath"))
        message = results_graph.value(node, sh("resultMessage"))
        severity = results_graph.value(node, sh("resultSeverity"))
        shape = results_graph.value(node, sh("sourceShape"))
        value = results_graph.value(node, sh("value"))
        out.append(
            ValidationResult(
                focus_node=namer.describe(focus),
                path=namer.path(path, results_graph) if path is not None else None,
                message=str(message) if message is not None else "(no message)",
                severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
                source_shape=namer.shape(shape) if shape is not None else None,
                value=namer.value(value) if value is not None else None,
            )
        )
    # Two constraints sharing one sh:message (say minLength and pattern) would read as a duplicate.
    unique = set(out)
    return sorted(unique, key=lambda r: (_SEVERITY_ORDER.get(r.severity, 3), r.focus_node, r.path or "", r.message))


class _Namer:
    """Turns rdflib terms into the short names a reader of a report wants."""

    def __init__(self, data_graph: rdflib.Graph, shapes_graph: rdflib.Graph):
        self.data = data_graph
        self.shapes = shapes_graph

    def iri(self, term: Any) -> str:
        return compact(str(term))

    def describe(self, term: Any) -> str:
        from rdflib import RDF, BNode, Literal, URIRef

        if isinstance(term, URIRef):
            return self.iri(term)
        if isinstance(term, Literal):
            return self.value(term)
        if isinstance(term, BNode):
            parts = [", ".join(sorted(self.iri(t) for t in self.data.objects(term, RDF.type))) or "blank node"]
            for link in _IDENTIFYING:
                target = self.data.value(term, URIRef(link))
                if isinstance(target, URIRef):
                    parts.append(f"{self.iri(link)} {self.iri(target)}")
                    break
            else:
                owner = next(iter(self.data.subject_predicates(term)), None)
                if owner is not None and isinstance(owner[0], URIRef):
                    parts.append(f"^{self.iri(owner[1])} {self.iri(owner[0])}")
            return "[" + "; ".join(parts) + "]"
        return str(term)

    def value(self, term: Any) -> str:
        from rdflib import Literal

        if isinstance(term, Literal):
            text = repr(str(term)) if len(str(term)) <= 80 else repr(str(term)[:77] + "...")
            if term.language:
                return f"{text}@{term.language}"
            if term.datatype is not None:
                return f"{text}^^{self.iri(term.datatype)}"
            return text
        return self.describe(term)

    def path(self, term: Any, graph: rdflib.Graph) -> str:
        from rdflib import BNode, URIRef

        if isinstance(term, URIRef):
            return self.iri(term)
        if isinstance(term, BNode):
            inverse = graph.value(term, URIRef(SH + "inversePath"))
            if inverse is not None:
                return "^" + self.path(inverse, graph)
            items = list(graph.items(term))
            if items:
                return "/".join(self.path(item, graph) for item in items)
        return str(term)

    def shape(self, term: Any) -> str:
        from rdflib import BNode, URIRef

        if isinstance(term, BNode):
            # A property shape is anonymous: name the node shape that holds it.
            owner = self.shapes.value(predicate=URIRef(SH + "property"), object=term)
            if owner is not None:
                return self.shape(owner)
        return self.iri(term) if isinstance(term, URIRef) else str(term)
