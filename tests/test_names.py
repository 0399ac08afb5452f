"""Names and many sources: full-name variants in the data, a second record about someone
extending them (never a twin), and forget removing a person from YAML, CSV and Turtle at once.

Ann Harris and every source here except the seed article are made up (tests only); the second
records about Garry Harris repeat what the seed article says, under a test source.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from leadgraph.loading import load
from leadgraph.namespaces import FOAF, LG, ORG, PROV, RDF, SCHEMA
from leadgraph.terms import NamedNode

REPO = Path(__file__).resolve().parents[1]
LGD = "https://w3id.org/leadgraph/id/"
GARRY = NamedNode(LGD + "garry-harris")
ANN = NamedNode(LGD + "ann-harris")

SECOND_SOURCE = (REPO / "tests" / "fixtures" / "names" / "second-source.yaml.tmpl").read_text()


def second_source(name: str, extra: str = "", slug: str | None = None) -> str:
    role_id = f"    id: {slug}-role-rrf-2022\n" if slug else ""
    return SECOND_SOURCE.format(name=name, extra=extra, role_id=role_id)


ANN_TTL = """\
@prefix lg: <https://w3id.org/leadgraph/ontology#> .
@prefix lgd: <https://w3id.org/leadgraph/id/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix schema: <https://schema.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

# Ann Harris is made up (tests only).
lgd:ann-harris a lg:Leader, schema:Person, foaf:Person ;
    rdfs:label "Ann Harris" ; foaf:name "Ann Harris" ; foaf:givenName "Ann" ; foaf:familyName "Harris" ;
    schema:alternateName "Annie Harris" ;
    prov:wasDerivedFrom lgd:source-made-up-ttl .

lgd:source-made-up-ttl a lg:Source, prov:Entity ; rdfs:label "A made-up Turtle source" ;
    dcterms:title "A made-up Turtle source" ; dcterms:issued "2024-01-01"^^xsd:date .
"""

ANN_CSV = """\
person,title,role_type,organisation,as_of,current,source,source_title,source_date,source_url
Annie Harris,Chief Clinical Information Officer,CCIO,RXR,2023-03-01,false,csv,A made-up spreadsheet,2023-03-01,https://example.org/sheet
"""


def leaders(graph) -> set[str]:
    return {t.subject.value for t in graph.store.triples(None, NamedNode(RDF + "type"), NamedNode(LG + "Leader"))}


def values(graph, subject, predicate) -> set[str]:
    return {t.object.value for t in graph.store.triples(subject, NamedNode(predicate), None)}


def test_the_bundled_data_keeps_full_name_variants(bundled_graph):
    """The article writes "Gary" and "Phil": the data keeps them with the family name."""
    assert values(bundled_graph, GARRY, SCHEMA + "alternateName") == {"Gary Harris"}
    assert values(bundled_graph, NamedNode(LGD + "phill-james"), SCHEMA + "alternateName") == {"Phil James"}
    one_word = [t for t in bundled_graph.store.triples(None, NamedNode(SCHEMA + "alternateName"), None)
                if len(t.object.value.split()) < 2]
    assert one_word == []


@pytest.mark.parametrize("name, extra, how", [
    ("Gary Harris", "", "a full-name variant"),
    ("Garry Harris", "", "the same full name"),
    ("G. Harris", "variants: [Gary Harris]\n", "a variant the record gives"),
])
def test_a_second_source_extends_the_person(tmp_path, cli, name, extra, how):
    mine = tmp_path / "mine"
    mine.mkdir()
    slug = name.lower().replace(". ", "-").replace(" ", "-")
    (mine / "second.yaml").write_text(second_source(name, extra, slug))
    graph = load([REPO / "data", mine])
    assert leaders(graph) == leaders(load()), how  # no twin
    # One full name still; the record's spelling is a variant.
    assert values(graph, GARRY, FOAF + "name") == {"Garry Harris"}
    assert name == "Garry Harris" or name in values(graph, GARRY, SCHEMA + "alternateName")
    # Both sources describe him, and each statement keeps its own.
    assert values(graph, GARRY, PROV + "wasDerivedFrom") == {LGD + "article-2021-06-23", LGD + "source-second"}
    new_role = NamedNode(f"{LGD}{slug}-role-rrf-2022")
    assert values(graph, new_role, ORG + "member") == {GARRY.value}
    assert values(graph, new_role, PROV + "wasDerivedFrom") == {LGD + "source-second"}
    assert values(graph, NamedNode(LGD + "garry-harris-role-rrf"), PROV + "wasDerivedFrom") == {
        LGD + "article-2021-06-23"}
    result = cli("--data", str(REPO / "data"), "--data", str(mine), "validate")
    assert result.exit_code == 0, result.stdout + result.stderr
    # The order the folders come in does not matter: RDF loads before records.
    assert leaders(load([mine, REPO / "data"])) == leaders(load())


def test_a_record_with_an_id_is_its_own_person(tmp_path):
    """An explicit id is never overridden: two people may share a name."""
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "other.yaml").write_text(
        second_source("Garry Harris", "id: another-garry-harris\n", "another-garry-harris"))
    graph = load([REPO / "data", mine])
    assert leaders(graph) == leaders(load()) | {LGD + "another-garry-harris"}


NAMED_BY_ID = """person: Ann Example
id: ann-2
source: s
sources:
  s: {title: A made-up source, date: 2024-05-01}
