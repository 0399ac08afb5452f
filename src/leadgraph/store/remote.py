"""The remote backend: any SPARQL 1.1 endpoint (Oxigraph server, Apache Jena Fuseki, GraphDB,
QLever, Amazon Neptune...), read through the SPARQL 1.1 Protocol, and written to through the
Graph Store Protocol (:func:`push`).

Credentials come from the environment, never from the command line (where other users of the
machine and shell histories would see them): ``LEADGRAPH_ENDPOINT_TOKEN`` (sent as a bearer
token) or ``LEADGRAPH_ENDPOINT_USER`` with ``LEADGRAPH_ENDPOINT_PASSWORD`` (HTTP basic).

Every request has a time limit; requests that failed for reasons that may pass (no
connection, a reset, HTTP 429/502/503/504) are tried again with growing pauses. Queries that
reach an endpoint have already passed leadgraph's own checks (no SERVICE, LOAD or ``file:``),
since remote servers run SERVICE themselves.

Blank nodes cannot be named in a SPARQL query, so pattern matching with a blank node as
subject or object finds nothing here; everything else answers as the other backends do.
"""

from __future__ import annotations

import base64
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from typing import Any

from leadgraph.errors import DataError, LeadgraphError, QueryError, UsageError
from leadgraph.namespaces import PREFIXES
from leadgraph.store.base import StoreBase
from leadgraph.store.rdf import (
    BlankNode,
    Literal,
    NamedNode,
    Term,
    Triple,
    check_results,
    parse_solutions,
    parse_triples,
)

DEFAULT_TIMEOUT = 30.0
"""Seconds one request may take."""
RETRIES = 3
"""Tries per request for failures that may pass."""
_RETRY_STATUS = {429, 502, 503, 504}
_LABEL_BATCH = 400  # IRIs per label look-up request: keeps each request well under URL and body limits
_SELECT_TYPES = "application/sparql-results+json"
_ANSWER_TYPES = "application/sparql-results+json, application/n-triples, text/turtle;q=0.5"


def credentials() -> dict[str, str]:
    """The Authorization header the environment asks for, if any."""
    token = os.environ.get("LEADGRAPH_ENDPOINT_TOKEN")
    if token:
        return {"Authorization": f"Bearer {token}"}
    user = os.environ.get("LEADGRAPH_ENDPOINT_USER")
    if user is not None:
        secret = f"{user}:{os.environ.get('LEADGRAPH_ENDPOINT_PASSWORD', '')}".encode()
        return {"Authorization": "Basic " + base64.b64encode(secret).decode("ascii")}
    return {}


