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
* With a ``timeout`` the query runs in a forked child process: Oxigraph has no
  query timeout and its Rust code ignores Python signals, and a thread cannot be
  stopped. ``os.fork`` copies the already-loaded interpreter and graph in a few
  milliseconds (a fresh subprocess would pay the 0.3-1 s start-up again), the child
  sends its answer back over a pipe as SPARQL JSON results or N-Triples, and the
  parent kills it when the deadline passes. The child also ends on its own a second
  after the deadline, and (Linux) as soon as its parent dies, so killing ``leadgraph``
  never leaves a query running. Without network permission the child
  also drops into a fresh network namespace where the kernel allows it (Linux),
  so even a query that slipped past the checks could not connect anywhere.
  Where ``os.fork`` is missing (Windows) queries run in-process without a limit.
  The child holds only the forking thread; a multi-threaded program that would
  rather not fork can pass ``timeout=None`` to run the query in-process.
"""

from __future__ import annotations

import json
import os
import select
import signal
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from leadgraph.sparql import named as named_queries
from leadgraph.errors import LeadgraphError, QueryError, UsageError
from leadgraph.loading import serialize_triples
from leadgraph.loading import store_of
from leadgraph.sparql.params import bind, resolve
from leadgraph.sparql.results import QueryResult
from leadgraph.sparql.safety import analyse, check_shape
from leadgraph.terms import Triple

DEFAULT_TIMEOUT = 30.0
"""Seconds a query may run by default (``timeout=None`` or ``0`` means no limit)."""


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
            ``None`` or ``0`` runs it in-process with no limit.
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

    Returns:
        ``result.rows`` (SELECT: list of dicts of Python values), ``result.boolean``
        (ASK), ``result.graph`` (CONSTRUCT/DESCRIBE: an ``rdflib.Graph``; also
        ``result.triples``), ``result.summary`` (update), and
        ``result.serialize(format)`` for text in any CLI format.

    Raises:
        QueryError: a syntax error, a refused construct, a failure in the engine, or
            the time limit passing (exit code 1 in the CLI).
        UsageError: an unknown named query, or unknown, missing or ill-typed
            parameters (exit code 2).

    >>> [row["name"] for row in query("cio-roles").rows]
    ['Ayesha Rahim', 'Gregg Holland', 'Phill James']
    >>> query("SELECT * WHERE { SERVICE <https://example.org/sparql> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    leadgraph.errors.QueryError: line 1: SERVICE is refused: it would send part of the query to another server over the network (pass --allow-network / allow_network=True to permit it)
    """
    text, named, source = resolve_query(query)
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
                           allow_network=allow_network)
    bound = resolve(params, shape, declared, allow_file=allow_network)
    final = bind(text, shape, bound)
    store = store_of(graph, data)
    if getattr(store, "remote", False):
        # A remote endpoint runs the query itself: the request's time limit bounds it, and no
        # local worker is needed (one that may not open connections could not ask it anyway).
        return QueryResult(form, store.answer(final, timeout=timeout), store=store)

    def evaluate() -> bytes:
        return store.answer(final)

    payload = _guarded(evaluate, timeout, allow_network, source)
    return QueryResult(form, payload, store=store)


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
            if not Path(stripped).is_file():
                named_queries.get(stripped)  # raises the "no named query" error with suggestions
        return named_queries.read_query_file(Path(stripped)), None, stripped
    if not stripped:
        raise UsageError("the query is empty")
    return query, None, None


def _located(exc: LeadgraphError, source: str | None) -> LeadgraphError:
    """Prefix a query file's name to an error about its text."""
    if source is not None and exc.path is None:
        exc.path = source
    return exc


# -- running with a time limit -------------------------------------------------------

_OK, _FAIL = b"ok\n", b"error\n"


def _guarded(work: Callable[[], bytes], timeout: float | None, allow_network: bool, source: str | None) -> bytes:
    """Run ``work`` (the engine call) under the time limit; engine errors become QueryErrors."""
    if not timeout or not hasattr(os, "fork"):
        try:
            return work()
        except Exception as exc:
            raise _engine_error(type(exc).__name__, str(exc), source) from None
    return _in_child(work, float(timeout), allow_network, source)


def _in_child(work: Callable[[], bytes], timeout: float, allow_network: bool, source: str | None) -> bytes:
    read_end, write_end = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: never return into the caller's code
        try:
            os.close(read_end)
            _outlive_no_one(timeout, parent)
            if not allow_network:
                _isolate_network()
            try:
                message = _OK + work()
            except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
                message = _FAIL + json.dumps({"type": type(exc).__name__, "message": str(exc)}).encode()
            _write_all(write_end, message)
        finally:
            os._exit(0)  # skip atexit handlers and the parent's buffered output
    os.close(write_end)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    finished = False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select([read_end], [], [], left)
            if not ready:
                continue
            chunk = os.read(read_end, 1 << 20)
            if not chunk:
                finished = True
                break
            chunks.append(chunk)
    finally:
        # Also on Ctrl-C or any other exception here: no child left running or unreaped.
        os.close(read_end)
        if not finished:
            _kill(pid)
        _, status = os.waitpid(pid, 0)
    if not finished:
        shown = f"{timeout:g}"
        raise QueryError(f"query timed out after {shown} s", path=source,
                         hint="raise the limit with --timeout SECONDS / timeout=...", remedy="timeout")
    message = b"".join(chunks)
    if message.startswith(_OK):
        return message[len(_OK):]
    if message.startswith(_FAIL):
        error = json.loads(message[len(_FAIL):])
        raise _engine_error(error["type"], error["message"], source)
    code = os.waitstatus_to_exitcode(status)
    raise QueryError(f"the query process ended unexpectedly (exit status {code})", path=source)


def _outlive_no_one(timeout: float, parent: int) -> None:
    """Make sure the child ends even if its parent is killed and can no longer enforce the limit.

    The kernel delivers SIGALRM (default action: terminate, whatever the Rust engine is
    doing) a second after the deadline; on Linux the child is also killed the moment its
    parent dies.
    """
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    signal.setitimer(signal.ITIMER_REAL, timeout + 1.0)
    if os.uname().sysname == "Linux":
        try:
            import ctypes

            pr_set_pdeathsig = 1
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
    os.close(fd)


def _isolate_network() -> None:
    """Best effort, Linux only: move this (child) process into an empty network namespace.

    Defence in depth behind the static checks; where unprivileged user namespaces are
    disabled this silently does nothing.
    """
    if os.uname().sysname != "Linux":
        return
    clone_newuser, clone_newnet = 0x10000000, 0x40000000
    try:
        unshare = getattr(os, "unshare", None)  # Python 3.12+; saves importing ctypes (4 ms)
        if unshare is None:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            if libc.unshare(clone_newuser | clone_newnet) != 0:
                libc.unshare(clone_newnet)
            return
        try:
            unshare(clone_newuser | clone_newnet)
        except OSError:
            unshare(clone_newnet)
    except (OSError, AttributeError):
        pass


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
        body = serialize_triples(kept, rdf_format)
        summary = {"added": len(after - before), "removed": len(before - after), "triples": len(kept)}
        return json.dumps(summary).encode() + b"\n" + body

    message = _guarded(apply, timeout, allow_network, source)
    head, _, body = message.partition(b"\n")
    summary = json.loads(head)
    atomic_write(target, body)
    summary["output"] = str(target)
    return QueryResult("update", b"", summary=summary)
