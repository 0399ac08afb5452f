"""Everything the national-scale issue measures, at 10k, 100k and 1M triples in one run (10M with --large).

    .venv/bin/python benchmarks/bench_scale.py                  # 10k, 100k, 1M (about 10 minutes on 2 quiet cores; --skip to shorten)
    .venv/bin/python benchmarks/bench_scale.py --large          # and 10M (an hour or more, ~5 GB)
    .venv/bin/python benchmarks/bench_scale.py --sizes 10000,100000 --skip similarity --no-docs
    .venv/bin/python benchmarks/bench_scale.py --json /tmp/scale.json

All data is SYNTHETIC (``benchmarks/synth.py``: invented people at real NHS trusts), generated
once per size into ``$TMPDIR/leadgraph-bench-scale`` (never ``data/``). Each figure is measured
next to its baseline in the same run, each in a child process whose wall time, CPU time and peak
resident memory (``os.wait4``) are recorded:

* **load**: ``leadgraph.load`` against raw ``pyoxigraph.Store.load`` of the same files, and
  rdflib's parser (up to ``--rdflib-max`` triples: about a minute per million);
* **store build**: ``leadgraph store build`` (one named graph per file, plus the default graph)
  against a raw ``pyoxigraph`` ``bulk_load`` into an on-disk store;
* **store build** also with ``--no-answers`` (the answers kept with a generation cost the difference);
* **query on disk**: every named query through the real CLI, ``leadgraph --store DIR query NAME
  -f csv``, start-up included (target: 0.5 s wall at 1M, judged on what a user gets after ``store
  build``: default answers kept), its first run by the engine on a store built with ``--no-answers``
  and the kept answer on the run after, against a minimal hand-written
  program (start Python, open the same RocksDB store read-only with pyoxigraph, run the same
  text, write CSV), which also reports the engine's own time for the query;
* **named queries in memory**: ``bench_queries_scale.py`` (CPU time per query, growth per 10x
  against the engine's own lookup baseline; target: 1 s at 1M, growth at most 15x);
* **validation**: the compiled SPARQL engine on an in-memory and on the on-disk store (target:
  60 s at 1M), pyshacl on the same data as the baseline (up to ``--pyshacl-max``), and, on the
  largest store, revalidation after one person's file changed (target: 2 s);
* **similarity**: ``bench_similarity.py`` (top 10 through the CLI at 20,000 and 100,000 people:
  5 s / 1 GB and 60 s / 2 GB, beside the raw sparse product and the old materialising path).

It prints PASS or FAIL for every target and exits 1 if any failed. With ``--docs`` (the
default) it writes the tables to ``docs/scale.md`` and a log-log plot of time against size to
``docs/images/scale.svg``. The machine may be shared: the load average is recorded with every
size, and ``--clock cpu`` judges the time targets on CPU seconds (user + system of the child)
instead of wall time.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import bench_queries_scale  # noqa: E402  (benchmarks/ is not a package)
import synth  # noqa: E402

LEADGRAPH = Path(sys.executable).with_name("leadgraph")
QUERY_DISK_TARGET = 0.5  # s wall, start-up included, a named query on a 1M-triple on-disk store
VALIDATE_TARGET = 60.0  # s, 1M triples
INCREMENTAL_TARGET = 2.0  # s, after one person's file changed
TARGET_AT = 1_000_000
QUERY_CAP = 30.0  # s: a query on disk taking longer is stopped and recorded as failing (the CLI's own limit)
EXTRA_PERSON = "synthetic-person-extra"

# The hand-written equivalent of `leadgraph --store DIR query NAME -f csv`: start Python, open
# the store read-only, run the same text, write CSV. Prints its own open and query times.
RAW_QUERY = """
import sys, time, json
started = time.perf_counter()
import pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
opened = time.perf_counter()
text = open(sys.argv[2], encoding="utf-8").read()
cpu = time.thread_time()
result = store.query(text)
if isinstance(result, ox.QueryTriples):
    answer = ox.serialize(result, format=ox.RdfFormat.N_TRIPLES)
else:
    answer = result.serialize(format=ox.QueryResultsFormat.CSV)
sys.stdout.buffer.write(answer)
print(json.dumps({"open_s": opened - started, "query_s": time.perf_counter() - opened,
                  "query_cpu": time.thread_time() - cpu}), file=sys.stderr)
