"""A self-contained, offline, interactive HTML picture of the graph.

:func:`render_html` turns a networkx graph (as made by :func:`leadgraph.network.projection.to_networkx`)
into one HTML page; :func:`write_html` does selection, projection, rendering and an atomic write
in one call (the ``leadgraph viz`` command).

The page makes no network request at all: vis-network 9.1.2 (the copy pyvis ships) is inlined,
there is no Bootstrap or CDN, and a Content-Security-Policy meta tag forbids every outside
fetch. Scripts are allowed by their SHA-256 hashes only, so even a ``<script>`` smuggled into the
page would not run.

The page does not use pyvis's template (only its copy of vis-network): that one has
autoescaping off, writes ``heading`` and ``select_menu`` ids raw into the page, and switches to an
``innerHTML`` popup as soon as any title contains "href". Here data travels only as JSON inside
``<script type="application/json">`` with ``<``, ``>`` and ``&`` escaped, and the page's script
shows it with ``textContent``; nodes carry no vis-network ``title``, so there is no tooltip.

The data is compact, because a national graph has 140,000 edges that mostly repeat the same
relations, facts and sources: every string is stored once (``strings``), and so is every list of
numbers (``lists``: names, fact lists, source lists) and every fact row (``factRows``: name,
value, origin); nodes and edges are columns of numbers (``node``, ``edge``). Data over
:data:`COMPRESS_BYTES` is gzip-compressed and base64-encoded, and the page inflates it with the
browser's ``DecompressionStream``. :func:`extract_payload` decodes it all back.

Above :data:`OVERVIEW_NODES` nodes the page opens on groups (:mod:`leadgraph.viz.groups`) and
Python computes no layout at all: the page places groups and their members itself.

Otherwise positions come from :mod:`leadgraph.viz.layout` (seeded) and physics is off: the picture
is repeatable, shows its first frame quickly, and never keeps the browser busy stabilising.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("https://example.org/a", kind="person", label="Ada <b>")
>>> g.add_node("https://example.org/b", kind="organisation", label="Org")
>>> g.add_edge("https://example.org/a", "https://example.org/b", relation="memberOf", label="role at")
0
>>> page = render_html(g, title="Demo")
>>> "Ada <b>" in page, "Ada \\\\u003cb\\\\u003e" in page
(False, True)
>>> extract_payload(page)["nodes"][0]["label"]
'Ada <b>'
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources as importlib_resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from leadgraph import __version__
from leadgraph.errors import UsageError
from leadgraph.lookup import name_keys, with_family_name

if TYPE_CHECKING:
    from leadgraph.network.criteria import Criteria
    import networkx as nx

    from leadgraph.loading import LeadGraph

VIS_VERSION = "9.1.2"
"""The vis-network release inlined into pages (shipped inside pyvis)."""

LARGE_GRAPH = 300
"""Above this many nodes the page hides edges while dragging/zooming and draws labels only when zoomed in."""

SMALL_GRAPH_EDGE = 180.0
"""Edge length in pixels for graphs up to LARGE_GRAPH nodes (larger ones: layout.DEFAULT_SCALE)."""

SEED = 1
"""Default layout seed: the same graph always gets the same picture."""

OVERVIEW_NODES = 1000
"""Above this many nodes (sources not counted) the page opens on groups, not on every node."""

COMPRESS_BYTES = 1_000_000
"""Page data larger than this travels gzip-compressed (as base64); the page inflates it offline."""

DEFAULT_TITLE = "leadgraph: NHS technology leaders"

# kind -> (legend label, colour, vis-network shape, legend symbol, size). NHS palette colours.
# vis-network has only a few shapes that keep the label outside the node, so some kinds share a
# shape and differ by colour.
KIND_STYLES: dict[str, tuple[str, str, str, str, int]] = {
    "person": ("Person", "#005eb8", "dot", "●", 16),
    "organisation": ("Organisation", "#009639", "square", "■", 12),
    "programme": ("Programme", "#ed8b00", "diamond", "◆", 13),
    "role": ("Role", "#7c2855", "triangle", "▲", 11),
    "trait": ("Trait", "#ae2573", "star", "★", 12),
    "region": ("Region", "#00a499", "hexagon", "⬢", 11),
    "qualification": ("Qualification", "#330072", "diamond", "◆", 11),
    "group": ("Group", "#768692", "dot", "●", 8),
    "source": ("Source", "#425563", "triangleDown", "▼", 12),
}
_HIGHLIGHT = "#005eb8"
CLUSTER_GROUP = "lg-cluster"
"""vis-network group name of the overview's group nodes (not a node kind)."""
COMMUNITY_COLOURS = ("#005eb8", "#009639", "#ed8b00", "#7c2855", "#00a499", "#ae2573", "#330072",
                     "#8a1538", "#41b6e6", "#ffb81c", "#006747", "#768692")
"""Colours for "colour by community", cycled (NHS palette)."""
_SOURCE_EDGE_COLOUR = "#dde2e7"
EDGE_FONT = 10
EDGE_LABEL_SCALE = 1.2
"""Zoom from which edge labels are drawn (vis-network hides a label below drawThreshold - 1 px)."""
FOCUS_SCALE = 1.3
"""Zoom the search and links go to: the focused node's edges show their labels."""

