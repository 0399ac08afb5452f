"""Parameters: typed from their syntax (or a named query's header), bound as values, never pasted.

The injection tests give every payload its own node in a fixture graph whose label is exactly
that payload: a parameter that stayed a plain value matches that one node and nothing else; one
that escaped into the query text would match more, less, or fail to parse.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyoxigraph as ox
import pytest

from leadgraph.errors import QueryError, UsageError
from leadgraph.loading import load
from leadgraph.sparql.params import bind, parse_assignments, serialize_term, to_term
from leadgraph.sparql.run import query
from leadgraph.sparql.safety import analyse, tokenize

XSD = "http://www.w3.org/2001/XMLSchema#"
EX = "https://example.org/inject/"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"

PAYLOADS = [
    'x" || true || "',
    "x' || true || '",
    'x"""',
    '"""x',
    "'''",
    'a""" } SERVICE <http://127.0.0.1:1/> { """b',
    "} ; DELETE WHERE { ?s ?p ?o } #",
    "{",
    "}",
    ">",
    "<",
    "x> ?p ?o } #",
    "#",
    "# not a comment",
    "line one\nline two",
    "carriage\r\nreturn",
    "back\\slash",
    '\\" || true || \\"',
    "\\u0022 || true || \\u0022",
    "\\U00000022) } #",
    "?s",
    "$p",
    'lgd:ayesha-rahim" . ?s ?p ?o . FILTER("1',
    "<http://example.org/x> } UNION { ?s ?p ?o }",
    '"',
    "'",
    "tab\there",
    "unicode é ✓ 𝄞 \u2028 \u202e",
    "' OR '1'='1",
    "VALUES ?v { 1 }",
    "SERVICE",
    " ",
    "",
]


@pytest.fixture(scope="module")
def payload_data(tmp_path_factory):
    """A data file: one node per payload labelled with exactly that payload, plus a decoy."""
    folder = tmp_path_factory.mktemp("inject")
    triples = [ox.Triple(ox.NamedNode(f"{EX}n{i}"), ox.NamedNode(RDFS_LABEL), ox.Literal(p))
               for i, p in enumerate(PAYLOADS)]
    triples.append(ox.Triple(ox.NamedNode(EX + "decoy"), ox.NamedNode(RDFS_LABEL), ox.Literal("decoy")))
    path = folder / "payloads.nt"
    path.write_bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
    return path


LOOKUP = "SELECT ?s WHERE { ?s rdfs:label ?v FILTER(STRSTARTS(STR(?s), 'https://example.org/inject/')) }"
FILTERED = "SELECT ?s WHERE { ?s rdfs:label ?label FILTER(?label = ?v) }"


def test_at_least_twenty_payloads():
    assert len(PAYLOADS) >= 20


@pytest.mark.parametrize("index", range(len(PAYLOADS)))
def test_payload_through_cli_matches_only_itself(index, payload_data, cli):
    value = PAYLOADS[index]
    for text in (LOOKUP, FILTERED):
        result = cli("--data", str(payload_data), "query", "-e", text, "--param", f"v={value}", "--format", "csv")
        assert result.exit_code == 0, result.stderr
        assert result.stdout.splitlines() == ["s", f"{EX}n{index}"], (value, text)


@pytest.mark.parametrize("index", range(len(PAYLOADS)))
def test_payload_through_the_library_matches_only_itself(index, payload_data):
    graph = load(payload_data)
    for value in (PAYLOADS[index], [PAYLOADS[index]], ox.Literal(PAYLOADS[index])):
        rows = query(FILTERED, {"v": value}, graph=graph, timeout=None).rows
        assert rows == [{"s": f"{EX}n{index}"}]


def test_payloads_in_a_real_process(payload_data, run_cli):
    for index in (0, 5, 6, 14, 18):
        result = run_cli("--data", str(payload_data), "query", "-e", FILTERED, "--param", f"v={PAYLOADS[index]}",
                         "--format", "csv")
        assert result.exit_code == 0, result.stderr
        assert result.stdout.splitlines() == ["s", f"{EX}n{index}"]


