"""Shared fixtures: the bundled graph (loaded once per session) and ways to run the CLI.

``cli`` runs :func:`leadgraph.cli.main` in-process through click's test runner, so the
same error handling as the console script applies; ``run_cli`` runs the real installed
``leadgraph`` console script in a subprocess.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = REPO.parent / "shared"
"""Material beside the repository in the project's workspace and in CI, not in a user's clone."""
SEED_ARTICLE = SHARED / "sources" / "000_be0095177ffe8e49.txt"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1")


def require_outside_file(path: Path) -> Path:
    """``path`` if it exists. Otherwise skip with the reason, or fail in CI (CI=true), where
    ``../shared`` is always laid beside the repository and a missing file is a real fault."""
    if not path.exists():
        reason = f"needs {path}, which sits beside the repository only in the project's workspace and CI"
        if in_ci():
            pytest.fail(f"missing in CI: {reason}", pytrace=False)
        pytest.skip(reason)
    return path


@pytest.fixture
def read_only():
    """:func:`folders_read_only`, for tests of stores that cannot be written."""
    return folders_read_only


@contextlib.contextmanager
def folders_read_only(folder: Path):
    """Every folder under ``folder`` (itself included) read-only while the block runs, for a user
    who is not root; root writes anyway, so a test also blocks the write it means another way."""
    import stat

    modes = {}
    if os.geteuid() != 0:
        for path in [folder, *folder.rglob("*")]:
            if path.is_dir():
                modes[path] = path.stat().st_mode
                path.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        yield
    finally:
        for path, mode in modes.items():
            path.chmod(mode)


@pytest.fixture(scope="session")
def oxigraph_binary() -> str:
    """The Oxigraph server binary (PyPI package ``oxigraph``, in the test extra): skips when
    missing outside CI, fails in CI."""
    found = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(found).exists():
        reason = "the oxigraph server binary is missing (pip install oxigraph: it is in the test extra)"
        if in_ci():
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return found


@pytest.fixture(scope="session")
def start_oxigraph(oxigraph_binary):
    """``with start_oxigraph(folder) as base:`` runs a read-write Oxigraph server on a free
    loopback port with its database in ``folder``, yields its base URL once it answers, and
    stops it afterwards (``base + "/query"``, ``base + "/store"``)."""
    import contextlib
    import urllib.request

    @contextlib.contextmanager
    def running(location: Path):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = subprocess.Popen([oxigraph_binary, "serve", "--location", str(location), "--bind",
                                   f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=1).read()
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        server.kill()
                        pytest.fail(f"oxigraph server did not start: {server.stderr.read().decode()[:500]}")
                    time.sleep(0.1)
            yield base
        finally:
            server.terminate()
            server.wait(timeout=10)

    return running


@pytest.fixture(scope="session")
def seed_article() -> str:
    """The seed article's text (see :func:`require_outside_file`)."""
    return require_outside_file(SEED_ARTICLE).read_text(encoding="utf-8")


@dataclass
class CliResult:
    """What a CLI run produced; ``stdout``/``stderr`` are text."""

    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def bundled_graph():
    """The ontology plus the bundled data, loaded once. Tests must not modify it."""
    from leadgraph.loading import load

    return load()


@pytest.fixture(scope="session")
def mini_graph():
    """The ontology's classes plus the fictional tests/fixtures/export/mini.ttl (projection,
    selection and export tests), loaded once. Tests must not modify it."""
    from leadgraph import resources
    from leadgraph.loading import load_files

    return load_files([resources.ontology_dir() / "leadgraph.ttl", FIXTURES / "export" / "mini.ttl"])


@pytest.fixture
def cli():
    """Run ``leadgraph ARGS...`` in-process through ``main()`` and click's runner."""
    from leadgraph.cli import main

    def invoke(*args: str) -> CliResult:
        runner = CliRunner()
        with runner.isolation() as (out, err, _):
            try:
                main(list(args))
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            return CliResult(code, out.getvalue().decode(), err.getvalue().decode())

    return invoke


def _console_script() -> str:
    # The script installed next to the interpreter running the tests (the project's venv).
    found = shutil.which("leadgraph", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail("the leadgraph console script is not installed: run `make test`")
    return found


@pytest.fixture
def run_cli():
    """Run the real ``leadgraph`` console script in a subprocess."""
    script = _console_script()

    def run(*args: str, cwd: Path | None = None, timeout: float = 120) -> CliResult:
        env = {**os.environ, "LEADGRAPH_DEBUG": ""}  # the user's view: no tracebacks
        proc = subprocess.run(
            [script, *args],
            cwd=cwd or REPO,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
        )
        return CliResult(proc.returncode, proc.stdout, proc.stderr)

    return run


README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.fixture(scope="session")
def readme_section():
    """A function: the text of the README's ``## title`` section, up to the next ``## `` heading."""

    def section(title: str) -> str:
        text = README.read_text(encoding="utf-8")
        start = text.index(f"\n## {title}\n")
        end = text.find("\n## ", start + 1)
        return text[start : end if end != -1 else len(text)]

    return section


@pytest.fixture(scope="session")
def mini(mini_graph):
    """Short name for :func:`mini_graph` in the projection, selection and export tests."""
    return mini_graph


@pytest.fixture(scope="session")
def net(mini):
    """The fictional mini graph projected to networkx (shared; tests must not modify it)."""
    from leadgraph.network.projection import to_networkx

    return to_networkx(mini)


class Listener:
    """A live TCP server on loopback that records every connection it receives (the first bytes
    of each). A query that reached the network would connect here; the tests count."""

    def __init__(self):
        self._server = socket.socket()
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(16)
        self._server.settimeout(0.2)
        self.port = self._server.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.seen: list[bytes] = []
        self._taken = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    self.seen.append(conn.recv(4096))
                except OSError:
                    self.seen.append(b"")
                conn.sendall(b"HTTP/1.1 500 Nope\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

    def take(self, wait: float = 0.6) -> int:
        """Connections since the last call, after a short bounded wait for late ones."""
        time.sleep(wait)
        count = len(self.seen) - self._taken
        self._taken = len(self.seen)
        return count

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self._server.close()


@pytest.fixture(scope="module")
def listener():
    """A :class:`Listener` for the module's tests, closed afterwards."""
    server = Listener()
    yield server
    server.close()
