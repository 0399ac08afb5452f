"""Serve the loaded graph as a read-only SPARQL 1.1 Protocol endpoint: uvicorn, and a pool of query workers.

>>> from leadgraph import load
>>> server = make_server(load(), port=0, log=None)   # port 0: any free port
>>> server.url.startswith("http://127.0.0.1:")
True
>>> server.server_close()

What a request means is decided in :mod:`leadgraph.sparql.protocol`; this module owns the
sockets, the processes and the server's life. Why it is built as it is:

* **uvicorn** (with httptools, and uvloop where installed) speaks HTTP/1.1: keep-alive, HEAD,
  and flow control, so a client that reads slowly makes the server wait instead of buffering
  its answer. The app is a plain ASGI callable: the routes are few and fixed, and a framework
  would add work to every request for nothing used.
* **Queries run in worker processes** forked from the server once the graph is loaded (so
  they share its memory, copy-on-write) and kept for the next query: forking one per query
  cost about 0.1 s at 1M triples. Each worker runs :func:`leadgraph.sparql.protocol.execute`
  -- :func:`leadgraph.sparql.run.query` in-process, with all its checks -- inside an empty
  network namespace where the kernel allows it, with its other file descriptors closed.
* **The time limit** is enforced by killing the worker (Oxigraph's Rust code cannot be
  interrupted from Python) and forking a replacement; the worker also arms SIGALRM for a
  second past the limit, and dies with the server (Linux ``PR_SET_PDEATHSIG``).
* **A client that goes away** stops its query: the request watches for the disconnect while
  it waits for a worker, and kills the worker at once.
* **Answers stream**: the worker sends a header (status, type, length) and then the body
  through a socket pair; the server passes it on in 64 KiB pieces as the client takes them,
  so a client that never reads holds a worker (at most its share, see below) but no memory in
  the server, and is dropped after ``timeout`` seconds without progress. A worker that
  produced a large answer is replaced rather than reused, returning its memory.
* **Caps**: at most ``max_concurrent`` queries run at once, and at most ``max_per_client``
  for one client address; others wait their turn up to the time limit, then get ``503``.
  One client's runaway queries cannot take every worker.
* **Stopping**: SIGTERM or Ctrl-C kill the running queries (their clients get ``503``), close
  idle connections and return within about a second.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import socket
import struct
import sys
import threading
import time
from collections.abc import Iterable
from typing import IO, Any

from leadgraph.errors import UsageError
from leadgraph.sparql.protocol import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    MAX_BODY,
    Job,
    Response,
    Settings,
    check_request,
    cors_headers,
    cors_origins,
    execute,
    is_loopback,
    prepare,
    timed_out,
)
from leadgraph.sparql.run import DEFAULT_TIMEOUT

__all__ = ["SparqlServer", "make_server", "serve", "DEFAULT_HOST", "DEFAULT_PORT", "MAX_BODY"]

CHUNK = 1 << 16
WATCH_AFTER = 0.05
"""Seconds a query runs before its client's connection is watched for a disconnect."""
RECYCLE_BYTES = 16 << 20
"""A worker that sent an answer larger than this is replaced (its memory returned)."""
_FRAME = struct.Struct("!I")
_UNSAFE_LOG = bytes.maketrans(bytes(range(32)) + b"\x7f", b"?" * 33)
_RESULT_TYPES = ("application/sparql", "text/csv", "text/tab", "text/turtle", "application/n-",
                 "application/ld", "application/rdf")


# -- worker processes -------------------------------------------------------------------------


class _Worker:
    __slots__ = ("pid", "sock", "channel", "answered")

    def __init__(self, pid: int, sock: socket.socket):
        self.pid = pid
        self.sock = sock
        self.channel: _Channel | None = None  # made in the event loop, on first use
        self.answered = 0


