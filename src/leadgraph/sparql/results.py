"""Query results as Python values and in every output format the CLI offers.

A :class:`QueryResult` keeps the engine's answer in a W3C serialisation (SPARQL JSON
results, or N-Triples for a graph) -- which is also how an answer crosses from the
process that ran the query back to the caller -- and builds Python rows, an rdflib
graph or formatted text from it on demand.

>>> from leadgraph.store.memory import MemoryStore
>>> from leadgraph.terms import Literal, NamedNode, Triple
>>> store = MemoryStore()
>>> store.add([Triple(NamedNode("https://w3id.org/leadgraph/id/x"),
...                   NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), Literal("Ex"))])
>>> result = QueryResult("select", store.answer("SELECT ?s ?l WHERE { ?s ?p ?l }"))
>>> result.rows
[{'s': 'https://w3id.org/leadgraph/id/x', 'l': 'Ex'}]
>>> print(result.serialize("table").decode(), end="")
s      l
-----  --
lgd:x  Ex
(1 row)
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from leadgraph.errors import UsageError
from leadgraph.labels import compact
from leadgraph.namespaces import PREFIXES
from leadgraph.store.rdf import convert_results, parse_boolean, parse_solutions, parse_triples, write_triples
from leadgraph.tabular import MAX_WIDTH, cell_text, text_table, write_csv
from leadgraph.terms import Literal, NamedNode, Triple, to_python, triple_key

if TYPE_CHECKING:  # rdflib costs ~150 ms to import
    import rdflib

TABLE_FORMATS = ("table", "csv", "tsv", "json", "jsonl", "sparql-json", "sparql-xml")
"""Formats for SELECT and ASK results."""
GRAPH_FORMATS = ("ttl", "nt", "jsonld")
"""Formats for CONSTRUCT and DESCRIBE results."""
FORMATS = TABLE_FORMATS + GRAPH_FORMATS

_EXTENSIONS = {
    ".txt": "table", ".csv": "csv", ".tsv": "tsv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".srj": "sparql-json", ".srx": "sparql-xml", ".ttl": "ttl", ".nt": "nt", ".jsonld": "jsonld",
}


class QueryResult:
    """The answer to one query.

    Attributes:
        form: ``select``, ``ask``, ``construct``, ``describe`` or ``update``.
        variables: SELECT's column names, in order (empty for other forms).
        boolean: ASK's answer (``None`` for other forms); ``bool(result)`` gives it too.
        rows: SELECT's solutions as dicts of Python values (see :func:`to_python`),
            one key per variable, ``None`` where a variable is unbound.
        triples: CONSTRUCT/DESCRIBE's triples (:class:`leadgraph.terms.Triple`).
        graph: CONSTRUCT/DESCRIBE's triples as an :class:`rdflib.Graph`.
        summary: for an update, what changed (``{"added": n, "removed": m, "output": path}``).

    Iterating gives the rows (SELECT) or the triples (CONSTRUCT/DESCRIBE); ``len()``
    counts them.
    """

    def __init__(self, form: str, payload: bytes, *, store: Any = None, summary: dict | None = None):
        self.form = form
        self.payload = payload
        self.summary = summary
        self._store = store  # for labels; never modified
        self._terms: tuple[list[str], list[list[Any]]] | None = None
        self._triples: list[Triple] | None = None
        self._graph: rdflib.Graph | None = None
        self.boolean: bool | None = None
        if form == "ask":
            self.boolean = parse_boolean(payload)

    # -- Python values -------------------------------------------------------------
    @property
    def variables(self) -> list[str]:
        return self._solutions()[0]

    @property
    def rows(self) -> list[dict[str, Any]]:
        names, solutions = self._solutions()
        return [{name: to_python(term) for name, term in zip(names, row)} for row in solutions]

    @property
    def triples(self) -> list[Triple]:
        if self.form not in ("construct", "describe"):
            return []
        if self._triples is None:
            self._triples = sorted(parse_triples(self.payload, "nt"), key=triple_key)
        return self._triples

    @property
    def graph(self) -> rdflib.Graph:
        """The CONSTRUCT/DESCRIBE result as an rdflib graph (imports rdflib)."""
        if self.form not in ("construct", "describe"):
            raise UsageError(f"a {self.form.upper()} query returns no graph")
        if self._graph is None:
            import rdflib

            graph = rdflib.Graph()
            for prefix, iri in PREFIXES.items():
                graph.bind(prefix, iri, override=True, replace=True)
            graph.parse(data=self.payload.decode("utf-8"), format="nt")
            self._graph = graph
        return self._graph

    def __iter__(self) -> Iterator[Any]:
        if self.form in ("construct", "describe"):
            return iter(self.triples)
        return iter(self.rows)

    def __len__(self) -> int:
        if self.form in ("construct", "describe"):
            return len(self.triples)
        return len(self._solutions()[1])

    def __bool__(self) -> bool:
        if self.form == "ask":
            return bool(self.boolean)
        return len(self) > 0

    def __repr__(self) -> str:
        if self.form == "ask":
            return f"<QueryResult ASK {self.boolean}>"
        if self.form == "update":
            return f"<QueryResult update {self.summary}>"
        unit = "triples" if self.form in ("construct", "describe") else "rows"
        return f"<QueryResult {self.form.upper()} {len(self)} {unit}>"

    def _solutions(self) -> tuple[list[str], list[list[Any]]]:
        if self.form != "select":
            return [], []
        if self._terms is None:
            self._terms = parse_solutions(self.payload)
        return self._terms

    # -- text ------------------------------------------------------------------------
    def serialize(self, fmt: str | None = None, *, labels: bool = False, width: int = MAX_WIDTH) -> bytes:
        """The result as bytes in ``fmt`` (:data:`TABLE_FORMATS` for SELECT/ASK,
        :data:`GRAPH_FORMATS` for CONSTRUCT/DESCRIBE; default ``table`` / ``ttl``).

        ``labels`` shows each IRI's label (rdfs:label, skos:prefLabel, foaf:name or
        schema:name) instead of the IRI in table, csv, tsv, json and jsonl output.
        """
        graph_form = self.form in ("construct", "describe")
        fmt = (fmt or ("ttl" if graph_form else "table")).lower()
        if self.form == "update":
            return (json.dumps(self.summary) + "\n").encode() if fmt in ("json", "jsonl") else _update_text(self.summary)
        if fmt not in FORMATS:
            raise UsageError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
        if graph_form:
            if fmt not in GRAPH_FORMATS:
                raise UsageError(f"a {self.form.upper()} query returns triples: use --format ttl, nt or jsonld")
            body = write_triples(self.triples, fmt, prefixes=_used_prefixes(self.triples))
            return body if not body or body.endswith(b"\n") else body + b"\n"  # JSON-LD ends without one
        if fmt in GRAPH_FORMATS:
            article = "an" if self.form == "ask" else "a"
            raise UsageError(f"--format {fmt} is for CONSTRUCT/DESCRIBE; {article} {self.form.upper()} query gives "
                             f"one of: {', '.join(TABLE_FORMATS)}")
        if fmt == "sparql-json":
            return self.payload if self.payload.endswith(b"\n") else self.payload + b"\n"
        if fmt == "sparql-xml":
            return convert_results(self.payload, "sparql-xml") + b"\n"
        if self.form == "ask":
            return b"true\n" if self.boolean else b"false\n"
        names, solutions = self._solutions()
        label_of = _labeller(self._store, solutions) if labels else {}
        if fmt == "table":
            cells = [[_shown(term, label_of) for term in row] for row in solutions]
            return text_table(names, cells, width).encode("utf-8")
        values = [[_plain(term, label_of) for term in row] for row in solutions]
        if fmt in ("csv", "tsv"):
            return write_csv(names, values, delimiter="," if fmt == "csv" else "\t")
        objects = [dict(zip(names, map(_json_number, row))) for row in values]
        # allow_nan=False: Python would otherwise write Infinity and NaN, which are not JSON.
        if fmt == "json":
            text = json.dumps(objects, indent=2, ensure_ascii=False, default=_json_default, allow_nan=False)
            return (text + "\n").encode("utf-8")
        return "".join(json.dumps(o, ensure_ascii=False, default=_json_default, allow_nan=False) + "\n"
                       for o in objects).encode("utf-8")


def format_for_path(path: str | os.PathLike[str]) -> str | None:
    """The output format a file name asks for by its extension, or ``None`` if it says nothing.

    ``.srj`` and ``.srx`` are the W3C's extensions for SPARQL JSON and XML results.

    >>> format_for_path("answers.CSV"), format_for_path("graph.nt"), format_for_path("out.srj"), format_for_path("x")
    ('csv', 'nt', 'sparql-json', None)
    """
    return _EXTENSIONS.get(os.path.splitext(os.fspath(path))[1].lower())


def _used_prefixes(triples: list[Triple]) -> dict[str, str]:
    """The project prefixes whose namespace some IRI in ``triples`` starts with."""
    iris = {t.value for triple in triples for t in triple if isinstance(t, NamedNode)}
    iris |= {t.datatype.value for triple in triples for t in triple if isinstance(t, Literal)}
    return {p: ns for p, ns in PREFIXES.items() if any(iri.startswith(ns) for iri in iris)}


def _labeller(store: Any, solutions: list[list[Any]]) -> dict[str, str]:
    if store is None:
        return {}
    # One batched look-up: a remote store answers it in a request or two, not one per IRI.
    return store.labels({t for row in solutions for t in row if isinstance(t, NamedNode)})


def _plain(term: Any, label_of: dict[str, str]) -> Any:
    if isinstance(term, NamedNode) and term.value in label_of:
        return label_of[term.value]
    return to_python(term)


def _shown(term: Any, label_of: dict[str, str]) -> str:
    if isinstance(term, NamedNode):
        return label_of.get(term.value) or compact(term.value)
    return cell_text(to_python(term))


def _json_number(value: Any) -> Any:
    """A float JSON can hold stays a number; infinities and NaN become their XSD spelling.

    >>> _json_number(float("inf")), _json_number(float("-inf")), _json_number(float("nan")), _json_number(1.5)
    ('INF', '-INF', 'NaN', 1.5)
    """
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if value != value else ("INF" if value > 0 else "-INF")
    return value


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        if not value.is_finite() or abs(value.adjusted()) > 300:
            # No JSON number holds it (or float() would make it infinite): keep the text.
            return _json_number(float(value)) if value.is_nan() or value.is_infinite() else str(value)
        return int(value) if value == value.to_integral_value() and "." not in str(value) else float(value)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return str(value)


def _update_text(summary: dict | None) -> bytes:
    summary = summary or {}
    return (
        f"update applied: {summary.get('added', 0)} triples added, {summary.get('removed', 0)} removed; "
        f"wrote {summary.get('output')} ({summary.get('triples', 0)} triples)\n"
    ).encode("utf-8")
