"""Write the graph, or a selection of it, in the formats other tools read.

=========  =====================================================  ===========================
format     what                                                   for
=========  =====================================================  ===========================
graphml    GraphML (typed attributes, edge ids)                   Gephi, yEd, networkx, igraph
gexf       GEXF 1.2 (edge labels = relation)                      Gephi, networkx
cyjs       Cytoscape.js JSON: ``{"elements": {"nodes", "edges"}}``  Cytoscape desktop, Cytoscape.js
json       node-link JSON: ``{"nodes": [...], "links": [...]}``     D3 force layouts, networkx
csv        two files, nodes and edges, with header rows           spreadsheets, pandas
ttl        Turtle                                                 RDF tools
nt         N-Triples                                              RDF tools, line-based scripts
jsonld     JSON-LD                                                RDF tools, web developers
=========  =====================================================  ===========================

Graph formats write the projected graph (:mod:`leadgraph.network.projection`) or, with
``raw=True``, one edge per triple. RDF formats write triples: the whole graph, or the
triples of a selection (:meth:`leadgraph.network.selection.Selection.triples`).

Output is deterministic: the same data and options give byte-identical files. Files
are written atomically (:func:`leadgraph.fileio.atomic_write`): everything is rendered
in memory first, so a failed export never touches an existing file.

CSV: ``output`` is a base name; ``leaders`` or ``leaders.csv`` writes ``leaders-nodes.csv``
and ``leaders-edges.csv``; an existing folder gets ``nodes.csv`` and ``edges.csv``.
Files are UTF-8 with a byte-order mark (so Excel shows accents and curly quotes
correctly; read them in Python with ``encoding="utf-8-sig"``) and CRLF line ends.
Columns: nodes ``id, kind, label`` then the other attributes A-Z; edges ``id, source,
target, relation`` then the others A-Z. Booleans are ``true``/``false``. Text that a
spreadsheet would run as a formula (starting with ``= + - @``, tab or carriage return)
is written with a leading ``'`` so that it shows as text (quote included) and never runs.

>>> from leadgraph.loading import load
>>> text = export(load(), "cyjs", focus="Gary", hops=0).decode()
>>> import json; [n["data"]["label"] for n in json.loads(text)["elements"]["nodes"]]
['Garry Harris']
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from leadgraph import __version__
from leadgraph.errors import UsageError
from leadgraph.fileio import atomic_write
from leadgraph.tabular import write_csv
from leadgraph.loading import store_of
from leadgraph.terms import Triple
from leadgraph.network.criteria import Criteria
from leadgraph.network.selection import Selection, select

if TYPE_CHECKING:
    import networkx as nx

GRAPH_FORMATS: tuple[str, ...] = ("graphml", "gexf", "cyjs", "json", "csv")
RDF_FORMATS: tuple[str, ...] = ("ttl", "nt", "jsonld")
FORMATS: tuple[str, ...] = (*GRAPH_FORMATS, *RDF_FORMATS)
"""Every format :func:`export` writes."""


def export(
    graph: Any = None,
    format: str = "ttl",
    output: str | os.PathLike[str] | None = None,
    *,
    data: str | os.PathLike[str] | list[str | os.PathLike[str]] | None = None,
    raw: bool = False,
    criteria: Criteria | None = None,
    as_of: Any = None,
    **selection: Any,
) -> bytes | list[Path]:
    """Export ``graph`` (a LeadGraph; loaded from ``data`` when ``None``) as ``format``.

    The selection options (``criteria``, or ``focus=``, ``hops=``, ``kinds=``, ``trait=``,
    ``organisation=``, ``query=``) are those of :func:`leadgraph.network.selection.select`. Returns the
    document as bytes when ``output`` is ``None``; otherwise writes it atomically and
    returns the paths written (two for ``csv``, which needs ``output``). ``as_of`` (a date or
    ``YYYY-MM-DD``) exports the graph as it stood that day (:func:`leadgraph.history.view_as_of`).

    Raises:
        UsageError: an unknown format, ``csv`` without ``output``, an ``output`` that
            is a folder, or a bad selection option. Missing parent folders are created.
        QueryError: a bad query, or a selection that matches nothing.
    """
    chosen_by = Criteria.of(criteria, selection)
    fmt = format.lower()
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {format!r}; choose from {', '.join(FORMATS)}")
    if fmt == "csv" and output is None:
        raise UsageError("csv writes two files (nodes and edges): give -o BASE (BASE-nodes.csv, BASE-edges.csv) or -o FOLDER")
    targets = _targets(fmt, output) if output is not None else None
    if graph is None:
        from leadgraph.loading import load

        graph = load(data)
    elif data is not None:
        raise UsageError("give either a graph or data paths, not both")
    if as_of is not None:
        from leadgraph.history import view_as_of

        graph = view_as_of(graph, as_of)

    if fmt in RDF_FORMATS and not chosen_by:
        parts = [_whole_rdf(graph, fmt)]  # no projection needed for the whole graph
    else:
        parts = render(select(graph, raw=raw, criteria=chosen_by), fmt)
    if targets is None:
        return parts[0]
    for path, content in zip(targets, parts):
        atomic_write(path, content)
    return targets


def render(selection: Selection, fmt: str) -> list[bytes]:
    """The documents for ``selection`` in ``fmt``: one, or two for csv (nodes, edges)."""
    if fmt in RDF_FORMATS:
        return [_rdf(selection.triples(), fmt)]
    network = selection.graph
    if fmt == "graphml":
        return [to_graphml(network)]
    if fmt == "gexf":
        return [to_gexf(network)]
    if fmt == "cyjs":
        return [to_cyjs(network)]
    if fmt == "json":
        return [to_node_link(network)]
    if fmt == "csv":
        return list(to_csv(network))
    raise UsageError(f"unknown export format {fmt!r}; choose from {', '.join(FORMATS)}")


def to_graphml(network: nx.MultiDiGraph) -> bytes:
    """GraphML with typed keys; edge ids are the edge keys (unique in the graph)."""
    import networkx as nx

    buffer = io.BytesIO()
    nx.write_graphml(_bare(network), buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


def to_gexf(network: nx.MultiDiGraph) -> bytes:
    """GEXF 1.2; each edge's ``relation`` is also its GEXF label (shown by Gephi)."""
    from networkx.readwrite.gexf import GEXFWriter

    copy = _bare(network)
    for u, v, key, data in copy.edges(keys=True, data=True):
        data["label"] = data.get("relation", "")
        data["id"] = key
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    meta = writer.xml.find("meta")
    if meta is not None:  # networkx stamps today's date, which would make every export differ
        meta.attrib.pop("lastmodifieddate", None)
        creator = meta.find("creator")
        if creator is not None:
            creator.text = f"leadgraph {__version__} (NetworkX)"
    writer.add_graph(copy)
    _drop_gexf_attribute(writer.xml, "networkx_key")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _drop_gexf_attribute(root: Any, title: str) -> None:
    # networkx repeats each multigraph edge key as a "networkx_key" column; the edge id already
    # is the key (networkx reads it back as the key), so Gephi would show the same value twice.
    for declared in root.iter("attributes"):
        for attribute in list(declared):
            if attribute.get("title") == title:
                declared.remove(attribute)
                for values in root.iter("attvalues"):
                    for value in list(values):
                        if value.get("for") == attribute.get("id"):
                            values.remove(value)


