"""Removing a person is complete: no triple about them or their statements is left anywhere."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
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
TIME_NS = "http://www.w3.org/2006/time#"


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


# --- Safe under concurrency and crashes: real processes, no mocks ------------------------------

PEOPLE = ["arif-patel", "ayesha-rahim", "charlee-martin", "garry-harris", "gregg-holland", "phill-james"]
PREFIXES_TTL = """@prefix lg: <https://w3id.org/leadgraph/ontology#> .
@prefix lgd: <https://w3id.org/leadgraph/id/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix schema: <https://schema.org/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def _leadgraph(*args: str, cwd: Path, env: dict[str, str] | None = None, wait: bool = True):
    """The real CLI in its own process (so a SIGKILL is a real crash)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LEADGRAPH_TEST_")}
    cmd = [sys.executable, "-m", "leadgraph", *args]
    env = {**clean, **(env or {})}
    popen = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if not wait:
        return popen
    out, err = popen.communicate(timeout=300)
    return popen.returncode, out, err


def _add_synthetic_people(folder: Path, count: int) -> list[str]:
    """Small leaders, each with their own file and a mention in the shared programmes file."""
    made = []
    for k in range(count):
        slug = f"synthetic-person-{k}"
        (folder / "people" / f"{slug}.ttl").write_text(
            PREFIXES_TTL
            + f'lgd:{slug} a lg:Leader, foaf:Person ; foaf:name "Synthetic Person{k}" .\n'
            + f"lgd:{slug}-role a org:Membership ; org:member lgd:{slug} ; org:organization lgd:org-rbs ;\n"
            + '    org:memberDuring [ a time:Interval ; time:hasBeginning [ a time:Instant ; time:inXSDDate "2020-01-01"^^xsd:date ] ] .\n',
            encoding="utf-8",
        )
        made.append(slug)
    return made


def test_concurrent_forgets_on_one_folder_all_land(tmp_path, data_copy):
    """Every forget rewrites the shared programmes.ttl: without the folder lock, runs that read it
    before another's write put that person back (the red team saw 30 of 66 runs undone)."""
    slugs = PEOPLE + _add_synthetic_people(data_copy, 6)
    with open(data_copy / "programmes.ttl", "a", encoding="utf-8") as fh:
        for slug in slugs:
            fh.write(f"\n<{LGD}share2care> <https://schema.org/member> <{LGD}{slug}> .\n")
    runs = [_leadgraph("--data", str(data_copy), "forget", LGD + slug, cwd=tmp_path, wait=False) for slug in slugs]
    results = [(p.wait(timeout=300), *p.communicate()) for p in runs]
    for slug, (code, out, err) in zip(slugs, results):
        assert code == 0, (slug, out, err)
    left = {slug for slug in slugs if _mentions(data_copy, LGD + slug)}
    assert left == set(), f"undone erasures: {sorted(left)}"
    assert not (data_copy / ".leadgraph-journal.json").exists()
    assert not [p for p in data_copy.rglob(".*") if p.name != ".leadgraph.lock"]  # no temp left
    assert _mentions(data_copy, LGD + "share2care") > 5  # the shared resource itself stays


def test_a_waiting_forget_says_so(tmp_path, data_copy):
    from leadgraph.fileio import locked

    with locked(data_copy):
        proc = _leadgraph("--data", str(data_copy), "forget", "Phill James", cwd=tmp_path, wait=False)
        said = proc.stderr.readline()  # comes once it has waited half a second
        time.sleep(0.5)
        assert proc.poll() is None, "forget ran while another writer held the lock"
        assert (data_copy / "people" / "phill-james.ttl").exists()
    code, out, err = proc.wait(timeout=120), *proc.communicate()
    assert code == 0, said + err
    assert "removed" in out
    assert "waiting for another leadgraph write to finish" in said and ".leadgraph.lock" in said
    assert not (data_copy / "people" / "phill-james.ttl").exists()


