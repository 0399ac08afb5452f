"""leadgraph.network.selection: focus/hops, kinds, trait, organisation and query, and the triples of a selection.

Expected node sets are reasoned from tests/fixtures/export/mini.ttl (fictional) and, for the name
variants, from the seed article ("Phil" for Phill James, "Gary" for Garry Harris).
"""

from __future__ import annotations


import pyoxigraph as ox
import pytest

from leadgraph.errors import QueryError, UsageError
from leadgraph.namespaces import LGD
from leadgraph.network.selection import EmptySelection, resolve, run_query, select

EX = "https://example.org/lgtest/"


def ex(*names: str) -> set[str]:
    return {EX + n for n in names}


def nodes(selection) -> set[str]:
    return set(selection.graph.nodes)


def subjects(triples) -> set[str]:
    return {t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)}


# -- names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Robin Ash", "robin-ash"),
        ("robin ash", "robin-ash"),
        ("  ROBIN   ASH ", "robin-ash"),  # case and spacing do not matter
        ("rob", "robin-ash"),  # schema:alternateName
        ("MO LEE", "morgan-lee"),
        ("Morgan", "morgan-lee"),  # a given name, used when nothing else matches
        ("Sam P", "sam-patel"),
        ("zz3", "org-south"),  # ODS code
        ("north trust", "org-north"),  # skos:altLabel
        ("communicating a vision", "trait-communication"),
        ("https://example.org/lgtest/care-link", "care-link"),
    ],
)
def test_resolve(mini, name, expected):
    assert resolve(mini, name) == EX + expected


def test_resolve_bundled_name_variants(bundled_graph):
    assert resolve(bundled_graph, "Phil") == LGD + "phill-james"
    assert resolve(bundled_graph, "PHILL JAMES") == LGD + "phill-james"
    assert resolve(bundled_graph, "gary") == LGD + "garry-harris"
    assert resolve(bundled_graph, "Garry Harris") == LGD + "garry-harris"
    # The article's own spellings of full names: a short variant with the family name.
    assert resolve(bundled_graph, "GARY HARRIS") == LGD + "garry-harris"
    assert resolve(bundled_graph, "phil james") == LGD + "phill-james"
    with pytest.raises(UsageError, match="matches no node"):
        resolve(bundled_graph, "Gary James")  # a variant pairs only with its own family name
    assert resolve(bundled_graph, "lgd:org-rbs") == LGD + "org-rbs"
    assert resolve(bundled_graph, "rw5", kinds=["organisation"]) == LGD + "org-rw5"


def test_ambiguous_name_lists_the_candidates(mini):
    with pytest.raises(UsageError) as err:
        resolve(mini, "sam")
    message = str(err.value)
    assert "ambiguous" in message
    assert f"Sam Okoro <{EX}sam-okoro>" in message and f"Sam Patel <{EX}sam-patel>" in message


def test_unknown_name_suggests_close_ones(mini):
    with pytest.raises(UsageError) as err:
        resolve(mini, "Robyn Ash")
    assert "'Robyn Ash' matches no node" in str(err.value)
    assert "did you mean: Robin Ash" in str(err.value)


def test_name_of_the_wrong_kind(mini):
    with pytest.raises(UsageError, match="--trait 'Robin Ash' matches no trait"):
        select(mini, trait="Robin Ash")
    with pytest.raises(UsageError, match="no node with that IRI"):
        resolve(mini, "https://example.org/lgtest/nobody")
    with pytest.raises(UsageError, match="no organisation with that IRI"):
        resolve(mini, EX + "robin-ash", kinds=["organisation"], option="--organisation")


# -- focus, hops, kinds, trait, organisation ------------------------------------------------------


def test_no_criteria_is_the_whole_graph(mini):
    chosen = select(mini)
    assert chosen.whole and chosen.graph.number_of_nodes() == 31


def test_focus_one_hop(mini):
    chosen = select(mini, focus="rob")
    assert chosen.criteria == {"focus": "rob", "hops": 1}
    assert nodes(chosen) == ex(
        "robin-ash", "org-north", "org-ambulance", "role-cio", "role-dod", "trait-resilience", "org-nhs", "report"
    )
    # Robin's 7 edges, plus North -> report: every edge between selected nodes is kept.
    assert chosen.graph.number_of_edges() == 8


