"""``leadgraph docs``: regenerate the reference documents kept in ``docs/``."""

from __future__ import annotations

import click

from leadgraph.docs import DOCUMENTS, write_reference


@click.command("docs")
@click.argument("what", type=click.Choice(sorted(DOCUMENTS)))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here (atomically) instead of stdout.")
def docs(what: str, output: str | None) -> None:
    """Print or write a generated reference: the ontology (with a diagram) or the CLI.

    \b
    Examples:
      leadgraph docs ontology -o docs/ontology.md
      leadgraph docs cli -o docs/cli.md

    Tests compare the committed files with a fresh rendering, so they cannot drift.
    """
    text = write_reference(what, output)
    if output is None:
        click.echo(text, nl=False)
