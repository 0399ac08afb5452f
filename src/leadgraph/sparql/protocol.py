"""The SPARQL 1.1 Protocol, without sockets: a request in, a :class:`Response` (or a :class:`Job`) out.

:mod:`leadgraph.sparql.http` owns the server, the connections and the worker processes;
everything a request *means* is decided here, so it can be read and tested on its own:

>>> settings = Settings(url="http://127.0.0.1:7878/sparql")
>>> job = prepare(settings, "GET", "/sparql", "query=ASK%20%7B%7D", {}, b"")
>>> job.text, job.formats
('ASK {}', None)
>>> from leadgraph import load
>>> response = execute(job, load(), settings)
>>> response.status, response.content_type, response.body
(200, 'application/sparql-results+json', b'{"head":{},"boolean":true}\\n')
>>> prepare(settings, "GET", "/sparql", "update=CLEAR%20ALL", {}, b"").status
403

Routes (GET, HEAD and POST, as the SPARQL 1.1 Protocol defines them):

* ``/sparql`` (and ``/``) with ``query=`` -- GET with the query in the URL, POST as an
  ``application/x-www-form-urlencoded`` form, or POST with the query as an
  ``application/sparql-query`` body. Without a query: a small HTML page about the endpoint.
* ``/queries`` -- the named queries as JSON; ``/queries/NAME?param=value`` runs one, its
  parameters bound exactly as ``leadgraph query NAME --param ...`` binds them.

Every query goes through :func:`leadgraph.sparql.run.query` (safety checks, predeclared
prefixes, parameters bound as terms), so the endpoint refuses exactly what the CLI refuses.
:func:`execute` runs it in-process: the HTTP side calls it inside a worker process that it
kills at the time limit. Why the rest is as it is:

* The whole answer is built before the status line is decided: a query that times out
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
* Requests are checked for where they are addressed (:func:`check_request`): while bound to
  loopback only a loopback ``Host`` is answered (a DNS-rebinding page cannot pose as the
  endpoint's origin), and a request target in absolute form, a second ``Host`` header or a
  ``Host`` that is not a plain ``name[:port]`` is refused. CORS is opt-in per origin, and a
  browser request from another site (``Origin`` or ``Sec-Fetch-Site``) that no ``--cors``
  origin allows is refused before any query starts.
"""

from __future__ import annotations

import functools
import html
import ipaddress
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from leadgraph.errors import LeadgraphError, QueryError, UsageError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
MAX_BODY = 1 << 20
"""Largest request body accepted, in bytes (a query or a form; larger is ``413``)."""
MAX_NAME = 100
"""Longest named-query name looked up; a longer one is simply not found (``404``)."""

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
# The CLI's hints name its own options; over HTTP the knobs are the server's.
HTTP_HINTS = {
    "network": "this server refuses it; `leadgraph serve --allow-network` would permit it",
    "timeout": "the server's limit, set by `leadgraph serve --timeout`",
}
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
# RFC 9110 Host: uri-host [":" port], where uri-host is a reg-name or an IP literal. Anything
# else (userinfo "a@b", paths, spaces) is a malformed request, not a name to interpret.
_HOST = re.compile(r"(?P<name>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~-]*)(?::(?P<port>\d{0,5}))?")
_ORIGIN = re.compile(r"(?:https?)://(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?")
_CORS_METHODS = "GET, HEAD, POST"
_CORS_ALLOWED_HEADERS = "Accept, Content-Type"


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


@dataclass
class Job:
    """A query to run: the protocol's reading of one request, sent to a worker as JSON."""

    text: str | None = None
    """The query text (``None`` for a named query)."""
    name: str | None = None
    """The named query to run (``None`` for query text)."""
    params: dict[str, list[str]] | None = None
    formats: list[str] | None = None
    accept: str = ""

    def to_json(self) -> bytes:
        return json.dumps(self.__dict__).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> Job:
        return cls(**json.loads(data))


@dataclass(frozen=True)
class Settings:
    """What the protocol needs to know about the server answering."""

    url: str
    timeout: float | None = 30.0
    allow_network: bool = False
    cors: frozenset[str] = frozenset()
    """Origins whose pages may read answers (``"*"``: any); empty means no CORS header."""
    loopback: bool = True
    max_body: int = MAX_BODY
    max_memory: int | None = None
    """Bytes a query worker may take beyond what it holds (``None``: no limit)."""


class Refused(Exception):
    """Answer the request with this response (raised from deep in request parsing)."""

    def __init__(self, status: int, message: str, **headers: str):
        super().__init__(message)
        self.response = Response.text(status, message, **headers)


