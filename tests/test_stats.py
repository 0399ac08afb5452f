"""stats(): counts checked against an independent count with rdflib."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from rdflib import RDF

from leadgraph.labels import compact
from leadgraph.statistics import Stats, stats

FORMATS = Path(__file__).parent / "fixtures" / "formats"


def test_counts_match_rdflib(bundled_graph):
    result = stats(bundled_graph)
    graph = bundled_graph.to_rdflib()
    assert result.triples == len(graph)
    assert result.files == len(bundled_graph.paths)
    assert result.subjects == len(set(graph.subjects()))
    typed = set(graph.subject_objects(RDF.type))  # a set: a node typed twice the same way counts once
    expected_classes = Counter(compact(str(c)) for _, c in typed)
    assert result.classes == dict(expected_classes)
    expected_properties = Counter(compact(str(p)) for p in graph.predicates())
    assert result.properties == dict(expected_properties)


def test_six_leaders_in_the_bundled_data(bundled_graph):
    # The seed article profiles six leaders.
    assert stats(bundled_graph).classes["lg:Leader"] == 6


def test_largest_counts_first(bundled_graph):
    counts = list(stats(bundled_graph).properties.values())
    assert counts == sorted(counts, reverse=True)


def test_stats_of_given_data_counts_ontology_too():
    with_sample = stats(data=FORMATS / "sample.ttl")
    ontology = stats(data=[])
    assert with_sample.triples == ontology.triples + 5
    assert with_sample.classes["lg:Leader"] == ontology.classes.get("lg:Leader", 0) + 1
    assert with_sample.properties["foaf:name"] == ontology.properties.get("foaf:name", 0) + 1


def test_table_and_dict(bundled_graph):
    result = stats(bundled_graph)
    table = result.table()
    assert table.splitlines()[0] == f"triples   {result.triples}"
    assert any(line.split() == ["lg:Leader", "6"] for line in table.splitlines())
    data = json.loads(json.dumps(result.to_dict()))
    assert Stats(**data) == result


def test_blank_node_classes_do_not_break_counts(tmp_path):
    path = tmp_path / "odd.ttl"
    path.write_text('<https://e.org/a> a [] .\n')
    result = stats(data=path)
    assert [count for name, count in result.classes.items() if name.startswith("_:")] == [1]
