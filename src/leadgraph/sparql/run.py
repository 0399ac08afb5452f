"""Run SPARQL on the knowledge graph: named queries, safe parameters, a time limit.

>>> from leadgraph import query
>>> result = query("ASK { lgd:ayesha-rahim a lg:Leader }")
>>> result.boolean
True
>>> rows = query("SELECT ?name WHERE { ?p foaf:name ?name FILTER(?name = ?who) }",
...              {"who": "Garry Harris"}).rows
>>> rows
[{'name': 'Garry Harris'}]

How a query runs, and why:

* The text is checked first (:mod:`leadgraph.sparql.safety`): no SERVICE, LOAD,
  FROM/FROM NAMED or ``file:`` IRIs unless ``allow_network``; no updates unless
  ``allow_update``. Oxigraph really does send SERVICE requests over HTTP.
* Parameters are bound as a ``VALUES`` block built from validated terms
  (:mod:`leadgraph.sparql.params`), never pasted into the text.
* The common prefixes (:data:`leadgraph.namespaces.PREFIXES`) are predeclared
  through Oxigraph's ``prefixes=``; a PREFIX the query declares wins.
* The query's size and nesting are bounded before it reaches the engine
  (:mod:`leadgraph.sparql.safety`): Oxigraph's parser and evaluator recurse,
  and a query nested a few thousand levels deep overflows the stack and kills the
  process outright.
* With a ``timeout`` or an explicit ``max_memory`` the query runs in a forked child
  process (:mod:`leadgraph.sparql.sandbox`) that is killed at the deadline, may
  allocate at most ``max_memory`` (by default a quarter of the machine's memory, at
  most 2 GB), dies with its parent and, without network permission, has no network.
  With neither (``timeout=None``) it runs in-process with no limits, which a
  multi-threaded program that would rather not fork can choose.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from leadgraph.sparql import named as named_queries
from leadgraph.errors import LeadgraphError, QueryError, UsageError
from leadgraph.history import parse_day, view_as_of
from leadgraph.loading import store_of
from leadgraph.sparql.params import bind, resolve
from leadgraph.sparql.results import QueryResult
from leadgraph.sparql.safety import analyse, check_shape
from leadgraph.sparql.sandbox import WorkFailed, parse_size, run_limited
from leadgraph.store import derived
from leadgraph.store.rdf import write_triples
from leadgraph.terms import Triple

DEFAULT_TIMEOUT = 30.0
"""Seconds a query may run by default (``timeout=None`` or ``0`` means no limit)."""
DEFAULT_MAX_MEMORY = "auto"
"""Memory a forked query may take by default: a quarter of the machine's, at most 2 GB
(see :func:`leadgraph.sparql.sandbox.default_max_memory`)."""


def query(
    query: str | os.PathLike[str],
    params: Mapping[str, Any] | None = None,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
    data: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None = None,
    graph: Any = None,
    allow_network: bool = False,
    allow_update: bool = False,
    update_output: str | os.PathLike[str] | None = None,
    max_memory: int | str | None = DEFAULT_MAX_MEMORY,
    as_of: Any = None,
) -> QueryResult:
    """Run a SPARQL query on the graph and return a :class:`~leadgraph.sparql.results.QueryResult`.

    Args:
        query: a named query (``"cio-roles"``, see ``leadgraph queries``), a path to a
            ``.rq`` file (a ``str`` ending in ``.rq`` or a ``Path``), or the query text.
        params: values for the query's variables, ``{name: value}``. A value is text
            read by its syntax (``"<https://...>"``, ``"lgd:ayesha-rahim"``, ``"15"``,
            ``"2021-06-23"``, otherwise a string), a Python ``int``/``float``/
            ``Decimal``/``date``/``bool``, an rdflib or pyoxigraph term, or a list of
            these for alternatives. Named queries check names and types against their
            header and fill in defaults.
        timeout: seconds before the query is stopped with a :class:`QueryError`;
            ``None`` or ``0`` means no time limit (and, unless ``max_memory`` is given
            explicitly, runs the query in-process with no limits at all).
        data: data files or folders instead of the bundled data (the ontology always
            loads); ignored when ``graph`` is given.
        graph: an already loaded :class:`~leadgraph.loading.LeadGraph` (or a
            ``pyoxigraph.Store``) to query instead of loading one.
        allow_network: permit SERVICE, LOAD, FROM / FROM NAMED and ``file:`` IRIs.
        allow_update: permit a SPARQL Update. It runs on a fresh copy of the loaded
            files (ontology included, so its WHERE can use the class hierarchy) and
            ``update_output`` (required; format from its extension) receives the updated
            data without the ontology, written atomically. Loaded files are never
            written, and an output inside the bundled data or ontology is refused. With
            a bare ``pyoxigraph.Store`` as ``graph``, every triple is written.
        max_memory: bytes the query may allocate (an ``int``, or text such as ``"512M"``
            or ``"2G"``); ``"auto"`` (the default) is a quarter of the machine's memory,
            at most 2 GB; ``None`` or ``0`` means no memory limit. Enforced in the forked
            process, so only with a ``timeout`` or an explicit ``max_memory``.
        as_of: a ``datetime.date`` or ``YYYY-MM-DD``: run the query on the graph as it stood
            that day (:func:`leadgraph.history.view_as_of`); a bad date is a ``UsageError``.
            Not with ``allow_update`` (the view leaves out history, which an update would
            then write away).

    Returns:
        ``result.rows`` (SELECT: list of dicts of Python values), ``result.boolean``
        (ASK), ``result.graph`` (CONSTRUCT/DESCRIBE: an ``rdflib.Graph``; also
        ``result.triples``), ``result.summary`` (update), and
        ``result.serialize(format)`` for text in any CLI format.

    Raises:
        QueryError: a syntax error, a refused construct, a query too large or deeply
            nested, a failure in the engine, or a time or memory limit passed (exit
            code 1 in the CLI).
        UsageError: an unknown named query, or unknown, missing or ill-typed
            parameters (exit code 2).

    >>> [row["name"] for row in query("cio-roles").rows]
    ['Ayesha Rahim', 'Gregg Holland', 'Phill James']
    >>> query("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?e ?i", max_memory="100M")
    Traceback (most recent call last):
    ...
    leadgraph.errors.QueryError: query used more than 100 MB of memory (raise the limit with --max-memory SIZE / max_memory=...)
    >>> query("SELECT * WHERE { SERVICE <https://example.org/sparql> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    leadgraph.errors.QueryError: line 1: SERVICE is refused: it would send part of the query to another server over the network (pass --allow-network / allow_network=True to permit it)
    """
    text, named, source = resolve_query(query)
    memory = _memory_limit(max_memory)
    if as_of is not None:
        as_of = parse_day(as_of)
        if allow_update:
            raise UsageError("--as-of does not go with --allow-update: an update writes the data, and the as-of "
                             "view leaves out the statements not in force that day")
    try:
        shape = analyse(text)
        form = check_shape(text, shape, allow_network=allow_network, allow_update=allow_update)
    except QueryError as exc:
        raise _located(exc, source) from None
    declared = named.params if named is not None else None
    if form == "update":
        if params:
            raise UsageError("parameters are not supported in updates")
        return _run_update(text, source, timeout=timeout, data=data, graph=graph, output=update_output,
                           allow_network=allow_network, max_memory=memory)
    bound = resolve(params, shape, declared, allow_file=allow_network)
    final = bind(text, shape, bound)
    store = base = store_of(graph, data)
    # An on-disk generation keeps answers (leadgraph.store.derived): the same query text on the
    # same generation has the same answer, so a kept one is served as the engine gave it.
    key = answer_key(form, final, as_of) if derived.folder_of(base) is not None and not allow_network else None
    if key is not None:
        kept = derived.get(base, ANSWERS, key)
        if isinstance(kept, dict) and kept.get("form") == form and isinstance(kept.get("payload"), str):
            labels_from = base if as_of is None else _AsOfLabels(base, as_of)
            return KeptResult(form, kept["payload"].encode("utf-8"), store=labels_from, kept_in=base, key=key)
    if as_of is not None:
        store = view_as_of(store, as_of).store
    if getattr(store, "remote", False):
        # A remote endpoint runs the query itself: the request's time limit bounds it, and no
        # local worker is needed (one that may not open connections could not ask it anyway).
        return QueryResult(form, store.answer(final, timeout=timeout), store=store)

    asked = final
    if key is not None and as_of is None and named is not None and named.narrow is not None:
        asked = narrowed(base, text, shape, bound, named.narrow) or final

    def evaluate() -> bytes:
        return store.answer(asked)

    payload = _guarded(evaluate, timeout, allow_network, source, memory)
    if key is not None and keep_answer(base, key, form, payload):
        return KeptResult(form, payload, store=store, kept_in=base, key=key)
    return QueryResult(form, payload, store=store)


# -- answers kept with an on-disk generation -------------------------------------------

ANSWERS = "query"
"""The :mod:`leadgraph.store.derived` kind query answers are kept under."""
MAX_KEPT = 2000
"""Answers a generation keeps at most (beyond that the oldest kept lazily are dropped)..."""
MAX_KEPT_BYTES = 256 * 1024 * 1024
"""...and the most bytes (compressed) they may take together."""


def answer_key(form: str, final: str, as_of: Any = None) -> str:
    """The :mod:`leadgraph.store.derived` key of the answer to ``final`` (the query text with its
    parameters bound) on the graph as of ``as_of``: everything that changes the answer besides the
    data. The engine's version is part of it; time and memory limits are not (an answer is whole
    or is not kept)."""
    day = None if as_of is None else parse_day(as_of).isoformat()
    recipe = {"form": form, "text": final, "as_of": day, "engine": derived.engine_version()}
    return derived.entry_key(ANSWERS, recipe)


def keep_answer(store: Any, key: str, form: str, payload: bytes) -> bool:
    """Keep ``payload`` (the engine's answer) as the answer ``key`` of ``store``'s generation,
    then drop the oldest answers beyond :data:`MAX_KEPT` / :data:`MAX_KEPT_BYTES`. ``False`` when
    it is not kept (not an on-disk store, a read-only folder, or not UTF-8)."""
    if form not in ("select", "ask", "construct", "describe"):
        return False
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return derived.put(store, ANSWERS, key, {"form": form, "payload": text}, entries=MAX_KEPT, size=MAX_KEPT_BYTES)


OUTPUTS = "query-output"
"""The :mod:`leadgraph.store.derived` kind a kept answer's formatted text is kept under."""


class KeptResult(QueryResult):
    """A :class:`QueryResult` whose answer is kept with an on-disk generation: its text in each
    format is kept too (formatting tens of thousands of rows costs more than reading them), so the
    next ``serialize`` in that format is a file read. The bytes are those ``QueryResult`` writes."""

    def __init__(self, form: str, payload: bytes, *, store: Any, kept_in: Any, key: str):
        super().__init__(form, payload, store=store)
        self._kept_in, self._key = kept_in, key

    def serialize(self, fmt: str | None = None, *, labels: bool = False, width: int | None = None) -> bytes:
        from leadgraph.tabular import MAX_WIDTH

        width = MAX_WIDTH if width is None else width
        graph_form = self.form in ("construct", "describe")
        chosen = (fmt or ("ttl" if graph_form else "table")).lower()
        key = output_key(self._key, chosen, labels, width)
        kept = derived.get(self._kept_in, OUTPUTS, key)
        if isinstance(kept, str):
            return kept.encode("utf-8")
        text = super().serialize(fmt, labels=labels, width=width)
        keep_output(self._kept_in, key, text)
        return text


def output_key(answer: str, fmt: str, labels: bool, width: int) -> str:
    """The key of the answer ``answer``'s text in ``fmt``."""
    return derived.entry_key(OUTPUTS, {"answer": answer, "format": fmt, "labels": labels, "width": width})


def keep_output(store: Any, key: str, text: bytes) -> bool:
    """Keep a kept answer's formatted ``text`` (bounded as the answers are)."""
    try:
        value = text.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return derived.put(store, OUTPUTS, key, value, entries=MAX_KEPT, size=MAX_KEPT_BYTES)


def narrowed(store: Any, text: str, shape: Any, bound: Mapping[str, list[Any]], narrow: tuple[str, str]) -> str | None:
    """The query text with ``?VAR`` of its ``narrow: VAR by PARAM`` header also bound, to the
    leaders of ``store``'s kept name index whose names may hold the value of ``PARAM``
    (:func:`leadgraph.lookup.leaders_containing`, never fewer than the query answers), so the
    engine looks up a handful of people instead of every name on disk. ``None`` when nothing is
    gained (no index, or most leaders found)."""
    from leadgraph import lookup
    from leadgraph.terms import NamedNode

    variable, param = narrow
    values = bound.get(param)
    if not values or variable in bound:
        return None
    found = lookup.leaders_containing(store, _lowercase([value.value for value in values]))
    if found is None:
        return None
    return bind(text, shape, {**bound, variable: [NamedNode(iri) for iri in found]})


def _lowercase(texts: list[str]) -> list[str]:
    """``LCASE`` of each of ``texts`` as the engine computes it (the texts bound, never pasted):
    the name index folds what the engine lowercased, whatever Unicode tables Python has."""
    from leadgraph.store.memory import MemoryStore
    from leadgraph.terms import Literal

    ask = "SELECT ?t (LCASE(?t) AS ?l) WHERE { }"
    found = {row["t"].value: row["l"].value
             for row in MemoryStore().select(bind(ask, analyse(ask), {"t": [Literal(t) for t in texts]}))}
    return [found[t] for t in texts]


def prepare(query: Any, params: Mapping[str, Any] | None = None) -> tuple[str, str]:
    """``(form, final text)`` of a read-only query with ``params`` bound, as :func:`query` runs it."""
    text, named, source = resolve_query(query)
    try:
        shape = analyse(text)
        form = check_shape(text, shape, allow_network=False, allow_update=False)
    except QueryError as exc:
        raise _located(exc, source) from None
    bound = resolve(params, shape, named.params if named is not None else None, allow_file=False)
    return form, bind(text, shape, bound)


class _AsOfLabels:
    """Labels of the graph as of a day, the view built only when labels are asked for."""

    def __init__(self, store: Any, as_of: Any):
        self.store, self.as_of = store, as_of

    def labels(self, nodes: Any) -> dict[str, str]:
        return view_as_of(self.store, self.as_of).store.labels(nodes)


def resolve_query(query: str | os.PathLike[str]) -> tuple[str, named_queries.NamedQuery | None, str | None]:
    """``(text, named query or None, file it came from or None)`` for a name, path or text."""
    if isinstance(query, named_queries.NamedQuery):
        return query.text, query, str(query.path)
    if isinstance(query, os.PathLike):
        return named_queries.read_query_file(Path(query)), None, str(query)
    if not isinstance(query, str):
        raise UsageError(f"a query is text, a name or a path, not {type(query).__name__}")
    stripped = query.strip()
    if named_queries.is_reference(stripped):
        if named_queries.NAME.fullmatch(stripped):
            named = named_queries.find(stripped)
            if named is not None:
                return named.text, named, str(named.path)
            if not named_queries.is_file(Path(stripped)):
                named_queries.get(stripped)  # raises the "no named query" error with suggestions
        return named_queries.read_query_file(Path(stripped)), None, stripped
    if not stripped:
        raise UsageError("the query is empty")
    bad = re.search("[\ud800-\udfff]", query)
    if bad is not None:  # undecodable argv bytes arrive as lone surrogates on Linux
        raise QueryError(f"the query text is not UTF-8 (at character {bad.start() + 1})")
    return query, None, None


def _located(exc: LeadgraphError, source: str | None) -> LeadgraphError:
    """Prefix a query file's name to an error about its text."""
    if source is not None and exc.path is None:
        exc.path = source
    return exc


# -- running with limits ------------------------------------------------------------


def _memory_limit(max_memory: int | str | None) -> int | None | str:
    """Bytes, ``None`` for no limit, or ``"auto"`` (kept apart from an explicit size,
    which alone makes a query with no time limit fork)."""
    if isinstance(max_memory, str) and max_memory.strip().lower() == "auto":
        return "auto"
    return parse_size(max_memory)


def _guarded(work: Callable[[], bytes], timeout: float | None, allow_network: bool, source: str | None,
             max_memory: int | None | str = DEFAULT_MAX_MEMORY) -> bytes:
    """Run ``work`` (the engine call) within the limits; its errors become QueryErrors naming ``source``."""
    if max_memory == "auto":
        max_memory = parse_size("auto") if timeout else None
    try:
        return run_limited(work, timeout=timeout or None, max_memory=max_memory, allow_network=allow_network)
    except WorkFailed as exc:
        raise _engine_error(exc.kind, exc.detail, source) from None
    except LeadgraphError as exc:
        raise _located(exc, source) from None


def _engine_error(kind: str, message: str, source: str | None) -> LeadgraphError:
    message = " ".join(message.split())
    if kind in ("QueryError", "UsageError", "DataError"):
        return (UsageError if kind == "UsageError" else QueryError)(message, path=source)
    if kind == "SyntaxError":
        return QueryError(f"syntax error: {message}", path=source)
    return QueryError(f"query failed: {message}", path=source)


# -- updates ---------------------------------------------------------------------------


def _run_update(
    text: str,
    source: str | None,
    *,
    timeout: float | None,
    data: Any,
    graph: Any,
    output: str | os.PathLike[str] | None,
    allow_network: bool,
    max_memory: int | None | str,
) -> QueryResult:
    from leadgraph import resources
    from leadgraph.fileio import atomic_write
    from leadgraph.loading import SERIALIZE_FORMATS, load, load_files

    if output is None:
        raise UsageError("an update needs --update-output FILE (update_output=...): the updated data is "
                         "written there, never over the loaded files")
    target = Path(output)
    rdf_format = SERIALIZE_FORMATS.get(target.suffix.lower().lstrip("."))
    if rdf_format is None:
        raise UsageError(f"{target}: the update output needs an RDF extension (.ttl, .nt, .nq, .trig, .jsonld)")
    bundled = [resources.data_dir().resolve(), resources.ontology_dir().resolve()]
    resolved = target.resolve()
    if any(resolved == folder or folder in resolved.parents for folder in bundled):
        raise UsageError(f"{target}: refusing to write into leadgraph's bundled data or ontology")
    loaded = graph if graph is not None else load(data)
    if getattr(store_of(loaded), "remote", False):
        raise UsageError("updates run on local files (--data or --store), never on a remote endpoint")
    ontology_paths = getattr(loaded, "ontology_paths", None)
    data_paths = getattr(loaded, "data_paths", None)
    from leadgraph.store.memory import MemoryStore

    work_store = MemoryStore()
    ontology: set[Triple] = set()
    if ontology_paths is not None and data_paths is not None:
        # Loaded afresh into one store, so the ontology's own triples (blank nodes
        # included) can be told apart from the data's afterwards.
        ontology = set(load_files(ontology_paths).store.triples()) if ontology_paths else set()
        work_store.add(ontology)
        if data_paths:
            work_store.add(load_files(data_paths).store.triples())
    else:
        work_store.add(store_of(loaded).triples())

    def apply() -> bytes:
        before = set(work_store.triples())
        work_store.update(text)
        after = set(work_store.triples())
        kept = list(after - ontology)
        body = write_triples(kept, rdf_format)
        summary = {"added": len(after - before), "removed": len(before - after), "triples": len(kept)}
        return json.dumps(summary).encode() + b"\n" + body

    message = _guarded(apply, timeout, allow_network, source, max_memory)
    head, _, body = message.partition(b"\n")
    summary = json.loads(head)
    atomic_write(target, body)
    summary["output"] = str(target)
    return QueryResult("update", b"", summary=summary)
