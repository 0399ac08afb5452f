"""Which group each node of a picture belongs to, for the page's overview.

A national graph has too many nodes to read at once: the page opens on groups (by NHS England
region, by ICB, by organisation, by community or by kind), each drawn as one node that expands on
click. :func:`group_modes` assigns every node of a projected graph to one group per way of
grouping; :func:`places` reads from the store where each organisation sits (its ICB and NHS
England region, from the ODS reference layer), which the projection does not carry.

A person belongs to the group of their *anchor* organisation: the organisation of their current
role, else of any role, else where they worked. An organisation belongs to its own group (by
organisation) or its ICB's and region's. Kinds with many members (qualifications, programmes,
sources) are grouped by kind in every mode; the few concepts left (traits, roles, regions) stay
single nodes, so the overview shows what the groups share.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("p", kind="person", label="P")
>>> g.add_node("o", kind="organisation", label="Trust O")
>>> g.add_edge("p", "o", relation="holds role at", current=True)
0
>>> modes = group_modes(g, places={"o": {"region": "North West", "icb": "ICB 1"}})
>>> [(mode["key"], mode["names"], mode["of"]) for mode in modes][:2]
[('region', ['North West'], [0, 0]), ('icb', ['ICB 1'], [0, 0])]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx

    from leadgraph.store.base import GraphStore

KIND_GROUP_MIN = 40
"""A kind other than person and organisation with more nodes than this is grouped by kind."""

_REGION_PREFIX = "NHS England "
_ANCHOR_RELATIONS = ("holds role at", "worked in")
_UNKNOWN = {"region": "No known region", "icb": "No known ICB", "organisation": "No known organisation",
            "community": "No community"}
_LABELS = {"region": "NHS England region", "icb": "Integrated care board", "organisation": "Organisation",
           "community": "Community", "kind": "Kind"}


def places(store: GraphStore) -> dict[str, dict[str, str]]:
    """``{organisation IRI: {"icb": label, "region": label}}`` from the ODS reference layer.

    An ICB is in its own ICB, a region in its own region. Regions are named without "NHS England"
    ("North West"), as the bundled regions that organisations outside the ODS lists serve are.
    """
    query = """
        SELECT ?org ?icb ?region WHERE {
          { ?org lg:icb ?i . ?i rdfs:label ?icb . OPTIONAL { ?org lg:nhsRegion/rdfs:label ?region } }
          UNION { ?org a lg:IntegratedCareBoard ; rdfs:label ?icb . OPTIONAL { ?org lg:nhsRegion/rdfs:label ?region } }
          UNION { ?org a lg:NHSEnglandRegion ; rdfs:label ?region }
        }"""
    out: dict[str, dict[str, str]] = {}
    for row in store.select(query):
        found = out.setdefault(row["org"].value, {})
        for key in ("icb", "region"):
            if row.get(key) is not None:
                label = row[key].value
                if key == "region" and label.startswith(_REGION_PREFIX):
                    label = label[len(_REGION_PREFIX):]
                found.setdefault(key, label)
    return out


def group_modes(
    nxgraph: nx.Graph,
    *,
    places: Mapping[str, Mapping[str, str]] | None = None,
    communities: Mapping[Any, Any] | None = None,
    edges: list[tuple[Any, Any, Mapping[str, Any]]] | None = None,
) -> list[dict[str, Any]]:
    """Ways of grouping the nodes, each ``{"key", "label", "names", "of"}``.

    ``of[i]`` is the group (an index into ``names``) of the i-th node in ``nxgraph``'s order, or
    -1 for a node always drawn on its own. Modes with nothing to group by are left out: "region"
    and "icb" need ``places`` (see :func:`places`) or ``serves`` edges to regions, "community"
    needs ``communities`` (node -> community name or number). "kind" is always there.
    ``edges`` is ``list(nxgraph.edges(data=True))`` if the caller has it already.
    """
    if edges is None:
        edges = list(nxgraph.edges(data=True))
    nodes = list(nxgraph.nodes)
    kind = [str(nxgraph.nodes[n].get("kind") or "other") for n in nodes]
    counts: dict[str, int] = {}
    for k in kind:
        counts[k] = counts.get(k, 0) + 1
    by_kind = {k for k, c in counts.items() if k not in ("person", "organisation") and c > KIND_GROUP_MIN}
    anchor = _anchors(edges, nodes, kind)
    served = _served_regions(nxgraph, edges)
    places = places or {}

    def org_key(org: Any, mode: str) -> str | None:
        if mode == "organisation":
            return str(nxgraph.nodes[org].get("label") or org)
        where = places.get(str(org), {})
        if mode == "region":
            return where.get("region") or served.get(org)
        return where.get("icb")

    modes = []
    wanted = ["region", "icb", "organisation"] if places or served else ["organisation"]
    if communities:
        wanted.append("community")
    for mode in wanted:
        keys: list[str | None] = []
        for i, node in enumerate(nodes):
            if kind[i] in by_kind:
                keys.append(None)  # filled in below, by kind
            elif mode == "community":
                value = communities.get(node)
                keys.append(_UNKNOWN[mode] if value is None and kind[i] == "person" else
                            None if value is None else f"Community {value}" if isinstance(value, int) else str(value))
            elif kind[i] in ("person", "organisation"):
                org = anchor.get(i)
                keys.append((org_key(org, mode) if org is not None else None) or _UNKNOWN[mode])
            else:
                keys.append(None)
        if mode != "organisation" and mode != "community" and all(
                k in (None, _UNKNOWN[mode]) for k in keys):
            continue
        modes.append(_mode(mode, keys, kind, by_kind))
    modes.append(_mode("kind", [None] * len(nodes), kind, set(counts)))
    return modes


def _mode(mode: str, keys: list[str | None], kind: list[str], by_kind: set[str]) -> dict[str, Any]:
    from leadgraph.viz.page import KIND_STYLES

    names: list[str] = []
    index: dict[str, int] = {}
    of = []
    for key, k in zip(keys, kind):
        if k in by_kind:
            key = KIND_STYLES[k][0] + "s" if k in KIND_STYLES else k
        if key is None:
            of.append(-1)
            continue
        if key not in index:
            index[key] = len(names)
            names.append(key)
        of.append(index[key])
    return {"key": mode, "label": _LABELS[mode], "names": names, "of": of}


def _anchors(edges, nodes: list[Any], kind: list[str]) -> dict[int, Any]:
    """node index -> its anchor organisation (itself for an organisation)."""
    position = {node: i for i, node in enumerate(nodes)}
    out: dict[int, Any] = {}
    rank: dict[int, int] = {}
    for i, node in enumerate(nodes):
        if kind[i] == "organisation":
            out[i] = node
    for u, v, attrs in edges:
        relation = attrs.get("relation")
        if relation not in _ANCHOR_RELATIONS:
            continue
        i, j = position[u], position[v]
        if kind[i] != "person" or kind[j] != "organisation":
            continue
        # current role 0, other role 1, worked in 2: the best one wins, the first of equals.
        score = 2 if relation == "worked in" else 0 if attrs.get("current") is True else 1
        if score < rank.get(i, 3):
            rank[i], out[i] = score, v
    return out


def _served_regions(nxgraph, edges) -> dict[Any, str]:
    """organisation -> label of the top region its ``serves`` edge leads to (via ``within``)."""
    broader = {u: v for u, v, attrs in edges if attrs.get("relation") == "within"}
    out: dict[Any, str] = {}
    for u, v, attrs in edges:
        if attrs.get("relation") != "serves" or u in out:
            continue
        seen = {v}
        while v in broader and broader[v] not in seen:
            v = broader[v]
            seen.add(v)
        out[u] = str(nxgraph.nodes[v].get("label") or v)
    return out
