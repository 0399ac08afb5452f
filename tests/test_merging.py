"""leadgraph duplicates and leadgraph merge, on files a user would write.

"Dr G. Harris" is a twin of Garry Harris made for the tests: a record with its own id (so it
does not extend him) under a made-up source, repeating the role the seed article gives him.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from leadgraph.errors import UsageError
from leadgraph.loading import load
from leadgraph.merging import DUPLICATE_COLUMNS, DUPLICATE_FORMATS, duplicates, merge_people
from leadgraph.namespaces import FOAF, LG, ORG, OWL, PROV, RDF, SCHEMA, SKOS
from leadgraph.terms import NamedNode

REPO = Path(__file__).resolve().parents[1]
LGD = "https://w3id.org/leadgraph/id/"
GARRY = NamedNode(LGD + "garry-harris")
TWIN = NamedNode(LGD + "g-harris")

TWIN_YAML = (REPO / "tests" / "fixtures" / "names" / "g-harris.yaml").read_text()

TWIN_CSV = """\
person,id,title,role_type,organisation,as_of,current,source,source_title,source_date,source_url
P. James,p-james,CIO,CIO,RXR,2022-02-01,false,sheet,A made-up spreadsheet,2022-02-01,https://example.org/sheet
"""

DUPLICATE_ORGS = """\
@prefix lg: <https://w3id.org/leadgraph/ontology#> .
@prefix lgd: <https://w3id.org/leadgraph/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
lgd:org-alder-hey-again a lg:NHSFoundationTrust ; rdfs:label "Alder Hey (again)" ; lg:odsCode "RBS" ;
    prov:wasDerivedFrom lgd:article-2021-06-23 .
lgd:org-liverpool-heart a lg:NHSFoundationTrust ; rdfs:label "Liverpool Heart & Chest Hospital NHS FT" ;
    prov:wasDerivedFrom lgd:article-2021-06-23 .
