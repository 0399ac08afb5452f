"""`leadgraph validate` / `leadgraph stats`, and the CLI's error handling, in-process and as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from leadgraph.loading import load
from leadgraph.statistics import stats

FIXTURES = Path(__file__).parent / "fixtures"
MALFORMED = FIXTURES / "malformed"

# (argument given to --data, expected start of the one error line)
MALFORMED_CLI = [
    (MALFORMED / "syntax-error.ttl", f"error: {MALFORMED / 'syntax-error.ttl'}:6: syntax error:"),
    (MALFORMED / "bad-iri.ttl", f"error: {MALFORMED / 'bad-iri.ttl'}:5: bad IRI"),
    (MALFORMED / "invalid-utf8.ttl", f"error: {MALFORMED / 'invalid-utf8.ttl'}:6: invalid UTF-8"),
    (MALFORMED / "empty.ttl", f"error: {MALFORMED / 'empty.ttl'}:1: file is empty"),
    (MALFORMED / "notes.txt", f"error: {MALFORMED / 'notes.txt'}: unknown file extension"),
    (Path("no-such-folder"), "error: no-such-folder: no such file or folder"),
]
MALFORMED_IDS = ["syntax", "bad-iri", "utf8", "empty", "extension", "missing"]


def test_validate_bundled(cli):
    result = cli("validate")
    graph = load()
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout == f"conforms: {len(graph)} triples from {len(graph.paths)} files\n"
    assert result.stderr == ""


def test_validate_failure_report(cli):
    result = cli("--data", str(FIXTURES / "invalid" / "membership-no-source.ttl"), "validate")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("does not conform: 1 problem")
    assert "- error: lgd:test-membership" in lines
    assert "    path:    prov:wasDerivedFrom" in lines
    assert "    message: a role must name its source (prov:wasDerivedFrom)" in lines


def test_validate_json(cli):
    result = cli("--data", str(FIXTURES / "invalid" / "ods-space.ttl"), "validate", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["conforms"] is False
    assert [(r["focus_node"], r["path"], r["value"]) for r in report["results"]] == [
        ("lgd:test-trust", "lg:odsCode", "'R 5'")
    ]


def test_validate_repeated_data_option(cli, repo):
    result = cli("--data", str(repo / "data"), "--data", str(FIXTURES / "valid" / "minimal.ttl"), "validate")
    graph = load([repo / "data", FIXTURES / "valid" / "minimal.ttl"])
    assert len(graph.data_paths) == len(load().data_paths) + 1
    assert result.exit_code == 0, result.stdout
    assert result.stdout.strip() == f"conforms: {len(graph)} triples from {len(graph.paths)} files"


def test_stats_table(cli, bundled_graph):
    result = cli("stats")
    expected = stats(bundled_graph)
    assert result.exit_code == 0
    assert result.stdout == expected.table() + "\n"


def test_stats_json(cli, bundled_graph):
    result = cli("stats", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == stats(bundled_graph).to_dict()


@pytest.mark.parametrize("data,expected", MALFORMED_CLI, ids=MALFORMED_IDS)
@pytest.mark.parametrize("command", ["validate", "stats"])
def test_malformed_input_in_process(cli, command, data, expected):
    result = cli("--data", str(data), command)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(expected)


@pytest.mark.parametrize("data,expected", MALFORMED_CLI, ids=MALFORMED_IDS)
def test_malformed_input_real_process(run_cli, data, expected):
    result = run_cli("--data", str(data), "validate")
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith(expected)


def test_real_process_validate_and_stats(run_cli):
    ok = run_cli("validate")
    assert ok.exit_code == 0 and ok.stdout.startswith("conforms: ")
    bad = run_cli("--data", str(FIXTURES / "invalid" / "ods-lowercase.ttl"), "validate")
    assert bad.exit_code == 1 and "lg:odsCode" in bad.stdout and bad.stderr == ""
    table = run_cli("stats")
    assert table.exit_code == 0 and table.stdout.startswith("triples ")


@pytest.mark.parametrize(
    "args",
    [["stats", "--format", "xml"], ["validate", "--format", "table"], ["no-such-command"], ["stats", "extra"]],
)
def test_usage_errors_exit_2(cli, args):
    result = cli(*args)
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr


HUGE = "x" * 100_000


@pytest.mark.parametrize("args", [
    ["analyse", "path", "Phill James", HUGE],
    ["analyse", "mentors", HUGE],
    ["forget", HUGE, "--dry-run"],
    ["merge", HUGE, "Phill James", "--dry-run"],
    ["query", "cio-roles", "--as-of", HUGE],
    ["query", HUGE],  # a name too long for the file system: no named query, not an OS error
    ["query", "history", "--param", f"person={HUGE}"],
    ["viz", "--focus", HUGE, "-o", "never.html"],
])
def test_a_huge_argument_is_one_short_line_and_exit_2(cli, args):
    # The name is shown by its start and length, never echoed whole (100,000 characters of error).
    result = cli(*args)
    assert result.exit_code == 2, result.stderr[:300]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and len(lines[0]) < 2100, lines[0][:300]
    assert "…" in lines[0] and "(100,000 characters)" in lines[0]
    assert "Traceback" not in result.stderr


def test_one_line_keeps_short_messages_whole():
    from leadgraph.cli import one_line

    assert one_line("person 'Nobody' names no person\nin the graph") == "person 'Nobody' names no person in the graph"
    assert one_line("x" * 5000).endswith("… (5,000 characters in all)")


def test_usage_error_real_process(run_cli):
    result = run_cli("stats", "--format", "xml")
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.stderr


def _command_names() -> list[str]:
    from leadgraph.cli import COMMANDS

    return [name for _, name in COMMANDS]


@pytest.mark.parametrize("command", _command_names())
def test_every_command_help_has_examples(cli, command):
    result = cli(command, "--help")
    assert result.exit_code == 0
    examples = result.stdout.split("Examples:", 1)[1]
    assert f"leadgraph {command}" in examples or f"leadgraph --data my-data/ {command}" in examples


def test_group_help_has_examples_and_exit_codes(cli):
    result = cli("--help")
    assert result.exit_code == 0
    assert "Examples:" in result.stdout
    assert "Exit codes: 0 ok, 1 data or validation problem, 2 usage problem." in result.stdout


def test_help_lists_every_command_without_heavy_imports():
    # Listing commands imports their (click-only) modules, never the library behind them.
    proc = _start_up("from leadgraph.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n")
    assert proc.stderr.splitlines()[-3] == "[]"
    listed = proc.stdout.split("Commands:", 1)[1].split()
    assert all(name in listed for name in _command_names())
    library = [m for m in proc.stderr.splitlines()[-1].strip("[]").split(", ") if m]
    assert library == [], library


def test_a_command_runs_without_importing_the_others():
    proc = _start_up("from leadgraph.cli import main\ntry:\n    main(['docs', '--help'])\nexcept SystemExit:\n    pass\n")
    assert proc.stderr.splitlines()[-2] == "['leadgraph.cli.docs']"


def test_version(cli):
    from leadgraph import __version__

    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"leadgraph, version {__version__}"


def test_python_dash_m(repo):
    proc = subprocess.run(
        [sys.executable, "-m", "leadgraph", "stats", "--format", "json"], cwd=repo, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["triples"] > 0


def _start_up(code: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter; stderr's last three lines list the heavy libraries,
    the command modules and the library modules (outside the CLI) it imported."""
    report = (
        "\nimport sys\n"
        "heavy = {'rdflib', 'pyshacl', 'networkx', 'pyvis', 'numpy', 'scipy', 'oxrdflib'}\n"
        "print(sorted(heavy & set(sys.modules)), file=sys.stderr)\n"
        "print(sorted(m for m in sys.modules if m.startswith('leadgraph.cli.') and m != 'leadgraph.cli.options'),"
        " file=sys.stderr)\n"
        "print(sorted(m for m in sys.modules if m.startswith('leadgraph.') and not m.startswith('leadgraph.cli')"
        " and m not in ('leadgraph.errors', 'leadgraph.__main__', 'leadgraph.docs')), file=sys.stderr)\n"
    )
    return subprocess.run([sys.executable, "-c", code + report], capture_output=True, text=True, check=True)


def test_start_up_imports_no_heavy_libraries():
    # `leadgraph --help` must stay fast: building the CLI may import click, not rdflib & co.
    assert _start_up("from leadgraph.cli import cli").stderr.splitlines()[-3] == "[]"


def test_broken_pipe_is_quiet(repo):
    script = Path(sys.executable).parent / "leadgraph"
    proc = subprocess.run(
        f"'{script}' stats | head -n 1", shell=True, cwd=repo, capture_output=True, text=True
    )
    assert proc.stdout.startswith("triples ")
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr
