"""leadgraph.network.analytics and ``leadgraph analyse``.

Expected answers on the bundled data were worked out by hand from data/people/*.ttl and
ontology/concepts.ttl (the traits each person's lg:TraitAttribution nodes name, and each
trait's skos:broader group); the sparse similarity is also checked against plain Python set
intersections on random synthetic graphs.
"""

from __future__ import annotations

import itertools
import json
import random
import re
import shlex

import pyoxigraph as ox
import pytest

from leadgraph.network import analytics
from leadgraph.network.analytics import analyse, centrality, summary, trait_similarity
from leadgraph.errors import UsageError
from leadgraph.namespaces import LG, LGD, RDFS, SKOS

# Traits per person, read off data/people/*.ttl (lg:trait of each attribution).
TRAITS = {
    "Arif Patel": {"change", "listening", "professional-development", "subject-expertise"},
    "Ayesha Rahim": {"change", "communication", "passion-for-services", "patient-focus", "people-management"},
    "Charlee Martin": {"developing-people", "motivation", "organisation", "problem-solving",
                       "professional-development"},
    "Garry Harris": {"patient-focus", "resilience", "self-motivation", "strategic-thinking",
                     "strength-based-leadership", "trust", "understanding-the-environment"},
    "Gregg Holland": {"customer-service", "public-accountability", "willingness-to-deliver"},
    "Phill James": {"decision-making", "listening", "patient-focus", "resilience", "situational-leadership"},
}


def _pairs(rows):
    return [(r["person_a_label"], r["person_b_label"], r["shared"], r["jaccard"], r["shared_labels"]) for r in rows]


# -- trait similarity on the bundled data -----------------------------------------------------------


def test_pairs_sharing_two_or_more_traits(bundled_graph):
    # Only Garry (7 traits) and Phill (5) share two: patient focus and resilience; 2 / (7 + 5 - 2).
    assert _pairs(trait_similarity(bundled_graph, min_shared=2)) == [
        ("Garry Harris", "Phill James", 2, 0.2, ["Patient focus", "Resilience"]),
    ]
    assert trait_similarity(bundled_graph, min_shared=3) == []


def test_every_pair_sharing_a_trait_by_jaccard(bundled_graph):
    assert _pairs(trait_similarity(bundled_graph)) == [
        ("Garry Harris", "Phill James", 2, 2 / 10, ["Patient focus", "Resilience"]),
        ("Arif Patel", "Ayesha Rahim", 1, round(1 / 8, 6), ["Leading change and transformation"]),
        ("Arif Patel", "Charlee Martin", 1, round(1 / 8, 6), ["Continuous professional development"]),
        ("Arif Patel", "Phill James", 1, round(1 / 8, 6), ["Listening to the people around you"]),
        ("Ayesha Rahim", "Phill James", 1, round(1 / 9, 6), ["Patient focus"]),
        ("Ayesha Rahim", "Garry Harris", 1, round(1 / 11, 6), ["Patient focus"]),
    ]


def test_rows_carry_what_they_are_computed_from(bundled_graph):
    row = trait_similarity(bundled_graph, min_shared=2)[0]
    assert row["person_a"] == LGD + "garry-harris" and row["person_b"] == LGD + "phill-james"
    assert (row["total_a"], row["total_b"]) == (len(TRAITS["Garry Harris"]), len(TRAITS["Phill James"]))
    assert row["shared_iris"] == [LGD + "trait-patient-focus", LGD + "trait-resilience"]


def test_count_metric_orders_by_shared_count_first(bundled_graph):
    # Same pairs; ties on count fall back to Jaccard, then labels.
    by_count = _pairs(trait_similarity(bundled_graph, metric="count"))
    assert [p[:2] for p in by_count] == [
        ("Garry Harris", "Phill James"), ("Arif Patel", "Ayesha Rahim"), ("Arif Patel", "Charlee Martin"),
        ("Arif Patel", "Phill James"), ("Ayesha Rahim", "Phill James"), ("Ayesha Rahim", "Garry Harris"),
    ]


