"""Queries stay on the loaded graph: network, local files and updates are refused unless opted in.

Watched three ways: the static check's verdicts (compared with rdflib's parse tree as an
independent oracle), a real TCP listener that must see zero connections, and an audit hook
that records every socket connection and file opened while queries run.
"""

from __future__ import annotations

import os
import re
import socket
import sys
from pathlib import Path

import pytest

from leadgraph.errors import QueryError, UsageError
from leadgraph.sparql.run import query
from leadgraph.sparql.safety import analyse, check, deep_findings, tokenize

REPO = Path(__file__).resolve().parents[1]

# Each refused query, by construct. {url} is a live local listener.
NETWORK = {
    "service": "SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } }",
    "service silent": "SELECT * WHERE { SERVICE SILENT <{url}> { ?s ?p ?o } }",
    "service variable": "SELECT * WHERE { BIND(<{url}> AS ?endpoint) SERVICE ?endpoint { ?s ?p ?o } }",
    "service in filter exists": "SELECT * WHERE { ?a ?b ?c FILTER EXISTS { SERVICE <{url}> { ?s ?p ?o } } }",
    "service in filter not exists": "SELECT * WHERE { ?a ?b ?c FILTER NOT EXISTS { SERVICE <{url}> { ?s ?p ?o } } }",
    "service in optional": "SELECT * WHERE { ?a ?b ?c OPTIONAL { SERVICE <{url}> { ?s ?p ?o } } }",
    "service in subquery": "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <{url}> { ?s ?p ?o } } } }",
    "service in union": "SELECT * WHERE { { ?a ?b ?c } UNION { SERVICE <{url}> { ?s ?p ?o } } }",
    "service in minus": "SELECT * WHERE { ?s ?p ?o MINUS { SERVICE <{url}> { ?s ?p ?o } } }",
    "service in graph": "SELECT * WHERE { GRAPH ?g { SERVICE <{url}> { ?s ?p ?o } } }",
    "service in bind exists": "SELECT * WHERE { ?s ?p ?o BIND(EXISTS { SERVICE <{url}> { ?s ?p ?o } } AS ?x) }",
    "service in select expression": "SELECT (EXISTS { SERVICE <{url}> { ?s ?p ?o } } AS ?x) WHERE { }",
    "service lower case": "select * where { service <{url}> { ?s ?p ?o } }",
    "service after comment": "SELECT * WHERE { # look\n SERVICE # here\n <{url}> { ?s ?p ?o } }",
    "service in ask": "ASK { SERVICE <{url}> { ?s ?p ?o } }",
    "service in construct": "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <{url}> { ?s ?p ?o } }",
    "service in describe": "DESCRIBE ?s WHERE { SERVICE <{url}> { ?s ?p ?o } }",
    "service with prefixed endpoint": "PREFIX ep: <{url}> SELECT * WHERE { SERVICE ep:sparql { ?s ?p ?o } }",
    # A '<' that reads as "less than" to the engine but looks like an IRI to a naive regex,
    # followed by a quote that would hide the SERVICE inside a "string" for that regex.
    "service after ambiguous less-than": "SELECT * WHERE { ?a ?b ?c FILTER(?c<STR('x>')||true) "
                                         "SERVICE <{url}> { ?s ?p ?o } }",
    "service after less-than and hash": "SELECT * WHERE { ?a ?b ?c FILTER(?c<1#>\n||true) SERVICE <{url}> { ?s ?p ?o } }",
    "service after escaped hash in name": "PREFIX ex: <http://e/> SELECT * WHERE { ?s ?p ex:x\\#y "
                                          "SERVICE <{url}> { ?s ?p ?o } }",
    "from": "SELECT * FROM <{url}> WHERE { ?s ?p ?o }",
    "from named": "SELECT * FROM NAMED <{url}> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "from in ask": "ASK FROM <{url}> { ?s ?p ?o }",
    "load": "LOAD <{url}>",
    "load silent into graph": "LOAD SILENT <{url}> INTO GRAPH <http://example.org/g>",
}
FILES = {
    "file iri": "SELECT * WHERE { <file:///etc/passwd> ?p ?o }",
    "file iri upper case": "SELECT * WHERE { <FILE:///etc/passwd> ?p ?o }",
    "file iri with escapes": "SELECT * WHERE { <fil\\u0065:///etc/passwd> ?p ?o }",
    "file prefix": "PREFIX f: <file:///etc/> SELECT * WHERE { f:passwd ?p ?o }",
    "file base": "BASE <file:///etc/> SELECT * WHERE { <passwd> ?p ?o }",
    "file from": "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    "file load": "LOAD <file:///etc/passwd>",
}
UPDATES = {
    "insert data": "INSERT DATA { lgd:x rdfs:label 'x' }",
    "delete data": "DELETE DATA { lgd:ayesha-rahim foaf:name 'Ayesha Rahim' }",
    "delete where": "DELETE WHERE { ?s ?p ?o }",
    "delete insert where": "DELETE { ?s foaf:name ?n } INSERT { ?s foaf:name 'X' } WHERE { ?s foaf:name ?n }",
    "with": "WITH <http://example.org/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "clear": "CLEAR ALL",
    "drop": "DROP DEFAULT",
    "create": "CREATE GRAPH <http://example.org/g>",
    "copy": "COPY DEFAULT TO <http://example.org/g>",
    "move": "MOVE DEFAULT TO <http://example.org/g>",
    "add": "ADD DEFAULT TO <http://example.org/g>",
    "prefixed update": "PREFIX ex: <http://example.org/> INSERT DATA { ex:a ex:b ex:c }",
}
ALLOWED = {
    "keywords in strings": "SELECT * WHERE { ?s ?p ?o FILTER(?o != 'SERVICE <http://x/> { }' && ?o != \"FROM\") }",
    "keywords in a long string": 'SELECT * WHERE { ?s ?p """LOAD <http://x/>\nSERVICE""" }',
    "keywords in comments": "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x/> { } FROM <file:///x>",
    "keywords as variables": "SELECT ?service ?from ?load WHERE { ?service ?from ?load }",
    "keywords in prefixed names": "SELECT * WHERE { ?s lg:serviceIn ?o . ?o schema:serviceType lgd:from }",
    "keyword in an IRI": "SELECT * WHERE { ?s <https://example.org/service/load/from> ?o }",
    "file in a string": "SELECT * WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?o), 'file:')) }",
    "comparisons": "SELECT * WHERE { ?s lg:years ?y FILTER(?y<20&&?y>1) }",
    "property paths and collections": "SELECT * WHERE { ?s (org:member|^org:member)/foaf:name ?o . ?x ?y (1 2) }",
}


