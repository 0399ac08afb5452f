"""``leadgraph analyse``: a thin wrapper over :func:`leadgraph.network.analytics.analyse`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from leadgraph.cli import data_of, graph_of
from leadgraph.cli._output import emit_chunks
from leadgraph.cli.options import as_of_option, output_option, rows_format_option, selection_options

if TYPE_CHECKING:
    import datetime

    from leadgraph.network.criteria import Criteria

# Literals so start-up imports no library module; tests check they match leadgraph.network.analytics.
ANALYSES = ("similarity", "centrality", "summary", "coverage", "path", "communities", "mentors")
FORMATS = ("table", "csv", "tsv", "json", "jsonl")


@click.command("analyse")
@click.argument("analysis", type=click.Choice(ANALYSES))
@click.argument("people", nargs=-1, metavar="[A [B]]")
@click.option("--min-shared", type=int, default=None, metavar="N",
              help="similarity: only pairs sharing at least N traits (default 1).")
@click.option("--all", "all_pairs", is_flag=True, default=None,
              help="similarity: every pair sharing at least --min-shared traits, not just each person's --top; "
              "written as it is computed, person by person (use csv, tsv or jsonl for large graphs).")
@click.option("--level", type=click.Choice(("trait", "group")), default=None,
              help="similarity: compare traits (default) or trait groups (skos:broader).")
@click.option("--measure", default=None, metavar="NAME",
              help="similarity: jaccard (default) or count: who is most alike, and the order of the rows. "
              "centrality: degree (default), betweenness or eigenvector.")
@click.option("--rank", default=None, metavar="KIND,...",
              help="centrality: node kinds to rank (default person), e.g. person,organisation.")
@click.option("--top", type=int, default=None, metavar="N",
              help="similarity: the N people most alike per person (default 10; 0 = every pair, as --all). "
              "summary: how many organisations and traits to list (default 5). path: how many shortest paths "
              "(default 10). mentors: how many people (default 5; 0 = everyone with a reason).")
@click.option("--by", type=click.Choice(("region", "icb", "trust")), default=None,
              help="coverage: one row per NHS England region (default), ICB or trust.")
@click.option("--role-group", default=None, metavar="GROUP",
              help="coverage: only leaders of this role group (cio, director, head, chief-officer, programme; "
              "a label or IRI works too). Default: any role group.")
@click.option("--max", "max_steps", type=int, default=None, metavar="N",
              help="path: the longest path to look for, in steps (default 6).")
@click.option("--via", default=None, metavar="KIND,...",
              help="path: what a path may pass through: organisation, programme, region, qualification, "
              "trait (default all).")
@click.option("--seed", type=int, default=None, metavar="N",
              help="communities: the seed of the Louvain method (default 1): the same seed, the same groups.")
@rows_format_option(FORMATS, "Output format: table (default, at most 10,000 rows), csv, tsv (every column, IRIs "
                    "too), json or jsonl (one row a line). With -o and no --format, the file's extension decides.")
@output_option()
@selection_options
@as_of_option
@click.pass_context
def analyse(ctx: click.Context, analysis: str, people: tuple[str, ...], min_shared: int | None,
            all_pairs: bool | None, level: str | None, measure: str | None, rank: str | None, top: int | None,
            by: str | None, role_group: str | None, max_steps: int | None, via: str | None, seed: int | None,
            fmt: str | None, output: str | None, criteria: Criteria,
            as_of: datetime.date | None) -> None:
    """Describe the network: shared traits, centrality, a summary, coverage,
    paths, communities, mentoring matches.

    similarity lists, for each person, the people who share the most traits
    with them as the source attributes them (--top, default 10; --all for every
    pair), with what they share; centrality scores nodes of the people-centred graph (sources
    left out); summary counts nodes, components and the organisations and traits
    linked to most people. The selection options (--focus, --organisation...)
    narrow these three to part of the graph, as they do for export and viz.

    coverage says, for each NHS England region, ICB or trust (--by), whether a
    leader of a role group (--role-group) is known, who, since when and from
    which source, and the share of trusts covered. path A B gives the shortest
    paths between two people through organisations, programmes, regions,
    qualifications and traits, every step a sourced fact (no path is a normal
    answer). communities groups people tied by organisations, programmes and
    regions (Louvain, seeded) and says what each group shares. mentors PERSON
    lists people who could mentor PERSON, each reason with its source.

    Rows say what they were computed from; they describe the network and judge nobody.

    \b
    Examples:
      leadgraph analyse similarity --min-shared 2
      leadgraph analyse similarity --top 3 -o similar.csv
      leadgraph analyse similarity --all --min-shared 3 -o pairs.csv
      leadgraph analyse similarity --level group --measure count --format csv
      leadgraph analyse centrality --measure betweenness
      leadgraph analyse centrality --rank organisation,trait -o central.csv
      leadgraph analyse summary --organisation RW5 --hops 2
      leadgraph analyse summary --format json
      leadgraph --data my-data/ analyse summary
      leadgraph analyse coverage --by icb --role-group cio
      leadgraph analyse coverage --by trust -o coverage.csv
      leadgraph analyse path "Garry Harris" "Phil" --via trait,organisation
      leadgraph analyse communities --format json
      leadgraph analyse mentors "Charlee Martin" --top 3
      leadgraph analyse centrality --as-of 2022-01-01
    """
    from leadgraph.network.analytics import analyse as run_analysis

    result = run_analysis(analysis, graph_of(ctx), data=data_of(ctx), min_shared=min_shared, level=level,
                          measure=measure, rank=rank, top=top, all_pairs=all_pairs, criteria=criteria,
                          people=people, by=by, role_group=role_group, max_steps=max_steps, via=via, seed=seed,
                          as_of=as_of)
    if fmt is None and output is not None:
        from leadgraph.sparql.results import format_for_path

        by_extension = format_for_path(output)
        fmt = by_extension if by_extension in FORMATS else None
    emit_chunks(result.iter_bytes(fmt), output)
