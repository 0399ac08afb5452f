"""Corrections and history: validity intervals, the graph as of a date, and --as-of on the commands.

The fixture (tests/fixtures/history/jo-sample.yaml) is a made-up person described by three
sources: a 2021 profile (CIO at RW5, a trait), a 2023 news item that ends the RW5 role on
2023-04-01 (superseding the 2021 statement) and starts a new role at RBQ, and a 2024 erratum
that corrects the trait. Every expected date below is worked out by hand from that file and
the rules in leadgraph.history's documentation.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from leadgraph.errors import UsageError
from leadgraph.history import parse_day, validity, view_as_of
from leadgraph.loading import load
from leadgraph.network.projection import to_networkx

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "history"
LGD = "https://w3id.org/leadgraph/id/"
OLD_ROLE, ENDED_ROLE, NEW_ROLE = LGD + "jo-sample-role-rw5", LGD + "jo-sample-role-rw5-news", LGD + "jo-sample-role-rbq"
TRAIT, CORRECTION = LGD + "jo-sample-trait-resilience", LGD + "jo-sample-correction-trait-resilience"
ROLES_OF_JO = ("SELECT ?jobTitle ?org WHERE { ?m org:member lgd:jo-sample ; org:organization ?o ; lg:jobTitle ?jobTitle . "
               "?o lg:odsCode ?org } ORDER BY ?org ?jobTitle")


@pytest.fixture(scope="module")
def graph():
    return load([REPO / "data", FIXTURE / "jo-sample.yaml"])


def test_validity_follows_the_documented_rules(graph):
    spans = validity(graph)
    shown = {s: (v.as_attrs()["valid_from"], v.as_attrs()["valid_until"]) for s, v in spans.items()}
    # Current, no start: from its claim date; superseded by the 2023 news item (source date 2023-05-01).
    assert shown[OLD_ROLE] == ("2021-06-01", "2023-05-01")
    assert spans[OLD_ROLE].withdrawn_by == (ENDED_ROLE,) and spans[OLD_ROLE].ends is None
    # An earlier role with an end date and no start: open before, ends (exclusive) on its end date.
    assert shown[ENDED_ROLE] == ("", "2023-04-01")
    # A start date wins over the claim date (as_of 2023-05-01); open-ended.
    assert shown[NEW_ROLE] == ("2023-04-01", "")
    # Corrected by the 2024 erratum: out of force from its date; the correction itself from then on.
    assert shown[TRAIT] == ("2021-06-01", "2024-02-01") and spans[TRAIT].withdrawn_by == (CORRECTION,)
    assert shown[CORRECTION] == ("2024-02-01", "")
    # The bundled data: an earlier role with no dates ended no later than the article's date.
    assert shown[LGD + "phill-james-role-rx7"] == ("", "2021-06-23")
    assert shown[LGD + "phill-james-role-warrington-halton"] == ("2021-06-23", "")
    assert spans[OLD_ROLE].in_force("2023-04-30") and not spans[OLD_ROLE].in_force(dt.date(2023, 5, 1))


def test_years_months_undated_supersessions_and_correction_dates(tmp_path):
    (tmp_path / "x.ttl").write_text("""
@prefix lg: <https://w3id.org/leadgraph/ontology#> . @prefix lgd: <https://w3id.org/leadgraph/id/> .
@prefix org: <http://www.w3.org/ns/org#> . @prefix prov: <http://www.w3.org/ns/prov#> .
@prefix time: <http://www.w3.org/2006/time#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
lgd:src a lg:Source ; dcterms:title "S" ; dcterms:issued "2020-03-01"^^xsd:date .
lgd:undated a lg:Source ; dcterms:title "U" .
lgd:a a org:Membership ; lg:current false ; prov:wasDerivedFrom lgd:src ;
    org:memberDuring [ time:hasBeginning [ time:inXSDgYear "2015"^^xsd:gYear ] ;
                       time:hasEnd [ time:inXSDgYearMonth "2018-12"^^xsd:gYearMonth ] ] .
