"""The SPARQL endpoint, tested with a real server on a free loopback port and real clients:
urllib for the raw protocol, http.client and raw sockets for HTTP/1.1 details, SPARQLWrapper,
rdflib's SPARQLStore, and the real ``leadgraph serve`` in a subprocess (also under strace: no
outgoing connection; and SIGTERM while a query runs)."""

from __future__ import annotations

import importlib
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest

import leadgraph
from leadgraph.sparql.http import make_server

SELECT = "SELECT ?p ?name WHERE { ?p a lg:Leader ; foaf:name ?name } ORDER BY ?name"
ASK = "ASK { lgd:ayesha-rahim a lg:Leader }"
CONSTRUCT = "CONSTRUCT { ?p foaf:name ?n } WHERE { ?p a lg:Leader ; foaf:name ?n }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
QUERY_TIMEOUT = 3.0


def _start(graph, **options):
    log = io.StringIO()
    server = make_server(graph, "127.0.0.1", 0, log=log, **options)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return server, thread, log


def _stop(server, thread):
    server.shutdown()
    server.server_close()  # joins the handler threads
    thread.join(timeout=10)
    assert not thread.is_alive()


@pytest.fixture(scope="module")
def endpoint(bundled_graph):
    before = set(threading.enumerate())
    server, thread, log = _start(bundled_graph, timeout=QUERY_TIMEOUT)
    server.test_log = log
    yield server
    _stop(server, thread)
    assert set(threading.enumerate()) - before == set(), "threads left running"


