"""The ``leadgraph`` command: a thin click layer over the library.

Each command lives in a module of this package and calls one library function with the
same arguments. Only click is imported at start-up: a command's module is imported when
that command runs (``leadgraph --help`` lists commands from :data:`SHORT_HELP`), and
commands import the library lazily, so start-up stays fast.
"""

from __future__ import annotations

import os
import sys
from importlib import import_module

import click

from leadgraph import __version__
from leadgraph.errors import LeadgraphError

# (module, command) pairs; each module defines a click command with that attribute name.
COMMANDS: list[tuple[str, str]] = [
    ("core", "validate"),
    ("core", "stats"),
    ("docs", "docs"),
    ("privacy", "forget"),
    ("export", "export"),
    ("viz", "viz"),
    ("query", "query"),
    ("query", "queries"),
    ("analyse", "analyse"),
    ("serve", "serve"),
    ("reference", "reference"),
]

# What `leadgraph --help` shows for each command, so listing them imports none of their
# modules (measured: import plus --help 39.9 -> 36.2 ms, median of 50 runs each). Each entry
# is the first paragraph of the command's docstring; tests/test_cli_core.py checks the listing
# matches an eager import. A command missing here still works: its module is imported for it.
SHORT_HELP: dict[str, str] = {
    "validate": "Check the data against the SHACL shapes.",
    "stats": "Count triples, instances per class and triples per property.",
    "docs": "Print or write a generated reference: the ontology (with a diagram) or the CLI.",
    "forget": "Remove PERSON (a name, a name variant or an IRI) from the data files, completely.",
    "export": "Export the graph, or part of it, for other tools.",
    "viz": "Write the graph as one interactive HTML page that works offline.",
    "query": "Ask the graph a SPARQL question.",
    "queries": "List the named queries with their parameters, or show one in full.",
    "analyse": "Describe the network: shared traits, centrality, a summary.",
    "serve": "Serve the graph as a read-only SPARQL endpoint over HTTP.",
    "reference": "Rebuild the bundled reference data: every NHS trust, ICB and region from NHS England's ODS.",
}


class Context:
    """What the group passes to every command: the data paths chosen with --data."""

    def __init__(self, data: tuple[str, ...]):
        self.data = list(data) or None


def data_of(ctx: click.Context) -> list[str] | None:
    """The --data paths for a command: ``None`` (bundled data) when none were given, or when the
    command is invoked on its own without the group (as some tests do)."""
    return getattr(ctx.obj, "data", None)


class _Group(click.Group):
    """Loads each command's module on first use, and maps library errors to their exit codes
    inside click, so CliRunner sees what a shell sees."""

    _modules = {name: module for module, name in COMMANDS}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(self._modules))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in self._modules:
            self.add_command(getattr(import_module(f"leadgraph.cli.{self._modules[name]}"), name))
        return self.commands.get(name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            if name in SHORT_HELP and name not in self.commands:
                # A bare Command shortens the text exactly as the real command would.
                rows.append((name, click.Command(name, help=SHORT_HELP[name]).get_short_help_str(limit)))
            else:
                command = self.get_command(ctx, name)
                if command is not None and not command.hidden:
                    rows.append((name, command.get_short_help_str(limit)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except LeadgraphError as exc:
            click.echo("error: " + " ".join(str(exc).splitlines()), err=True)
            ctx.exit(exc.exit_code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
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


def main(argv: list[str] | None = None) -> None:
    """Run the CLI: errors become one line on stderr and their exit code, never a traceback.

    Set LEADGRAPH_DEBUG=1 to see the traceback of an unexpected error.
    """
    try:
        # Without standalone mode click returns ctx.exit()'s code instead of exiting.
        code = cli.main(args=argv, prog_name="leadgraph", standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except LeadgraphError as exc:
        _fail(str(exc), exc.exit_code)
    except click.exceptions.Abort:
        _fail("aborted", 1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, and keep Python from
        # complaining again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        _fail(f"{where}{exc.strerror or exc}", 1)
    except Exception as exc:
        if os.environ.get("LEADGRAPH_DEBUG"):
            raise
        _fail(f"unexpected {type(exc).__name__}: {exc} (set LEADGRAPH_DEBUG=1 for details)", 1)
    sys.exit(0)


def _fail(message: str, code: int) -> None:
    # One line, whatever the message holds, so scripts can grep it.
    click.echo("error: " + " ".join(message.splitlines()), err=True)
    sys.exit(code)
