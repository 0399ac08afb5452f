"""The Querying docs show real output: each ``$ leadgraph ...`` block is run and compared, and the
Python examples run as doctests. Looks in docs/readme/querying.md and, once merged, the README."""

from __future__ import annotations

import doctest
import re
import shlex
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SECTION = REPO / "docs" / "readme" / "querying.md"
README = REPO / "README.md"


def _shell_blocks() -> list[tuple[str, str, str]]:
    found = []
    for path in (SECTION, README):
        if not path.exists():
            continue
        for block in re.findall(r"```\n(\$ leadgraph [^\n]*\n.*?)```", path.read_text(encoding="utf-8"), re.S):
            command, _, output = block.partition("\n")
            found.append((path.name, command[2:], output))
    return found


BLOCKS = _shell_blocks()


def test_docs_have_shell_examples():
    assert len([b for b in BLOCKS if b[0] == SECTION.name or not SECTION.exists()]) >= 5


@pytest.mark.parametrize("source, command, output", BLOCKS, ids=[f"{b[0]}: {b[1][:60]}" for b in BLOCKS])
def test_shell_example_output_is_real(source, command, output, cli):
    result = cli(*shlex.split(command)[1:])
    shown = result.stdout + result.stderr
    assert shown == output, f"{source}: `{command}` now prints:\n{shown}"


def test_python_examples_run():
    path = SECTION if SECTION.exists() else README
    failures, tried = doctest.testfile(str(path), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert tried >= 5 and failures == 0


def test_named_query_table_lists_every_query():
    from leadgraph.named_queries import named_queries

    if not SECTION.exists():
        pytest.skip("the section has been merged into the README")
    text = SECTION.read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([a-z-]+)` \|", text, re.M))
    assert listed == set(named_queries())