lgd:b a org:Membership ; lg:current true ; prov:wasDerivedFrom lgd:src .
lgd:c a org:Membership ; lg:current true ; prov:wasDerivedFrom lgd:undated ; lg:supersedes lgd:b .
lgd:d a org:Membership ; lg:current true ; lg:asOf "2019-01-01"^^xsd:date ; prov:wasDerivedFrom lgd:src .
lgd:fix a lg:Correction ; lg:corrects lgd:d ; lg:asOf "2019-06-30"^^xsd:date ; prov:wasDerivedFrom lgd:src .
""")
    spans = validity(load([tmp_path]))
    # A year starts on 1 January; a year and month as an end ends that month.
    assert spans[LGD + "a"].as_attrs() == {"valid_from": "2015-01-01", "valid_until": "2019-01-01"}
    # Superseded by a statement with no date at all: out of force from the beginning.
    assert spans[LGD + "b"].valid_until == dt.date.min and not spans[LGD + "b"].in_force("2020-03-01")
    assert spans[LGD + "c"].as_attrs() == {"valid_from": "", "valid_until": ""}  # undated: always in force
    # lg:asOf wins over the source's date, for a claim and for a correction.
    assert spans[LGD + "d"].as_attrs() == {"valid_from": "2019-01-01", "valid_until": "2019-06-30"}


def test_view_as_of_keeps_history_and_drops_what_hangs_off(graph):
    def roles(day):
        view = view_as_of(graph, day)
        return {s.subject.value for s in view.store.triples(None, None, None)
                if s.subject.value in (OLD_ROLE, ENDED_ROLE, NEW_ROLE, TRAIT, CORRECTION)}, view

    before, view_2022 = roles("2022-01-01")
    assert before == {OLD_ROLE, ENDED_ROLE, TRAIT}
    # The new role's period and its start instant go with it; names and sources stay.
    subjects = {t.subject.value for t in view_2022.store.triples()}
    assert NEW_ROLE + "-period" not in subjects and NEW_ROLE + "-start" not in subjects
    assert LGD + "source-news" in subjects and LGD + "jo-sample" in subjects
    assert not any(t.object.value == NEW_ROLE for t in view_2022.store.triples() if hasattr(t.object, "value"))
    assert roles("2023-04-15")[0] == {OLD_ROLE, NEW_ROLE, TRAIT}
    assert roles("2023-06-01")[0] == {NEW_ROLE, TRAIT}
    assert roles("2024-02-01")[0] == {NEW_ROLE, CORRECTION}
    # Nothing is deleted: the loaded graph still holds every statement.
    assert {t.subject.value for t in graph.store.triples()} >= {OLD_ROLE, ENDED_ROLE, NEW_ROLE, TRAIT, CORRECTION}
    assert view_as_of(graph, None) is graph


def test_bad_dates_are_usage_errors():
    for bad in ("2023-02-30", "2023/04/01", "yesterday", "20230401", ""):
        with pytest.raises(UsageError, match="is not a date"):
            parse_day(bad)
    with pytest.raises(UsageError, match=r"'2023-02-30' is not a date \(day is out of range for month\)"):
        parse_day("2023-02-30")
    assert parse_day(dt.datetime(2023, 4, 1, 12)) == dt.date(2023, 4, 1)


def test_projection_edges_carry_the_interval_and_filtering_them_equals_the_view(graph):
    net = to_networkx(graph)
    jo = {(d["relation"], v): d for _, v, d in net.out_edges(LGD + "jo-sample", data=True) if "statements" in d}
    assert jo[("holds role at", LGD + "org-rbq")]["valid_from"] == "2023-04-01"
    assert jo[("holds role at", LGD + "org-rbq")]["valid_until"] == ""
    assert jo[("has trait", LGD + "trait-resilience")]["withdrawn_by"] == CORRECTION
    for _, _, d in net.edges(data=True):  # every edge from a statement has both, as ISO dates or ""
        if "statements" in d:
            assert {"valid_from", "valid_until"} <= set(d)
    for day in ("2020-01-01", "2021-06-22", "2021-06-23", "2022-01-01", "2023-04-01", "2023-05-01", "2024-02-01"):
        kept = {k for _, _, k, d in net.edges(keys=True, data=True)
                if "valid_from" not in d or ((d["valid_from"] <= day) and (not d["valid_until"] or day < d["valid_until"]))}
        in_view = {k for _, _, k in to_networkx(view_as_of(graph, day)).edges(keys=True)}
        # The page filters edges by the attributes; the view removes statements: the same edges remain.
        assert {k for k in kept if "|described-in|" not in k} == {k for k in in_view if "|described-in|" not in k}, day


def test_query_as_of_before_and_after_a_role_changes(cli):
    args = ("--data", str(REPO / "data"), "--data", str(FIXTURE / "jo-sample.yaml"), "query", "-e", ROLES_OF_JO,
            "--format", "csv")
    before = cli(*args, "--as-of", "2022-01-01")
    assert before.exit_code == 0, before.stderr
    assert before.stdout.splitlines()[1:] == ["CIO,RW5", "CIO,RW5"]  # the 2021 statement and the 2023 one ending it
    after = cli(*args, "--as-of", "2023-06-01")
    assert after.stdout.splitlines()[1:] == ["Chief Digital Officer,RBQ"]
    everything = cli(*args)
    assert everything.stdout.splitlines()[1:] == ["Chief Digital Officer,RBQ", "CIO,RW5", "CIO,RW5"]


def test_a_corrected_claim_leaves_the_view_but_stays_in_the_data(cli):
    data = ("--data", str(REPO / "data"), "--data", str(FIXTURE / "jo-sample.yaml"))
    ask = ("query", "-e", "ASK { lgd:jo-sample-trait-resilience lg:trait lgd:trait-resilience }")
    assert cli(*data, *ask, "--as-of", "2024-01-31").stdout.strip() == "true"
    assert cli(*data, *ask, "--as-of", "2024-02-01").stdout.strip() == "false"
    assert cli(*data, *ask).stdout.strip() == "true"
    # Without --as-of, the history query shows it marked, with the correction's source and date.
    rows = list(csv.DictReader(cli(*data, "query", "history", "--param", "person=lgd:jo-sample",
                                   "--format", "csv").stdout.splitlines()))
    trait = [r for r in rows if r["statement"] == TRAIT]
    assert [(r["correctedBy"], r["correctedOn"], r["sourceDate"]) for r in trait] == [(CORRECTION, "2024-02-01",
                                                                                        "2021-06-01")]
    assert trait[0]["correction"] == "The 2021 profile attributed another leader's words to Jo Sample."


def test_export_viz_and_analyse_take_as_of(cli, tmp_path):
    data = ("--data", str(REPO / "data"), "--data", str(FIXTURE / "jo-sample.yaml"))
    out = tmp_path / "jo"
    assert cli(*data, "export", "--format", "csv", "--as-of", "2023-06-01", "--focus", "Jo Sample",
               "-o", str(out)).exit_code == 0
    with open(tmp_path / "jo-edges.csv", encoding="utf-8-sig") as f:
        edges = list(csv.DictReader(f))
    held = {(e["target"], e["valid_from"], e["valid_until"]) for e in edges if e["relation"] == "holds role at"}
    assert held == {(LGD + "org-rbq", "2023-04-01", "")}
    assert {e["target"] for e in edges if e["relation"] == "has trait"} == {LGD + "trait-resilience"}  # until 2024
    page = tmp_path / "jo.html"
    assert cli(*data, "viz", "-o", str(page), "--as-of", "2022-01-01", "--focus", "Jo Sample").exit_code == 0
    from leadgraph.viz.page import extract_payload

    labels = {n["label"] for n in extract_payload(page.read_text(encoding="utf-8"))["info"]}
    assert "Lancashire and South Cumbria NHS Foundation Trust" in labels
    assert "Liverpool Heart and Chest Hospital NHS Foundation Trust" not in labels
    then = cli(*data, "analyse", "summary", "--format", "json", "--as-of", "2021-06-22")
    assert then.exit_code == 0, then.stderr
    now = json.loads(cli(*data, "analyse", "summary", "--format", "json").stdout)
    then = json.loads(then.stdout)
    assert then["nodes"]["person"] == now["nodes"]["person"] == 7  # people are undated facts: all stay
    assert then["links"] < now["links"]  # before the article: no roles, traits or service records yet


@pytest.mark.parametrize("command", [("query", "cio-roles"), ("export", "--format", "nt"),
                                     ("viz", "-o", "x.html"), ("analyse", "summary")])
def test_bad_as_of_exits_2_on_every_command(cli, command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli(*command, "--as-of", "31/12/2022")
    assert result.exit_code == 2
    assert "--as-of: '31/12/2022' is not a date: write it as YYYY-MM-DD" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "x.html").exists()


def test_as_of_refuses_an_update(cli, tmp_path):
    result = cli("query", "-e", "DELETE WHERE { ?s lg:asOf ?d }", "--allow-update", "--update-output",
                 str(tmp_path / "u.ttl"), "--as-of", "2022-01-01")
    assert result.exit_code == 2 and "--as-of does not go with --allow-update" in result.stderr


def test_library_functions_take_as_of(graph):
    import leadgraph

    rows = leadgraph.query(ROLES_OF_JO, graph=graph, as_of="2023-06-01").rows
    assert rows == [{"jobTitle": "Chief Digital Officer", "org": "RBQ"}]
    nt = leadgraph.export(graph, "nt", as_of=dt.date(2022, 1, 1)).decode()
    assert f"<{OLD_ROLE}>" in nt and f"<{NEW_ROLE}>" not in nt
    with pytest.raises(UsageError):
        leadgraph.export(graph, "nt", as_of="soon")


def test_records_round_trip_supersedes_and_corrections(tmp_path):
    import leadgraph.records  # noqa: F401 - registers the record readers
    from leadgraph.store.readers import reader_for

    yaml_reader, csv_reader = reader_for(Path("a.yaml")), reader_for(Path("a.csv"))
    triples = yaml_reader.read(FIXTURE / "jo-sample.yaml")
    written = tmp_path / "back.yaml"
    written.write_bytes(yaml_reader.write(triples))
    assert set(map(str, yaml_reader.read(written))) == set(map(str, triples))
    text = written.read_text(encoding="utf-8")
    assert "supersedes: jo-sample-role-rw5" in text and "corrects: jo-sample-trait-resilience" in text
    # CSV: the same three roles, the ending one with its supersedes column, dates kept both ways.
    from_csv = csv_reader.read(FIXTURE / "jo-sample-roles.csv")
    roles = {str(t) for t in from_csv if "role-" in str(t.subject)}
    assert roles == {str(t) for t in triples if "role-" in str(t.subject)}
    again = tmp_path / "back.csv"
    again.write_bytes(csv_reader.write(from_csv))
    assert set(map(str, csv_reader.read(again))) == set(map(str, from_csv))
    assert "2023-04-01" in again.read_text(encoding="utf-8")
    # A corrections CSV: the same correction as the YAML's, and back.
    corrections = csv_reader.read(FIXTURE / "jo-sample-corrections.csv")
    assert {str(t) for t in corrections} == {str(t) for t in triples if "correction" in str(t.subject)
                                             or "source-erratum" in str(t.subject)}
    again.write_bytes(csv_reader.write(corrections))
    assert again.read_text(encoding="utf-8").splitlines()[0].startswith("person,corrects,")
    assert set(map(str, csv_reader.read(again))) == set(map(str, corrections))


def test_record_mistakes_are_reported_with_their_place(tmp_path):
    from leadgraph.errors import DataError

    bad = tmp_path / "bad.yaml"
    bad.write_text((FIXTURE / "jo-sample.yaml").read_text(encoding="utf-8").replace(
        "supersedes: jo-sample-role-rw5", "supersedes: jo-sample-role-rw5-news\n    id: jo-sample-role-rw5-news"))
    with pytest.raises(DataError, match="cannot supersede itself"):
        load([bad])
    bad.write_text((FIXTURE / "jo-sample.yaml").read_text(encoding="utf-8").replace(
        "  - corrects: jo-sample-trait-resilience\n", "  - correct: jo-sample-trait-resilience\n"))
    with pytest.raises(DataError, match=r"bad\.yaml:\d+: corrections\[0\]"):
        load([bad])


def test_validation_checks_corrections_and_supersessions(tmp_path):
    from leadgraph.validation import validate

    assert validate(load([REPO / "data", FIXTURE / "jo-sample.yaml"])).conforms
    (tmp_path / "x.ttl").write_text("""
