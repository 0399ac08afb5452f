"""Option decorators shared by several commands, so each option is written once."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

def output_option(help: str = "Write to FILE (atomically) instead of stdout.") -> Callable[..., Any]:  # noqa: A002
    """``-o/--output FILE``: where a command writes instead of stdout."""
    return click.option("-o", "--output", type=click.Path(dir_okay=False), metavar="FILE", default=None, help=help)


def rows_format_option(formats: tuple[str, ...], help: str) -> Callable[..., Any]:  # noqa: A002
    """``-f/--format`` for commands that write rows; ``None`` when not given, so that with ``-o``
    the file's extension decides (see ``leadgraph.cli._output.emit``)."""
    return click.option("-f", "--format", "fmt", type=click.Choice(formats), default=None, help=help)


_SELECTION_OPTIONS = (
    click.option("--focus", metavar="NAME|IRI", default=None,
                 help="Centre on one node: a name (any variant, any case), IRI or prefixed name."),
    click.option("--hops", type=int, default=None, metavar="N",
                 help="With --focus/--trait/--organisation: keep nodes within N edges (default 1)."),
    click.option("--kinds", metavar="KIND,...", default=None,
                 help="Keep only these kinds: person, organisation, programme, role, group, trait, "
                 "region, qualification, source."),
    click.option("--trait", metavar="NAME", default=None, help="A trait and the people it is attributed to."),
    click.option("--organisation", metavar="NAME", default=None,
                 help="An organisation (name or ODS code) and the people who hold or held roles there."),
    click.option("--query", "selection_query", type=click.Path(dir_okay=False), metavar="FILE.rq", default=None,
                 help="Keep what a CONSTRUCT (or a SELECT of ?s ?p ?o) returns: a file, or a named query."),
)
_NAMES = {"focus": "focus", "hops": "hops", "kinds": "kinds", "trait": "trait", "organisation": "organisation",
          "selection_query": "query"}


def _check_day(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    if value is None:
        return None
    from leadgraph.history import parse_day  # a bad date is a usage error (exit code 2), before any loading

    return parse_day(value)


def as_of_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--as-of DATE`` and hand the command ``as_of`` (a ``datetime.date`` or ``None``)."""
    return click.option(
        "--as-of", "as_of", metavar="DATE", default=None, callback=_check_day, expose_value=True,
        help="The graph as it stood on DATE (YYYY-MM-DD): statements not in force that day (not yet made, "
        "ended, superseded or corrected by then) are left out; see Corrections and history in the README.",
    )(command)


def selection_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the selection options to a command and hand it one ``criteria`` argument
    (a :class:`leadgraph.network.criteria.Criteria`) instead of six."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from leadgraph.network.criteria import Criteria

        kwargs["criteria"] = Criteria(**{name: kwargs.pop(key) for key, name in _NAMES.items()})
        return command(*args, **kwargs)

    for option in reversed(_SELECTION_OPTIONS):
        wrapper = option(wrapper)
    return wrapper
