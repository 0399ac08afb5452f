"""``leadgraph query`` and ``leadgraph queries``: thin wrappers over :func:`leadgraph.sparql.run.query`
and :func:`leadgraph.sparql.named.named_queries`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from leadgraph.cli import data_of, graph_of
from leadgraph.cli._output import emit
from leadgraph.cli.options import as_of_option, output_option

if TYPE_CHECKING:
    import datetime

# Literals so start-up imports no library module; a test checks they match leadgraph.sparql.results.
TABLE_FORMATS = ("table", "csv", "tsv", "json", "jsonl", "sparql-json", "sparql-xml")
GRAPH_FORMATS = ("ttl", "nt", "jsonld")
DEFAULT_TIMEOUT = 30.0  # a test checks it matches leadgraph.sparql.run.DEFAULT_TIMEOUT


@click.command("query")
@click.argument("query_arg", metavar="[QUERY]", required=False)
@click.option("-e", "--expression", metavar="TEXT", default=None, help="The query text itself.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind ?NAME to VALUE (repeatable; a name given twice matches either value). VALUE is "
              "<iri>, a prefixed name (lgd:ayesha-rahim), a number, a date (2021-06-23) or else text; "
              "\"quoted\" is always text.")
@click.option("-f", "--format", "fmt", type=click.Choice(TABLE_FORMATS + GRAPH_FORMATS, case_sensitive=False),
              default=None, help="Output format. SELECT/ASK: table (default), csv, tsv, json, jsonl, "
              "sparql-json, sparql-xml. CONSTRUCT/DESCRIBE: ttl (default), nt, jsonld. With -o and no "
              "--format, the file's extension decides (.csv, .tsv, .json, .jsonl, .srj, .srx, .ttl, .nt, "
              ".jsonld, .txt).")
@output_option("Write the result to FILE (atomically) instead of stdout; its extension sets the "
               "format unless --format is given.")
@click.option("--labels", is_flag=True, help="Show labels (rdfs:label, foaf:name...) instead of IRIs.")
@click.option("--timeout", type=click.FloatRange(min=0), default=DEFAULT_TIMEOUT, show_default=True,
              metavar="SECONDS", help="Stop the query after this long (0: no limit).")
@click.option("--max-memory", metavar="SIZE", default="auto", show_default=True,
              help="Stop the query if it needs more memory than this: bytes, or a number with K, M or G "
              "(512M, 2G); auto is a quarter of the machine's memory, at most 2G; 0: no limit. Enforced in "
              "the forked query process, so not with --timeout 0 unless given explicitly.")
@click.option("--allow-network", is_flag=True,
              help="Permit SERVICE, LOAD, FROM / FROM NAMED and file: IRIs (refused by default).")
@click.option("--allow-update", is_flag=True,
              help="Permit a SPARQL Update; it runs on a copy and needs --update-output.")
@click.option("--update-output", type=click.Path(dir_okay=False), metavar="FILE", default=None,
              help="With --allow-update: write the updated data here (atomically; format from the "
              "extension). Loaded files are never changed.")
@as_of_option
@click.pass_context
def query(ctx: click.Context, query_arg: str | None, expression: str | None, params: tuple[str, ...],
          fmt: str | None, output: str | None, labels: bool, timeout: float, max_memory: str,
          allow_network: bool, allow_update: bool, update_output: str | None, as_of: datetime.date | None) -> None:
    """Ask the graph a SPARQL question.

    QUERY is a named query (see `leadgraph queries`), a .rq file, `-` for
    stdin, or the query text; or give the text with -e. Common prefixes (lg, lgd,
    org, schema, foaf, prov, skos, dcterms, time, rdf, rdfs, owl, xsd) need no
    PREFIX line; a PREFIX you declare wins.

    Queries are read-only and never reach the network or local files unless you
    opt in. An empty result is not an error (exit 0); refused, malformed,
    oversized, timed-out or out-of-memory queries exit 1, bad options or
    parameters exit 2.

    \b
    Examples:
      leadgraph query cio-roles
      leadgraph query leaders-with-trait --param trait=lgd:trait-resilience
      leadgraph query name-search --param name=gary --format json
      leadgraph query -e 'SELECT ?name WHERE { ?p a lg:Leader ; foaf:name ?name }'
      leadgraph query my-question.rq -o answers.csv
      echo 'ASK { lgd:ayesha-rahim a lg:Leader }' | leadgraph query -
      leadgraph query person-neighbourhood --param person=lgd:phill-james --format nt
      leadgraph --data my-data/ query organisations --labels
      leadgraph query cio-roles --as-of 2020-01-01
    """
    from leadgraph.errors import UsageError
    from leadgraph.sparql.params import parse_assignments
    from leadgraph.sparql.run import query as run_query

    if (query_arg is None) == (expression is None):
        raise UsageError("give a query: a name, a .rq file, '-' for stdin or the text, or -e TEXT (not both)")
    source = expression if expression is not None else query_arg
    if source == "-":
        try:
            source = sys.stdin.buffer.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            from leadgraph.errors import QueryError

            raise QueryError("the query on standard input is not UTF-8 text") from None
    elif expression is not None and not expression.strip():
        raise UsageError("the query is empty")
    result = run_query(
        source, parse_assignments(params), timeout=timeout or None, data=data_of(ctx), graph=graph_of(ctx),
        allow_network=allow_network, allow_update=allow_update, update_output=update_output,
        max_memory=max_memory, as_of=as_of,
    )
    if fmt is None and output is not None:
        from leadgraph.sparql.results import format_for_path

        fmt = format_for_path(output)
    emit(result.serialize(fmt, labels=labels), output)


@click.command("queries")
@click.argument("name", required=False)
@click.option("-f", "--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True,
              help="Output format.")
def queries(name: str | None, fmt: str) -> None:
    """List the named queries with their parameters, or show one in full.

    Named queries are the .rq files in the bundled library (and in folders listed
    in $LEADGRAPH_QUERIES); each describes itself in a comment header, so a new
    one is a file away.

    \b
    Examples:
      leadgraph queries
      leadgraph queries leaders-with-trait
      leadgraph queries --format json
    """
    import json

    from leadgraph.sparql.named import get, named_queries

    chosen = [get(name)] if name else list(named_queries().values())
    if fmt == "json":
        listing = [
            {
                "name": q.name, "title": q.title, "description": q.description, "path": str(q.path),
                "params": [{"name": p.name, "type": p.type, "description": p.description, "default": p.default,
                            "required": p.required} for p in q.params],
                "examples": q.examples,
            }
            for q in chosen
        ]
        click.echo(json.dumps(listing[0] if name else listing, indent=2, ensure_ascii=False))
        return
    blocks = [_describe(q) for q in chosen]
    if name:
        blocks.append("\n" + chosen[0].text.rstrip())
    click.echo("\n\n".join(blocks))


def _describe(named) -> str:
    import textwrap

    lines = [f"{named.name} — {named.title}"]
    if named.description:
        lines += textwrap.wrap(named.description, width=88, initial_indent="    ", subsequent_indent="    ",
                               break_on_hyphens=False)
    for param in named.params:
        extra = f", default {param.default}" if param.default is not None else ("" if param.required else ", optional")
        lines += textwrap.wrap(f"--param {param.name}=… ({param.type}{extra}) {param.description}", width=88,
                               initial_indent="    ", subsequent_indent="        ", break_on_hyphens=False)
    lines += [f"    e.g. {example}" for example in named.examples]
    return "\n".join(lines)
