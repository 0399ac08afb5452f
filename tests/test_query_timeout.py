"""The time limit: a runaway query is stopped, its process killed, and the user told why."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from leadgraph.sparql import run as querying
from leadgraph.sparql import sandbox
from leadgraph.errors import QueryError
from leadgraph.sparql.run import query

# Five independent triple patterns over ~1,200 triples: about 2.8e15 combinations to count,
# which would run for days.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


def _children() -> set[int]:
    pids: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        text = (task / "children").read_text()
        pids |= {int(p) for p in text.split()}
    return pids


def test_runaway_query_stops_at_the_limit(bundled_graph):
    before = _children()
    started = time.monotonic()
    with pytest.raises(QueryError, match=r"^query timed out after 1\.5 s \(raise the limit with --timeout"):
        query(RUNAWAY, graph=bundled_graph, timeout=1.5)
    elapsed = time.monotonic() - started
    assert 1.5 <= elapsed < 10
    assert _children() == before  # the child was killed and reaped: no zombie left


def test_runaway_query_in_a_real_process(run_cli):
    started = time.monotonic()
    result = run_cli("query", "-e", RUNAWAY, "--timeout", "1")
    assert result.exit_code == 1
    assert result.stderr.strip() == ("error: query timed out after 1 s (raise the limit with --timeout SECONDS / "
                                     "timeout=...)")
    assert time.monotonic() - started < 20


def test_named_query_file_in_timeout_message(tmp_path, cli):
    path = tmp_path / "slow.rq"
    path.write_text(RUNAWAY, encoding="utf-8")
    result = cli("query", str(path), "--timeout", "0.5")
    assert result.exit_code == 1 and result.stderr.startswith(f"error: {path}: query timed out after 0.5 s")


def test_answers_cross_the_pipe_intact(bundled_graph):
    """A result far bigger than a pipe's buffer arrives whole and equal to the in-process answer."""
    text = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
    forked = query(text, graph=bundled_graph, timeout=30)
    direct = query(text, graph=bundled_graph, timeout=None)
    assert len(forked.payload) > 256 * 1024
    assert forked.rows == direct.rows and len(forked) == len(bundled_graph)


def test_no_limit_runs_in_process_and_a_limit_forks():
    assert querying._guarded(lambda: str(os.getpid()).encode(), None, False, None) == str(os.getpid()).encode()
    assert querying._guarded(lambda: str(os.getpid()).encode(), 10, True, None) != str(os.getpid()).encode()


def test_errors_and_crashes_in_the_child_are_reported():
    def broken() -> bytes:
        raise OSError("disk on fire")

    with pytest.raises(QueryError, match="query failed: disk on fire"):
        querying._guarded(broken, 10, True, None)
    with pytest.raises(QueryError, match=r"the query process ended unexpectedly \(exit status 3\)"):
        querying._guarded(lambda: os._exit(3), 10, True, None)


def test_zero_means_no_limit_in_the_cli(cli):
    result = cli("query", "cio-roles", "--timeout", "0")
    assert result.exit_code == 0 and "Phill James" in result.stdout
    bad = cli("query", "cio-roles", "--timeout", "-1")
    assert bad.exit_code == 2


def _state(pid: int) -> str | None:
    """The process's state letter (R, S, Z...), or None once it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return None


def _wait_for(condition, seconds: float) -> bool:
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_killing_leadgraph_does_not_leave_the_query_running():
    """The forked child dies with its parent instead of running on unsupervised."""
    import shutil
    import signal
    import subprocess
    import sys

    script = shutil.which("leadgraph", path=str(Path(sys.executable).parent))
    parent = subprocess.Popen([script, "query", "-e", RUNAWAY, "--timeout", "600"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    child = None
    try:
        children = Path(f"/proc/{parent.pid}/task/{parent.pid}/children")
        assert _wait_for(lambda: children.read_text().split() != [], 20), "the query never forked"
        child = int(children.read_text().split()[0])
        assert _state(child) in ("R", "S", "D")
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        # Gone, or a zombie waiting for init to reap it: either way no longer running.
        assert _wait_for(lambda: _state(child) in (None, "Z"), 5), f"child {child} still {_state(child)}"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        if child is not None and _state(child) not in (None, "Z"):
            os.kill(child, signal.SIGKILL)  # only when the test failed: leave nothing running


def test_child_stops_itself_after_its_deadline():
    """Even a parent that never kills it cannot leave the child running past the limit."""
    import signal

    pid = os.fork()
    if pid == 0:
        try:
            sandbox._outlive_no_one(0.2, os.getppid())
            time.sleep(30)
        finally:
            os._exit(0)
    started = time.monotonic()
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGALRM
    assert time.monotonic() - started < 10


def test_interrupt_while_waiting_kills_and_reaps_the_child():
    import signal

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    before = _children()
    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 0.3)
    try:
        with pytest.raises(KeyboardInterrupt):
            querying._guarded(lambda: time.sleep(30) or b"", 60, True, None)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert _children() == before
