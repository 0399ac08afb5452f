"""Serve the loaded graph as a read-only SPARQL 1.1 Protocol endpoint, with the standard library.

>>> from leadgraph import load
>>> server = make_server(load(), port=0)          # port 0: any free port
>>> server.url.startswith("http://127.0.0.1:")
True
>>> server.server_close()

Routes (GET and POST, as the SPARQL 1.1 Protocol defines them):

* ``/sparql`` (and ``/``) with ``query=`` -- GET with the query in the URL, POST as an
  ``application/x-www-form-urlencoded`` form, or POST with the query as an
  ``application/sparql-query`` body. Without a query: a small HTML page about the endpoint.
* ``/queries`` -- the named queries as JSON; ``/queries/NAME?param=value`` runs one, its
  parameters bound exactly as ``leadgraph query NAME --param ...`` binds them.

Every query goes through :func:`leadgraph.sparql.run.query` -- the same safety checks,
predeclared prefixes, forked child with a time limit and no network -- so the endpoint
refuses exactly what the CLI refuses. Why the rest is as it is:

* The whole response body is built before the status line is sent: a query that times out
  answers ``503`` with a one-line message, never half a JSON document (Oxigraph's own server
  was seen sending truncated JSON when its timeout struck mid-answer).
* SPARQL Update is never enabled over HTTP (``403``); ``default-graph-uri`` /
  ``named-graph-uri`` are refused like ``FROM`` (everything is already in the default graph).
* Query text is always query text: a bare word or ``x.rq`` sent as ``query=`` would make the
  library read a named query or a file from the server's folder, so it is refused.
* Content negotiation: a ``format`` parameter wins (browsers cannot change their Accept
  header), else the Accept header, else SPARQL JSON results / Turtle. An Accept header that
  names nothing this query form can give is disregarded (RFC 9110 allows it): rdflib's
  SPARQLStore asks for SPARQL JSON even for CONSTRUCT, and parses the Turtle it then gets.
* CORS: ``Access-Control-Allow-Origin: *`` on query answers (no credentials), so web clients
  such as YASGUI can use a local endpoint. The bundled data is public and the endpoint
  read-only; serving private ``--data``, pass ``cors=False`` (``--no-cors``). Requests whose
  ``Host`` header is not a loopback name are refused while bound to loopback, which stops a
  DNS-rebinding page from reading the endpoint as its own origin.
* Handler threads are joined on close (no daemon threads), responses are HTTP/1.0 (one
  request per connection, so closing never waits on an idle keep-alive client), request
  bodies are capped, and at most ``max_concurrent`` queries run at once.
"""

from __future__ import annotations

import html
import ipaddress
import json
import os
import re
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import IO, Any
from urllib.parse import parse_qs, urlsplit

from leadgraph.errors import LeadgraphError, QueryError, UsageError
from leadgraph.sparql.run import DEFAULT_TIMEOUT

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
MAX_BODY = 1 << 20
"""Largest request body accepted, in bytes (a query or a form; larger is ``413``)."""

