"""The SPARQL endpoint under load, next to Oxigraph's own server on the same data in the same run.

    python benchmarks/bench_endpoint.py                    # 50 clients, up to 20,000 requests / 20 s each
    python benchmarks/bench_endpoint.py --clients 10 --requests 2000
    python benchmarks/bench_endpoint.py --compare-servers  # uvicorn vs cheroot, a trivial app on each

It starts ``leadgraph serve`` and ``oxigraph serve-read-only`` (``pip install oxigraph``, in the
test extra) on the bundled data written as N-Triples, checks that both give the same answers
to the query mix, then drives each with ``--clients`` concurrent keep-alive HTTP/1.1
connections from this process (asyncio, raw sockets) until ``--requests`` answers or
``--seconds`` have passed, in ``--rounds`` alternating rounds (the machine may be shared). It reports requests/s and p50/p99 latency for each, and PASS when
leadgraph's throughput is at least half Oxigraph's and its p99 is under 500 ms. Only
127.0.0.1 is ever contacted; every server it starts is stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.parse
import urllib.request
from pathlib import Path

from leadgraph.namespaces import PREFIXES

HOST = "127.0.0.1"
# A mix like a tool's: a list, an ASK, an aggregate, a join with OPTIONAL (cio-roles).
QUERIES = [
    "SELECT ?p ?name WHERE { ?p a lg:Leader ; foaf:name ?name } ORDER BY ?name",
    "ASK { lgd:ayesha-rahim a lg:Leader }",
    "SELECT ?trait (COUNT(DISTINCT ?p) AS ?n) WHERE { ?a a lg:TraitAttribution ; lg:trait ?trait ; lg:person ?p } "
    "GROUP BY ?trait ORDER BY DESC(?n) ?trait",
    "SELECT DISTINCT ?person ?name ?jobTitle ?organisation WHERE { ?m org:member ?person ; "
    "org:role/skos:broader lgd:rolegroup-cio ; org:organization ?organisation . "
    "OPTIONAL { ?m lg:jobTitle ?jobTitle } ?person foaf:name ?name } ORDER BY ?name",
]


def with_prefixes(query: str) -> str:
    """The query with PREFIX lines for the prefixes it uses, as a client such as YASGUI sends it
    (Oxigraph predeclares none), so both servers get the very same text."""
    used = [name for name in PREFIXES if re.search(rf"(?<![\w]){re.escape(name)}:", query)]
    return "".join(f"PREFIX {name}: <{PREFIXES[name]}>\n" for name in used) + query


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def wait_listening(port: int, proc: subprocess.Popen, seconds: float = 30) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit(f"error: the server on port {port} exited with status {proc.returncode}")
        try:
            socket.create_connection((HOST, port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"error: nothing listening on {HOST}:{port} after {seconds:g} s")


def stop(proc: subprocess.Popen) -> float:
    """SIGTERM, then the seconds it took to exit (SIGKILL after 10 s)."""
    started = time.monotonic()
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return time.monotonic() - started


def request_bytes(path: str, query: str) -> bytes:
    target = f"{path}?{urllib.parse.urlencode({'query': with_prefixes(query)})}"
    return (f"GET {target} HTTP/1.1\r\nHost: {HOST}\r\nAccept: application/sparql-results+json\r\n"
            "\r\n").encode("ascii")


async def client(port: int, requests: list[bytes], stop_at: float, budget: list[int], latencies: list[float],
                 errors: list[str], offset: int) -> None:
    reader, writer = await asyncio.open_connection(HOST, port)
    index = offset
    try:
        while budget[0] > 0 and time.perf_counter() < stop_at:
            budget[0] -= 1
            request = requests[index % len(requests)]
            index += 1
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            if b"transfer-encoding: chunked" in head.lower():
                body = bytearray()
                while True:
                    size = int((await reader.readuntil(b"\r\n")).strip(), 16)
                    body += await reader.readexactly(size + 2)
                    if size == 0:
                        break
            else:
                await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if status != 200:
                errors.append(str(status))
            if b"connection: close" in head.lower():
                writer.close()
                reader, writer = await asyncio.open_connection(HOST, port)
    except (OSError, asyncio.IncompleteReadError) as exc:
        errors.append(type(exc).__name__)
    finally:
        writer.close()


async def drive(port: int, path: str, clients: int, total: int, seconds: float) -> dict:
    requests = [request_bytes(path, q) for q in QUERIES]
    # Warm-up: a few rounds so connection set-up and first-query costs are not measured.
    warm: list[float] = []
    await asyncio.gather(*(client(port, requests, time.perf_counter() + 5, [len(QUERIES) * 2], warm, [], i)
                           for i in range(4)))
    latencies: list[float] = []
    errors: list[str] = []
    budget = [total]
    started = time.perf_counter()
    await asyncio.gather(*(client(port, requests, started + seconds, budget, latencies, errors, i)
                           for i in range(clients)))
    return {"latencies": latencies, "errors": errors, "seconds": time.perf_counter() - started}


def summary(rounds: list[dict]) -> dict:
    latencies = sorted(x for r in rounds for x in r["latencies"])
    errors = [e for r in rounds for e in r["errors"]]
    took = sum(r["seconds"] for r in rounds)
    return {
        "requests": len(latencies),
        "seconds": took,
        "throughput": len(latencies) / took,
        "p50_ms": 1000 * statistics.median(latencies) if latencies else float("nan"),
        "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else float("nan"),
        "errors": len(errors),
        "error_kinds": sorted(set(errors))[:5],
    }


def answers(url: str) -> list[bytes]:
    """Each query's solutions, normalised, for checking that both servers agree."""
    import pyoxigraph as ox

    found = []
    for q in QUERIES:
        data = urllib.parse.urlencode({"query": with_prefixes(q)}).encode()
        request = urllib.request.Request(url, data=data, headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            parsed = ox.parse_query_results(response.read(), ox.QueryResultsFormat.JSON)
        if isinstance(parsed, ox.QueryBoolean):
            found.append(str(bool(parsed)).encode())
        else:
            names = [v.value for v in parsed.variables]
            found.append(repr(sorted(tuple(str(s[n]) for n in names) for s in parsed)).encode())
    return found


def start_leadgraph(workdir: Path) -> tuple[subprocess.Popen, int]:
    script = shutil.which("leadgraph", path=str(Path(sys.executable).parent)) or "leadgraph"
    log = open(workdir / "leadgraph.log", "w")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen([script, "serve", "--port", "0"], stdout=subprocess.PIPE, stderr=log, text=True)
    line = proc.stdout.readline().strip()
    if not line.startswith(f"http://{HOST}:"):
        proc.kill()
        raise SystemExit(f"error: leadgraph serve printed no URL ({line!r}); see {workdir / 'leadgraph.log'}")
    return proc, int(line.rsplit(":", 1)[1].split("/")[0])


def start_oxigraph(workdir: Path) -> tuple[subprocess.Popen, int]:
    from leadgraph import load

    binary = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    if binary is None:
        raise SystemExit("error: the oxigraph server is not installed: pip install oxigraph (in the test extra)")
    data = workdir / "data.nt"
    data.write_bytes(load().serialize("nt"))
    store = workdir / "oxigraph"
    subprocess.run([binary, "load", "--location", str(store), "--file", str(data)], check=True,
                   capture_output=True, timeout=120)
    port = free_port()
    proc = subprocess.Popen([binary, "serve-read-only", "--location", str(store), "--bind", f"{HOST}:{port}"],
                            stdout=subprocess.DEVNULL, stderr=open(workdir / "oxigraph.log", "w"))  # noqa: SIM115
    wait_listening(port, proc)
    return proc, port


def show(name: str, result: dict) -> None:
    print(f"{name:<10} {result['throughput']:8.0f} req/s   p50 {result['p50_ms']:7.1f} ms   p99 "
          f"{result['p99_ms']:7.1f} ms   {result['requests']} requests in {result['seconds']:.1f} s, "
          f"{result['errors']} errors {result['error_kinds'] or ''}")


def compare_servers(args: argparse.Namespace) -> int:
    """uvicorn (httptools, uvloop) against cheroot (thread pool), each serving one small fixed answer."""
    body = b'{"head":{},"boolean":true}'
    apps = {
        "uvicorn": textwrap.dedent(f"""
            import uvicorn
            BODY = {body!r}
            async def app(scope, receive, send):
                if scope["type"] != "http":
                    return
                await send({{"type": "http.response.start", "status": 200, "headers": [
                    (b"content-type", b"application/sparql-results+json"), (b"content-length", b"%d" % len(BODY))]}})
                await send({{"type": "http.response.body", "body": BODY}})
            uvicorn.run(app, host="{HOST}", port=int(__import__("sys").argv[1]), log_level="warning",
                        access_log=False, http="httptools")
            """),
        "cheroot": textwrap.dedent(f"""
            from cheroot import wsgi
            BODY = {body!r}
            def app(environ, start_response):
                start_response("200 OK", [("Content-Type", "application/sparql-results+json"),
                                          ("Content-Length", str(len(BODY)))])
                return [BODY]
            server = wsgi.Server(("{HOST}", int(__import__("sys").argv[1])), app, numthreads=16)
            server.start()
            """),
    }
    for name, code in apps.items():
        port = free_port()
        proc = subprocess.Popen([sys.executable, "-c", code, str(port)])
        try:
            wait_listening(port, proc)
            show(name, summary([asyncio.run(drive(port, "/", args.clients, args.requests, args.seconds))]))
        finally:
            stop(proc)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=20000, help="most requests per server")
    parser.add_argument("--seconds", type=float, default=20.0, help="most seconds per server")
    parser.add_argument("--rounds", type=int, default=4, help="alternating rounds the budget is split into")
    parser.add_argument("--compare-servers", action="store_true", help="uvicorn vs cheroot on a trivial app")
    args = parser.parse_args()
    if args.compare_servers:
        return compare_servers(args)
    print(f"{os.cpu_count()} CPUs (load average {os.getloadavg()[0]:.1f}), {args.clients} clients, at most "
          f"{args.requests} requests or {args.seconds:g} s per server in {args.rounds} alternating rounds, "
          f"{len(QUERIES)} queries in turn")
    with tempfile.TemporaryDirectory(prefix="bench-endpoint-") as folder:
        workdir = Path(folder)
        ours, our_port = start_leadgraph(workdir)
        theirs, their_port = start_oxigraph(workdir)
        try:
            if answers(f"http://{HOST}:{our_port}/sparql") != answers(f"http://{HOST}:{their_port}/query"):
                print("error: the two servers gave different answers to the query mix")
                return 1
            # Alternating rounds, so a change in the load from other programs on a shared
            # machine falls on both servers alike.
            runs: dict[str, list[dict]] = {"oxigraph": [], "leadgraph": []}
            targets = {"oxigraph": (their_port, "/query"), "leadgraph": (our_port, "/sparql")}
            for number in range(args.rounds):
                for name in (("oxigraph", "leadgraph") if number % 2 == 0 else ("leadgraph", "oxigraph")):
                    port, path = targets[name]
                    runs[name].append(asyncio.run(drive(port, path, args.clients, args.requests // args.rounds,
                                                        args.seconds / args.rounds)))
            oxigraph, leadgraph = summary(runs["oxigraph"]), summary(runs["leadgraph"])
        finally:
            stopped = stop(ours)
            stop(theirs)
        show("oxigraph", oxigraph)
        show("leadgraph", leadgraph)
        ratio = leadgraph["throughput"] / oxigraph["throughput"]
        ok = ratio >= 0.5 and leadgraph["p99_ms"] < 500 and leadgraph["errors"] == 0
        print(f"leadgraph/oxigraph throughput {ratio:.2f}x (needs >= 0.5), p99 {leadgraph['p99_ms']:.0f} ms "
              f"(needs < 500), leadgraph stopped {stopped:.2f} s after SIGTERM (load average now "
              f"{os.getloadavg()[0]:.1f}): {'PASS' if ok else 'FAIL'}")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
