"""Run one piece of work in a forked child process with a time limit, a memory limit and no network.

>>> import os
>>> run_limited(lambda: b"answer", timeout=5, max_memory=256 * 2**20, allow_network=False)
b'answer'
>>> run_limited(lambda: bytes(2**30), timeout=5, max_memory=64 * 2**20, allow_network=True)
Traceback (most recent call last):
...
leadgraph.errors.QueryError: query used more than 64 MB of memory (raise the limit with --max-memory SIZE / max_memory=...)

Why a forked child: Oxigraph has no query timeout and no memory cap, its Rust code
ignores Python signals, and a thread cannot be stopped. ``os.fork`` copies the
already-loaded interpreter and graph in a few milliseconds (a fresh subprocess would pay
the 0.3-1 s start-up again); the child sends its answer back over a pipe and the parent
kills it when the deadline passes. What the child is given:

* **A deadline, twice.** The parent kills it at the deadline; the kernel also delivers
  SIGALRM a second later, so a child whose parent was stopped cannot run on.
* **Death with its parent** (Linux ``PR_SET_PDEATHSIG``): killing ``leadgraph`` never
  leaves a query running, and Ctrl-C in the parent kills and reaps the child.
* **A memory limit**: ``RLIMIT_DATA`` set to what the child already holds plus
  ``max_memory``. Measured with pyoxigraph 0.5.13 on a three-way cartesian product
  with ORDER BY (it grows by about 1 GB a second): ``RLIMIT_DATA`` and ``RLIMIT_AS``
  both stop it at the limit, the engine printing ``memory allocation of N bytes
  failed`` and aborting. ``RLIMIT_DATA`` is the one used because it counts only
  writable private memory (heap and anonymous mappings, Linux 4.7+), not shared
  libraries, file mappings or address space merely reserved, so the limit means the
  memory the query actually takes. The child's stderr goes to a pipe, so that message
  (and Rust's backtrace noise) reaches the parent instead of the user's terminal.
* **No network** unless allowed: a fresh, empty network namespace where unprivileged
  user namespaces are available (Linux), behind the static checks in
  :mod:`leadgraph.sparql.safety`.

Where ``os.fork`` is missing (Windows) the work runs in-process without limits; where
``/proc`` is missing the memory limit is skipped. The child holds only the forking
thread, so a multi-threaded program that would rather not fork can run the work
in-process by passing no limits.
"""

from __future__ import annotations

import faulthandler
import functools
import json
import os
import re
import select
import signal
import time
from collections.abc import Callable

from leadgraph.errors import QueryError, UsageError

MEMORY_CAP = 2 * 2**30
"""The default memory limit never exceeds this (2 GB)..."""
MEMORY_SHARE = 4
"""...nor a quarter of the machine's (or container's) memory."""

_OK, _FAIL, _NO_MEMORY = b"ok\n", b"error\n", b"memory\n"
_KEPT_STDERR = 64 * 1024  # enough for the engine's last words, bounded if it babbles
_SIZE = re.compile(r"(\d+(?:\.\d+)?|\.\d+)\s*([KMGT]?)(?:I?B)?", re.IGNORECASE)
_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


class WorkFailed(QueryError):
    """The work raised an exception (in the child or in-process): ``kind`` is its class
    name and ``detail`` its message, so a caller can reword it."""

    def __init__(self, kind: str, detail: str):
        detail = " ".join(detail.split())
        super().__init__(f"query failed: {detail}")
        self.kind, self.detail = kind, detail


def run_limited(
    work: Callable[[], bytes],
    *,
    timeout: float | None,
    max_memory: int | None,
    allow_network: bool,
) -> bytes:
    """Return what ``work()`` returns, computed in a forked child within the limits.

    ``timeout`` is in seconds and ``max_memory`` in bytes; ``None`` or ``0`` means no
    limit of that kind, and with neither limit ``work`` runs in-process (as it does
    where ``os.fork`` is missing). Raises :class:`QueryError` when a limit is passed
    (``remedy`` ``"timeout"`` or ``"memory"``) or the child dies, and
    :class:`WorkFailed` when ``work`` raises.

    >>> run_limited(lambda: b"ok", timeout=None, max_memory=None, allow_network=False)
    b'ok'
    >>> run_limited(lambda: os._exit(3), timeout=5, max_memory=None, allow_network=True)
    Traceback (most recent call last):
    ...
    leadgraph.errors.QueryError: the query process ended unexpectedly (exit status 3)
    """
    timeout = float(timeout) if timeout else None
    max_memory = int(max_memory) if max_memory else None
    if (timeout is None and max_memory is None) or not hasattr(os, "fork"):
        try:
            return work()
        except MemoryError:
            raise QueryError("query ran out of memory") from None
        except Exception as exc:
            raise WorkFailed(type(exc).__name__, str(exc)) from None
    return _in_child(work, timeout, max_memory, allow_network)


