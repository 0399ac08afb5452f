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
    rows = list(graph.store.query(sparql_prefixes() + """
        SELECT ?start ?end WHERE {
          ?m org:member <https://example.org/test/person> ;
             org:memberDuring [ time:hasBeginning/time:inXSDgYear ?start ; time:hasEnd/time:inXSDDate ?end ] .
        }"""))
    assert [(r["start"].value, r["end"].value) for r in rows] == [("2015", "2019-03-31")]


def test_user_data_adds_to_bundled_data():
    from leadgraph import resources

    graph = load([resources.data_dir(), FIXTURES / "dated-role.ttl"])
    assert validate(graph).conforms
    rows = list(graph.store.query(sparql_prefixes() + "SELECT (COUNT(?p) AS ?n) WHERE { ?p a lg:Leader }"))
    assert int(rows[0]["n"].value) == 7
