"""``leadgraph viz``: a thin wrapper over :func:`leadgraph.viz.page.write_html` (the page) and
:func:`leadgraph.viz.picture.write_picture` (PNG and SVG pictures of it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from leadgraph.cli import data_of, graph_of
from leadgraph.cli.options import as_of_option, selection_options

if TYPE_CHECKING:
    import datetime

    from leadgraph.network.criteria import Criteria


@click.command("viz")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="Where to write the page or picture (replaced atomically).")
@click.option("--format", "fmt", type=click.Choice(["html", "png", "svg"], case_sensitive=False), default=None,
              help="html: the interactive page; png or svg: a still picture of it, drawn by headless "
                   "Chromium. Default: from the output's suffix (.png, .svg), else html.")
@click.option("--view", type=click.Choice(["auto", "overview", "full"], case_sensitive=False), default="auto",
              show_default=True,
              help="overview: open on groups (by region, ICB, organisation...); full: lay out and draw "
                   "every node; auto: overview above 1,000 nodes.")
@click.option("--communities/--no-communities", default=True, show_default=True,
              help="Find communities (Louvain, as `analyse communities`) to group and colour by.")
@click.option("--coverage/--no-coverage", default=True, show_default=True,
              help="Add the coverage view (trusts with a known leader, as `analyse coverage`).")
@click.option("--role-group", default=None, metavar="GROUP",
              help="Role group the coverage view counts (default: cio when the data has it).")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the default web browser.")
@click.option("--title", default=None, help="Page title (default: names the selection).")
@click.option("--seed", type=int, default=1, show_default=True,
              help="Layout seed: the same data and seed always give the same picture.")
@click.option("--width", type=int, default=1600, show_default=True, help="png/svg: window width in pixels.")
@click.option("--height", type=int, default=1000, show_default=True, help="png/svg: window height in pixels.")
@selection_options
@as_of_option
@click.pass_context
def viz(ctx: click.Context, output: str, fmt: str | None, view: str, communities: bool, coverage: bool,
        role_group: str | None, open_browser: bool, title: str | None, seed: int, width: int, height: int,
        criteria: Criteria, as_of: datetime.date | None) -> None:
    """Write the graph as one interactive HTML page that works offline, or a picture of it.

    The page needs no network at all (everything is inside the file, and it forbids
    outside requests). Search names, group, filter by kind, trait or organisation, pick a
    date, find how two people connect, and click a node to see its facts with their
    sources. A large graph opens on groups that open on click. Prints the path written.

    \b
    Examples:
      leadgraph viz -o leaders.html --open
      leadgraph viz -o phil.html --focus Phil --hops 2
      leadgraph viz -o resilience.html --trait resilience --kinds person,organisation,trait
      leadgraph viz -o leaders.svg
      leadgraph viz -o national.png --view overview --width 2400 --height 1600
      leadgraph --data my-data/ viz -o mine.html
      leadgraph viz -o leaders-2022.html --as-of 2022-01-01
    """
    fmt = (fmt or _suffix_format(output)).lower()
    if fmt == "html":
        from leadgraph.viz.page import write_html

        path = write_html(graph_of(ctx), output, title=title, seed=seed, open_browser=open_browser,
                          data=data_of(ctx), criteria=criteria, view=view, communities=communities,
                          coverage=coverage, role_group=role_group, as_of=as_of)
    else:
        from leadgraph.viz.picture import write_picture

        if open_browser:
            raise click.UsageError("--open is for the html page")
        path = write_picture(graph_of(ctx), output, fmt, width=width, height=height, title=title, seed=seed,
                             view=view, data=data_of(ctx), criteria=criteria, communities=communities,
                             coverage=coverage, role_group=role_group, as_of=as_of)
    click.echo(str(path))


def _suffix_format(output: str) -> str:
    suffix = output.rsplit(".", 1)[-1].lower() if "." in output else ""
    return suffix if suffix in ("png", "svg") else "html"
