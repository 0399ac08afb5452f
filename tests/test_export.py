"""leadgraph.exporting and `leadgraph export`: every format written and read back with the tool it is for.

Graph formats are compared with the projection they were written from (networkx, igraph, json, csv
read them back); RDF formats are parsed back and compared with the store. Runs on the fictional
fixture tests/fixtures/export/mini.ttl and on the bundled data.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

from leadgraph.errors import QueryError, UsageError
from leadgraph.exporting import FORMATS, csv_paths, export
from leadgraph.namespaces import LGD
from leadgraph.network.selection import select

MINI = Path(__file__).parent / "fixtures" / "export" / "mini.ttl"
EX = "https://example.org/lgtest/"
GRAPH_FORMATS = ["graphml", "gexf", "cyjs", "json"]


def assert_same_graph(read, original, ignore_edge_keys=()):
    assert list(read.nodes) == list(original.nodes)
    for n, data in original.nodes(data=True):
        assert read.nodes[n] == data, n
    assert read.number_of_edges() == original.number_of_edges()
    for u, v, k, data in original.edges(keys=True, data=True):
        got = {key: value for key, value in read.edges[u, v, k].items() if key not in ignore_edge_keys}
        assert got == data, k


# -- each format, read back ---------------------------------------------------------------------


def test_graphml_read_by_networkx(mini, net, tmp_path):
    path = tmp_path / "g.graphml"
    assert export(mini, "graphml", path) == [path]
    read = nx.read_graphml(path, force_multigraph=True)
    # Types survive: years_of_service stays an int, current a bool; the edge id is the key.
    assert_same_graph(read, net, ignore_edge_keys=("id",))


def test_graphml_read_by_igraph(mini, net, tmp_path):
    import igraph  # in the [test] extra: a missing igraph fails this test, it never skips
    path = tmp_path / "g.graphml"
    export(mini, "graphml", path)
    graph = igraph.Graph.Read_GraphML(str(path))
    assert graph.is_directed()
    assert (graph.vcount(), graph.ecount()) == (31, 43)
    assert sorted(graph.vs["id"]) == sorted(net.nodes)
    robin = graph.vs.find(id=EX + "robin-ash")
    assert robin["kind"] == "person" and robin["label"] == "Robin Ash"
    assert robin["years_of_service"] == 16  # igraph keeps numbers as floats: 16.0 == 16
    assert robin["headline_advice"] == net.nodes[EX + "robin-ash"]["headline_advice"]
    relations = sorted(e["relation"] for e in graph.es)
    assert relations == sorted(d["relation"] for _, _, d in net.edges(data=True))
    current = {e["current"] for e in graph.es.select(relation_eq="holds role at")}
    assert current == {True, False}


def test_gexf_read_by_networkx(mini, net, tmp_path):
    path = tmp_path / "g.gexf"
    export(mini, "gexf", path)
    read = nx.read_gexf(path)
    assert isinstance(read, nx.MultiDiGraph)  # Sam Okoro has two edges to South: kept apart
    # GEXF gives each edge its relation as a label (Gephi shows it) and its id.
    assert_same_graph(read, net, ignore_edge_keys=("id", "label"))
    for u, v, k, data in read.edges(keys=True, data=True):
        assert data["label"] == data["relation"] and data["id"] == k
    assert b"lastmodifieddate" not in path.read_bytes()  # a date stamp would change every day


def test_gexf_is_what_gephi_reads(mini, net, tmp_path):
    """Standard GEXF 1.2 namespace, a label on every node and edge, every attribute declared with
    a GEXF type, and no column that only repeats the edge id (networkx's "networkx_key")."""
    import xml.etree.ElementTree as ET

    ns = "{http://www.gexf.net/1.2draft}"
    root = ET.fromstring(export(mini, "gexf"))
    assert root.tag == ns + "gexf" and root.get("version") == "1.2"
    declared = {}
    for group in root.iter(ns + "attributes"):
        for attribute in group:
            assert attribute.get("type") in {"string", "long", "integer", "double", "float", "boolean"}
            declared[(group.get("class"), attribute.get("id"))] = attribute.get("title")
    assert "networkx_key" not in declared.values()
    for cls in ("node", "edge"):
        elements = list(root.iter(ns + cls))
        assert len(elements) == (net.number_of_nodes() if cls == "node" else net.number_of_edges())
        for element in elements:
            assert element.get("label")
            for value in element.iter(ns + "attvalue"):
                assert (cls, value.get("for")) in declared
    robin = next(e for e in root.iter(ns + "node") if e.get("id") == EX + "robin-ash")
    assert robin.get("label") == "Robin Ash"


def test_csv_cells_never_run_as_spreadsheet_formulas(tmp_path):
    from leadgraph.exporting import to_csv

    g = nx.MultiDiGraph()
    hostile = ["=HYPERLINK(\"https://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]
    for i, text in enumerate(hostile):
        g.add_node(f"n{i}", kind="person", label=text, years_of_service=-3)
    g.add_edge("n0", "n1", key="e", relation="=cmd|' /C calc'!A0", quote="Fine - a dash inside is kept")
    nodes, edges = (list(csv.DictReader(io.StringIO(doc.decode("utf-8-sig")))) for doc in to_csv(g))
    assert [row["label"] for row in nodes] == ["'" + text for text in hostile]
    assert {row["years_of_service"] for row in nodes} == {"-3"}  # numbers stay numbers
    assert edges[0]["relation"] == "'=cmd|' /C calc'!A0"
    assert edges[0]["quote"] == "Fine - a dash inside is kept"


def test_cytoscape_json(mini, net, tmp_path):
    path = tmp_path / "g.cyjs"
    export(mini, "cyjs", path)
    document = json.loads(path.read_text(encoding="utf-8"))
    nodes, edges = document["elements"]["nodes"], document["elements"]["edges"]
    assert [n["data"]["id"] for n in nodes] == list(net.nodes)
    ids = {n["data"]["id"] for n in nodes}
    robin = next(n["data"] for n in nodes if n["data"]["id"] == EX + "robin-ash")
    assert robin["name"] == "Robin Ash" and robin["kind"] == "person" and robin["years_of_service"] == 16
    assert len(edges) == 43
    assert len({e["data"]["id"] for e in edges}) == 43
    for edge in edges:
        data = edge["data"]
        assert isinstance(data["id"], str) and data["source"] in ids and data["target"] in ids
        assert data["interaction"] == data["relation"]
        assert None not in data.values()


def test_node_link_json_for_d3(mini, net, tmp_path):
    path = tmp_path / "g.json"
    export(mini, "json", path)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert set(document) == {"directed", "multigraph", "graph", "nodes", "links"}
    link = document["links"][0]
    assert {"source", "target", "key", "relation"} <= set(link)
    assert_same_graph(nx.node_link_graph(document, edges="links"), net)


def test_csv_nodes_and_edges(mini, net, tmp_path):
    written = export(mini, "csv", tmp_path / "leaders.csv")
    assert written == [tmp_path / "leaders-nodes.csv", tmp_path / "leaders-edges.csv"]
    assert written[0].read_bytes().startswith(b"\xef\xbb\xbfid,kind,label,")  # BOM for Excel
    with written[0].open(encoding="utf-8-sig", newline="") as fh:
        nodes = list(csv.DictReader(fh))
    with written[1].open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        edges = list(reader)
        assert reader.fieldnames[:4] == ["id", "source", "target", "relation"]
        assert reader.fieldnames[4:] == sorted(reader.fieldnames[4:])
    assert [row["id"] for row in nodes] == list(net.nodes)
    assert len(edges) == 43
    robin = next(row for row in nodes if row["id"] == EX + "robin-ash")
    # The quotation's comma, quotes, semicolon, newline and non-ASCII come back intact.
    assert robin["headline_advice"] == net.nodes[EX + "robin-ash"]["headline_advice"]
    assert robin["years_of_service"] == "16" and robin["ods_code"] == ""
    earlier = next(row for row in edges if row["id"] == f"{EX}robin-ash-role-ambulance|holds-role-at|{EX}org-ambulance")
    assert earlier["current"] == "false" and earlier["source"] == EX + "robin-ash"
    assert earlier["source_iri"] == EX + "report"


@pytest.mark.parametrize(("fmt", "rdf_format"), [
    ("ttl", ox.RdfFormat.TURTLE), ("nt", ox.RdfFormat.N_TRIPLES), ("jsonld", ox.RdfFormat.JSON_LD),
])
def test_rdf_whole_graph(mini, fmt, rdf_format):
    parsed = ox.Dataset(ox.parse(export(mini, fmt), rdf_format))
    original = ox.Dataset(mini.store.oxigraph.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    parsed.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)  # the fixture has blank nodes
    original.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    assert len(parsed) == len(original) == len(mini)
    assert set(parsed) == set(original)


@pytest.mark.parametrize(("fmt", "rdf_format"), [("nt", ox.RdfFormat.N_TRIPLES), ("jsonld", ox.RdfFormat.JSON_LD)])
def test_rdf_of_a_selection(mini, fmt, rdf_format):
    expected = select(mini, focus="Morgan Lee", hops=1).triples()
    parsed = {q.triple for q in ox.parse(export(mini, fmt, focus="Morgan Lee"), rdf_format)}
    assert parsed == set(expected) and len(expected) > 0


def test_rdf_of_a_query(mini, tmp_path):
    query = tmp_path / "leaders.rq"
    query.write_text("CONSTRUCT { ?p a lg:Leader } WHERE { ?p a lg:Leader }")
    lines = export(mini, "nt", query=query).decode().splitlines()
    assert sorted(lines) == sorted(
        f"<{EX}{p}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/leadgraph/ontology#Leader> ."
        for p in ("robin-ash", "morgan-lee", "sam-patel", "sam-okoro")
    )


def test_raw_graph_export(mini, tmp_path):
    path = tmp_path / "raw.graphml"
    export(mini, "graphml", path, raw=True)
    read = nx.read_graphml(path, force_multigraph=True)
    assert read.number_of_edges() == len(mini)
    assert read.nodes['"16"^^<http://www.w3.org/2001/XMLSchema#integer>']["kind"] == "literal"


# -- determinism and atomic writes ----------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_twice_is_byte_identical(mini, tmp_path, fmt):
    first = export(mini, fmt, tmp_path / "a", focus="Robin Ash", hops=2)
    second = export(mini, fmt, tmp_path / "b", focus="Robin Ash", hops=2)
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes()


def test_identical_across_processes(tmp_path):
    # Two separate interpreters (fresh hash seeds, fresh blank-node ids) give the same bytes.
    code = (
        "import sys; from leadgraph.exporting import export; "
        "[export(None, f, sys.argv[1] + '.' + f, focus='Gary', hops=2) for f in ('graphml', 'gexf', 'ttl', 'jsonld')]"
    )
    for run in ("one", "two"):
        subprocess.run([sys.executable, "-c", code, str(tmp_path / run)], check=True)
    for fmt in ("graphml", "gexf", "ttl", "jsonld"):
        assert (tmp_path / f"one.{fmt}").read_bytes() == (tmp_path / f"two.{fmt}").read_bytes(), fmt


def test_existing_file_replaced_only_on_success(mini, tmp_path):
    target = tmp_path / "out.graphml"
    target.write_text("old")
    with pytest.raises(UsageError):
        export(mini, "graphml", target, focus="nobody at all")
    with pytest.raises(QueryError):
        export(mini, "graphml", target, focus="Morgan Lee", trait="resilience")
    assert target.read_text() == "old"
    export(mini, "graphml", target)
    assert target.read_bytes().startswith(b"<?xml")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.graphml"]  # no temp files left


def test_csv_paths():
    assert [p.name for p in csv_paths("out/leaders")] == ["leaders-nodes.csv", "leaders-edges.csv"]
    assert [p.name for p in csv_paths("leaders.CSV")] == ["leaders-nodes.csv", "leaders-edges.csv"]


def test_csv_into_a_folder(mini, tmp_path):
    assert export(mini, "csv", tmp_path) == [tmp_path / "nodes.csv", tmp_path / "edges.csv"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("xml", None), "unknown export format 'xml'; choose from graphml, gexf"),
        (("csv", None), "csv writes two files (nodes and edges): give -o BASE"),
    ],
)
def test_usage_errors(mini, args, message):
    with pytest.raises(UsageError) as err:
        export(mini, *args)
    assert message in str(err.value)