"""


# -- children: one measurement each, printed as JSON ------------------------------------------------


def cpu_used() -> float:
    """CPU seconds of this process and of the children it waited for: `store build` runs its
    keepers, and a query its sandbox, in forked processes."""
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def child(argv: list[str]) -> None:
    kind, args = argv[0], argv[1:]
    wall, cpu = time.perf_counter(), cpu_used()
    out: dict = {}
    if kind == "load":
        from leadgraph.loading import load

        out["triples"] = len(load(args))
    elif kind == "load-raw":
        import pyoxigraph as ox
        from leadgraph import resources

        store = ox.Store()
        for path in [*resources.ontology_files(), *args]:
            store.load(path=str(path), format=ox.RdfFormat.TURTLE)
        out["triples"] = len(store)
    elif kind == "load-rdflib":
        import rdflib
        from leadgraph import resources

        graph = rdflib.Graph()
        for path in [*resources.ontology_files(), *args]:
            graph.parse(str(path), format="turtle")
        out["triples"] = len(graph)
    elif kind in ("build", "build-no-answers"):
        from leadgraph.keeping import build_store

        out["triples"] = build_store(args[0], args[1:], answers=kind == "build").triples
    elif kind == "build-raw":
        import pyoxigraph as ox
        from leadgraph import resources

        store = ox.Store(args[0])
        for path in [*resources.ontology_files(), *args[1:]]:
            store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
        store.flush()
        out["triples"] = len(store)
    elif kind in ("validate", "validate-pyshacl", "validate-disk", "validate-kept"):
        from leadgraph.loading import load, open_store
        from leadgraph.validation import validate

        if kind in ("validate", "validate-pyshacl"):
            graph = load(args)
        else:
            graph = open_store(args[0])
            if kind == "validate-disk":  # a full validation: the kept report is dropped
                (graph.store.generation / "validation.json").unlink(missing_ok=True)
        wall, cpu = time.perf_counter(), cpu_used()  # the check itself, not the load
        report = validate(graph, engine="pyshacl" if kind == "validate-pyshacl" else "sparql")
        out.update(triples=report.triples, results=len(report.results), conforms=report.conforms)
    elif kind in ("update", "update-no-answers"):
        from leadgraph.keeping import update_store

        report = update_store(args[0], answers=kind == "update")
        out.update(triples=report.triples, changed=len(report.changed))
    else:
        raise SystemExit(f"unknown child kind {kind}")
    out.update(seconds=time.perf_counter() - wall, cpu=cpu_used() - cpu)
    print(json.dumps(out))


def measure(args: list[str], cap: float | None = None) -> dict:
    """Run one child of this script: its JSON, plus peak RSS (MB) and the load average; or {"timeout": cap}."""
    return run_measured([sys.executable, __file__, "_child", *args], cap=cap, parse=True)


def run_measured(argv: list[str], cap: float | None = None, parse: bool = False,
                 stdout=subprocess.DEVNULL) -> dict:
    """Wall seconds, CPU seconds (user + system), peak MB and exit status of a process."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE if parse else stdout, stderr=subprocess.PIPE)
    deadline = None if cap is None else time.monotonic() + cap
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if deadline is not None and time.monotonic() > deadline:
            proc.kill()
            os.wait4(proc.pid, 0)
            return {"timeout": cap, "load_average": os.getloadavg()[0]}
        time.sleep(0.01)
    result = {"wall": time.perf_counter() - started, "cpu_total": usage.ru_utime + usage.ru_stime,
              "peak_mb": usage.ru_maxrss / 1024, "exit": os.waitstatus_to_exitcode(status),
              "load_average": os.getloadavg()[0]}
    stderr = proc.stderr.read().decode("utf-8", "replace")
    if parse:
        output = proc.stdout.read().decode("utf-8")
        if result["exit"] != 0:
            raise SystemExit(f"child {argv[3:]} failed: {stderr[-2000:]}")
        result.update(json.loads(output.strip().splitlines()[-1]))
    result["stderr"] = stderr
    return result


# -- the pieces -------------------------------------------------------------------------------------


def extra_person(folder: Path, seed: int, vocab) -> Path:
    """One more synthetic person in a file of their own (person 0 of the same seed under a new IRI,
    sharing that person's sources, so nothing contradicts the big file): the file an incremental
    revalidation changes."""
    path = folder / "extra-person.ttl"
    text = "".join(synth.generate(people=1, seed=seed, vocab=vocab))
    path.write_text(text.replace("synthetic-person-000000", EXTRA_PERSON), encoding="utf-8")
    return path


