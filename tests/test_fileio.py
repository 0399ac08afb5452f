"""Atomic writes: readable like a normal file, an existing file's mode kept, nothing left on failure."""

from __future__ import annotations

import os

import pytest

from leadgraph.fileio import atomic_write


def test_new_file_gets_the_umask_mode_not_private(tmp_path):
    old = os.umask(0o022)
    try:
        target = atomic_write(tmp_path / "shared.graphml", "x")
    finally:
        os.umask(old)
    assert target.stat().st_mode & 0o777 == 0o644


def test_replaced_file_keeps_its_mode(tmp_path):
    target = tmp_path / "leaders.csv"
    target.write_text("old")
    target.chmod(0o640)
    atomic_write(target, "new")
    assert target.read_text() == "new"
    assert target.stat().st_mode & 0o777 == 0o640


def test_failure_leaves_old_content_and_no_temp_file(tmp_path):
    target = tmp_path / "keep.txt"
    target.write_text("old")

    with pytest.raises(TypeError):
        atomic_write(target, 12345)  # not bytes or str: the write fails mid-way
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


# --- Temps left by killed writers, the folder lock, transactions: real processes -----------------

import fcntl  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import textwrap  # noqa: E402
import time  # noqa: E402

from leadgraph import resources  # noqa: E402
from leadgraph.errors import DataError, UsageError  # noqa: E402
from leadgraph.fileio import JOURNAL_NAME, locked, recover, remove_stale_temps, transaction  # noqa: E402


