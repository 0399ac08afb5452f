"""The on-disk store: built from files, updated in place by what changed, read by every command."""

from __future__ import annotations

import fcntl
import shutil
import subprocess
import sys
import time

import pytest

from leadgraph import resources
from leadgraph.errors import DataError
from leadgraph.loading import build_store, load, open_store, update_store

# Named queries whose answer is empty on purpose: no source in the data says anyone sits on a board.
EMPTY_ON_BUNDLED_DATA = {"leaders-on-a-board"}
from leadgraph.sparql.named import named_queries
from leadgraph.sparql.run import query

LEADGRAPH = [sys.executable, "-m", "leadgraph"]


@pytest.fixture
def data(tmp_path):
    """A private copy of the bundled data, free to edit."""
    folder = tmp_path / "data"
    shutil.copytree(resources.data_dir(), folder)
    return folder


@pytest.fixture
def built(tmp_path, data):
    folder = tmp_path / "graph.db"
    build_store(folder, [data])
    return folder


def test_every_named_query_answers_the_same_from_disk_and_memory(built, data):
    memory, disk = load([data]), open_store(built)
    assert len(disk) == len(memory)
    assert sorted(map(str, disk.store.triples())) == sorted(map(str, memory.store.triples()))
    samples = {"organisation": "lgd:org-rbs", "trait": "lgd:trait-resilience", "name": "Phil",
               "person": "lgd:phill-james"}
    for name, named in named_queries().items():
        params = {p.name: samples[p.name] for p in named.params if p.required}
        disk_answer, memory_answer = query(name, params, graph=disk), query(name, params, graph=memory)
        if disk_answer.form == "select":  # rows in the same order; GROUP_CONCAT's order is the engine's
            assert _rows(disk_answer) == _rows(memory_answer), name
        else:  # a graph has no order
            assert sorted(disk_answer.payload.splitlines()) == sorted(memory_answer.payload.splitlines()), name
        # each one finds something
        assert len(disk_answer) > 0 or name in EMPTY_ON_BUNDLED_DATA, name


def _rows(result):
    return [{k: ", ".join(sorted(v.split(", "))) if isinstance(v, str) else v for k, v in row.items()}
            for row in result.rows]


def test_update_reloads_only_what_changed(built, data):
    person = data / "people" / "gregg-holland.ttl"
    person.write_text(person.read_text(encoding="utf-8").replace("Gregg Holland", "Gregg Holland-Test"),
                      encoding="utf-8")
    (data / "people" / "arif-patel.ttl").unlink()
    shutil.copy(resources.data_dir() / "people" / "arif-patel.ttl", data / "arif-again.ttl")
    report = update_store(built)
    assert report.changed == [str(person.resolve())]
    assert report.removed == [str((data / "people" / "arif-patel.ttl").resolve())]
    assert report.added == [str((data / "arif-again.ttl").resolve())]
    graph = open_store(built)
    assert len(graph) == len(load([data]))
    names = {r["name"] for r in query("SELECT ?name WHERE { ?p a lg:Leader ; foaf:name ?name }", graph=graph).rows}
    assert "Gregg Holland-Test" in names and "Gregg Holland" not in names and "Arif Patel" in names


def test_a_triple_two_files_share_stays_until_both_are_gone(tmp_path):
    one, two = tmp_path / "d" / "one.ttl", tmp_path / "d" / "two.ttl"
    one.parent.mkdir()
    shared = '<https://e.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "A" .\n'
    one.write_text(shared)
    two.write_text(shared + '<https://e.org/b> <http://www.w3.org/2000/01/rdf-schema#label> "B" .\n')
    folder = tmp_path / "s"
    build_store(folder, [one.parent])
    base = len(open_store(folder))
    one.unlink()
    update_store(folder)
    assert len(open_store(folder)) == base  # two.ttl still says it
    two.write_text('<https://e.org/b> <http://www.w3.org/2000/01/rdf-schema#label> "B" .\n')
    update_store(folder)
    assert len(open_store(folder)) == base - 1


def test_a_bad_file_publishes_nothing(built, data):
    before = open_store(built)
    (data / "broken.ttl").write_text("<https://e.org/a> <https://e.org/b> .\n")
    with pytest.raises(DataError, match=r"broken\.ttl:1: "):
        update_store(built)
    after = open_store(built)
    assert after.store.generation == before.store.generation and len(after) == len(before)
    assert [p.name for p in built.glob("gen-*")] == [before.store.generation.name]


