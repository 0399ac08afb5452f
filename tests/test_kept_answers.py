"""Answers kept with an on-disk generation (leadgraph.keeping, leadgraph.sparql.run): served as the
engine gives them, never from an older generation, and nothing kept where nothing can be written."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from leadgraph import resources
from leadgraph.keeping import build_store, update_store
from leadgraph.loading import open_store
from leadgraph.sparql.named import named_queries
from leadgraph.sparql.results import GRAPH_FORMATS, TABLE_FORMATS, QueryResult
from leadgraph.sparql.run import ANSWERS, OUTPUTS, KeptResult, answer_key, prepare, query
from leadgraph.store import derived
from leadgraph.store.disk import read_validation

LEADGRAPH = [sys.executable, "-m", "leadgraph"]
SAMPLES = {"organisation": "lgd:org-rbs", "trait": "lgd:trait-resilience", "name": "Phil",
           "person": "lgd:phill-james", "programme": "lgd:share2care"}


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """The bundled data twice: with the answers kept at build, and without (the engine answers)."""
    root = tmp_path_factory.mktemp("kept")
    data = root / "data"
    shutil.copytree(resources.data_dir(), data)
    build_store(root / "kept", [data])
    build_store(root / "engine", [data], answers=False)
    return root


def _params(named):
    return {p.name: SAMPLES[p.name] for p in named.params if p.required}


def test_build_keeps_every_default_answer_and_the_validation_report(stores):
    kept, engine = open_store(stores / "kept").store, open_store(stores / "engine").store
    defaults = [n for n in named_queries().values() if not any(p.required for p in n.params)]
    # plus, for a query with a keep: line, one answer per value (tests/test_kept_values.py)
    assert derived.kinds(kept)[ANSWERS] > len(defaults)
    for named in defaults:
        form, final = prepare(named)
        assert derived.get(kept, ANSWERS, answer_key(form, final)) is not None, named.name
    assert derived.kinds(engine) == {}
    assert read_validation(kept.generation)["generation"] == kept.generation.name
    # the date checks too, as judged the day of the build (so `validate` that day asks nothing)
    from leadgraph.validation.dates import today_of

    import datetime as dt

    day = today_of(None)  # the build ran moments ago, perhaps just before midnight
    assert read_validation(kept.generation)["dates"]["today"] in {day.isoformat(), (day - dt.timedelta(days=1)).isoformat()}
    assert read_validation(engine.generation) is None


def test_kept_answers_are_byte_identical_to_the_engine_in_every_format(stores):
    kept, engine = open_store(stores / "kept"), open_store(stores / "engine")
    for name, named in named_queries().items():
        params = _params(named)
        first = query(name, params, graph=engine, timeout=None)  # the engine (then kept lazily)
        plain = QueryResult(first.form, first.payload, store=engine.store)  # formatted as always
        again = query(name, params, graph=engine, timeout=None)  # the answer just kept
        built = query(name, params, graph=kept, timeout=None)  # kept at build (defaults), else engine
        assert isinstance(again, KeptResult) and isinstance(built, KeptResult), name
        formats = GRAPH_FORMATS if first.form in ("construct", "describe") else TABLE_FORMATS
        for fmt in formats:
            for labels in (False, True):
                expected = plain.serialize(fmt, labels=labels)
                assert first.serialize(fmt, labels=labels) == expected, (name, fmt, labels)  # text kept
                assert again.serialize(fmt, labels=labels) == expected, (name, fmt, labels)  # text read
                assert built.serialize(fmt, labels=labels) == expected, (name, fmt, labels)
                assert query(name, params, graph=kept, timeout=None).serialize(fmt, labels=labels) == expected
    # the lazily kept answers are there now, parameterised ones included
    assert derived.kinds(engine.store)[ANSWERS] == len(named_queries())
    assert derived.kinds(kept.store)[OUTPUTS] > 0


def test_a_kept_answer_is_what_is_served(stores, tmp_path):
    """Served from the kept entry, not recomputed: a planted answer shows (never done outside tests)."""
    folder = tmp_path / "store"
    shutil.copytree(stores / "engine", folder)
    store = open_store(folder).store
    shutil.rmtree(store.generation / "derived", ignore_errors=True)
    form, final = prepare("cio-roles")
    planted = b'{"head":{"vars":["name"]},"results":{"bindings":[{"name":{"type":"literal","value":"Kept"}}]}}'
    derived.put(store, ANSWERS, answer_key(form, final), {"form": form, "payload": planted.decode()})
    out = subprocess.run([*LEADGRAPH, "--store", str(folder), "query", "cio-roles", "-f", "csv"],
                         capture_output=True, text=True, check=True).stdout
    assert out == "name\nKept\n"
    # an as-of answer has a key of its own
    assert answer_key(form, final, "2020-01-01") != answer_key(form, final)


def test_an_update_never_serves_an_old_answer(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(resources.data_dir(), data)
    folder = tmp_path / "store"
    build_store(folder, [data])
    before = query("cio-roles", graph=open_store(folder), timeout=None).rows
    person = data / "people" / "phill-james.ttl"
    person.write_text(person.read_text(encoding="utf-8").replace('"Phill James"', '"Phillip James"'), encoding="utf-8")
    update_store(folder)
    after = query("cio-roles", graph=open_store(folder), timeout=None).rows
    assert "Phill James" in [r["name"] for r in before]
    assert "Phillip James" in [r["name"] for r in after] and "Phill James" not in [r["name"] for r in after]
    # the report kept with the new generation is its own, and validate reads it
    store = open_store(folder).store
    assert read_validation(store.generation)["generation"] == store.generation.name
    # without answers, the next update keeps none (the first query computes and keeps)
    person.write_text(person.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    update_store(folder, answers=False)
    assert derived.kinds(open_store(folder).store) == {}


def test_a_store_that_cannot_be_written_answers_and_keeps_nothing(stores, tmp_path, read_only):
    folder = tmp_path / "store"
    shutil.copytree(stores / "engine", folder)
    generation = open_store(folder).store.generation
    # Read-only folders (not read-only for root, who runs CI here): a file where the answers'
    # folder would be makes every write fail the way a read-only medium does.
    shutil.rmtree(generation / "derived", ignore_errors=True)
    (generation / "derived").write_text("not a folder")
    with read_only(folder):
        runs = [subprocess.run([*LEADGRAPH, "--store", str(folder), "query", "cio-roles", "-f", "csv"],
                               capture_output=True, text=True) for _ in range(2)]
    for run in runs:
        assert run.returncode == 0, run.stderr
        assert run.stdout.startswith("person,name")
    assert (generation / "derived").read_text() == "not a folder"


def test_validate_on_a_fresh_build_reads_the_kept_report(stores):
    kept = subprocess.run([*LEADGRAPH, "--store", str(stores / "kept"), "validate"], capture_output=True, text=True)
    engine = subprocess.run([*LEADGRAPH, "--store", str(stores / "engine"), "validate"],
                            capture_output=True, text=True)
    assert (kept.returncode, kept.stdout) == (engine.returncode, engine.stdout)


def test_the_kept_answers_are_bounded(stores, tmp_path):
    folder = tmp_path / "store"
    shutil.copytree(stores / "engine", folder)
    store = open_store(folder).store
    for n in range(5):
        derived.put(store, "example", derived.entry_key("example", n), {"n": n})
        os.utime(derived.path_of(store, "example", derived.entry_key("example", n)), ns=(n * 10**9, n * 10**9))
    assert derived.trim(store, "example", entries=3, size=10**9) == 2
    left = sorted(derived.get(store, "example", derived.entry_key("example", n)) is not None for n in range(5))
    assert left == [False, False, True, True, True]
    assert derived.get(store, "example", derived.entry_key("example", 0)) is None  # the oldest went first


def test_serving_a_kept_named_query_imports_no_rdflib(stores):
    """rdflib's parser (0.3 s to import) is the safety check's second opinion for a risky word in a
    comment or string: no bundled query may need it, or its kept answer costs start-up."""
    code = ("import sys; from leadgraph.sparql.named import named_queries; from leadgraph.sparql.run import prepare; "
            f"samples = {SAMPLES!r}; "
            "[prepare(n, {p.name: samples[p.name] for p in q.params if p.required}) for n, q in named_queries().items()]; "
            "print(sorted(m for m in sys.modules if m.startswith('rdflib')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_key_does_not_depend_on_what_the_process_imported():
    # The code stamp in every key is read from the package's files, not from the modules a process
    # happens to have imported, so a build and a later query name the same answer alike.
    import subprocess
    import sys

    program = ("import sys\nFIRST\nfrom leadgraph.store import derived\n"
               "print(derived.entry_key('answers', {'text': 'ASK {}'}))")
    keys = {subprocess.run([sys.executable, "-c", program.replace("FIRST", first)], capture_output=True, text=True,
                           check=True).stdout for first in ("", "import leadgraph.history, leadgraph.sparql.results")}
    assert len(keys) == 1 and keys != {""}


def test_validate_the_day_of_the_build_reads_the_kept_date_checks(stores, tmp_path):
    """The date checks judged at build are what `validate` reports that day: a planted result shows."""
    from leadgraph.store.disk import write_validation

    folder = tmp_path / "store"
    shutil.copytree(stores / "kept", folder)
    generation = open_store(folder).store.generation
    report = read_validation(generation)
    planted = {"focus_node": "lgd:planted", "path": "lg:asOf", "value": "2999-01-01", "message": "planted date",
               "severity": "Warning", "source_shape": "lg:DateCheck"}
    report["dates"]["results"] = [planted]
    write_validation(generation, report)
    out = subprocess.run([*LEADGRAPH, "--store", str(folder), "validate"], capture_output=True, text=True)
    assert "planted date" in out.stdout + out.stderr


def _keep_pid(graph, store):
    derived.put(store, "example", derived.entry_key("example", os.getpid()), {"pid": os.getpid(), "n": len(graph)})


def _broken(graph, store):
    from leadgraph.errors import DataError

    raise DataError("this keeper broke")


def test_keepers_run_side_by_side_and_a_failing_one_publishes_nothing(tmp_path):
    from leadgraph.errors import DataError
    from leadgraph.loading import build_store as build_with

    build_with(tmp_path / "store", keepers=[_keep_pid, _keep_pid])
    store = open_store(tmp_path / "store").store
    entries = [p for p in (store.generation / "derived" / "example").glob("*.json.gz")]
    pids = {derived.get(store, "example", p.name.split(".")[0])["pid"] for p in entries}
    if len(os.sched_getaffinity(0)) > 1:  # each in a process of its own, beside the other
        assert len(pids) == 2 and os.getpid() not in pids
    else:
        assert pids == {os.getpid()}
    with pytest.raises(DataError, match="this keeper broke"):
        build_with(tmp_path / "other", keepers=[_keep_pid, _broken])
    assert not (tmp_path / "other" / "current").exists()


class _Stop(Exception):
    pass


def test_an_interrupted_build_leaves_no_keeper_running(tmp_path):
    """Keepers still working when the build is interrupted are stopped and reaped: none goes on
    writing into a generation that will not be published."""
    import signal
    import time

    from leadgraph.loading import _run_keepers

    def slow(name):
        def keeper(graph, store):
            (tmp_path / f"started-{os.getpid()}").touch()
            time.sleep(1.5)
            (tmp_path / f"done-{name}").touch()
        return keeper

    def stop(signum, frame):
        raise _Stop()

    before = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, 0.3)
    try:
        with pytest.raises(_Stop):
            _run_keepers([slow("a"), slow("b")], None, None, False)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)
    time.sleep(2)
    assert not list(tmp_path.glob("done-*"))
    for started in tmp_path.glob("started-*"):
        pid = int(started.name.split("-")[1])
        if pid != os.getpid():  # a child: gone, and reaped (a zombie still answers kill 0)
            with pytest.raises(ProcessLookupError):
                os.kill(pid, 0)


def _killed(graph, store):
    os.kill(os.getpid(), 9)


def test_a_keeper_killed_stops_the_build_and_publishes_nothing(tmp_path):
    from leadgraph.errors import LeadgraphError
    from leadgraph.loading import build_store as build_with

    if len(os.sched_getaffinity(0)) < 2:
        pytest.skip("keepers run in processes of their own only with more than one CPU")
    with pytest.raises(LeadgraphError, match="_killed was killed by signal 9"):
        build_with(tmp_path / "store", keepers=[_keep_pid, _killed])
    assert not (tmp_path / "store" / "current").exists()
