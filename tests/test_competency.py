"""The foundation's competency questions, answered on the bundled data with exact expected answers.

The expected answers were read off the seed article (../shared/sources/000_be0095177ffe8e49.txt) by hand,
not copied from the engine's output. The queries run directly on the Oxigraph store so these tests check
the data model itself; the named-query library answers the same questions from the CLI.
"""

from __future__ import annotations

import datetime as dt

import pyoxigraph as ox
import pytest

from leadgraph.loading import load
from leadgraph.namespaces import sparql_prefixes



@pytest.fixture(scope="module")
def graph():
    return load()


def _value(term):
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt_iri = term.datatype.value
        if dt_iri.endswith("#integer"):
            return int(term.value)
        if dt_iri.endswith("#date"):
            return dt.date.fromisoformat(term.value)
        if dt_iri.endswith("#boolean"):
            return term.value == "true"
        return term.value
    return term.value


def select(graph, body: str) -> list[tuple]:
    result = graph.store.oxigraph.query(sparql_prefixes() + body)
    names = [v.value for v in result.variables]
    return sorted(tuple(_value(sol[n]) for n in names) for sol in result)


def test_cio_type_roles(graph):
    rows = select(graph, """
        SELECT ?name ?title ?orgName WHERE {
          ?m org:member ?p ; org:organization ?o ; org:role/skos:broader lgd:rolegroup-cio ; lg:jobTitle ?title .
          ?p foaf:name ?name . ?o rdfs:label ?orgName .
        }""")
    assert rows == [
        ("Ayesha Rahim", "CCIO", "Lancashire and South Cumbria NHS Foundation Trust"),
        ("Gregg Holland", "CIO", "Liverpool Heart and Chest Hospital NHS Foundation Trust"),
        ("Phill James", "CIO and Director of Digital", "Warrington Together and Halton One"),
    ]


def test_clinical_background(graph):
    rows = select(graph, """
        SELECT ?name ?background WHERE {
          ?b a lg:ProfessionalBackground ; lg:person ?p ; lg:field lgd:field-clinical ; rdfs:label ?background .
          ?p foaf:name ?name .
        }""")
    assert rows == [("Ayesha Rahim", "Perinatal psychiatrist")]


def test_more_than_15_years_service(graph):
    rows = select(graph, """
        SELECT ?name ?years ?where ?asOf WHERE {
          ?s a lg:ServiceRecord ; lg:person ?p ; lg:years ?years ; lg:serviceIn ?w ; lg:asOf ?asOf .
          ?p foaf:name ?name . ?w rdfs:label ?where .
          FILTER(?years > 15)
        }""")
    on = dt.date(2021, 6, 23)
    assert rows == [
        ("Garry Harris", 32, "Wrightington, Wigan and Leigh NHS Foundation Trust", on),
        ("Gregg Holland", 17, "NHS", on),
        ("Phill James", 16, "NHS", on),
    ]


def test_share2care(graph):
    regions = select(graph, "SELECT ?r WHERE { lgd:share2care lg:spansRegion/rdfs:label ?r }")
    assert regions == [("Cheshire",), ("Lancashire",), ("Merseyside",), ("South Cumbria",)]
    rows = select(graph, """
        SELECT ?host ?kind ?sponsor WHERE {
          lgd:share2care lg:hostedBy/rdfs:label ?host ; lg:programmeKind/skos:prefLabel ?kind ;
                         lg:nationalSponsor/rdfs:label ?sponsor .
        }""")
    assert rows == [("Alder Hey Children's NHS Foundation Trust", "Local Health and Care Record programme", "NHSX")]


def test_traits_shared_by_two_or_more(graph):
    rows = select(graph, """
        SELECT ?trait (GROUP_CONCAT(?name; separator=", ") AS ?people) WHERE {
          { SELECT ?trait ?name WHERE {
              ?a a lg:TraitAttribution ; lg:trait/skos:prefLabel ?trait ; lg:person/foaf:name ?name .
            } ORDER BY ?name }
          { SELECT ?trait WHERE {
              ?a a lg:TraitAttribution ; lg:trait/skos:prefLabel ?trait ; lg:person ?p .
            } GROUP BY ?trait HAVING (COUNT(DISTINCT ?p) >= 2) }
        } GROUP BY ?trait""")
    as_sets = {trait: set(people.split(", ")) for trait, people in rows}
    assert as_sets == {
        "Continuous professional development": {"Arif Patel", "Charlee Martin"},
        "Leading change and transformation": {"Arif Patel", "Ayesha Rahim"},
        "Listening to the people around you": {"Arif Patel", "Phill James"},
        "Patient focus": {"Ayesha Rahim", "Garry Harris", "Phill James"},
        "Resilience": {"Garry Harris", "Phill James"},
    }


