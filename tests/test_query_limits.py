"""Bounds on what one query may take: memory, stack (query size and nesting), and the
messages when the forked worker dies anyway. Real processes and real queries, no mocks."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import time
from pathlib import Path

import pytest

from leadgraph.errors import QueryError, UsageError
from leadgraph.sparql import sandbox
from leadgraph.store.memory import MemoryStore
from leadgraph.sparql.run import query
from leadgraph.sparql.safety import MAX_NESTING, MAX_OPERATORS, analyse

# Three independent patterns over ~1,200 triples, sorted: 1.9e9 rows held in memory, which
# grows by about 1 GB a second until something stops it (it reached 5.1 GB in 30 s).
CARTESIAN = "SELECT ?a ?b ?c ?d ?e ?f ?g ?h ?i WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?e ?i"
# 20,000 triple patterns: pyoxigraph 0.5.13 overflows its stack parsing it (SIGSEGV).
HUGE = "SELECT * WHERE { " + " . ".join("?s ?p ?o" for _ in range(20_000)) + " }"
DEEP = "SELECT * WHERE { " + "{ " * 3000 + "?s ?p ?o" + " }" * 3000 + " }"


def _children() -> set[int]:
    return {int(p) for task in Path("/proc/self/task").iterdir() for p in (task / "children").read_text().split()}


# -- memory -----------------------------------------------------------------------------


def test_cartesian_product_stops_at_the_memory_limit(bundled_graph):
    before = _children()
    started = time.monotonic()
    with pytest.raises(QueryError) as caught:
        query(CARTESIAN, graph=bundled_graph, max_memory="200M", timeout=60)
    assert str(caught.value) == ("query used more than 200 MB of memory "
                                 "(raise the limit with --max-memory SIZE / max_memory=...)")
    assert caught.value.remedy == "memory"
    assert time.monotonic() - started < 30  # stopped by the memory limit, not the clock
    assert _children() == before


def test_memory_limit_in_a_real_process(run_cli):
    result = run_cli("query", "-e", CARTESIAN, "--max-memory", "256M")
    assert result.exit_code == 1
    assert result.stderr == ("error: query used more than 256 MB of memory "
                             "(raise the limit with --max-memory SIZE / max_memory=...)\n")
    assert result.stdout == ""  # and none of the engine's abort noise either


def test_explicit_memory_limit_applies_without_a_time_limit(run_cli):
    result = run_cli("query", "-e", CARTESIAN, "--timeout", "0", "--max-memory", "300000000")
    assert result.exit_code == 1 and "query used more than 286 MB of memory" in result.stderr


def test_memory_limit_counts_only_what_the_query_adds(bundled_graph):
    """The child inherits the loaded graph; a small limit still leaves ordinary queries room."""
    rows = query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", graph=bundled_graph, max_memory="64M", timeout=30).rows
    assert len(rows) == len(bundled_graph)


def test_memory_sizes():
    assert sandbox.parse_size("512M") == 512 * 2**20
    assert sandbox.parse_size("2G") == sandbox.parse_size("2g") == sandbox.parse_size("2GB") == 2 * 2**30
    assert sandbox.parse_size("1.5G") == 3 * 2**29
    assert sandbox.parse_size("1048576") == sandbox.parse_size(1048576) == 2**20
    assert sandbox.parse_size("0") is None and sandbox.parse_size(None) is None
    assert sandbox.parse_size("auto") == sandbox.default_max_memory()
    for bad in ("lots", "-1", "2X", "", -5):
        with pytest.raises(UsageError, match="--max-memory"):
            sandbox.parse_size(bad)


def test_default_memory_limit_is_sized_for_the_machine():
    physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    default = sandbox.default_max_memory()
    assert default <= sandbox.MEMORY_CAP == 2 * 2**30
    assert default <= max(physical // 4, 64 * 2**20)


def test_bad_memory_option_is_a_usage_error(cli):
    result = cli("query", "cio-roles", "--max-memory", "plenty")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --max-memory: 'plenty' is not a size")
    assert cli("query", "cio-roles", "--max-memory", "512M").exit_code == 0
    assert cli("query", "cio-roles", "--max-memory", "0").exit_code == 0


def test_default_matches_the_cli():
    from leadgraph.cli import query as cli_query
    from leadgraph.sparql import run

    option = next(p for p in cli_query.query.params if p.name == "max_memory")
    assert option.default == run.DEFAULT_MAX_MEMORY == "auto"


# -- query size and nesting ---------------------------------------------------------------


@pytest.mark.parametrize("timeout", ["0", "30"])
def test_huge_query_is_refused_before_the_engine(run_cli, tmp_path, timeout):
    """20,000 patterns used to kill the worker, and with --timeout 0 the CLI itself (exit 139)."""
    path = tmp_path / "huge.rq"
    path.write_text(HUGE, encoding="utf-8")
    result = run_cli("query", str(path), "--timeout", timeout)
    assert result.exit_code == 1
    assert result.stderr == (f"error: {path}: query too large (more than {MAX_OPERATORS} operators, separators, "
                             "brackets and keywords) (split it, or pass long lists of values as VALUES or --param)\n")


@pytest.mark.parametrize("timeout", ["0", "30"])
def test_deeply_nested_query_is_refused_before_the_engine(run_cli, tmp_path, timeout):
    path = tmp_path / "deep.rq"
    path.write_text(DEEP, encoding="utf-8")
    result = run_cli("query", str(path), "--timeout", timeout)
    assert result.exit_code == 1
    assert result.stderr == (f"error: {path}:1: query too deeply nested (more than {MAX_NESTING} levels of "
                             "{ }, ( ) or [ ])\n")


def test_too_long_query_is_refused(bundled_graph):
    text = "ASK { ?s ?p ?o }" + " " * 1_000_000
    with pytest.raises(QueryError, match=r"^query too long \(1,000,016 characters; at most 1,000,000\)"):
        query(text, graph=bundled_graph)


def test_queries_at_the_bounds_still_run_in_process(bundled_graph):
    """The bounds sit well below where the engine overflows: the worst shapes just inside
    them run in this very process (no fork to hide a crash)."""
    ask = "ASK { ?s ?p ?o }"
    not_exists = "ASK { ?s ?p ?o " + "FILTER NOT EXISTS { ?s ?p ?o " * (MAX_NESTING - 1) + "}" * (MAX_NESTING - 1) + "}"
    assert query(not_exists, graph=bundled_graph, timeout=None).boolean is False
    chain = "SELECT ?x WHERE { BIND(" + " + ".join(["1"] * (MAX_OPERATORS - 10)) + " AS ?x) }"
    assert query(chain, graph=bundled_graph, timeout=None).rows == [{"x": MAX_OPERATORS - 10}]
    unions = "SELECT * WHERE { " + " UNION ".join(["{ ?s a lg:Leader }"] * 300) + " }"
    assert len(query(unions, graph=bundled_graph, timeout=None)) == 300 * 6
    assert query(ask, graph=bundled_graph, timeout=None).boolean


def test_long_values_lists_are_not_operators(bundled_graph):
    """VALUES data and IN lists are flat for the engine (measured fine at 50,000), so they
    do not count towards the bound."""
    values = " ".join(f'"v{i}"' for i in range(20_000))
    text = f"SELECT ?n WHERE {{ VALUES ?v {{ {values} }} ?p foaf:name ?n FILTER(?n = ?v) }}"
    assert query(text, graph=bundled_graph, timeout=None).rows == []
    rows = " ".join(f"({i} {i})" for i in range(5_000))
    in_list = ", ".join(str(i) for i in range(5_000))
    text = f"SELECT ?a WHERE {{ VALUES (?a ?b) {{ {rows} }} FILTER(?a IN ({in_list}) && ?a < 3) }} ORDER BY ?a"
    assert [r["a"] for r in query(text, graph=bundled_graph, timeout=None).rows] == [0, 1, 2]


def test_large_insert_data_is_not_operators(bundled_graph, tmp_path):
    triples = " . ".join(f"<https://example.org/s{i}> rdfs:label 'x{i}'" for i in range(5_000))
    output = tmp_path / "out.nt"
    result = query(f"INSERT DATA {{ {triples} }}", graph=bundled_graph, allow_update=True, update_output=output)
    assert result.summary["added"] == 5_000


def test_analysing_a_large_query_is_linear():
    """Counting lines from the start for every token made an 800 KB query take 90 s."""
    text = "SELECT * WHERE { VALUES ?x { " + "\n".join(f'"value {i}"' for i in range(60_000)) + " } }"
    started = time.monotonic()
    analyse(text)
    assert time.monotonic() - started < 15


# -- a worker that dies --------------------------------------------------------------------


def _overflow_engine() -> bytes:
    # The engine's real stack overflow, past the static bounds on purpose. The stack limit
    # is pinned so that the crash happens even where the shell's is unlimited.
    hard = resource.getrlimit(resource.RLIMIT_STACK)[1]
    soft = 8 * 2**20 if hard == resource.RLIM_INFINITY else min(8 * 2**20, hard)
    resource.setrlimit(resource.RLIMIT_STACK, (soft, hard))
    return MemoryStore().answer(DEEP)


def test_engine_stack_overflow_in_the_worker_is_a_clear_error():
    before = _children()
    with pytest.raises(QueryError) as caught:
        sandbox.run_limited(_overflow_engine, timeout=60, max_memory=None, allow_network=True)
    assert str(caught.value) == ("the query process crashed (SIGSEGV), most likely overflowing its stack on a "
                                 "very large or deeply nested query (simplify or split the query)")
    assert _children() == before


@pytest.mark.parametrize("number, expected", [
    (signal.SIGBUS, r"^the query process crashed \(SIGBUS\)"),
    (signal.SIGKILL, r"^the query process was killed \(SIGKILL\), perhaps by the system running out of memory"),
    (signal.SIGTERM, r"^the query process was killed by SIGTERM$"),
])
def test_worker_killed_by_a_signal_is_a_clear_error(number, expected):
    with pytest.raises(QueryError, match=expected):
        sandbox.run_limited(lambda: os.kill(os.getpid(), number) or b"", timeout=30, max_memory=None,
                            allow_network=True)


def test_worker_messages_on_stderr_do_not_reach_the_terminal(capfd):
    def noisy() -> bytes:
        os.write(2, b"thread panicked somewhere\n")
        os.abort()

    with pytest.raises(QueryError, match=r"^the query process was killed by SIGABRT: thread panicked somewhere$"):
        sandbox.run_limited(noisy, timeout=30, max_memory=None, allow_network=True)
    assert capfd.readouterr().err == ""


def test_python_memory_error_in_the_worker():
    with pytest.raises(QueryError, match=r"^query used more than 64 MB of memory"):
        sandbox.run_limited(lambda: bytes(2**30), timeout=30, max_memory=64 * 2**20, allow_network=True)


def test_sandbox_without_limits_runs_in_process():
    assert sandbox.run_limited(lambda: str(os.getpid()).encode(), timeout=None, max_memory=None,
                               allow_network=False) == str(os.getpid()).encode()
    assert sandbox.run_limited(lambda: str(os.getpid()).encode(), timeout=None, max_memory=2**30,
                               allow_network=True) != str(os.getpid()).encode()


# -- parameters and output ------------------------------------------------------------------


def _raw(*args: bytes, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    """Run the console script with argv bytes that are not UTF-8 (as a shell could pass)."""
    import shutil
    import sys

    script = shutil.which("leadgraph", path=str(Path(sys.executable).parent))
    env = {**os.environ, "LEADGRAPH_DEBUG": "", "LC_ALL": "C.UTF-8"}
    return subprocess.run([script.encode(), *args], input=stdin, capture_output=True, timeout=120, env=env)


def test_undecodable_param_is_a_usage_error_naming_it():
    named = _raw(b"query", b"name-search", b"--param", b"name=caf\xe9")
    assert named.returncode == 2
    assert named.stderr == b"error: parameter 'name': the value is not valid UTF-8 (byte 0xe9 at character 4)\n"
    text = _raw(b"query", b"-e", b"SELECT ?n WHERE { ?p foaf:name ?n FILTER(?n = ?who) }", b"-p", b"who=\xff")
    assert text.returncode == 2
    assert text.stderr == b"error: parameter 'who': the value is not valid UTF-8 (byte 0xff at character 1)\n"
    name = _raw(b"query", b"name-search", b"--param", b"n\xffme=x")
    assert name.returncode == 2
    assert name.stderr == b"error: --param expects NAME=VALUE with NAME a SPARQL variable name, got 'n\\xffme=x'\n"


def test_undecodable_query_text_is_one_line():
    argv = _raw(b"query", b"-e", b'ASK { ?s ?p "\xff" }')
    assert (argv.returncode, argv.stderr) == (1, b"error: the query text is not UTF-8 (at character 14)\n")
    stdin = _raw(b"query", b"-", stdin=b'ASK { ?s ?p "\xff" }')
    assert (stdin.returncode, stdin.stderr) == (1, b"error: the query on standard input is not UTF-8 text\n")


def test_api_refuses_lone_surrogates_in_params(bundled_graph):
    with pytest.raises(UsageError, match=r"^parameter 'who': the value is not valid UTF-8 \(character U\+D800"):
        query("SELECT ?n WHERE { ?p foaf:name ?n FILTER(?n = ?who) }", {"who": "\ud800"}, graph=bundled_graph)


NON_FINITE = ('SELECT ?big ?nan ?neg ?ok ?dec WHERE { VALUES (?big ?nan ?neg ?ok ?dec) { '
              '("1e999999"^^xsd:double "NaN"^^xsd:double "-INF"^^xsd:float "2.5"^^xsd:double '
              '"1e999999"^^xsd:decimal) } }')


def _strict(text: str):
    def refuse(constant: str):
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def test_json_outputs_are_always_valid_json(cli):
    expected = {"big": "INF", "nan": "NaN", "neg": "-INF", "ok": 2.5, "dec": "1E+999999"}
    as_json = cli("query", "-e", NON_FINITE, "--format", "json")
    assert as_json.exit_code == 0 and _strict(as_json.stdout) == [expected]
    as_lines = cli("query", "-e", NON_FINITE, "--format", "jsonl")
    assert as_lines.exit_code == 0 and [_strict(line) for line in as_lines.stdout.splitlines()] == [expected]
    sparql = cli("query", "-e", NON_FINITE, "--format", "sparql-json")
    bindings = _strict(sparql.stdout)["results"]["bindings"][0]
    assert bindings["big"]["value"] == "INF" and bindings["nan"]["value"] == "NaN"


def test_python_rows_keep_floats(bundled_graph):
    import math

    row = query(NON_FINITE, graph=bundled_graph).rows[0]
    assert math.isinf(row["big"]) and math.isnan(row["nan"]) and row["neg"] == -math.inf
