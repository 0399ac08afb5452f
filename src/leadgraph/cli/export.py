"""``leadgraph export``: a thin wrapper over :func:`leadgraph.exporting.export`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from leadgraph.cli import data_of, graph_of
from leadgraph.cli.options import as_of_option, selection_options

if TYPE_CHECKING:
    import datetime

    from leadgraph.network.criteria import Criteria

# Kept here as literals so start-up imports no library module; a test checks they match
# leadgraph.exporting.FORMATS.
FORMATS = ("graphml", "gexf", "cyjs", "json", "csv", "ttl", "nt", "jsonld")


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(FORMATS, case_sensitive=False), default="ttl",
              show_default=True, help="Output format (see below).")
@click.option("-o", "--output", type=click.Path(), metavar="FILE", default=None,
              help="Write to FILE (atomically) instead of stdout. Required for csv: a base name "
              "(BASE-nodes.csv, BASE-edges.csv) or an existing folder (nodes.csv, edges.csv).")
@click.option("--raw", is_flag=True, help="Graph formats: one edge per triple, literals as nodes.")
@selection_options
@as_of_option
@click.pass_context
def export(ctx: click.Context, fmt: str, output: str | None, raw: bool, criteria: Criteria,
           as_of: datetime.date | None) -> None:
    """Export the graph, or part of it, for other tools.

    \b
    Formats:
      graphml  Gephi, yEd, networkx, igraph     gexf    Gephi
      cyjs     Cytoscape (desktop and .js)      json    D3 (node-link: nodes, links)
      csv      spreadsheets (two files)         ttl, nt, jsonld   RDF tools
    Graph formats show people, organisations, programmes, roles, traits, regions and
    sources as nodes, with roles and traits as edges carrying their details and source.
    RDF formats write the triples: all of them, or those of the selection.

    \b
    Examples:
      leadgraph export --format ttl -o leadgraph.ttl
      leadgraph export --format gexf -o leaders.gexf
      leadgraph export --format graphml --focus "Phil" --hops 2 -o phil.graphml
      leadgraph export --format csv -o leaders --kinds person,organisation
      leadgraph export --format json --trait resilience > resilience.json
      leadgraph export --format nt --query examples/queries/roles.rq
      leadgraph export --format graphml --as-of 2022-01-01 -o leaders-2022.graphml
    """
    from leadgraph.exporting import export as run_export

    result = run_export(graph_of(ctx), fmt.lower(), output, data=data_of(ctx), raw=raw, criteria=criteria,
                        as_of=as_of)
    if isinstance(result, bytes):
        sys.stdout.flush()
        sys.stdout.buffer.write(result)
        sys.stdout.buffer.flush()
    else:
        for path in result:
            click.echo(str(path))
