"""``leadgraph viz``: a thin wrapper over :func:`leadgraph.viz.page.write_html`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from leadgraph.cli import data_of, graph_of
from leadgraph.cli.options import as_of_option, selection_options

if TYPE_CHECKING:
    import datetime

    from leadgraph.network.criteria import Criteria


@click.command("viz")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), metavar="FILE.html",
              help="Where to write the page (replaced atomically).")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the default web browser.")
@click.option("--title", default=None, help="Page title (default: names the selection).")
@click.option("--seed", type=int, default=1, show_default=True,
              help="Layout seed: the same data and seed always give the same picture.")
@selection_options
@as_of_option
@click.pass_context
def viz(ctx: click.Context, output: str, open_browser: bool, title: str | None, seed: int,
        criteria: Criteria, as_of: datetime.date | None) -> None:
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
      leadgraph viz -o leaders-2022.html --as-of 2022-01-01
    """
    from leadgraph.viz.page import write_html

    path = write_html(graph_of(ctx), output, title=title, seed=seed, open_browser=open_browser, data=data_of(ctx),
                      criteria=criteria, as_of=as_of)
    click.echo(str(path))
