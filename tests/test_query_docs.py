"""The README's Querying section shows real output: each ``$ leadgraph ...`` block is run and
compared, and its Python examples run as doctests."""

from __future__ import annotations

import doctest
import re
import shlex
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def _shell_blocks() -> list[tuple[str, str]]:
    found = []
    for block in re.findall(r"```\n(\$ leadgraph [^\n]*\n.*?)```", README.read_text(encoding="utf-8"), re.S):
        command, _, output = block.partition("\n")
        found.append((command[2:], output))
    return found


BLOCKS = _shell_blocks()


def test_docs_have_shell_examples():
    assert len(BLOCKS) >= 5


@pytest.mark.parametrize("command, output", BLOCKS, ids=[b[0][:60] for b in BLOCKS])
def test_shell_example_output_is_real(command, output, cli):
    result = cli(*shlex.split(command)[1:])
    shown = result.stdout + result.stderr
    assert shown == output, f"README: `{command}` now prints:\n{shown}"


def test_python_examples_run(readme_section):
    test = doctest.DocTestParser().get_doctest(readme_section("Querying"), {}, "README: Querying", str(README), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.tries >= 5 and runner.failures == 0


def test_named_query_table_lists_every_query(readme_section):
    from leadgraph.sparql.named import named_queries

    listed = set(re.findall(r"^\| `([a-z-]+)` \|", readme_section("Querying"), re.M))
    assert listed == set(named_queries())
