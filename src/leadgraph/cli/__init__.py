"""The ``leadgraph`` command: a thin click layer over the library.

Each command lives in a module of this package and calls one library function with the
same arguments. Only click is imported at start-up; commands import the library lazily
so ``leadgraph --help`` stays fast.
"""

from __future__ import annotations

import sys
from importlib import import_module

import click

from leadgraph import __version__
from leadgraph.errors import LeadgraphError

# (module, command) pairs; each module defines a click command with that attribute name.
COMMANDS: list[tuple[str, str]] = [
]


class Context:
    """What the group passes to every command: the data paths chosen with --data."""

    def __init__(self, data: tuple[str, ...]):
        self.data = list(data) or None


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="leadgraph")
@click.option(
    "--data",
    "data",
    multiple=True,
    type=click.Path(),
    metavar="PATH",
    help="Data file or folder to use instead of the bundled data (repeatable). "
    "The ontology always loads.",
)
@click.pass_context
def cli(ctx: click.Context, data: tuple[str, ...]) -> None:
    """leadgraph: a sourced knowledge graph of NHS technology leaders.

    \b
    Examples:
      leadgraph validate
      leadgraph stats --format json
      leadgraph --data my-data/ validate

    Exit codes: 0 ok, 1 data or validation problem, 2 usage problem.
    """
    ctx.obj = Context(data)


for _module, _name in COMMANDS:
    cli.add_command(getattr(import_module(f"leadgraph.cli.{_module}"), _name))


def main(argv: list[str] | None = None) -> None:
    """Run the CLI: library errors become one line on stderr and their exit code."""
    try:
        cli.main(args=argv, prog_name="leadgraph", standalone_mode=False)
    except LeadgraphError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.exit(0)
    sys.exit(0)
