"""``leadgraph export``: a thin wrapper over :func:`leadgraph.exporting.export`."""

from __future__ import annotations

import sys

import click

from leadgraph.cli import data_of

# Kept here as literals so start-up imports no library module; a test checks they match
# leadgraph.exporting.FORMATS.
FORMATS = ("graphml", "gexf", "cyjs", "json", "csv", "ttl", "nt", "jsonld")


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(FORMATS, case_sensitive=False), default="ttl",
              show_default=True, help="Output format (see below).")
@click.option("-o", "--output", type=click.Path(), metavar="FILE", default=None,
              help="Write to FILE (atomically) instead of stdout. Required for csv: a base name "
              "(BASE-nodes.csv, BASE-edges.csv) or an existing folder (nodes.csv, edges.csv).")
@click.option("--focus", metavar="NAME|IRI", default=None,
              help="Centre on one node: a name (any variant, any case), IRI or prefixed name.")
@click.option("--hops", type=int, default=None, metavar="N",
              help="With --focus/--trait/--organisation: keep nodes within N edges (default 1).")
@click.option("--kinds", metavar="KIND,...", default=None,
              help="Keep only these kinds: person, organisation, programme, role, group, trait, "
              "region, qualification, source.")
@click.option("--trait", metavar="NAME", default=None, help="A trait and the people it is attributed to.")
@click.option("--organisation", metavar="NAME", default=None,
              help="An organisation (name or ODS code) and the people who hold or held roles there.")
@click.option("--query", type=click.Path(dir_okay=False), metavar="FILE.rq", default=None,
              help="Export what a CONSTRUCT (or a SELECT of ?s ?p ?o) returns.")
@click.option("--raw", is_flag=True, help="Graph formats: one edge per triple, literals as nodes.")
@click.pass_context
def export(ctx: click.Context, fmt: str, output: str | None, focus: str | None, hops: int | None,
           kinds: str | None, trait: str | None, organisation: str | None, query: str | None,
           raw: bool) -> None:
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
    """
    from leadgraph.exporting import export as run_export

    result = run_export(
        None, fmt.lower(), output, data=data_of(ctx), focus=focus, hops=hops,
        kinds=kinds, trait=trait, organisation=organisation, query=query, raw=raw,
    )
    if isinstance(result, bytes):
        sys.stdout.flush()
        sys.stdout.buffer.write(result)
        sys.stdout.buffer.flush()
    else:
        for path in result:
            click.echo(str(path))
