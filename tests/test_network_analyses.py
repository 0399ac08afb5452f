"""Coverage, paths, communities and mentoring matches (issue 11 §1-4): exact answers on the
bundled data and on the fictional tests/fixtures/analyses/board.ttl, every output format, the CLI."""

from __future__ import annotations

import json

import pytest

from leadgraph.errors import UsageError
from leadgraph.namespaces import LGD
from leadgraph.network.analytics import analyse
from leadgraph.network.communities import communities, membership
from leadgraph.network.coverage import coverage
from leadgraph.network.mentoring import mentors
from leadgraph.network.paths import paths

ARTICLE = "What does it take to be a tech leader in the NHS?"


@pytest.fixture(scope="module")
def board(fixtures):
    from leadgraph.loading import load

    return load([fixtures / "analyses" / "board.ttl"])


# -- coverage -----------------------------------------------------------------------------------

def test_coverage_by_region_counts_open_english_trusts_and_the_known_leaders(bundled_graph):
    found = coverage(bundled_graph)
    assert (found["trusts"], found["covered"], found["share"]) == (202, 5, 0.0248)
    assert [(a["label"], a["trusts"], a["covered"]) for a in found["areas"]] == [
        ("NHS England East of England", 22, 0), ("NHS England London", 32, 0), ("NHS England Midlands", 39, 0),
        ("NHS England North East and Yorkshire", 31, 0), ("NHS England North West", 31, 5),
        ("NHS England South East", 28, 0), ("NHS England South West", 19, 0)]
    north_west = found["areas"][4]
    # Phill James's CIO role is at a place-based partnership, not a trust, and his trust role ended.
    assert [r["label"] for r in north_west["leaders"]] == [
        "Arif Patel", "Ayesha Rahim", "Charlee Martin", "Garry Harris", "Gregg Holland"]
    # ...so he is listed for the area, through the places the partnership serves, and covers no trust.
    assert [(r["label"], r["organisation_label"]) for r in north_west["other_leaders"]] == [
        ("Phill James", "Warrington Together and Halton One")]
    by_icb = coverage(bundled_graph, by="icb", role_group="cio")["areas"]
    assert [(a["label"], a["covered"], [r["label"] for r in a["other_leaders"]]) for a in by_icb
            if a["covered"] or a["other_leaders"]] == [
        ("NHS Cheshire and Merseyside Integrated Care Board", 1, ["Phill James"]),
        ("NHS Lancashire and South Cumbria Integrated Care Board", 1, [])]


def test_coverage_by_trust_for_cio_roles_says_who_since_when_and_from_which_source(bundled_graph):
    found = coverage(bundled_graph, by="trust", role_group="cio")
    covered = [(a["ods_code"], [(r["label"], r["job_title"], r["as_of"], r["source_title"], r["source_date"])
                                for r in a["leaders"]]) for a in found["areas"] if a["covered"]]
    assert covered == [("RBQ", [("Gregg Holland", "CIO", "2021-06-23", ARTICLE, "2021-06-23")]),
                       ("RW5", [("Ayesha Rahim", "CCIO", "2021-06-23", ARTICLE, "2021-06-23")])]
    assert found["role_group"] == LGD + "rolegroup-cio" and len(found["areas"]) == 202


def test_coverage_uses_start_dates_and_skips_ended_roles(board):
    found = coverage(board, by="icb", role_group="CIO-type role")
    icb = next(a for a in found["areas"] if a["label"].startswith("NHS Bedfordshire"))
    assert (icb["trusts"], icb["covered"], icb["share"]) == (2, 1, 0.5)
    assert [(r["label"], r["since"], r["source_title"], r["source_date"]) for r in icb["leaders"]] == [
        ("Ann Example", "2019-04-01", "Fictional annual report", "2024-05-01")]


def test_unknown_role_group_or_level_is_a_usage_error(bundled_graph):
    with pytest.raises(UsageError, match="choose from cio, chief-officer, director, head, programme"):
        coverage(bundled_graph, role_group="ceo")
    with pytest.raises(UsageError, match="unknown level"):
        coverage(bundled_graph, by="county")


def test_named_queries_for_uncovered_trusts_and_board_seats(board):
    from leadgraph.sparql.run import query

    rows = query("trusts-without-leader", {"group": "lgd:rolegroup-cio"}, graph=board).rows
    codes = {r["odsCode"] for r in rows}
    assert len(rows) == 200 and not {"RC9", "RGT"} & codes and "RD8" in codes
    seats = query("leaders-on-a-board", graph=board).rows
    assert [(r["name"], r["jobTitle"], r["organisationName"], r["source"]) for r in seats] == [
        ("Ann Example", "Chief Information Officer", "Bedfordshire Hospitals NHS Foundation Trust",
         LGD + "test-source")]