roles:
  - {title: Chief Digital Officer, role_type: CDO, organisation: RBS, as_of: 2024-05-01, source: s}
"""
FOUND_BY_NAME = NAMED_BY_ID.replace("id: ann-2\n", "").replace("RBS", "RBQ")


@pytest.mark.parametrize("names", [("a.yaml", "b.yaml"), ("z.yaml", "b.yaml")])
@pytest.mark.parametrize("by_name", ["yaml", "csv"])
def test_which_person_a_name_means_does_not_depend_on_file_order(tmp_path, store_dir, names, by_name):
    """A record found by name extends the person another record names by id, whether its file
    sorts before or after that record's (a.yaml and z.yaml around b.yaml)."""
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / names[0]).write_text(NAMED_BY_ID)
    if by_name == "yaml":
        (mine / names[1]).write_text(FOUND_BY_NAME)
    else:
        (mine / "b.csv").write_text("person,title,role_type,organisation,as_of,source,source_title,source_date\n"
                                    "Ann Example,Chief Digital Officer,CDO,RBQ,2024-05-01,s,A made-up source,2024-05-01\n")
    want = {LGD + "ann-2"}
    assert leaders(load([mine])) == want
    from leadgraph.loading import build_store, open_store

    build_store(store_dir, data=[mine])
    assert leaders(open_store(store_dir)) == want


@pytest.fixture
def store_dir(tmp_path) -> Path:
    return tmp_path / "store"


def test_a_second_turtle_file_and_csv_rows_extend_the_person(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "ann.ttl").write_text(ANN_TTL)
    (mine / "ann-roles.csv").write_text(ANN_CSV)  # "Annie Harris": a variant the Turtle gives
    graph = load([REPO / "data", mine])
    assert leaders(graph) - leaders(load()) == {ANN.value}
    assert values(graph, ANN, FOAF + "name") == {"Ann Harris"}
    assert values(graph, NamedNode(LGD + "ann-harris-role-rxr"), ORG + "member") == {ANN.value}


@pytest.fixture
def ann_everywhere(tmp_path) -> tuple[Path, Path]:
    """The bundled data, and a folder describing Ann Harris in Turtle, YAML and CSV."""
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "ann-harris.ttl").write_text(ANN_TTL)
    shutil.copy(REPO / "tests" / "fixtures" / "names" / "ann-harris.yaml", mine / "ann-harris.yaml")
    (mine / "roles.csv").write_text(ANN_CSV)
    return data, mine


@pytest.mark.parametrize("name", ["Ann Harris", "Annie Harris", "lgd:ann-harris"])
def test_forget_removes_a_person_from_yaml_csv_and_turtle(ann_everywhere, cli, name, tmp_path, monkeypatch):
    data, mine = ann_everywhere
    monkeypatch.chdir(tmp_path)
    before = load([data, mine])
    # Ann is in all three files, with statements from each.
    sources = {values(before, t.subject, PROV + "wasDerivedFrom").pop()
               for t in before.store.triples(None, NamedNode(ORG + "member"), ANN)}
    assert sources == {LGD + "source-test", LGD + "source-csv"}
    result = cli("--data", str(data), "--data", str(mine), "forget", name)
    assert result.exit_code == 0, result.stderr
    for file in ("ann-harris.ttl", "ann-harris.yaml", "roles.csv"):
        assert file in result.stdout
    after = load([data, mine])
    left = [t for t in after.store.triples(None, None, None)
            if "ann-harris" in t.subject.value or "ann-harris" in getattr(t.object, "value", "")
            or "Ann Harris" in getattr(t.object, "value", "") or "Annie" in getattr(t.object, "value", "")]
    assert left == []
    assert not (mine / "ann-harris.yaml").exists()  # a record without its person cannot exist
    assert "Annie Harris" not in (mine / "roles.csv").read_text()  # the source's row stays
    assert (mine / "ann-harris.ttl").exists()  # the source it described stays
    # Everyone else is exactly as before.
    assert leaders(after) == leaders(load())
    extra = {t.subject.value for t in after.store.triples(None, None, None)} - {
        t.subject.value for t in load([data]).store.triples(None, None, None)}
    assert extra == {LGD + "source-made-up-ttl", LGD + "source-csv"}  # the two sources remain
    assert cli("--data", str(data), "--data", str(mine), "validate").exit_code == 0


def test_forget_and_focus_resolve_alike(ann_everywhere, cli):
    data, mine = ann_everywhere
    for name in ("Annie", "Annie Harris", "ann harris"):
        result = cli("--data", str(data), "--data", str(mine), "forget", name, "--dry-run")
        assert result.exit_code == 0 and "<https://w3id.org/leadgraph/id/ann-harris>" in result.stdout, result
    result = cli("--data", str(data), "--data", str(mine), "forget", "Harris", "--dry-run")
    assert result.exit_code == 2
    assert "Ann Harris <https://w3id.org/leadgraph/id/ann-harris>" in result.stderr
    assert "Garry Harris <https://w3id.org/leadgraph/id/garry-harris>" in result.stderr