def test_readers_keep_their_generation_while_an_update_runs(built, data):
    reader = open_store(built)
    count = len(reader)
    (data / "people" / "ayesha-rahim.ttl").unlink()
    update_store(built)
    # The old generation is still there for the open reader, and still answers.
    assert reader.store.generation.exists()
    assert len(query("SELECT * WHERE { ?s ?p ?o }", graph=reader, timeout=None)) == count
    assert len(open_store(built)) < count
    reader.store.close()
    update_store(built)  # the next update deletes generations nobody holds
    assert len(list(built.glob("gen-*"))) == 1


def test_two_updates_never_interleave(built):
    with open(built / ".update.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        waiting = subprocess.Popen([*LEADGRAPH, "store", "update", str(built)], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        time.sleep(3.5)
        assert waiting.poll() is None  # blocked behind the held lock
        fcntl.flock(lock, fcntl.LOCK_UN)
    out, err = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, err
    assert "waiting for another update" in err and "files unchanged" in out


def test_cli_store_build_then_every_read_command(tmp_path, data):
    folder = tmp_path / "g.db"
    built = subprocess.run([*LEADGRAPH, "--data", str(data), "store", "build", str(folder)],
                           capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    assert "triples" in built.stdout
    plain = subprocess.run([*LEADGRAPH, "--data", str(data), "query", "cio-roles", "-f", "csv"],
                           capture_output=True, text=True, timeout=120)
    for args in (["query", "cio-roles", "-f", "csv"], ["stats", "--format", "json"]):
        via_store = subprocess.run([*LEADGRAPH, "--store", str(folder), *args], capture_output=True, text=True,
                                   timeout=120)
        assert via_store.returncode == 0, via_store.stderr
    same = subprocess.run([*LEADGRAPH, "--store", str(folder), "query", "cio-roles", "-f", "csv"],
                          capture_output=True, text=True, timeout=120)
    assert same.stdout == plain.stdout
    env_run = subprocess.run([*LEADGRAPH, "export", "--format", "nt"], capture_output=True, timeout=120,
                             env={**__import__("os").environ, "LEADGRAPH_STORE": str(folder)})
    assert env_run.returncode == 0 and env_run.stdout.count(b"\n") == len(load([data]))


def test_cli_store_errors(tmp_path, data):
    both = subprocess.run([*LEADGRAPH, "--data", str(data), "--store", str(tmp_path), "stats"],
                          capture_output=True, text=True, timeout=60)
    assert both.returncode == 2 and "--data and --store" in both.stderr
    missing = subprocess.run([*LEADGRAPH, "--store", str(tmp_path), "stats"], capture_output=True, text=True,
                             timeout=60)
    assert missing.returncode == 1
    assert missing.stderr.strip() == f"error: {tmp_path}: not a leadgraph store (build one with: leadgraph store build DIR)"
    (tmp_path / "stuff.txt").write_text("mine")
    occupied = subprocess.run([*LEADGRAPH, "store", "build", str(tmp_path)], capture_output=True, text=True,
                              timeout=60)
    assert occupied.returncode == 2 and "is not empty and is not a leadgraph store" in occupied.stderr
    assert (tmp_path / "stuff.txt").read_text() == "mine"


def test_forget_with_a_store_edits_its_files_and_updates_it(built, data):
    from leadgraph.privacy import forget_person

    report = forget_person("Garry Harris", store=built, scan=())
    assert report.total_removed > 0 and report.store_update
    assert not (data / "people" / "garry-harris.ttl").exists()
    graph = open_store(built)
    rows = query("SELECT ?s WHERE { ?s ?p <https://w3id.org/leadgraph/id/garry-harris> }", graph=graph).rows
    assert rows == [] and len(graph) == len(load([data]))
    cli = subprocess.run([*LEADGRAPH, "--store", str(built), "forget", "Phill James"], capture_output=True,
                         text=True, timeout=120, cwd=built.parent)
    assert cli.returncode == 0, cli.stderr
    assert "the on-disk store was updated" in cli.stdout
    assert "Phill James" not in subprocess.run([*LEADGRAPH, "--store", str(built), "query", "cio-roles"],
                                               capture_output=True, text=True, timeout=120).stdout