MEDIA_TYPES = {
    "sparql-json": "application/sparql-results+json",
    "sparql-xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "ttl": "text/turtle; charset=utf-8",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
"""Output format -> the Content-Type it is sent with."""
TABLE = ("sparql-json", "sparql-xml", "csv", "tsv")
GRAPH = ("ttl", "nt", "jsonld", "rdfxml")

# Accept media types (and `format` values) -> format, per result kind (table: SELECT/ASK).
_ACCEPT = {
    "application/sparql-results+json": ("sparql-json", None),
    "application/json": ("sparql-json", "jsonld"),
    "application/sparql-results+xml": ("sparql-xml", None),
    "application/xml": ("sparql-xml", "rdfxml"),
    "text/xml": ("sparql-xml", "rdfxml"),
    "text/csv": ("csv", None),
    "text/tab-separated-values": ("tsv", None),
    "text/turtle": (None, "ttl"),
    "application/turtle": (None, "ttl"),
    "application/x-turtle": (None, "ttl"),
    "text/n3": (None, "ttl"),  # Turtle is a subset of N3
    "text/rdf+n3": (None, "ttl"),
    "application/n-triples": (None, "nt"),
    "application/ld+json": (None, "jsonld"),
    "application/rdf+xml": (None, "rdfxml"),
}
_FORMAT_WORDS = {
    "json": ("sparql-json", "jsonld"), "srj": ("sparql-json", None), "sparql-json": ("sparql-json", None),
    "xml": ("sparql-xml", "rdfxml"), "srx": ("sparql-xml", None), "sparql-xml": ("sparql-xml", None),
    "csv": ("csv", None), "tsv": ("tsv", None),
    "ttl": (None, "ttl"), "turtle": (None, "ttl"), "nt": (None, "nt"), "ntriples": (None, "nt"),
    "n-triples": (None, "nt"), "jsonld": (None, "jsonld"), "json-ld": (None, "jsonld"),
    "rdfxml": (None, "rdfxml"), "rdf+xml": (None, "rdfxml"), "rdf": (None, "rdfxml"),
}
_CORS_HEADERS = {"Access-Control-Allow-Origin": "*"}
# The CLI's hints name its own options; over HTTP the knobs are the server's.
_HTTP_HINTS = {
    "network": "this server refuses it; `leadgraph serve --allow-network` would permit it",
    "timeout": "the server's limit, set by `leadgraph serve --timeout`",
}
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


@dataclass
class Response:
    """A complete HTTP answer: built in full before anything is sent."""

    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def text(cls, status: int, message: str, **headers: str) -> Response:
        return cls(status, (" ".join(message.split()) + "\n").encode("utf-8"), headers=dict(headers))


class _Refused(Exception):
    """Answer the request with this response (raised from deep in request parsing)."""

    def __init__(self, status: int, message: str, **headers: str):
        super().__init__(message)
        self.response = Response.text(status, message, **headers)


class SparqlServer(ThreadingHTTPServer):
    """A ``ThreadingHTTPServer`` answering SPARQL over one loaded graph.

    Attributes: ``graph``, ``timeout`` (seconds per query), ``allow_network``, ``cors``,
    ``max_body``, ``url`` (where it listens), ``log`` (a text stream, one line per request).
    """

    daemon_threads = False  # server_close() joins every handler thread: nothing is left running
    block_on_close = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], graph: Any, *, timeout: float | None, allow_network: bool,
                 cors: bool, max_body: int, max_concurrent: int, log: IO[str] | None):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)
        self.graph = graph
        self.timeout_s = timeout
        self.allow_network = allow_network
        self.cors = cors
        self.max_body = max_body
        self.log = log
        self.loopback = is_loopback(address[0])
        self.slots = threading.BoundedSemaphore(max_concurrent)
        self._log_lock = threading.Lock()

    def server_bind(self) -> None:
        # HTTPServer.server_bind would call socket.getfqdn(host): a reverse DNS lookup, which
        # can leave the machine and stall start-up. The name is only used in CGI variables.
        import socketserver

        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), self.server_address[1]

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/sparql"

    def write_log(self, line: str) -> None:
        if self.log is None:
            return
        with self._log_lock:
            self.log.write(line + "\n")
            self.log.flush()


def make_server(
    graph: Any,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
    allow_network: bool = False,
    cors: bool = True,
    max_body: int = MAX_BODY,
    max_concurrent: int | None = None,
    log: IO[str] | None = sys.stderr,
) -> SparqlServer:
    """A SPARQL endpoint over ``graph``, bound but not yet serving (call ``serve_forever()``).

    Args:
        graph: a :class:`~leadgraph.loading.LeadGraph` (or a ``pyoxigraph.Store``).
        host: the address to listen on; a non-loopback one logs a warning, since anyone
            who can reach it can then query the graph.
        port: the TCP port; ``0`` picks a free one (see ``server.url``).
        timeout: seconds per query, as in :func:`leadgraph.sparql.run.query` (``None``: no limit).
        allow_network: let queries use SERVICE, LOAD, FROM and ``file:`` IRIs, as the CLI's
            ``--allow-network`` does -- the server will then fetch URLs its clients name.
        cors: send ``Access-Control-Allow-Origin: *`` with query answers.
        max_body: the largest request body accepted, in bytes.
        max_concurrent: queries running at once (default: CPU count, at least 2); others wait
            for a slot up to ``timeout`` and then get ``503``.
        log: where the one-line-per-request log goes (``None``: nowhere).

    Raises:
        UsageError: the address cannot be bound (in use, or not this machine's).
    """
    from leadgraph.store.base import GraphStore

    if not isinstance(graph, GraphStore) and not isinstance(getattr(graph, "store", None), GraphStore):
        raise UsageError(f"make_server needs a loaded graph (leadgraph.load()), not {type(graph).__name__}")
    concurrent = max_concurrent or max(2, os.cpu_count() or 2)
    try:
        server = SparqlServer((host, port), graph, timeout=timeout or None, allow_network=allow_network, cors=cors,
                              max_body=max_body, max_concurrent=concurrent, log=log)
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    if not server.loopback:
        server.write_log(f"warning: listening on {host}, not a loopback address: anyone who can reach this "
                         "machine can query the graph")
    if allow_network:
        server.write_log("warning: --allow-network: queries may make this server fetch any URL they name")
    return server