def cors_origins(origins: Iterable[str] | None) -> frozenset[str]:
    """Check ``--cors`` values: ``scheme://host[:port]`` origins, or ``*`` for any.

    >>> sorted(cors_origins(["https://yasgui.example/", "http://localhost:3000"]))
    ['http://localhost:3000', 'https://yasgui.example']
    >>> cors_origins(["yasgui.example"])
    Traceback (most recent call last):
    ...
    leadgraph.errors.UsageError: --cors 'yasgui.example' is not an origin: give scheme://host[:port] (e.g. https://yasgui.triply.cc) or * for any
    """
    if isinstance(origins, (str, bool)):
        raise UsageError("cors takes a list of origins (e.g. ['https://yasgui.triply.cc']), not "
                         f"{type(origins).__name__}")
    found = set()
    for origin in origins or ():
        value = origin.strip().rstrip("/")
        if value != "*" and not _ORIGIN.fullmatch(value):
            raise UsageError(f"--cors {origin!r} is not an origin: give scheme://host[:port] "
                             "(e.g. https://yasgui.triply.cc) or * for any")
        found.add(value.lower())
    return frozenset(found)


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


def check_request(settings: Settings, target: str, hosts: list[str], headers: Mapping[str, str]) -> Response | None:
    """Refuse a request addressed to somewhere else, or sent by another site's page.

    ``target`` is the raw request target, ``hosts`` every ``Host`` header value, ``headers``
    the rest (lower-case names). ``None``: go on.

    >>> settings = Settings(url="http://127.0.0.1:7878/sparql")
    >>> check_request(settings, "/sparql", ["127.0.0.1:7878"], {}) is None
    True
    >>> [check_request(settings, t, h, {}).status for t, h in [
    ...     ("http://evil.example/sparql", ["127.0.0.1"]), ("/sparql", ["localhost", "evil.example"]),
    ...     ("/sparql", ["localhost:7878@evil.example"]), ("/sparql", ["evil.example"])]]
    [403, 400, 400, 403]
    """
    if len(hosts) > 1:
        return Response.text(400, "more than one Host header: send one")
    host = hosts[0] if hosts else ""
    if not target.startswith("/") and target != "*":
        # Absolute form (RFC 9112 3.2.2): the target's authority, not the Host header, names
        # the server addressed; a proxy-style request for another host is not for us.
        parts = urlsplit(target)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            return Response.text(400, "the request target is neither a path nor an http URL")
        host = parts.netloc
    matched = _HOST.fullmatch(host)
    if host and matched is None:
        return Response.text(400, f"malformed Host {host[:80]!r}: expected name[:port]")
    if settings.loopback and not (matched and is_loopback(matched.group("name"))):
        return Response.text(403, "this endpoint listens on loopback only and answers requests addressed to "
                                  "localhost or 127.0.0.1; the request named another host")
    origin = headers.get("origin")
    if origin is not None and not _same_origin(settings, origin, host) and not _cors_allows(settings, origin):
        return Response.text(403, f"requests from pages at {origin[:80]} are refused: start the server with "
                                  f"`leadgraph serve --cors {origin[:80]}` to allow that site")
    if (origin is None and headers.get("sec-fetch-site", "").lower() in ("cross-site", "same-site")
            and "*" not in settings.cors):
        # A cross-site <img>/<form> request carries no Origin; without this check it could
        # still start queries, even though its page cannot read the answers.
        return Response.text(403, "requests from other sites' pages are refused (see `leadgraph serve --cors`)")
    return None


def cors_headers(settings: Settings, origin: str | None) -> dict[str, str]:
    """The CORS headers for a response to a request from ``origin`` (none unless allowed)."""
    if origin is None or not settings.cors:
        return {}
    if "*" in settings.cors:
        return {"Access-Control-Allow-Origin": "*"}
    if origin.lower() in settings.cors:
        return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
    return {"Vary": "Origin"}


def _cors_allows(settings: Settings, origin: str) -> bool:
    return "*" in settings.cors or origin.lower() in settings.cors


def _same_origin(settings: Settings, origin: str, host: str) -> bool:
    # The endpoint's own pages (the home page's links) are same-origin: Origin names the Host.
    parts = urlsplit(origin)
    return parts.scheme == "http" and bool(host) and parts.netloc.lower() == host.lower()


# -- reading a request -------------------------------------------------------------------


