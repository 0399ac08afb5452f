"""validate(): the bundled data conforms; each broken fixture fails with the expected result."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from leadgraph.errors import DataError
from leadgraph.loading import load
from leadgraph.validation import ValidationReport, ValidationResult, validate

FIXTURES = Path(__file__).parent / "fixtures"
INVALID = FIXTURES / "invalid"


def test_bundled_data_conforms(bundled_graph):
    report = validate(bundled_graph)
    assert report.results == [], report.text()
    assert report.conforms
    assert report.triples == len(bundled_graph)
    assert report.files == len(bundled_graph.paths)
    assert report.text() == f"conforms: {len(bundled_graph)} triples from {len(bundled_graph.paths)} files"


def test_minimal_valid_fixture_conforms():
    # Its trust is typed lg:NHSTrust only: passing sh:class org:Organization needs the
    # ontology's subclass axioms, i.e. validation with the ontology and RDFS inference.
    report = validate(data=FIXTURES / "valid" / "minimal.ttl")
    assert report.conforms, report.text()


# (fixture, focus node, path, words in the message, offending value or None)
BROKEN = [
    ("membership-no-source.ttl", "lgd:test-membership", "prov:wasDerivedFrom", "role must name its source", None),
    (
        "membership-no-organisation.ttl",
        "[org:Membership; org:member lgd:test-leader]",
        "org:organization",
        "held at exactly one organisation",
        None,
    ),
    ("ods-lowercase.ttl", "lgd:test-trust", "lg:odsCode", "ODS code", "'rw5x'"),
    ("ods-space.ttl", "lgd:test-trust", "lg:odsCode", "ODS code", "'R 5'"),
    ("empty-label.ttl", "lgd:test-trust", "rdfs:label", "label must be non-empty", "''"),
    ("attribution-no-source.ttl", "lgd:test-attribution", "prov:wasDerivedFrom", "must name its source", None),
    ("quotation-no-source.ttl", "lgd:test-quote", "prov:wasQuotedFrom", "quotation must name its source", None),
    ("leader-without-role.ttl", "lgd:test-leader", "^org:member", "at least one role", None),
    ("leader-without-name.ttl", "lgd:test-leader", "foaf:name", "exactly one name", None),
    (
        "membership-unknown-organisation.ttl",
        "lgd:test-membership",
        "org:organization",
        "organisation must be described as one",
        "lgd:test-trsut",
    ),
    ("label-language-tag.ttl", "lgd:test-trust", "rdfs:label", "plain string", "'Test NHS Trust'@en"),
    ("label-markup.ttl", "lgd:test-trust", "rdfs:label", "not markup", "'<b>Test</b> NHS Trust'"),
    (
        "attribution-quote-by-someone-else.ttl",
        "lgd:test-attribution",
        "lg:supportingQuote",
        "quotation of the person the attribution is about",
        "lgd:test-quote",
    ),
    (
        "headline-advice-by-someone-else.ttl",
        "lgd:test-leader",
        "lg:headlineAdvice",
        "quotation of the leader",
        "lgd:test-quote",
    ),
]


@pytest.mark.parametrize("name,focus,path,words,value", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_fixture_is_rejected(name, focus, path, words, value):
    report = validate(data=INVALID / name)
    assert not report.conforms
    shaped = [r for r in report.results if r.source_shape]
    assert len(shaped) == 1, report.text()
    others = [(r.focus_node, r.path, r.value) for r in report.results if not r.source_shape]
    # The integrity checks add one finding here: the misspelt organisation is described nowhere.
    assert others == ([(focus, path, value)] if name == "membership-unknown-organisation.ttl" else []), report.text()
    result = shaped[0]
    assert result.file == f"tests/fixtures/invalid/{name}" or result.file.endswith(f"invalid/{name}")
    assert result.line and result.fix
    assert result.severity == "Violation"
    assert result.focus_node == focus
    assert result.path == path
    assert words in result.message
    assert result.value == value
    assert result.source_shape and result.source_shape.startswith("lgsh:")


def test_every_invalid_fixture_is_covered():
    assert {p.name for p in INVALID.glob("*.ttl")} == {b[0] for b in BROKEN}


def test_report_text_names_focus_path_and_message():
    report = validate(data=INVALID / "ods-lowercase.ttl")
    text = report.text()
    assert text.splitlines()[0] == (f"does not conform: 1 problem (1 error) in {report.triples} triples "
                                    f"from {report.files} files")
    for part in ("- error: lgd:test-trust", "ods-lowercase.ttl:25 (column 5)", "path:    lg:odsCode",
                 "message: an ODS code", "value:   'rw5x'", "fix:     correct or remove the value 'rw5x'"):
        assert part in text


def test_report_to_dict_is_json():
    report = validate(data=INVALID / "membership-no-source.ttl")
    data = json.loads(json.dumps(report.to_dict()))
    assert data["conforms"] is False
    assert data["results"][0]["focus_node"] == "lgd:test-membership"
    assert set(data["results"][0]) == {"focus_node", "path", "message", "severity", "level", "source_shape", "value",
                                       "file", "line", "column", "fix"}
    assert data["results"][0]["level"] == "error" and data["errors"] == 1 and data["warnings"] == 0
    assert data["results"][0]["file"].endswith("membership-no-source.ttl") and data["results"][0]["line"] == 25


def test_broken_fixture_with_bundled_data_still_fails(bundled_graph):
    from leadgraph.resources import data_dir

    report = validate(data=[data_dir(), INVALID / "ods-space.ttl"])
    assert not report.conforms
    assert [r.focus_node for r in report.results] == ["lgd:test-trust"]


def test_custom_shapes(tmp_path):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix lg: <https://w3id.org/leadgraph/ontology#> .\n"
        "@prefix ex: <https://example.org/> .\n"
        "ex:NeedsNickname a sh:NodeShape ; sh:targetClass lg:Leader ;\n"
        '  sh:property [ sh:path ex:nickname ; sh:minCount 1 ; sh:message "needs a nickname" ] .\n'
    )
    report = validate(data=FIXTURES / "valid" / "minimal.ttl", shapes=shapes)
    assert [(r.focus_node, r.path, r.message, r.source_shape) for r in report.results] == [
        ("lgd:test-leader", "<https://example.org/nickname>", "needs a nickname", "<https://example.org/NeedsNickname>")
    ]


def test_warnings_do_not_fail_validation(tmp_path):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix lg: <https://w3id.org/leadgraph/ontology#> .\n"
        "@prefix ex: <https://example.org/> .\n"
        "ex:Nickname a sh:NodeShape ; sh:targetClass lg:Leader ; sh:severity sh:Warning ;\n"
        '  sh:property [ sh:path ex:nickname ; sh:minCount 1 ; sh:severity sh:Warning ; sh:message "no nickname" ] .\n'
    )
    report = validate(data=FIXTURES / "valid" / "minimal.ttl", shapes=shapes)
    assert report.conforms
    assert [r.severity for r in report.results] == ["Warning"]
    assert report.text().startswith("conforms: 1 problem")


def test_missing_shapes_file(tmp_path):
    with pytest.raises(DataError, match="shapes file is missing"):
        validate(data=FIXTURES / "valid" / "minimal.ttl", shapes=tmp_path / "none.ttl")


def test_validation_leaves_the_graph_unchanged():
    graph = load(FIXTURES / "valid" / "minimal.ttl")
    before = len(graph.to_rdflib())
    validate(graph)  # RDFS inference must work on a copy
    assert len(graph.to_rdflib()) == before == len(graph)


def test_result_text_layout():
    result = ValidationResult("lgd:x", "foaf:name", "needs a name", "Violation", "lgsh:Leader")
    assert result.text() == (
        "- error: lgd:x\n    path:    foaf:name\n    message: needs a name\n    shape:   lgsh:Leader"
    )
    assert ValidationReport(False, [result], triples=3, files=1).text().startswith(
        "does not conform: 1 problem (1 error) in 3")
    placed = ValidationResult("lgd:x", None, "m", "Warning", None, file="r.csv", line=3, column=5, fix="do it")
    assert placed.text() == "- warning: lgd:x\n    at:      r.csv:3 (row 3, column E)\n    message: m\n    fix:     do it"


def test_inference_never_makes_a_missing_fact_look_present():
    # The role has no rdf:type: it is an org:Membership only because org:member's domain says so
    # (RDFS inference, asked for in the queries). That inference must find the node, and must not
    # stand in for the org:role nobody wrote.
    from leadgraph.namespaces import ORG, RDF
    from leadgraph.terms import NamedNode

    path = FIXTURES / "broken" / "ttl-role-no-type-untyped.ttl"
    graph = load(path)
    role = NamedNode("https://w3id.org/leadgraph/id/test-leader-role-rbs")
    assert not list(graph.store.triples(role, NamedNode(RDF + "type"), None))
    before = len(graph)
    for engine in ("sparql", "pyshacl"):
        report = validate(graph, engine=engine)
        found = [(r.focus_node, r.path, r.severity, r.line) for r in report.results]
        assert found == [("lgd:test-leader-role-rbs", "org:role", "Violation", 23)], report.text()
    assert len(graph) == before
    assert not list(graph.store.triples(role, NamedNode(ORG + "role"), None))


def test_strict_makes_warnings_fail():
    path = FIXTURES / "broken" / "ttl-duplicate-person.ttl"
    relaxed, strict = validate(data=path), validate(data=path, strict=True)
    assert relaxed.results == strict.results and {r.level for r in strict.results} == {"warning"}
    assert relaxed.conforms and not strict.conforms
    assert strict.text().startswith("does not conform (--strict: warnings fail): 2 problems (2 warnings)")


def test_every_problem_names_file_line_and_fix_in_yaml_and_csv():
    report = validate(data=FIXTURES / "broken" / "yaml-role-no-type.yaml")
    assert [(r.file.endswith("yaml-role-no-type.yaml"), r.line, r.column, r.path) for r in report.results] == [
        (True, 10, 5, "org:role")]
    report = validate(data=FIXTURES / "broken" / "csv-role-no-type.csv")
    assert [(r.line, r.column, r.where().endswith("csv-role-no-type.csv:3 (row 3, column E)"))
            for r in report.results] == [(3, 5, True)]


def test_line_scanner_places_match_a_full_read(repo):
    # Reading only the statements that mention a name gives the same places as reading everything,
    # on every bundled file and the RDF format samples (Turtle, N-Triples, N-Quads, TriG).
    from leadgraph.store.positions import turtle_origins

    files = [*sorted((repo / "data").rglob("*.ttl")), *sorted((FIXTURES / "formats").glob("sample.[tn]*"))]
    assert {f.suffix for f in files} == {".ttl", ".nt", ".nq", ".trig"}
    for path in files:
        text = path.read_text(encoding="utf-8")
        full = turtle_origins(text)
        subjects = [k for k in full if isinstance(k, str)]
        assert subjects, path
        for subject in subjects:
            local = subject.rsplit("/", 1)[-1]
            near = turtle_origins(text, [local])
            assert near[subject] == full[subject], (path, subject)
            assert {k: v for k, v in near.items() if isinstance(k, tuple) and k[0] == subject} == {
                k: v for k, v in full.items() if isinstance(k, tuple) and k[0] == subject}, (path, subject)
        line, column = full[subjects[0]]
        assert text.splitlines()[line - 1][column - 1:].startswith(("lgd:", "<"))


def test_line_scanner_many_names_in_one_pass_give_the_same_places(repo):
    # Thousands of findings are matched in one pass over the text instead of one search per name:
    # the places must be the same as reading everything, for every subject named.
    from leadgraph.store import positions

    files = [*sorted((repo / "data").rglob("*.ttl")), *sorted((FIXTURES / "formats").glob("sample.[tn]*"))]
    for path in files:
        text = path.read_text(encoding="utf-8")
        full = positions.turtle_origins(text)
        subjects = [k for k in full if isinstance(k, str)]
        names = {s.rsplit("/", 1)[-1] for s in subjects} | {f"unused-name-{i}" for i in range(positions._FEW + 1)}
        assert len(names) > positions._FEW
        near = positions.turtle_origins(text, sorted(names))
        for subject in subjects:
            assert near[subject] == full[subject], (path, subject)
            assert {k: v for k, v in near.items() if isinstance(k, tuple) and k[0] == subject} == {
                k: v for k, v in full.items() if isinstance(k, tuple) and k[0] == subject}, (path, subject)