class Watch:
    """Records socket connections and opened files while ``active`` (an audit hook cannot be removed)."""

    def __init__(self):
        self.active = False
        self.connections: list[object] = []
        self.opened: list[str] = []

    def __call__(self, event, args):
        if not self.active:
            return
        if event in ("socket.connect", "socket.getaddrinfo", "urllib.Request"):
            self.connections.append((event, args[1:2] if event == "socket.connect" else args[:1]))
        elif event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
            self.opened.append(os.fsdecode(args[0]))


WATCH = Watch()
sys.addaudithook(WATCH)


def _fill(text, url):
    return text.replace("{url}", url)


@pytest.mark.parametrize("name", sorted(NETWORK))
def test_network_constructs_are_refused_without_a_connection(name, listener, bundled_graph):
    url, seen = listener.url, listener.seen
    before = len(seen)
    with pytest.raises(QueryError, match=r"is refused: .*--allow-network"):
        query(_fill(NETWORK[name], url), graph=bundled_graph, allow_update=True, update_output="/nonexistent/x.ttl")
    assert len(seen) == before


@pytest.mark.parametrize("name", sorted(FILES))
def test_file_iris_are_refused(name, bundled_graph):
    with pytest.raises(QueryError, match=r"is refused: .*(local file|network)"):
        query(FILES[name], graph=bundled_graph, allow_update=True, update_output="/nonexistent/x.ttl")


@pytest.mark.parametrize("name", sorted(UPDATES))
def test_updates_are_refused_without_opt_in(name, bundled_graph):
    with pytest.raises(QueryError, match="this is a SPARQL Update .* --allow-update"):
        query(UPDATES[name], graph=bundled_graph)


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_look_alikes_are_allowed(name, bundled_graph):
    result = query(ALLOWED[name], graph=bundled_graph, timeout=None)
    assert result.form == "select"