def test_payload_in_a_named_query_finds_no_one(cli):
    # As text pasted into FILTER(CONTAINS(...)) this would be `... || true || ...`: every leader.
    result = cli("query", "name-search", "--param", 'name=x" || true || "', "--format", "json")
    assert result.exit_code == 0 and result.stdout.strip() == "[]"


def test_values_never_reach_the_text_as_themselves():
    shape = analyse(FILTERED)
    bound = bind(FILTERED, shape, {"v": [ox.Literal(p) for p in PAYLOADS]})
    code = [t for t in tokenize(bound) if t.code]
    strings = [t for t in code if t.kind == "string"]
    assert len(strings) == len(PAYLOADS)
    assert all(set(s.text[1:-1].replace("\\u", "").replace("\\U", "")) <= set("0123456789ABCDEF") for s in strings)
    # Outside the escaped strings the text is the query plus one VALUES block.
    assert [t.text for t in code if t.kind != "string" and t.kind != "iri"][:4] == ["SELECT", "?s", "WHERE", "{"]


# -- typing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("<https://schema.org/Person>", ox.NamedNode("https://schema.org/Person")),
        ("lgd:ayesha-rahim", ox.NamedNode("https://w3id.org/leadgraph/id/ayesha-rahim")),
        ("schema:Person", ox.NamedNode("https://schema.org/Person")),
        ("nope:thing", ox.Literal("nope:thing")),
        ("https://example.org/x", ox.Literal("https://example.org/x")),
        ("15", ox.Literal("15", datatype=ox.NamedNode(XSD + "integer"))),
        ("-3", ox.Literal("-3", datatype=ox.NamedNode(XSD + "integer"))),
        ("2.50", ox.Literal("2.50", datatype=ox.NamedNode(XSD + "decimal"))),
        ("1e3", ox.Literal("1e3", datatype=ox.NamedNode(XSD + "double"))),
        ("2021-06-23", ox.Literal("2021-06-23", datatype=ox.NamedNode(XSD + "date"))),
        ("2021-02-30", ox.Literal("2021-02-30")),
        ('"15"', ox.Literal("15")),
        ("true", ox.Literal("true")),
        ("Phil", ox.Literal("Phil")),
    ],
)
def test_type_from_syntax(text, expected):
    assert to_term(text) == expected


@pytest.mark.parametrize(
    "text, kind, expected",
    [
        ("15", "string", ox.Literal("15")),
        ("lgd:x", "string", ox.Literal("lgd:x")),
        ("https://example.org/x", "iri", ox.NamedNode("https://example.org/x")),
        ("7", "decimal", ox.Literal("7", datatype=ox.NamedNode(XSD + "decimal"))),
        ("TRUE", "boolean", ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))),
    ],
)
def test_declared_type_wins(text, kind, expected):
    assert to_term(text, kind) == expected


@pytest.mark.parametrize(
    "text, kind, message",
    [
        ("twelve", "integer", "'twelve' is not an integer"),
        ("1.5", "integer", "is not an integer"),
        ("2021-13-01", "date", "not a valid date"),
        ("Phil", "iri", "is not an IRI"),
        ("maybe", "boolean", "is not a boolean"),
        ("<https://e/a b>", "any", "not a usable IRI"),
        ("<https://e/a\"b>", "any", "not a usable IRI"),
        ("<https://e/a>b>", "any", "not a usable IRI"),
        ("<file:///etc/passwd>", "any", "file: IRI .* refused"),
        ("<no-scheme>", "any", "not a usable IRI"),
    ],
)
def test_bad_values_are_usage_errors(text, kind, message):
    with pytest.raises(UsageError, match=message):
        to_term(text, kind)


