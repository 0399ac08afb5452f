"""``leadgraph serve``: a thin wrapper over :func:`leadgraph.sparql.endpoint.serve`."""

from __future__ import annotations

import click

from leadgraph.cli import data_of, graph_of

DEFAULT_TIMEOUT = 30.0  # a test checks it matches leadgraph.sparql.run.DEFAULT_TIMEOUT


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but a loopback address lets other machines query the "
              "graph (a warning is printed).")
@click.option("--port", type=click.IntRange(0, 65535), default=7878, show_default=True,
              help="TCP port (0: any free port; the URL printed says which).")
@click.option("--timeout", type=click.FloatRange(min=0), default=DEFAULT_TIMEOUT, show_default=True,
              metavar="SECONDS", help="Stop each query after this long and answer 503 (0: no limit).")
@click.option("--allow-network", is_flag=True,
              help="Permit SERVICE, LOAD, FROM / FROM NAMED and file: IRIs in queries (refused by default): "
              "clients could then make the server fetch any URL.")
@click.option("--no-cors", "no_cors", is_flag=True,
              help="Leave out Access-Control-Allow-Origin: * (use it when serving private --data, so web "
              "pages in your browser cannot read the endpoint).")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, timeout: float, allow_network: bool, no_cors: bool) -> None:
    """Serve the graph as a read-only SPARQL endpoint over HTTP.

    A SPARQL 1.1 Protocol endpoint at http://HOST:PORT/sparql for YASGUI,
    SPARQLWrapper, rdflib's SPARQLStore, curl and the like, with the same
    safety checks and time limit as `leadgraph query`. Updates are never
    accepted. Named queries run at /queries/NAME?param=value. Prints the URL,
    then logs one line per request on stderr; Ctrl-C stops it.

    \b
    Examples:
      leadgraph serve
      leadgraph serve --port 8000 --timeout 10
      curl http://127.0.0.1:7878/sparql --data-urlencode 'query=ASK { ?p a lg:Leader }'
      curl 'http://127.0.0.1:7878/queries/leaders-with-trait?trait=lgd:trait-resilience'
      leadgraph --data my-data/ serve --no-cors
    """
    from leadgraph.sparql.endpoint import serve as run_server

    run_server(graph_of(ctx), data=data_of(ctx), host=host, port=port, timeout=timeout or None,
               allow_network=allow_network, cors=not no_cors)