def test_similarity_at_group_level(bundled_graph):
    # Groups per person via each trait's skos:broader (LC leading change, LP leading people,
    # PQ personal qualities, D delivery, PU purpose):
    # Arif {LC LP PQ}, Ayesha {LC LP PU}, Charlee {D LP PQ}, Garry {LC LP PQ PU}, Gregg {D PU},
    # Phill {D LP PQ PU}. Gregg and Phill now share two groups though no trait.
    rows = trait_similarity(bundled_graph, level="group", min_shared=2, metric="count")
    assert [(a, b, n, j) for a, b, n, j, _ in _pairs(rows)] == [
        ("Arif Patel", "Garry Harris", 3, 0.75),
        ("Ayesha Rahim", "Garry Harris", 3, 0.75),
        ("Charlee Martin", "Phill James", 3, 0.75),
        ("Garry Harris", "Phill James", 3, 0.6),
        ("Arif Patel", "Ayesha Rahim", 2, 0.5),
        ("Arif Patel", "Charlee Martin", 2, 0.5),
        ("Gregg Holland", "Phill James", 2, 0.5),
        ("Arif Patel", "Phill James", 2, 0.4),
        ("Ayesha Rahim", "Phill James", 2, 0.4),
        ("Charlee Martin", "Garry Harris", 2, 0.4),
    ]
    assert rows[6]["shared_labels"] == ["Getting things delivered", "Purpose and public service"]
    assert len(trait_similarity(bundled_graph, level="group")) == 14  # 15 pairs; Arif and Gregg share none


def test_an_attribution_repeated_counts_once_and_other_lg_person_statements_are_ignored():
    store = ox.Store()
    p = {name: ox.NamedNode(LGD + name) for name in ("a", "b", "t1", "t2", "g")}
    label = ox.NamedNode(RDFS + "label")
    for name, node in p.items():
        store.add(ox.Quad(node, label, ox.Literal(name.upper())))
    facts = [("x1", "a", "t1"), ("x2", "a", "t1"), ("x3", "b", "t1"), ("x4", "b", "t2")]
    for attr, person, trait in facts:
        store.add(ox.Quad(ox.NamedNode(LGD + attr), ox.NamedNode(LG + "person"), p[person]))
        store.add(ox.Quad(ox.NamedNode(LGD + attr), ox.NamedNode(LG + "trait"), p[trait]))
    # A service record also uses lg:person; it has no lg:trait, so it adds nothing.
    store.add(ox.Quad(ox.NamedNode(LGD + "svc"), ox.NamedNode(LG + "person"), p["a"]))
    store.add(ox.Quad(p["t1"], ox.NamedNode(SKOS + "broader"), p["g"]))
    [row] = trait_similarity(store)
    assert (row["shared"], row["total_a"], row["total_b"], row["jaccard"]) == (1, 1, 2, 0.5)
    # At group level t1 becomes G and t2 (no group) stands for itself.
    [row] = trait_similarity(store, level="group")
    assert (row["shared_labels"], row["total_b"]) == (["G"], 2)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sparse_similarity_matches_brute_force_sets(seed, monkeypatch):
    # Small blocks so the block loop (and a partial last block) is exercised too.
    monkeypatch.setattr(analytics, "_ROWS_PER_BLOCK", 7)
    rng = random.Random(seed)
    people = [f"p{i:03d}" for i in range(60)]
    traits = [f"t{i:02d}" for i in range(12)]
    held = {p: set(rng.sample(traits, rng.randint(0, 6))) for p in people}
    store = ox.Store()
    n = 0
    for person, ts in held.items():
        for t in ts:
            n += 1
            attr = ox.NamedNode(f"https://example.org/attr{n}")
            store.add(ox.Quad(attr, ox.NamedNode(LG + "person"), ox.NamedNode("https://example.org/" + person)))
            store.add(ox.Quad(attr, ox.NamedNode(LG + "trait"), ox.NamedNode("https://example.org/" + t)))
    for min_shared in (1, 2, 3):
        expected = {}
        for a, b in itertools.combinations(sorted(held), 2):
            common = held[a] & held[b]
            if len(common) >= min_shared:
                expected[(a, b)] = (len(common), len(common) / len(held[a] | held[b]), sorted(common))
        got = {}
        for r in trait_similarity(store, min_shared=min_shared, top=0):
            a, b = r["person_a"].rsplit("/", 1)[1], r["person_b"].rsplit("/", 1)[1]
            got[(a, b)] = (r["shared"], r["jaccard"], [t.rsplit("/", 1)[1] for t in r["shared_iris"]])
        assert got.keys() == expected.keys()
        for pair, (shared, jaccard, common) in expected.items():
            assert got[pair][0] == shared and got[pair][2] == common
            assert got[pair][1] == pytest.approx(jaccard, abs=1e-6)