def _in_child(work: Callable[[], bytes], timeout: float | None, max_memory: int | None,
              allow_network: bool) -> bytes:
    answer_read, answer_write = os.pipe()
    stderr_read, stderr_write = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: never return into the caller's code
        try:
            os.close(answer_read)
            os.close(stderr_read)
            os.dup2(stderr_write, 2)
            os.close(stderr_write)
            # faulthandler (pytest, PYTHONFAULTHANDLER) writes to its own copy of the old
            # stderr: a crash here is the parent's to report, in one line.
            faulthandler.disable()
            _outlive_no_one(timeout, parent)
            if max_memory is not None:
                limit_memory(max_memory)
            if not allow_network:
                isolate_network()
            _answer(work, answer_write)
        finally:
            os._exit(0)  # skip atexit handlers and the parent's buffered output
    os.close(answer_write)
    os.close(stderr_write)
    answer, stderr, finished = _collect(answer_read, stderr_read, pid, timeout)
    status = os.waitpid(pid, 0)[1] if finished else _reap(pid, killed=True)
    if not finished:
        raise _timed_out(timeout)
    if answer.startswith(_OK):
        return answer[len(_OK):]
    if answer.startswith(_FAIL):
        error = json.loads(answer[len(_FAIL):])
        raise WorkFailed(error["type"], error["message"])
    if answer.startswith(_NO_MEMORY) or b"memory allocation of" in stderr:
        raise _out_of_memory(max_memory)
    raise _died(status, stderr, timeout)


def _answer(work: Callable[[], bytes], fd: int) -> None:
    """Child side: send ``_OK`` + the answer, or what went wrong."""
    try:
        body = work()
        head = _OK
    except MemoryError:
        _write_all(fd, _NO_MEMORY)  # no room left to describe it
        return
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
        body = json.dumps({"type": type(exc).__name__, "message": str(exc)}).encode()
        head = _FAIL
    _write_all(fd, head, body)  # two writes: joining them would copy a large answer


def _collect(answer_fd: int, stderr_fd: int, pid: int, timeout: float | None) -> tuple[bytes, bytes, bool]:
    """Read the child's answer and stderr until both close or the deadline passes."""
    answer: list[bytes] = []
    stderr = bytearray()
    open_fds = [answer_fd, stderr_fd]
    deadline = None if timeout is None else time.monotonic() + timeout
    try:
        while open_fds:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return b"".join(answer), bytes(stderr), False
            ready, _, _ = select.select(open_fds, [], [], left)
            for fd in ready:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    open_fds.remove(fd)
                elif fd == answer_fd:
                    answer.append(chunk)
                else:
                    stderr += chunk
                    del stderr[:-_KEPT_STDERR]
    except BaseException:
        # Ctrl-C or any other exception while waiting: no child left running or unreaped.
        _reap(pid, killed=True)
        raise
    finally:
        os.close(answer_fd)
        os.close(stderr_fd)
    return b"".join(answer), bytes(stderr), True


def _reap(pid: int, *, killed: bool) -> int:
    if killed:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return os.waitpid(pid, 0)[1]


def _timed_out(timeout: float | None) -> QueryError:
    return QueryError(f"query timed out after {timeout:g} s",
                      hint="raise the limit with --timeout SECONDS / timeout=...", remedy="timeout")


def _out_of_memory(max_memory: int | None) -> QueryError:
    if max_memory is None:
        return QueryError("query ran out of memory")
    return QueryError(f"query used more than {format_size(max_memory)} of memory",
                      hint="raise the limit with --max-memory SIZE / max_memory=...", remedy="memory")


def _died(status: int, stderr: bytes, timeout: float | None) -> QueryError:
    if not os.WIFSIGNALED(status):
        return QueryError(f"the query process ended unexpectedly (exit status {os.waitstatus_to_exitcode(status)})")
    number = os.WTERMSIG(status)
    if number == signal.SIGALRM:  # the child's own backstop deadline
        return _timed_out(timeout)
    name = signal.Signals(number).name if number in signal.valid_signals() else f"signal {number}"
    if number in (signal.SIGSEGV, signal.SIGBUS) or b"overflowed its stack" in stderr:
        return QueryError(f"the query process crashed ({name}), most likely overflowing its stack on a very "
                          "large or deeply nested query", hint="simplify or split the query")
    if number == signal.SIGKILL:
        return QueryError("the query process was killed (SIGKILL), perhaps by the system running out of memory",
                          hint="lower --max-memory SIZE / max_memory=...", remedy="memory")
    last = stderr.decode("utf-8", "replace").strip().splitlines()
    said = f": {' '.join(last[-1].split())[:200]}" if last else ""
    return QueryError(f"the query process was killed by {name}{said}")