def test_leaders_from_outside_the_nhs(graph):
    rows = select(graph, """
        SELECT ?name ?background ?sector WHERE {
          ?b a lg:ProfessionalBackground ; lg:person/foaf:name ?name ; rdfs:label ?background ;
             lg:sector ?s . ?s lg:outsideNHS true ; skos:prefLabel ?sector .
        }""")
    assert rows == [("Phill James", "Aviation engineering", "Aviation")]


def test_headline_advice_with_source_and_date(graph):
    rows = select(graph, """
        SELECT ?name ?text ?title ?date WHERE {
          ?p a lg:Leader ; foaf:name ?name ; lg:headlineAdvice ?q .
          ?q schema:text ?text ; schema:creator ?p ; prov:wasQuotedFrom ?src .
          ?src dcterms:title ?title ; dcterms:issued ?date .
        }""")
    assert [r[0] for r in rows] == [
        "Arif Patel", "Ayesha Rahim", "Charlee Martin", "Garry Harris", "Gregg Holland", "Phill James",
    ]
    assert {r[2] for r in rows} == {"What does it take to be a tech leader in the NHS?"}
    assert {r[3] for r in rows} == {dt.date(2021, 6, 23)}
    texts = dict((r[0], r[1]) for r in rows)
    assert texts["Garry Harris"] == "Building resilience into everything you do is vital"
    assert texts["Phill James"].startswith("You have to accept that nothing is perfect")


def test_organisations_with_ods_codes_and_kinds(graph):
    rows = select(graph, """
        SELECT ?name ?code ?kind WHERE {
          ?o a ?k ; rdfs:label ?name . ?k rdfs:subClassOf+ org:Organization ; rdfs:label ?kind .
          FILTER(STRSTARTS(STR(?k), STR(lg:)))
          OPTIONAL { ?o lg:odsCode ?code }
          # The organisations the article names; the reference layer adds every other NHS trust,
          # ICB and region (tests/test_reference.py covers those).
          FILTER EXISTS { ?o prov:wasDerivedFrom lgd:article-2021-06-23 }
        }""")
    assert rows == sorted([
        ("Alder Hey Children's NHS Foundation Trust", "RBS", "NHS foundation trust"),
        ("East Lancashire Hospitals NHS Trust", "RXR", "NHS trust"),
        ("Lancashire and South Cumbria NHS Foundation Trust", "RW5", "NHS foundation trust"),
        ("Liverpool Heart and Chest Hospital NHS Foundation Trust", "RBQ", "NHS foundation trust"),
        ("North West Ambulance Service NHS Trust", "RX7", "Ambulance trust"),
        ("Wrightington, Wigan and Leigh NHS Foundation Trust", "RRF", "NHS foundation trust"),
        ("NHS", None, "Health service"),
        ("NHS Digital Academy", None, "Academy"),
        ("NHSX", None, "National body"),
        ("Warrington Together and Halton One", None, "Place-based partnership"),
        ("Share2Care", None, "Programme"),
    ], key=lambda r: tuple("" if v is None else v for v in r))


def test_every_quotation_is_verbatim_and_short(seed_article):
    """Quotations and supporting texts are exact excerpts of the article, never paraphrase."""
    article = seed_article
    g = load()
    rows = select(g, """
        SELECT ?s ?text WHERE { { ?s schema:text ?text } UNION { ?s lg:supportingText ?text } }""")
    assert len(rows) >= 30
    for subject, text in rows:
        assert text in article, f"{subject} is not a verbatim excerpt: {text!r}"
        assert len(text.split()) <= 30, f"{subject} is not a short quotation"


def test_every_statement_about_a_person_names_the_article(graph):
    rows = select(graph, """
        SELECT ?stmt WHERE {
          { ?stmt lg:person ?p } UNION { ?stmt org:member ?p } UNION { ?stmt schema:creator ?p }
          UNION { ?p schema:hasCredential ?stmt } UNION { BIND(?p AS ?stmt) }
          ?p a lg:Leader .
          FILTER NOT EXISTS { ?stmt prov:wasDerivedFrom|prov:wasQuotedFrom lgd:article-2021-06-23 }
        }""")
    assert rows == []