class _Channel(asyncio.Protocol):
    """The server's end of a worker's socket: a header future, then the body as it arrives.

    Callbacks rather than ``sock_recv`` calls in tasks: measured as the server's largest
    per-query cost. Reading pauses while more than ``2 * CHUNK`` bytes wait for a slow
    client, so a worker's answer is held by the worker (and the kernel), not the server.
    """

    def __init__(self) -> None:
        self.transport: Any = None
        self.buffer = bytearray()
        self.header: dict[str, Any] | None = None
        self.waiter: asyncio.Future | None = None
        self.closed = False
        self.paused = False

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if len(self.buffer) > 2 * CHUNK and not self.paused:
            self.paused = True
            self.transport.pause_reading()
        self._wake()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._wake()

    def _wake(self) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

    async def _more(self, gone: asyncio.Future, deadline: float | None) -> None:
        if self.closed:
            raise ConnectionError("the worker closed its socket")
        self.waiter = asyncio.get_running_loop().create_future()
        await _race(self.waiter, gone, deadline)

    async def read_header(self, gone: asyncio.Future, deadline: float | None) -> dict[str, Any]:
        while True:
            if len(self.buffer) >= _FRAME.size:
                (size,) = _FRAME.unpack_from(self.buffer)
                if len(self.buffer) >= _FRAME.size + size:
                    header = json.loads(bytes(self.buffer[_FRAME.size:_FRAME.size + size]))
                    del self.buffer[:_FRAME.size + size]
                    return header
            await self._more(gone, deadline)

    async def read(self, most: int, gone: asyncio.Future, deadline: float | None) -> bytes:
        while not self.buffer:
            await self._more(gone, deadline)
        chunk = bytes(self.buffer[:most])
        del self.buffer[:most]
        if self.paused and len(self.buffer) <= CHUNK:
            self.paused = False
            self.transport.resume_reading()
        return chunk


class _Gone(Exception):
    """The client disconnected."""


class _Late(Exception):
    """The deadline passed."""