def _outlive_no_one(timeout: float | None, parent: int) -> None:
    """Make sure the child ends even if its parent is killed and can no longer enforce the limit.

    The kernel delivers SIGALRM (default action: terminate, whatever the Rust engine is
    doing) a second after the deadline; on Linux the child is also killed the moment its
    parent dies.
    """
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    if timeout is not None:
        signal.setitimer(signal.ITIMER_REAL, timeout + 1.0)
    die_with(parent)


def die_with(parent: int) -> None:
    """Child side: on Linux, be killed the moment ``parent`` dies; exit now if it already has."""
    if os.uname().sysname == "Linux":
        try:
            import ctypes

            pr_set_pdeathsig = 1
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def limit_memory(max_memory: int) -> None:
    """Child side: let this process allocate ``max_memory`` bytes more than it holds now.

    The base is what the fork inherited (interpreter and loaded graph, shared
    copy-on-write with the parent), so the limit is the query's own, whatever the size
    of the graph.
    """
    held = _data_size()
    if held is None:
        return
    import resource  # not on Windows, which has no fork either

    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    limit = held + max_memory
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def _data_size() -> int | None:
    """This process's RLIMIT_DATA-counted memory in bytes (VmData), or None without /proc."""
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmData:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _write_all(fd: int, *parts: bytes) -> None:
    for data in parts:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    os.close(fd)


def isolate_network() -> None:
    """Best effort, Linux only: move this (child) process into an empty network namespace.

    Defence in depth behind the static checks; where unprivileged user namespaces are
    disabled this silently does nothing.
    """
    if os.uname().sysname != "Linux":
        return
    clone_newuser, clone_newnet = 0x10000000, 0x40000000
    try:
        unshare = getattr(os, "unshare", None)  # Python 3.12+; saves importing ctypes (4 ms)
        if unshare is None:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            if libc.unshare(clone_newuser | clone_newnet) != 0:
                libc.unshare(clone_newnet)
            return
        try:
            unshare(clone_newuser | clone_newnet)
        except OSError:
            unshare(clone_newnet)
    except (OSError, AttributeError):
        pass


# -- sizes -------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)  # the machine does not change: read its size once
def default_max_memory() -> int:
    """The memory limit when none is given: a quarter of the machine's memory (or of the
    container's limit, if lower), at most :data:`MEMORY_CAP`."""
    total = physical_memory()
    return MEMORY_CAP if total is None else max(64 * 2**20, min(MEMORY_CAP, total // MEMORY_SHARE))


def physical_memory() -> int | None:
    """The machine's memory in bytes, or its container's limit when lower; ``None`` if unknown."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        total = None
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            with open(path, encoding="ascii") as f:
                text = f.read().strip()
        except OSError:
            continue
        if text.isdigit() and (total is None or int(text) < total):
            total = int(text)
    return total


def parse_size(value: int | str | None) -> int | None:
    """Bytes for a size: an ``int``, or text such as ``512M``, ``2G``, ``1.5GB``, ``300000``
    (K, M, G, T are powers of 1024); ``"auto"`` is :func:`default_max_memory`; ``None``,
    ``0`` and ``"none"`` mean no limit (``None``).

    >>> parse_size("512M"), parse_size("2G"), parse_size("1048576"), parse_size("0")
    (536870912, 2147483648, 1048576, None)
    >>> parse_size("lots")
    Traceback (most recent call last):
    ...
    leadgraph.errors.UsageError: --max-memory: 'lots' is not a size (write bytes, or a number with K, M or G: 512M, 2G; 0 for no limit)
    """
    if value is None or value is False:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise UsageError(f"--max-memory: a size cannot be negative ({value})")
        return value or None
    if not isinstance(value, str):
        raise UsageError(f"--max-memory: a size is bytes (int) or text such as '2G', not {type(value).__name__}")
    text = value.strip()
    if text.lower() == "auto":
        return default_max_memory()
    if text.lower() == "none":
        return None
    match = _SIZE.fullmatch(text)
    if match is None:
        raise UsageError(f"--max-memory: {value!r} is not a size (write bytes, or a number with K, M or G: "
                         "512M, 2G; 0 for no limit)")
    return int(float(match.group(1)) * _UNITS[match.group(2).upper()]) or None


def format_size(size: int) -> str:
    """``size`` bytes as people say it.

    >>> format_size(2 * 2**30), format_size(512 * 2**20), format_size(1536)
    ('2.0 GB', '512 MB', '1536 bytes')
    """
    if size >= 2**30:
        return f"{size / 2**30:.1f} GB"
    if size >= 2**20:
        return f"{size / 2**20:.0f} MB"
    return f"{size} bytes"