def test_focus_zero_hops(mini):
    assert nodes(select(mini, focus="Robin Ash", hops=0)) == ex("robin-ash")


def test_walk_does_not_pass_through_sources(mini):
    # Two hops from Robin: Sam Okoro shares the trait, Sam Patel the health service. Morgan is
    # two hops away only through the report every person is "described in".
    chosen = select(mini, focus="Robin Ash", hops=2, kinds="person")
    assert nodes(chosen) == ex("robin-ash", "sam-okoro", "sam-patel")
    # Starting at a source, the walk does leave it: everything the report describes.
    described = select(mini, focus=EX + "report", hops=1, kinds=["person"])
    assert nodes(described) == ex("robin-ash", "morgan-lee", "sam-patel", "sam-okoro")


def test_kinds_after_the_walk(mini):
    chosen = select(mini, focus="rob", hops=1, kinds="organisation, role")
    assert nodes(chosen) == ex("org-north", "org-ambulance", "org-nhs", "role-cio", "role-dod")
    assert chosen.graph.number_of_edges() == 0
    people = select(mini, kinds="person")
    assert nodes(people) == ex("robin-ash", "morgan-lee", "sam-patel", "sam-okoro")


def test_trait(mini):
    assert nodes(select(mini, trait="RESILIENCE", hops=0)) == ex("trait-resilience", "robin-ash", "sam-okoro")
    comm = select(mini, trait="Communicating a vision", hops=0)
    assert nodes(comm) == ex("trait-communication", "morgan-lee", "sam-patel")
    assert comm.graph.number_of_edges() == 2
    # A trait nobody has is still a valid selection: the trait itself.
    assert nodes(select(mini, trait="Unused trait", hops=0)) == ex("trait-unused")


def test_organisation_current_and_earlier_roles(mini):
    assert nodes(select(mini, organisation="zz3", hops=0)) == ex("org-south", "morgan-lee", "sam-okoro")
    assert nodes(select(mini, organisation="ZZ2", hops=0)) == ex("org-ambulance", "robin-ash")  # an earlier role


def test_criteria_combine_as_and(mini):
    assert nodes(select(mini, focus="Robin Ash", trait="resilience", hops=0)) == ex("robin-ash")
    assert nodes(select(mini, trait="resilience", organisation="ZZ3", hops=0)) == ex("sam-okoro")
    with pytest.raises(EmptySelection) as err:
        select(mini, focus="Morgan Lee", trait="resilience")
    assert str(err.value) == "selection matched no nodes: --focus 'Morgan Lee' --hops 1 --trait 'resilience'"
    assert err.value.exit_code == 1


def test_bundled_focus_variants(bundled_graph):
    # Garry Harris's traits, as the article attributes them (data/people/garry-harris.ttl).
    traits = select(bundled_graph, focus="GARY", kinds="trait")
    assert {n[len(LGD):] for n in traits.graph} == {
        "trait-resilience", "trait-self-motivation", "trait-understanding-the-environment",
        "trait-patient-focus", "trait-strategic-thinking", "trait-strength-based-leadership", "trait-trust",
    }
    assert {n[len(LGD):] for n in select(bundled_graph, trait="resilience", kinds="person").graph} == {
        "phill-james", "garry-harris",
    }
    alder_hey = select(bundled_graph, organisation="RBS", hops=0)
    assert {n[len(LGD):] for n in alder_hey.graph} == {"org-rbs", "charlee-martin"}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"hops": 2}, "--hops needs --focus, --trait or --organisation"),
        ({"focus": "rob", "hops": -1}, "--hops must be a whole number"),
        ({"kinds": "person,bogus"}, "--kinds: unknown kind bogus; choose from person, organisation"),
        ({"kinds": " , "}, "--kinds: unknown kind (none given)"),
        ({"kinds": "literal"}, "--kinds: unknown kind literal"),  # raw kinds need raw=True
    ],
)
def test_bad_options(mini, options, message):
    with pytest.raises(UsageError) as err:
        select(mini, **options)
    assert message in str(err.value)
    assert err.value.exit_code == 2