def test_missing_folders_are_created(mini, tmp_path):
    written = export(mini, "csv", tmp_path / "new" / "leaders")
    assert written == [tmp_path / "new" / "leaders-nodes.csv", tmp_path / "new" / "leaders-edges.csv"]
    assert all(p.is_file() for p in written)


def test_output_that_is_a_folder(mini, tmp_path):
    with pytest.raises(UsageError, match="is a folder"):
        export(mini, "graphml", tmp_path)


# -- the command -------------------------------------------------------------------------------


def test_cli_formats_match_the_library():
    from leadgraph.cli.export import FORMATS as CLI_FORMATS

    assert CLI_FORMATS == FORMATS


@pytest.mark.parametrize("fmt", ["json", "cyjs", "graphml", "ttl"])
def test_cli_stdout_is_the_library_output(cli, bundled_graph, fmt):
    result = cli("export", "--format", fmt, "--focus", "phil", "--hops", "1")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.encode() == export(bundled_graph, fmt, focus="phil", hops=1)


def test_cli_whole_graph_turtle_by_default(cli, bundled_graph):
    result = cli("export")
    assert result.exit_code == 0
    assert result.stdout.encode() == bundled_graph.serialize("ttl")


def test_cli_with_data_and_output(cli, tmp_path):
    result = cli("--data", str(MINI), "export", "--format", "csv", "-o", str(tmp_path / "mini"),
                 "--kinds", "person,organisation")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [str(tmp_path / "mini-nodes.csv"), str(tmp_path / "mini-edges.csv")]
    with (tmp_path / "mini-nodes.csv").open(encoding="utf-8-sig", newline="") as fh:
        kinds = sorted(row["kind"] for row in csv.DictReader(fh))
    assert kinds == ["organisation"] * 7 + ["person"] * 4


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--format", "csv"), 2, "error: csv writes two files"),
        (("--focus", "nobody"), 2, "error: --focus 'nobody' matches no node"),
        (("--focus", "Phil", "--trait", "Communication"), 1, "error: selection matched no nodes: --focus 'Phil'"),
        (("--hops", "2"), 2, "error: --hops needs --focus"),
        (("--format", "xml"), 2, "Invalid value for '--format'"),
    ],
)
def test_cli_errors(cli, args, code, message):
    result = cli("export", *args)
    assert result.exit_code == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_real_process(run_cli, tmp_path):
    result = run_cli("export", "--format", "nt", "--focus", "Gary", "--hops", "0")
    assert result.exit_code == 0, result.stderr
    subjects = {q.subject.value for q in ox.parse(result.stdout.encode(), ox.RdfFormat.N_TRIPLES)}
    assert LGD + "garry-harris" in subjects
    assert LGD + "garry-harris-service-rrf" in subjects  # a fact folded into his node
    assert LGD + "phill-james" not in subjects
    out = tmp_path / "leaders.gexf"
    result = run_cli("export", "--format", "gexf", "-o", str(out), "--kinds", "person")
    assert result.exit_code == 0 and result.stdout.strip() == str(out)
    assert sorted(nx.read_gexf(out).nodes[n]["label"] for n in nx.read_gexf(out)) == [
        "Arif Patel", "Ayesha Rahim", "Charlee Martin", "Garry Harris", "Gregg Holland", "Phill James",
    ]
    failed = run_cli("export", "--format", "gexf", "-o", str(out), "--query", str(tmp_path / "missing.rq"))
    assert failed.exit_code == 2
    assert failed.stderr == f"error: {tmp_path / 'missing.rq'}: no such query file\n"


