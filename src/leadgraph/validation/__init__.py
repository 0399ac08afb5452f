"""Check a graph against the SHACL shapes (``ontology/shapes.ttl``).

Two engines give the same findings. The default, ``engine="sparql"``
(:mod:`leadgraph.validation.compiled`), compiles each constraint to a SPARQL query that the
store answers itself, with RDFS entailment asked for in the queries, so it works on memory,
disk and remote stores without copying the graph. ``engine="pyshacl"``
(:mod:`leadgraph.validation.reference`) runs pyshacl on an rdflib copy with the ontology as
``ont_graph`` and RDFS inference: the reference the tests hold the default to, and the fallback
for shapes using a SHACL feature the compiler does not know.

On an on-disk store the report is kept with the generation (:mod:`leadgraph.validation.incremental`):
after ``leadgraph store update`` only the nodes the changed files touch are checked again.

>>> report = validate()  # the bundled data
>>> report.conforms, report.results
(True, [])
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from leadgraph import resources
from leadgraph.errors import DataError, UsageError
from leadgraph.loading import LeadGraph, load, store_of
from leadgraph.validation.engine import EXTRA_CHECKS, Namer, checks_for, run_checks
from leadgraph.validation.report import ValidationReport, ValidationResult, conforms, sort_results

ENGINES = ("sparql", "pyshacl")
"""Engine names :func:`validate` accepts; the first is the default."""

__all__ = ["ENGINES", "EXTRA_CHECKS", "ValidationReport", "ValidationResult", "validate"]


def validate(
    graph: Any = None,
    *,
    data: str | Path | list[str | Path] | None = None,
    shapes: str | Path | None = None,
    engine: str = "sparql",
) -> ValidationReport:
    """Validate ``graph`` (or ``load(data)`` when no graph is given) against the shapes.

    ``graph`` may be a :class:`~leadgraph.loading.LeadGraph` or any store :func:`~leadgraph.loading.store_of`
    accepts. ``shapes`` defaults to the bundled ``ontology/shapes.ttl``. Shapes with severity
    sh:Warning or sh:Info are reported but do not make the data fail. ``engine`` is ``"sparql"``
    (the default: queries run by the store) or ``"pyshacl"`` (the reference; needs the graph in rdflib).

    Raises:
        DataError: the shapes file is missing or unreadable.
    """
    from leadgraph.validation import compiled, incremental, reference

    if engine not in ENGINES:
        raise UsageError(f"unknown validation engine {engine!r} (choose from {', '.join(ENGINES)})")
    if graph is None:
        graph = load(data)
    default_shapes = shapes is None
    shapes_path = Path(shapes) if shapes is not None else resources.shapes_path()
    if not shapes_path.is_file():
        raise DataError("shapes file is missing", path=shapes_path)
    store = store_of(graph)
    files = len(graph.paths) if isinstance(graph, LeadGraph) else 0
    if engine == "sparql":
        try:
            if default_shapes and incremental.kept(store):
                results = incremental.validate(store, shapes_path)
            else:
                checks, _ = checks_for(store, shapes_path)
                namer = Namer(store)
                results = sort_results(namer.result(f) for f in run_checks(store, [*checks, *EXTRA_CHECKS]))
            return ValidationReport(conforms(results), results, triples=len(store), files=files)
        except compiled.Unsupported:
            pass  # shapes beyond the compiler: the reference engine knows all of SHACL Core and SPARQL
    if not isinstance(graph, LeadGraph):
        graph = LeadGraph(store if hasattr(store, "add") else _copy(store), [], [])
    results = reference.run(graph, shapes_path)
    return ValidationReport(conforms(results), results, triples=len(graph), files=files)


def _copy(store: Any) -> Any:
    from leadgraph.store.memory import MemoryStore

    copy = MemoryStore()
    copy.add(store.triples())
    return copy