# -- queries ---------------------------------------------------------------------------------------


def test_construct_query(mini, tmp_path):
    query = tmp_path / "names.rq"
    query.write_text("CONSTRUCT { ?p foaf:name ?n } WHERE { ?p a lg:Leader ; foaf:name ?n }")
    chosen = select(mini, query=query)
    assert nodes(chosen) == ex("robin-ash", "morgan-lee", "sam-patel", "sam-okoro")  # literals are not nodes
    # With only a query, the RDF is exactly the query's result.
    assert {(t.subject.value, t.object.value) for t in chosen.triples()} == {
        (EX + "robin-ash", "Robin Ash"), (EX + "morgan-lee", "Morgan Lee"),
        (EX + "sam-patel", "Sam Patel"), (EX + "sam-okoro", "Sam Okoro"),
    }


def test_select_query_naming_statements(mini):
    text = "SELECT ?s ?p ?o WHERE { ?s org:member ?who ; ?p ?o . FILTER(?who = <%s>) }" % (EX + "robin-ash")
    chosen = select(mini, query=text)
    # The memberships' ends are selected, and the edges among them (North is described in the report).
    assert nodes(chosen) == ex("robin-ash", "org-north", "org-ambulance", "role-cio", "role-dod", "report")
    assert chosen.graph.number_of_edges() == 6
    assert subjects(chosen.triples()) == ex("robin-ash-role-north", "robin-ash-role-ambulance")


def test_query_with_other_criteria(mini):
    text = "CONSTRUCT { ?p ?q ?o } WHERE { ?p a lg:Leader ; ?q ?o }"
    chosen = select(mini, query=text, kinds="person", trait="resilience", hops=0)
    assert nodes(chosen) == ex("robin-ash", "sam-okoro")
    assert subjects(chosen.triples()) == ex("robin-ash", "sam-okoro")


def test_query_matching_nothing(mini):
    with pytest.raises(EmptySelection, match="selection matched no nodes: --query"):
        select(mini, query="CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(false) }")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SELECT ?s ?p WHERE { ?s ?p ?o }", "a SELECT query must return ?s ?p ?o (missing ?o)"),
        ("ASK { ?s ?p ?o }", "the query must be a CONSTRUCT, or a SELECT returning ?s ?p ?o (not ASK)"),
        ('SELECT ?s ?p ?o WHERE { BIND("x" AS ?s) BIND(rdf:type AS ?p) BIND(1 AS ?o) }', "result row 1 is not a triple"),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o", "syntax error"),
        # Refused before the engine sees them (leadgraph.sparql.safety): the query never leaves the graph.
        ("SELECT ?s ?p ?o WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "line 1: SERVICE is refused"),
        ("SELECT ?s ?p ?o FROM <http://example.org/g> WHERE { ?s ?p ?o }", "line 1: FROM is refused"),
        ("SELECT ?s ?p ?o\nWHERE { ?s ?p ?o\n  OPTIONAL { service silent ?x { ?s ?p ?o } } }", "line 3: SERVICE is refused"),
        ("DELETE WHERE { ?s ?p ?o }", "this is a SPARQL Update"),
    ],
)
def test_query_errors(mini, text, message):
    with pytest.raises(QueryError) as err:
        run_query(mini, text)
    assert message in str(err.value)
    assert err.value.exit_code == 1


def test_select_with_no_rows_is_no_triples(mini):
    assert run_query(mini, "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(false) }") == []


def test_query_files(mini, tmp_path):
    with pytest.raises(UsageError, match="no such query file"):
        select(mini, query=tmp_path / "missing.rq")
    bad = tmp_path / "bad.sparql"  # any file name will do, not only *.rq
    bad.write_text("SELECT ?s ?p ?o\nWHERE { SERVICE <http://x/> { ?s ?p ?o } }")
    with pytest.raises(QueryError) as err:
        select(mini, query=str(bad))
    assert str(err.value).startswith(f"{bad}:2: SERVICE is refused")
    ask = tmp_path / "ask.rq"
    ask.write_text("ASK { ?s ?p ?o }")
    with pytest.raises(QueryError) as err:
        select(mini, query=ask)
    assert str(err.value).startswith(f"{ask}: the query must be a CONSTRUCT")


