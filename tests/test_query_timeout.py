"""The time limit: a runaway query is stopped, its process killed, and the user told why."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from leadgraph import querying
from leadgraph.errors import QueryError
from leadgraph.querying import query

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