_OTHER_COLOURS = ("#8a1538", "#006747", "#ffb81c", "#41b6e6", "#231f20")

PERSON_KIND = "person"
SOURCE_KIND = "source"
TRAIT_KIND = "trait"
ORGANISATION_KIND = "organisation"

# How leadgraph.network.projection names things (see its module docstring). Lists arrive as one
# string joined with "; ".
_LIST_SEPARATOR = "; "
_NAME_KEYS = ("full_name", "alternate_names")
_QUOTE_KEYS = ("quote", "headline_advice")
_SOURCE_SUFFIX = "_source"  # "service_source": where the "service" fact comes from
# Shown in their own place (title, names, source line) or only useful to programs.
_SOURCE_KEYS = ("source_iri", "source_title", "source_date")  # parallel "; "-joined lists
_NOT_FACTS = {"kind", "label", "full_name", "alternate_names", *_SOURCE_KEYS, "statements",
              "predicate", "relation"}
# Most telling first; anything else follows in alphabetical order.
_FACT_ORDER = ("types", "job_title", "role", "organisation", "programme", "current", "as_of",
               "start_date", "end_date", "years", "at_least", "description", "supporting_text",
               "ods_code", "title", "issued", "publisher", "url", "background", "fields",
               "sectors", "service", "years_of_service", "responsibility", "headline_advice",
               "group", "programme_kind", "category", "subject_area")

_LABEL_MAX = 48
_MARKER = re.compile(r"\{\{(\w+)\}\}")
_BASE64 = re.compile(r"[A-Za-z0-9+/=]*")
_INERT = re.compile(r"[^<>&\u2028\u2029]*")


def render_html(
    nxgraph: nx.Graph,
    title: str = DEFAULT_TITLE,
    *,
    seed: int = SEED,
    positions: Mapping[Any, tuple[float, float]] | None = None,
    view: str = "auto",
    places: Mapping[str, Mapping[str, str]] | None = None,
    communities: Mapping[Any, Any] | None = None,
    coverage: Mapping[str, Any] | None = None,
) -> str:
    """Render a networkx graph as one self-contained, offline HTML page.

    Attributes are read as :mod:`leadgraph.network.projection` writes them. Nodes: ``kind`` (colour,
    shape, legend, filters; missing: "other"), ``label`` (drawn; default the node id),
    ``full_name`` and ``alternate_names`` (searchable), ``source_iri``/``source_title``/
    ``source_date`` (the source line), and every other attribute as a fact in the details
    panel, with the ``<fact>_source`` attribute as that fact's source. Edges: ``relation``
    (drawn on the edge; ``label`` if there is none), the same source attributes, ``quote``,
    ``valid_from``/``valid_until`` (ISO dates, the "as of" control; the end is exclusive), and
    other attributes as facts. Other graphs work too: any attribute becomes a fact.
    ``positions`` (node -> (x, y) in pixels) replaces the seeded layout.

    ``view``: "full" lays out and opens on every node; "overview" opens on groups (see
    :mod:`leadgraph.viz.groups`) and skips the layout, so a national graph builds in seconds;
    "auto" (default) is "overview" above :data:`OVERVIEW_NODES` nodes (sources not counted).
    ``places`` (organisation IRI -> ``{"region", "icb"}`` labels, :func:`leadgraph.viz.groups.places`)
    and ``communities`` (node -> community) add ways of grouping and colouring; ``coverage``
    (:func:`leadgraph.network.coverage.coverage_tree`) adds the coverage view.

    >>> import networkx as nx
    >>> page = render_html(nx.path_graph(3), title="Path </title>")
    >>> "<title>Path &lt;/title&gt;</title>" in page
    True
    >>> len(extract_payload(page)["nodes"])
    3
    """
    return _page(title, *encode_data(page_payload(nxgraph, title, seed=seed, positions=positions, view=view,
                                                  places=places, communities=communities, coverage=coverage)))


