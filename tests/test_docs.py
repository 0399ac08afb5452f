"""Generated reference documents match a fresh rendering, so docs cannot drift from the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from leadgraph.docs import cli as clidoc
from leadgraph.docs import ontology as ontodoc

DOCS = Path(__file__).resolve().parents[1] / "docs"


@pytest.mark.parametrize(
    ("name", "module", "command"),
    [("ontology.md", ontodoc, "leadgraph docs ontology -o docs/ontology.md"),
     ("cli.md", clidoc, "leadgraph docs cli -o docs/cli.md")],
)
def test_generated_reference_is_current(name, module, command):
    committed = (DOCS / name).read_text(encoding="utf-8")
    assert committed == module.render_reference(), f"docs/{name} is stale: run `{command}`"


def test_ontology_reference_covers_every_own_term():
    import rdflib

    from leadgraph import resources
    from leadgraph.namespaces import LG

    text = ontodoc.render_reference()
    g = rdflib.Graph()
    for path in resources.ontology_files():
        g.parse(path)
    own = {str(s) for s in g.subjects() if str(s).startswith(LG)}
    assert own, "ontology declares no lg: terms"
    for iri in own:
        assert f"`lg:{iri[len(LG):]}`" in text, f"lg:{iri[len(LG):]} missing from the reference"


def test_docs_command_writes_atomically(tmp_path):
    from click.testing import CliRunner

    from leadgraph.cli import cli

    target = tmp_path / "ontology.md"
    result = CliRunner().invoke(cli, ["docs", "ontology", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == ontodoc.render_reference()
    assert [p.name for p in tmp_path.iterdir()] == ["ontology.md"]
