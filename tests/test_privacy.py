"""Removing a person is complete: no triple about them or their statements is left anywhere."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from leadgraph import resources
from leadgraph.cli import cli
from leadgraph.errors import UsageError
from leadgraph.loading import load, load_files
from leadgraph.privacy import footprint, forget_person
from leadgraph.validation import validate

LGD = "https://w3id.org/leadgraph/id/"


@pytest.fixture()
def data_copy(tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(resources.data_dir(), target)
    # A mention of Charlee in a file that is not hers: it must go too, the rest of the file stays.
    with open(target / "programmes.ttl", "a", encoding="utf-8") as fh:
        fh.write(f"\n<{LGD}share2care> <https://schema.org/member> <{LGD}charlee-martin> .\n")
    return target


def _mentions(folder: Path, iri: str) -> int:
    graph = load_files([folder])
    return sum(1 for t in graph.triples() if iri in (t.subject.value, getattr(t.object, "value", None)))


def test_footprint_covers_statements_and_quotes():
    fp = footprint(load(), "charlee martin")
    assert fp.person == LGD + "charlee-martin"
    expected = {
        LGD + "charlee-martin",
        LGD + "charlee-martin-role-rbs",
        LGD + "charlee-martin-service-nhs",
        LGD + "charlee-martin-background-project-management",
        LGD + "charlee-martin-trait-organisation",
        LGD + "charlee-martin-trait-motivation",
        LGD + "charlee-martin-trait-problem-solving",
        LGD + "charlee-martin-trait-developing-people",
        LGD + "charlee-martin-trait-professional-development",
        LGD + "charlee-martin-quote-friendly-way",
        LGD + "charlee-martin-quote-organisation",
        LGD + "charlee-martin-quote-grievances",
        LGD + "charlee-martin-quote-twitchy",
        LGD + "charlee-martin-quote-developing-people",
        LGD + "charlee-martin-quote-courses",
    }
    assert fp.nodes == expected


def test_forget_removes_everything_and_data_still_validates(data_copy):
    before = len(load_files([data_copy]))
    report = forget_person("Charlee Martin", data_copy)
    assert report.deleted_files == [str(data_copy / "people" / "charlee-martin.ttl")]
    assert report.removed[str(data_copy / "programmes.ttl")] == 1
    assert not (data_copy / "people" / "charlee-martin.ttl").exists()
    fp_nodes = footprint(load(resources.data_dir()), "Charlee Martin").nodes
    for iri in fp_nodes:
        assert _mentions(data_copy, iri) == 0, iri
    after = load_files([data_copy])
    assert len(after) == before - report.total_removed
    # Share2Care itself survives the rewrite of programmes.ttl.
    assert _mentions(data_copy, LGD + "share2care") > 5
    assert validate(load(data_copy)).conforms


def test_dry_run_changes_nothing(data_copy):
    snapshot = {p: p.read_bytes() for p in data_copy.rglob("*.ttl")}
    report = forget_person("Gary", data_copy, dry_run=True)
    assert report.name == "Garry Harris" and report.total_removed > 90
    assert {p: p.read_bytes() for p in data_copy.rglob("*.ttl")} == snapshot


def test_unknown_person_is_a_usage_error(data_copy):
    with pytest.raises(UsageError, match="no leader named"):
        forget_person("Nobody Here", data_copy)


def test_cli_forget(data_copy):
    runner = CliRunner()
    result = runner.invoke(cli, ["--data", str(data_copy), "forget", "phil", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would remove" in result.output and "Phill James" in result.output
    result = runner.invoke(cli, ["--data", str(data_copy), "forget", "https://w3id.org/leadgraph/id/phill-james"])
    assert result.exit_code == 0, result.output
    assert not (data_copy / "people" / "phill-james.ttl").exists()
    result = runner.invoke(cli, ["--data", str(data_copy), "forget", "phil"])
    assert result.exit_code == 2


@pytest.mark.parametrize(
    "name,person",
    [
        ("Gary", "garry-harris"),
        ("gary harris", "garry-harris"),
        ("Phil James", "phill-james"),
        ("PHILL JAMES", "phill-james"),
        (LGD + "ayesha-rahim", "ayesha-rahim"),
        ("lgd:ayesha-rahim", "ayesha-rahim"),
        ("Phill", "phill-james"),
        ("  phil   JAMES ", "phill-james"),
    ],
)
def test_people_are_found_by_the_name_variants_the_article_uses(name, person):
    from leadgraph.privacy import resolve_person
    from leadgraph.network.selection import resolve

    graph = load()
    assert resolve_person(graph, name)[0] == LGD + person
    # forget finds people exactly as --focus does: one rule set (leadgraph.lookup), not two.
    assert resolve(graph, name, kinds=("person",)) == LGD + person


def test_a_variant_without_the_family_name_does_not_match_other_words():
    from leadgraph.privacy import resolve_person

    with pytest.raises(UsageError, match="no leader named 'Gary James'"):
        resolve_person(load(), "Gary James")


def test_name_left_in_other_text_is_reported_not_changed(data_copy):
    """A literal elsewhere that names the person may be about someone else: it is reported, kept."""
    note = f'\n<{LGD}share2care> <https://schema.org/comment> "Charlee Martin ran the programme board." .\n'
    with open(data_copy / "programmes.ttl", "a", encoding="utf-8") as fh:
        fh.write(note)
    for dry_run in (True, False):
        report = forget_person("Charlee Martin", data_copy, dry_run=dry_run)
        assert report.remaining_mentions == [f"{LGD}share2care https://schema.org/comment"]
        assert "note: the name still appears in text" in report.text()
    assert any("ran the programme board" in str(t.object) for t in load_files([data_copy]).triples())