def test_kill_between_renames_is_completed_by_the_next_forget(tmp_path, data_copy):
    """SIGKILL after the first of several renames; the next run finishes the removal."""
    with open(data_copy / "organisations.ttl", "a", encoding="utf-8") as fh:
        fh.write(f"\n<{LGD}org-rbs> <https://schema.org/employee> <{LGD}charlee-martin> .\n")
    before = {p: p.read_bytes() for p in data_copy.rglob("*.ttl")}
    code, out, err = _leadgraph(
        "--data", str(data_copy), "forget", "Charlee Martin", cwd=tmp_path,
        env={"LEADGRAPH_TEST_CRASH_AFTER_RENAMES": "1"},
    )
    assert code == -signal.SIGKILL, (out, err)
    # A real half-done state: organisations.ttl is new, programmes.ttl and her file are old.
    assert (data_copy / ".leadgraph-journal.json").exists()
    assert (data_copy / "organisations.ttl").read_bytes() != before[data_copy / "organisations.ttl"]
    assert (data_copy / "programmes.ttl").read_bytes() == before[data_copy / "programmes.ttl"]
    assert (data_copy / "people" / "charlee-martin.ttl").exists()

    code, out, err = _leadgraph("--data", str(data_copy), "forget", "Charlee Martin", cwd=tmp_path)
    assert code == 0, err
    assert "completed an interrupted" in out
    assert _mentions(data_copy, LGD + "charlee-martin") == 0
    assert not (data_copy / "people" / "charlee-martin.ttl").exists()
    assert not (data_copy / ".leadgraph-journal.json").exists()
    assert not [p for p in data_copy.rglob(".*") if p.name != ".leadgraph.lock"]
    assert validate(load(data_copy)).conforms


def test_kill_after_the_journal_is_completed_by_any_next_write(tmp_path, data_copy):
    """Killed after the journal, before any rename: forgetting someone else finishes it too."""
    code, *_ = _leadgraph(
        "--data", str(data_copy), "forget", "Charlee Martin", cwd=tmp_path,
        env={"LEADGRAPH_TEST_CRASH_AFTER_RENAMES": "0"},
    )
    assert code == -signal.SIGKILL
    assert _mentions(data_copy, LGD + "charlee-martin") > 0  # nothing renamed yet
    code, out, err = _leadgraph("--data", str(data_copy), "forget", "Phill James", cwd=tmp_path)
    assert code == 0, err
    assert "completed an interrupted" in out
    for slug in ("charlee-martin", "phill-james"):
        assert _mentions(data_copy, LGD + slug) == 0, slug
    assert validate(load(data_copy)).conforms


def _drop_person_node(folder: Path, slug: str) -> None:
    """Leave the statements about ``slug`` but not the person node: a half-done removal."""
    from leadgraph.store.rdf import write_triples

    path = folder / "people" / f"{slug}.ttl"
    kept = [t for t in load_files([path]).triples() if t.subject.value != LGD + slug]
    path.write_bytes(write_triples(kept, "ttl"))