def fetch(url, data=None, headers=None, method=None):
    """(status, headers, body) for one request; error statuses are answers too."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read()


def get(endpoint, query, **params):
    return fetch(endpoint.url + "?" + urllib.parse.urlencode({"query": query, **params}),
                 headers=params.pop("headers", None))


def solutions(body, fmt):
    parsed = ox.parse_query_results(body, fmt)
    if isinstance(parsed, ox.QueryBoolean):
        return bool(parsed)
    names = [v.value for v in parsed.variables]
    return sorted(tuple(str(s[n]) for n in names) for s in parsed)


def expected_solutions(graph, query):
    return solutions(leadgraph.query(query, graph=graph).payload, ox.QueryResultsFormat.JSON)


# -- the protocol ------------------------------------------------------------------------


def test_get_post_form_and_post_body_answer_the_same(endpoint, bundled_graph):
    status, headers, by_get = get(endpoint, SELECT)
    assert status == 200 and headers["Content-Type"] == "application/sparql-results+json"
    assert solutions(by_get, ox.QueryResultsFormat.JSON) == expected_solutions(bundled_graph, SELECT)
    form = urllib.parse.urlencode({"query": SELECT}).encode()
    assert fetch(endpoint.url, form, {"Content-Type": "application/x-www-form-urlencoded"})[2] == by_get
    assert fetch(endpoint.url, SELECT.encode(), {"Content-Type": "application/sparql-query"})[2] == by_get
    root = endpoint.url.rsplit("/", 1)[0] + "/"
    assert fetch(root + "?" + urllib.parse.urlencode({"query": SELECT}))[2] == by_get


@pytest.mark.parametrize(
    ("accept", "content_type", "fmt"),
    [
        ("application/sparql-results+json", "application/sparql-results+json", ox.QueryResultsFormat.JSON),
        ("application/sparql-results+xml", "application/sparql-results+xml", ox.QueryResultsFormat.XML),
        ("text/csv", "text/csv; charset=utf-8", ox.QueryResultsFormat.CSV),
        ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8", ox.QueryResultsFormat.TSV),
        ("text/html, application/xml;q=0.9, */*;q=0.8", "application/sparql-results+xml", ox.QueryResultsFormat.XML),
        ("text/csv;q=0.2, application/sparql-results+json", "application/sparql-results+json",
         ox.QueryResultsFormat.JSON),
    ],
)
def test_select_negotiates_by_accept(endpoint, bundled_graph, accept, content_type, fmt):
    status, headers, body = fetch(endpoint.url + "?" + urllib.parse.urlencode({"query": SELECT}),
                                  headers={"Accept": accept})
    assert status == 200 and headers["Content-Type"] == content_type
    assert headers["Content-Length"] == str(len(body))
    want = expected_solutions(bundled_graph, SELECT)
    if fmt == ox.QueryResultsFormat.CSV:  # CSV carries no term types: compare the text
        import csv

        parsed = ox.parse_query_results(leadgraph.query(SELECT, graph=bundled_graph).payload,
                                        ox.QueryResultsFormat.JSON)
        want = sorted([s["p"].value, s["name"].value] for s in parsed)
        rows = list(csv.reader(io.StringIO(body.decode())))
        assert rows[0] == ["p", "name"] and sorted(rows[1:]) == want
        return
    assert solutions(body, fmt) == want


@pytest.mark.parametrize(
    ("accept", "content_type", "fmt"),
    [
        ("text/turtle", "text/turtle; charset=utf-8", ox.RdfFormat.TURTLE),
        ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
        ("*/*", "text/turtle; charset=utf-8", ox.RdfFormat.TURTLE),
        # Nothing a CONSTRUCT can give: the header is disregarded (rdflib's SPARQLStore does this).
        ("application/sparql-results+json", "text/turtle; charset=utf-8", ox.RdfFormat.TURTLE),
    ],
)
def test_construct_negotiates_by_accept(endpoint, bundled_graph, accept, content_type, fmt):
    status, headers, body = fetch(endpoint.url + "?" + urllib.parse.urlencode({"query": CONSTRUCT}),
                                  headers={"Accept": accept})
    assert status == 200 and headers["Content-Type"] == content_type
    want = sorted(str(t) for t in leadgraph.query(CONSTRUCT, graph=bundled_graph).triples)
    assert sorted(str(t) for t in ox.parse(body, fmt)) == want
    assert len(want) >= 6


def test_format_parameter_wins_over_accept_and_must_fit(endpoint):
    status, headers, _ = get(endpoint, SELECT, format="csv", headers={"Accept": "application/sparql-results+xml"})
    assert (status, headers["Content-Type"]) == (200, "text/csv; charset=utf-8")
    assert get(endpoint, CONSTRUCT, format="json")[1]["Content-Type"] == "application/ld+json"
    assert get(endpoint, ASK, format="xml")[1]["Content-Type"] == "application/sparql-results+xml"
    status, _, body = get(endpoint, CONSTRUCT, format="csv")
    assert status == 400 and b"ttl, nt, jsonld, rdfxml" in body
    status, _, body = get(endpoint, SELECT, format="yaml")
    assert status == 400 and b"unknown format 'yaml'" in body


def test_ask_in_json_and_xml(endpoint):
    assert json.loads(get(endpoint, ASK)[2])["boolean"] is True
    assert get(endpoint, ASK.replace("ayesha-rahim", "nobody"), format="xml")[2].count(b"<boolean>false") == 1


# -- real clients --------------------------------------------------------------------------


@pytest.mark.parametrize("return_format", ["json", "xml"])
def test_sparqlwrapper_select_ask_construct(endpoint, bundled_graph, return_format):
    from SPARQLWrapper import SPARQLWrapper

    client = SPARQLWrapper(endpoint.url, returnFormat=return_format)
    client.setQuery(SELECT)
    answer = client.queryAndConvert()
    if return_format == "json":
        names = sorted(b["name"]["value"] for b in answer["results"]["bindings"])
    else:
        names = sorted(node.firstChild.data for node in answer.getElementsByTagName("literal"))
    assert names == sorted(row["name"] for row in leadgraph.query(SELECT, graph=bundled_graph).rows)
    client.setQuery(ASK)
    boolean = client.queryAndConvert()
    assert (boolean["boolean"] if return_format == "json" else
            boolean.getElementsByTagName("boolean")[0].firstChild.data == "true") is True
    client.setQuery(CONSTRUCT)
    graph = client.queryAndConvert()  # an rdflib.Graph from JSON-LD or RDF/XML
    assert len(graph) == len(leadgraph.query(CONSTRUCT, graph=bundled_graph).triples)


@pytest.mark.parametrize("return_format", ["xml", "json"])
def test_rdflib_sparqlstore(endpoint, bundled_graph, return_format):
    import rdflib
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    remote = rdflib.Graph(store=SPARQLStore(endpoint.url, returnFormat=return_format))
    prefixes = "PREFIX lg: <https://w3id.org/leadgraph/ontology#> PREFIX foaf: <http://xmlns.com/foaf/0.1/> "
    names = sorted(str(row.name) for row in remote.query(prefixes + SELECT))
    assert names == sorted(row["name"] for row in leadgraph.query(SELECT, graph=bundled_graph).rows)
    constructed = remote.query(prefixes + CONSTRUCT).graph
    assert len(constructed) == len(leadgraph.query(CONSTRUCT, graph=bundled_graph).triples)


# -- safety -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}", "SERVICE is refused"),
        ("SELECT * WHERE {{ SERVICE SILENT <http://127.0.0.1:{port}/s> {{ ?s ?p ?o }} }}", "SERVICE is refused"),
        ("SELECT * WHERE {{ OPTIONAL {{ SERVICE ?e {{ ?s ?p ?o }} }} }}", "SERVICE is refused"),
        ("SELECT * FROM <http://127.0.0.1:{port}/g> WHERE {{ ?s ?p ?o }}", "FROM is refused"),
        ("SELECT * FROM NAMED <http://127.0.0.1:{port}/g> WHERE {{ ?s ?p ?o }}", "FROM NAMED is refused"),
        ("ASK {{ <file:///etc/passwd> ?p ?o }}", "file: IRI <file:///etc/passwd> is refused"),
        ("SELECT * WHERE {{ ?s ?p", "syntax error"),  # malformed, not risky
    ],
)
def test_refused_over_http_with_the_reason(endpoint, listener, query, reason):
    port = listener.port
    status, headers, body = get(endpoint, query.format(port=port))
    assert status == 400 and headers["Content-Type"] == "text/plain; charset=utf-8"
    text = body.decode()
    assert reason in text and text.count("\n") == 1
    if reason != "syntax error":
        assert "leadgraph serve --allow-network" in text and "allow_network=True" not in text
    assert listener.take() == 0


def test_dataset_parameters_are_refused(endpoint):
    for name in ("default-graph-uri", "named-graph-uri"):
        status, _, body = get(endpoint, SELECT, **{name: "http://example.org/g"})
        assert status == 400 and name.encode() in body


@pytest.mark.parametrize(
    ("data", "content_type", "url_suffix"),
    [
        ("update=" + urllib.parse.quote("DELETE WHERE { ?s ?p ?o }"), "application/x-www-form-urlencoded", ""),
        ("DELETE WHERE { ?s ?p ?o }", "application/sparql-update", ""),
        ("query=" + urllib.parse.quote("INSERT DATA { lgd:x rdfs:label 'x' }"),
         "application/x-www-form-urlencoded", ""),
        (None, None, "?update=" + urllib.parse.quote("CLEAR ALL")),
        (None, None, "?query=" + urllib.parse.quote("LOAD <http://example.org/x>")),
    ],
)
def test_updates_are_never_accepted(endpoint, bundled_graph, data, content_type, url_suffix):
    size = len(bundled_graph)
    headers = {"Content-Type": content_type} if content_type else {}
    status, _, body = fetch(endpoint.url + url_suffix, data.encode() if data else None, headers)
    assert status == 403 and b"read-only" in body
    assert len(bundled_graph) == size
    assert get(endpoint, ASK)[0] == 200


def test_runaway_query_times_out_with_a_clean_503(endpoint):
    started = time.monotonic()
    status, headers, body = get(endpoint, RUNAWAY)
    took = time.monotonic() - started
    assert status == 503 and headers["Content-Type"] == "text/plain; charset=utf-8"
    assert body.decode() == f"query timed out after {QUERY_TIMEOUT:g} s (the server's limit, set by " \
                            "`leadgraph serve --timeout`)\n"
    assert QUERY_TIMEOUT <= took < QUERY_TIMEOUT + 5
    assert get(endpoint, ASK)[0] == 200  # and the server carries on


def test_query_text_is_never_read_as_a_name_or_a_file(endpoint, tmp_path, monkeypatch):
    (tmp_path / "secret.rq").write_text("SELECT ('leaked' AS ?x) WHERE {}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # the server thread shares this process's working folder
    for text in ("secret.rq", "cio-roles"):
        status, _, body = get(endpoint, text)
        assert status == 400 and b"is not SPARQL" in body and b"leaked" not in body and b"Ayesha" not in body


def test_request_limits_and_methods(bundled_graph):
    server, thread, _ = _start(bundled_graph, max_body=200)
    try:
        status, _, body = fetch(server.url, ("query=" + "x" * 300).encode(),
                                {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 413 and b"at most 200" in body
        with socket.create_connection(server.server_address[:2], timeout=10) as raw:
            raw.sendall(b"POST /sparql HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n\r\n")
            assert raw.recv(100).startswith(b"HTTP/1.1 411")
        assert fetch(server.url, b"ASK {}", {"Content-Type": "text/plain"})[0] == 415
        assert fetch(server.url, b"ASK {}", {"Content-Type": "application/sparql-query"}, method="PUT")[0] == 405
        assert fetch(server.url.replace("/sparql", "/nowhere"))[0] == 404
        assert fetch(server.url + "?query=ASK%7B%7D", headers={"Host": "evil.example:80"})[0] == 403
    finally:
        _stop(server, thread)


def test_no_cors_header_by_default_and_other_sites_refused(endpoint):
    """Before, every answer carried Access-Control-Allow-Origin: * and any page could read it."""
    assert "Access-Control-Allow-Origin" not in get(endpoint, ASK)[1]
    status, headers, body = get(endpoint, ASK, headers={"Origin": "https://evil.example"})
    assert status == 403 and "Access-Control-Allow-Origin" not in headers
    assert b"leadgraph serve --cors https://evil.example" in body
    # A cross-site <img>/<form> request carries no Origin, but the browser says where it came from.
    assert get(endpoint, ASK, headers={"Sec-Fetch-Site": "cross-site"})[0] == 403
    assert get(endpoint, ASK, headers={"Sec-Fetch-Site": "same-origin"})[0] == 200
    own = endpoint.url.rsplit("/", 1)[0]  # the home page's own links are same-origin
    assert get(endpoint, ASK, headers={"Origin": own})[0] == 200
    status, headers, _ = fetch(endpoint.url, method="OPTIONS",
                               headers={"Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in headers


def test_cors_is_opt_in_per_origin(bundled_graph):
    server, thread, _ = _start(bundled_graph, cors=["https://yasgui.example", "http://localhost:3000"])
    try:
        yasgui = {"Origin": "https://yasgui.example"}
        status, headers, _ = fetch(server.url + "?query=ASK%7B%7D", headers=yasgui)
        assert status == 200 and headers["Access-Control-Allow-Origin"] == "https://yasgui.example"
        assert "Origin" in headers["Vary"]
        refused = fetch(server.url + "?query=SELECT%20*%20%7B%20SERVICE%20%3Chttp://x/%3E%20%7B%20?s%20?p%20?o%20%7D%20%7D",
                        headers=yasgui)
        assert refused[0] == 400 and refused[1]["Access-Control-Allow-Origin"] == "https://yasgui.example"
        status, headers, _ = fetch(server.url, method="OPTIONS",
                                   headers={**yasgui, "Access-Control-Request-Method": "POST"})
        assert status == 204 and "POST" in headers["Access-Control-Allow-Methods"]
        assert "Content-Type" in headers["Access-Control-Allow-Headers"]
        assert fetch(server.url + "?query=ASK%7B%7D", headers={"Origin": "http://localhost:3000"})[1][
            "Access-Control-Allow-Origin"] == "http://localhost:3000"
        assert fetch(server.url + "?query=ASK%7B%7D", headers={"Origin": "https://evil.example"})[0] == 403
        assert "Access-Control-Allow-Origin" not in fetch(server.url + "?query=ASK%7B%7D")[1]  # no Origin, no CORS
    finally:
        _stop(server, thread)
    server, thread, log = _start(bundled_graph, cors=["*"])
    try:
        headers = fetch(server.url + "?query=ASK%7B%7D", headers={"Origin": "https://any.example"})[1]
        assert headers["Access-Control-Allow-Origin"] == "*"
        assert "--cors '*'" in log.getvalue()  # warned at start
    finally:
        _stop(server, thread)


def test_bad_cors_origin_is_a_usage_error(cli, bundled_graph):
    from leadgraph.errors import UsageError

    result = cli("serve", "--cors", "yasgui.example")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "--cors 'yasgui.example' is not an origin" in result.stderr
    with pytest.raises(UsageError, match="not an origin"):
        make_server(bundled_graph, port=0, cors=["ftp://x"], log=None)


def test_home_page_is_plain_html_about_the_endpoint(endpoint):
    from leadgraph.sparql.named import named_queries

    status, headers, body = fetch(endpoint.url.replace("/sparql", "/"))
    page = body.decode()
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "<script" not in page.lower() and " on" not in re.sub(r">[^<]*<", "><", page)  # no handlers
    assert all(f'href="/queries/{name}"' in page for name in named_queries())
    assert "Ayesha" not in page  # nothing from the data
    assert fetch(endpoint.url)[2] == body


# -- named queries --------------------------------------------------------------------------


def test_named_query_with_parameters(endpoint, bundled_graph):
    base = endpoint.url.replace("/sparql", "/queries/")
    status, _, body = fetch(base + "leaders-with-trait?trait=lgd:trait-resilience")
    want = leadgraph.query("leaders-with-trait", {"trait": "lgd:trait-resilience"}, graph=bundled_graph)
    assert status == 200 and body == want.serialize("sparql-json")
    assert len(want.rows) >= 2
    status, _, body = fetch(base + "leaders-with-trait?trait=lgd:trait-resilience&format=csv")
    assert status == 200 and body.decode().splitlines()[0].startswith("person,name")


def test_named_query_parameters_are_bound_not_pasted(endpoint, bundled_graph):
    base = endpoint.url.replace("/sparql", "/queries/")
    sneaky = 'x" || true || "'
    status, _, body = fetch(base + "name-search?" + urllib.parse.urlencode({"name": sneaky}))
    assert status == 200
    assert json.loads(body)["results"]["bindings"] == []
    assert leadgraph.query("name-search", {"name": sneaky}, graph=bundled_graph).rows == []


def test_named_query_errors_and_listing(endpoint):
    from leadgraph.sparql.named import named_queries

    base = endpoint.url.replace("/sparql", "/queries")
    assert fetch(base + "/no-such-query")[0] == 404
    assert fetch(base + "/..%2Fetc%2Fpasswd")[0] == 404
    status, _, body = fetch(base + "/leaders-with-trait?colour=red&trait=lgd:trait-resilience")
    assert status == 400 and b"colour" in body
    status, _, body = fetch(base + "/leaders-with-trait")
    assert status == 400 and b"trait" in body
    listing = json.loads(fetch(base)[2])
    assert [q["name"] for q in listing] == list(named_queries())


def test_concurrent_queries_all_answer(endpoint, bundled_graph):
    want = expected_solutions(bundled_graph, SELECT)
    results = []
    threads = [threading.Thread(target=lambda: results.append(get(endpoint, SELECT))) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert [r[0] for r in results] == [200] * 6
    assert all(solutions(r[2], ox.QueryResultsFormat.JSON) == want for r in results)


def test_one_log_line_per_request(endpoint):
    marker = f"log-marker-{time.monotonic_ns()}"
    get(endpoint, ASK + f" # {marker}")
    fetch(endpoint.url.replace("/sparql", f"/{marker}"))
    lines = [line for line in endpoint.test_log.getvalue().splitlines() if marker in line]
    assert len(lines) == 2  # written before each response is sent
    assert re.fullmatch(r"127\.0\.0\.1 \S+ GET /sparql\?query=\S+ 200 \d+ \d+ms", lines[0])
    assert re.fullmatch(rf"127\.0\.0\.1 \S+ GET /{marker} 404 \d+ \d+ms", lines[1])


def test_library_api_details(bundled_graph):
    from leadgraph.errors import UsageError

    with pytest.raises(UsageError, match="needs a loaded graph"):
        make_server("not a graph", port=0)
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen(1)
    try:
        with pytest.raises(UsageError, match="cannot listen on 127.0.0.1"):
            make_server(bundled_graph, port=holder.getsockname()[1], log=None)
    finally:
        holder.close()
    assert leadgraph.serve is importlib.import_module("leadgraph.sparql.http").serve
    assert leadgraph.make_server is make_server


def test_cli_default_timeout_matches_the_library():
    from leadgraph.cli import serve as cli_serve
    from leadgraph.sparql.run import DEFAULT_TIMEOUT

    assert cli_serve.DEFAULT_TIMEOUT == DEFAULT_TIMEOUT


# -- the real command -----------------------------------------------------------------------

SCRIPT = shutil.which("leadgraph", path=str(Path(sys.executable).parent))
STRACE = shutil.which("strace")


def _launch(args, prefix=()):
    proc = subprocess.Popen([*prefix, SCRIPT, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()  # the URL, printed once listening
    if not line.startswith("http://127.0.0.1:"):
        proc.kill()
        raise AssertionError(f"no URL printed: {line!r} {proc.communicate(timeout=30)}")
    return proc, line.strip()


def _interrupt(proc, pid=None, signum=signal.SIGINT):
    os.kill(pid or proc.pid, signum)
    out, err = proc.communicate(timeout=30)
    return proc.returncode, err


def test_leadgraph_serve_subprocess(repo, fixtures):
    proc, url = _launch(["--data", str(fixtures / "valid" / "minimal.ttl"), "serve", "--port", "0", "--timeout", "5"])
    try:
        status, _, body = fetch(url + "?" + urllib.parse.urlencode({"query": SELECT}), headers={"Accept": "text/csv"})
        mine = leadgraph.query(SELECT, data=fixtures / "valid" / "minimal.ttl")
        assert status == 200 and len(body.decode().splitlines()) == len(mine.rows) + 1
        assert len(mine.rows) != len(leadgraph.query(SELECT).rows)  # --data really replaced the data
    finally:
        code, err = _interrupt(proc)
    assert code == 0
    assert "stopping" in err and err.count(" GET /sparql?query=") == 1


def _strace_children(pid):
    path = Path(f"/proc/{pid}/task/{pid}/children")
    for _ in range(50):  # bounded wait for strace to start its tracee
        kids = path.read_text().split() if path.exists() else []
        if kids:
            return int(kids[0])
        time.sleep(0.1)
    raise AssertionError("strace started no child")


@pytest.mark.skipif(STRACE is None and not os.environ.get("CI"), reason="strace is not installed")
def test_serve_makes_no_outgoing_connection(tmp_path, listener):
    """The kernel's view of the server and its forked query children (Oxigraph's Rust code is
    invisible to audit hooks): refused and allowed queries alike make no connect() call, and a
    positive control with --allow-network shows the trace would see one."""
    port = listener.port
    service = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    queries = [service, f"SELECT * FROM <http://127.0.0.1:{port}/g> WHERE {{ ?s ?p ?o }}",
               "ASK { <file:///etc/passwd> ?p ?o }", ASK,
               f"SELECT * WHERE {{ BIND(IRI('http://127.0.0.1:{port}/x') AS ?x) OPTIONAL {{ ?x ?p ?o }} }}",
               "SELECT * WHERE { BIND(IRI('file:///etc/passwd') AS ?x) OPTIONAL { ?x ?p ?o } }"]

    def traced(*options):
        log = tmp_path / f"trace{len(options)}.txt"
        proc, url = _launch(["serve", "--port", "0", "--timeout", "5", *options],
                            prefix=[STRACE, "-f", "-qq", "-o", str(log), "-e", "trace=connect,open,openat"])
        try:
            statuses = [get_url(url, q)[0] for q in queries]
        finally:
            _interrupt(proc, _strace_children(proc.pid))
        text = log.read_text(errors="replace")
        if "ptrace" in text and "not permitted" in text:
            if os.environ.get("CI", "").lower() in ("true", "1"):
                pytest.fail("ptrace is not permitted in CI: the kernel-level check could not run")
            pytest.skip("ptrace is not permitted here")
        return statuses, [line for line in text.splitlines() if re.search(r"\bconnect\(", line)], text

    statuses, connects, text = traced()
    assert statuses == [400, 400, 400, 200, 200, 200]
    assert connects == []
    assert "/etc/passwd" not in "".join(re.findall(r'open(?:at)?\([^)]*\) = \d+', text))
    _, connects, _ = traced("--allow-network")
    assert any(f"htons({port})" in line for line in connects), connects
    listener.take()  # drain the control's connection


def get_url(url, query):
    return fetch(url + "?" + urllib.parse.urlencode({"query": query}))


def test_leadgraph_serve_stops_cleanly_on_sigterm(fixtures):
    proc, url = _launch(["--data", str(fixtures / "valid" / "minimal.ttl"), "serve", "--port", "0"])
    code, err = _interrupt(proc, signum=signal.SIGTERM)
    assert code == 0, err
    assert "stopping" in err and "Traceback" not in err


# -- HTTP/1.1, isolation of clients, cancellation, stopping ----------------------------------


def _raw(server, request: bytes, source: str = "127.0.0.1") -> socket.socket:
    """A raw connection from ``source`` (any 127.x address is this machine) with ``request`` sent."""
    conn = socket.socket()
    conn.bind((source, 0))
    conn.settimeout(30)
    conn.connect(server.server_address[:2])
    conn.sendall(request)
    return conn


def _answer(conn: socket.socket) -> tuple[int, bytes]:
    """(status, whole response) read until the server closes or the announced length arrives."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = re.search(rb"(?im)^content-length: *(\d+)", head)
    while length and len(body) < int(length.group(1)):
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return int(head[9:12]) if head else 0, head + b"\r\n\r\n" + body


