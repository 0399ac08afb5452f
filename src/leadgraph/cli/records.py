"""``leadgraph convert`` and ``leadgraph new person``: person records (YAML, CSV) and Turtle."""

from __future__ import annotations

import click

from leadgraph.cli.options import output_option


@click.command("convert")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@output_option("Write the Turtle here (atomically) instead of to stdout.")
def convert(files: tuple[str, ...], output: str | None) -> None:
    """Convert person records (YAML, CSV) or any data files to canonical Turtle.

    Each file is read by the reader for its extension, with the same checks and error messages
    as --data; folders are read in name order. The Turtle is sorted, with the project prefixes,
    so the same records always give the same bytes.

    \b
    Examples:
      leadgraph convert people/ann-example.yaml
      leadgraph convert roles.csv traits.csv -o bulk.ttl
    """
    from leadgraph.records import convert as run_convert

    turtle = run_convert(list(files), output)
    if output is None:
        click.echo(turtle.decode("utf-8"), nl=False)
    else:
        click.echo(f"wrote {output}", err=True)


@click.group("new")
def new() -> None:
    """Start a new record from a commented skeleton.

    \b
    Examples:
      leadgraph new person "Ann Example" --organisation RBS -o ann-example.yaml
    """


@new.command("person")
@click.argument("name")
@click.option("--organisation", metavar="CODE", default=None,
              help="The organisation of their current role: an ODS code (RBS) or a name.")
@output_option("Write the skeleton here (never over an existing file) instead of to stdout.")
def person(name: str, organisation: str | None, output: str | None) -> None:
    """Write a commented YAML skeleton for NAME (the full name, as the source gives it).

    Fill in the blanks (the source, the role), then check it with
    `leadgraph --data data/ --data FILE validate`. The first line points editors that use the
    yaml-language-server (VS Code's YAML extension and others) at the record's JSON Schema, for
    completion and checking as you type.

    \b
    Examples:
      leadgraph new person "Ann Example" --organisation RBS -o ann-example.yaml
      leadgraph new person "Ann Example" > ann-example.yaml
    """
    from leadgraph.records import new_person

    text = new_person(name, organisation, output)
    if output is None:
        click.echo(text.decode("utf-8"), nl=False)
    else:
        click.echo(f"wrote {output}", err=True)