def page_payload(
    nxgraph: nx.Graph,
    title: str = DEFAULT_TITLE,
    *,
    seed: int = SEED,
    positions: Mapping[Any, tuple[float, float]] | None = None,
    view: str = "auto",
    places: Mapping[str, Mapping[str, str]] | None = None,
    communities: Mapping[Any, Any] | None = None,
    coverage: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The data :func:`render_html` puts in the page (before :func:`encode_data`): same arguments."""
    payload = _build(nxgraph, title, seed, positions, view, places, communities)
    if coverage is not None:
        payload["coverage"] = _coverage(coverage, {node: i for i, node in enumerate(nxgraph.nodes)})
    return payload


def encode_data(payload: Mapping[str, Any]) -> tuple[str, bool]:
    """``(text, compressed)``: the page's data block for ``payload``, as it goes inside the page.

    JSON that cannot end its ``<script>`` element; over :data:`COMPRESS_BYTES` it is gzip-compressed
    and base64-encoded (``compressed`` true), which the page inflates offline.
    """
    data = _script_json(payload)
    if len(data) <= COMPRESS_BYTES:
        return data, False
    import gzip

    # Base64 of gzip: only the characters A-Z a-z 0-9 + / =, inert inside the element.
    return base64.b64encode(gzip.compress(data.encode("ascii"), compresslevel=6, mtime=0)).decode("ascii"), True


def write_html(
    graph_or_nx: LeadGraph | nx.Graph | None,
    path: str | Path,
    *,
    title: str | None = None,
    seed: int = SEED,
    open_browser: bool = False,
    data: str | Path | list[str | Path] | None = None,
    criteria: Criteria | None = None,
    view: str = "auto",
    communities: bool = True,
    coverage: bool = True,
    role_group: str | None = None,
    as_of: Any = None,
    **selection: Any,
) -> Path:
    """Write the picture of a graph to ``path`` (atomically) and return the path.

    ``graph_or_nx`` is a loaded :class:`~leadgraph.loading.LeadGraph`, ``None`` to load
    ``data`` (``None``: the bundled data) with :func:`leadgraph.loading.load`, or a networkx
    graph drawn as it is. For a LeadGraph, ``criteria`` (or ``focus=``, ``hops=``, ``kinds=``,
    ``trait=``, ``organisation=``, ``query=``) pick the subgraph exactly as ``leadgraph export`` does
    (:func:`leadgraph.network.selection.select`). ``title`` defaults to one naming the selection.
    ``open_browser`` opens the written file in the default web browser. ``view`` is
    :func:`render_html`'s. For a LeadGraph the page also gets the regions and ICBs to group by,
    the communities to colour by (``communities=False``: not computed) and the coverage of trusts
    by leaders of ``role_group`` (default "cio"; ``coverage=False``: no coverage view); see
    :func:`prepare`. ``as_of`` (a date or ``YYYY-MM-DD``) draws the graph as it stood that day
    (:func:`leadgraph.history.view_as_of`).

    Raises :class:`~leadgraph.errors.UsageError` for selection options with a networkx graph,
    and whatever loading and selection raise (a name that matches nothing, an empty selection).

    >>> import networkx as nx, tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "g.html"
    >>> write_html(nx.path_graph(2), out).read_text().startswith("<!DOCTYPE html>")
    True
    """
    from leadgraph.fileio import atomic_write

    page = build_page(graph_or_nx, title=title, seed=seed, data=data, criteria=criteria, view=view,
                      communities=communities, coverage=coverage, role_group=role_group, as_of=as_of, **selection)
    written = Path(atomic_write(path, page))
    if open_browser:
        import webbrowser

        webbrowser.open(written.resolve().as_uri())
    return written


def build_page(
    graph_or_nx: LeadGraph | nx.Graph | None,
    *,
    title: str | None = None,
    seed: int = SEED,
    data: str | Path | list[str | Path] | None = None,
    criteria: Criteria | None = None,
    view: str = "auto",
    communities: bool = True,
    coverage: bool = True,
    role_group: str | None = None,
    as_of: Any = None,
    **selection: Any,
) -> str:
    """The page :func:`write_html` writes (same arguments), as text.

    For a graph opened from an on-disk store (:func:`leadgraph.loading.open_store`) the page's
    data is kept beside the store's generation (:mod:`leadgraph.viz.kept`): the first page with
    given options computes it (over the store loaded into memory:
    :func:`leadgraph.loading.load_store_in_memory`), later ones with the same options read it back.
    """
    from leadgraph.viz import kept

    options = dict(title=title, seed=seed, criteria=_criteria(criteria, selection), view=view,
                   communities=communities, coverage=coverage, role_group=role_group, as_of=as_of)
    key = kept.key(graph_or_nx, **options)
    found = kept.read(graph_or_nx, key)
    if found is not None and _inert(*found[1:]):
        return _page(*found)
    source = graph_or_nx
    if key is not None:
        from leadgraph.loading import load_store_in_memory

        # The projection runs several times faster over memory than over the store's RocksDB.
        source = load_store_in_memory(graph_or_nx) or graph_or_nx
    made = page_data(source, data=data, **options)
    kept.keep(graph_or_nx, key, *made)
    return _page(*made)


def page_data(
    graph_or_nx: LeadGraph | nx.Graph | None,
    *,
    title: str | None = None,
    seed: int = SEED,
    data: str | Path | list[str | Path] | None = None,
    criteria: Criteria | None = None,
    view: str = "auto",
    communities: bool = True,
    coverage: bool = True,
    role_group: str | None = None,
    as_of: Any = None,
) -> tuple[str, str, bool]:
    """``(title, data block, compressed)`` of the page :func:`build_page` makes (same arguments),
    always computed: what :mod:`leadgraph.viz.kept` keeps."""
    nxgraph, title, extras = prepare(graph_or_nx, title=title, data=data, criteria=criteria,
                                     communities=communities, coverage=coverage, role_group=role_group, as_of=as_of)
    return (title, *encode_data(page_payload(nxgraph, title, seed=seed, view=view, **extras)))


def prepare(
    graph_or_nx: LeadGraph | nx.Graph | None,
    *,
    title: str | None = None,
    data: str | Path | list[str | Path] | None = None,
    criteria: Criteria | None = None,
    communities: bool = True,
    coverage: bool = True,
    role_group: str | None = None,
    as_of: Any = None,
    **selection: Any,
) -> tuple[nx.Graph, str, dict[str, Any]]:
    """``(networkx graph, title, extras)`` to draw, as :func:`write_html` chooses them.

    ``extras`` are :func:`render_html`'s keyword arguments read from a LeadGraph: ``places``
    (ICB and region of each organisation), ``communities`` (person -> community number, from
    :func:`leadgraph.network.communities.communities`, unless ``communities`` is false) and
    ``coverage`` (:func:`leadgraph.network.coverage.coverage_tree` for ``role_group``, default
    "cio" when the data has that group, unless ``coverage`` is false). None for a networkx graph.
    """
    import networkx as nx

    from leadgraph.network.criteria import Criteria

    chosen_by = Criteria.of(criteria, selection)
    given = chosen_by.as_kwargs()
    extras: dict[str, Any] = {}
    if isinstance(graph_or_nx, nx.Graph):
        if given or as_of is not None:
            raise UsageError("selection options and as_of need a loaded graph, not a networkx graph")
        nxgraph = graph_or_nx
    else:
        from leadgraph.network.selection import select

        if graph_or_nx is None:
            from leadgraph.loading import load

            graph_or_nx = load(data)
        if as_of is not None:
            from leadgraph.history import view_as_of

            graph_or_nx = view_as_of(graph_or_nx, as_of)
        chosen = select(graph_or_nx, criteria=chosen_by)
        nxgraph = chosen.graph
        given = chosen.criteria
        extras = page_extras(graph_or_nx, nxgraph, communities=communities, coverage=coverage,
                             role_group=role_group)
    if title is None:
        title = DEFAULT_TITLE
        if given:
            title += ": " + ", ".join(f"{key} {value}" for key, value in given.items())
    return nxgraph, title, extras


def _criteria(criteria: Criteria | None, selection: Mapping[str, Any]) -> Criteria:
    from leadgraph.network.criteria import Criteria

    return Criteria.of(criteria, selection)


def page_extras(graph: LeadGraph, nxgraph: nx.Graph, *, communities: bool = True, coverage: bool = True,
                role_group: str | None = None) -> dict[str, Any]:
    """What a page of ``nxgraph`` (drawn from ``graph``) gets besides the network: see :func:`prepare`."""
    from leadgraph.network.index import gc_paused
    from leadgraph.viz.groups import places

    extras: dict[str, Any] = {"places": places(graph.store)}
    with gc_paused():  # tens of thousands of ties and rows at national scale, none in a cycle
        if communities:
            from leadgraph.network.communities import communities as find, membership

            extras["communities"] = {p: n for p, n in membership(find(graph)).items() if p in nxgraph}
        if coverage:
            from leadgraph.network.coverage import coverage_tree, role_groups

            if role_group is None and any(iri.endswith("/rolegroup-cio") for iri in role_groups(graph)):
                role_group = "cio"
            extras["coverage"] = coverage_tree(graph, role_group)
    return extras


def extract_payload(page: str) -> dict[str, Any]:
    """The data embedded in a page made by :func:`render_html`, decoded (for tests and tools).

    Besides the page's own compact fields, ``info`` (one dict per node: ``iri``, ``kind``,
    ``label``, ``names``, ``search``, ``facts``, ``sources``), ``nodes`` (``id``, ``label``,
    ``group``, and ``x``/``y`` when laid out), ``edges`` (``id``, ``from``, ``to``, ``label``)
    and ``edgeInfo`` (``relation``, ``facts``, ``sources``, and ``valid_from``/``valid_until``
    when dated) read as the page's script reads them.

    >>> import networkx as nx
    >>> payload = extract_payload(render_html(nx.path_graph(2)))
    >>> [(e["from"], e["to"]) for e in payload["edges"]], payload["info"][1]["label"]
    ([(0, 1)], '1')
    """
    match = re.search(r'<script type="application/json" id="lg-data"( data-encoding="gzip\+base64")?>(.*?)</script>',
                      page, re.S)
    if match is None:
        raise ValueError("no leadgraph data block in this page")
    text = match.group(2)
    if match.group(1):
        import gzip

        text = gzip.decompress(base64.b64decode(text)).decode("utf-8")
    return _decode(json.loads(text))


def _decode(payload: dict[str, Any]) -> dict[str, Any]:
    strings, lists, rows = payload["strings"], payload["lists"], payload["factRows"]
    quotes = set(payload["quoteKeys"])
    kinds = [row["key"] for row in payload["kinds"]]

    def facts(key: int) -> list[list[Any]]:
        out = []
        for r in lists[key]:
            name, value, origin = rows[3 * r : 3 * r + 3]
            out.append([strings[name], strings[value], strings[origin - 1] if origin else None, name in quotes])
        return out

    node, edge = payload["node"], payload["edge"]
    info, nodes = [], []
    for i, kind in enumerate(node["kind"]):
        label = strings[node["label"][i]]
        info.append({
            "iri": payload["prefixes"][node["ip"][i]] + strings[node["il"][i]], "kind": kinds[kind],
            "label": label, "names": [strings[k] for k in lists[node["names"][i]]],
            "search": [strings[k] for k in lists[node["search"][i]]],
            "keys": [strings[k] for k in lists[node["keys"][i]]],
            "facts": facts(node["facts"][i]), "sources": lists[node["sources"][i]],
        })
        drawn = {"id": i, "label": _short(label), "group": kinds[kind]}
        if "x" in node:
            drawn.update(x=node["x"][i], y=node["y"][i])
        nodes.append(drawn)
    edges, edge_info = [], []
    for k, (a, b) in enumerate(zip(edge["from"], edge["to"])):
        relation = strings[edge["rel"][k]]
        edges.append({"id": k, "from": a, "to": b, "label": _short(relation)})
        meta = {"relation": relation, "facts": facts(edge["facts"][k]), "sources": lists[edge["sources"][k]]}
        for key, name in (("validFrom", "valid_from"), ("validUntil", "valid_until")):
            if key in edge and edge[key][k]:
                meta[name] = strings[edge[key][k] - 1]
        edge_info.append(meta)
    return {**payload, "info": info, "nodes": nodes, "edges": edges, "edgeInfo": edge_info}


# ---------------------------------------------------------------- data for the page


def _build(nxgraph, title, seed, positions, view, places, communities):
    import numpy as np

    from leadgraph.viz.groups import group_modes
    from leadgraph.viz.layout import DEFAULT_SCALE

    node_ids = list(nxgraph.nodes)
    index = {node: i for i, node in enumerate(node_ids)}
    edge_rows = list(nxgraph.edges(data=True))
    src = np.fromiter((index[u] for u, _, _ in edge_rows), dtype=np.int64, count=len(edge_rows))
    dst = np.fromiter((index[v] for _, v, _ in edge_rows), dtype=np.int64, count=len(edge_rows))
    kind_of = [_text(attrs.get("kind")) or "other" for _, attrs in nxgraph.nodes(data=True)]
    if view not in ("auto", "overview", "full"):
        raise UsageError(f"view must be auto, overview or full, not {view!r}")
    drawn = sum(1 for kind in kind_of if kind != SOURCE_KIND)
    overview = view == "overview" or (view == "auto" and drawn > OVERVIEW_NODES)
    xy = None
    if positions is not None:
        xy = np.array([positions[node] for node in node_ids], dtype=float).reshape(-1, 2)
    elif not overview:
        # Small pictures are read label by label: give the labels more room.
        scale = SMALL_GRAPH_EDGE if len(node_ids) <= LARGE_GRAPH else DEFAULT_SCALE
        hub = np.array([kind == SOURCE_KIND for kind in kind_of], dtype=bool)
        xy = _layout_around_sources(hub, src, dst, seed, scale)

    kinds = _kinds(nxgraph)
    kind_index = {row["key"]: row["index"] for row in kinds}
    strings, lists, sources = _Strings(), _Lists(), _SourceTable()
    fact_rows: dict[tuple[int, int, int], int] = {}

    string_index, string_values = strings.index, strings.values

    def intern(text: str) -> int:
        found = string_index.get(text)
        if found is None:
            found = string_index[text] = len(string_values)
            string_values.append(text)
        return found

    def facts_of(attrs: Mapping[str, Any]) -> int:
        # The hot loop of a large page (one call per node and edge): _facts, inlined.
        rows = []
        for key, name, source_key in _fact_keys(tuple(attrs)):
            value = attrs[key]
            if value is None or value == "":
                continue
            text = ("yes" if value else "no") if value is True or value is False else str(value)
            origin = attrs.get(source_key)
            row = (intern(name), intern(text), intern(str(origin)) + 1 if origin else 0)
            found = fact_rows.get(row)
            if found is None:
                found = fact_rows[row] = len(fact_rows)
            rows.append(found)
        return lists(rows)

    prefixes = _Strings()
    node = {key: [] for key in ("ip", "il", "kind", "label", "names", "search", "keys", "facts", "sources")}
    filters: dict[str, list[int]] = {"trait": [], "organisation": []}
    keys = _resolver_keys(nxgraph)
    for i, (name, attrs) in enumerate(nxgraph.nodes(data=True)):
        kind = kind_of[i]
        label = _text(attrs.get("label")) or str(name)
        iri = str(name)
        cut = max(iri.rfind("/"), iri.rfind("#")) + 1
        node["ip"].append(prefixes(iri[:cut]))
        node["il"].append(strings(iri[cut:]))
        node["kind"].append(kind_index[kind])
        node["label"].append(strings(label))
        recorded, derived = _names(attrs, label)
        node["names"].append(lists(strings(n) for n in recorded))
        node["search"].append(lists(strings(n) for n in derived))
        node["keys"].append(lists(strings(k) for k in keys.get(name, [])))
        node["facts"].append(facts_of(attrs))
        node["sources"].append(lists(sources.keys(attrs)))
        if kind == TRAIT_KIND:
            filters["trait"].append(i)
        elif kind == ORGANISATION_KIND:
            filters["organisation"].append(i)
    if xy is not None:
        xy = np.round(xy, 1)
        node["x"] = [_number(v) for v in xy[:, 0].tolist()]
        node["y"] = [_number(v) for v in xy[:, 1].tolist()]

    edge = {"from": src.tolist(), "to": dst.tolist(), "rel": [], "facts": [], "sources": []}
    valid_from, valid_until = [], []
    for u, v, attrs in edge_rows:
        relation = _text(attrs.get("relation")) or _text(attrs.get("label")) or "linked to"
        edge["rel"].append(strings(relation))
        edge["facts"].append(facts_of(attrs))
        edge["sources"].append(lists(sources.keys(attrs)))
        start, end = _text(attrs.get("valid_from")), _text(attrs.get("valid_until"))
        valid_from.append(strings(start) + 1 if start else 0)
        valid_until.append(strings(end) + 1 if end else 0)
    if any(valid_from) or any(valid_until):
        edge["validFrom"], edge["validUntil"] = valid_from, valid_until

    payload = {
        "format": 2, "title": title, "kinds": kinds, "strings": strings.values, "lists": lists.values,
        "factRows": [value for row in fact_rows for value in row],
        "quoteKeys": [strings.index[key] for key in (_pretty(k) for k in _QUOTE_KEYS) if key in strings.index],
        "prefixes": prefixes.values, "node": node, "edge": edge,
        "sources": sources.rows, "filters": filters, "personKind": PERSON_KIND, "sourceKind": SOURCE_KIND,
        "focusScale": FOCUS_SCALE, "overview": overview, "faint": _SOURCE_EDGE_COLOUR, "clusterGroup": CLUSTER_GROUP, "highlight": _HIGHLIGHT,
        "palette": list(COMMUNITY_COLOURS), "largeGraph": LARGE_GRAPH,
        "groupings": group_modes(nxgraph, places=places, communities=communities, edges=edge_rows),
        "options": _options(kinds, len(node_ids), nxgraph.is_directed()),
    }
    return payload


COVERAGE_LEADERS = 25
"""Leaders listed per trust in the coverage view (the count says how many there are)."""


def _coverage(tree: Mapping[str, Any], index: Mapping[Any, int]) -> dict[str, Any]:
    """The coverage tree, trimmed for the page: each level's label, kind, trusts, covered and
    children; a trust's leaders (at most COVERAGE_LEADERS) with the page's node number of the
    person (-1 when not drawn), what they hold, since when and from which source."""

    def leader(row: Mapping[str, Any]) -> dict[str, Any]:
        return {"node": index.get(row["person"], -1), "label": row["label"],
                "role": row.get("job_title") or row.get("role_label") or "",
                "organisation": row.get("organisation_label", ""), "since": row.get("since", ""),
                "asOf": row.get("as_of", ""), "source": row.get("source_title", ""),
                "date": row.get("source_date", "")}

    def level(node: Mapping[str, Any]) -> dict[str, Any]:
        out = {"label": node["label"], "kind": node["kind"], "trusts": node["trusts"], "covered": node["covered"],
               "children": [level(child) for child in node.get("children", [])]}
        if node["kind"] == "trust":
            found = node.get("leaders", [])
            out["leaders"] = [leader(row) for row in found[:COVERAGE_LEADERS]]
            out["leaderCount"] = len(found)
        return out

    out = level(tree)
    out["roleGroup"] = tree.get("role_group_label", "")
    return out


def _number(value: float) -> int | float:
    """1.0 -> 1: whole numbers without ".0" (positions are most of a large page's digits)."""
    return int(value) if value == int(value) else value


class _Strings:
    """Every distinct string once; the page refers to it by number."""

    def __init__(self) -> None:
        self.values: list[str] = []
        self.index: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        found = self.index.get(text)
        if found is None:
            found = self.index[text] = len(self.values)
            self.values.append(text)
        return found


class _Lists:
    """Every distinct list of numbers once (0 is the empty list): names, facts, sources."""

    def __init__(self) -> None:
        self.values: list[list[int]] = [[]]
        self.index: dict[tuple[int, ...], int] = {(): 0}

    def __call__(self, items) -> int:
        key = tuple(items)
        found = self.index.get(key)
        if found is None:
            found = self.index[key] = len(self.values)
            self.values.append(list(key))
        return found


def _layout_around_sources(source: Any, src: Any, dst: Any, seed: int, scale: float) -> Any:
    """Positions with source nodes kept out of the layout and set in a row above it.

    Nearly every node is "described in" the same article: laid out with the rest, that one
    node sits two steps from everything and pulls the whole picture into a knot around it.
    So the layout sees only the other edges, and the sources go on top, where their edges
    fan out from above without crossing the middle.
    """
    import numpy as np

    from leadgraph.viz.layout import layout_arrays

    n = len(source)
    if source.all() or not source.any():
        return layout_arrays(n, src, dst, seed=seed, scale=scale)
    rest = np.flatnonzero(~source)
    renumber = np.full(n, -1, dtype=np.int64)
    renumber[rest] = np.arange(len(rest))
    keep = ~(source[src] | source[dst])
    xy = np.zeros((n, 2))
    xy[rest] = layout_arrays(len(rest), renumber[src[keep]], renumber[dst[keep]], seed=seed, scale=scale)
    low, high = xy[rest].min(axis=0), xy[rest].max(axis=0)
    tops = np.flatnonzero(source)
    spacing = max(2.0 * scale, (high[0] - low[0]) / len(tops))
    centre = (low[0] + high[0]) / 2
    xy[tops, 0] = centre + (np.arange(len(tops)) - (len(tops) - 1) / 2) * spacing
    xy[tops, 1] = low[1] - 1.5 * scale
    return xy


def _kinds(nxgraph) -> list[dict[str, Any]]:
    counts: dict[str, int] = {}
    for _, kind in nxgraph.nodes(data="kind"):
        key = _text(kind) or "other"
        counts[key] = counts.get(key, 0) + 1
    known = [k for k in KIND_STYLES if k in counts]
    others = sorted(k for k in counts if k not in KIND_STYLES)
    rows = []
    for i, key in enumerate(known + others):
        if key in KIND_STYLES:
            label, colour, shape, symbol, size = KIND_STYLES[key]
        else:
            label = key.replace("_", " ").capitalize()
            colour, shape, symbol, size = _OTHER_COLOURS[i % len(_OTHER_COLOURS)], "dot", "●", 10
        rows.append({"key": key, "index": i, "label": label, "color": colour, "shape": shape,
                     "symbol": symbol, "size": size, "count": counts[key]})
    return rows


def _options(kinds: list[dict[str, Any]], size: int, directed: bool) -> dict[str, Any]:
    large = size > LARGE_GRAPH
    groups = {
        row["key"]: {
            "shape": row["shape"], "size": row["size"],
            "font": {"size": 18 if row["key"] == PERSON_KIND else 14},
            "color": {"background": row["color"], "border": row["color"],
                      "highlight": {"background": "#ffeb3b", "border": row["color"]}},
        }
        for row in kinds
    }
    # A group of nodes in the overview (drawn by the page, sized by how many it holds).
    groups[CLUSTER_GROUP] = {
        "shape": "dot", "size": 14, "borderWidth": 2,
        "font": {"size": 16, "color": "#1d2731", "strokeWidth": 4, "strokeColor": "#ffffff"},
        "color": {"background": "#aeb7bd", "border": "#425563",
                  "highlight": {"background": "#ffeb3b", "border": "#425563"}},
    }
    return {
        "groups": groups,
        "nodes": {"size": 12, "borderWidth": 1, "font": {"size": 14, "color": "#1d2731"}},
        "edges": {
            "arrows": {"to": {"enabled": directed, "scaleFactor": 0.5}},
            "color": {"color": "#9aa8b4", "highlight": _HIGHLIGHT, "inherit": False},
            "font": {"size": EDGE_FONT, "color": "#425563", "strokeWidth": 3, "align": "middle"},
            # Edge labels only once zoomed in enough to read them (from EDGE_LABEL_SCALE): at the
            # whole-picture zoom dozens of "has trait" labels only hide the nodes' own labels.
            "scaling": {"label": {"drawThreshold": EDGE_FONT * EDGE_LABEL_SCALE + 1}},
            "smooth": False,
            "width": 1,
        },
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False, "randomSeed": 1},
        "interaction": {
            "hideEdgesOnDrag": large, "hideEdgesOnZoom": large,
            "multiselect": False, "navigationButtons": False, "keyboard": False,
        },
    }