def _run(args: list[str], cwd, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LEADGRAPH_TEST_")}
    return subprocess.run(args, cwd=cwd, env={**clean, **(env or {})}, capture_output=True, text=True, timeout=300)


def _age(path, seconds: float = 60) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_a_killed_export_leaves_a_temp_that_the_next_write_removes(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(resources.data_dir(), data)
    export = [sys.executable, "-m", "leadgraph", "--data", str(data), "export", "--format", "nt", "-o", "out/all.nt"]
    killed = _run(export, tmp_path, {"LEADGRAPH_TEST_CRASH_BEFORE_RENAME": "1"})
    assert killed.returncode == -signal.SIGKILL
    (stray,) = (tmp_path / "out").iterdir()
    assert stray.name.startswith(".all.nt.") and stray.name.endswith(".tmp")
    _age(stray)  # as if the next export came a minute later
    again = _run(export, tmp_path)
    assert again.returncode == 0, again.stderr
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["all.nt"]


def test_a_stray_temp_in_the_output_folder_goes_with_the_next_export(tmp_path):
    """What a kill -9 of an earlier export left (its name is ours, nobody holds it)."""
    (tmp_path / "out").mkdir()
    stray = tmp_path / "out" / ".all.nt.k2x9_q7m.tmp"
    stray.write_text("half an export")
    _age(stray)
    done = _run([sys.executable, "-m", "leadgraph", "export", "--format", "nt", "-o", "out/all.nt"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["all.nt"]


def test_only_our_old_unlocked_temps_are_removed(tmp_path):
    ours_old = tmp_path / ".graph.html.abcd1234.tmp"
    ours_young = tmp_path / ".graph.html.efgh5678.tmp"
    ours_locked = tmp_path / ".graph.html.ijkl9012.tmp"
    not_ours = [tmp_path / ".notes.tmp", tmp_path / "draft.abcd1234.tmp", tmp_path / ".x.ABCD1234.tmp"]
    for path in (ours_old, ours_young, ours_locked, *not_ours):
        path.write_text("x")
    for path in (ours_old, ours_locked, *not_ours):
        _age(path)
    with open(ours_locked, "rb") as held:  # a live writer holds its temp locked
        fcntl.flock(held, fcntl.LOCK_EX)
        assert remove_stale_temps(tmp_path) == [ours_old]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in (ours_young, ours_locked, *not_ours))


def test_transaction_commits_all_files_or_none(tmp_path):
    (tmp_path / "a.ttl").write_text("old a")
    (tmp_path / "b.ttl").write_text("old b")
    with pytest.raises(RuntimeError):
        with transaction(tmp_path) as tx:
            tx.write(tmp_path / "a.ttl", "new a")
            raise RuntimeError("changed my mind")
    assert (tmp_path / "a.ttl").read_text() == "old a"
    with transaction(tmp_path) as tx:
        tx.write(tmp_path / "a.ttl", "new a")
        tx.write(tmp_path / "sub" / "c.ttl", "new c")
        tx.delete(tmp_path / "b.ttl")
        assert (tmp_path / "a.ttl").read_text() == "old a"  # nothing visible before the commit
    assert (tmp_path / "a.ttl").read_text() == "new a" and (tmp_path / "sub" / "c.ttl").read_text() == "new c"
    assert not (tmp_path / "b.ttl").exists()
    assert sorted(p.name for p in tmp_path.rglob(".*")) == [".leadgraph.lock"]


def test_transaction_refuses_paths_outside_its_folder_and_nesting(tmp_path):
    inner = tmp_path / "data"
    inner.mkdir()
    with transaction(inner) as tx:
        with pytest.raises(UsageError, match="outside that folder"):
            tx.write(tmp_path / "elsewhere.ttl", "x")
        with pytest.raises(UsageError, match="outside that folder"):
            tx.write(inner / ".." / "elsewhere.ttl", "x")
        with pytest.raises(UsageError, match="already open"):
            with transaction(inner):
                pass
    assert not (tmp_path / "elsewhere.ttl").exists()


_WRITER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from leadgraph.fileio import transaction
    folder = Path(sys.argv[1])
    with transaction(folder) as tx:
        for name in ("a.ttl", "b.ttl", "c.ttl"):
            tx.write(folder / name, "new " + name)
        if sys.argv[2] == "before-commit":
            os.kill(os.getpid(), signal.SIGKILL)
    """
)


@pytest.mark.parametrize("crash", ["0", "1", "2", "3"])
def test_a_kill_after_the_journal_is_completed_by_the_next_transaction(tmp_path, crash):
    for name in ("a.ttl", "b.ttl", "c.ttl"):
        (tmp_path / name).write_text("old " + name)
    crash_env = {"LEADGRAPH_TEST_CRASH_AFTER_RENAMES": crash}
    done = _run([sys.executable, "-c", _WRITER, str(tmp_path), "commit"], tmp_path, crash_env)
    assert done.returncode == -signal.SIGKILL
    contents = [(tmp_path / n).read_text() for n in ("a.ttl", "b.ttl", "c.ttl")]
    assert sum(c.startswith("new") for c in contents) == int(crash)  # really half-done
    assert json.loads((tmp_path / JOURNAL_NAME).read_text())["files"]
    with transaction(tmp_path) as tx:
        assert sorted(p.name for p in tx.recovered) == ["a.ttl", "b.ttl", "c.ttl"]
    assert [(tmp_path / n).read_text() for n in ("a.ttl", "b.ttl", "c.ttl")] == ["new a.ttl", "new b.ttl", "new c.ttl"]
    assert sorted(p.name for p in tmp_path.glob(".*")) == [".leadgraph.lock"]


def test_a_kill_before_the_journal_leaves_the_old_files(tmp_path):
    for name in ("a.ttl", "b.ttl", "c.ttl"):
        (tmp_path / name).write_text("old " + name)
    done = _run([sys.executable, "-c", _WRITER, str(tmp_path), "before-commit"], tmp_path)
    assert done.returncode == -signal.SIGKILL
    assert [(tmp_path / n).read_text() for n in ("a.ttl", "b.ttl", "c.ttl")] == ["old a.ttl", "old b.ttl", "old c.ttl"]
    temps = [p for p in tmp_path.glob(".*") if p.name.endswith(".leadgraph-txn")]
    assert len(temps) == 3
    assert recover(tmp_path) == []  # no journal: nothing to complete
    for temp in temps:
        _age(temp)
    with transaction(tmp_path):  # the next transaction clears what the dead one left
        pass
    assert sorted(p.name for p in tmp_path.glob(".*")) == [".leadgraph.lock"]
    assert [(tmp_path / n).read_text() for n in ("a.ttl", "b.ttl", "c.ttl")] == ["old a.ttl", "old b.ttl", "old c.ttl"]


def test_a_damaged_journal_is_one_line_naming_it(tmp_path):
    (tmp_path / JOURNAL_NAME).write_text('{"files": [{"target": "../../etc/passwd", "temp": "x"}]}')
    with pytest.raises(DataError, match="journal of an interrupted write is damaged") as err:
        recover(tmp_path)
    assert str(err.value).startswith(str(tmp_path / JOURNAL_NAME)) and "\n" not in str(err.value)


def test_the_lock_makes_a_second_writer_wait_and_say_so(tmp_path):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom leadgraph.fileio import locked\n"
         "with locked(sys.argv[1]):\n    print('held', flush=True)\n    time.sleep(1.5)\n", str(tmp_path)],
        stdout=subprocess.PIPE, text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    said: list[str] = []
    started = time.monotonic()
    with locked(tmp_path, notice_after=0.2, notify=said.append):
        waited = time.monotonic() - started
    holder.wait(timeout=60)
    assert waited > 0.5
    assert len(said) == 1 and "waiting for another leadgraph write to finish" in said[0]
    assert f"process {holder.pid}" in said[0] and str(tmp_path / ".leadgraph.lock") in said[0]


def test_an_unwritable_folder_is_a_one_line_data_error(tmp_path):
    missing = tmp_path / "no-such-folder"
    with pytest.raises(DataError, match="no such folder"):
        with transaction(missing):
            pass
    (tmp_path / "file").write_text("x")
    with pytest.raises(DataError, match="cannot lock the data folder"):
        with locked(tmp_path / "file"):
            pass


def test_a_rename_that_fails_keeps_the_journal_and_its_temps_for_the_next_transaction(tmp_path):
    for name in ("a.ttl", "b.ttl"):
        (tmp_path / name).write_text("old " + name)
    with pytest.raises(DataError, match="cannot replace file") as err:
        with transaction(tmp_path) as tx:
            tx.write(tmp_path / "a.ttl", "new a.ttl")
            tx.write(tmp_path / "b.ttl", "new b.ttl")
            (tmp_path / "b.ttl").unlink()
            (tmp_path / "b.ttl").mkdir()  # a rename over a folder fails
            tx.commit()  # inside the block, as forget does, to check the result under the lock
    assert str(err.value).startswith(str(tmp_path / "b.ttl"))
    assert (tmp_path / "a.ttl").read_text() == "new a.ttl" and (tmp_path / JOURNAL_NAME).exists()
    (tmp_path / "b.ttl").rmdir()  # the user fixes the problem
    with transaction(tmp_path) as tx:
        assert [p.name for p in tx.recovered] == ["a.ttl", "b.ttl"]
    assert (tmp_path / "b.ttl").read_text() == "new b.ttl"
    assert sorted(p.name for p in tmp_path.glob(".*")) == [".leadgraph.lock"]
