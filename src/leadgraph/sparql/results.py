"""Query results as Python values and in every output format the CLI offers.

A :class:`QueryResult` keeps the engine's answer in a W3C serialisation (SPARQL JSON
results, or N-Triples for a graph) -- which is also how an answer crosses from the
process that ran the query back to the caller -- and builds Python rows, an rdflib
graph or formatted text from it on demand.

>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> store.add(ox.Quad(ox.NamedNode("https://w3id.org/leadgraph/id/x"),
...                   ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("Ex")))
>>> result = QueryResult.from_engine(store.query("SELECT ?s ?l WHERE { ?s ?p ?l }"), "select")
>>> result.rows
[{'s': 'https://w3id.org/leadgraph/id/x', 'l': 'Ex'}]
>>> print(result.serialize("table").decode(), end="")
s      l
-----  --
lgd:x  Ex
(1 row)
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import os
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from leadgraph.errors import UsageError
from leadgraph.labels import compact, store_label
from leadgraph.namespaces import PREFIXES
from leadgraph.store.rdf import parse_triples
from leadgraph.terms import to_python, triple_key

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
_RDF_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
MAX_WIDTH = 60
"""Table cells longer than this are shortened with an ellipsis (full values: other formats)."""


class QueryResult:
    """The answer to one query.

    Attributes:
        form: ``select``, ``ask``, ``construct``, ``describe`` or ``update``.
        variables: SELECT's column names, in order (empty for other forms).
        boolean: ASK's answer (``None`` for other forms); ``bool(result)`` gives it too.
        rows: SELECT's solutions as dicts of Python values (see :func:`to_python`),
            one key per variable, ``None`` where a variable is unbound.
        triples: CONSTRUCT/DESCRIBE's triples as pyoxigraph ``Triple`` objects.
        graph: CONSTRUCT/DESCRIBE's triples as an :class:`rdflib.Graph`.
        summary: for an update, what changed (``{"added": n, "removed": m, "output": path}``).

    Iterating gives the rows (SELECT) or the triples (CONSTRUCT/DESCRIBE); ``len()``
    counts them.
    """

    def __init__(self, form: str, payload: bytes, *, store: ox.Store | None = None, summary: dict | None = None):
        self.form = form
        self.payload = payload
        self.summary = summary
        self._store = store  # for labels; never modified
        self._terms: tuple[list[str], list[list[Any]]] | None = None
        self._triples: list[ox.Triple] | None = None
        self._graph: rdflib.Graph | None = None
        self.boolean: bool | None = None
        if form == "ask":
            self.boolean = bool(ox.parse_query_results(payload, ox.QueryResultsFormat.JSON))

    @classmethod
    def from_engine(cls, answer: Any, form: str, store: ox.Store | None = None) -> QueryResult:
        """Wrap what ``pyoxigraph.Store.query`` returned (consumes it)."""
        return cls(form, engine_payload(answer), store=store)

    # -- Python values -------------------------------------------------------------
    @property
    def variables(self) -> list[str]:
        return self._solutions()[0]

    @property
    def rows(self) -> list[dict[str, Any]]:
        names, solutions = self._solutions()
        return [{name: to_python(term) for name, term in zip(names, row)} for row in solutions]

    @property
    def triples(self) -> list[ox.Triple]:
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
            parsed = ox.parse_query_results(self.payload, ox.QueryResultsFormat.JSON)
            names = [v.value for v in parsed.variables]
            self._terms = (names, [[solution[n] for n in names] for solution in parsed])
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
            body = ox.serialize(self.triples, format=_RDF_FORMATS[fmt], prefixes=_used_prefixes(self.triples))
            return body if not body or body.endswith(b"\n") else body + b"\n"  # JSON-LD ends without one
        if fmt in GRAPH_FORMATS:
            article = "an" if self.form == "ask" else "a"
            raise UsageError(f"--format {fmt} is for CONSTRUCT/DESCRIBE; {article} {self.form.upper()} query gives "
                             f"one of: {', '.join(TABLE_FORMATS)}")
        if fmt == "sparql-json":
            return self.payload if self.payload.endswith(b"\n") else self.payload + b"\n"
        if fmt == "sparql-xml":
            parsed = ox.parse_query_results(self.payload, ox.QueryResultsFormat.JSON)
            return parsed.serialize(format=ox.QueryResultsFormat.XML) + b"\n"
        if self.form == "ask":
            return b"true\n" if self.boolean else b"false\n"
        names, solutions = self._solutions()
        label_of = _labeller(self._store, solutions) if labels else {}
        if fmt == "table":
            return _table(names, solutions, label_of, width).encode("utf-8")
        values = [[_plain(term, label_of) for term in row] for row in solutions]
        if fmt in ("csv", "tsv"):
            out = io.StringIO()
            writer = csv.writer(out, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
            writer.writerow(names)
            writer.writerows([["" if v is None else _text(v) for v in row] for row in values])
            return out.getvalue().encode("utf-8")
        objects = [dict(zip(names, row)) for row in values]
        if fmt == "json":
            return (json.dumps(objects, indent=2, ensure_ascii=False, default=_json_default) + "\n").encode("utf-8")
        return "".join(json.dumps(o, ensure_ascii=False, default=_json_default) + "\n" for o in objects).encode("utf-8")


def format_for_path(path: str | os.PathLike[str]) -> str | None:
    """The output format a file name asks for by its extension, or ``None`` if it says nothing.

    ``.srj`` and ``.srx`` are the W3C's extensions for SPARQL JSON and XML results.

    >>> format_for_path("answers.CSV"), format_for_path("graph.nt"), format_for_path("out.srj"), format_for_path("x")
    ('csv', 'nt', 'sparql-json', None)
    """
    return _EXTENSIONS.get(os.path.splitext(os.fspath(path))[1].lower())


def engine_payload(answer: Any) -> bytes:
    """Serialise a pyoxigraph answer: SPARQL JSON results, or N-Triples for triples."""
    if isinstance(answer, ox.QueryTriples):
        return ox.serialize(answer, format=ox.RdfFormat.N_TRIPLES)
    return answer.serialize(format=ox.QueryResultsFormat.JSON)


def _used_prefixes(triples: list[ox.Triple]) -> dict[str, str]:
    """The project prefixes whose namespace some IRI in ``triples`` starts with."""
    iris = {t.value for triple in triples for t in triple if isinstance(t, ox.NamedNode)}
    iris |= {t.datatype.value for triple in triples for t in triple if isinstance(t, ox.Literal)}
    return {p: ns for p, ns in PREFIXES.items() if any(iri.startswith(ns) for iri in iris)}


def _labeller(store: ox.Store | None, solutions: list[list[Any]]) -> dict[str, str]:
    if store is None:
        return {}
    found: dict[str, str] = {}
    for iri in {t.value for row in solutions for t in row if isinstance(t, ox.NamedNode)}:
        label = store_label(store, ox.NamedNode(iri))
        if label is not None:
            found[iri] = label
    return found


def _plain(term: Any, label_of: dict[str, str]) -> Any:
    if isinstance(term, ox.NamedNode) and term.value in label_of:
        return label_of[term.value]
    return to_python(term)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return str(value)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and "." not in str(value) else float(value)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return str(value)


def _char_width(char: str) -> int:
    """Terminal columns a character takes: 0 for combining marks and other zero-width
    characters, 2 for East Asian wide characters and most emoji, else 1."""
    if char.isascii():
        return 1 if char.isprintable() else 0
    import unicodedata  # a C module, imported only for non-ASCII text

    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal (what table alignment has to count, not ``len``).

    >>> display_width("Phill"), display_width("e\u0301cole"), display_width("日本"), display_width("“x”")
    (5, 5, 4, 3)
    """
    if text.isascii():
        return len(text)
    return sum(_char_width(c) for c in text)