class _SourceTable:
    """Sources repeat on most facts: the page stores each once and refers to it by number."""

    def __init__(self) -> None:
        self.rows: list[dict[str, str | None]] = []
        self._seen: dict[tuple[str | None, ...], int] = {}
        self._cache: dict[tuple[Any, ...], list[int]] = {}

    def keys(self, attrs: Mapping[str, Any]) -> list[int]:
        """Numbers of the sources named by ``source_iri``/``source_title``/``source_date``.

        The projection joins several sources with "; ", in the same order in all three.
        """
        given = (attrs.get("source_iri"), attrs.get("source_title"), attrs.get("source_date"))
        known = self._cache.get(given)
        if known is None:
            known = self._cache[given] = self._keys(attrs)
        return known

    def _keys(self, attrs: Mapping[str, Any]) -> list[int]:
        columns = [_split(attrs.get(key)) for key in _SOURCE_KEYS]
        width = max(len(column) for column in columns)
        if width == 0:
            return []
        if any(len(column) not in (0, width) for column in columns):
            # A title with "; " in it: keep each value whole rather than mis-pair them.
            columns = [[_text(attrs[key])] if attrs.get(key) not in (None, "") else []
                       for key in _SOURCE_KEYS]
            width = 1
        out = []
        for i in range(width):
            row = tuple(column[i] if column else None for column in columns)
            if row not in self._seen:
                self._seen[row] = len(self.rows)
                self.rows.append({"iri": row[0], "title": row[1], "date": row[2]})
            out.append(self._seen[row])
        return out


