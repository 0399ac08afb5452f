"""Result formats, read back with independent parsers, and the Python values the library returns."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pyoxigraph as ox
import pytest

from leadgraph.errors import UsageError
from leadgraph.sparql.run import query
from leadgraph.sparql.results import FORMATS, GRAPH_FORMATS, TABLE_FORMATS, QueryResult, to_python

LGD = "https://w3id.org/leadgraph/id/"
CIO = [
    ("Ayesha Rahim", "CCIO", "Lancashire and South Cumbria NHS Foundation Trust"),
    ("Gregg Holland", "CIO", "Liverpool Heart and Chest Hospital NHS Foundation Trust"),
    ("Phill James", "CIO and Director of Digital", "Warrington Together and Halton One"),
]
EMPTY = "SELECT ?p ?name WHERE { ?p foaf:name ?name FILTER(?name = 'Nobody At All') }"


@pytest.fixture(scope="module")
def cio(bundled_graph):
    return query("cio-roles", graph=bundled_graph, timeout=None)


def test_rows_are_plain_python(cio):
    assert [(r["name"], r["jobTitle"], r["organisationName"]) for r in cio.rows] == CIO
    assert cio.variables == ["person", "name", "jobTitle", "organisation", "organisationName"]
    assert cio.rows[0]["person"] == LGD + "ayesha-rahim"
    assert len(cio) == 3 and bool(cio) and list(cio) == cio.rows
    assert repr(cio) == "<QueryResult SELECT 3 rows>"


def test_python_value_types(bundled_graph):
    row = query("long-service", {"min": 30}, graph=bundled_graph, timeout=None).rows[0]
    assert row["years"] == 32 and type(row["years"]) is int
    assert row["atLeast"] is False
    assert row["asOf"] == dt.date(2021, 6, 23)
    assert isinstance(row["person"], str)
    values = query("SELECT ?d ?f ?b ?missing WHERE { BIND(1.50 AS ?d) BIND(2.5e0 AS ?f) BIND(true AS ?b) }",
                   graph=bundled_graph, timeout=None).rows
    assert values == [{"d": Decimal("1.50"), "f": 2.5, "b": True, "missing": None}]


def test_to_python_keeps_malformed_values_as_text():
    assert to_python(ox.Literal("x", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))) == "x"
    assert to_python(ox.Literal("hi", language="en")) == "hi"
    assert to_python(ox.BlankNode("b1")) == "_:b1"


def test_table_is_aligned_and_counts_rows(cio):
    lines = cio.serialize("table").decode().splitlines()
    assert lines[0].split() == cio.variables
    assert set(lines[1]) == {"-", " "}
    assert lines[-1] == "(3 rows)"
    starts = [i for i, c in enumerate(lines[1]) if c == "-" and (i == 0 or lines[1][i - 1] == " ")]
    for line in lines[2:-1]:
        for start in starts[1:]:
            assert line[start - 2 : start] == "  " and line[start] != " "
    assert "lgd:ayesha-rahim" in lines[2]  # IRIs shown as prefixed names


def test_table_labels_replace_iris(cio):
    text = cio.serialize("table", labels=True).decode()
    assert "lgd:" not in text
    assert "Lancashire and South Cumbria NHS Foundation Trust" in text.splitlines()[2]
    rows = list(csv.reader(io.StringIO(cio.serialize("csv", labels=True).decode())))
    assert rows[1][:2] == ["Ayesha Rahim", "Ayesha Rahim"]


def test_long_values_are_shortened_only_in_the_table(bundled_graph):
    result = query("headline-advice", graph=bundled_graph, timeout=None)
    table = result.serialize("table").decode()
    arif = next(line for line in table.splitlines() if "Arif" in line)
    assert "You need to be a subject matter expert and have the level u…" in arif
    full = json.loads(result.serialize("json"))
    assert full[0]["advice"].endswith("with the philosophy of change always in the back of your mind")


def test_csv_and_tsv(cio):
    for fmt, delimiter in (("csv", ","), ("tsv", "\t")):
        rows = list(csv.reader(io.StringIO(cio.serialize(fmt).decode()), delimiter=delimiter))
        assert rows[0] == cio.variables
        assert [(r[1], r[2], r[4]) for r in rows[1:]] == CIO
        assert rows[1][0] == LGD + "ayesha-rahim"


def test_json_and_jsonl(cio, bundled_graph):
    objects = json.loads(cio.serialize("json"))
    assert [(o["name"], o["jobTitle"], o["organisationName"]) for o in objects] == CIO
    lines = cio.serialize("jsonl").decode().splitlines()
    assert [json.loads(line) for line in lines] == objects
    typed = json.loads(query("long-service", graph=bundled_graph, timeout=None).serialize("json"))
    assert typed[0]["years"] == 32 and typed[0]["atLeast"] is False and typed[0]["asOf"] == "2021-06-23"


def test_w3c_formats_round_trip(cio):
    for fmt, parser_format in (("sparql-json", ox.QueryResultsFormat.JSON), ("sparql-xml", ox.QueryResultsFormat.XML)):
        parsed = ox.parse_query_results(cio.serialize(fmt), parser_format)
        assert [v.value for v in parsed.variables] == cio.variables
        assert [[to_python(s[v]) for v in cio.variables] for s in parsed] == [list(r.values()) for r in cio.rows]
    document = json.loads(cio.serialize("sparql-json"))
    assert document["results"]["bindings"][0]["person"] == {"type": "uri", "value": LGD + "ayesha-rahim"}


def test_ask_in_every_format(bundled_graph):
    yes = query("ASK { lgd:ayesha-rahim a lg:Leader }", graph=bundled_graph, timeout=None)
    no = query("ASK { lgd:ayesha-rahim a lg:Trait }", graph=bundled_graph, timeout=None)
    assert yes.boolean is True and bool(yes) and no.boolean is False and not no
    for fmt in ("table", "csv", "tsv", "jsonl"):
        assert yes.serialize(fmt) == b"true\n" and no.serialize(fmt) == b"false\n"
    assert json.loads(yes.serialize("json")) is True
    assert json.loads(yes.serialize("sparql-json"))["boolean"] is True
    assert bool(ox.parse_query_results(no.serialize("sparql-xml"), ox.QueryResultsFormat.XML)) is False


def test_graph_formats_parse_back(bundled_graph):
    import rdflib

    result = query("person-neighbourhood", {"person": "lgd:gregg-holland"}, graph=bundled_graph, timeout=None)
    expected = set(result.graph)
    assert len(expected) == len(result) > 10
    for fmt, rdflib_format in (("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")):
        parsed = rdflib.Graph().parse(data=result.serialize(fmt).decode(), format=rdflib_format)
        assert set(parsed) == expected, fmt
    turtle = result.serialize().decode()  # ttl is the default for graphs
    assert "@prefix lgd: <https://w3id.org/leadgraph/id/> ." in turtle
    assert "@prefix time:" not in turtle  # only the prefixes the triples use
    described = query("DESCRIBE lgd:org-rbq", graph=bundled_graph, timeout=None)
    assert described.form == "describe" and {str(t.subject) for t in described} == {f"<{LGD}org-rbq>"}


def test_wrong_format_for_the_form(cio, bundled_graph):
    with pytest.raises(UsageError, match="is for CONSTRUCT/DESCRIBE"):
        cio.serialize("ttl")
    graph_result = query("CONSTRUCT WHERE { ?p foaf:name ?n }", graph=bundled_graph, timeout=None)
    with pytest.raises(UsageError, match="returns triples: use --format ttl, nt or jsonld"):
        graph_result.serialize("csv")
    with pytest.raises(UsageError, match="returns no graph"):
        cio.graph
    with pytest.raises(UsageError, match="unknown format"):
        cio.serialize("xlsx")


def test_empty_results_in_every_format(bundled_graph):
    empty = query(EMPTY, graph=bundled_graph, timeout=None)
    assert empty.rows == [] and not empty
    assert empty.serialize("table").decode().splitlines()[-1] == "(no results)"
    assert empty.serialize("csv") == b"p,name\n"
    assert empty.serialize("tsv") == b"p\tname\n"
    assert json.loads(empty.serialize("json")) == []
    assert empty.serialize("jsonl") == b""
    assert json.loads(empty.serialize("sparql-json"))["results"]["bindings"] == []
    assert list(ox.parse_query_results(empty.serialize("sparql-xml"), ox.QueryResultsFormat.XML)) == []


@pytest.mark.parametrize("fmt", TABLE_FORMATS)
def test_cli_formats_and_empty_exit_zero(fmt, cli):
    full = cli("query", "cio-roles", "--format", fmt)
    assert full.exit_code == 0 and "Gregg Holland" in full.stdout
    empty = cli("query", "-e", EMPTY, "--format", fmt)
    assert empty.exit_code == 0 and empty.stderr == ""


@pytest.mark.parametrize("fmt", GRAPH_FORMATS)
def test_cli_graph_formats(fmt, cli):
    result = cli("query", "person-neighbourhood", "--param", "person=lgd:arif-patel", "--format", fmt)
    assert result.exit_code == 0 and "arif-patel" in result.stdout


def test_cli_output_file_is_written_atomically(cli, tmp_path):
    target = tmp_path / "cio.csv"
    target.write_text("old contents\n", encoding="utf-8")
    result = cli("query", "cio-roles", "--format", "csv", "-o", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert target.read_text(encoding="utf-8") == cli("query", "cio-roles", "--format", "csv").stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cio.csv"]  # no temp file left behind
    fresh = tmp_path / "new-folder" / "x.csv"  # missing folders are created, like mkdir -p
    assert cli("query", "cio-roles", "--format", "csv", "-o", str(fresh)).exit_code == 0
    assert fresh.read_text(encoding="utf-8") == target.read_text(encoding="utf-8")
    blocked = target / "x.csv"  # a file stands where the folder would be
    failed = cli("query", "cio-roles", "-o", str(blocked))
    assert failed.exit_code == 1 and failed.stderr.startswith("error:")
    assert target.read_text(encoding="utf-8") == fresh.read_text(encoding="utf-8")  # untouched


def test_cli_wrong_format_is_a_usage_error(cli):
    result = cli("query", "cio-roles", "--format", "ttl")
    assert result.exit_code == 2 and "is for CONSTRUCT/DESCRIBE" in result.stderr


def test_format_lists_agree_with_the_cli():
    from leadgraph.cli import query as cli_query
    from leadgraph.sparql.run import DEFAULT_TIMEOUT

    assert cli_query.TABLE_FORMATS + cli_query.GRAPH_FORMATS == FORMATS
    assert cli_query.DEFAULT_TIMEOUT == DEFAULT_TIMEOUT


def test_update_result_text():
    result = QueryResult("update", b"", summary={"added": 1, "removed": 2, "triples": 3, "output": "x.ttl"})
    assert result.serialize() == b"update applied: 1 triples added, 2 removed; wrote x.ttl (3 triples)\n"
    assert json.loads(result.serialize("json"))["removed"] == 2


WIDE = ("SELECT ?text ?n WHERE { VALUES (?text ?n) { ('日本語テキスト' 1) ('e\\u0301cole' 2) ('x' 3) "
        "('😀😀' 4) ('“quoted”' 5) } }")


def test_table_aligns_by_display_width_not_code_points(bundled_graph):
    """Wide (CJK, emoji) and zero-width (combining) characters keep the columns straight."""
    import unicodedata

    def columns(line: str) -> int:
        return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
                   for c in line)

    lines = query(WIDE, graph=bundled_graph, timeout=None).serialize("table").decode().splitlines()
    number_column = columns(lines[1].rsplit("  ", 1)[0]) + 2
    for line, n in zip(lines[2:-1], "12345"):
        head, _, tail = line.rpartition("  ")
        assert tail == n and columns(head.rstrip()) + len(head) - len(head.rstrip()) + 2 == number_column, line


def test_table_shortens_wide_text_to_the_width(bundled_graph):
    from leadgraph.tabular import display_width

    long = query("SELECT ?t WHERE { VALUES ?t { '" + "日本語" * 13 + "' } }", graph=bundled_graph, timeout=None)
    cell = long.serialize("table").decode().splitlines()[2]
    assert cell.endswith("…") and display_width(cell) <= 60


def test_table_neutralises_terminal_control_characters(bundled_graph):
    text = "SELECT ?t WHERE { VALUES ?t { 'red\\u001b[31m alert\\u202Eevil\\u0007' } }"
    table = query(text, graph=bundled_graph, timeout=None).serialize("table").decode()
    assert "\x1b" not in table and "\u202e" not in table and "\x07" not in table
    assert "red\ufffd[31m alert\ufffdevil\ufffd" in table


def test_table_for_a_select_without_variables(bundled_graph):
    assert query("SELECT * WHERE { }", graph=bundled_graph, timeout=None).serialize("table") == b"(1 row)\n"
    assert query("SELECT * WHERE { FILTER(false) }", graph=bundled_graph,
                 timeout=None).serialize("table") == b"(no results)\n"


def test_every_text_format_ends_with_a_newline(bundled_graph):
    graph_result = query("person-neighbourhood", {"person": "lgd:arif-patel"}, graph=bundled_graph, timeout=None)
    for fmt in GRAPH_FORMATS:
        assert graph_result.serialize(fmt).endswith(b"\n"), fmt
    ask = query("ASK { }", graph=bundled_graph, timeout=None)
    for fmt in TABLE_FORMATS:
        assert ask.serialize(fmt).endswith(b"\n"), fmt
    with pytest.raises(UsageError, match="an ASK query gives"):
        ask.serialize("nt")


@pytest.mark.parametrize(
    "name, reader",
    [
        ("out.csv", lambda b: next(csv.reader(io.StringIO(b.decode())))),
        ("out.tsv", lambda b: b.decode().splitlines()[0].split("\t")),
        ("out.json", lambda b: list(json.loads(b)[0])),
        ("out.jsonl", lambda b: list(json.loads(b.decode().splitlines()[0]))),
        ("out.srj", lambda b: json.loads(b)["head"]["vars"]),
        ("out.SRX", lambda b: [v.value for v in ox.parse_query_results(b, ox.QueryResultsFormat.XML).variables]),
    ],
)
def test_output_extension_sets_the_format(name, reader, cli, tmp_path):
    target = tmp_path / name
    assert cli("query", "cio-roles", "-o", str(target)).exit_code == 0
    assert reader(target.read_bytes()) == ["person", "name", "jobTitle", "organisation", "organisationName"]


def test_output_extension_for_graphs_and_explicit_format_wins(cli, tmp_path):
    nt = tmp_path / "n.nt"
    assert cli("query", "person-neighbourhood", "-p", "person=lgd:arif-patel", "-o", str(nt)).exit_code == 0
    assert list(ox.parse(nt.read_bytes(), ox.RdfFormat.N_TRIPLES))
    assert not nt.read_text(encoding="utf-8").startswith("@prefix")
    chosen = tmp_path / "table.csv"
    assert cli("query", "cio-roles", "--format", "table", "-o", str(chosen)).exit_code == 0
    assert chosen.read_text(encoding="utf-8").splitlines()[-1] == "(3 rows)"
    unknown = tmp_path / "answers.out"
    assert cli("query", "cio-roles", "-o", str(unknown)).exit_code == 0
    assert unknown.read_text(encoding="utf-8").splitlines()[-1] == "(3 rows)"  # the default
    mismatch = cli("query", "person-neighbourhood", "-p", "person=lgd:arif-patel", "-o", str(tmp_path / "x.csv"))
    assert mismatch.exit_code == 2 and not (tmp_path / "x.csv").exists()


def test_csv_and_tsv_answers_are_guarded_against_spreadsheet_formulas(cli, tmp_path):
    # Query results reach spreadsheets too: a value that would run as a formula shows as text.
    data = tmp_path / "x.ttl"
    data.write_text('<https://e.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "=HYPERLINK(\\"http://x\\")" .\n'
                    '<https://e.org/b> <http://www.w3.org/2000/01/rdf-schema#label> "-1" .\n')
    query = "SELECT ?l WHERE { ?s rdfs:label ?l FILTER(STRSTARTS(STR(?s), 'https://e.org/')) } ORDER BY ?l"
    for fmt, sep in (("csv", ","), ("tsv", "\t")):
        result = cli("--data", str(data), "query", "-e", query, "-f", fmt)
        assert result.exit_code == 0, result.stderr
        lines = result.stdout.splitlines()
        assert lines[1] == "'-1"
        assert lines[2].strip('"').startswith("'=HYPERLINK(")
