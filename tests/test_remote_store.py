"""The remote backend against a real Oxigraph server started here, and against a scripted HTTP
server for the failures a real server is hard to make (refusals, flaky answers, cut-off JSON)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from leadgraph.errors import DataError, QueryError
from leadgraph.loading import load, open_endpoint
from leadgraph.publishing import push
from leadgraph.sparql.named import named_queries
from leadgraph.sparql.run import query

LEADGRAPH = [sys.executable, "-m", "leadgraph"]
SAMPLES = {"organisation": "lgd:org-rbs", "trait": "lgd:trait-resilience", "name": "Phil", "person": "lgd:phill-james"}
# Named queries whose answer is empty on purpose: no source in the data says anyone sits on a board.
EMPTY_ON_BUNDLED_DATA = {"leaders-on-a-board"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory, start_oxigraph):
    """A read-write Oxigraph server on loopback holding the bundled graph, pushed by leadgraph."""
    with start_oxigraph(tmp_path_factory.mktemp("oxigraph")) as base:
        report = push(base + "/store")
        assert report.triples == len(load())
        yield base


def _normal(payload: bytes) -> bytes:
    # Blank-node ids are the server's own; everything else must be identical.
    return re.sub(rb"_:[A-Za-z0-9]+|\"_:[^\"]+\"", b"_:b", payload)


def _rows(result):
    return [{k: ", ".join(sorted(v.split(", "))) if isinstance(v, str) else v for k, v in row.items()}
            for row in result.rows]


def test_every_named_query_answers_the_same_remotely(oxigraph):
    remote, memory = open_endpoint(oxigraph + "/query"), load()
    assert len(remote) == len(memory)
    for name, named in named_queries().items():
        params = {p.name: SAMPLES[p.name] for p in named.params if p.required}
        there, here = query(name, params, graph=remote), query(name, params, graph=memory)
        if there.form == "select":
            assert _rows(there) == _rows(here), name
        else:
            assert sorted(_normal(there.payload).splitlines()) == sorted(_normal(here.payload).splitlines()), name
        assert len(there) > 0 or name in EMPTY_ON_BUNDLED_DATA, name


def test_cli_reads_an_endpoint_like_local_files(oxigraph):
    def run(*args, env=None):
        done = subprocess.run([*LEADGRAPH, *args], capture_output=True, text=True, timeout=180, env=env)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert run("--endpoint", oxigraph + "/query", "query", "cio-roles") == run("query", "cio-roles")
    env = {**os.environ, "LEADGRAPH_ENDPOINT": oxigraph + "/query"}
    assert json.loads(run("analyse", "summary", "--format", "json", env=env)) == \
        json.loads(run("analyse", "summary", "--format", "json"))
    remote_nodes = json.loads(run("--endpoint", oxigraph + "/query", "export", "--format", "json"))["nodes"]
    local_nodes = json.loads(run("export", "--format", "json"))["nodes"]
    assert sorted(n["id"] for n in remote_nodes) == sorted(n["id"] for n in local_nodes)


def test_pushing_twice_replaces_rather_than_doubles(oxigraph):
    push(oxigraph + "/store")
    assert len(open_endpoint(oxigraph + "/query")) == len(load())


def test_queries_the_endpoint_would_run_against_the_network_are_still_refused(oxigraph):
    with pytest.raises(QueryError, match="SERVICE is refused"):
        query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", graph=open_endpoint(oxigraph + "/query"))


def test_an_endpoint_that_is_down_is_a_clear_error_after_retries():
    port = _free_port()  # nothing listens there
    started = time.monotonic()
    done = subprocess.run([*LEADGRAPH, "--endpoint", f"http://127.0.0.1:{port}/query", "query", "cio-roles"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert re.fullmatch(rf"error: http://127\.0\.0\.1:{port}/query: the endpoint is not answering \(.*\) after 3 tries\n",
                        done.stderr), done.stderr
    assert time.monotonic() - started >= 1.5  # it waited between tries


class Scripted(BaseHTTPRequestHandler):
    """Answers from a script of (status, content type, body); records what it was sent."""

    script: list[tuple[int, str, bytes]] = []
    seen: list[dict[str, str]] = []

    def do_POST(self) -> None:  # noqa: N802 - the base class's name
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        type(self).seen.append(dict(self.headers))
        status, media, body = type(self).script.pop(0) if type(self).script else (200, "text/plain", b"")
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_PUT = do_POST

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def scripted():
    Scripted.script, Scripted.seen = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Scripted)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


ASK_TRUE = (200, "application/sparql-results+json", b'{"head":{},"boolean":true}')


def test_flaky_answers_are_retried_with_backoff(scripted):
    Scripted.script = [(503, "text/plain", b"busy"), (502, "text/plain", b"gateway"), ASK_TRUE]
    assert query("ASK { ?s ?p ?o }", graph=open_endpoint(scripted)).boolean is True
    assert len(Scripted.seen) == 3


def test_credentials_come_from_the_environment_only(scripted, monkeypatch):
    monkeypatch.setenv("LEADGRAPH_ENDPOINT_TOKEN", "s3cret-token")
    Scripted.script = [ASK_TRUE]
    query("ASK { ?s ?p ?o }", graph=open_endpoint(scripted))
    assert Scripted.seen[0]["Authorization"] == "Bearer s3cret-token"
    monkeypatch.delenv("LEADGRAPH_ENDPOINT_TOKEN")
    monkeypatch.setenv("LEADGRAPH_ENDPOINT_USER", "ana")
    monkeypatch.setenv("LEADGRAPH_ENDPOINT_PASSWORD", "pw")
    Scripted.script = [ASK_TRUE]
    query("ASK { ?s ?p ?o }", graph=open_endpoint(scripted))
    assert Scripted.seen[1]["Authorization"] == "Basic YW5hOnB3"


def test_a_refusal_says_how_to_authenticate(scripted):
    Scripted.script = [(401, "text/plain", b"who are you?")]
    with pytest.raises(DataError, match="refused access \\(HTTP 401 .*set LEADGRAPH_ENDPOINT_TOKEN"):
        query("ASK { ?s ?p ?o }", graph=open_endpoint(scripted))
    assert len(Scripted.seen) == 1  # a refusal is final: no retries


def test_a_cut_off_answer_is_a_clear_error(scripted):
    Scripted.script = [(200, "application/sparql-results+json", b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":')]
    with pytest.raises(QueryError, match="answer was cut off"):
        query("SELECT ?s WHERE { ?s ?p ?o }", graph=open_endpoint(scripted))