def prepare(settings: Settings, method: str, path: str, query_string: str, headers: Mapping[str, str],
            body: bytes) -> Response | Job:
    """What a request asks for: a :class:`Job` to run, or a complete :class:`Response`.

    ``headers`` has lower-case names. HEAD is answered as GET (the HTTP side drops the body).
    """
    try:
        path = path.rstrip("/") or "/"
        if method == "OPTIONS":
            return _preflight(settings, headers.get("origin"))
        if method == "HEAD":
            method = "GET"
        params = _parse_qs(query_string)
        if path in ("/", "/sparql"):
            return _protocol(settings, method, params, headers, body)
        if path == "/queries" and method == "GET":
            return _listing()
        if path.startswith("/queries/"):
            if method != "GET":
                raise Refused(405, "named queries take GET: /queries/NAME?param=value", Allow="GET, HEAD")
            return _named(path[len("/queries/"):], params, headers)
        shown = path if len(path) <= 80 else path[:79] + "…"
        raise Refused(404, f"no such resource: {shown} (the endpoint is /sparql; named queries are under "
                           "/queries/)")
    except Refused as refused:
        return refused.response


def _protocol(settings: Settings, method: str, params: dict[str, list[str]], headers: Mapping[str, str],
              body: bytes) -> Response | Job:
    if method == "POST":
        kind = headers.get("content-type", "").split(";")[0].strip().lower()
        if kind == "application/x-www-form-urlencoded":
            form = _parse_qs(_utf8(body))
            if "query" in form and "query" in params:
                raise Refused(400, "give the query once: in the form, not also in the URL")
            params = {**params, **form}
        elif kind == "application/sparql-query":
            if "query" in params:
                raise Refused(400, "give the query once: in the body, not also in the URL")
            params = {**params, "query": [_utf8(body)]}
        elif kind == "application/sparql-update":
            raise _read_only()
        else:
            raise Refused(415, f"POST a query as application/x-www-form-urlencoded (query=...) or as "
                               f"application/sparql-query, not {kind or 'no Content-Type'}")
    elif method != "GET":
        raise Refused(405, "this endpoint answers GET, HEAD and POST", Allow="GET, HEAD, POST, OPTIONS")
    if "update" in params or "using-graph-uri" in params or "using-named-graph-uri" in params:
        raise _read_only()
    for name in ("default-graph-uri", "named-graph-uri"):
        if name in params:
            raise Refused(400, f"{name} is refused: it asks for another dataset, and everything this endpoint "
                               "serves is already in the default graph")
    texts = params.get("query")
    if texts is None:
        if method == "GET":
            return _home(settings)
        raise Refused(400, "no query: send query=... (or the query itself as application/sparql-query)")
    if len(texts) != 1:
        raise Refused(400, "give exactly one query parameter")
    text = _query_text(texts[0])
    # Its form (and so an update's 403) is found by the worker: the server's one thread does
    # no per-query parsing, which measured as its largest cost.
    return Job(text=text, formats=params.get("format"), accept=headers.get("accept", ""))


def _named(name: str, params: dict[str, list[str]], headers: Mapping[str, str]) -> Response | Job:
    from leadgraph.sparql import named as named_queries

    # Looked up only when it could be a file name: a 5,000-character name made the file
    # system answer "name too long" (an OSError), which used to become a 500.
    found = len(name) <= MAX_NAME and named_queries.NAME.fullmatch(name) is not None
    if found:
        try:
            found = named_queries.find(name) is not None
        except OSError:
            found = False
    if not found:
        shown = name if len(name) <= 80 else name[:79] + "…"
        raise Refused(404, f"no named query {shown!r}: GET /queries lists them")
    values = {key: value for key, value in params.items() if key != "format"}
    return Job(name=name, params=values, formats=params.get("format"), accept=headers.get("accept", ""))


# -- running a job (in a worker process, or in-process) --------------------------------------


def execute(job: Job, graph: Any, settings: Settings) -> Response:
    """Run ``job`` on ``graph`` in this process, with no time limit (the caller enforces one)."""
    from leadgraph.sparql.run import query

    try:
        if job.name is not None:
            from leadgraph.sparql import named as named_queries

            named = named_queries.find(job.name)
            if named is None:
                raise Refused(404, f"no named query {job.name!r}: GET /queries lists them")
            target: Any = named
            text = named.text
        else:
            target = text = job.text or ""
        fmt = negotiate(_shape_form(text), job.formats, job.accept)
        try:
            result = query(target, job.params or None, timeout=None, graph=graph,
                           allow_network=settings.allow_network)
        except (QueryError, UsageError) as exc:
            raise refusal(exc) from None
        return Response(200, render(result, fmt), MEDIA_TYPES[fmt])
    except Refused as refused:
        return refused.response


def refusal(exc: LeadgraphError) -> Refused:
    """The HTTP answer to a query's error: its one line, with the server's own hints."""
    if exc.remedy in HTTP_HINTS:
        exc.hint = HTTP_HINTS[exc.remedy]
    return Refused(503 if exc.remedy == "timeout" else 400, str(exc))