# -- paths --------------------------------------------------------------------------------------

def test_path_steps_are_facts_with_source_and_date(bundled_graph):
    found = paths(bundled_graph, "Gary Harris", "Phil")
    assert found["steps"] == 2
    assert [p["nodes"] for p in found["paths"]] == [["Garry Harris", "Patient focus", "Phill James"],
                                                    ["Garry Harris", "Resilience", "Phill James"]]
    step = found["paths"][0]["steps"][0]
    assert (step["relation"], step["source_title"], step["date"]) == ("has trait", ARTICLE, "2021-06-23")
    assert step["statement"] == LGD + "garry-harris-trait-patient-focus"


def test_path_through_organisations_and_regions_only(bundled_graph):
    found = paths(bundled_graph, "Arif Patel", "Gregg Holland", via="organisation,region")
    assert found["steps"] == 4
    assert found["paths"][0]["nodes"] == ["Arif Patel", "East Lancashire Hospitals NHS Trust",
                                          "NHS England North West",
                                          "Liverpool Heart and Chest Hospital NHS Foundation Trust", "Gregg Holland"]
    relations = [s["relation"] for s in found["paths"][0]["steps"]]
    assert relations == ["holds role at", "in NHS England region", "in NHS England region (of)",
                         "holds role at (of)"]


def test_no_path_is_a_plain_normal_answer(bundled_graph, board, cli):
    assert paths(bundled_graph, "Arif Patel", "Gregg Holland", via="trait")["paths"] == []
    assert paths(board, "Ann Example", "Cat Example")["steps"] is None
    result = cli("analyse", "path", "Arif Patel", "Gregg Holland", "--via", "trait")
    assert result.exit_code == 0
    assert result.stdout == ("No path between Arif Patel and Gregg Holland within 6 steps through trait "
                             "(a path never passes through another person).\n")
    assert paths(bundled_graph, "Arif Patel", "Gregg Holland", max_steps=3)["paths"] == []


def test_path_names_must_name_two_people(cli):
    assert cli("analyse", "path", "Nobody Here", "Phil").exit_code == 2
    assert cli("analyse", "path", "Phil").exit_code == 2
    result = cli("analyse", "path", "Phil", "Phill James")
    assert result.exit_code == 2 and "same person" in result.stderr


# -- communities --------------------------------------------------------------------------------

def test_communities_on_the_bundled_data(bundled_graph):
    found = communities(bundled_graph)
    assert [(c["community"], c["people_labels"]) for c in found] == [
        (1, ["Arif Patel", "Ayesha Rahim"]), (2, ["Gregg Holland", "Phill James"]), (3, ["Charlee Martin"]),
        (4, ["Garry Harris"])]
    assert [(s["label"], s["people"]) for s in found[0]["shared"]] == [
        ("NHS England North West", 2), ("NHS Lancashire and South Cumbria Integrated Care Board", 2)]
    assert [(s["label"], s["people"]) for s in found[1]["shared"]] == [("NHS", 2), ("NHS England North West", 2)]
    assert membership(found)[LGD + "garry-harris"] == 4
    assert all(communities(bundled_graph, seed=seed) == found for seed in (2, 3, 4, 5))


def test_communities_are_deterministic_and_keep_people_with_no_ties(board):
    first = communities(board)
    assert first == communities(board)
    assert ["Cat Example"] in [c["people_labels"] for c in first]
    with pytest.raises(UsageError):
        communities(board, resolution=0)


# -- mentors ------------------------------------------------------------------------------------

def test_mentors_rank_by_what_the_sources_say(bundled_graph):
    found = mentors(bundled_graph, "Charlee Martin", top=0)
    assert [m["label"] for m in found["mentors"]] == [
        "Garry Harris", "Phill James", "Gregg Holland", "Ayesha Rahim", "Arif Patel"]
    first = found["mentors"][0]["reasons"]
    assert first[0] == {"kind": "service", "text": "32 years of service as of 2021-06-23, to Charlee Martin's 5",
                        "source": LGD + "article-2021-06-23", "source_title": ARTICLE, "date": "2021-06-23"}
    assert all(r["source_title"] == ARTICLE for m in found["mentors"] for r in m["reasons"])


def test_mentors_compare_service_and_name_the_shared_region(board):
    found = mentors(board, "Bob Example")
    assert [m["label"] for m in found["mentors"]] == ["Ann Example", "Dee Example"]
    kinds = [(r["kind"], r["text"]) for r in found["mentors"][0]["reasons"]]
    assert kinds[0] == ("service", "20 years of service as of 2024-05-01, to Bob Example's 3")
    assert ("region", "also tied to NHS England East of England through Bedfordshire Hospitals NHS Foundation "
            "Trust") in kinds


