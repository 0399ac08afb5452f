"""``leadgraph reference``: the bundled reference layer of NHS organisations (NHS England's ODS)."""

from __future__ import annotations

import json

import click

from leadgraph.cli.options import output_option


@click.group("reference")
def reference() -> None:
    """Rebuild the bundled reference data: every NHS trust, ICB and region from NHS England's ODS.

    The layer (ontology/ods.ttl) loads with the ontology whatever data you choose. Download a
    newer ODS extract yourself (nothing is fetched) and rebuild it with `reference update`.
    Contains public sector information licensed under the Open Government Licence v3.0.

    \b
    Examples:
      leadgraph reference update ~/Downloads/etr.csv
      leadgraph reference update etr.csv --extracted 2026-11-30 --dry-run
      leadgraph reference update etr.csv --icbs icbs.csv --regions regions.csv -o ods.ttl
    """


@reference.command("update")
@click.argument("csv_file", metavar="FILE.csv", type=click.Path(dir_okay=False))
@click.option("--icbs", type=click.Path(dir_okay=False), metavar="FILE", default=None,
              help="ICB list (ods_code,ons_code,name). Default: icbs.csv beside FILE.csv, else the "
              "names in the layer being replaced.")
@click.option("--regions", type=click.Path(dir_okay=False), metavar="FILE", default=None,
              help="NHS England region list (ods_code,ons_code,name). Default: regions.csv beside "
              "FILE.csv, else the names in the layer being replaced.")
@click.option("--extracted", metavar="DATE", default=None,
              help="Date of the extract: YYYY-MM-DD, YYYY-MM or YYYY. Default: FILE.csv's modification date.")
@output_option("Write the layer here instead of the bundled ontology/ods.ttl (atomically).")
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True,
              help="Report format.")
def update(csv_file: str, icbs: str | None, regions: str | None, extracted: str | None, output: str | None,
           dry_run: bool, fmt: str) -> None:
    """Rebuild the reference layer from an ODS etr.csv extract and report what changed.

    Reports each trust that opened (new in the extract), closed (a close date it did not
    have), was renamed, moved to another ICB or is no longer listed, compared with the
    layer it replaces. The layer is replaced atomically, and only if it changed. A bad
    row stops the update with one line naming the file, row and column (exit 1).

    \b
    Examples:
      leadgraph reference update ~/Downloads/etr.csv
      leadgraph reference update etr.csv --extracted 2026-11-30 --dry-run
      leadgraph reference update etr.csv -o /tmp/ods.ttl --format json
    """
    from leadgraph.reference import update_reference

    report = update_reference(csv_file, output=output, icbs=icbs, regions=regions, extracted=extracted,
                              dry_run=dry_run)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(report.text())