def test_similarity_of_a_graph_without_traits_is_empty():
    assert trait_similarity(ox.Store()) == []


@pytest.mark.parametrize("kwargs, message", [
    ({"metric": "cosine"}, "unknown similarity metric 'cosine'"),
    ({"level": "family"}, "unknown level 'family'"),
    ({"min_shared": 0}, "min_shared must be a whole number of at least 1"),
])
def test_similarity_refuses_bad_arguments(bundled_graph, kwargs, message):
    with pytest.raises(UsageError, match=message):
        trait_similarity(bundled_graph, **kwargs)


# -- centrality and summary --------------------------------------------------------------------------


def test_degree_counts_distinct_neighbours_without_sources(bundled_graph):
    # Neighbours per person from the data files: organisations (roles held and service records;
    # Garry's trust counts once), role concepts, programmes, qualifications and traits.
    expected = {
        "Phill James": 10,     # Warrington & Halton, RX7, NHS; CIO, Director of Digital; 5 traits
        "Charlee Martin": 9,   # RBS, NHS; programme manager; Share2Care; 5 traits
        "Garry Harris": 9,     # RRF; associate director of technology; 7 traits
        "Ayesha Rahim": 8,     # RW5; CCIO; MSc; 5 traits
        "Arif Patel": 6,       # RXR; associate director TEC; 4 traits
        "Gregg Holland": 6,    # RBQ, NHS; CIO; 3 traits
    }
    rows = centrality(bundled_graph)
    assert [(r["label"], r["neighbours"]) for r in rows] == list(expected.items())
    nodes = summary(bundled_graph)["nodes"]
    others = sum(nodes.values()) - 1
    assert [r["score"] for r in rows] == [round(n / others, 6) for n in expected.values()]
    assert all(r["kind"] == "person" and "article" not in " ".join(r["neighbour_labels"]).lower() for r in rows)
    assert len(rows[0]["neighbour_labels"]) == 10 and "Resilience" in rows[0]["neighbour_labels"]


def test_centrality_measures_and_kinds(bundled_graph):
    for measure in analytics.MEASURES:
        rows = centrality(bundled_graph, measure=measure)
        assert {r["label"] for r in rows} == set(TRAITS)
        scores = [r["score"] for r in rows]
        assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)
    # Patient focus links three people; every other trait fewer.
    traits = centrality(bundled_graph, kinds=["trait"])
    assert traits[0]["label"] == "Patient focus" and {r["kind"] for r in traits} == {"trait"}
    every = centrality(bundled_graph, kinds=None)
    assert "source" not in {r["kind"] for r in every} and len(every) == sum(summary(bundled_graph)["nodes"].values())


def test_eigenvector_handles_a_disconnected_graph(mini_graph):
    from leadgraph.network.projection import to_networkx

    rows = centrality(mini_graph, kinds=None, measure="eigenvector")
    assert len(rows) == sum(1 for _, k in to_networkx(mini_graph).nodes(data="kind") if k != "source")