def serve(
    graph: Any = None,
    *,
    data: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None = None,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    timeout: float | None = DEFAULT_TIMEOUT,
    allow_network: bool = False,
    cors: bool = True,
    log: IO[str] | None = sys.stderr,
) -> None:
    """Load the graph (unless given), serve it until interrupted, then close cleanly.

    Once listening, prints the endpoint's URL on stdout (a script can read it, which
    matters with ``port=0``) and a start line to ``log``. Ctrl-C (``KeyboardInterrupt``)
    or SIGTERM stops it: no new requests are taken and running ones are waited for. Arguments are
    those of :func:`make_server`, plus ``data`` (loaded when ``graph`` is ``None``).
    """
    if graph is None:
        from leadgraph.loading import load

        graph = load(data)
    server = make_server(graph, host, port, timeout=timeout, allow_network=allow_network, cors=cors, log=log)
    previous = _stop_on_sigterm()
    try:
        print(server.url, flush=True)
        server.write_log(f"serving {len(graph)} triples at {server.url} (Ctrl-C stops)")
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        server.write_log("stopping")
    finally:
        server.server_close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _stop_on_sigterm():
    """Make SIGTERM (systemd, docker stop, kill) stop the server as cleanly as Ctrl-C does.

    Returns the previous handler, or ``None`` when not in the main thread (where Python
    cannot install signal handlers).
    """
    if threading.current_thread() is not threading.main_thread():
        return None

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, interrupt)


def is_loopback(host: str) -> bool:
    """Is ``host`` a loopback address or name? (An empty host means every interface.)

    >>> is_loopback("127.0.0.1"), is_loopback("::1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, True, False)
    """
    name = host.strip("[]").lower()
    if name in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


# -- answering a request (pure: request in, complete Response out) ----------------------


def answer(server: SparqlServer, method: str, target: str, headers: Mapping[str, str], body: bytes) -> Response:
    """The full response to one request: routing, protocol, negotiation and the query."""
    parts = urlsplit(target)
    path = parts.path.rstrip("/") or "/"
    if server.loopback and not _host_is_loopback(headers.get("Host", "")):
        return Response.text(403, "this endpoint listens on loopback only and answers requests addressed to "
                                  "localhost or 127.0.0.1; the Host header named something else")
    try:
        if method == "OPTIONS":
            return _preflight(server)
        response = _route(server, method, path, _parse_qs(parts.query), headers, body)
    except _Refused as refused:
        response = refused.response
    if server.cors:  # on errors too, so a web client can show the reason
        response.headers.update(_CORS_HEADERS)
    return response


def _route(server: SparqlServer, method: str, path: str, params: dict[str, list[str]], headers: Mapping[str, str],
           body: bytes) -> Response:
    if path in ("/", "/sparql"):
        return _protocol(server, method, params, headers, body)
    if path == "/queries" and method == "GET":
        return _listing()
    if path.startswith("/queries/"):
        if method != "GET":
            raise _Refused(405, "named queries take GET: /queries/NAME?param=value", Allow="GET")
        return _named(server, path[len("/queries/"):], params, headers)
    raise _Refused(404, f"no such resource: {path} (the endpoint is /sparql; named queries are under /queries/)")


