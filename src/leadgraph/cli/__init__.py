"""The ``leadgraph`` command: a thin click layer over the library.

Each command lives in a module of this package and calls one library function with the
same arguments. Only click is imported at start-up: a command's module is imported when
that command runs (``leadgraph --help`` imports them all, which costs a few milliseconds:
they import only click), and commands import the library inside their function, so
start-up stays fast.
"""

from __future__ import annotations

import os
import re
import sys
from importlib import import_module
from typing import Any

import click

from leadgraph import __version__
from leadgraph.errors import LeadgraphError, shown_errors

# (module, command) pairs; each module defines a click command with that attribute name.
COMMANDS: list[tuple[str, str]] = [
    ("core", "validate"),
    ("core", "stats"),
    ("docs", "docs"),
    ("privacy", "forget"),
    ("merging", "duplicates"),
    ("merging", "merge"),
    ("export", "export"),
    ("viz", "viz"),
    ("query", "query"),
    ("query", "queries"),
    ("analyse", "analyse"),
    ("serve", "serve"),
    ("store", "store"),
    ("publish", "push"),
    ("reference", "reference"),
    ("records", "convert"),
    ("records", "new"),
    ("draft", "draft"),
]


class Context:
    """What the group passes to every command: where the graph comes from.

    ``data`` are the --data paths (``None``: the bundled data); ``store`` an on-disk store folder
    (--store); ``endpoint`` a SPARQL endpoint URL (--endpoint). At most one is given.
    """

    def __init__(self, data: tuple[str, ...], store: str | None = None, endpoint: str | None = None):
        self.data = list(data) or None
        self.store = store
        self.endpoint = endpoint
        self._graph: Any = None

    def graph(self) -> Any:
        """The opened store or endpoint as a LeadGraph (once), or ``None`` to load ``data``."""
        if self._graph is None and self.store is not None:
            from leadgraph.loading import open_store

            self._graph = open_store(self.store)
        elif self._graph is None and self.endpoint is not None:
            from leadgraph.loading import open_endpoint

            self._graph = open_endpoint(self.endpoint)
        return self._graph


def data_of(ctx: click.Context) -> list[str] | None:
    """The --data paths for a command: ``None`` (bundled data) when none were given, or when the
    command is invoked on its own without the group (as some tests do)."""
    return getattr(ctx.obj, "data", None)


def graph_of(ctx: click.Context) -> Any:
    """The graph a command works on when --store or --endpoint chose one, else ``None`` (the
    command then loads :func:`data_of`). Pass both on: library calls take ``graph=`` and ``data=``."""
    obj = ctx.obj
    return obj.graph() if isinstance(obj, Context) else None


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

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except LeadgraphError as exc:
            for line in shown_errors(exc):  # several problems in one file: one line each
                click.echo("error: " + one_line(line), err=True)
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
@click.option("--store", "store", type=click.Path(file_okay=False), metavar="DIR", envvar="LEADGRAPH_STORE",
              default=None, help="Read an on-disk store (built by 'leadgraph store build') instead of parsing "
              "files [env: LEADGRAPH_STORE].")
@click.option("--endpoint", "endpoint", metavar="URL", envvar="LEADGRAPH_ENDPOINT", default=None,
              help="Read a remote SPARQL 1.1 endpoint (its query URL) instead of parsing files "
              "[env: LEADGRAPH_ENDPOINT].")
@click.pass_context
def cli(ctx: click.Context, data: tuple[str, ...], store: str | None, endpoint: str | None) -> None:
    """leadgraph: a sourced knowledge graph of NHS technology leaders.

    \b
    Examples:
      leadgraph validate
      leadgraph stats --format json
      leadgraph --data my-data/ validate
      leadgraph store build graph.db && leadgraph --store graph.db query cio-roles

    Exit codes: 0 ok, 1 data or validation problem, 2 usage problem.
    """
    chosen = [name for name, value in (("--data", data), ("--store", store), ("--endpoint", endpoint)) if value]
    if len(chosen) > 1:
        raise click.UsageError(f"{' and '.join(chosen)} each choose where the graph comes from: give one")
    ctx.obj = Context(data, store, endpoint)


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
        for line in shown_errors(exc)[:-1]:
            click.echo("error: " + one_line(line), err=True)
        _fail(shown_errors(exc)[-1], exc.exit_code)
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
    click.echo("error: " + one_line(message), err=True)
    sys.exit(code)


_LONG_QUOTED = re.compile("'([^'\\n]{160,})'|\"([^\"\\n]{160,})\"")
_LONGEST_MESSAGE = 2000


def one_line(message: str) -> str:
    """An error message as one readable line: a value the user gave that is longer than a
    screen (a 100,000-character name) is shown by its start and its length, not echoed whole."""
    def cut(match: re.Match[str]) -> str:
        value = match.group(1) if match.group(1) is not None else match.group(2)
        quote = match.group(0)[0]
        return f"{quote}{value[:80]}…{quote} ({len(value):,} characters)"

    line = _LONG_QUOTED.sub(cut, " ".join(message.splitlines()))
    if len(line) > _LONGEST_MESSAGE:
        line = f"{line[:_LONGEST_MESSAGE]}… ({len(line):,} characters in all)"
    return line