class WorkerPool:
    """Forked processes that run queries on the graph, killed and replaced when a query must stop."""

    def __init__(self, graph: Any, settings: Settings, *, max_concurrent: int, max_per_client: int, prefork: int):
        self.graph = graph
        self.settings = settings
        self.max_concurrent = max_concurrent
        self.max_per_client = max_per_client
        self.idle: list[_Worker] = []
        self.busy: dict[int, _Worker] = {}
        self._prefork = prefork
        self._overall: asyncio.Semaphore | None = None
        self._clients: dict[str, list[Any]] = {}  # address -> [semaphore, users]
        self._closed = False
        for _ in range(min(prefork, max_concurrent)):
            self.idle.append(self._spawn())

    # Forked from the thread that runs the event loop (never a helper thread): Linux's
    # PR_SET_PDEATHSIG fires when the *thread* that forked a worker ends.
    def _spawn(self) -> _Worker:
        ours, theirs = socket.socketpair()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the worker: never returns into the server's code
            code = 0
            try:
                _worker_main(theirs.fileno(), self.graph, self.settings, parent)
            except BaseException:  # noqa: BLE001 - nothing of the server may run here
                code = 1
            finally:
                os._exit(code)
        theirs.close()
        ours.setblocking(False)
        return _Worker(pid, ours)

    def pids(self) -> list[int]:
        """Every live worker's process id (idle and busy)."""
        return [w.pid for w in self.idle] + list(self.busy)

    def kill(self, worker: _Worker) -> None:
        """Stop ``worker`` now (SIGKILL, whatever the engine is doing) and reap it."""
        self.busy.pop(worker.pid, None)
        try:
            os.kill(worker.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if worker.channel is not None and worker.channel.transport is not None:
            worker.channel.transport.close()
        worker.sock.close()
        _reap(worker.pid)
        if not self._closed and len(self.idle) + len(self.busy) < self._prefork:
            try:  # a replacement, forked once this request is done rather than when the next one comes
                asyncio.get_running_loop().call_soon(self._top_up)
            except RuntimeError:
                pass

    def _top_up(self) -> None:
        if not self._closed and len(self.idle) + len(self.busy) < self._prefork:
            self.idle.append(self._spawn())

    def kill_running(self) -> None:
        """Kill every busy worker (their requests answer 503); used when the server stops."""
        self._closed = True
        for worker in list(self.busy.values()):
            self.kill(worker)

    def close(self) -> None:
        self.kill_running()
        for worker in self.idle:
            self.kill(worker)
        self.idle.clear()

    def _client(self, address: str) -> list[Any]:
        entry = self._clients.get(address)
        if entry is None:
            entry = self._clients[address] = [asyncio.Semaphore(self.max_per_client), 0]
        return entry

    async def run(self, job: Job, address: str, gone: asyncio.Future, deadline: float | None):
        """Run ``job``: ``(worker, header)`` with the body still to read, or a Response."""
        if self._overall is None:
            self._overall = asyncio.Semaphore(self.max_concurrent)
        entry = self._client(address)
        entry[1] += 1
        try:
            async with _Slot(entry[0], gone, deadline), _Slot(self._overall, gone, deadline):
                if self._closed:
                    return _stopping()
                worker = self._idle_worker() or self._spawn()
                self.busy[worker.pid] = worker
                try:
                    if worker.channel is None:
                        loop = asyncio.get_running_loop()
                        _, worker.channel = await loop.create_unix_connection(_Channel, sock=worker.sock)
                    message = job.to_json()
                    worker.channel.transport.write(_FRAME.pack(len(message)) + message)
                    header = await worker.channel.read_header(gone, deadline)
                except _Late:
                    self.kill(worker)
                    return timed_out(self.settings)
                except _Gone:
                    self.kill(worker)
                    raise
                except (ConnectionError, OSError):
                    self.kill(worker)
                    if self._closed:
                        return _stopping()
                    return Response.text(503, "the query process ended unexpectedly: it most likely ran out of memory "
                                              "(the server allows each query a bounded amount)")
                except BaseException:
                    self.kill(worker)
                    raise
                return worker, header
        finally:
            entry[1] -= 1
            if entry[1] == 0:
                del self._clients[address]

    def _idle_worker(self) -> _Worker | None:
        """An idle worker that is still alive (one killed from outside is reaped and skipped)."""
        while self.idle:
            worker = self.idle.pop()
            try:
                ended, _ = os.waitpid(worker.pid, os.WNOHANG)
            except ChildProcessError:
                ended = worker.pid
            if not ended and not (worker.channel is not None and worker.channel.closed):
                return worker
            if not ended:
                self.kill(worker)
            else:
                worker.sock.close()
                if worker.channel is not None and worker.channel.transport is not None:
                    worker.channel.transport.close()
        return None

    def release(self, worker: _Worker, *, sent: int) -> None:
        """The worker's answer has been passed on in full: keep it for the next query."""
        self.busy.pop(worker.pid, None)
        worker.answered += 1
        if sent > RECYCLE_BYTES or self._closed:
            self.kill(worker)
        else:
            self.idle.append(worker)


class _Slot:
    """Hold a semaphore for a block, waiting for it no longer than the deadline or the client."""

    def __init__(self, semaphore: asyncio.Semaphore, gone: asyncio.Future, deadline: float | None):
        self.semaphore, self.gone, self.deadline = semaphore, gone, deadline

    async def __aenter__(self) -> None:
        if not self.semaphore.locked():
            await self.semaphore.acquire()  # free: no waiting, no task
            return
        try:
            await _race(self.semaphore.acquire(), self.gone, self.deadline,
                        undo=lambda _: self.semaphore.release())
        except _Late:
            raise _Busy from None

    async def __aexit__(self, *exc: Any) -> None:
        self.semaphore.release()


class _Busy(Exception):
    """No query slot came free before the deadline."""


async def _race(awaitable: Any, gone: asyncio.Future, deadline: float | None, undo: Any = None) -> Any:
    """Await ``awaitable``, unless the client goes (``_Gone``) or the deadline passes (``_Late``).

    ``undo(result)`` is called if the awaitable finished just as it was given up on (a
    semaphore acquired at that moment must be released). Plain callbacks rather than
    ``asyncio.wait``: this runs several times per query on the server's one thread.
    """
    loop = asyncio.get_running_loop()
    work = asyncio.ensure_future(awaitable)
    if work.done():
        return work.result()
    waiter = loop.create_future()

    def wake(_: Any = None) -> None:
        if not waiter.done():
            waiter.set_result(None)

    work.add_done_callback(wake)
    gone.add_done_callback(wake)
    timer = loop.call_at(deadline, wake) if deadline is not None else None
    try:
        await waiter
    finally:
        work.remove_done_callback(wake)
        gone.remove_done_callback(wake)
        if timer is not None:
            timer.cancel()
    if work.done():
        return work.result()

    def settle(finished: asyncio.Future) -> None:
        if not finished.cancelled() and finished.exception() is None and undo is not None:
            undo(finished.result())

    work.add_done_callback(settle)
    work.cancel()
    raise _Gone if gone.done() else _Late


def _reap(pid: int, tries: int = 0) -> None:
    """Collect a killed worker's exit status without blocking the event loop for long."""
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return
    if done or tries > 500:
        return
    try:
        asyncio.get_running_loop().call_later(0.01, _reap, pid, tries + 1)
    except RuntimeError:  # no loop (closing): a SIGKILLed process ends at once
        os.waitpid(pid, 0)


def _stopping() -> Response:
    return Response.text(503, "the server is stopping; try again later", **{"Retry-After": "5"})


def _worker_main(fd: int, graph: Any, settings: Settings, parent: int) -> None:
    """The worker's whole life: read a job, run it, send the answer, again until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the server decides
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)  # the backstop timer terminates, whatever the engine does
    try:
        signal.set_wakeup_fd(-1)
    except (ValueError, OSError):
        pass
    from leadgraph.sparql.sandbox import die_with

    die_with(parent)
    # The server's listening socket, its clients' connections and its event loop's files are
    # not ours: holding copies would keep connections open after the server closes them.
    os.closerange(3, fd)
    os.closerange(fd + 1, max(fd + 1, os.sysconf("SC_OPEN_MAX")))
    from leadgraph.sparql.sandbox import isolate_network, limit_memory

    if not settings.allow_network:
        isolate_network()
    if settings.max_memory:
        # A runaway query may take this much beyond what the worker holds; past it the engine
        # aborts, the pool replaces the worker, and the client is told it ran out of memory.
        limit_memory(settings.max_memory)
    limit = settings.timeout
    pending = bytearray()
    while True:
        message = _read_frame(fd, pending)
        if message is None:
            return  # the server closed our socket
        job = Job.from_json(message)
        if limit:
            signal.setitimer(signal.ITIMER_REAL, limit + 1.0)
        try:
            response = execute(job, graph, settings)
        except Exception as exc:  # noqa: BLE001 - the server logs it; the worker carries on
            response = Response.text(500, f"internal error: {type(exc).__name__}: {exc}")
        if limit:
            signal.setitimer(signal.ITIMER_REAL, 0)
        header = json.dumps({"status": response.status, "type": response.content_type,
                             "headers": response.headers, "length": len(response.body)}).encode()
        if len(response.body) <= CHUNK:  # one write, so the server wakes once
            _write_blocking(fd, _FRAME.pack(len(header)) + header + response.body)
        else:
            _write_blocking(fd, _FRAME.pack(len(header)) + header)
            _write_blocking(fd, response.body)
        del response


def _read_frame(fd: int, pending: bytearray) -> bytes | None:
    """The next length-prefixed message (usually one read), or ``None`` at end of input."""
    while True:
        if len(pending) >= _FRAME.size:
            (size,) = _FRAME.unpack_from(pending)
            if len(pending) >= _FRAME.size + size:
                message = bytes(pending[_FRAME.size:_FRAME.size + size])
                del pending[:_FRAME.size + size]
                return message
        chunk = os.read(fd, CHUNK)
        if not chunk:
            return None
        pending += chunk


def _write_blocking(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


# -- the ASGI app ------------------------------------------------------------------------------


class _App:
    """The ASGI application: checks, protocol, a worker for each query, the log line."""

    def __init__(self, server: SparqlServer):
        self.server = server
        self.settings = server.settings
        self.pool = server.pool
        port = server.server_address[1]
        host = server.settings.url.split("/")[2].rsplit(":", 1)[0]
        names = {host, "localhost", "127.0.0.1"} if server.settings.loopback else {host}
        self.plain_hosts = {f"{name}:{port}" for name in names} | names
        self._stamp = (0, "")

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        started = time.perf_counter()
        settings = self.settings
        method = scope["method"]
        hosts: list[str] = []
        headers: dict[str, str] = {}
        for name, value in scope["headers"]:
            text = value.decode("latin-1")
            if name == b"host":
                hosts.append(text)
            else:
                headers.setdefault(name.decode("latin-1"), text)
        target = scope.get("leadgraph.target") or scope["raw_path"].decode("latin-1")
        query_string = scope["query_string"].decode("latin-1")
        shown = scope["raw_path"] + (b"?" + scope["query_string"] if query_string else b"")
        origin = headers.get("origin")
        if (len(hosts) == 1 and hosts[0] in self.plain_hosts and target[:1] == "/" and origin is None
                and "sec-fetch-site" not in headers):
            response = None  # the common case, already known to pass check_request
        else:
            response = check_request(settings, target, hosts, headers)
        if response is None and method == "POST":
            response = _body_refusal(headers, settings.max_body)
            if response is None:
                body = await _read_body(receive)
            else:
                response.headers["Connection"] = "close"  # the unread body stays on the socket
        else:
            body = b""
        if response is None:
            response = prepare(settings, method, scope["path"], query_string, headers, body)
        if isinstance(response, Job):
            await self._query(scope, receive, send, response, method, shown, origin, started)
            return
        response.headers.update(cors_headers(settings, origin))
        self._log(scope, method, shown, response.status, len(response.body), started)
        await _send(send, response.status, response.content_type, len(response.body), response.headers,
                    response.body)

    async def _query(self, scope: dict, receive: Any, send: Any, job: Job, method: str, shown: bytes,
                     origin: str | None, started: float) -> None:
        loop = asyncio.get_running_loop()
        gone = _Watch(loop, receive)
        timeout = self.settings.timeout
        deadline = loop.time() + timeout if timeout else None
        address = (scope.get("client") or ("?",))[0]
        worker = None
        try:
            try:
                outcome = await self.pool.run(job, address, gone, deadline)
            except _Busy:
                outcome = Response.text(503, "the server is busy with other queries; try again",
                                        **{"Retry-After": "5"})
            except _Gone:
                self._log(scope, method, shown, 499, 0, started)  # nginx's "client closed request"
                return
            if isinstance(outcome, Response):
                outcome.headers.update(cors_headers(self.settings, origin))
                self._log(scope, method, shown, outcome.status, len(outcome.body), started)
                await _send(send, outcome.status, outcome.content_type, len(outcome.body), outcome.headers,
                            outcome.body)
                return
            worker, header = outcome
            extra = dict(header["headers"])
            extra.update(cors_headers(self.settings, origin))
            length = header["length"]
            self._log(scope, method, shown, header["status"], length, started)
            await _send(send, header["status"], header["type"], length, extra, None)
            sent = await self._stream(worker, send, length, gone, head=method == "HEAD")
            self.pool.release(worker, sent=sent)
            worker = None
        except (_Gone, _Late, ConnectionError):
            pass  # the client left, took nothing for too long, or the worker died mid-answer: the connection is dropped
        finally:
            if worker is not None:
                self.pool.kill(worker)
            gone.stop()

    async def _stream(self, worker: _Worker, send: Any, length: int, gone: asyncio.Future, *, head: bool) -> int:
        loop = asyncio.get_running_loop()
        stall = self.settings.timeout or 60.0
        left = length
        channel = worker.channel
        assert channel is not None
        while left:
            chunk = await channel.read(min(CHUNK, left), gone, loop.time() + stall)
            left -= len(chunk)
            if head:
                continue
            message = {"type": "http.response.body", "body": chunk, "more_body": left > 0}
            if length <= CHUNK:
                await send(message)  # a single piece never waits on a full write buffer
            else:
                await _race(send(message), gone, loop.time() + stall)
        if head or length == 0:
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        return length

    def _log(self, scope: dict, method: str, shown: bytes, status: int, size: int, started: float) -> None:
        if self.server.log is None:
            return
        target = shown.translate(_UNSAFE_LOG).decode("latin-1")
        if len(target) > 200:
            target = target[:199] + "…"
        client = (scope.get("client") or ("-",))[0]
        now = int(time.time())
        if self._stamp[0] != now:
            self._stamp = (now, time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(now)))
        took = (time.perf_counter() - started) * 1000
        self.server.write_log(f"{client} {self._stamp[1]} {method} {target} {status} {size} {took:.0f}ms")


class _Watch(asyncio.Future):
    """Done when the client disconnects. Watching costs a task and calls into uvicorn, so it
    starts only once a query has taken ``WATCH_AFTER`` seconds: most answer sooner."""

    def __init__(self, loop: asyncio.AbstractEventLoop, receive: Any):
        super().__init__(loop=loop)
        self._receive = receive
        self._task: asyncio.Task | None = None
        self._timer = loop.call_later(WATCH_AFTER, self._start)

    def _start(self) -> None:
        self._task = asyncio.ensure_future(self._watch())

    async def _watch(self) -> None:
        while (await self._receive())["type"] != "http.disconnect":
            pass
        if not self.done():
            self.set_result(None)

    def stop(self) -> None:
        self._timer.cancel()
        if self._task is not None:
            self._task.cancel()


def _body_refusal(headers: dict[str, str], max_body: int) -> Response | None:
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return Response.text(411, "send the request body with a Content-Length (chunked bodies are not accepted)")
    length = headers.get("content-length")
    if length is None:
        return Response.text(411, "a POST needs a Content-Length")
    if not length.strip().isdigit():
        return Response.text(400, "Content-Length is not a number")
    if int(length) > max_body:
        return Response.text(413, f"the request body is {int(length)} bytes; this endpoint accepts at most "
                                  f"{max_body}")
    return None


async def _read_body(receive: Any) -> bytes:
    parts = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(parts)
        parts.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(parts)


async def _send(send: Any, status: int, content_type: str, length: int, headers: dict[str, str],
                body: bytes | None) -> None:
    raw = [(b"content-type", content_type.encode()), (b"content-length", str(length).encode()),
           (b"x-content-type-options", b"nosniff")]
    if status == 200 and content_type.startswith(_RESULT_TYPES):
        raw.append((b"vary", b"Accept, Origin" if "Vary" in headers else b"Accept"))
        headers = {k: v for k, v in headers.items() if k != "Vary"}
    raw.extend((name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items())
    await send({"type": "http.response.start", "status": status, "headers": raw})
    if body is not None:
        await send({"type": "http.response.body", "body": body, "more_body": False})


# -- the server ---------------------------------------------------------------------------------


class SparqlServer:
    """A SPARQL endpoint bound to an address, serving once :meth:`serve_forever` runs.

    Attributes: ``url`` (where it listens), ``server_address``, ``settings`` (timeout, CORS
    origins, ...), ``pool`` (the query workers; ``pool.pids()``), ``log`` (a text stream,
    one line per request).
    """

    def __init__(self, sock: socket.socket, graph: Any, settings: Settings, *, max_concurrent: int,
                 max_per_client: int, log: IO[str] | None):
        self.socket = sock
        self.server_address = sock.getsockname()
        self.graph = graph
        self.settings = settings
        self.log = log
        self._log_lock = threading.Lock()
        self.pool = WorkerPool(graph, settings, max_concurrent=max_concurrent, max_per_client=max_per_client,
                               prefork=min(2, max_concurrent))
        self._uvicorn: Any = None
        self._stopped = threading.Event()
        self._stopped.set()
        self.stopping = False

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/sparql"

    def write_log(self, line: str) -> None:
        if self.log is None:
            return
        with self._log_lock:
            self.log.write(line + "\n")
            self.log.flush()

    def serve_forever(self, poll_interval: float = 0.1) -> None:
        """Serve until :meth:`shutdown` (another thread) or SIGTERM/SIGINT (main thread)."""
        import uvicorn

        self._stopped.clear()
        try:
            loop = "uvloop" if _has("uvloop") else "asyncio"
            config = uvicorn.Config(_App(self), http=_http_protocol(), loop=loop, lifespan="off",
                                    access_log=False, log_config=None, server_header=False,
                                    timeout_keep_alive=5, timeout_graceful_shutdown=1, proxy_headers=False,
                                    limit_concurrency=1000, backlog=1024)
            self._uvicorn = _Uvicorn(config, self)
            handler = _LogHandler(self)
            logger = logging.getLogger("uvicorn.error")
            logger.addHandler(handler)
            logger.propagate = False
            try:
                self._uvicorn.run(sockets=[self.socket])
            finally:
                logger.removeHandler(handler)
        finally:
            self._stopped.set()

    def shutdown(self) -> None:
        """Stop :meth:`serve_forever` (called from another thread) and wait until it has returned."""
        if self._uvicorn is not None:
            self.stopping = True
            self._uvicorn.should_exit = True
        self._stopped.wait()

    def server_close(self) -> None:
        """Close the listening socket and end every worker."""
        self.socket.close()
        self.pool.close()


class _Uvicorn:  # built lazily: importing uvicorn took 150-240 ms here, which `leadgraph --help` must not pay
    def __new__(cls, config: Any, owner: SparqlServer):
        import uvicorn

        class Server(uvicorn.Server):
            def capture_signals(self):  # uvicorn re-raises the signal after shutdown: exit 0 instead
                import contextlib

                @contextlib.contextmanager
                def captured():
                    if threading.current_thread() is not threading.main_thread():
                        yield
                        return

                    def stop(signum: int, frame: Any) -> None:
                        owner.stopping = True
                        if self.should_exit:
                            self.force_exit = True
                        self.should_exit = True
                        owner.pool.kill_running()

                    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
                    try:
                        yield
                    finally:
                        for sig, handler in previous.items():
                            signal.signal(sig, handler)

                return captured()

            async def shutdown(self, sockets: Any = None) -> None:
                owner.pool.kill_running()
                await super().shutdown(sockets=sockets)

        return Server(config)


def _http_protocol() -> Any:
    """uvicorn's httptools protocol, keeping the raw request target: httptools drops the host of an
    absolute-form target (``GET http://evil.example/sparql``), which the host check must see."""
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class Protocol(HttpToolsProtocol):
        def connection_made(self, transport: Any) -> None:  # type: ignore[override]
            super().connection_made(_Coalescing(transport, self.loop))

        def on_headers_complete(self) -> None:
            if not self.url.startswith(b"/"):
                self.scope["leadgraph.target"] = self.url.decode("latin-1")
            super().on_headers_complete()

    return Protocol


class _Coalescing:
    """A transport that gathers the writes made in one turn of the event loop into one.

    uvicorn writes the status line and headers, then the body: two sends, and on loopback
    each send runs the receiving side's TCP stack too. Measured as the largest share of the
    server's time per query; gathering them halves it. Everything else goes to the real
    transport (flow control included: a body is written in pieces of at most ``CHUNK``).
    """

    __slots__ = ("_real", "_loop", "_pending", "_scheduled")

    def __init__(self, real: Any, loop: asyncio.AbstractEventLoop):
        self._real = real
        self._loop = loop
        self._pending: list[bytes] = []
        self._scheduled = False

    def write(self, data: bytes) -> None:
        self._pending.append(data)
        if not self._scheduled:
            self._scheduled = True
            self._loop.call_soon(self._flush)

    def _flush(self) -> None:
        self._scheduled = False
        if self._pending:
            data = b"".join(self._pending)
            self._pending.clear()
            if not self._real.is_closing():
                self._real.write(data)

    def close(self) -> None:
        self._flush()
        self._real.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


class _LogHandler(logging.Handler):
    """uvicorn's own messages (protocol errors, exceptions) as one line each in the request log."""

    def __init__(self, server: SparqlServer):
        super().__init__(logging.WARNING)
        self.server = server

    def emit(self, record: logging.LogRecord) -> None:
        message = " ".join(record.getMessage().split())
        if record.exc_info and record.exc_info[1] is not None:
            message += f": {type(record.exc_info[1]).__name__}: {record.exc_info[1]}"
        self.server.write_log(f"error: {message}")


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def make_server(
    graph: Any,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
    allow_network: bool = False,
    cors: Iterable[str] = (),
    max_body: int = MAX_BODY,
    max_concurrent: int | None = None,
    max_per_client: int | None = None,
    max_memory: int | str | None = "auto",
    log: IO[str] | None = sys.stderr,
) -> SparqlServer:
    """A SPARQL endpoint over ``graph``, bound but not yet serving (call ``serve_forever()``).

    Args:
        graph: a :class:`~leadgraph.loading.LeadGraph` (or any store).
        max_memory: memory each query worker may take beyond what it holds (``"auto"``: a
            quarter of the machine's, at most 2 GB; ``512M``, ``2G``, bytes; ``None``: no limit).
        host: the address to listen on; a non-loopback one logs a warning, since anyone
            who can reach it can then query the graph.
        port: the TCP port; ``0`` picks a free one (see ``server.url``).
        timeout: seconds per query (``None``: no limit); also how long a query may wait for a
            slot, and how long a client may take no data before it is dropped.
        allow_network: let queries use SERVICE, LOAD, FROM and ``file:`` IRIs, as the CLI's
            ``--allow-network`` does -- the server will then fetch URLs its clients name.
        cors: origins (``https://host[:port]``) whose web pages may read answers; ``["*"]``
            for any page. Empty (the default): no CORS header, and other sites' pages are refused.
        max_body: the largest request body accepted, in bytes.
        max_concurrent: queries running at once, each in its own worker process (default:
            four per CPU, at least 4).
        max_per_client: queries one client address may run at once (default: three quarters
            of ``max_concurrent``, at least 1).
        log: where the one-line-per-request log goes (``None``: nowhere).

    Raises:
        UsageError: the address cannot be bound (in use, or not this machine's), or a bad option.
    """
    from leadgraph.store.base import GraphStore

    if not isinstance(graph, GraphStore) and not isinstance(getattr(graph, "store", None), GraphStore):
        raise UsageError(f"make_server needs a loaded graph (leadgraph.load()), not {type(graph).__name__}")
    origins = cors_origins(cors)
    concurrent = max_concurrent or max(4, 4 * (os.cpu_count() or 1))
    per_client = max_per_client or max(1, concurrent * 3 // 4)
    if concurrent < 1 or per_client < 1:
        raise UsageError("max_concurrent and max_per_client must be at least 1")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST)
    except socket.gaierror:
        infos = [(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM, 0, "", (host, port))]
    family, _, _, _, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(1024)
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    bound = sock.getsockname()
    shown = f"[{bound[0]}]" if ":" in bound[0] else bound[0]
    from leadgraph.sparql.sandbox import parse_size

    memory = parse_size(max_memory)
    settings = Settings(url=f"http://{shown}:{bound[1]}/sparql", timeout=timeout or None,
                        allow_network=allow_network, cors=origins, loopback=is_loopback(host), max_body=max_body,
                        max_memory=memory)
    _warm_up(graph)
    server = SparqlServer(sock, graph, settings, max_concurrent=concurrent, max_per_client=per_client, log=log)
    if not settings.loopback:
        server.write_log(f"warning: listening on {host}, not a loopback address: anyone who can reach this "
                         "machine can query the graph")
    if allow_network:
        server.write_log("warning: --allow-network: queries may make this server fetch any URL they name")
    if "*" in origins:
        server.write_log("warning: --cors '*': any web page you visit can read this endpoint's answers")
    return server


def _warm_up(graph: Any) -> None:
    """Import and run the query path once before forking, so every worker starts warm."""
    from leadgraph.sparql import named
    from leadgraph.sparql.protocol import render
    from leadgraph.sparql.run import query

    named.named_queries()
    render(query("ASK { ?s ?p ?o }", graph=graph, timeout=None), "sparql-json")


def serve(
    graph: Any = None,
    *,
    data: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None = None,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    timeout: float | None = DEFAULT_TIMEOUT,
    allow_network: bool = False,
    cors: Iterable[str] = (),
    max_memory: int | str | None = "auto",
    log: IO[str] | None = sys.stderr,
) -> None:
    """Load the graph (unless given), serve it until interrupted, then close cleanly.

    Once listening, prints the endpoint's URL on stdout (a script can read it, which
    matters with ``port=0``) and a start line to ``log``. Ctrl-C or SIGTERM stops it within
    about a second: running queries are killed (their clients get ``503``). Arguments are
    those of :func:`make_server`, plus ``data`` (loaded when ``graph`` is ``None``).
    """
    cors_origins(cors)  # a bad --cors is a usage error before the graph is loaded
    if graph is None:
        from leadgraph.loading import load

        graph = load(data)
    server = make_server(graph, host, port, timeout=timeout, allow_network=allow_network, cors=cors,
                         max_memory=max_memory, log=log)
    previous = _interrupt_on_sigterm()
    try:
        try:
            print(server.url, flush=True)
            server.write_log(f"serving {len(graph)} triples at {server.url} (Ctrl-C stops)")
            server.serve_forever()
        except KeyboardInterrupt:  # a signal before (or after) the server's own handlers
            pass
        server.write_log("stopping")
    finally:
        server.server_close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _interrupt_on_sigterm() -> Any:
    """Until the server's own handlers are in place (and after), SIGTERM stops it as Ctrl-C does:
    a SIGTERM sent the moment the URL is printed must not kill the process uncleanly."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, interrupt)