def _protocol(server: SparqlServer, method: str, params: dict[str, list[str]], headers: Mapping[str, str],
              body: bytes) -> Response:
    if method == "POST":
        kind = headers.get("Content-Type", "").split(";")[0].strip().lower()
        if kind == "application/x-www-form-urlencoded":
            form = _parse_qs(_utf8(body))
            if "query" in form and "query" in params:
                raise _Refused(400, "give the query once: in the form, not also in the URL")
            params = {**params, **form}
        elif kind == "application/sparql-query":
            if "query" in params:
                raise _Refused(400, "give the query once: in the body, not also in the URL")
            params = {**params, "query": [_utf8(body)]}
        elif kind == "application/sparql-update":
            raise _read_only()
        else:
            raise _Refused(415, f"POST a query as application/x-www-form-urlencoded (query=...) or as "
                                f"application/sparql-query, not {kind or 'no Content-Type'}")
    elif method != "GET":
        raise _Refused(405, "this endpoint answers GET and POST", Allow="GET, POST, OPTIONS")
    if "update" in params or "using-graph-uri" in params or "using-named-graph-uri" in params:
        raise _read_only()
    for name in ("default-graph-uri", "named-graph-uri"):
        if name in params:
            raise _Refused(400, f"{name} is refused: it asks for another dataset, and everything this endpoint "
                                "serves is already in the default graph")
    texts = params.get("query")
    if texts is None:
        if method == "GET":
            return _home(server)
        raise _Refused(400, "no query: send query=... (or the query itself as application/sparql-query)")
    if len(texts) != 1:
        raise _Refused(400, "give exactly one query parameter")
    text = _query_text(texts[0])
    return _run(server, text, None, _shape_form(text), params.get("format"), headers)


def _named(server: SparqlServer, name: str, params: dict[str, list[str]], headers: Mapping[str, str]) -> Response:
    from leadgraph.sparql import named as named_queries

    named = named_queries.find(name) if named_queries.NAME.fullmatch(name) else None
    if named is None:
        raise _Refused(404, f"no named query {name!r}: GET /queries lists them")
    values = {key: value for key, value in params.items() if key != "format"}
    return _run(server, named, values, _shape_form(named.text), params.get("format"), headers)


def _run(server: SparqlServer, text: Any, values: dict[str, list[str]] | None, form: str,
         formats: list[str] | None, headers: Mapping[str, str]) -> Response:
    from leadgraph.sparql.run import query

    fmt = _negotiate(form, formats, headers.get("Accept", ""))
    if not server.slots.acquire(timeout=server.timeout_s or None):
        raise _Refused(503, "the server is busy with other queries; try again", **{"Retry-After": "5"})
    try:
        result = query(text, values or None, timeout=server.timeout_s, graph=server.graph,
                       allow_network=server.allow_network)
    except (QueryError, UsageError) as exc:
        if exc.remedy in _HTTP_HINTS:
            exc.hint = _HTTP_HINTS[exc.remedy]
        raise _Refused(503 if exc.remedy == "timeout" else 400, str(exc)) from None
    finally:
        server.slots.release()
    return Response(200, _body(result, fmt), MEDIA_TYPES[fmt])


def _shape_form(text: str) -> str:
    """The query's form, checked before running: updates are refused here with an HTTP message."""
    from leadgraph.sparql.safety import analyse

    try:
        form = analyse(text).form
    except QueryError as exc:
        raise _Refused(400, str(exc)) from None
    if form == "update":
        raise _read_only()
    if form is None:
        raise _Refused(400, "syntax error: a query starts with SELECT, ASK, CONSTRUCT or DESCRIBE "
                            "(after any PREFIX/BASE lines)")
    return form


def _query_text(text: str) -> str:
    stripped = text.strip()
    if not stripped:
        raise _Refused(400, "the query is empty")
    from leadgraph.sparql.named import is_reference

    # leadgraph.query would run such text as a named query or read it as a file path.
    if is_reference(stripped):
        raise _Refused(400, f"{stripped[:80]!r} is not SPARQL: send the query text (named queries run at "
                            "/queries/NAME; files on the server are never read)")
    return text


