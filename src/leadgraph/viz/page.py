"""A self-contained, offline, interactive HTML picture of the graph.

:func:`render_html` turns a networkx graph (as made by :func:`leadgraph.network.projection.to_networkx`)
into one HTML page; :func:`write_html` does selection, projection, rendering and an atomic write
in one call (the ``leadgraph viz`` command).

The page makes no network request at all: vis-network 9.1.2 (the copy pyvis ships) is inlined,
there is no Bootstrap or CDN, and a Content-Security-Policy meta tag forbids every outside
fetch. Scripts are allowed by their SHA-256 hashes only, so even a ``<script>`` smuggled into the
page would not run.

pyvis holds the network data (:class:`pyvis.network.Network`, its ``nodes`` and ``edges`` lists
filled directly: ``add_node``/``add_edge`` took 20-226 s at 10,000 nodes here), but the page
comes from leadgraph's own template, not pyvis's: that one has autoescaping off, writes
``heading`` and ``select_menu`` ids raw into the page, and switches to an ``innerHTML`` popup
as soon as any title contains "href". Here data travels only as JSON inside
``<script type="application/json">`` with ``<``, ``>`` and ``&`` escaped, and the page's script
shows it with ``textContent``; nodes carry no vis-network ``title``, so there is no tooltip.

Positions always come from :mod:`leadgraph.viz.layout` (seeded) and physics is off: the picture is
repeatable, shows its first frame quickly at 20,000 nodes, and never keeps the browser busy
stabilising.

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
from leadgraph.lookup import with_family_name

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


def render_html(
    nxgraph: nx.Graph,
    title: str = DEFAULT_TITLE,
    *,
    seed: int = SEED,
    positions: Mapping[Any, tuple[float, float]] | None = None,
) -> str:
    """Render a networkx graph as one self-contained, offline HTML page.

    Attributes are read as :mod:`leadgraph.network.projection` writes them. Nodes: ``kind`` (colour,
    shape, legend, filters; missing: "other"), ``label`` (drawn; default the node id),
    ``full_name`` and ``alternate_names`` (searchable), ``source_iri``/``source_title``/
    ``source_date`` (the source line), and every other attribute as a fact in the details
    panel, with the ``<fact>_source`` attribute as that fact's source. Edges: ``relation``
    (drawn on the edge; ``label`` if there is none), the same source attributes, ``quote``,
    and other attributes as facts. Other graphs work too: any attribute becomes a fact.
    ``positions`` (node -> (x, y) in pixels) replaces the seeded layout.

    >>> import networkx as nx
    >>> page = render_html(nx.path_graph(3), title="Path </title>")
    >>> "<title>Path &lt;/title&gt;</title>" in page
    True
    >>> len(extract_payload(page)["nodes"])
    3
    """
    from pyvis.network import Network

    payload, vis_nodes, vis_edges, options = _build(nxgraph, title, seed, positions)
    net = Network(directed=nxgraph.is_directed())
    net.nodes = vis_nodes
    net.edges = vis_edges
    net.options = options
    nodes, edges, _heading, _height, _width, options_json = net.get_network_data()
    payload.update(nodes=nodes, edges=edges, options=json.loads(options_json))
    return _page(title, payload)


def write_html(
    graph_or_nx: LeadGraph | nx.Graph | None,
    path: str | Path,
    *,
    title: str | None = None,
    seed: int = SEED,
    open_browser: bool = False,
    data: str | Path | list[str | Path] | None = None,
    criteria: Criteria | None = None,
    as_of: Any = None,
    **selection: Any,
) -> Path:
    """Write the picture of a graph to ``path`` (atomically) and return the path.

    ``graph_or_nx`` is a loaded :class:`~leadgraph.loading.LeadGraph`, ``None`` to load
    ``data`` (``None``: the bundled data) with :func:`leadgraph.loading.load`, or a networkx
    graph drawn as it is. For a LeadGraph, ``criteria`` (or ``focus=``, ``hops=``, ``kinds=``,
    ``trait=``, ``organisation=``, ``query=``) pick the subgraph exactly as ``leadgraph export`` does
    (:func:`leadgraph.network.selection.select`). ``title`` defaults to one naming the selection.
    ``open_browser`` opens the written file in the default web browser. ``as_of`` (a date or
    ``YYYY-MM-DD``) draws the graph as it stood that day (:func:`leadgraph.history.view_as_of`).

    Raises :class:`~leadgraph.errors.UsageError` for selection options with a networkx graph,
    and whatever loading and selection raise (a name that matches nothing, an empty selection).

    >>> import networkx as nx, tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "g.html"
    >>> write_html(nx.path_graph(2), out).read_text().startswith("<!DOCTYPE html>")
    True
    """
    import networkx as nx

    from leadgraph.fileio import atomic_write

    from leadgraph.network.criteria import Criteria

    chosen_by = Criteria.of(criteria, selection)
    given = chosen_by.as_kwargs()
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
    if title is None:
        title = DEFAULT_TITLE
        if given:
            title += ": " + ", ".join(f"{key} {value}" for key, value in given.items())
    page = render_html(nxgraph, title=title, seed=seed)
    written = Path(atomic_write(path, page))
    if open_browser:
        import webbrowser

        webbrowser.open(written.resolve().as_uri())
    return written


def extract_payload(page: str) -> dict[str, Any]:
    """The data embedded in a page made by :func:`render_html` (for tests and tools).

    >>> import networkx as nx
    >>> sorted(extract_payload(render_html(nx.path_graph(2))))[:3]
    ['edgeInfo', 'edges', 'filters']
    """
    match = re.search(r'<script type="application/json" id="lg-data">(.*?)</script>', page, re.S)
    if match is None:
        raise ValueError("no leadgraph data block in this page")
    return json.loads(match.group(1))


# ---------------------------------------------------------------- data for the page


def _build(nxgraph, title, seed, positions):
    import numpy as np

    from leadgraph.viz.layout import DEFAULT_SCALE

    node_ids = list(nxgraph.nodes)
    index = {node: i for i, node in enumerate(node_ids)}
    edge_rows = list(nxgraph.edges(data=True))
    src = np.fromiter((index[u] for u, _, _ in edge_rows), dtype=np.int64, count=len(edge_rows))
    dst = np.fromiter((index[v] for _, v, _ in edge_rows), dtype=np.int64, count=len(edge_rows))
    if positions is None:
        # Small pictures are read label by label: give the labels more room.
        scale = SMALL_GRAPH_EDGE if len(node_ids) <= LARGE_GRAPH else DEFAULT_SCALE
        hub = np.array([nxgraph.nodes[node].get("kind") == SOURCE_KIND for node in node_ids], dtype=bool)
        xy = _layout_around_sources(hub, src, dst, seed, scale)
    else:
        xy = np.array([positions[node] for node in node_ids], dtype=float).reshape(-1, 2)
    xy = np.round(xy, 1)

    kinds = _kinds(nxgraph)
    sources = _SourceTable()
    vis_nodes, info = [], []
    filters: dict[str, list[int]] = {"trait": [], "organisation": []}
    for i, (node, attrs) in enumerate(nxgraph.nodes(data=True)):
        kind = _text(attrs.get("kind")) or "other"
        label = _text(attrs.get("label")) or str(node)
        vis_nodes.append({
            "id": i, "label": _short(label), "group": kind,
            "x": float(xy[i, 0]), "y": float(xy[i, 1]),
        })
        names, search_only = _names(attrs, label)
        info.append({
            "iri": str(node), "kind": kind, "label": label, "names": names, "search": search_only,
            "facts": _facts(attrs), "sources": sources.keys(attrs),
        })
        if kind == TRAIT_KIND:
            filters["trait"].append(i)
        elif kind == ORGANISATION_KIND:
            filters["organisation"].append(i)

    vis_edges, edge_info = [], []
    # "described in" edges to a source fan out to every node: drawn faint in small pictures
    # so the statements between people, organisations and traits stand out (large pictures
    # skip the per-edge colour: it would add bytes for each of thousands of edges).
    faint = None if len(node_ids) > LARGE_GRAPH else [info[i]["kind"] == SOURCE_KIND for i in range(len(info))]
    parallel: dict[tuple[int, int], int] = {}
    for k, (u, v, attrs) in enumerate(edge_rows):
        a, b = int(src[k]), int(dst[k])
        relation = _text(attrs.get("relation")) or _text(attrs.get("label")) or "linked to"
        edge = {"id": k, "from": a, "to": b, "label": _short(relation)}
        pair = (min(a, b), max(a, b))
        nth = parallel.get(pair, 0)
        parallel[pair] = nth + 1
        if faint is not None and (faint[a] or faint[b]):
            edge["color"] = {"color": _SOURCE_EDGE_COLOUR, "highlight": _HIGHLIGHT, "inherit": False}
        if nth:  # bend repeated edges between the same two nodes so each stays visible
            edge["smooth"] = {"enabled": True, "type": "curvedCW" if nth % 2 else "curvedCCW",
                              "roundness": 0.15 * ((nth + 1) // 2)}
        vis_edges.append(edge)
        edge_info.append({"relation": relation, "facts": _facts(attrs), "sources": sources.keys(attrs)})

    payload = {
        "title": title, "kinds": kinds, "info": info, "edgeInfo": edge_info,
        "sources": sources.rows, "filters": filters, "personKind": PERSON_KIND,
        "focusScale": FOCUS_SCALE,
    }
    return payload, vis_nodes, vis_edges, _options(kinds, len(vis_nodes), nxgraph.is_directed())


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

    def keys(self, attrs: Mapping[str, Any]) -> list[int]:
        """Numbers of the sources named by ``source_iri``/``source_title``/``source_date``.

        The projection joins several sources with "; ", in the same order in all three.
        """
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
    keys = [key for key in attrs if key not in _NOT_FACTS and not key.endswith(_SOURCE_SUFFIX)
            and not key.startswith("_")]
    rank = {key: i for i, key in enumerate(_FACT_ORDER)}
    keys.sort(key=lambda key: (rank.get(key, len(rank)), key))
    rows = []
    for key in keys:
        value = attrs[key]
        if value is None or value == "":
            continue
        # Shown whole: a quote or a description may contain "; " itself.
        text = ("yes" if value else "no") if isinstance(value, bool) else _text(value)
        origin = attrs.get(key + _SOURCE_SUFFIX)
        rows.append([_pretty(key), text, _text(origin) or None, key in _QUOTE_KEYS])
    return rows


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


def _page(title: str, payload: dict[str, Any]) -> str:
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
    values = {
        "csp": csp,
        "version": __version__,
        "title": html.escape(title, quote=True),
        "vis_css": vis_css,
        "app_css": _asset("viz.css"),
        "data": _script_json(payload),
        "vis_js": vis_js,
        "app_js": app_js,
    }
    # One pass over the trusted template: substituted text is never scanned for markers again.
    return _MARKER.sub(lambda m: values[m.group(1)], _asset("viz.html"))


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