# -- the README section ----------------------------------------------------------------------------

def test_docs_python_examples_run(readme_section):
    import doctest

    parser = doctest.DocTestParser()
    test = parser.get_doctest(readme_section("Exporting"), {}, "README: Exporting", "README.md", 0)
    runner = doctest.DocTestRunner()
    runner.run(test)
    assert runner.tries >= 5 and runner.failures == 0


def test_docs_commands_run(tmp_path, readme_section):
    text = readme_section("Exporting")
    bin_dir = Path(sys.executable).parent
    commands = re.findall(r"`(leadgraph export [^`]*)`", text)
    scripts = re.findall(r"```sh\n(.*?)```", text, re.S)
    assert len(commands) == 8 and len(scripts) == 1
    for script in [*commands, *scripts]:
        proc = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script], cwd=tmp_path, capture_output=True, text=True,
            env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"},
        )
        assert proc.returncode == 0, (script, proc.stderr)
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted([
        "leaders.graphml", "leaders.gexf", "leaders.cyjs", "phil.json", "leaders-nodes.csv", "leaders-edges.csv",
        "leadgraph.ttl", "resilience.nt", "rw5.jsonld", "garry.gexf", "people-and-organisations-nodes.csv",
        "people-and-organisations-edges.csv", "strategic.cyjs", "cio.rq", "cio-roles.ttl", "cio-roles.graphml",
    ])
    # The CIO query picks the three CIO-type roles the article names (Ayesha, Gregg, Phill).
    subjects = {q.subject.value for q in ox.parse((tmp_path / "cio-roles.ttl").read_bytes(), ox.RdfFormat.TURTLE)}
    assert subjects == {LGD + "ayesha-rahim-role-rw5", LGD + "gregg-holland-role-rbq", LGD + "phill-james-role-warrington-halton"}
