"""``leadgraph duplicates`` and ``leadgraph merge``: people (and organisations) recorded twice."""

from __future__ import annotations

import click

from leadgraph.cli import data_of, graph_of
from leadgraph.cli._output import emit
from leadgraph.cli.options import output_option, rows_format_option

# Literals so start-up imports no library module; tests check they match leadgraph.merging.
FORMATS = ("table", "csv", "tsv", "json", "jsonl")
KINDS = ("person", "organisation")


@click.command("duplicates")
@click.option("--kinds", default="person,organisation", metavar="KIND,...", show_default=True,
              help="What to look at: person, organisation or both.")
@click.option("--min-score", type=click.IntRange(0, 100), default=80, show_default=True, metavar="N",
              help="List only pairs scoring at least N (0-100).")
@rows_format_option(FORMATS, "Output format: table (default), csv, tsv, json or jsonl. With -o and no --format, "
                    "the file's extension decides.")
@output_option()
@click.pass_context
def duplicates(ctx: click.Context, kinds: str, min_score: int, fmt: str | None, output: str | None) -> None:
    """List people and organisations that may be recorded twice, with a score and the reasons.

    People: the same full name, a name that is the other's variant, the same name without
    titles ("Dr", "Prof"), initials that fit ("P. James" and "Phill James"), or similar names
    (rapidfuzz) with the same family name; a role at the same organisation is noted.
    Organisations: the same ODS code, or the same name. Each pair is a question for a
    person, answered with `leadgraph merge` or by leaving them apart.

    \b
    Examples:
      leadgraph duplicates
      leadgraph --data my-data/ duplicates --kinds person --format csv -o maybe-twins.csv
      leadgraph duplicates --min-score 90 --format json
    """
    from leadgraph.merging import duplicates as find, format_duplicates

    wanted = [k.strip() for k in kinds.split(",") if k.strip()]
    unknown = [k for k in wanted if k not in KINDS]
    if unknown or not wanted:
        raise click.BadParameter(f"expected person, organisation or both, got {kinds!r}", param_hint="--kinds")
    if fmt is None and output is not None:
        from leadgraph.sparql.results import format_for_path

        by_extension = format_for_path(output)
        fmt = by_extension if by_extension in FORMATS else None
    found = find(graph_of(ctx), data=data_of(ctx), kinds=wanted, min_score=min_score)
    emit(format_duplicates(found, fmt or "table"), output)


@click.command("merge")
@click.argument("keep")
@click.argument("other")
@click.option("--dry-run", is_flag=True,
              help="Only report what would change; change nothing (beyond completing an interrupted earlier write).")
@click.pass_context
def merge(ctx: click.Context, keep: str, other: str, dry_run: bool) -> None:
    """Merge person OTHER into person KEEP, in the data files.

    KEEP and OTHER are found as forget and --focus find people: a full name, a name
    variant, a given name, a unique surname, an IRI or a prefixed name; an ambiguous one
    is an error listing the candidates. KEEP keeps its IRI and full name; OTHER's names
    become KEEP's name variants and every statement about OTHER is about KEEP, each still
    citing its own source. The merge is recorded on KEEP (owl:sameAs OTHER's old IRI and a
    dated skos:historyNote). Changed files (Turtle, YAML, CSV...) are rewritten in their
    own formats all together or not at all, under the data folder's write lock; if one
    cannot be written back, nothing changes. With --store, the files the store was built
    from are changed and the store is updated.

    \b
    Examples:
      leadgraph duplicates
      leadgraph --data my-data/ merge "Garry Harris" lgd:g-harris --dry-run
      leadgraph --data my-data/ merge lgd:garry-harris "Dr G. Harris"
    """
    from leadgraph.merging import merge_people

    obj = ctx.obj
    if getattr(obj, "endpoint", None):
        raise click.UsageError("merge edits data files: merge locally (--data or --store), "
                               "then publish again with leadgraph push")
    report = merge_people(keep, other, data_of(ctx), dry_run=dry_run, store=getattr(obj, "store", None))
    click.echo(report.text())