# Network attributes that hold names, and what the resolver (leadgraph.lookup) takes each for.
_RESOLVER_ATTRIBUTES = (("label", "name"), ("full_name", "name"), ("ods_code", "name"),
                        ("alternate_names", "variant"), ("given_name", "given"), ("family_name", "family"))


def _resolver_keys(nxgraph: Any) -> dict[Any, list[str]]:
    """Node -> the exact inputs (in :func:`leadgraph.lookup.normal` form) that ``--focus``,
    ``forget`` and ``merge`` resolve to it, so the page's search gives their answer: its names
    and variants, a given name, a unique surname, its IRI and prefixed name."""
    named = [node for node, attrs in nxgraph.nodes(data=True) if _text(attrs.get("kind")) not in ("", "literal")]
    rows = [(node, what, value) for node in named
            for key, what in _RESOLVER_ATTRIBUTES for value in _split(nxgraph.nodes[node].get(key))]
    return name_keys(rows, named)


def _names(attrs: Mapping[str, Any], label: str) -> tuple[list[str], list[str]]:
    """``(recorded, derived)`` names besides the label. Recorded names are the variants the data
    holds, shown as "Also named"; derived ones only help search: a one-word variant with the
    family name ("Gary Harris" for Garry Harris), as ``--focus`` resolves it. The page never
    presents a derived name as if a source had used it.

    >>> _names({"alternate_names": "Gary", "family_name": "Harris"}, "Garry Harris")
    (['Gary'], ['Gary Harris'])
    """
    recorded: list[str] = []
    derived: list[str] = []
    family = _text(attrs.get("family_name"))
    for key in _NAME_KEYS:
        for value in _split(attrs.get(key)):
            if value and value != label and value not in recorded:
                recorded.append(value)
    for value in recorded:
        variant = with_family_name(value, family)
        if variant and variant != label and variant not in recorded and variant not in derived:
            derived.append(variant)
    return recorded, derived