def named_disk_queries(store_dir: Path, plain_dir: Path, work: Path, repeat: int, params: dict) -> dict:
    """Every named query through the CLI: on the store as `store build` leaves it (the default
    answers kept: what a user gets), and on a store built with --no-answers, first computed by the
    engine (which then keeps the answer) and then served kept; beside the raw program on the same
    text."""
    from leadgraph.sparql.named import named_queries

    from leadgraph.loading import open_store
    from leadgraph.sparql.run import ANSWERS, answer_key, prepare
    from leadgraph.store import derived

    generation = plain_dir / (plain_dir / "current").read_text().strip()
    results = {}
    for name, named in sorted(named_queries().items()):
        if name in bench_queries_scale.QUADRATIC_ANSWER:
            continue
        given = {k: v for k, v in params.get(name, {}).items() if v}
        text_file = work / f"{name}.rq"
        text_file.write_text(bench_queries_scale.final_text(named.text, given, named.params), encoding="utf-8")
        graph_form = re.search(r"^\s*(CONSTRUCT|DESCRIBE)\b", named.text, re.IGNORECASE | re.MULTILINE)
        tail = ["query", name, "-f", "nt" if graph_form else "csv"]
        for key, value in given.items():
            tail += ["--param", f"{key}={value}"]
        built = [str(LEADGRAPH), "--store", str(store_dir), *tail]
        plain = [str(LEADGRAPH), "--store", str(plain_dir), *tail]
        raw = [sys.executable, "-c", RAW_QUERY, str(generation), str(text_file)]
        built_store = open_store(store_dir).store
        try:  # how `store build` left this question: answered (kept), narrowed by the name index, or neither
            kept_at_build = derived.get(built_store, ANSWERS, answer_key(*prepare(named, given))) is not None
        finally:
            built_store.close()
        how = "kept" if kept_at_build else "narrowed" if named.narrow else "engine"
        after_build = run_measured(built, cap=QUERY_CAP)
        engine = run_measured(plain, cap=QUERY_CAP)  # the first run: the engine, then the answer is kept
        theirs = run_measured(raw, cap=QUERY_CAP)
        runs = [after_build, engine, theirs]
        kept = [run_measured(plain, cap=QUERY_CAP) for _ in range(repeat)] if "timeout" not in engine else []
        if any("timeout" in run or run["exit"] != 0 for run in runs + kept):
            # Too slow (or failed): recorded as the cap, so it fails the target visibly.
            problem = next((r["stderr"].strip().splitlines()[-1] for r in runs + kept
                            if r.get("exit") and r.get("stderr", "").strip()), f"stopped after {QUERY_CAP:.0f} s")
            print(f"    {name}: {problem}", flush=True)
            results[name] = {"wall": QUERY_CAP, "cpu": QUERY_CAP, "peak_mb": 0.0, "raw_wall": QUERY_CAP,
                             "raw_cpu": QUERY_CAP, "raw_open_s": None, "raw_query_s": None, "failed": problem,
                             "engine_wall": QUERY_CAP, "engine_cpu": QUERY_CAP, "kept_wall": QUERY_CAP,
                             "kept_cpu": QUERY_CAP, "load_average": os.getloadavg()[0]}
            continue
        best = min(kept, key=lambda r: r["wall"])
        raw_engine = json.loads(theirs["stderr"].strip().splitlines()[-1])
        results[name] = {"wall": after_build["wall"], "cpu": after_build["cpu_total"],
                         "peak_mb": after_build["peak_mb"], "after_build_from": how, "engine_wall": engine["wall"], "engine_cpu": engine["cpu_total"],
                         "kept_wall": best["wall"], "kept_cpu": best["cpu_total"],
                         "raw_wall": theirs["wall"], "raw_cpu": theirs["cpu_total"],
                         **{f"raw_{k}": v for k, v in raw_engine.items()}, "load_average": after_build["load_average"]}
    return results


def memory_queries(sizes: list[int], args: argparse.Namespace, work: Path) -> dict:
    out = work / "queries.json"
    argv = [sys.executable, str(HERE / "bench_queries_scale.py"), "--sizes", ",".join(map(str, sizes)),
            "--repeat", str(args.repeat_memory), "--seed", str(args.seed), "--cache", str(args.cache), "--json", str(out)]
    if args.large:
        argv.append("--large")
    if args.ods:
        argv += ["--ods", str(args.ods)]
    proc = subprocess.run(argv, capture_output=True, text=True)
    print("\n".join("    " + line for line in proc.stdout.splitlines()[-32:]), flush=True)
    if not out.exists():
        raise SystemExit(f"bench_queries_scale failed: {proc.stderr[-2000:]}")
    return json.loads(out.read_text())


def similarity(args: argparse.Namespace, work: Path) -> dict:
    out = work / "similarity.json"
    argv = [sys.executable, str(HERE / "bench_similarity.py"), "--sizes", args.similarity_people,
            "--all-min-shared", args.similarity_all, "--baseline-people", str(args.similarity_baseline), "--clock", args.clock, "--json", str(out)]
    proc = subprocess.run(argv, capture_output=True, text=True)
    print("\n".join("    " + line for line in proc.stdout.splitlines()), flush=True)
    if not out.exists():
        raise SystemExit(f"bench_similarity failed: {proc.stderr[-2000:]}")
    return json.loads(out.read_text())


# -- report ----------------------------------------------------------------------------------------


def raw_product(similarity: dict, people: int) -> str:
    """bench_similarity's raw-product baseline ("CPU-seconds pairs") in words."""
    words = (similarity.get("raw_product") or "").split()
    if len(words) != 2:
        return "raw sparse product: not run"
    return f"raw sparse product M @ M.T, {people:,} people, 3+ shared: {float(words[0]):.2f} s CPU, {int(words[1]):,} pairs"


def size_name(size: int) -> str:
    return f"{size // 1_000_000}M" if size >= 1_000_000 else f"{size // 1000}k"


