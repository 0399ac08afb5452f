"""``leadgraph query`` / ``leadgraph queries`` through click's runner and a real process, the
library entry point, and updates that only ever write where the user said."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

import leadgraph
from leadgraph.errors import QueryError, UsageError
from leadgraph.sparql.run import query

REPO = Path(__file__).resolve().parents[1]
NAMES_QUERY = "SELECT ?name WHERE { ?p a lg:Leader ; foaf:name ?name } ORDER BY ?name"
NAMES = ["Arif Patel", "Ayesha Rahim", "Charlee Martin", "Garry Harris", "Gregg Holland", "Phill James"]


def _names(stdout: str) -> list[str]:
    return stdout.splitlines()[1:]


def test_query_sources(cli, tmp_path):
    path = tmp_path / "names.rq"
    path.write_text(NAMES_QUERY, encoding="utf-8")
    by_file = cli("query", str(path), "--format", "csv")
    by_text = cli("query", NAMES_QUERY, "--format", "csv")
    by_option = cli("query", "-e", NAMES_QUERY, "--format", "csv")
    assert _names(by_file.stdout) == _names(by_text.stdout) == _names(by_option.stdout) == NAMES
    by_stdin = subprocess.run([sys.executable, "-m", "leadgraph", "query", "-", "--format", "csv"],
                              input=NAMES_QUERY, capture_output=True, text=True, timeout=60)
    assert by_stdin.returncode == 0 and _names(by_stdin.stdout) == NAMES


def test_query_source_errors(cli):
    neither = cli("query")
    both = cli("query", "cio-roles", "-e", NAMES_QUERY)
    unknown = cli("query", "cio-role")
    missing = cli("query", "nowhere.rq")
    empty = cli("query", "-e", "  ")
    for result in (neither, both, unknown, missing, empty):
        assert result.exit_code == 2, result.stderr
        assert result.stderr.startswith("error:") and "Traceback" not in result.stderr
    assert "did you mean cio-roles" in unknown.stderr
    assert "nowhere.rq: no such query file" in missing.stderr


def test_syntax_error_is_one_line_exit_1(cli):
    result = cli("query", "-e", "SELECT ?s WHERE { ?s ?p }")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: syntax error:") and len(result.stderr.strip().splitlines()) == 1


def test_user_prefix_wins_over_predeclared(cli):
    text = "PREFIX foaf: <http://example.org/not-foaf/> SELECT ?n WHERE { ?p foaf:name ?n }"
    result = cli("query", "-e", text, "--format", "csv")
    assert result.exit_code == 0 and result.stdout == "n\n"
    plain = cli("query", "-e", "SELECT ?n WHERE { ?p foaf:name ?n }", "--format", "csv")
    assert len(plain.stdout.splitlines()) == 7


def test_global_data_option(cli, fixtures):
    result = cli("--data", str(fixtures / "valid" / "minimal.ttl"), "query", "-e", NAMES_QUERY, "--format", "csv")
    assert result.exit_code == 0
    assert "Ayesha Rahim" not in result.stdout and len(_names(result.stdout)) >= 1


def test_labels_flag(cli):
    plain = cli("query", "cio-roles")
    labelled = cli("query", "cio-roles", "--labels")
    assert "lgd:org-rbq" in plain.stdout and "lgd:org-rbq" not in labelled.stdout


def test_queries_lists_every_named_query(cli):
    from leadgraph.sparql.named import named_queries

    result = cli("queries")
    assert result.exit_code == 0
    for name, named in named_queries().items():
        assert f"{name} — {named.title}" in result.stdout
    assert "--param trait=… (iri) A trait such as lgd:trait-resilience" in result.stdout
    assert "--param min=… (integer, default 16)" in result.stdout


def test_queries_shows_one_in_full_and_as_json(cli):
    one = cli("queries", "leaders-with-trait")
    assert one.exit_code == 0 and "SELECT ?person ?name ?traitName" in one.stdout
    listing = json.loads(cli("queries", "--format", "json").stdout)
    by_name = {q["name"]: q for q in listing}
    assert by_name["long-service"]["params"] == [{
        "name": "min", "type": "integer", "description": "The fewest whole years to include.", "default": "16",
        "required": False,
    }]
    assert cli("queries", "nope").exit_code == 2


def test_help_has_examples(cli):
    text = cli("query", "--help").stdout
    assert "Examples:" in text and "leadgraph query leaders-with-trait --param trait=lgd:trait-resilience" in text
    assert "--allow-network" in text and "--timeout SECONDS" in text
    assert "Examples:" in cli("queries", "--help").stdout


def test_real_process_named_query_and_exit_codes(run_cli):
    ok = run_cli("query", "cio-roles", "--format", "csv")
    assert ok.exit_code == 0 and ok.stdout.splitlines()[0] == "person,name,jobTitle,organisation,organisationName"
    usage = run_cli("query", "leaders-with-trait")
    assert usage.exit_code == 2 and usage.stderr.startswith("error: missing parameter 'trait'")
    listed = run_cli("queries")
    assert listed.exit_code == 0 and "cio-roles" in listed.stdout


# -- the library -------------------------------------------------------------------------------------


def test_public_api():
    assert leadgraph.query is query
    assert leadgraph.QueryResult.__name__ == "QueryResult"
    assert "query" in dir(leadgraph)


def test_library_sources_and_graphs(bundled_graph, tmp_path):
    path = tmp_path / "names.rq"
    path.write_text(NAMES_QUERY, encoding="utf-8")
    expected = [{"name": n} for n in NAMES]
    assert query(path, timeout=None, graph=bundled_graph).rows == expected
    assert query(str(path), timeout=None, graph=bundled_graph).rows == expected
    assert query(NAMES_QUERY, graph=bundled_graph.store, timeout=None).rows == expected
    assert query(NAMES_QUERY, graph=bundled_graph.to_rdflib(), timeout=None).rows == expected
    assert query(NAMES_QUERY, data=REPO / "data" / "people" / "arif-patel.ttl").rows == [{"name": "Arif Patel"}]
    with pytest.raises(UsageError, match="graph must be"):
        query(NAMES_QUERY, graph=42)
    with pytest.raises(UsageError, match="not int"):
        query(42)


def test_library_errors_have_exit_codes(bundled_graph):
    with pytest.raises(QueryError) as refused:
        query("SELECT * WHERE { SERVICE <http://x/> { } }", graph=bundled_graph)
    assert refused.value.exit_code == 1
    with pytest.raises(UsageError) as usage:
        query("leaders-with-trait", graph=bundled_graph)
    assert usage.value.exit_code == 2


# -- updates -----------------------------------------------------------------------------------------


def _digest(folder: Path) -> str:
    sha = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            sha.update(path.name.encode() + path.read_bytes())
    return sha.hexdigest()


RENAME = ("DELETE { ?p foaf:name 'Garry Harris' } INSERT { ?p foaf:name 'Garry H.' } "
          "WHERE { ?p foaf:name 'Garry Harris' }")


def test_update_needs_both_options(cli, tmp_path):
    refused = cli("query", "-e", RENAME)
    assert refused.exit_code == 1 and "--allow-update" in refused.stderr
    no_output = cli("query", "-e", RENAME, "--allow-update")
    assert no_output.exit_code == 2 and "needs --update-output FILE" in no_output.stderr


def test_update_writes_only_the_named_output(cli, tmp_path):
    before = _digest(REPO / "data"), _digest(REPO / "ontology")
    out = tmp_path / "renamed.ttl"
    result = cli("query", "-e", RENAME, "--allow-update", "--update-output", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"update applied: 1 triples added, 1 removed; wrote {out} (")
    assert (_digest(REPO / "data"), _digest(REPO / "ontology")) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["renamed.ttl"]
    # The output holds the data, not the ontology, and reads back with the change applied.
    names = cli("--data", str(out), "query", "-e", NAMES_QUERY, "--format", "csv")
    assert _names(names.stdout) == sorted([*NAMES[:3], "Garry H.", *NAMES[4:]])
    assert "owl:Ontology" not in out.read_text(encoding="utf-8")
    bundled = cli("query", "-e", NAMES_QUERY, "--format", "csv")
    assert _names(bundled.stdout) == NAMES


def test_update_result_counts(bundled_graph, tmp_path):
    from leadgraph.loading import load

    out = tmp_path / "out.nt"
    result = query("DELETE WHERE { lgd:gregg-holland ?p ?o }", graph=bundled_graph, allow_update=True,
                   update_output=out)
    data_triples = len(load()) - len(load([]))
    assert result.summary == {"added": 0, "removed": 9, "triples": data_triples - 9, "output": str(out)}
    assert len(out.read_text(encoding="utf-8").splitlines()) == data_triples - 9
    assert len(bundled_graph) == len(load())  # the caller's graph is untouched


def test_update_never_writes_into_bundled_folders(cli):
    # Targets that do not exist, so a broken refusal creates a stray file (removed again) rather
    # than overwrite a real data file; no test may write into the repository's own data/.
    targets = (REPO / "data" / "people" / "refused-by-test.ttl", REPO / "ontology" / "refused-by-test.ttl")
    try:
        for target in targets:
            result = cli("query", "-e", RENAME, "--allow-update", "--update-output", str(target))
            assert result.exit_code == 2 and "refusing to write into leadgraph's bundled data" in result.stderr
            assert not target.exists()
    finally:
        for target in targets:
            target.unlink(missing_ok=True)


def test_update_output_needs_an_rdf_extension(cli, tmp_path):
    result = cli("query", "-e", RENAME, "--allow-update", "--update-output", str(tmp_path / "out.txt"))
    assert result.exit_code == 2 and "needs an RDF extension" in result.stderr


def test_load_in_an_update_still_needs_network_permission(cli, tmp_path):
    result = cli("query", "-e", "LOAD <http://example.org/x.ttl>", "--allow-update", "--update-output",
                 str(tmp_path / "o.ttl"))
    assert result.exit_code == 1 and "LOAD is refused" in result.stderr
    assert not (tmp_path / "o.ttl").exists()