def _facts(attrs: Mapping[str, Any]) -> list[list[Any]]:
    """Rows for the details panel: [name, values, where it comes from or None, is a quote]."""
    rows = []
    for key, name, source_key in _fact_keys(tuple(attrs)):
        value = attrs[key]
        if value is None or value == "":
            continue
        # Shown whole: a quote or a description may contain "; " itself.
        text = ("yes" if value else "no") if isinstance(value, bool) else _text(value)
        origin = attrs.get(source_key)
        rows.append([name, text, _text(origin) or None, key in _QUOTE_KEYS])
    return rows


@lru_cache(maxsize=4096)
def _fact_keys(present: tuple[str, ...]) -> tuple[tuple[str, str, str], ...]:
    """The fact attributes among ``present``, in panel order: (key, shown name, its source's key).

    Nodes and edges of one kind share their attribute names: cached, this runs once per kind.
    """
    keys = [key for key in present if key not in _NOT_FACTS and not key.endswith(_SOURCE_SUFFIX)
            and not key.startswith("_")]
    rank = {key: i for i, key in enumerate(_FACT_ORDER)}
    keys.sort(key=lambda key: (rank.get(key, len(rank)), key))
    return tuple((key, _pretty(key), key + _SOURCE_SUFFIX) for key in keys)