def _shorten(text: str, width: int) -> str:
    if display_width(text) <= width:
        return text
    kept, used = [], 0
    for char in text:
        used += _char_width(char)
        if used > width - 1:
            break
        kept.append(char)
    return "".join(kept) + "…"


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def _cell(term: Any, label_of: dict[str, str], width: int) -> str:
    if term is None:
        text = ""
    elif isinstance(term, ox.NamedNode):
        text = label_of.get(term.value) or compact(term.value)
    else:
        text = _text(to_python(term))
    text = " ".join(text.split())  # one line per row, whatever the value holds
    if not text.isprintable():
        # Data must not drive the terminal: an ESC could start a control sequence and a
        # bidi override could reorder what the table shows.
        text = _UNSAFE.sub("\ufffd", text)
    return _shorten(text, width)


def _table(names: list[str], solutions: list[list[Any]], label_of: dict[str, str], width: int) -> str:
    cells = [[_cell(term, label_of, width) for term in row] for row in solutions]
    count = len(cells)
    footer = f"({count} row{'' if count == 1 else 's'})" if count else "(no results)"
    if not names:  # SELECT * over a pattern with no variables: nothing to line up
        return footer + "\n"
    widths = [max([display_width(n)] + [display_width(r[i]) for r in cells]) for i, n in enumerate(names)]
    lines = ["  ".join(_pad(n, w) for n, w in zip(names, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_pad(c, w) for c, w in zip(row, widths)).rstrip() for row in cells]
    lines.append(footer)
    return "\n".join(lines) + "\n"


def _update_text(summary: dict | None) -> bytes:
    summary = summary or {}
    return (
        f"update applied: {summary.get('added', 0)} triples added, {summary.get('removed', 0)} removed; "
        f"wrote {summary.get('output')} ({summary.get('triples', 0)} triples)\n"
    ).encode("utf-8")