def test_an_earlier_start_in_the_same_role_group_is_named_with_both_dates(board):
    found = mentors(board, "Dee Example")
    assert [m["label"] for m in found["mentors"]] == ["Ann Example", "Bob Example"]
    assert found["mentors"][0]["reasons"][0] == {
        "kind": "role group", "text": "also holds a CIO-type role: Chief Information Officer at Bedfordshire "
        "Hospitals NHS Foundation Trust since 2019-04-01 (Dee Example: since 2022-01-01)",
        "source": LGD + "test-source", "source_title": "Fictional annual report", "date": "2019-04-01"}


def test_nobody_to_list_is_said_plainly(board, cli, fixtures):
    # Cat Example has no service record, role, trait or region in the data: nothing to compare.
    assert mentors(board, "Cat Example")["mentors"] == []
    result = cli("--data", str(fixtures / "analyses" / "board.ttl"), "analyse", "mentors", "Cat Example")
    assert result.exit_code == 0
    assert result.stdout.startswith("No one in the data has a recorded reason")


def test_mentor_wording_judges_nobody(bundled_graph):
    words = json.dumps([mentors(bundled_graph, p, top=0) for p in ("Charlee Martin", "Arif Patel")]).lower()
    for judgement in ("better", "best", "worse", "weak", "strong", "superior", "should"):
        assert judgement not in words


# -- through analyse and the CLI, in every format -----------------------------------------------

@pytest.mark.parametrize("args", [("coverage",), ("coverage", "--by", "trust", "--role-group", "cio"),
                                  ("path", "Gary", "Phil"), ("communities",), ("mentors", "Charlee Martin")])
@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json", "jsonl"])
def test_every_format(cli, args, fmt):
    result = cli("analyse", *args, "--format", fmt)
    assert result.exit_code == 0, result.stderr
    if fmt == "json":
        json.loads(result.stdout)
    elif fmt == "jsonl":
        assert all(json.loads(line) for line in result.stdout.splitlines())
    else:
        assert len(result.stdout.splitlines()) >= 2


def test_options_that_do_not_apply_are_refused(bundled_graph, cli):
    with pytest.raises(UsageError, match="--via does not apply to coverage"):
        analyse("coverage", bundled_graph, via="trait")
    assert cli("analyse", "communities", "--by", "icb").exit_code == 2
    assert cli("analyse", "coverage", "Phil").exit_code == 2


def test_coverage_cli_writes_csv(cli, tmp_path):
    out = tmp_path / "coverage.csv"
    assert cli("analyse", "coverage", "--by", "icb", "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("area,label,kind,region_label") and "England,total,,,,202,5,0.0248" in text


# -- on SYNTHETIC national-shaped data (benchmarks/synth.py: invented people at real trusts) -------

@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    import sys
    from pathlib import Path

    from leadgraph.loading import load

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import synth

    path = tmp_path_factory.mktemp("synth") / "synthetic.ttl"
    synth.write(path, people=300, seed=5, vocab=synth.vocabulary(None))
    return load([path])


def test_on_synthetic_data_every_step_and_reason_is_sourced(synthetic):
    from leadgraph.network.ties import ties

    found = ties(synthetic)
    people = found.people
    assert len(people) == 300
    groups = communities(synthetic, ties=found)
    assert groups == communities(synthetic, ties=found)  # seeded: the same groups every run
    assert sum(c["size"] for c in groups) == 300 and all(c["shared"] for c in groups if c["size"] > 1)
    route = paths(synthetic, people[0], people[-1], ties=found)
    assert route["paths"], "300 people at real trusts, sharing regions and traits, are connected"
    for step in route["paths"][0]["steps"]:
        assert step["source_title"].startswith(("Synthetic source", "ODS extract", "NHS England regions",
                                                "Integrated Care Boards")), step
    listed = mentors(synthetic, people[0], top=0, ties=found)["mentors"]
    assert listed and all(r["source_title"] and r["date"] for m in listed for r in m["reasons"])
    covered = coverage(synthetic, by="trust")
    assert covered["covered"] == sum(1 for a in covered["areas"] if a["leaders"]) > 0


def test_the_real_command_reports_a_bad_name_without_a_traceback(run_cli):
    result = run_cli("analyse", "path", "Nobody Here", "Phil")
    assert result.exit_code == 2
    assert result.stderr == "error: person A 'Nobody Here' names no person in the graph\n"


@pytest.mark.parametrize("args, problem", [
    (("--via", "hobby"), "unknown kind 'hobby'"),
    (("--top", "0"), "the number of paths to list (--top, limit=)"),
    (("--max", "0"), "the longest path (--max, max_steps=)"),
])
def test_bad_path_options_are_usage_errors(cli, args, problem):
    result = cli("analyse", "path", "Gary", "Phil", *args)
    assert result.exit_code == 2 and problem in result.stderr