def _split(value: Any) -> list[str]:
    """A list-valued attribute (names, sources) as a list: "a; b" is two values."""
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return [text for item in value for text in _split(item)]
    return [part for part in _text(value).split(_LIST_SEPARATOR) if part]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _pretty(key: str) -> str:
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", key).replace("_", " ").strip()
    return words[:1].upper() + words[1:].lower() if words else key


def _short(label: str) -> str:
    label = " ".join(label.split())
    return label if len(label) <= _LABEL_MAX else label[: _LABEL_MAX - 1].rstrip() + "…"


# ---------------------------------------------------------------- the page


def _page(title: str, data: str, compressed: bool) -> str:
    """The page around a data block made by :func:`encode_data` (only ever that: it goes in as it is)."""
    if not _inert(data, compressed):
        raise ValueError("the data block is not one encode_data makes: it could end its <script> element")
    vis_js, vis_css = _vis_assets()
    app_js = _asset("viz.js")
    scripts = (vis_js, app_js)
    csp = "; ".join([
        "default-src 'none'",
        "script-src " + " ".join(f"'sha256-{_sha256(s)}'" for s in scripts),
        "style-src 'unsafe-inline'",
        "img-src data:",
        "base-uri 'none'",
        "form-action 'none'",
    ])
    encoding = ' data-encoding="gzip+base64"' if compressed else ""
    values = {
        "csp": csp,
        "encoding": encoding,
        "version": __version__,
        "title": html.escape(title, quote=True),
        "vis_css": vis_css,
        "app_css": _asset("viz.css"),
        "data": data,
        "vis_js": vis_js,
        "app_js": app_js,
    }
    # One pass over the trusted template: substituted text is never scanned for markers again.
    return _MARKER.sub(lambda m: values[m.group(1)], _asset("viz.html"))


