"""The README's "Adding a leader" runs as written: skeleton, the example record, validate, the
named query and the page, through the real command."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

from leadgraph import resources

REPO = Path(__file__).resolve().parents[1]


def _section() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return text.split("## Adding a leader", 1)[1].split("\n## ", 1)[0]


def _leadgraph(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "leadgraph", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def test_adding_a_leader_end_to_end(tmp_path):
    section = _section()
    commands = re.findall(r"^\s*(leadgraph [^\n#]*?)\s*(?:#.*)?$", section, re.MULTILINE)
    skeleton, validate, query, viz = commands[:4]
    assert skeleton.startswith("leadgraph new person") and validate.endswith("validate")
    example = textwrap.dedent(re.search(r"```yaml\n(.*?)```", section, re.DOTALL).group(1))
    (tmp_path / "data").symlink_to(resources.data_dir())

    def run(command: str) -> subprocess.CompletedProcess:
        args = re.findall(r'"[^"]*"|\S+', command)[1:]
        return _leadgraph(*[a.strip('"') for a in args], cwd=tmp_path)

    made = run(skeleton)
    assert made.returncode == 0, made.stderr
    record = tmp_path / "my-data" / "ann-example.yaml"
    assert "organisation: RBS" in record.read_text()
    half_done = run(validate)  # the skeleton alone asks for its blanks
    assert half_done.returncode == 1 and "sources.article.title: no value" in half_done.stderr
    record.write_text(example, encoding="utf-8")
    checked = run(validate)
    assert checked.returncode == 0 and checked.stdout.startswith("conforms"), checked.stdout + checked.stderr
    answered = run(query)
    assert answered.returncode == 0
    row = next(line for line in answered.stdout.splitlines() if "Ann Example" in line)
    assert "Chief Digital Officer" in row and "Alder Hey" in row
    drawn = run(viz)
    assert drawn.returncode == 0, drawn.stderr
    assert "Ann Example" in (tmp_path / "leaders.html").read_text(encoding="utf-8")


def test_the_readme_example_is_the_tested_fixture():
    example = textwrap.dedent(re.search(r"```yaml\n(.*?)```", _section(), re.DOTALL).group(1))
    fixture = (REPO / "tests" / "fixtures" / "records" / "valid-ann.yaml").read_text(encoding="utf-8")
    assert example == fixture.split("\n", 1)[1]