def test_summary_on_the_bundled_data(bundled_graph):
    facts = summary(bundled_graph, top=2)
    assert facts["nodes"]["person"] == 6 and facts["nodes"]["trait"] == 23
    # Everyone is in one component (through shared traits, roles and the NHS); role groups no
    # one holds yet (Head of service, chief technology or data officer) are components of their own.
    assert [c["people"] for c in facts["components"] if c["people"]] == [sorted(TRAITS)]
    assert facts["most_connected"]["organisation"][0]["label"] == "NHS"
    # The NHS: Charlee, Gregg and Phill give years of NHS service (lg:serviceIn lgd:org-nhs).
    assert facts["most_connected"]["organisation"][0]["people_labels"] == [
        "Charlee Martin", "Gregg Holland", "Phill James"]
    holders = {t for ts in TRAITS.values() for t in ts}
    counts = sorted(((sum(t in ts for ts in TRAITS.values()), t) for t in holders), reverse=True)
    assert counts[0] == (3, "patient-focus")
    trait_rows = facts["most_connected"]["trait"]
    assert [(r["label"], r["people"]) for r in trait_rows] == [
        ("Patient focus", 3), ("Continuous professional development", 2)]


def test_analyse_refuses_options_that_do_not_apply(bundled_graph):
    with pytest.raises(UsageError, match="--min-shared does not apply to centrality"):
        analyse("centrality", bundled_graph, min_shared=2)
    with pytest.raises(UsageError, match="unknown analysis 'cliques'"):
        analyse("cliques", bundled_graph)
    with pytest.raises(UsageError, match="unknown kind 'people'"):
        analyse("centrality", bundled_graph, rank="people")


def test_cli_literals_match_the_library():
    from leadgraph.cli import analyse as command

    assert command.ANALYSES == analytics.ANALYSES and command.FORMATS == analytics.FORMATS


# -- CLI ---------------------------------------------------------------------------------------------


def test_cli_similarity_table(cli):
    result = cli("analyse", "similarity", "--min-shared", "2")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[2].split()[:7] == ["Garry", "Harris", "Phill", "James", "2", "0.200",
                                                         "Patient"]
    assert result.stdout.endswith("(1 row)\n")


def test_cli_json_is_what_the_library_returns(cli, bundled_graph):
    for args, expected in [
        (("similarity", "--level", "group", "--measure", "count"),
         trait_similarity(bundled_graph, level="group", metric="count")),
        (("centrality", "--measure", "betweenness", "--rank", "person,trait"),
         centrality(bundled_graph, ["person", "trait"], "betweenness")),
        (("summary", "--top", "3"), summary(bundled_graph, 3)),
    ]:
        result = cli("analyse", *args, "--format", "json")
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout) == expected


def test_cli_writes_csv_atomically_with_format_from_extension(cli, tmp_path):
    out = tmp_path / "new" / "pairs.csv"
    result = cli("analyse", "similarity", "--min-shared", "2", "-o", str(out))
    assert result.exit_code == 0 and result.stderr == f"wrote {out}\n" and result.stdout == ""
    lines = out.read_text().splitlines()
    assert lines[0].split(",")[:6] == ["person_a", "person_a_label", "person_b", "person_b_label", "shared",
                                       "jaccard"]
    assert lines[1].startswith(f"{LGD}garry-harris,Garry Harris,{LGD}phill-james,Phill James,2,0.2,7,5,")
    assert len(lines) == 2


def test_cli_uses_data_option(cli, tmp_path):
    data = tmp_path / "two.ttl"
    data.write_text(
        "@prefix lg: <https://w3id.org/leadgraph/ontology#> .\n@prefix lgd: <https://w3id.org/leadgraph/id/> .\n"
        "lgd:x1 lg:person lgd:p1 ; lg:trait lgd:t . lgd:x2 lg:person lgd:p2 ; lg:trait lgd:t .\n")
    result = cli("--data", str(data), "analyse", "similarity", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1].startswith(f"{LGD}p1,lgd:p1,{LGD}p2,lgd:p2,1,1.0,1,1,lgd:t,")


