"""``leadgraph forget``: remove a person and everything said about them from the data files."""

from __future__ import annotations

import click

from leadgraph.cli import data_of


@click.command("forget")
@click.argument("person")
@click.option("--dry-run", is_flag=True, help="Only report what would be removed; change nothing (beyond completing an interrupted earlier write).")
@click.pass_context
def forget(ctx: click.Context, person: str, dry_run: bool) -> None:
    """Remove PERSON (a name, a name variant or an IRI) from the data files, completely.

    Removes the person, every statement about them (roles, traits, background, service,
    qualifications) and every quotation of them, any triple elsewhere that points at these,
    and what only they reach (a role's dates); shared organisations, traits and sources stay.
    Files left empty are deleted, other changed files are rewritten, all together or not at
    all; the files are then read back to prove nothing is left. Works on the bundled data
    unless --data is given. With --store, the files the store was built from are edited
    and the store is updated, so it keeps no copy either.

    Leftovers of someone partly removed are found by their IRI (or a name matching its last
    part). Concurrent writes to one data folder take turns on its lock (.leadgraph.lock), and
    a write cut short by a crash is completed by the next one. Pages and exports under the
    current folder (a few levels deep, out/ included) that still name the person are listed,
    not changed: delete or regenerate them.

    \b
    Examples:
      leadgraph forget "Garry Harris" --dry-run
      leadgraph --data my-data/ forget https://w3id.org/leadgraph/id/garry-harris
      leadgraph --store graph.db forget "Garry Harris"
    """
    from leadgraph.privacy import forget_person

    obj = ctx.obj
    if getattr(obj, "endpoint", None):
        raise click.UsageError("forget edits data files: remove the person locally (--data or --store), "
                               "then publish again with leadgraph push")
    report = forget_person(person, data_of(ctx), dry_run=dry_run, store=getattr(obj, "store", None))
    click.echo(report.text())