@pytest.mark.parametrize("name", sorted(NETWORK) + sorted(FILES))
def test_rdflib_parse_tree_agrees_on_refused(name):
    """An independent check: rdflib's grammar finds a refusable construct in each refused query."""
    assert deep_findings(_fill({**NETWORK, **FILES}[name], "http://127.0.0.1:1/sparql"))


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_rdflib_parse_tree_agrees_on_allowed(name):
    assert deep_findings(ALLOWED[name]) == []


def test_bundled_queries_pass_the_check_without_rdflib():
    """Named queries must start fast: none may need the rdflib second opinion."""
    from leadgraph.sparql.named import named_queries
    from leadgraph.sparql.safety import _closer_look

    calls = []
    import leadgraph.sparql.safety as safety

    original = safety.deep_findings
    safety.deep_findings = lambda text: calls.append(text) or original(text)
    try:
        for named in named_queries().values():
            shape = analyse(named.text)
            assert not shape.findings, named.name
            _closer_look(named.text, shape.tokens)
    finally:
        safety.deep_findings = original
    assert calls == []


def test_closer_look_uses_rdflib_when_a_risky_word_hides_in_a_string(monkeypatch):
    import leadgraph.sparql.safety as safety

    calls = []
    original = safety.deep_findings
    monkeypatch.setattr(safety, "deep_findings", lambda text: calls.append(text) or original(text))
    check("SELECT * WHERE { ?s ?p 'from here' }")
    assert len(calls) == 1
    check("# from the header: no closer look needed before the first keyword\nSELECT * WHERE { ?s ?p ?o }")
    assert len(calls) == 1


def test_unverifiable_risky_text_is_refused():
    # Oxigraph-only syntax rdflib cannot parse, with a risky word in a string: not guessed at.
    with pytest.raises(QueryError, match="could not read the query"):
        check("SELECT * WHERE { ?s ?p ?o . BIND(<< ?s ?p ?o >> AS ?t) FILTER(?o != 'SERVICE') }")


def test_opt_in_lets_network_constructs_through(listener, bundled_graph):
    """Positive control: with --allow-network the engine really connects (so the listener can see it)."""
    url, seen = listener.url, listener.seen
    before = len(seen)
    with pytest.raises(QueryError, match="query failed"):
        query(_fill(NETWORK["service"], url), graph=bundled_graph, allow_network=True, timeout=10)
    assert len(seen) == before + 1
    assert seen[-1].startswith(b"POST /sparql") or seen[-1].startswith(b"GET /sparql")


def test_child_process_has_no_network_even_if_a_check_were_bypassed(listener):
    """Defence in depth: the forked child runs in an empty network namespace (where Linux allows)."""
    from leadgraph.sparql import run as querying

    url, seen = listener.url, listener.seen
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    if not _namespaces_available():
        pytest.skip("unprivileged network namespaces are not available here")

    def sneaky() -> bytes:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return b"connected"

    before = len(seen)
    with pytest.raises(QueryError, match="unreachable|refused|not permitted"):
        querying._guarded(sneaky, 10, False, None)
    assert len(seen) == before
    assert querying._guarded(lambda: b"fine", 10, False, None) == b"fine"


def _namespaces_available() -> bool:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        import ctypes

        ok = ctypes.CDLL(None, use_errno=True).unshare(0x10000000 | 0x40000000) == 0
        os.write(write_end, b"1" if ok else b"0")
        os._exit(0)
    os.close(write_end)
    answer = os.read(read_end, 1)
    os.close(read_end)
    os.waitpid(pid, 0)
    return answer == b"1"


NAMED_PARAMS = {
    "leaders-with-trait": {"trait": "lgd:trait-resilience"},
    "leaders-at-organisation": {"organisation": "lgd:org-rbs"},
    "name-search": {"name": "phil"},
    "person-profile": {"person": "lgd:phill-james"},
    "person-neighbourhood": {"person": "lgd:phill-james"},
    "statements-about": {"person": "lgd:phill-james"},
    "history": {"person": "lgd:phill-james"},
}


