"""``leadgraph forget``: remove a person and everything said about them from the data files."""

from __future__ import annotations

import click

from leadgraph.cli import data_of


@click.command("forget")
@click.argument("person")
@click.option("--dry-run", is_flag=True, help="Only report what would be removed; change nothing.")
@click.pass_context
def forget(ctx: click.Context, person: str, dry_run: bool) -> None:
    """Remove PERSON (a name, a name variant or an IRI) from the data files, completely.

    Removes the person, every statement about them (roles, traits, background, service,
    qualifications) and every quotation of them, plus any triple elsewhere that points at
    these. Files left empty are deleted, other changed files are rewritten atomically. The
    data is then reloaded to prove nothing is left. Works on the bundled data unless --data
    is given. Regenerate any exports or pages made before.

    \b
    Examples:
      leadgraph forget "Garry Harris" --dry-run
      leadgraph --data my-data/ forget https://w3id.org/leadgraph/id/garry-harris
    """
    from leadgraph.privacy import forget_person

    report = forget_person(person, data_of(ctx), dry_run=dry_run)
    click.echo(report.text())
