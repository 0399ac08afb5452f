"""The model's patterns work for data a user adds, beyond the bundled dataset."""

from __future__ import annotations

from pathlib import Path

from leadgraph.loading import load
from leadgraph.namespaces import sparql_prefixes
from leadgraph.validation import validate

FIXTURES = Path(__file__).parent / "fixtures" / "model"


def test_dated_role_conforms_and_is_queryable():
    graph = load([FIXTURES / "dated-role.ttl"])
    assert validate(graph).conforms
    rows = list(graph.store.oxigraph.query(sparql_prefixes() + """
        SELECT ?start ?end WHERE {
          ?m org:member <https://example.org/test/person> ;
             org:memberDuring [ time:hasBeginning/time:inXSDgYear ?start ; time:hasEnd/time:inXSDDate ?end ] .
        }"""))
    assert [(r["start"].value, r["end"].value) for r in rows] == [("2015", "2019-03-31")]


def test_user_data_adds_to_bundled_data():
    from leadgraph import resources

    graph = load([resources.data_dir(), FIXTURES / "dated-role.ttl"])
    assert validate(graph).conforms
    rows = list(graph.store.oxigraph.query(sparql_prefixes() + "SELECT (COUNT(?p) AS ?n) WHERE { ?p a lg:Leader }"))
    assert int(rows[0]["n"].value) == 7


# --- The ontology itself: metadata, documented terms, no undefined lg: terms in use ---------------

ONTOLOGY_IRI = "https://w3id.org/leadgraph/ontology"


def _rows(graph, body):
    return [tuple(None if v is None else v.value for v in sol) for sol in graph.store.oxigraph.query(sparql_prefixes() + body)]


def test_ontology_header_has_title_description_version_and_licence():
    graph = load([])
    rows = _rows(graph, f"""
        SELECT ?title ?description ?version ?licence WHERE {{
          <{ONTOLOGY_IRI}> a owl:Ontology ; dcterms:title ?title ; dcterms:description ?description ;
              owl:versionInfo ?version ; dcterms:license ?licence .
        }}""")
    assert len(rows) == 1
    title, description, version, licence = rows[0]
    assert title and len(description) > 50
    from importlib.metadata import version as installed

    assert version == installed("leadgraph")
    assert licence == "https://opensource.org/licenses/MIT"


def test_every_own_term_is_declared_labelled_and_commented():
    graph = load([])
    rows = _rows(graph, """
        SELECT ?term (SAMPLE(?type) AS ?t) (SAMPLE(?label) AS ?l) (SAMPLE(?comment) AS ?c) WHERE {
          { ?term ?p ?o } UNION { ?s ?term ?o } UNION { ?s ?p ?term }
          FILTER(isIRI(?term) && STRSTARTS(STR(?term), STR(lg:)))
          OPTIONAL { ?term a ?type FILTER(?type IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty)) }
          OPTIONAL { ?term rdfs:label ?label }
          OPTIONAL { ?term rdfs:comment ?comment }
        } GROUP BY ?term""")
    assert len(rows) > 40
    problems = [row[0] for row in rows if None in row or not row[2].strip() or not row[3].strip()]
    assert problems == []


def _used_own_terms(graph):
    return {
        row[0]
        for row in _rows(graph, """
            SELECT DISTINCT ?term WHERE {
              { ?s ?term ?o } UNION { ?s a ?term }
              FILTER(STRSTARTS(STR(?term), STR(lg:)))
            }""")
    }


def test_data_and_shapes_use_only_terms_the_ontology_defines():
    from leadgraph import resources
    from leadgraph.loading import load_files

    defined = {row[0] for row in _rows(load([]), "SELECT ?t WHERE { ?t rdfs:label ?l ; rdfs:comment ?c }")}
    bundled = _used_own_terms(load_files([resources.data_dir()]))
    shapes_graph = load_files([resources.shapes_path()])
    shape_terms = {
        row[0]
        for row in _rows(shapes_graph, """
            SELECT DISTINCT ?term WHERE {
              { ?s sh:path ?term } UNION { ?s sh:targetClass ?term } UNION { ?s sh:class ?term }
              FILTER(STRSTARTS(STR(?term), STR(lg:)))
            }""")
    }
    assert bundled and shape_terms
    assert bundled - defined == set()
    assert shape_terms - defined == set()


def test_ontology_reuses_the_standard_vocabularies():
    from leadgraph import resources
    from leadgraph.namespaces import PREFIXES

    text = load([]).serialize("nt").decode() + resources.shapes_path().read_text(encoding="utf-8")
    for prefix in ("org", "schema", "prov", "skos", "time", "foaf", "dcterms"):
        assert PREFIXES[prefix] in text, prefix
    assert "http://schema.org/" not in text  # schema.org in its https form only


def test_every_concept_is_in_a_scheme_with_a_preferred_label():
    rows = _rows(load(), """
        SELECT ?c WHERE {
          ?c a skos:Concept .
          FILTER NOT EXISTS { ?c skos:inScheme ?scheme ; skos:prefLabel ?label ; rdfs:label ?label }
        }""")
    assert rows == []
