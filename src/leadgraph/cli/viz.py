"""``leadgraph viz``: a thin wrapper over :func:`leadgraph.viz.write_html`."""

from __future__ import annotations

import click

from leadgraph.cli import data_of


@click.command("viz")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), metavar="FILE.html",
              help="Where to write the page (replaced atomically).")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the default web browser.")
@click.option("--title", default=None, help="Page title (default: names the selection).")
@click.option("--seed", type=int, default=1, show_default=True,
              help="Layout seed: the same data and seed always give the same picture.")
@click.option("--focus", metavar="NAME|IRI", default=None,
              help="Centre on one node: a name (any variant, any case), IRI or prefixed name.")
@click.option("--hops", type=int, default=None, metavar="N",
              help="With --focus/--trait/--organisation: keep nodes within N edges (default 1).")
@click.option("--kinds", metavar="KIND,...", default=None,
              help="Keep only these kinds, e.g. person,organisation.")
@click.option("--trait", metavar="NAME", default=None, help="A trait and the people it is attributed to.")
@click.option("--organisation", metavar="NAME", default=None,
              help="An organisation (name or ODS code) and the people who hold or held roles there.")
@click.option("--query", type=click.Path(dir_okay=False), metavar="FILE.rq", default=None,
              help="Draw what a CONSTRUCT (or a SELECT of ?s ?p ?o) returns.")
@click.pass_context
def viz(ctx: click.Context, output: str, open_browser: bool, title: str | None, seed: int,
        focus: str | None, hops: int | None, kinds: str | None, trait: str | None,
        organisation: str | None, query: str | None) -> None:
    """Write the graph as one interactive HTML page that works offline.

    The page needs no network at all (everything is inside the file, and it forbids
    outside requests). Search names, filter by kind, trait or organisation, and click
    a node to see its facts with their sources. Prints the path written.

    \b
    Examples:
      leadgraph viz -o leaders.html --open
      leadgraph viz -o phil.html --focus Phil --hops 2
      leadgraph viz -o resilience.html --trait resilience --kinds person,organisation,trait
      leadgraph --data my-data/ viz -o mine.html
    """
    from leadgraph.viz.page import write_html

    path = write_html(
        None, output, title=title, seed=seed, open_browser=open_browser,
        data=data_of(ctx), focus=focus, hops=hops, kinds=kinds,
        trait=trait, organisation=organisation, query=query,
    )
    click.echo(str(path))