@pytest.mark.parametrize("how", [LGD + "garry-harris", "lgd:garry-harris", "Garry Harris"])
def test_leftovers_are_found_by_iri_or_name_when_the_person_node_is_gone(data_copy, how, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # where forget looks for generated copies
    _drop_person_node(data_copy, "garry-harris")
    assert _mentions(data_copy, LGD + "garry-harris") > 0
    report = forget_person(how, data_copy)
    assert report.person == LGD + "garry-harris" and report.total_removed > 50
    assert _mentions(data_copy, LGD + "garry-harris") == 0
    assert not (data_copy / "people" / "garry-harris.ttl").exists()
    assert validate(load(data_copy)).conforms


def test_an_iri_that_is_not_a_person_is_refused(data_copy):
    with pytest.raises(UsageError, match="is not a person"):
        forget_person("lgd:org-rbs", data_copy)
    with pytest.raises(UsageError, match="no leader named"):
        forget_person(LGD + "nobody-at-all", data_copy)


def test_nodes_reachable_only_through_the_person_go_shared_ones_stay(data_copy, monkeypatch, tmp_path):
    """A role's interval and instants (blank or named) go with the role; an interval another
    role shares, and the organisation, stay."""
    with open(data_copy / "organisations.ttl", "a", encoding="utf-8") as fh:
        fh.write(
            "\n" + PREFIXES_TTL + """
lgd:charlee-martin-role-earlier a org:Membership ; org:member lgd:charlee-martin ;
    org:organization lgd:org-rbs ;
    org:memberDuring [ a time:Interval ; time:hasBeginning [ a time:Instant ; time:inXSDDate "2015-01-01"^^xsd:date ] ] .
lgd:charlee-martin-role-later a org:Membership ; org:member lgd:charlee-martin ;
    org:organization lgd:org-rbs ; org:memberDuring lgd:interval-2019 ; lg:note _:shared .
lgd:interval-2019 a time:Interval ; time:hasEnd [ a time:Instant ; time:inXSDgYear "2019"^^xsd:gYear ] .
lgd:phill-james-role-other a org:Membership ; org:member lgd:phill-james ; lg:note _:shared .
_:shared a time:Interval ; time:inXSDDate "2001-01-01"^^xsd:date .
"""
        )
    monkeypatch.chdir(tmp_path)
    forget_person("Charlee Martin", data_copy)
    triples = load_files([data_copy]).triples()
    time_values = sorted(t.object.value for t in triples if t.predicate.value.startswith(TIME_NS + "in"))
    assert time_values == ["2001-01-01"]  # only the shared interval's
    assert _mentions(data_copy, LGD + "interval-2019") == 0
    assert _mentions(data_copy, LGD + "org-rbs") > 3
    assert _mentions(data_copy, LGD + "phill-james-role-other") == 3


def test_generated_files_that_still_hold_the_person_are_reported_not_touched(tmp_path, data_copy, monkeypatch):
    work = tmp_path / "work"
    (work / "out" / "site").mkdir(parents=True)
    (work / ".git").mkdir()
    (work / "node_modules").mkdir()
    page = work / "out" / "leaders.html"
    page.write_text("<p>Charlee Martin</p>", encoding="utf-8")
    (work / "out" / "site" / "g.json").write_text('{"id": "https:\\/\\/w3id.org\\/leadgraph\\/id\\/charlee-martin"}')
    (work / "all.ttl").write_text("lgd:charlee-martin a lg:Leader .")
    (work / "other.csv").write_text("Phill James\n")
    (work / "notes.txt").write_text("Charlee Martin")  # not a kind leadgraph writes
    os.mkfifo(work / "pipe.json")  # opening it to read would wait for a writer forever
    (work / ".git" / "x.json").write_text("Charlee Martin")
    (work / "node_modules" / "x.json").write_text("Charlee Martin")
    monkeypatch.chdir(work)
    report = forget_person("Charlee Martin", data_copy)
    assert report.other_copies == ["all.ttl", "out/leaders.html", "out/site/g.json"]
    assert page.read_text() == "<p>Charlee Martin</p>"
    assert "also in (not changed" in report.text() and "out/leaders.html" in report.text()
    code, out, err = _leadgraph("--data", str(data_copy), "forget", "Phill James", "--dry-run", cwd=work)
    assert code == 0 and "other.csv" in out, (out, err)


def test_a_missing_data_path_is_a_data_error_and_leaves_no_lock_file(tmp_path):
    from leadgraph.errors import DataError

    with pytest.raises(DataError, match="no such file or folder"):
        forget_person("Charlee Martin", tmp_path / "nope", scan=())
    assert list(tmp_path.iterdir()) == []


def test_a_kill_at_the_first_change_on_disk_never_strands_statements(tmp_path, data_copy):
    """No test hook: SIGKILL the moment any data file changes, then run forget again. Before the
    journal, a kill there left her statements with no person node, which forget then refused
    ("no leader named") in about 3 runs of 5."""
    with open(data_copy / "organisations.ttl", "a", encoding="utf-8") as fh:
        fh.write(f"\n<{LGD}org-rbs> <https://schema.org/employee> <{LGD}charlee-martin> .\n")
    pristine = tmp_path / "pristine"
    shutil.copytree(data_copy, pristine)
    for trial in range(4):
        data = tmp_path / f"trial-{trial}"
        shutil.copytree(pristine, data)
        files = sorted(data.rglob("*.ttl"))
        inodes = {p: p.stat().st_ino for p in files}
        proc = _leadgraph("--data", str(data), "forget", "Charlee Martin", cwd=tmp_path, wait=False)
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                if any(p.stat().st_ino != inodes[p] for p in files):
                    break
            except FileNotFoundError:
                break
        proc.kill()
        proc.communicate()
        code, out, err = _leadgraph("--data", str(data), "forget", LGD + "charlee-martin", cwd=tmp_path)
        assert code in (0, 2), err  # 2: the killed run had finished everything already
        assert _mentions(data, LGD + "charlee-martin") == 0, (trial, out, err)


_RECORD = """person: {name}
source: article
sources:
  article: {source}
roles:
  - {{title: CIO, role_type: CIO, organisation: {org}, as_of: 2026-01-15, source: article}}
"""
_ARTICLE = "{title: In conversation, date: 2026-01-15}"


def test_forget_a_drafted_record_whose_article_other_records_also_describe(tmp_path, cli, monkeypatch):
    # `leadgraph draft` writes one record per person, each describing the article it came from:
    # forgetting one person deletes their file (the article stays described by the others), and
    # the draft's evidence file beside it, which names them, is listed.
    data = tmp_path / "my-data"
    data.mkdir()
    (data / "ann-example.yaml").write_text(_RECORD.format(name="Ann Example", source=_ARTICLE, org="RBS"))
    (data / "ann-example.evidence.json").write_text('{"person": "Ann Example"}')
    (data / "bob-example.yaml").write_text(_RECORD.format(name="Bob Example", source=_ARTICLE, org="RBQ"))
    monkeypatch.chdir(tmp_path)
    dry = cli("--data", "my-data", "forget", "Ann Example", "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert "my-data/ann-example.yaml: delete file" in dry.stdout
    assert "also in (not changed: delete or regenerate it): my-data/ann-example.evidence.json" in dry.stdout
    done = cli("--data", "my-data", "forget", "Ann Example")
    assert done.exit_code == 0, done.stderr
    assert sorted(p.name for p in data.iterdir() if not p.name.startswith(".")) == [
        "ann-example.evidence.json", "bob-example.yaml"]
    assert validate(load(data)).conforms


def test_forget_says_what_to_do_when_a_record_cannot_hold_what_is_left(tmp_path, cli, monkeypatch):
    # The article is described only in Ann's record, and Bob's cites it by id: the YAML record
    # cannot hold a source without a person, and deleting it would lose the description. One line
    # saying so, from the dry run already, and nothing changed.
    data = tmp_path / "my-data"
    data.mkdir()
    (data / "ann-example.yaml").write_text(_RECORD.format(name="Ann Example", source=_ARTICLE, org="RBS"))
    (data / "bob-example.yaml").write_text(_RECORD.format(name="Bob Example", source="{id: source-article}",
                                                          org="RBQ"))
    before = {p.name: p.read_bytes() for p in data.iterdir()}
    monkeypatch.chdir(tmp_path)
    for extra in (["--dry-run"], []):
        got = cli("--data", "my-data", "forget", "Ann Example", *extra)
        assert got.exit_code == 1, got.stdout
        lines = got.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: my-data/ann-example.yaml: cannot remove Ann Example")
        assert "lgd:source-article" in lines[0] and "then forget again" in lines[0]
    assert {p.name: p.read_bytes() for p in data.iterdir() if not p.name.startswith(".")} == before