@prefix lg: <https://w3id.org/leadgraph/ontology#> . @prefix lgd: <https://w3id.org/leadgraph/id/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
lgd:fix a lg:Correction ; lg:person lgd:phill-james ; prov:wasDerivedFrom lgd:article-2021-06-23 .
lgd:newer lg:supersedes "lgd:phill-james-role-rx7" .
lgd:later lg:supersedes lgd:phill-james-role-rx8 ; prov:wasDerivedFrom lgd:article-2021-06-23 .
lgd:fix2 a lg:Correction ; lg:person lgd:phill-james ; prov:wasDerivedFrom lgd:article-2021-06-23 ;
    lg:corrects lgd:phill-james-trait-resilence .
""")
    report = validate(load([REPO / "data", tmp_path / "x.ttl"]))
    messages = {r.message for r in report.results}
    assert "a correction must name the claim it corrects (lg:corrects)" in messages
    assert "lg:supersedes must point to the statement it replaces (an IRI)" in messages
    assert "a statement that supersedes another must name its own source (prov:wasDerivedFrom)" in messages
    dangling = {(r.focus_node, r.value, r.message) for r in report.results if "names no statement" in r.message}
    assert dangling == {
        ("lgd:later", "lgd:phill-james-role-rx8",
         "lg:supersedes names no statement in the loaded data (a mistyped id would end nothing)"),
        ("lgd:fix2", "lgd:phill-james-trait-resilence",
         "lg:corrects names no statement in the loaded data (a mistyped id would correct nothing)"),
    }
    # Both engines report the same.
    assert sorted(map(str, validate(load([REPO / "data", tmp_path / "x.ttl"]), engine="pyshacl").results)) == \
        sorted(map(str, report.results))


def test_the_readme_example_is_the_tested_fixture(tmp_path):
    import leadgraph.records  # noqa: F401 - registers the record readers
    from leadgraph.store.readers import reader_for

    section = (REPO / "README.md").read_text(encoding="utf-8").split("## Corrections and history", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    written = tmp_path / "jo.yaml"
    written.write_text(example, encoding="utf-8")
    reader = reader_for(written)
    assert set(map(str, reader.read(written))) == set(map(str, reader.read(FIXTURE / "jo-sample.yaml")))


def test_as_of_on_an_on_disk_store(tmp_path):
    import leadgraph
    from leadgraph.loading import build_store, open_store

    build_store(tmp_path / "db", [REPO / "data", FIXTURE / "jo-sample.yaml"])
    stored = open_store(tmp_path / "db")
    assert leadgraph.query(ROLES_OF_JO, graph=stored, as_of="2023-06-01").rows == [
        {"jobTitle": "Chief Digital Officer", "org": "RBQ"}]
    assert len(leadgraph.query(ROLES_OF_JO, graph=stored, as_of="2022-01-01").rows) == 2
    assert validity(stored)[OLD_ROLE].as_attrs() == {"valid_from": "2021-06-01", "valid_until": "2023-05-01"}


def test_as_of_on_a_remote_endpoint(start_oxigraph, tmp_path, graph):
    import leadgraph
    from leadgraph.loading import open_endpoint
    from leadgraph.publishing import push

    with start_oxigraph(tmp_path / "server") as base:
        push(base + "/store", graph=graph)
        remote = open_endpoint(base + "/query")
        assert leadgraph.query(ROLES_OF_JO, graph=remote, as_of="2023-06-01").rows == [
            {"jobTitle": "Chief Digital Officer", "org": "RBQ"}]
        assert len(view_as_of(remote, "2022-01-01")) == len(view_as_of(graph, "2022-01-01"))