# -- the triples of a selection ---------------------------------------------------------------------


def test_triples_of_a_node_and_its_folded_facts(mini):
    chosen = select(mini, focus="Morgan Lee", hops=0)
    # Morgan's own triples and his background statement's; not his membership (South is not selected).
    assert subjects(chosen.triples()) == ex("morgan-lee", "morgan-lee-background")
    store = mini.store.oxigraph
    expected = {q.triple for s in ex("morgan-lee", "morgan-lee-background")
                for q in store.quads_for_pattern(ox.NamedNode(s), None, None, ox.DefaultGraph())}
    assert set(chosen.triples()) == expected


def test_triples_of_selected_edges(mini):
    chosen = select(mini, focus="Morgan Lee", hops=1)
    assert subjects(chosen.triples()) == ex(
        "morgan-lee", "org-south", "role-ccio", "trait-communication", "cred-morgan", "report",
        "morgan-lee-background", "morgan-lee-role-south", "morgan-lee-trait-communication", "q-morgan-clear",
    )


def test_triples_follow_blank_nodes(mini):
    triples = select(mini, focus="Robin Ash", hops=1).triples()
    years = [t.object for t in triples if isinstance(t.object, ox.Literal) and t.object.value == "2019"]
    assert len(years) == 1  # the membership's interval -> beginning -> year, all blank nodes
    assert sum(isinstance(t.subject, ox.BlankNode) for t in triples) == 4  # 2 types + hasBeginning + year
    assert triples == sorted(triples, key=lambda t: (isinstance(t.subject, ox.BlankNode), str(t.subject),
                                                      str(t.predicate), str(t.object)))


def test_raw_selection(mini):
    chosen = select(mini, focus="Sam Okoro", hops=1, raw=True)
    okoro = ox.NamedNode(EX + "sam-okoro")
    touching = {q.triple for q in mini.store.oxigraph.quads_for_pattern(okoro, None, None, ox.DefaultGraph())}
    touching |= {q.triple for q in mini.store.oxigraph.quads_for_pattern(None, None, okoro, ox.DefaultGraph())}
    triples = set(chosen.triples())
    assert touching <= triples
    assert len(triples) == chosen.graph.number_of_edges()
    assert '"Sam Okoro"' in chosen.graph  # literals are nodes in the raw graph
    assert nodes(select(mini, focus="Sam Okoro", hops=1, raw=True, kinds="literal")) == {'"Sam Okoro"', '"Sam"'}


def test_raw_selection_with_query_keeps_only_result_triples(mini):
    text = f"CONSTRUCT {{ <{EX}robin-ash> ?p ?o }} WHERE {{ <{EX}robin-ash> ?p ?o FILTER(isLiteral(?o)) }}"
    chosen = select(mini, query=text, raw=True)
    robin_literals = [q for q in mini.store.oxigraph.quads_for_pattern(ox.NamedNode(EX + "robin-ash"), None, None,
                                                              ox.DefaultGraph()) if isinstance(q.object, ox.Literal)]
    assert chosen.graph.number_of_edges() == len(robin_literals) == 5  # label, name, given, family, alternate
    assert set(select(mini, query=text, raw=True, kinds="person,literal").triples()) == {
        q.triple for q in robin_literals
    }


def test_refused_selection_query_does_not_suggest_an_option_export_lacks(tmp_path):
    from leadgraph.errors import QueryError
    from leadgraph.loading import load
    from leadgraph.network.selection import select

    rq = tmp_path / "svc.rq"
    rq.write_text("CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }")
    with pytest.raises(QueryError) as info:
        select(load(), query=str(rq))
    assert "SERVICE is refused" in str(info.value)
    assert "--allow-network" not in str(info.value)
    assert "selection queries never reach the network" in str(info.value)