def secs(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s" if value < 100 else f"{value:.0f} s"


def svg_plot(series: dict[str, dict[int, float]], title: str) -> str:
    """A log-log plot (time against triples) as standalone SVG: no plotting library needed."""
    points = [(s, t) for values in series.values() for s, t in values.items() if t and t > 0]
    if not points:
        return ""
    width, height, left, right, top, bottom = 860, 520, 70, 270, 40, 50
    xs = [math.log10(s) for s, _ in points]
    ys = [math.log10(t) for _, t in points]
    x0, x1 = math.floor(min(xs)), math.ceil(max(xs))
    y0, y1 = math.floor(min(ys)), math.ceil(max(ys))
    x1, y1 = max(x1, x0 + 1), max(y1, y0 + 1)

    def px(size: float) -> float:
        return left + (math.log10(size) - x0) / (x1 - x0) * (width - left - right)

    def py(seconds: float) -> float:
        return height - bottom - (math.log10(seconds) - y0) / (y1 - y0) * (height - top - bottom)

    colours = ["#1b6ca8", "#d1495b", "#2e933c", "#edae49", "#6a4c93", "#00798c", "#8c564b", "#e377c2",
               "#7f7f7f", "#bcbd22", "#17becf", "#000000", "#ff7f0e", "#9edae5", "#393b79", "#b5cf6b"]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
           '<rect width="100%" height="100%" fill="white"/>',
           f'<text x="{left}" y="22" font-size="14">{escape(title)}</text>']
    for e in range(x0, x1 + 1):
        x = px(10 ** e)
        out.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{height - bottom}" stroke="#ddd"/>')
        out.append(f'<text x="{x:.1f}" y="{height - bottom + 18}" text-anchor="middle">{size_name(10 ** e) if e >= 3 else 10 ** e}</text>')
    for e in range(y0, y1 + 1):
        y = py(10 ** e)
        label = f"{10 ** e * 1000:g} ms" if e < 0 else f"{10 ** e:g} s"
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{label}</text>')
    out.append(f'<text x="{(left + width - right) / 2}" y="{height - 12}" text-anchor="middle">triples (log)</text>')
    out.append(f'<text x="16" y="{(top + height - bottom) / 2}" transform="rotate(-90 16 {(top + height - bottom) / 2})" '
               'text-anchor="middle">seconds (log)</text>')
    for k, (name, values) in enumerate(series.items()):
        colour = colours[k % len(colours)]
        pts = sorted((s, t) for s, t in values.items() if t and t > 0)
        if not pts:
            continue
        dash = ' stroke-dasharray="5,4"' if name.startswith("baseline") else ""
        path = " ".join(f"{px(s):.1f},{py(t):.1f}" for s, t in pts)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        out += [f'<circle cx="{px(s):.1f}" cy="{py(t):.1f}" r="3" fill="{colour}"/>' for s, t in pts]
        ly = top + 8 + k * 18
        out.append(f'<line x1="{width - right + 12}" y1="{ly}" x2="{width - right + 36}" y2="{ly}" '
                   f'stroke="{colour}" stroke-width="2"{dash}/>')
        out.append(f'<text x="{width - right + 42}" y="{ly + 4}">{escape(name)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


# -- main ------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="triple counts, comma-separated")
    parser.add_argument("--large", action="store_true", help="also 10,000,000 triples")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip", default="", help="comma-separated: load, build, disk-queries, queries, "
                        "validation, similarity")
    parser.add_argument("--rdflib-max", type=int, default=100_000, help="largest size rdflib parses (the baseline)")
    parser.add_argument("--pyshacl-max", type=int, default=10_000, help="largest size pyshacl validates (the baseline)")
    parser.add_argument("--pyshacl-cap", type=float, default=300.0, help="seconds before pyshacl is stopped")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each kept answer through the CLI (the fastest "
                        "counts; the engine's first run is one run by nature)")
    parser.add_argument("--repeat-memory", type=int, default=2, help="runs of each in-memory query")
    parser.add_argument("--similarity-people", default="20000,100000")
    parser.add_argument("--similarity-baseline", type=int, default=5000,
                        help="people for bench_similarity's baselines (its default, 20,000, takes minutes and 3 GB)")
    parser.add_argument("--similarity-all", default="", help="--min-shared values for bench_similarity's streamed "
                        "all-pairs runs (default none: they take minutes; bench_similarity.py runs them)")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="which seconds the time targets judge (cpu: on a machine busy with other work)")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "leadgraph-bench-scale")
    parser.add_argument("--ods", type=Path, default=bench_queries_scale.DEFAULT_ODS
                        if bench_queries_scale.DEFAULT_ODS.exists() else None)
    parser.add_argument("--docs", action=argparse.BooleanOptionalAction, default=True,
                        help="write docs/scale.md and docs/images/scale.svg (default: yes)")
    parser.add_argument("--json", type=Path, help="also write every figure here")
    parser.add_argument("--from-json", type=Path, help="measure nothing: write the docs from a --json file of a run")
    args = parser.parse_args(argv)
    if args.from_json:
        figures = json.loads(args.from_json.read_text(encoding="utf-8"))
        figures["sizes"] = {int(size): entry for size, entry in figures["sizes"].items()}
        write_docs(figures, sorted(figures["sizes"]))
        return 0

    sizes = [int(float(s)) for s in args.sizes.split(",") if s.strip()]
    if args.large and 10_000_000 not in sizes:
        sizes.append(10_000_000)
    if any(s > synth.LARGE for s in sizes) and not args.large:
        parser.error(f"sizes above {synth.LARGE:,} triples need --large")
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    args.cache.mkdir(parents=True, exist_ok=True)
    # Start-up is part of the CLI figures: compile the package's bytecode as installing a wheel does
    # (with PYTHONDONTWRITEBYTECODE set, as here, each run would compile every module: 0.3-0.5 s).
    import compileall
    import leadgraph

    compileall.compile_dir(str(Path(leadgraph.__file__).parent), quiet=1)
    cpu_clock = args.clock == "cpu"
    started_run = time.perf_counter()
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    import pyoxigraph

    print(f"SYNTHETIC data; {os.cpu_count()} CPUs; Python {platform.python_version()}; pyoxigraph "
          f"{pyoxigraph.__version__}; {stamp}; load average {os.getloadavg()[0]:.1f}", flush=True)
    figures: dict = {"date": stamp, "cpus": os.cpu_count(), "python": platform.python_version(),
                     "pyoxigraph": pyoxigraph.__version__, "clock": args.clock, "sizes": {}}
    targets: list[tuple[str, str, str, bool]] = []  # (target, measured, baseline, passed)
    vocab = synth.vocabulary(args.ods)
    params = {name: dict(values) for name, values in bench_queries_scale.PARAMS.items()}

    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        work = Path(tmp)
        person = extra_person(work, args.seed, vocab)
        for size in sizes:
            path = bench_queries_scale.cache_file(args.cache, size, args.seed, args.ods)
            entry: dict = {"load_average": os.getloadavg()[0]}
            figures["sizes"][size] = entry
            print(f"\n{size:,} triples ({path.name}); load average {entry['load_average']:.1f}", flush=True)
            if "load" not in skip:
                entry["load"] = measure(["load", str(path)])
                entry["load_raw"] = measure(["load-raw", str(path)])
                if size <= args.rdflib_max:
                    entry["load_rdflib"] = measure(["load-rdflib", str(path)])
                print(f"  load: leadgraph {secs(entry['load']['seconds'])} ({entry['load']['peak_mb']:.0f} MB), raw "
                      f"pyoxigraph {secs(entry['load_raw']['seconds'])} ({entry['load_raw']['peak_mb']:.0f} MB)"
                      + (f", rdflib {secs(entry['load_rdflib']['seconds'])} ({entry['load_rdflib']['peak_mb']:.0f} MB)"
                         if "load_rdflib" in entry else ""), flush=True)
            need_store = not {"build", "disk-queries", "validation"} <= skip
            store_dir = work / f"store-{size}"
            plain_dir = work / f"plain-{size}"  # built with --no-answers: the engine's own figures
            if need_store:
                entry["build"] = measure(["build", str(store_dir), str(path), str(person)])
                entry["build_no_answers"] = measure(["build-no-answers", str(plain_dir), str(path), str(person)])
                if "build" not in skip:
                    entry["build_raw"] = measure(["build-raw", str(work / f"raw-{size}"), str(path)])
                    shutil.rmtree(work / f"raw-{size}", ignore_errors=True)
                    print(f"  store build: leadgraph {secs(entry['build']['seconds'])} "
                          f"({entry['build']['peak_mb']:.0f} MB; --no-answers "
                          f"{secs(entry['build_no_answers']['seconds'])}), raw bulk_load "
                          f"{secs(entry['build_raw']['seconds'])} ({entry['build_raw']['peak_mb']:.0f} MB)", flush=True)
            if "disk-queries" not in skip:
                if params["leaders-at-organisation"].get("organisation") is None:
                    import pyoxigraph as ox

                    generation = store_dir / (store_dir / "current").read_text().strip()
                    params["leaders-at-organisation"]["organisation"] = bench_queries_scale.busiest_trust(
                        ox.Store.read_only(str(generation)))
                entry["disk_queries"] = named_disk_queries(store_dir, plain_dir, work, args.repeat, params)
                runs = entry["disk_queries"]
                key = "cpu" if cpu_clock else "wall"
                slowest = max(runs, key=lambda n: runs[n][key])
                engine = max(runs, key=lambda n: runs[n][f"engine_{key}"])
                print(f"  CLI query on disk ({len(runs)} named queries, start-up included), after store build: median "
                      f"{secs(sorted(r[key] for r in runs.values())[len(runs) // 2])}, slowest {slowest} "
                      f"{secs(runs[slowest][key])}; first run by the engine: slowest {engine} "
                      f"{secs(runs[engine][f'engine_{key}'])} (raw program {secs(runs[engine]['raw_wall'])}); kept "
                      f"answers: slowest {secs(max(r[f'kept_{key}'] for r in runs.values()))}", flush=True)
            if "validation" not in skip:
                entry["validate"] = measure(["validate", str(path)])
                entry["validate_built"] = measure(["validate-kept", str(store_dir)])  # cold, after store build
                entry["validate_disk"] = measure(["validate-disk", str(store_dir)])
                # A file changed since the build (a comment: same triples, another SHA-256), so the
                # files cannot stand in for the store: validated over a copy of the store's own triples.
                person.write_text(person.read_text(encoding="utf-8") + "\n# changed after the build\n",
                                  encoding="utf-8")
                entry["validate_changed"] = measure(["validate-disk", str(store_dir)])
                if size <= args.pyshacl_max:
                    entry["validate_pyshacl"] = measure(["validate-pyshacl", str(path)], cap=args.pyshacl_cap)
                print(f"  validate: in memory {secs(entry['validate']['seconds'])} "
                      f"({entry['validate']['peak_mb']:.0f} MB), on disk after store build "
                      f"{secs(entry['validate_built']['seconds'])}, on disk with no report "
                      f"{secs(entry['validate_disk']['seconds'])} ({entry['validate_disk']['peak_mb']:.0f} MB), a file changed "
                      f"since {secs(entry['validate_changed']['seconds'])} ({entry['validate_changed']['peak_mb']:.0f} MB)"
                      + (f", pyshacl {secs(entry['validate_pyshacl'].get('seconds'))}" if "validate_pyshacl" in entry
                         else ""), flush=True)
                if size == max(sizes):
                    measure(["validate-kept", str(store_dir)])  # keeps a report for the update to build on
                    person.write_text(person.read_text(encoding="utf-8") + f"\nlgd:{EXTRA_PERSON} "
                                      '<https://schema.org/alternateName> "S. P. Extra" .\n', encoding="utf-8")
                    entry["update_no_answers"] = measure(["update-no-answers", str(store_dir)])
                    entry["validate_incremental"] = measure(["validate-kept", str(store_dir)])
                    person.write_text(person.read_text(encoding="utf-8") + f"\nlgd:{EXTRA_PERSON} "
                                      '<https://schema.org/alternateName> "S. P. Extra 2" .\n', encoding="utf-8")
                    entry["update"] = measure(["update", str(store_dir)])
                    print(f"  one person's file changed: store update {secs(entry['update']['seconds'])} "
                          f"(--no-answers {secs(entry['update_no_answers']['seconds'])}), then revalidation "
                          f"{secs(entry['validate_incremental']['seconds'])}", flush=True)
            shutil.rmtree(store_dir, ignore_errors=True)
            shutil.rmtree(plain_dir, ignore_errors=True)

        if "queries" not in skip:
            print("\nnamed queries in memory (bench_queries_scale.py):", flush=True)
            figures["memory_queries"] = memory_queries(sizes, args, work)
        if "similarity" not in skip:
            print("\nsimilarity (bench_similarity.py):", flush=True)
            figures["similarity"] = similarity(args, work)

    # -- targets ------------------------------------------------------------------------------------
    clock_key = "cpu" if cpu_clock else "seconds"
    judged = TARGET_AT if TARGET_AT in figures["sizes"] else None
    at = figures["sizes"].get(judged, {})
    if "disk_queries" in at:
        runs = at["disk_queries"]
        key = "cpu" if cpu_clock else "wall"
        over = sorted((n for n in runs if runs[n][key] > QUERY_DISK_TARGET), key=lambda n: -runs[n][key])
        engine_over = sorted((n for n in runs if runs[n][f"engine_{key}"] > QUERY_DISK_TARGET),
                             key=lambda n: -runs[n][f"engine_{key}"])
        kept_over = [n for n in runs if runs[n][f"kept_{key}"] > QUERY_DISK_TARGET]
        targets.append((f"`query` on a 1M-triple disk store after `store build` (default answers kept), start-up "
                        f"included, <= {QUERY_DISK_TARGET} s",
                        f"{len(runs) - len(over)} of {len(runs)} named queries within; over: "
                        + (", ".join(f"{n} {secs(runs[n][key])}" for n in over) or "none"),
                        f"the engine's first run over for {len(engine_over)} ("
                        + ", ".join(f"{n} {secs(runs[n][f'engine_{key}'])}" for n in engine_over)
                        + f"); a kept answer over for {len(kept_over)}", not over))
    memory = figures.get("memory_queries")
    if memory:
        failures = memory.get("failures", [])
        targets.append(("named queries in memory: <= 1 s at 1M, growth <= 15x per 10x (vs lookups)",
                        "; ".join(failures) or "all within", "engine's lookup baseline, same run", not failures))
    if "validate" in at:
        for what, key in (("in memory", "validate"), ("on disk after `store build`", "validate_built"),
                          ("on disk with no kept report", "validate_disk"),
                          ("on disk with no kept report, a file changed since the build", "validate_changed")):
            if key not in at:
                continue
            spent = at[key][clock_key]
            targets.append((f"validate 1M triples {what} <= {VALIDATE_TARGET:.0f} s",
                            f"{secs(spent)}, {at[key]['peak_mb']:.0f} MB", "pyshacl: see table",
                            spent <= VALIDATE_TARGET))
    largest = figures["sizes"].get(max(sizes), {})
    if "validate_incremental" in largest:
        spent = largest["validate_incremental"][clock_key]
        targets.append((f"revalidate one changed person's file <= {INCREMENTAL_TARGET:.0f} s "
                        f"({size_name(max(sizes))} store)", secs(spent),
                        f"full validation on disk {secs(largest['validate_disk'][clock_key])}",
                        spent <= INCREMENTAL_TARGET))
    for run in (figures.get("similarity") or {}).get("runs", []):
        if run.get("target_s_mb") and run["run"].startswith("top 10"):
            seconds, megabytes = run["target_s_mb"]
            targets.append((f"similarity top 10, {run['people']:,} people <= {seconds:g} s, {megabytes:,} MB",
                            f"{run['wall_s']:.2f} s wall, {run['cpu_s']:.2f} s CPU, {run['peak_mb']} MB",
                            raw_product(figures["similarity"], args.similarity_baseline), run["verdict"] == "ok"))
    figures["targets"] = targets
    figures["minutes"] = (time.perf_counter() - started_run) / 60
    print(f"\nTargets (time judged on {args.clock} time; load average now {os.getloadavg()[0]:.1f}):")
    for target, measured, baseline, passed in targets:
        print(f"  {'PASS' if passed else 'FAIL'}  {target}: {measured} [{baseline}]")
    failed = sum(1 for t in targets if not t[3])
    print(f"{'PASS' if not failed else f'FAIL ({failed})'} in {figures['minutes']:.1f} minutes")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1, default=str) + "\n", encoding="utf-8")
    if args.docs:
        write_docs(figures, sizes)
    return 1 if failed else 0