def _inert(data: str, compressed: bool) -> bool:
    """Whether ``data`` is a data block :func:`encode_data` could have made: nothing in it can end
    or break out of its ``<script>`` element (checked again on data read back from a store)."""
    return bool(_BASE64.fullmatch(data) if compressed else _INERT.fullmatch(data))


def _script_json(value: Any) -> str:
    """JSON that cannot end its <script> element: no raw <, > or & survive (nor U+2028/9)."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


@lru_cache(maxsize=None)
def _asset(name: str) -> str:
    return importlib_resources.files("leadgraph.viz").joinpath("templates", name).read_text("utf-8")


@lru_cache(maxsize=1)
def _vis_assets() -> tuple[str, str]:
    """vis-network's JS and CSS from pyvis's package, checked before they are inlined."""
    folder = importlib_resources.files("pyvis").joinpath("templates", "lib", f"vis-{VIS_VERSION}")
    js = folder.joinpath("vis-network.min.js").read_text("utf-8")
    css = folder.joinpath("vis-network.css").read_text("utf-8")
    if f"@version {VIS_VERSION}" not in js[:2000]:
        raise RuntimeError(f"pyvis does not ship vis-network {VIS_VERSION} where expected")
    # Either sequence would end or confuse the inline element it is pasted into.
    for text, closer in ((js, "</script"), (css, "</style")):
        if closer in text.lower() or "<!--" in text:
            raise RuntimeError(f"vis-network asset contains {closer!r}: cannot inline it safely")
    return js, css