def test_python_values():
    assert to_term(3) == ox.Literal("3", datatype=ox.NamedNode(XSD + "integer"))
    assert to_term(Decimal("1.50")) == ox.Literal("1.50", datatype=ox.NamedNode(XSD + "decimal"))
    assert to_term(dt.date(2021, 6, 23)) == ox.Literal("2021-06-23", datatype=ox.NamedNode(XSD + "date"))
    assert to_term(True) == ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))
    assert to_term(0.5).datatype == ox.NamedNode(XSD + "double")
    import rdflib

    assert to_term(rdflib.URIRef("https://e/x")) == ox.NamedNode("https://e/x")
    assert to_term(rdflib.Literal("hi", lang="en")) == ox.Literal("hi", language="en")
    with pytest.raises(UsageError, match="cannot use a dict"):
        to_term({})


def test_parse_assignments_errors():
    with pytest.raises(UsageError, match="NAME=VALUE"):
        parse_assignments(["novalue"])
    with pytest.raises(UsageError, match="NAME=VALUE"):
        parse_assignments(["bad name=1"])
    assert parse_assignments(["?x=1", "$y=2"]) == {"x": ["1"], "y": ["2"]}


def test_serialized_terms_are_inert():
    assert serialize_term(ox.Literal("a")) == '"\\u0061"^^<http://www.w3.org/2001/XMLSchema#string>'
    assert serialize_term(ox.Literal("a", language="en")) == '"\\u0061"@en'
    assert serialize_term(ox.Literal("𝄞")) == '"\\U0001D11E"^^<http://www.w3.org/2001/XMLSchema#string>'
    with pytest.raises(UsageError, match="datatype"):
        serialize_term(ox.Literal("x", datatype=ox.NamedNode("http://e/a'b")))


# -- declared parameters of named queries ------------------------------------------------------


def test_missing_required_parameter(cli):
    result = cli("query", "leaders-with-trait")
    assert result.exit_code == 2
    assert "missing parameter 'trait' (iri)" in result.stderr and "--param trait=VALUE" in result.stderr


def test_unknown_parameter_lists_the_known_ones(cli):
    result = cli("query", "long-service", "--param", "years=3")
    assert result.exit_code == 2
    assert "unknown parameter 'years' for this query (it takes: min)" in result.stderr


def test_ill_typed_parameter(cli):
    result = cli("query", "long-service", "--param", "min=many")
    assert result.exit_code == 2
    assert "parameter 'min': 'many' is not an integer" in result.stderr


def test_ad_hoc_parameter_must_be_a_variable(cli):
    result = cli("query", "-e", "SELECT ?s WHERE { ?s ?p ?o }", "--param", "x=1")
    assert result.exit_code == 2 and "the query has no variable ?x" in result.stderr


def test_repeated_parameter_means_any_of(bundled_graph):
    rows = query("leaders-with-trait", {"trait": ["lgd:trait-resilience", "lgd:trait-trust"]},
                 graph=bundled_graph, timeout=None).rows
    assert [(r["name"], r["traitName"]) for r in rows] == [
        ("Garry Harris", "Mutual trust"), ("Garry Harris", "Resilience"), ("Phill James", "Resilience")]


def test_string_parameter_is_text_even_when_it_looks_like_a_number(cli):
    result = cli("query", "name-search", "--param", "name=123", "--format", "json")
    assert result.exit_code == 0 and result.stdout.strip() == "[]"


# -- where the VALUES block goes ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        # A variable used only in a FILTER (Oxigraph's substitutions= refuses this one).
        ("SELECT ?name WHERE { ?p foaf:name ?name FILTER(?name = ?who) }", [{"name": "Gregg Holland"}]),
        ("SELECT * WHERE { ?p foaf:name ?name FILTER(?name = ?who) }",
         [{"p": "https://w3id.org/leadgraph/id/gregg-holland", "name": "Gregg Holland", "who": "Gregg Holland"}]),
        # In an OPTIONAL's filter.
        ("SELECT ?p ?n WHERE { ?p a lg:Leader OPTIONAL { ?p foaf:name ?n FILTER(?n = ?who) } "
         "FILTER(BOUND(?n)) }", [{"p": "https://w3id.org/leadgraph/id/gregg-holland", "n": "Gregg Holland"}]),
        # A whole-group sub-select.
        ("SELECT ?name WHERE { SELECT ?name WHERE { ?p foaf:name ?name FILTER(?name = ?who) } }",
         [{"name": "Gregg Holland"}]),
        # Aggregates.
        ("SELECT (COUNT(*) AS ?n) WHERE { ?p foaf:name ?name FILTER(?name != ?who) }", [{"n": 5}]),
    ],
)
def test_values_block_placement(text, expected, bundled_graph):
    assert query(text, {"who": "Gregg Holland"}, graph=bundled_graph, timeout=None).rows == expected