def _get_request(query: str, host: str = "127.0.0.1", target: str | None = None) -> bytes:
    target = target or "/sparql?" + urllib.parse.urlencode({"query": query})
    return f"GET {target} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()


def _busy_worker(server, seconds: float = 10) -> int:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if server.pool.busy:
            return next(iter(server.pool.busy))
        time.sleep(0.02)
    raise AssertionError("no query started")


def _gone(pid: int, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if not Path(f"/proc/{pid}").exists():  # killed and reaped: not even a zombie
            return True
        time.sleep(0.02)
    return False


def test_keep_alive_two_requests_over_one_connection(endpoint):
    import http.client

    host, port = endpoint.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=30)
    try:
        answers = []
        for query in (ASK, SELECT):
            conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query}))
            response = conn.getresponse()
            answers.append((response.status, response.version, response.will_close, response.read()))
            if not answers[-1][2]:
                local = conn.sock.getsockname()
                answers[-1] += (local,)
        assert [a[:3] for a in answers] == [(200, 11, False), (200, 11, False)]
        assert answers[0][4] == answers[1][4]  # the same client socket: one connection
        assert json.loads(answers[0][3])["boolean"] is True
    finally:
        conn.close()


def test_head_gives_the_headers_of_get_without_a_body(endpoint):
    import http.client

    host, port = endpoint.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=30)
    try:
        target = "/sparql?" + urllib.parse.urlencode({"query": SELECT})
        conn.request("GET", target)
        got = conn.getresponse()
        body = got.read()
        conn.request("HEAD", target)
        head = conn.getresponse()
        assert head.status == 200 and head.read() == b""
        assert head.getheader("Content-Length") == str(len(body)) == got.getheader("Content-Length")
        assert head.getheader("Content-Type") == "application/sparql-results+json"
        conn.request("HEAD", "/queries/cio-roles")  # named queries too, and the connection still works
        assert conn.getresponse().status == 200
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("request_text", "status"),
    [
        # Absolute form names the host addressed (RFC 9112 3.2.2), whatever Host says.
        (b"GET http://evil.example/sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 403),
        (b"GET http://127.0.0.1/sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 200),
        (b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n", 400),
        (b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: localhost:80@evil.example\r\n\r\n", 400),
        (b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1@evil.example\r\n\r\n", 400),
        (b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: evil.example\r\n\r\n", 403),
        (b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: [::1]:80\r\n\r\n", 200),
    ],
)
def test_requests_addressed_elsewhere_are_refused(endpoint, request_text, status):
    with _raw(endpoint, request_text) as conn:
        got, response = _answer(conn)
    assert got == status, response


def test_a_very_long_named_query_name_is_not_found(endpoint):
    base = endpoint.url.replace("/sparql", "/queries/")
    status, _, body = fetch(base + "a" * 5000)
    assert status == 404 and body.count(b"\n") == 1 and len(body) < 300
    assert fetch(base + "cio-roles")[0] == 200


def test_disconnect_kills_the_query_worker(endpoint):
    conn = _raw(endpoint, _get_request(RUNAWAY))
    pid = _busy_worker(endpoint)
    started = time.monotonic()
    conn.close()
    assert _gone(pid, 2.0), "the query kept running after its client left"
    assert time.monotonic() - started < QUERY_TIMEOUT - 0.5  # well before the time limit
    assert pid not in endpoint.pool.pids()
    assert get(endpoint, ASK)[0] == 200  # a replacement worker answers
    marker = [line for line in endpoint.test_log.getvalue().splitlines() if " 499 " in line]
    assert marker, "the abandoned request is logged"


def test_runaway_queries_do_not_stall_other_clients(endpoint):
    runaways = [_raw(endpoint, _get_request(RUNAWAY + f" # {n}")) for n in range(2)]
    try:
        end = time.monotonic() + 10
        while len(endpoint.pool.busy) < 2 and time.monotonic() < end:
            time.sleep(0.02)
        assert len(endpoint.pool.busy) == 2
        for source in ("127.0.0.1", "127.0.0.2"):  # the same client address, and another one
            started = time.monotonic()
            with _raw(endpoint, _get_request(ASK), source) as conn:
                status, response = _answer(conn)
            assert status == 200 and b'"boolean":true' in response
            assert time.monotonic() - started < 1.5
    finally:
        for conn in runaways:
            conn.close()


def test_queries_per_client_are_capped(bundled_graph):
    server, thread, _ = _start(bundled_graph, timeout=10, max_concurrent=3, max_per_client=1)
    try:
        hog = _raw(server, _get_request(RUNAWAY), "127.0.0.2")
        _busy_worker(server)
        waiting = _raw(server, _get_request(ASK), "127.0.0.2")  # the same client: waits its turn
        started = time.monotonic()
        with _raw(server, _get_request(ASK), "127.0.0.3") as other:  # another client: answered now
            assert _answer(other)[0] == 200
        assert time.monotonic() - started < 1.5
        waiting.settimeout(0.5)
        with pytest.raises(TimeoutError):
            waiting.recv(1)
        hog.close()  # its query is killed, and the waiting one gets the slot
        waiting.settimeout(10)
        assert _answer(waiting)[0] == 200
        waiting.close()
    finally:
        _stop(server, thread)


def test_a_client_that_never_reads_costs_the_server_no_memory(repo):
    """Before: ten clients that never read a 200k-row CSV held 803 MB in the server. Now the
    answer streams from the worker as the client takes it; the server's own memory stays flat."""
    proc, url = _launch(["serve", "--port", "0", "--timeout", "20"])
    try:
        port = int(url.rsplit(":", 1)[1].split("/")[0])
        big = "SELECT ?a ?b WHERE { ?a ?p ?o . ?b ?q ?r } LIMIT 100000"
        target = "/sparql?" + urllib.parse.urlencode({"query": big, "format": "csv"})
        rss = lambda: int(re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{proc.pid}/status").read_text()).group(1))
        before = rss()
        clients = []
        for _ in range(4):
            conn = socket.create_connection(("127.0.0.1", port), timeout=30)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            conn.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
            clients.append(conn)
        first = clients[0].recv(200)  # answers have started (the status line is out)
        assert first.startswith(b"HTTP/1.1 200"), first
        time.sleep(1.5)  # every worker has finished its answer and is blocked writing
        grown_mb = (rss() - before) / 1024
        assert grown_mb < 30, f"the server grew by {grown_mb:.0f} MB for 4 clients that do not read"
        for conn in clients:
            conn.close()
    finally:
        code, err = _interrupt(proc, signum=signal.SIGTERM)
    assert code == 0, err


def test_sigterm_stops_within_two_seconds_while_a_query_runs(fixtures):
    proc, url = _launch(["serve", "--port", "0", "--timeout", "30"])
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    runaway = socket.create_connection(("127.0.0.1", port), timeout=30)
    idle = socket.create_connection(("127.0.0.1", port), timeout=30)  # an idle keep-alive client
    try:
        runaway.sendall(_get_request(RUNAWAY))
        idle.sendall(_get_request(ASK))
        assert _answer(idle)[0] == 200
        time.sleep(0.5)  # the runaway query is running in a worker
        workers = [int(p) for p in Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()]
        assert workers
        started = time.monotonic()
        code, err = _interrupt(proc, signum=signal.SIGTERM)
        took = time.monotonic() - started
        assert code == 0 and took < 2.0, (took, err)
        assert "stopping" in err and "Traceback" not in err
        status, _ = _answer(runaway)
        assert status in (503, 0)  # told the server is stopping, or closed
        assert all(_gone(pid, 1.0) for pid in workers)
    finally:
        runaway.close()
        idle.close()


def test_a_client_that_stops_reading_is_dropped_and_its_worker_freed(bundled_graph):
    server, thread, log = _start(bundled_graph, timeout=1.5)
    try:
        big = "SELECT ?a ?b WHERE { ?a ?p ?o . ?b ?q ?r } LIMIT 100000"
        conn = socket.socket()
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        conn.connect(server.server_address[:2])
        conn.sendall(_get_request(big))
        pid = _busy_worker(server)
        assert conn.recv(12).startswith(b"HTTP/1.1 200")  # the answer started, then nothing more is read
        assert _gone(pid, 8.0), "a client that reads nothing kept its worker"
        assert server.pool.busy == {}
        conn.close()
        assert get(server, ASK)[0] == 200
    finally:
        _stop(server, thread)


def test_workers_killed_from_outside_are_replaced(bundled_graph):
    server, thread, _ = _start(bundled_graph, timeout=5)
    try:
        assert get(server, ASK)[0] == 200
        killed = server.pool.pids()
        assert killed
        for pid in killed:  # e.g. the kernel's OOM killer, or an operator
            os.kill(pid, signal.SIGKILL)
        time.sleep(0.2)
        assert [get(server, ASK)[0] for _ in range(3)] == [200, 200, 200]
        assert not set(killed) & set(server.pool.pids())
    finally:
        _stop(server, thread)


def test_csv_answers_are_guarded_against_spreadsheet_formulas(endpoint):
    # CSV goes through the same writer as every other CSV leadgraph writes.
    query = 'SELECT ?v WHERE { VALUES ?v { "=HYPERLINK(\\"http://x\\")" "+1" "plain" } } ORDER BY ?v'
    status, headers, body = get(endpoint, query, format="csv")
    assert status == 200 and headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = body.decode().splitlines()
    assert rows[0] == "v" and rows[1] == "'+1" and rows[2].strip('"').startswith("'=HYPERLINK(") and rows[3] == "plain"


def test_a_query_past_the_memory_limit_is_stopped_and_the_server_carries_on(bundled_graph):
    server, thread, _ = _start(bundled_graph, timeout=60, max_memory="64M", max_concurrent=2)
    try:
        runaway = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?e ?i"
        status, _, body = get(server, runaway)
        assert status == 503 and b"ran out of memory" in body
        status, _, body = get(server, "ASK { ?p a lg:Leader }")
        assert status == 200 and b"true" in body
    finally:
        _stop(server, thread)
