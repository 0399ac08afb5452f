"""`make demo` runs the commands its recipe lists from a fresh checkout, twice in a row.

The recipe is read from the Makefile and run line by line with this interpreter's console
scripts, in an empty folder (as a fresh clone has no out/), so the test needs no network.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _recipe(target: str) -> list[str]:
    text = (REPO / "Makefile").read_text(encoding="utf-8")
    block = re.search(rf"^{target}:[^\n]*\n((?:\t[^\n]*\n)+)", text, re.M)
    assert block, f"Makefile has no {target} recipe"
    return [line.strip() for line in block.group(1).splitlines() if not line.strip().startswith("@")]


def test_make_demo_recipe_works_in_a_fresh_folder_and_again(tmp_path):
    bin_dir = str(Path(sys.executable).parent)
    commands = [line.replace("$(BIN)", bin_dir) for line in _recipe("demo")]
    assert any("leadgraph validate" in c for c in commands)
    for attempt in (1, 2):  # idempotent: a second run over its own output succeeds too
        for command in commands:
            proc = subprocess.run(command, shell=True, cwd=tmp_path, capture_output=True, text=True, timeout=300)
            assert proc.returncode == 0, f"run {attempt}: {command}\n{proc.stderr}"
    assert (tmp_path / "out" / "leadgraph.html").stat().st_size > 0
    assert (tmp_path / "out" / "leadgraph.graphml").stat().st_size > 0


def test_make_test_runs_the_suite_with_the_venv_python():
    assert _recipe("test") == ["$(BIN)/python -m pytest"]
