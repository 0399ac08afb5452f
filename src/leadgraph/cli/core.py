"""``leadgraph validate`` and ``leadgraph stats``: thin wrappers over the library."""

from __future__ import annotations

import json

import click

from leadgraph.cli import data_of, graph_of


def _format_option(*choices: str):
    """``--format`` with the first choice as the default."""
    return click.option(
        "--format", "fmt", type=click.Choice(choices), default=choices[0], show_default=True, help="Output format."
    )


@click.command("validate")
@_format_option("text", "json")
@click.option(
    "--shapes",
    type=click.Path(),
    metavar="FILE",
    default=None,
    help="SHACL shapes to check against instead of the bundled ontology/shapes.ttl.",
)
@click.option(
    "--engine",
    type=click.Choice(["sparql", "pyshacl"]),
    default="sparql",
    show_default=True,
    help="sparql: each constraint compiled to a query the store runs (fast; on a --store, only what "
    "changed since the last validation is checked again); pyshacl: the reference SHACL engine on an "
    "rdflib copy (slow: about 1 ms per triple).",
)
@click.option("--strict", is_flag=True, help="Warnings (likely mistakes) fail too: exit 1 on any warning or error.")
@click.option("--today", metavar="YYYY-MM-DD", default=None,
              help="Judge dates in the future against this day instead of the clock's (dates later than today, "
              "or than their source, are warnings).")
@click.pass_context
def validate(ctx: click.Context, fmt: str, shapes: str | None, engine: str, strict: bool, today: str | None) -> None:
    """Check the data against the SHACL shapes and the integrity checks.

    Integrity checks: classes and properties the ontology does not declare, references to
    nodes nothing describes, concepts in no scheme, ODS codes unknown or claimed twice,
    the same person recorded twice, dates later than today or than their source (warnings) and
    roles that end before they start. Each problem is an error (broken data) or a warning
    (a likely mistake) and names the file and line it comes from, the node, the message
    and the fix.

    Exits 0 and prints one line when the data conforms; exits 1 on any error, or on any
    warning with --strict; warnings alone are printed and exit 0.

    \b
    Examples:
      leadgraph validate
      leadgraph validate --strict
      leadgraph --data my-data/ validate
      leadgraph --data people.ttl --data orgs.ttl validate --format json
      leadgraph --store store/ validate
      leadgraph validate --engine pyshacl
      leadgraph validate --today 2024-01-01
    """
    from leadgraph.errors import DataError
    from leadgraph.validation import validate as run_validation

    if today is not None:
        import datetime as dt

        try:
            dt.date.fromisoformat(today)
        except ValueError:
            raise click.BadParameter(f"{today!r} is not a date (YYYY-MM-DD)", param_hint="--today") from None
    graph = graph_of(ctx)
    try:
        report = run_validation(graph, data=data_of(ctx), shapes=shapes, engine=engine, strict=strict, today=today,
                                progress=True)
    except DataError as exc:
        # Several broken files: each one's line, not only the first (each bad row, within a file).
        errors = [exc] if graph is not None else _reading_errors(ctx, exc)
        if fmt == "json":  # still JSON: one error finding per problem, with its file and line
            from leadgraph.validation import ValidationReport

            report = ValidationReport.unreadable(errors, strict=strict)
            click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
            ctx.exit(1)
        if len(errors) > 1:
            from leadgraph.cli import one_line
            from leadgraph.errors import shown_errors

            for error in errors:
                for line in shown_errors(error):
                    click.echo("error: " + one_line(line), err=True)
            click.echo(f"{len(errors)} files could not be read; fix them and validate again", err=True)
            ctx.exit(1)
        raise
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(report.text())
    if not report.conforms:
        ctx.exit(1)


def _reading_errors(ctx: click.Context, first: Exception) -> list:
    """Every data file's reading error (:func:`leadgraph.loading.load_errors`), or just ``first``."""
    from leadgraph.errors import DataError
    from leadgraph.loading import load_errors

    try:
        errors = load_errors(data_of(ctx))
    except DataError as exc:  # a missing path: load_errors stops as load does
        return [exc]
    return errors or [first]


@click.command("stats")
@_format_option("table", "json")
@click.pass_context
def stats(ctx: click.Context, fmt: str) -> None:
    """Count triples, instances per class and triples per property.

    Counts cover the whole graph: the ontology plus the data.

    \b
    Examples:
      leadgraph stats
      leadgraph stats --format json
      leadgraph --data my-data/ stats
    """
    from leadgraph.statistics import stats as run_stats

    result = run_stats(graph_of(ctx), data=data_of(ctx))
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(result.table())
