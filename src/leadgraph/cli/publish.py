"""``leadgraph push``: a thin wrapper over :func:`leadgraph.publishing.push`."""

from __future__ import annotations

import click

from leadgraph.cli import data_of, graph_of


@click.command("push")
@click.option("--endpoint", required=True, metavar="URL",
              help="The server's Graph Store Protocol URL (Oxigraph: http://HOST:PORT/store; "
              "Fuseki: http://HOST:PORT/DATASET/data).")
@click.option("--graph", "target_graph", metavar="IRI", default=None,
              help="Replace this named graph (default: the default graph).")
@click.option("--timeout", type=float, default=120.0, show_default=True, metavar="SECONDS",
              help="Time limit for the upload.")
@click.pass_context
def push(ctx: click.Context, endpoint: str, target_graph: str | None, timeout: float) -> None:
    """Publish the graph to a shared SPARQL server, replacing what the target graph held.

    Sends the ontology, the reference layer and the data (or the --store), so the same
    queries work there: afterwards `leadgraph --endpoint QUERY-URL query cio-roles`.
    Credentials come from the environment, never the command line:
    LEADGRAPH_ENDPOINT_TOKEN (bearer), or LEADGRAPH_ENDPOINT_USER and
    LEADGRAPH_ENDPOINT_PASSWORD (basic). Failed connections are retried with pauses.

    \b
    Examples:
      leadgraph push --endpoint http://localhost:7878/store
      leadgraph --data my-data/ push --endpoint https://graph.example.nhs.uk/store --graph urn:leadgraph:2026
    """
    from leadgraph.publishing import push as run_push

    report = run_push(endpoint, graph_of(ctx), data=data_of(ctx), target_graph=target_graph, timeout=timeout)
    click.echo(report.text())
