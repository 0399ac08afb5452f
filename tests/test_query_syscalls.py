"""The kernel's view of a query: every socket and file the real ``leadgraph query`` process
and its forked child ask for, traced with strace.

Python audit hooks cannot see the Oxigraph engine (Rust code calls the kernel directly), so
this is the check that covers the engine itself: with the network not allowed no query
opens a socket, and no query opens a file outside the program, its data and the system's
libraries -- not even one whose IRI it names. A positive control proves the trace does see
the engine's own connections.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
STRACE = shutil.which("strace")
SCRIPT = shutil.which("leadgraph", path=str(Path(sys.executable).parent))

# CI installs strace (.ci/run), so there a missing strace is a failure, never a silent skip
# (CI=true or 1, as the browser tests read it).
IN_CI = os.environ.get("CI", "").lower() in ("true", "1")
if STRACE is None and IN_CI:
    raise RuntimeError("strace is not installed: .ci/run should have installed it")
pytestmark = pytest.mark.skipif(STRACE is None, reason="strace is not installed")

# Where a Python program legitimately reads from: itself, its interpreter, system libraries,
# the kernel's pseudo-files. Anything else (/etc/passwd, $HOME, /tmp) is a finding.
ALLOWED = [REPO, Path(sys.prefix), Path(sys.base_prefix), Path(sys.prefix).resolve(),
           Path(sys.base_prefix).resolve(), Path("/usr"), Path("/lib"), Path("/lib64"), Path("/proc"),
           Path("/sys"), Path("/dev"), Path("/etc/ld.so.cache"), Path("/etc/localtime")]


@pytest.fixture(scope="module")
def canary(tmp_path_factory):
    """A file with a secret in it: no query may open it."""
    path = tmp_path_factory.mktemp("canary") / "secret.ttl"
    path.write_text("<https://e/s> <https://e/p> 'secret' .\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def port():
    """A local port held but not listened on: a connection attempt is refused at once,
    yet still shows in the trace as a connect() call."""
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    yield holder.getsockname()[1]
    holder.close()


def trace(tmp_path, *args: str) -> tuple[int, list[str], list[str]]:
    """Run leadgraph under strace -f: (exit code, network calls, files opened successfully)."""
    log = tmp_path / f"trace-{len(list(tmp_path.iterdir()))}.txt"
    done = subprocess.run([STRACE, "-f", "-qq", "-o", str(log), "-e", "trace=socket,connect,sendto,open,openat",
                           SCRIPT, *args], capture_output=True, text=True, timeout=120, cwd=REPO)
    if "ptrace" in done.stderr and "Operation not permitted" in done.stderr:
        if IN_CI:
            pytest.fail("ptrace is not permitted in CI: the kernel-level check could not run")
        pytest.skip("ptrace is not permitted here")
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    network = [line for line in lines if re.search(r"\b(socket|connect|sendto)\((AF_INET|AF_INET6|\d)", line)
               or re.search(r"\bconnect\(", line)]
    opened = []
    for line in lines:
        match = re.search(r'\bopen(?:at)?\((?:AT_FDCWD, )?"([^"]*)".*\) = \d+', line)
        if match:
            opened.append(os.path.normpath(os.path.join(REPO, match.group(1))))
    return done.returncode, network, opened


def stray(opened: list[str]) -> list[str]:
    return [p for p in opened if not any(Path(p) == root or root in Path(p).parents for root in ALLOWED)]


def test_trace_sees_the_engine_connect_when_allowed(tmp_path, port):
    """Positive control: strace does see Oxigraph's own socket calls."""
    code, network, _ = trace(tmp_path, "query", "--allow-network", "--timeout", "10", "-e",
                             f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}")
    assert code == 1
    assert any(f"htons({port})" in line for line in network), network


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ SERVICE SILENT <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "SELECT * FROM <http://127.0.0.1:{port}/g> WHERE {{ ?s ?p ?o }}",
        "SELECT * WHERE {{ <file://{canary}> ?p ?o }}",
        "DESCRIBE <file://{canary}>",
        # Allowed: an IRI built at run time is only a value; the engine never dereferences it.
        "SELECT * WHERE {{ BIND(IRI(CONCAT('file://', '{canary}')) AS ?x) OPTIONAL {{ ?x ?p ?o }} }}",
        "SELECT * WHERE {{ BIND(IRI('http://127.0.0.1:{port}/x') AS ?x) OPTIONAL {{ ?x ?p ?o }} }}",
        "ASK {{ lgd:ayesha-rahim a lg:Leader }}",
    ],
)
def test_no_socket_and_no_stray_file(query, tmp_path, port, canary):
    code, network, opened = trace(tmp_path, "query", "-e", query.format(port=port, canary=canary))
    assert code in (0, 1)
    assert network == []
    assert str(canary) not in opened
    assert stray(opened) == []
    if code == 0:  # refused queries stop before loading anything
        assert any(p.endswith(".ttl") and str(REPO / "data") in p for p in opened)  # the trace saw the load


def test_named_query_and_update_stay_inside(tmp_path):
    code, network, opened = trace(tmp_path, "query", "leaders-with-trait", "--param", "trait=lgd:trait-resilience")
    assert code == 0 and network == [] and stray(opened) == []
    out = tmp_path / "updated.ttl"
    code, network, opened = trace(tmp_path, "query", "--allow-update", "--update-output", str(out), "-e",
                                  "INSERT DATA { lgd:x rdfs:label 'x' }")
    assert code == 0 and network == []
    assert stray([p for p in opened if not p.startswith(str(tmp_path))]) == []