def check_url(url: str) -> str:
    """``url`` if it is an http(s) URL with a host, else a :class:`UsageError`."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"endpoint must be an http:// or https:// URL, not {url!r}")
    return url


class RemoteStore(StoreBase):
    """A :class:`~leadgraph.store.base.GraphStore` answered by a SPARQL endpoint at ``url``.

    Attributes:
        url: the endpoint's query URL; ``timeout``: seconds per request.
        remote: always true; :func:`leadgraph.sparql.run.query` then relies on the request's time
            limit rather than a local worker process, which may not open connections.
    """

    remote = True

    def __init__(self, url: str, *, timeout: float | None = DEFAULT_TIMEOUT, retries: int = RETRIES):
        self.url = check_url(url)
        self.timeout = timeout or DEFAULT_TIMEOUT
        self.retries = max(1, retries)
        self._length: int | None = None

    def __repr__(self) -> str:
        return f"<RemoteStore {self.url}>"

    # -- the protocol ------------------------------------------------------------------
    def triples(self, subject: Term | None = None, predicate: Any = None,
                object: Term | None = None) -> Iterator[Triple]:  # noqa: A002
        if isinstance(subject, BlankNode) or isinstance(object, BlankNode):
            return iter(())
        terms = [_sparql_term(t, name) for t, name in ((subject, "?s"), (predicate, "?p"), (object, "?o"))]
        pattern = " ".join(terms)
        payload = self.answer(f"CONSTRUCT {{ {pattern} }} WHERE {{ {pattern} }}")
        return iter(parse_triples(payload, "nt"))

    def select(self, sparql: str) -> list[dict[str, Term]]:
        body = self.request(sparql, _SELECT_TYPES)[0]
        names, rows = _solutions(body, self.url)
        return [{n: v for n, v in zip(names, row) if v is not None} for row in rows]

    def answer(self, sparql: str, timeout: float | None = None) -> bytes:
        body, media = self.request(sparql, _ANSWER_TYPES, timeout=timeout)
        if media in ("application/n-triples", "text/plain"):
            return body
        if media == "text/turtle":  # some endpoints give only Turtle for graphs
            from leadgraph.store.rdf import write_triples

            return write_triples(parse_triples(body, "ttl"), "nt")
        _check(body, self.url)  # a cut-off or garbled answer fails here, clearly
        return body

    def labels(self, nodes: Iterable[NamedNode]) -> dict[str, str]:
        from leadgraph.labels import LABEL_PREDICATES, label_rank

        iris = sorted({n.value for n in nodes if isinstance(n, NamedNode)})
        rank = {p: i for i, p in enumerate(LABEL_PREDICATES)}
        best: dict[str, tuple[int, tuple[int, str]]] = {}
        predicates = " ".join(f"<{p}>" for p in LABEL_PREDICATES)
        for start in range(0, len(iris), _LABEL_BATCH):
            values = " ".join(f"<{iri}>" for iri in iris[start:start + _LABEL_BATCH])
            rows = self.select(f"SELECT ?n ?p ?l WHERE {{ VALUES ?n {{ {values} }} VALUES ?p {{ {predicates} }} "
                               f"?n ?p ?l FILTER(isLiteral(?l)) }}")
            for row in rows:
                label = row["l"]
                key = (rank[row["p"].value], label_rank(label.language, label.value))
                iri = row["n"].value
                if iri not in best or key < best[iri]:
                    best[iri] = key
        return {iri: text for iri, (_, (_, text)) in best.items()}

    def __len__(self) -> int:
        if self._length is None:
            rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
            self._length = int(rows[0]["n"].value) if rows else 0
        return self._length

    # -- HTTP --------------------------------------------------------------------------------
    def request(self, sparql: str, accept: str, *, timeout: float | None = None) -> tuple[bytes, str]:
        """POST ``sparql`` (with the project prefixes declared) and return ``(body, media type)``."""
        text = _with_prefixes(sparql)
        body = urllib.parse.urlencode({"query": text}).encode("utf-8")
        headers = {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded", **credentials()}
        return send(self.url, "POST", body, headers, timeout=timeout or self.timeout, retries=self.retries)


def push(url: str, triples: Iterable[Triple], *, graph: str | None = None, timeout: float | None = DEFAULT_TIMEOUT,
         retries: int = RETRIES) -> int:
    """Replace the graph ``graph`` (the default graph when ``None``) at the Graph Store Protocol
    endpoint ``url`` with ``triples``, sent as N-Triples; returns how many were sent.

    PUT replaces rather than adds, so pushing twice leaves one copy (and a retry is safe).
    """
    from leadgraph.store.rdf import write_triples

    check_url(url)
    if graph is not None and not urllib.parse.urlsplit(graph).scheme:
        raise UsageError(f"--graph must be an absolute IRI, not {graph!r}")
    body = write_triples(triples, "nt")
    target = _with_query(url, {"graph": graph} if graph is not None else {"default": ""})
    headers = {"Content-Type": "application/n-triples", **credentials()}
    send(target, "PUT", body, headers, timeout=timeout or DEFAULT_TIMEOUT, retries=retries)
    return body.count(b"\n")


def send(url: str, method: str, body: bytes, headers: dict[str, str], *, timeout: float,
         retries: int = RETRIES) -> tuple[bytes, str]:
    """One HTTP request with a time limit, tried again with growing pauses when it may pass."""
    last = ""
    for attempt in range(retries):
        if attempt:
            time.sleep(0.5 * 2 ** (attempt - 1))
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with _opener().open(request, timeout=timeout) as response:
                media = response.headers.get_content_type()
                return response.read(), media
        except urllib.error.HTTPError as exc:
            detail = _first_line(exc.read())
            if exc.code in _RETRY_STATUS:
                last = f"HTTP {exc.code} {exc.reason}"
                continue
            raise _refused(url, exc.code, exc.reason, detail) from None
        except TimeoutError:
            raise QueryError(f"{url}: the endpoint did not answer within {timeout:g} s") from None
        except (urllib.error.URLError, ConnectionError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError):
                raise QueryError(f"{url}: the endpoint did not answer within {timeout:g} s") from None
            last = str(getattr(reason, "strerror", None) or reason)
    raise DataError(f"{url}: the endpoint is not answering ({last}) after {retries} tries")


def _opener() -> urllib.request.OpenerDirector:
    # No proxy from the environment and no redirects followed: the user named this endpoint,
    # and credentials must not travel to another host.
    return urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001 - the base class's
        raise urllib.error.HTTPError(req.full_url, code, f"redirects to {newurl} (not followed)", headers, fp)


def _refused(url: str, code: int, reason: str, detail: str) -> LeadgraphError:
    if code in (401, 403):
        return DataError(f"{url}: the endpoint refused access (HTTP {code} {reason}); set LEADGRAPH_ENDPOINT_TOKEN, "
                         "or LEADGRAPH_ENDPOINT_USER and LEADGRAPH_ENDPOINT_PASSWORD")
    if code == 400:
        return QueryError(f"{url}: the endpoint rejected the query (HTTP 400){': ' + detail if detail else ''}")
    return DataError(f"{url}: the endpoint answered HTTP {code} {reason}{': ' + detail if detail else ''}")



def _first_line(body: bytes) -> str:
    text = body.decode("utf-8", "replace").strip().splitlines()
    return text[0][:200] if text else ""


def _solutions(body: bytes, url: str) -> tuple[list[str], list[list[Term | None]]]:
    _check(body, url)
    return parse_solutions(body)


def _check(body: bytes, url: str) -> None:
    try:
        check_results(body)
    except (SyntaxError, ValueError):
        try:
            json.loads(body)
        except ValueError:
            raise QueryError(f"{url}: the endpoint's answer was cut off or is not SPARQL JSON results "
                             "(its own time limit may have struck mid-answer)") from None
        raise QueryError(f"{url}: the endpoint's answer is not SPARQL JSON results") from None


def _with_prefixes(sparql: str) -> str:
    # Declared first, so a query's own PREFIX lines, which come later, win.
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items()) + sparql


def _with_query(url: str, params: dict[str, str]) -> str:
    parts = urllib.parse.urlsplit(url)
    query = "&".join(filter(None, [parts.query, urllib.parse.urlencode(params)]))
    return urllib.parse.urlunsplit(parts._replace(query=query))


def _sparql_term(term: Term | None, variable: str) -> str:
    if term is None:
        return variable
    if isinstance(term, (NamedNode, Literal)):
        return str(term)
    raise UsageError(f"cannot match {term!r} on a remote endpoint")
