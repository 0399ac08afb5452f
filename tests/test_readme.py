"""The README's Python examples run, and its Quick start is exactly the two documented commands."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_python_examples_run():
    failures, tried = doctest.testfile(str(README), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert tried > 0, "README has no runnable examples"
    assert failures == 0


def test_quick_start_is_make_demo_and_make_test():
    text = README.read_text(encoding="utf-8")
    block = re.search(r"## Quick start\s+```\n(.*?)```", text, re.S)
    assert block, "README has no Quick start code block"
    assert block.group(1).split("\n")[:-1] == ["make demo", "make test"]
