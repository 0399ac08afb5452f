"""One resolver everywhere: the same names through name-search, --focus, forget, merge and the
page's search box (in headless Chromium) give the same people, or the same candidates when a
name is ambiguous.

The data is the bundled graph plus one made-up person, Ann Harris (tests/fixtures/names/), so
that the surname "Harris" names two people.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

LGD = "https://w3id.org/leadgraph/id/"
REPO = Path(__file__).resolve().parents[2]
ANN = REPO / "tests" / "fixtures" / "names" / "ann-harris.yaml"

# input -> the people it names (one: found; several: ambiguous; none: unknown)
TABLE = {
    "Garry Harris": {"garry-harris"},           # the full name
    "gary  HARRIS": {"garry-harris"},           # a full-name variant, any case and spacing
    "Gary": {"garry-harris"},                   # the given name of a full-name variant
    "Phil James": {"phill-james"},
    "PHIL": {"phill-james"},
    "Phill": {"phill-james"},                   # a given name
    "Rahim": {"ayesha-rahim"},                  # a unique surname
    "lgd:gregg-holland": {"gregg-holland"},     # a prefixed name
    LGD + "charlee-martin": {"charlee-martin"},  # an IRI
    "Arif Patel": {"arif-patel"},
    "Harris": {"garry-harris", "ann-harris"},   # a surname two people share: ambiguous
    "Nobody Known": set(),
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """The bundled data and Ann Harris, copied: forget and merge run --dry-run, but take the lock."""
    root = tmp_path_factory.mktemp("names")
    shutil.copytree(REPO / "data", root / "data")
    shutil.copy(ANN, root / "data" / "people" / ANN.name)
    return root / "data"


def _iris(text: str) -> set[str]:
    return {iri[len(LGD):] for iri in re.findall(r"<([^<>\s]+)>", text) if iri.startswith(LGD)}


def by_name_search(folder: Path, name: str) -> set[str]:
    import leadgraph

    rows = leadgraph.query("name-search", {"name": name}, data=[folder]).rows
    return {row["person"][len(LGD):] for row in rows}


def by_focus(cli, folder: Path, name: str) -> set[str]:
    result = cli("--data", str(folder), "export", "--format", "json", "--focus", name, "--hops", "0")
    if result.exit_code == 0:
        return {node["id"][len(LGD):] for node in json.loads(result.stdout)["nodes"]}
    assert result.exit_code == 2, result.stderr
    return _iris(result.stderr)


def by_forget(cli, folder: Path, name: str) -> set[str]:
    result = cli("--data", str(folder), "forget", name, "--dry-run")
    if result.exit_code == 0:
        return _iris(result.stdout.splitlines()[0])
    assert result.exit_code == 2, result.stderr
    return _iris(result.stderr)


def by_merge(cli, folder: Path, name: str) -> set[str]:
    # KEEP is the name under test; OTHER anyone else (the merge is only a dry run).
    other = "lgd:arif-patel" if name != "Arif Patel" else "lgd:gregg-holland"
    result = cli("--data", str(folder), "merge", name, other, "--dry-run")
    if result.exit_code == 0:
        first = result.stdout.splitlines()[0]
        return _iris(first.split(" into ", 1)[1])
    assert result.exit_code == 2, result.stderr
    return _iris(result.stderr)


def by_page(seen, name: str) -> set[str]:
    """What the search box answers: one person Enter goes to, or the candidates it lists."""
    seen.page.fill("#lg-search", name)
    listed = seen.js("(text) => window.leadgraph.search(text).filter((h) => h.exact).map("
                     "(h) => window.leadgraph.payload.info[h.id].iri)", name)
    found = {iri[len(LGD):] for iri in listed}
    seen.js("window.network.unselectAll()")
    seen.page.press("#lg-search", "Enter")
    selected = seen.js("window.network.getSelectedNodes().map((id) => window.leadgraph.payload.info[id].iri)")
    if len(found) == 1:
        assert [iri[len(LGD):] for iri in selected] == list(found), name  # Enter went there
    else:
        assert selected == [], name  # ambiguous or unknown: Enter goes nowhere
    if len(found) > 1:
        assert "names 2: choose one" in seen.page.locator("#lg-results").text_content()
    return found


def test_the_same_names_give_the_same_people_everywhere(cli, visit, folder, tmp_path, monkeypatch):
    from leadgraph.viz.page import write_html

    monkeypatch.chdir(tmp_path)  # forget looks for copies of a person under the current folder
    seen = visit(write_html(None, tmp_path / "names.html", data=[folder]))
    answers = {}
    for name, expected in TABLE.items():
        got = {
            "name-search": by_name_search(folder, name),
            "--focus": by_focus(cli, folder, name),
            "forget": by_forget(cli, folder, name),
            "merge": by_merge(cli, folder, name),
            "page search": by_page(seen, name),
        }
        answers[name] = got
        assert all(found == expected for found in got.values()), (name, got)
    # Ambiguous and unknown names are usage errors that say why, everywhere but the search.
    for args in (("forget", "Harris", "--dry-run"), ("merge", "Harris", "Arif", "--dry-run"),
                 ("export", "--focus", "Harris", "--hops", "0")):
        result = cli("--data", str(folder), *args)
        assert result.exit_code == 2 and "Ann Harris" in result.stderr and "Garry Harris" in result.stderr, result
        assert "Traceback" not in result.stderr
