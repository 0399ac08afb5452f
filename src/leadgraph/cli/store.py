"""``leadgraph store``: thin wrappers over :func:`leadgraph.keeping.build_store` and friends."""

from __future__ import annotations

import click

from leadgraph.cli import data_of

_NO_ANSWERS = click.option(
    "--no-answers", "no_answers", is_flag=True,
    help="Do not keep answers with the new generation (named queries with their default parameters, the "
    "validation report, the data of the default `viz` page): saves the in-memory load, the queries and the page "
    "(at a million triples the queries and report take a build from 25 s of CPU to 62 s and the page about 25 s "
    "more; an update 1.6 s instead of 24.5 s, plus the page), but then the first `query NAME`, `validate` and "
    "`viz` compute their answers, the first two on the on-disk engine, 10-20x slower than in memory.")


@click.group("store")
def store() -> None:
    """Build and update an on-disk store, so commands stop re-reading every file.

    A store is a folder holding the ontology, the reference layer and the data in an
    Oxigraph database, one named graph per source file. Read commands use it with the
    global --store DIR (or LEADGRAPH_STORE=DIR); they start in a fraction of the time a
    full load takes. Readers keep working while an update runs; two updates never
    interleave.

    \b
    Examples:
      leadgraph store build graph.db
      leadgraph store build graph.db --data my-data/ --data data/
      leadgraph store update graph.db
      leadgraph --store graph.db query cio-roles
    """


@store.command("build")
@click.argument("folder", type=click.Path(file_okay=False), metavar="DIR")
@click.option("--data", "paths", multiple=True, type=click.Path(), metavar="PATH",
              help="Data file or folder to load (repeatable; default: the global --data, else the bundled data).")
@_NO_ANSWERS
@click.pass_context
def build(ctx: click.Context, folder: str, paths: tuple[str, ...], no_answers: bool) -> None:
    """Load everything into a new store in DIR (created if missing), replacing what it held.

    \b
    Examples:
      leadgraph store build graph.db
      leadgraph --data my-data/ store build graph.db
    """
    from leadgraph.keeping import build_store

    parent = ctx.find_root()
    report = build_store(folder, list(paths) or data_of(parent), answers=not no_answers, progress=True)
    click.echo(report.text())


@store.command("update")
@click.argument("folder", type=click.Path(file_okay=False), metavar="DIR")
@_NO_ANSWERS
def update(folder: str, no_answers: bool) -> None:
    """Reload only the files whose content changed since the store was built or last updated.

    New files in the data folders are added and deleted ones removed; everything else
    is kept as it is, so an update after editing one person's file takes seconds.

    \b
    Examples:
      leadgraph store update graph.db
    """
    from leadgraph.keeping import update_store

    click.echo(update_store(folder, answers=not no_answers, progress=True).text())
