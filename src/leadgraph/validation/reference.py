"""The reference engine: pyshacl on an rdflib copy of the graph.

The ontology goes in as pyshacl's ``ont_graph`` with RDFS inference, so a node typed
``lg:NHSFoundationTrust`` satisfies ``sh:class org:Organization``. pyshacl gets parsed
rdflib Graphs, never strings (it would take a string for a path or a URL). It needs the whole
graph in rdflib (about 0.9 ms per triple): the tests hold the compiled engine to its findings.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from leadgraph.labels import compact
from leadgraph.loading import LeadGraph, load_files
from leadgraph.namespaces import SH
from leadgraph.validation.compiled import GENERIC
from leadgraph.validation.report import IDENTIFYING, ValidationResult, sort_results

if TYPE_CHECKING:
    import rdflib


def run(graph: LeadGraph, shapes_path: Path) -> list[ValidationResult]:
    import pyshacl

    shapes_graph = load_files([shapes_path]).to_rdflib()
    ontology = load_files(graph.ontology_paths).to_rdflib() if graph.ontology_paths else None
    data_graph = graph.to_rdflib()
    _, results_graph, _ = pyshacl.validate(
        data_graph,
        shacl_graph=shapes_graph,
        ont_graph=ontology,
        inference="rdfs",
        allow_warnings=True,
        allow_infos=True,
        inplace=False,  # the data graph is the LeadGraph's cached copy: never mutate it
    )
    return _results(results_graph, _Namer(data_graph, shapes_graph))


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
        path_name = namer.path(path, results_graph) if path is not None else None
        generic = namer.generic(results_graph.value(node, sh("sourceConstraintComponent")), shape,
                                results_graph.value(node, sh("sourceConstraint")), path_name)
        out.append(
            ValidationResult(
                focus_node=namer.describe(focus),
                path=path_name,
                message=generic or (str(message) if message is not None else "(no message)"),
                severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
                source_shape=namer.shape(shape) if shape is not None else None,
                value=namer.value(value) if value is not None else None,
            )
        )
    return sort_results(out)


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
            for link in IDENTIFYING:
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

    def generic(self, component: Any, shape: Any, constraint: Any, path: str | None) -> str | None:
        """leadgraph's own words for a constraint whose shape gives no sh:message (pyshacl's
        generic messages print nodes in its own notation), or ``None`` to keep pyshacl's."""
        from rdflib import URIRef

        if component is None or shape is None:
            return None
        message = URIRef(SH + "message")
        if self.shapes.value(shape, message) is not None:
            return None
        kind = str(component)[len(SH):].removesuffix("ConstraintComponent")
        if kind == "SPARQL":
            if constraint is not None and self.shapes.value(constraint, message) is not None:
                return None
            return GENERIC["sparql"](self.shape(shape))
        param = kind[0].lower() + kind[1:]
        if param not in GENERIC:
            return None
        arg = self.shapes.value(shape, URIRef(SH + param))
        if param in ("minCount", "maxCount"):
            return GENERIC[param](int(arg), path)
        if param in ("class", "datatype", "nodeKind", "hasValue"):
            return GENERIC[param](compact(str(arg)))
        return GENERIC[param](str(arg) if arg is not None else "")