@pytest.mark.parametrize("args, message", [
    (("centrality", "--measure", "pagerank"), "error: unknown centrality measure 'pagerank'"),
    (("similarity", "--measure", "degree"), "error: unknown similarity metric 'degree'"),
    (("summary", "--measure", "degree"), "error: --measure does not apply to summary"),
    (("similarity", "--min-shared", "0"), "error: min_shared must be a whole number"),
    (("centrality", "--rank", "leader"), "error: unknown kind 'leader'"),
    (("summary", "--kinds", "leader"), "error: --kinds: unknown kind leader"),
    (("similarity", "--hops", "2"), "error: --hops needs --focus, --trait or --organisation"),
])
def test_cli_usage_errors_exit_2(cli, args, message):
    result = cli("analyse", *args)
    assert result.exit_code == 2 and result.stderr.startswith(message) and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1


def test_cli_unknown_analysis_exits_2(cli):
    result = cli("analyse", "cliques")
    assert result.exit_code == 2 and "'cliques' is not one of" in result.stderr


def test_real_subprocess(run_cli, tmp_path):
    result = run_cli("analyse", "centrality", "--measure", "eigenvector", "--format", "tsv")
    assert result.exit_code == 0, result.stderr
    header, first = result.stdout.splitlines()[:2]
    assert header.split("\t")[:4] == ["node", "label", "kind", "score"]
    assert first.split("\t")[1] == "Phill James"
    bad = run_cli("analyse", "centrality", "--measure", "closeness")
    assert bad.exit_code == 2 and bad.stderr.startswith("error: unknown centrality measure") and "Traceback" not in bad.stderr
    missing = run_cli("--data", str(tmp_path / "nothing"), "analyse", "summary")
    assert missing.exit_code == 1 and "no such file or folder" in missing.stderr


# -- README ------------------------------------------------------------------------------------------


def test_readme_section_commands_show_real_output(readme_section, cli):
    section = readme_section("Analysing the network")
    blocks = re.findall(r"```\n(\$ leadgraph [^\n]*\n.*?)```", section, re.S)
    assert {b.split()[3] for b in blocks} >= {"similarity", "centrality", "summary"}
    for block in blocks:
        command, _, output = block.partition("\n")
        result = cli(*shlex.split(command[2:])[1:])
        assert result.stdout + result.stderr == output, f"README: `{command}` now prints:\n{result.stdout}"
    assert "judge" in section or "judgement" in section


# -- analyses of a selection ---------------------------------------------------------------------


def test_similarity_of_a_selection_counts_only_its_people(bundled_graph):
    from leadgraph.network.criteria import Criteria

    everyone = trait_similarity(bundled_graph)
    # A selection of everything gives what the store scan gives.
    all_kinds = "person,organisation,programme,role,group,trait,region,qualification,source"
    assert trait_similarity(bundled_graph, criteria=Criteria(kinds=all_kinds)) == everyone
    resilient = trait_similarity(bundled_graph, trait="resilience", hops=1)
    pairs = {(r["person_a_label"], r["person_b_label"]) for r in resilient}
    assert pairs == {("Garry Harris", "Phill James")}
    assert {(r["person_a_label"], r["person_b_label"]) for r in everyone} > pairs


def test_summary_and_centrality_of_an_organisation_neighbourhood(bundled_graph, cli):
    from leadgraph.network.criteria import Criteria

    # RW5 (Lancashire and South Cumbria) and the one leader the article places there.
    facts = summary(bundled_graph, criteria=Criteria(organisation="RW5", hops=1))
    assert facts["nodes"]["person"] == 1 and facts["nodes"]["organisation"] == 1
    rows = centrality(bundled_graph, organisation="RW5", hops=1)
    assert [r["label"] for r in rows] == ["Ayesha Rahim"]
    result = cli("analyse", "summary", "--organisation", "RW5", "--hops", "1", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == facts