def _negotiate(form: str, formats: list[str] | None, accept: str) -> str:
    """The output format: the ``format`` parameter, else the Accept header, else the default."""
    kind = 1 if form in ("construct", "describe") else 0
    what = "CONSTRUCT/DESCRIBE" if kind else "SELECT/ASK"
    choices = GRAPH if kind else TABLE
    if formats:
        for value in formats:
            word = value.strip().lower()
            pair = _FORMAT_WORDS.get(word) or _ACCEPT.get(word.split(";")[0].strip())
            if pair is None:
                continue
            if pair[kind] is None:
                raise _Refused(400, f"format={value} does not fit a {form.upper()} query; {what} gives: "
                                    f"{', '.join(choices)}")
            return pair[kind]
        if any(v.strip() for v in formats):
            raise _Refused(400, f"unknown format {formats[0]!r}; {what} gives: {', '.join(choices)}")
    for media in _accepted(accept):
        if media == "*/*":
            break
        if media.endswith("/*"):
            group = media[:-1]
            found = next((f for f in choices if MEDIA_TYPES[f].startswith(group)), None)
            if found:
                return found
            continue
        pair = _ACCEPT.get(media)
        if pair is not None and pair[kind] is not None:
            return pair[kind]
    return choices[0]


def _accepted(accept: str) -> list[str]:
    """Media types of an Accept header, most wanted first; ``q=0`` ones left out."""
    ranked = []
    for index, item in enumerate(accept.split(",")):
        media, *options = [p.strip() for p in item.split(";")]
        weight = 1.0
        for option in options:
            key, _, value = option.partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if media and weight > 0:
            ranked.append((-weight, index, media.lower()))
    return [media for _, _, media in sorted(ranked)]


def _body(result: Any, fmt: str) -> bytes:
    import pyoxigraph as ox

    if fmt in ("ttl", "nt", "jsonld"):
        return result.serialize(fmt)
    if fmt == "rdfxml":
        from leadgraph.namespaces import PREFIXES

        return ox.serialize(result.triples, format=ox.RdfFormat.RDF_XML, prefixes=PREFIXES) + b"\n"
    if fmt == "sparql-json":
        return result.serialize("sparql-json")
    kinds = {"sparql-xml": ox.QueryResultsFormat.XML, "csv": ox.QueryResultsFormat.CSV,
             "tsv": ox.QueryResultsFormat.TSV}
    body = ox.parse_query_results(result.payload, ox.QueryResultsFormat.JSON).serialize(format=kinds[fmt])
    return body if body.endswith(b"\n") else body + b"\n"


def _read_only() -> _Refused:
    return _Refused(403, "this endpoint is read-only: SPARQL Update is never enabled over HTTP (run "
                         "`leadgraph query --allow-update --update-output FILE` locally instead)")


def _parse_qs(text: str) -> dict[str, list[str]]:
    try:
        return parse_qs(text, keep_blank_values=True, strict_parsing=False, errors="strict", max_num_fields=200)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _Refused(400, f"malformed parameters: {exc}") from None


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise _Refused(400, "the request body is not UTF-8 text") from None


def _host_is_loopback(host: str) -> bool:
    if host.startswith("["):
        name = host[1:].split("]")[0]
    else:
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return is_loopback(name)


def _preflight(server: SparqlServer) -> Response:
    response = Response(204, b"", headers={"Allow": "GET, POST, OPTIONS"})
    if server.cors:
        response.headers.update({**_CORS_HEADERS, "Access-Control-Allow-Methods": "GET, POST",
                                 "Access-Control-Allow-Headers": "Accept, Content-Type",
                                 "Access-Control-Max-Age": "600"})
    return response