def to_cyjs(network: nx.MultiDiGraph) -> bytes:
    """Cytoscape.js / Cytoscape desktop JSON. Nodes carry ``name`` (the label, Cytoscape's
    display column); edges carry ``interaction`` (the relation), ``source`` and ``target``."""
    nodes = [{"data": {"id": n, "name": d.get("label", n), **d}} for n, d in network.nodes(data=True)]
    edges = [
        {"data": {"id": k, "source": u, "target": v, "interaction": d.get("relation", ""), **d}}
        for u, v, k, d in network.edges(keys=True, data=True)
    ]
    document = {
        "format_version": "1.0",
        "generated_by": f"leadgraph {__version__}",
        "target_cytoscapejs_version": "~2.1",
        "data": {"name": "leadgraph"},
        "elements": {"nodes": nodes, "edges": edges},
    }
    return _json(document)


def to_node_link(network: nx.MultiDiGraph) -> bytes:
    """Node-link JSON as D3 expects it (``nodes`` with ``id``, ``links`` with ``source``,
    ``target`` and ``key``); ``networkx.node_link_graph(data, edges="links")`` reads it."""
    import networkx as nx

    return _json(nx.node_link_data(_bare(network), edges="links"))


def to_csv(network: nx.MultiDiGraph) -> tuple[bytes, bytes]:
    """Two CSV documents, nodes and edges (see the module documentation for columns)."""
    node_rows = [{"id": n, **d} for n, d in network.nodes(data=True)]
    edge_rows = [{"id": k, "source": u, "target": v, **d} for u, v, k, d in network.edges(keys=True, data=True)]
    return (
        _csv(node_rows, ["id", "kind", "label"]),
        _csv(edge_rows, ["id", "source", "target", "relation"]),
    )


def csv_paths(output: str | os.PathLike[str]) -> list[Path]:
    """Where csv output goes for ``-o output`` (nodes file first).

    >>> [p.name for p in csv_paths("out/leaders.csv")]
    ['leaders-nodes.csv', 'leaders-edges.csv']
    """
    path = Path(output)
    if path.is_dir() or str(output).endswith(("/", os.sep)):
        return [path / "nodes.csv", path / "edges.csv"]
    base = path.name[: -len(".csv")] if path.name.lower().endswith(".csv") else path.name
    return [path.with_name(f"{base}-nodes.csv"), path.with_name(f"{base}-edges.csv")]


def _targets(fmt: str, output: str | os.PathLike[str]) -> list[Path]:
    paths = csv_paths(output) if fmt == "csv" else [Path(output)]
    for path in paths:
        if path.is_dir():
            raise UsageError(f"-o {output}: is a folder; give a file name")
    return paths


def _bare(network: nx.MultiDiGraph) -> nx.MultiDiGraph:
    # A copy without graph-level attributes: writers would emit them, and they are not data.
    copy = network.copy()
    copy.graph.clear()
    return copy


def _json(document: Any) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")




def _csv(rows: list[dict[str, Any]], first: list[str]) -> bytes:
    others = sorted({k for row in rows for k in row} - set(first))
    header = first + others
    # A byte-order mark and CRLF: what Excel needs to read UTF-8 text and line ends right.
    return write_csv(header, ([row.get(c) for c in header] for row in rows), lineterminator="\r\n", bom=True)


def _rdf(triples: list[Triple], fmt: str) -> bytes:
    from leadgraph.store.rdf import write_triples

    # The selection's triples, deduplicated as a store would.
    return write_triples(set(triples), fmt)


def _whole_rdf(graph: Any, fmt: str) -> bytes:
    from leadgraph.store.rdf import write_triples

    return write_triples(store_of(graph).triples(), fmt)