def test_placement_in_ask_construct_and_describe(bundled_graph):
    def run(text, **params):
        return query(text, params, graph=bundled_graph, timeout=None)

    assert run("ASK { ?p foaf:name ?who }", who="Arif Patel").boolean is True
    assert run("ASK WHERE { ?p foaf:name ?who }", who="Nobody").boolean is False
    short = run("CONSTRUCT WHERE { ?p foaf:name ?who }", who="Arif Patel")
    assert [str(t) for t in short.triples] == [
        '<https://w3id.org/leadgraph/id/arif-patel> <http://xmlns.com/foaf/0.1/name> "Arif Patel"']
    full = run("CONSTRUCT { ?p rdfs:comment ?who } WHERE { ?p foaf:name ?who }", who="Arif Patel")
    assert len(full) == 1
    described = run("DESCRIBE ?p", p="lgd:arif-patel")
    assert {str(t.subject) for t in described.triples} == {"<https://w3id.org/leadgraph/id/arif-patel>"}
    assert len(run("DESCRIBE ?p WHERE { ?p foaf:name ?who }", who="Arif Patel")) == len(described)


def test_parameters_in_an_update_are_refused(tmp_path, bundled_graph):
    with pytest.raises(UsageError, match="not supported in updates"):
        query("DELETE WHERE { ?s foaf:name ?n }", {"n": "x"}, graph=bundled_graph, allow_update=True,
              update_output=tmp_path / "out.ttl")


def test_engine_errors_are_query_errors(bundled_graph):
    with pytest.raises(QueryError, match="syntax error"):
        query("SELECT ?s WHERE { ?s ?p }", graph=bundled_graph, timeout=None)
    with pytest.raises(QueryError, match="syntax error"):
        query("SELECT ?s WHERE { ?s ?p }", graph=bundled_graph, timeout=5)


def test_query_prefixes_expand_parameter_values_too(cli, bundled_graph):
    """A PREFIX the query declares wins for --param values, as it does in the query text."""
    own = "PREFIX ex: <https://w3id.org/leadgraph/id/> SELECT ?n WHERE { ?p foaf:name ?n }"
    result = cli("query", "-e", own, "--param", "p=ex:phill-james", "--format", "csv")
    assert result.exit_code == 0 and result.stdout == "n\nPhill James\n"
    redefined = "PREFIX lgd: <http://example.org/other/> SELECT ?p WHERE { }"
    rows = query(redefined, {"p": "lgd:phill-james"}, graph=bundled_graph, timeout=None).rows
    assert rows == [{"p": "http://example.org/other/phill-james"}]
    # Without the PREFIX line the project's lgd: applies, and an unknown prefix is plain text.
    assert query("SELECT ?p WHERE { }", {"p": "lgd:x"}, graph=bundled_graph, timeout=None).rows == [
        {"p": "https://w3id.org/leadgraph/id/x"}]
    assert query("SELECT ?p WHERE { }", {"p": "ex:x"}, graph=bundled_graph, timeout=None).rows == [{"p": "ex:x"}]


def test_declared_prefixes_are_read_from_the_tokens():
    shape = analyse("PREFIX a: <http://e/a#> PREFIX : <http://e/empty/> prefix B: <http://e/\\u0042/> "
                    "PREFIX r: <relative/> SELECT * WHERE { ?s ?p 'PREFIX x: <http://e/x>' }")
    assert shape.prefixes == {"a": "http://e/a#", "": "http://e/empty/", "B": "http://e/B/"}