def _listing() -> Response:
    from leadgraph.sparql.named import named_queries

    listing = [
        {"name": q.name, "title": q.title, "description": q.description, "url": f"/queries/{q.name}",
         "params": [{"name": p.name, "type": p.type, "description": p.description, "default": p.default,
                     "required": p.required} for p in q.params]}
        for q in named_queries().values()
    ]
    return Response(200, (json.dumps(listing, indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
                    "application/json")


def _home(server: SparqlServer) -> Response:
    """A plain page about the endpoint: no scripts, and no text from the data (only the named
    queries' own headers, escaped)."""
    from leadgraph.sparql.named import named_queries

    esc = html.escape
    items = []
    for q in named_queries().values():
        params = ", ".join(f"{p.name} ({p.type}{'' if p.required else ', optional'})" for p in q.params)
        items.append(f'<li><a href="/queries/{esc(q.name)}">{esc(q.name)}</a> — {esc(q.title)}'
                     + (f"<br><small>parameters: {esc(params)}</small>" if params else "") + "</li>")
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>leadgraph SPARQL endpoint</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:48em;margin:2em auto;padding:0 1em}}
code,pre{{background:#f4f4f4;padding:0 .2em}}</style></head>
<body><h1>leadgraph SPARQL endpoint</h1>
<p>A read-only <a href="https://www.w3.org/TR/sparql11-protocol/">SPARQL 1.1 Protocol</a> endpoint over
a sourced knowledge graph of NHS technology leaders. Send queries to <code>/sparql</code>: GET with
<code>?query=</code>, or POST a form (<code>query=</code>) or an <code>application/sparql-query</code> body.</p>
<p>Answers: SPARQL JSON (default), XML, CSV or TSV for SELECT/ASK; Turtle (default), N-Triples, JSON-LD or
RDF/XML for CONSTRUCT/DESCRIBE — chosen by the Accept header or a <code>format</code> parameter
(json, xml, csv, tsv, ttl, nt, jsonld, rdfxml).</p>
<p>Common prefixes (lg, lgd, org, schema, foaf, prov, skos, dcterms, time, rdf, rdfs, owl, xsd) need no
PREFIX line. Updates are never accepted; SERVICE, LOAD, FROM and file: IRIs are refused
{"unless the server allows network access (it does)" if server.allow_network else "(this server)"};
each query may run {f"{server.timeout_s:g} s" if server.timeout_s else "without a time limit"}.</p>
<pre>curl {esc(server.url)} --data-urlencode 'query=ASK {{ ?p a lg:Leader }}'</pre>
<h2>Named queries</h2>
<p><code>GET /queries/NAME?param=value</code> runs one (<a href="/queries">/queries</a> lists them as JSON):</p>
<ul>
{chr(10).join(items)}
</ul></body></html>
"""
    return Response(200, page.encode("utf-8"), "text/html; charset=utf-8",
                    {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"})


# -- the HTTP side ------------------------------------------------------------------------

_UNSAFE_LOG = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class _Handler(BaseHTTPRequestHandler):
    server: SparqlServer
    server_version = "leadgraph"
    timeout = 60  # seconds a client may stall mid-request before its connection is closed

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_OPTIONS(self) -> None:
        self._handle("OPTIONS")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def _handle(self, method: str) -> None:
        started = time.perf_counter()
        try:
            body = self._read_body() if method == "POST" else b""
            response = answer(self.server, method, self.path, self.headers, body)
        except _Refused as refused:
            response = refused.response
            self.close_connection = True  # an unread body may remain on the socket
        except LeadgraphError as exc:
            response = Response.text(400, str(exc))
        except Exception as exc:  # noqa: BLE001 - one bad request must not stop the server
            self.server.write_log(f"error: {type(exc).__name__}: {exc}")
            response = Response.text(500, "internal error answering this request (logged on the server)")
        # Logged before sending, so a client that has its answer can find the line already written.
        self._log(method, response, started)
        self._send(response)

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            raise _Refused(411, "send the request body with a Content-Length (chunked bodies are not accepted)")
        length = self.headers.get("Content-Length")
        if length is None:
            raise _Refused(411, "a POST needs a Content-Length")
        try:
            size = int(length)
        except ValueError:
            raise _Refused(400, "Content-Length is not a number") from None
        if size < 0:
            raise _Refused(400, "Content-Length is negative")
        if size > self.server.max_body:
            raise _Refused(413, f"the request body is {size} bytes; this endpoint accepts at most "
                                f"{self.server.max_body}")
        return self.rfile.read(size)

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        if response.status == 200 and response.content_type.startswith(("application/sparql", "text/csv",
                                                                          "text/tab", "text/turtle",
                                                                          "application/n-", "application/ld",
                                                                          "application/rdf")):
            self.send_header("Vary", "Accept")
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        try:
            self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client left; nothing to tell it

    def _log(self, method: str, response: Response, started: float) -> None:
        target = _UNSAFE_LOG.sub("?", self.path)
        if len(target) > 200:
            target = target[:199] + "…"
        took = (time.perf_counter() - started) * 1000
        self.server.write_log(f"{self.client_address[0]} {time.strftime('%Y-%m-%dT%H:%M:%S')} {method} {target} "
                              f"{response.status} {len(response.body)} {took:.0f}ms")

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        # http.server's own lines (malformed requests) go to the same log, control characters masked.
        self.server.write_log(_UNSAFE_LOG.sub("?", format % args))

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        pass  # _log writes the one line per request, with timing