def timed_out(settings: Settings) -> Response:
    """The ``503`` for a query stopped at the server's time limit (same words as the library's)."""
    shown = f"{settings.timeout:g}" if settings.timeout else "?"
    return refusal(QueryError(f"query timed out after {shown} s", remedy="timeout")).response


@functools.lru_cache(maxsize=512)
def _shape_form(text: str) -> str:
    """The query's form, checked before running: updates are refused here with an HTTP message.

    Cached by text (tools repeat their queries); refusals raise and so are not cached.
    """
    from leadgraph.sparql.safety import analyse

    try:
        form = analyse(text).form
    except QueryError as exc:
        raise Refused(400, str(exc)) from None
    if form == "update":
        raise _read_only()
    if form is None:
        raise Refused(400, "syntax error: a query starts with SELECT, ASK, CONSTRUCT or DESCRIBE "
                           "(after any PREFIX/BASE lines)")
    return form


def _query_text(text: str) -> str:
    stripped = text.strip()
    if not stripped:
        raise Refused(400, "the query is empty")
    from leadgraph.sparql.named import is_reference

    # leadgraph.query would run such text as a named query or read it as a file path.
    if is_reference(stripped):
        raise Refused(400, f"{stripped[:80]!r} is not SPARQL: send the query text (named queries run at "
                           "/queries/NAME; files on the server are never read)")
    return text


def negotiate(form: str, formats: list[str] | None, accept: str) -> str:
    """The output format: the ``format`` parameter, else the Accept header, else the default.

    >>> negotiate("select", None, "text/csv;q=0.5, application/sparql-results+xml")
    'sparql-xml'
    >>> negotiate("construct", ["json"], "text/turtle")
    'jsonld'
    """
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
                raise Refused(400, f"format={value} does not fit a {form.upper()} query; {what} gives: "
                                   f"{', '.join(choices)}")
            return pair[kind]
        if any(v.strip() for v in formats):
            raise Refused(400, f"unknown format {formats[0]!r}; {what} gives: {', '.join(choices)}")
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


def render(result: Any, fmt: str) -> bytes:
    """A query result as the bytes of one output format (see :data:`MEDIA_TYPES`).

    CSV goes through leadgraph's one CSV writer, so its cells carry the spreadsheet-formula
    guard as every CSV leadgraph writes does; TSV keeps the W3C's term syntax (``<iri>``,
    ``"text"``), in which no cell can start a formula.
    """
    from leadgraph.store.rdf import convert_results, write_triples

    if fmt in ("ttl", "nt", "jsonld"):
        return result.serialize(fmt)
    if fmt == "rdfxml":
        return write_triples(result.triples, "rdfxml") + b"\n"
    if fmt in ("sparql-json", "csv"):
        return result.serialize(fmt)
    body = convert_results(result.payload, fmt)
    return body if body.endswith(b"\n") else body + b"\n"


def _read_only() -> Refused:
    return Refused(403, "this endpoint is read-only: SPARQL Update is never enabled over HTTP (run "
                        "`leadgraph query --allow-update --update-output FILE` locally instead)")


def _parse_qs(text: str) -> dict[str, list[str]]:
    try:
        return parse_qs(text, keep_blank_values=True, strict_parsing=False, errors="strict", max_num_fields=200)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Refused(400, f"malformed parameters: {exc}") from None


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "the request body is not UTF-8 text") from None


def _preflight(settings: Settings, origin: str | None) -> Response:
    response = Response(204, b"", headers={"Allow": "GET, HEAD, POST, OPTIONS"})
    allowed = cors_headers(settings, origin)
    response.headers.update(allowed)
    if "Access-Control-Allow-Origin" in allowed:
        response.headers.update({"Access-Control-Allow-Methods": _CORS_METHODS,
                                 "Access-Control-Allow-Headers": _CORS_ALLOWED_HEADERS,
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


def _home(settings: Settings) -> Response:
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
{"unless the server allows network access (it does)" if settings.allow_network else "(this server)"};
each query may run {f"{settings.timeout:g} s" if settings.timeout else "without a time limit"}.</p>
<pre>curl {esc(settings.url)} --data-urlencode 'query=ASK {{ ?p a lg:Leader }}'</pre>
<h2>Named queries</h2>
<p><code>GET /queries/NAME?param=value</code> runs one (<a href="/queries">/queries</a> lists them as JSON):</p>
<ul>
{chr(10).join(items)}
</ul></body></html>
"""
    return Response(200, page.encode("utf-8"), "text/html; charset=utf-8",
                    {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"})