def write_docs(figures: dict, sizes: list[int]) -> None:
    """docs/scale.md (the tables) and docs/images/scale.svg (the plot)."""
    per = figures["sizes"]
    rows = []
    lines = [
        ("load: `leadgraph.load`", "load"), ("baseline: raw pyoxigraph `Store.load`", "load_raw"),
        ("baseline: rdflib `Graph.parse`", "load_rdflib"), ("store build (disk, answers kept)", "build"),
        ("store build --no-answers", "build_no_answers"),
        ("baseline: raw pyoxigraph `bulk_load` to disk", "build_raw"), ("validate, in memory", "validate"),
        ("validate, on disk after store build (report kept)", "validate_built"),
        ("validate, on disk with no kept report", "validate_disk"),
        ("validate, on disk with no kept report, a file changed since the build", "validate_changed"),
        ("baseline: pyshacl", "validate_pyshacl"),
        ("store update, one person's file changed", "update"),
        ("store update --no-answers, one person's file changed", "update_no_answers"),
    ]
    series: dict[str, dict[int, float]] = {}
    for label, key in lines:
        cells, values = [], {}
        for size in sizes:
            run = per.get(size, {}).get(key)
            if run is None:
                cells.append("not run")
            elif "timeout" in run:
                cells.append(f"> {run['timeout']:.0f} s (stopped)")
            else:
                cells.append(f"{secs(run['seconds'])} (CPU {secs(run['cpu'])}), {run['peak_mb']:.0f} MB")
                values[per[size].get(key, {}).get("triples") or size] = run["seconds"]
        if values:
            rows.append([label] + cells)
            series[label.replace("`", "").split(":")[0] if not label.startswith("baseline") else
                   label.replace("`", "")] = values
    for name in ("cio-roles", "person-profile", "roles-by-kind"):
        values = {s: per[s]["disk_queries"][name]["wall"] for s in sizes if "disk_queries" in per.get(s, {})}
        raw = {s: per[s]["disk_queries"][name]["raw_wall"] for s in sizes if "disk_queries" in per.get(s, {})}
        if values:
            rows.append([f"`leadgraph --store DIR query {name}` (wall, start-up included)"]
                        + [secs(values.get(s)) for s in sizes])
            rows.append([f"baseline: raw program, same query (engine alone: "
                         f"{secs(per[sizes[-1]]['disk_queries'][name]['raw_query_s'])} at {size_name(sizes[-1])})"]
                        + [secs(raw.get(s)) for s in sizes])
            series[f"CLI query on disk: {name}"] = values
            if name == "cio-roles":
                series["baseline: raw program, cio-roles"] = raw
    memory = figures.get("memory_queries")
    if memory:
        results = memory["results"]
        times = {}
        for size in sizes:
            known = [(e["times"].get(str(size)) or 0, n) for n, e in results.items()
                     if not n.startswith("(") and e["times"].get(str(size)) is not None]
            if known:
                times[size] = max(known)
        rows.append(["slowest named query in memory (CPU)"] + [f"{secs(times[s][0])} ({times[s][1]})" if s in times
                                                              else "-" for s in sizes])
        series["slowest named query, in memory"] = {s: t for s, (t, _) in times.items()}
        scan = {s: results["(scan)"]["times"].get(str(s)) for s in sizes}
        rows.append(["baseline: count every triple (CPU)"] + [secs(scan.get(s)) for s in sizes])
        series["baseline: count every triple"] = {s: t for s, t in scan.items() if t}
    sim_rows = []
    for run in (figures.get("similarity") or {}).get("runs", []):
        sim_rows.append([f"{run['people']:,}", f"{run['triples']:,}", run["run"], f"{run['rows']:,}",
                         f"{run['wall_s']:.2f} s", f"{run['cpu_s']:.2f} s", f"{run['peak_mb']} MB",
                         run["verdict"] or "-"])
        if run["run"].startswith("top 10"):
            series.setdefault("similarity top 10 (CLI)", {})[run["triples"]] = run["wall_s"]
    disk_rows = []
    biggest = per.get(sizes[-1], {}).get("disk_queries", {})
    for name, run in sorted(biggest.items(), key=lambda item: -item[1].get("engine_wall", item[1]["wall"])):
        disk_rows.append([name, run.get("after_build_from", "engine"), secs(run["wall"]),
                          secs(run["cpu"]), secs(run.get("engine_wall")), secs(run.get("engine_cpu")),
                          secs(run.get("kept_wall")), secs(run.get("kept_cpu")), f"{run['peak_mb']:.0f} MB",
                          secs(run["raw_wall"]), secs(run["raw_open_s"]), secs(run["raw_query_s"])])
    loads = ", ".join(f"{size_name(s)}: {per[s]['load_average']:.1f}" for s in sizes if s in per)
    text = [
        "# Scale benchmark results",
        "",
        "Generated by `.venv/bin/python benchmarks/bench_scale.py` (do not edit by hand; see",
        "[performance.md](performance.md) for how the queries were made linear). All data is **synthetic**",
        f"(`benchmarks/synth.py`). Run {figures['date']}, {figures['cpus']} CPUs shared with other jobs (load",
        f"average at the start of each size: {loads}), Python {figures['python']}, pyoxigraph {figures['pyoxigraph']};",
        f"{figures['minutes']:.1f} minutes in all. Times are wall-clock unless marked CPU; memory is the",
        "peak resident set of the process doing the work. Baselines ran in the same run, beside each figure.",
        f"The time targets are judged on {'CPU' if figures.get('clock') == 'cpu' else 'wall-clock'} seconds "
        f"(`--clock {figures.get('clock', 'wall')}`).",
        "",
        "## Targets",
        "",
        markdown_table(["", "target", "measured", "baseline"],
                       [["PASS" if p else "FAIL", t, m, b] for t, m, b, p in figures["targets"]]),
        "",
        "## Time and memory against size",
        "",
        "![log-log plot of time against triples](images/scale.svg)",
        "",
        markdown_table(["what"] + [f"{size_name(s)} triples" for s in sizes], rows),
        "",
    ]
    if disk_rows:
        text += [f"## Every named query through the CLI on the {size_name(sizes[-1])}-triple disk store", "",
                 "`leadgraph --store DIR query NAME -f csv` as a new process, start-up included, three ways:",
                 "**after build** on the store as `store build` leaves it (a query run with its default",
                 "parameters, or with a value a `keep:` header lists, is answered from the answers kept at build:",
                 "`kept`; `narrowed`: the engine, handed the leaders the kept name index finds; else the `engine`),",
                 "the **first run** on a store built with `--no-answers` (the engine; the answer",
                 "is then kept) and the **kept** answer served on the next run. The baseline: a minimal program",
                 "that starts Python, opens the same store read-only with pyoxigraph (`open`), runs the same text",
                 "and writes CSV (`engine alone`: its query time). A query stopped at the 30 s limit shows 30 s.",
                 "",
                 markdown_table(["query", "after build from", "after build", "CPU", "first run (engine)", "CPU",
                                 "kept answer", "CPU", "peak", "baseline wall", "open", "engine alone"],
                                disk_rows), ""]
    if sim_rows:
        text += ["## Similarity (bench_similarity.py)", "",
                 markdown_table(["people", "triples", "run", "rows", "wall", "CPU", "peak", "verdict"], sim_rows), ""]
        raw = figures["similarity"].get("raw_product")
        if raw:
            text += [f"Baseline, the raw sparse product `M @ M.T` in blocks (CPU s, pairs): {raw}.", ""]
    (REPO / "docs" / "scale.md").write_text("\n".join(text), encoding="utf-8")
    (REPO / "docs" / "images").mkdir(exist_ok=True)
    (REPO / "docs" / "images" / "scale.svg").write_text(
        svg_plot(series, f"leadgraph at scale, synthetic data ({figures['date']})"), encoding="utf-8")
    print("wrote docs/scale.md and docs/images/scale.svg")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_child":
        child(sys.argv[2:])
    else:
        sys.exit(main())