def test_audit_hook_sees_no_connection_and_no_stray_file(listener, bundled_graph):
    """Every construct, refused or allowed, in-process and forked: zero sockets, only data files read."""
    from leadgraph import resources
    from leadgraph.sparql.named import named_queries

    url = listener.url
    query("cio-roles", graph=bundled_graph)  # warm imports, so only the queries' own activity is recorded
    allowed_roots = [resources.data_dir(), resources.ontology_dir(), resources.queries_dir(), Path(sys.prefix),
                     Path(sys.base_prefix), REPO / "src"]
    WATCH.connections.clear()
    WATCH.opened.clear()
    WATCH.active = True
    try:
        for text in [*NETWORK.values(), *FILES.values(), *UPDATES.values()]:
            with pytest.raises((QueryError, UsageError)):
                query(_fill(text, url), graph=bundled_graph)
        for text in ALLOWED.values():
            query(text, graph=bundled_graph, timeout=None)
            query(text, graph=bundled_graph, timeout=10)
        for name in named_queries():
            query(name, NAMED_PARAMS.get(name), graph=bundled_graph)
        query("cio-roles")  # loads the bundled data itself
    finally:
        WATCH.active = False
    assert WATCH.connections == []
    stray = [p for p in WATCH.opened
             if not any(Path(os.path.abspath(p)).is_relative_to(root.resolve()) or
                        Path(os.path.abspath(p)).is_relative_to(root) for root in allowed_roots)]
    assert stray == []
    assert any(Path(p).suffix == ".ttl" for p in WATCH.opened)  # the watch did see the data being read


def test_cli_refuses_in_a_real_process(run_cli, listener):
    url, seen = listener.url, listener.seen
    before = len(seen)
    result = run_cli("query", "-e", _fill(NETWORK["service in optional"], url))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: line 1: SERVICE is refused")
    assert "Traceback" not in result.stderr
    assert len(seen) == before
    result = run_cli("query", "-e", UPDATES["delete where"])
    assert result.exit_code == 1 and "--allow-update" in result.stderr


def test_query_file_errors_name_the_file_and_line(tmp_path, cli):
    path = tmp_path / "bad.rq"
    path.write_text("SELECT * WHERE {\n  ?s ?p ?o\n  SERVICE <http://x/> { }\n}\n", encoding="utf-8")
    result = cli("query", str(path))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: {path}:3: SERVICE is refused: it would send part of the query to " \
                                    "another server over the network (pass --allow-network / allow_network=True " \
                                    "to permit it)"


# -- the tokenizer itself -----------------------------------------------------------------------


def test_tokenizer_decides_less_than_from_context():
    def kinds(text):
        return [(t.kind, t.text) for t in tokenize(text) if t.code and t.text.startswith("<")]

    assert kinds("SELECT * WHERE { ?s <http://e/p> ?o FILTER(?o<?x) }") == [("iri", "<http://e/p>"), ("punct", "<")]
    assert kinds("SELECT * WHERE { ?s ?p ?o FILTER(?o = <http://e/x>) }") == [("iri", "<http://e/x>")]
    assert kinds("SELECT * WHERE { ?s ?p ?o FILTER(<http://e/fn>(?o)) }") == [("iri", "<http://e/fn>")]
    assert kinds("SELECT * WHERE { ?s ?p ?o FILTER(?o IN (<http://e/a>, <http://e/b>)) }") == [
        ("iri", "<http://e/a>"), ("iri", "<http://e/b>")]
    assert kinds("SELECT * WHERE { ?s (<http://e/a>|<http://e/b>) (<http://e/c>) }") == [
        ("iri", "<http://e/a>"), ("iri", "<http://e/b>"), ("iri", "<http://e/c>")]
    assert kinds("SELECT (?a<?b AS ?c) WHERE { ?a ?p ?b }") == [("punct", "<")]


@pytest.mark.parametrize(
    "text, problem",
    [
        ("SELECT * WHERE { ?s ?p 'open }", "unexpected character"),
        ("SELECT * WHERE { ?s ?p ?o ", "never closed"),
        ("SELECT * WHERE { ?s ?p ?o ) }", "unexpected ')'"),
        ("SELECT * WHERE { ?s ?p ?o } }", "unexpected '}'"),
        ("SELECT * WHERE { ?s ?p ?o \u00a0}", "unexpected character"),
    ],
)
def test_tokenizer_refuses_what_it_cannot_read(text, problem):
    with pytest.raises(QueryError, match=f"syntax error: .*{re.escape(problem)}"):
        tokenize(text)


def test_form_detection():
    assert analyse("PREFIX a: <http://e/> BASE <http://e/> ASK {}").form == "ask"
    assert analyse("# c\nDESCRIBE <http://e/x>").form == "describe"
    assert analyse("INSERT DATA { <http://e/a> <http://e/b> 1 }").form == "update"
    with pytest.raises(QueryError, match="a query starts with SELECT"):
        check("WHERE { ?s ?p ?o }")
