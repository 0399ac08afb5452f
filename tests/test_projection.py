"""leadgraph.network.projection: the people-centred networkx graph and the raw one.

Expected counts are reasoned from tests/fixtures/export/mini.ttl (its comments say how many of
each thing it holds) and, for the bundled data, from the seed article's six leaders.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import pyoxigraph as ox
import pytest

from leadgraph.namespaces import LGD, sparql_prefixes
from leadgraph.network.projection import KINDS, to_networkx

EX = "https://example.org/lgtest/"


def edges_from(net, node, relation):
    return {v: d for _, v, d in net.out_edges(node, data=True) if d["relation"] == relation}


def test_nodes_per_kind(net):
    kinds = Counter(d["kind"] for _, d in net.nodes(data=True))
    # 5 groups: 2 role groups (one only reachable as a role's skos:broader) + 3 trait groups.
    assert kinds == {
        "person": 4,
        "organisation": 7,
        "programme": 1,
        "region": 3,
        "group": 5,
        "role": 4,
        "trait": 4,
        "qualification": 1,
        "source": 2,
    }
    assert set(kinds) == set(KINDS)


def test_edges_per_relation(net):
    relations = Counter(d["relation"] for _, _, d in net.edges(data=True))
    assert relations == {
        "holds role at": 5,  # one per membership with an organisation
        "holds role": 4,  # Robin 2 (CIO, Director of Digital), Morgan 1, Sam Patel 1
        "works on": 1,  # Sam Patel's membership names CareLink
        "has trait": 5,
        "worked in": 3,  # service records
        "holds qualification": 1,
        "delivered by": 1,
        "spans": 2,
        "hosted by": 1,
        "sponsored by": 1,
        "serves": 1,
        "in group": 7,  # 3 roles and 4 traits with a broader group
        "within": 2,  # East and West within All
        "described in": 9,  # 4 people, North x2, Ambulance, CareLink, the credential
    }


def test_statement_and_concept_nodes_are_not_nodes(net):
    for statement in ("robin-ash-role-north", "robin-ash-trait-resilience", "robin-ash-service", "q-robin-plan"):
        assert EX + statement not in net
    for concept in ("field-clinical", "sector-aviation", "measure-staff", "kind-shared-record"):
        assert EX + concept not in net


def test_programme_is_not_an_organisation(net):
    # lg:Programme is an org:OrganizationalCollaboration, hence an org:Organization too.
    assert net.nodes[EX + "care-link"]["kind"] == "programme"
    assert net.nodes[EX + "care-link"]["programme_kind"] == "Shared care record programme"


def test_person_facts(net):
    robin = net.nodes[EX + "robin-ash"]
    assert robin["label"] == "Robin Ash"
    assert robin["alternate_names"] == "Rob"
    assert robin["background"] == "Aviation engineering"
    assert robin["fields"] == "Engineering" and robin["sectors"] == "Aviation"
    assert robin["years_of_service"] == 16 and isinstance(robin["years_of_service"], int)
    assert robin["service"] == "16 years in Test Health Service, as of 2024-01-15"
    assert robin["headline_advice"] == 'Nothing is perfect, so "plan" for change; then\nkeep going – it’s fine.'
    assert robin["headline_advice_source"] == "Test report: fictional leaders (2024-01-15)"
    assert robin["source_iri"] == EX + "report"
    assert set(robin["statements"].split("; ")) == {
        EX + "robin-ash-background",
        EX + "robin-ash-service",
        EX + "q-robin-plan",
    }
    assert net.nodes[EX + "sam-patel"]["service"] == "over 5 years in Test Health Service"
    okoro = net.nodes[EX + "sam-okoro"]
    assert okoro["responsibility"] == "6500 staff; approx. 500 systems"
    assert okoro["years_of_service"] == 32
    assert "background" not in okoro and "alternate_names" not in okoro


def test_organisation_facts(net):
    north = net.nodes[EX + "org-north"]
    assert north["ods_code"] == "ZZ1"
    assert north["types"] == "NHS foundation trust"  # the most specific class, by its label
    assert north["alternate_names"] == "North Trust"
    # Two sources, one undated: the three lists stay aligned.
    assert north["source_iri"] == f"{EX}register; {EX}report"
    assert north["source_title"] == "Test register; Test report: fictional leaders"
    assert north["source_date"] == "undated; 2024-01-15"
    assert "source_date" not in net.nodes[EX + "org-ambulance"]  # its one source has no date


def test_concept_groups(net):
    assert net.nodes[EX + "rolegroup-pm"]["kind"] == "group"
    assert net.nodes[EX + "role-cio"]["group"] == "Chief role"
    assert net.nodes[EX + "role-cio"]["alternate_names"] == "CIO"
    assert "group" not in net.nodes[EX + "role-dod"]
    assert set(edges_from(net, EX + "region-east", "within")) == {EX + "region-all"}


def test_role_edges_carry_the_membership(net):
    north = edges_from(net, EX + "robin-ash", "holds role at")[EX + "org-north"]
    assert north["role"] == "Chief Information Officer; Director of Digital"
    assert north["job_title"] == "CIO and Director of Digital"
    assert north["current"] is True
    assert north["as_of"] == "2024-01-15"
    assert north["start_date"] == "2019"  # from org:memberDuring/time:hasBeginning
    assert north["statements"] == EX + "robin-ash-role-north"
    assert north["source_title"] == "Test report: fictional leaders" and north["source_date"] == "2024-01-15"
    earlier = edges_from(net, EX + "robin-ash", "holds role at")[EX + "org-ambulance"]
    assert earlier["current"] is False and "job_title" not in earlier
    assert earlier["description"] == "Earlier systems work"
    roles = edges_from(net, EX + "robin-ash", "holds role")
    assert set(roles) == {EX + "role-cio", EX + "role-dod"}
    assert roles[EX + "role-cio"]["organisation"] == "North Test NHS Foundation Trust"
    works = edges_from(net, EX + "sam-patel", "works on")[EX + "care-link"]
    assert works["role"] == "Programme Manager"
    assert works["organisation"] == "Host Children's NHS Foundation Trust"


def test_trait_edges_carry_quote_and_text(net):
    robin = edges_from(net, EX + "robin-ash", "has trait")[EX + "trait-resilience"]
    assert robin["quote"].startswith("Nothing is perfect")
    assert robin["supporting_text"] == "resilience is key"
    assert robin["statements"] == f"{EX}q-robin-plan; {EX}robin-ash-trait-resilience"
    okoro = edges_from(net, EX + "sam-okoro", "has trait")
    assert "quote" not in okoro[EX + "trait-resilience"]
    assert set(okoro) == {EX + "trait-resilience", EX + "trait-strategy"}


def test_service_edges(net):
    patel = edges_from(net, EX + "sam-patel", "worked in")[EX + "org-nhs"]
    assert patel["years"] == 5 and patel["at_least"] is True
    okoro = edges_from(net, EX + "sam-okoro", "worked in")[EX + "org-south"]
    assert okoro["years"] == 32 and "at_least" not in okoro


def test_values_are_plain_scalars(net):
    for _, data in net.nodes(data=True):
        assert {"kind", "label"} <= set(data)
        for value in data.values():
            assert type(value) in (str, int, bool) and value != ""
    for _, _, data in net.edges(data=True):
        assert "relation" in data
        for key, value in data.items():
            # valid_from / valid_until: "" means open-ended (the contract the page's as-of control reads)
            assert type(value) in (str, int, bool) and (value != "" or key in ("valid_from", "valid_until"))


def test_edge_keys_unique_and_readable(net):
    keys = [k for _, _, k in net.edges(keys=True)]
    assert len(keys) == len(set(keys)) == 43
    assert f"{EX}robin-ash-role-north|holds-role|{EX}role-cio" in keys
    assert f"{EX}care-link|spans|{EX}region-east" in keys


def test_order_is_sorted_and_repeatable(mini, net):
    assert list(net.nodes) == sorted(net.nodes)
    again = to_networkx(mini)
    assert list(again.nodes(data=True)) == list(net.nodes(data=True))
    assert list(again.edges(keys=True, data=True)) == list(net.edges(keys=True, data=True))


def test_a_store_works_as_well_as_a_leadgraph(mini, net):
    from_store = to_networkx(mini.store)
    assert list(from_store.edges(keys=True, data=True)) == list(net.edges(keys=True, data=True))
    from leadgraph.errors import UsageError

    # The one graph resolver (loading.store_of) refuses it as every entry point does.
    with pytest.raises(UsageError, match="graph must be a LeadGraph"):
        to_networkx("not a graph")


def test_raw_keeps_every_triple(mini):
    raw = to_networkx(mini, raw=True)
    triples = [q.triple for q in mini.store.oxigraph.quads_for_pattern(None, None, None, ox.DefaultGraph())]
    assert raw.number_of_edges() == len(triples) == len(mini)
    terms = {str(t.subject) for t in triples} | {str(t.object) for t in triples}
    ids = {n if n.startswith(('"', "_:")) else f"<{n}>" for n in raw}
    assert ids == terms
    sixteen = raw.nodes['"16"^^<http://www.w3.org/2001/XMLSchema#integer>']
    assert sixteen == {"kind": "literal", "label": "16", "datatype": "xsd:integer"}
    assert raw.nodes['"Rob"'] == {"kind": "literal", "label": "Rob"}
    assert raw.nodes[EX + "robin-ash-role-north"]["kind"] == "statement"
    assert raw.nodes["https://w3id.org/leadgraph/ontology#Leader"]["kind"] == "class"
    assert raw.nodes[EX + "robin-ash"]["kind"] == "person"
    edge = raw.edges[EX + "robin-ash", '"Rob"', f'{EX}robin-ash|https://schema.org/alternateName|"Rob"']
    assert edge == {"relation": "schema:alternateName", "predicate": "https://schema.org/alternateName"}


def test_bundled_graph(bundled_graph):
    net = to_networkx(bundled_graph)
    kinds = Counter(d["kind"] for _, d in net.nodes(data=True))
    # The article's six leaders, one programme (Share2Care), the article and the ODS register.
    assert kinds["person"] == 6 and kinds["programme"] == 1 and kinds["source"] == 2
    organisations = {n[len(LGD):] for n, d in net.nodes(data=True) if d["kind"] == "organisation"}
    assert organisations == {
        "org-rw5", "org-rbs", "org-rbq", "org-rxr", "org-rrf", "org-rx7",
        "org-warrington-together-halton-one", "org-nhs-digital-academy", "org-nhsx", "org-nhs",
    }
    attributions = next(iter(bundled_graph.store.oxigraph.query(
        sparql_prefixes() + "SELECT (COUNT(?a) AS ?n) WHERE { ?a a lg:TraitAttribution }"
    )))["n"]
    has_trait = sum(1 for _, _, d in net.edges(data=True) if d["relation"] == "has trait")
    assert has_trait == int(attributions.value)
    assert net.nodes[LGD + "phill-james"]["alternate_names"] == "Phil James"
    assert net.nodes[LGD + "garry-harris"]["alternate_names"] == "Gary Harris"
    assert net.nodes[LGD + "org-rx7"]["types"] == "Ambulance trust"
    share2care = {v[len(LGD):] for _, v, d in net.out_edges(LGD + "share2care", data=True) if d["relation"] == "spans"}
    assert share2care == {"region-cheshire", "region-merseyside", "region-lancashire", "region-south-cumbria"}


def test_networkx_is_imported_only_when_projecting():
    code = (
        "import sys, leadgraph.network.projection, leadgraph.network.selection, leadgraph.exporting, leadgraph.cli; "
        "print(sorted(m for m in ('networkx', 'rdflib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
