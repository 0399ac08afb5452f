"""Counts over the whole graph (ontology plus data): triples, classes, properties.

Class counts are of direct ``rdf:type`` statements: the store does no inference, so a
node typed ``lg:NHSFoundationTrust`` counts there and not under ``org:Organization``.

>>> s = stats()
>>> s.triples > 0 and s.classes["lg:Leader"] >= 1
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from leadgraph.loading import LeadGraph, load
from leadgraph.labels import compact

_CLASS_COUNTS = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n)
WHERE { ?s a ?class }
GROUP BY ?class
"""

_PROPERTY_COUNTS = """
SELECT ?property (COUNT(*) AS ?n)
WHERE { ?s ?property ?o }
GROUP BY ?property
"""

_SUBJECTS = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"


@dataclass
class Stats:
    """What :func:`stats` counts. ``classes`` and ``properties`` map prefixed names to
    counts (instances per class, triples per property), largest first."""

    triples: int
    files: int
    subjects: int
    classes: dict[str, int] = field(default_factory=dict)
    properties: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output.

        >>> Stats(3, 1, 1, {"lg:Leader": 1}, {"rdf:type": 1}).to_dict()["classes"]
        {'lg:Leader': 1}
        """
        return {
            "triples": self.triples,
            "files": self.files,
            "subjects": self.subjects,
            "classes": dict(self.classes),
            "properties": dict(self.properties),
        }

    def table(self) -> str:
        """A plain-text table: totals, then instances per class, then triples per property.

        >>> print(Stats(3, 1, 1, {"lg:Leader": 1}, {"rdf:type": 1, "foaf:name": 2}).table())
        triples   3
        files     1
        subjects  1
        <BLANKLINE>
        class      instances
        ---------  ---------
        lg:Leader          1
        <BLANKLINE>
        property   triples
        ---------  -------
        rdf:type         1
        foaf:name        2
        """
        totals = [("triples", self.triples), ("files", self.files), ("subjects", self.subjects)]
        parts = ["\n".join(f"{name:<9} {value}" for name, value in totals)]
        parts.append(_columns(("class", "instances"), self.classes))
        parts.append(_columns(("property", "triples"), self.properties))
        return "\n\n".join(parts)


def stats(graph: LeadGraph | None = None, *, data: str | Path | list[str | Path] | None = None) -> Stats:
    """Count triples, subjects, instances per class and triples per property.

    Counts cover the whole graph, ontology included. ``graph`` defaults to
    ``load(data)`` (the bundled data when ``data`` is ``None``).
    """
    if graph is None:
        graph = load(data)
    store = graph.store
    subjects = store.select(_SUBJECTS)[0]["n"]
    return Stats(
        triples=len(graph),
        files=len(graph.paths),
        subjects=int(subjects.value),
        classes=_counts(store.select(_CLASS_COUNTS), "class"),
        properties=_counts(store.select(_PROPERTY_COUNTS), "property"),
    )


def _counts(solutions: Any, key: str) -> dict[str, int]:
    from leadgraph.terms import NamedNode

    rows = []
    for row in solutions:
        term = row[key]
        # A blank-node class or property is possible in user data; show it, not crash.
        name = compact(term.value) if isinstance(term, NamedNode) else str(term)
        rows.append((name, int(row["n"].value)))
    rows.sort(key=lambda item: (-item[1], item[0]))
    return dict(rows)


def _columns(headers: tuple[str, str], counts: dict[str, int]) -> str:
    width = max([len(headers[0]), *map(len, counts)])
    number = max([len(headers[1]), *(len(str(n)) for n in counts.values())])
    lines = [f"{headers[0]:<{width}}  {headers[1]:>{number}}", f"{'-' * width}  {'-' * number}"]
    lines.extend(f"{name:<{width}}  {count:>{number}}" for name, count in counts.items())
    return "\n".join(lines)