"""


@pytest.fixture
def data(tmp_path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(REPO / "data", folder)
    (folder / "people" / "twin.yaml").write_text(TWIN_YAML)
    return folder


def values(graph, subject, predicate) -> set[str]:
    return {t.object.value for t in graph.store.triples(subject, NamedNode(predicate), None)}


def leaders(graph) -> set[str]:
    return {t.subject.value for t in graph.store.triples(None, NamedNode(RDF + "type"), NamedNode(LG + "Leader"))}


def _count(text: str) -> str:
    return text.split()[2]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
            and not p.name.startswith(".")}


def test_no_duplicates_in_the_bundled_data(bundled_graph):
    assert duplicates(bundled_graph) == []


def test_duplicates_finds_twins_with_reasons(data, tmp_path):
    (data / "people" / "p-james.csv").write_text(TWIN_CSV)
    (data / "again.ttl").write_text(DUPLICATE_ORGS)
    found = {(c.kind, c.first, c.second): c for c in duplicates(data=[data])}
    twin = found[("person", TWIN.value, GARRY.value)]
    assert twin.score == 90
    assert twin.reasons == ["initials that fit the given name", "a role at the same organisation"]
    phill = found[("person", LGD + "p-james", LGD + "phill-james")]
    assert phill.score == 90 and phill.reasons == ["initials that fit the given name"]
    org = found[("organisation", LGD + "org-alder-hey-again", LGD + "org-rbs")]
    assert (org.score, org.reasons) == (100, ["the same ODS code RBS"])
    alike = found[("organisation", LGD + "org-liverpool-heart", LGD + "org-rbq")]
    assert alike.reasons == [f"similar names ({alike.score}%, leaving out the words trusts share)"]
    assert alike.score >= 90
    assert len(found) == 4
    # Titles alone and a shared family name alone are no twins.
    assert not [c for c in found.values() if {c.first, c.second} == {LGD + "p-james", GARRY.value}]


def test_duplicates_title_and_variant_reasons(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "dr.yaml").write_text(TWIN_YAML.replace("Dr G. Harris", "Dr Garry Harris").replace("g-harris", "dr-garry"))
    (mine / "gary.yaml").write_text(TWIN_YAML.replace("Dr G. Harris", "Gary Harris").replace("g-harris", "gary"))
    found = {c.first if c.second == GARRY.value else c.second: c
             for c in duplicates(data=[REPO / "data", mine], kinds=["person"]) if GARRY.value in (c.first, c.second)}
    assert found[LGD + "dr-garry"].reasons[0] == "the same name without titles"
    assert found[LGD + "gary"].reasons[0] == "a name of one is a name variant of the other: gary harris"


@pytest.mark.parametrize("fmt", DUPLICATE_FORMATS)
def test_duplicates_cli_formats(data, cli, fmt, tmp_path):
    result = cli("--data", str(data), "duplicates", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    if fmt == "json":
        assert json.loads(result.stdout) == [{
            "kind": "person", "score": 90, "first": TWIN.value, "first_name": "Dr G. Harris",
            "second": GARRY.value, "second_name": "Garry Harris",
            "reasons": "initials that fit the given name; a role at the same organisation"}]
    elif fmt == "jsonl":
        assert [json.loads(line)["score"] for line in result.stdout.splitlines()] == [90]
    elif fmt in ("csv", "tsv"):
        sep = "," if fmt == "csv" else "\t"
        lines = result.stdout.strip().splitlines()
        assert lines[0].lstrip("\ufeff").split(sep) == list(DUPLICATE_COLUMNS) and len(lines) == 2
    else:
        assert "Dr G. Harris (lgd:g-harris)" in result.stdout and "(1 row)" in result.stdout
    out = tmp_path / "pairs.json"
    assert cli("--data", str(data), "duplicates", "-o", str(out)).exit_code == 0
    assert json.loads(out.read_text())[0]["score"] == 90
    bad = cli("--data", str(data), "duplicates", "--kinds", "programme")
    assert bad.exit_code == 2 and "--kinds" in bad.stderr


def test_merge_dry_run_changes_nothing(data, cli):
    before = snapshot(data)
    result = cli("--data", str(data), "merge", "Garry Harris", "Dr G. Harris", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"would merge Dr G. Harris <{TWIN.value}> into Garry Harris <{GARRY.value}>")
    assert "people/twin.yaml" in result.stdout
    assert snapshot(data) == before


def test_merge_joins_two_people_keeping_every_source(data, cli):
    before = load([data])
    twin_statements = {t.subject.value for t in before.store.triples(None, NamedNode(ORG + "member"), TWIN)}
    assert twin_statements == {LGD + "g-harris-role-rrf"}
    result = cli("--data", str(data), "merge", "lgd:garry-harris", "Dr G. Harris")
    assert result.exit_code == 0, result.stderr
    after = load([data])
    assert leaders(after) == leaders(before) - {TWIN.value}
    # No triple names the twin, except the record of the merge.
    left = [t for t in after.store.triples(None, None, None) if TWIN in (t.subject, t.object)]
    assert [(t.subject, t.predicate.value) for t in left] == [(GARRY, OWL + "sameAs")]
    # The twin's statements are his now, each with its own source.
    assert values(after, NamedNode(LGD + "g-harris-role-rrf"), ORG + "member") == {GARRY.value}
    assert values(after, NamedNode(LGD + "g-harris-role-rrf"), PROV + "wasDerivedFrom") == {LGD + "source-second"}
    assert values(after, NamedNode(LGD + "garry-harris-role-rrf"), PROV + "wasDerivedFrom") == {
        LGD + "article-2021-06-23"}
    assert values(after, GARRY, PROV + "wasDerivedFrom") == {LGD + "article-2021-06-23", LGD + "source-second"}
    # One full name; the twin's name is a variant.
    assert values(after, GARRY, FOAF + "name") == {"Garry Harris"}
    assert values(after, GARRY, SCHEMA + "alternateName") == {"Gary Harris", "Dr G. Harris"}
    note = values(after, GARRY, SKOS + "historyNote").pop()
    assert note == (f"{dt.date.today().isoformat()}: merged with lgd:g-harris (Dr G. Harris) by leadgraph "
                    f"merge; its statements are now about this person")
    # Every other triple is as it was.
    untouched = {t for t in before.store.triples(None, None, None) if TWIN not in (t.subject, t.object)}
    assert untouched <= set(after.store.triples(None, None, None))
    # The Turtle file keeps its comments; the YAML record now describes him.
    turtle = (data / "people" / "garry-harris.ttl").read_text()
    assert turtle.startswith("# Garry Harris. Everything here is from the seed article")
    record = (data / "people" / "twin.yaml").read_text()
    assert "id: garry-harris" in record and "person: Dr G. Harris" in record
    assert cli("--data", str(data), "validate").exit_code == 0
    assert duplicates(data=[data]) == []
    # The merged name now finds him everywhere.
    found = cli("--data", str(data), "forget", "Dr G. Harris", "--dry-run")
    assert found.stdout.startswith(f"would remove {_count(found.stdout)} triples about Garry Harris <{GARRY.value}>")


def test_merge_rewrites_csv_rows(data):
    (data / "people" / "p-james.csv").write_text(TWIN_CSV)
    report = merge_people("Phill James", "P. James", [data], today=dt.date(2026, 1, 2))
    assert report.changed == {str(data / "people" / "p-james.csv"): 17}  # the triples that change
    after = load([data])
    assert LGD + "p-james" not in leaders(after)
    # The role is named after him now, as a CSV file can say it; its source is the spreadsheet.
    role = NamedNode(LGD + "phill-james-role-rxr")
    assert values(after, role, ORG + "member") == {LGD + "phill-james"}
    assert values(after, role, PROV + "wasDerivedFrom") == {LGD + "source-sheet"}
    assert "P. James" in values(after, NamedNode(LGD + "phill-james"), SCHEMA + "alternateName")
    assert "2026-01-02: merged with lgd:p-james (P. James)" in values(
        after, NamedNode(LGD + "phill-james"), SKOS + "historyNote").pop()
    assert "P. James" in (data / "people" / "p-james.csv").read_text()


def test_merge_keeps_a_csv_role_that_cannot_take_the_survivors_name_through_role_id(data, cli):
    """Phill James already has a role named lgd:phill-james-role-rx7: the twin's role at RX7 keeps
    its own IRI, which a roles CSV now writes in its role_id column."""
    (data / "people" / "p-james.csv").write_text(TWIN_CSV.replace("RXR", "RX7"))
    result = cli("--data", str(data), "merge", "Phill James", "P. James")
    assert result.exit_code == 0, result.stderr
    written = (data / "people" / "p-james.csv").read_text()
    assert written.splitlines()[0].startswith("person,id,variants,role_id,") and ",p-james-role-rx7," in written
    after = load([data])
    role = NamedNode(LGD + "p-james-role-rx7")
    assert values(after, role, ORG + "member") == {LGD + "phill-james"}
    assert values(after, NamedNode(LGD + "phill-james-role-rx7"), ORG + "member") == {LGD + "phill-james"}
    assert cli("--data", str(data), "validate").exit_code == 0


def test_merge_refuses_a_file_it_cannot_rewrite(data, cli):
    """A traits CSV cannot keep an attribution's own IRI: when it cannot take the survivor's name
    (he already has a Resilience attribution), the merge stops and nothing changes."""
    (data / "people" / "p-james.csv").write_text(TWIN_CSV)
    traits = data / "people" / "p-james-traits.csv"
    traits.write_text("person,trait,text,source,source_title,source_date\n"
                      "P. James,Resilience,keeps going,sheet2,Another made-up sheet,2022-02-01\n")
    before = snapshot(data)
    result = cli("--data", str(data), "merge", "Phill James", "P. James")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {traits}: cannot merge: this file cannot be rewritten in its format "
                                     "(cannot write a CSV record: a traits CSV cannot keep this attribution (use YAML)")
    assert "nothing was changed" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(data) == before


def test_merge_refuses_what_it_cannot_resolve(data, cli):
    shutil.copy(REPO / "tests" / "fixtures" / "names" / "ann-harris.yaml", data / "people")
    with pytest.raises(UsageError, match="are the same person"):
        merge_people("Gary", "Garry Harris", [data], dry_run=True)
    result = cli("--data", str(data), "merge", "Garry Harris", "Nobody Known")
    assert result.exit_code == 2 and "no leader named 'Nobody Known'" in result.stderr
    result = cli("--data", str(data), "merge", "Harris", "Arif Patel")
    assert result.exit_code == 2 and "names more than one leader" in result.stderr
    assert "Ann Harris <https://w3id.org/leadgraph/id/ann-harris>" in result.stderr
    # Not a person: the message is about merge, not forget, whose resolver it shares.
    result = cli("--data", str(data), "merge", "Garry Harris", "lgd:org-rbs", "--dry-run")
    assert result.exit_code == 2 and "'lgd:org-rbs' is not a person" in result.stderr
    assert "forget" not in result.stderr and "give a person's name or IRI" in result.stderr


def test_merge_is_all_or_nothing_when_killed(data):
    """Killed after the first of its renames, the merge is completed by the next write."""
    env = {**os.environ, "LEADGRAPH_TEST_CRASH_AFTER_RENAMES": "1"}
    code = ("import sys; from leadgraph.cli import main; "
            f"main(['--data', {str(data)!r}, 'merge', 'Garry Harris', 'lgd:g-harris'])")
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == -9, proc.stderr
    assert (data / ".leadgraph-journal.json").exists()
    report = merge_people("Garry Harris", "Arif Patel", [data], dry_run=True)
    assert report.recovered  # the interrupted merge was finished first
    after = load([data])
    assert TWIN.value not in leaders(after)
    assert values(after, NamedNode(LGD + "g-harris-role-rrf"), ORG + "member") == {GARRY.value}


def test_merge_and_a_second_source_in_an_on_disk_store(data, tmp_path):
    """A store built from the files extends people as loading does, and a merge with
    ``store=`` changes the files the store was built from and updates it."""
    from leadgraph.loading import build_store, open_store

    (data / "people" / "gary.yaml").write_text(
        (REPO / "tests" / "fixtures" / "names" / "second-source.yaml.tmpl").read_text().format(
            name="Gary Harris", extra="", role_id="    id: gary-harris-role-rrf-2022\n"))
    build_store(tmp_path / "graph.db", [data])
    stored = open_store(tmp_path / "graph.db")
    assert leaders(stored) == leaders(load([data]))
    assert LGD + "gary-harris" not in leaders(stored)
    report = merge_people("Garry Harris", "Dr G. Harris", store=tmp_path / "graph.db")
    assert report.store_update and "people/twin.yaml" in "".join(report.changed)
    stored = open_store(tmp_path / "graph.db")
    assert TWIN.value not in leaders(stored)
    assert values(stored, NamedNode(LGD + "g-harris-role-rrf"), ORG + "member") == {GARRY.value}


def test_similar_people_names(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "haris.yaml").write_text(TWIN_YAML.replace("Dr G. Harris", "Garry Haris").replace("g-harris", "haris"))
    found = [c for c in duplicates(data=[REPO / "data", mine]) if LGD + "haris" in (c.first, c.second)]
    assert [({c.first, c.second}, c.reasons) for c in found] == [
        ({GARRY.value, LGD + "haris"}, [f"similar names ({found[0].score}%)", "a role at the same organisation"])]
    assert found[0].score >= 90
