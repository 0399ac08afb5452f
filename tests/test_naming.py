"""One labelling rule: query --labels, the projection (export, viz) and analytics name a node alike."""

from __future__ import annotations

from leadgraph.labels import fallback_label, store_label
from leadgraph.network.projection import to_networkx
from leadgraph.terms import id_term


def test_projection_labels_follow_the_shared_rule(bundled_graph):
    net = to_networkx(bundled_graph)
    assert len(net) > 50
    for node, attrs in net.nodes(data=True):
        expected = store_label(bundled_graph.store, id_term(node)) or fallback_label(node)
        assert attrs["label"] == expected, node


def test_query_labels_and_analytics_use_the_same_names(bundled_graph):
    import leadgraph
    from leadgraph.network.analytics import centrality

    net = to_networkx(bundled_graph)
    rows = leadgraph.query("cio-roles", graph=bundled_graph)
    labelled = rows.serialize("json", labels=True).decode()
    for row in rows.rows:
        assert net.nodes[row["organisation"]]["label"] in labelled
    for row in centrality(bundled_graph):
        assert row["label"] == net.nodes[row["node"]]["label"]
