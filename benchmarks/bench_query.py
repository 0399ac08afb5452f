"""Start-up of `leadgraph query <named query>` against the rdflib-only way of answering it.

Both sides are measured in the same run, as fresh processes, the way a user meets them:

* leadgraph: the installed console script runs a bundled named query on the bundled data
  (import, load the ontology and data into Oxigraph, check, run in a forked child, print);
* rdflib: ``python -c`` imports rdflib, parses the same ontology and data files into an
  in-memory rdflib Graph and runs exactly the text leadgraph runs (the query with its
  parameters bound as a VALUES block, and the PREFIX lines leadgraph predeclares).

Targets (issue 3): median <= 0.25 s for leadgraph, and at least 2.5x faster than rdflib.
Prints a table and PASS/FAIL; exits 1 on FAIL.

    python benchmarks/bench_query.py [--runs 15]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 0.25
TARGET_RATIO = 2.5

CASES = [
    ("cio-roles", {}),
    ("leaders-with-trait", {"trait": "lgd:trait-resilience"}),
    ("shared-traits", {}),
]

RDFLIB_PROGRAM = r"""
import sys
from pathlib import Path
import rdflib
ontology, data, query_text = sys.argv[1], sys.argv[2], sys.argv[3]
graph = rdflib.Graph()
for path in sorted(Path(ontology).glob("*.ttl")):
    if path.name != "shapes.ttl":
        graph.parse(path, format="turtle")
for path in sorted(Path(data).rglob("*.ttl")):
    graph.parse(path, format="turtle")
print(len(list(graph.query(query_text))))
"""


def _time(command: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{done.stderr}")
    return elapsed, done.stdout


def _final_text(name: str, params: dict[str, str]) -> str:
    """The text leadgraph hands the engine: prefixes, query, parameters bound as VALUES."""
    sys.path.insert(0, str(REPO / "src"))
    from leadgraph.sparql.named import get
    from leadgraph.namespaces import sparql_prefixes
    from leadgraph.sparql.params import bind, resolve
    from leadgraph.sparql.safety import analyse

    named = get(name)
    shape = analyse(named.text)
    return sparql_prefixes() + bind(named.text, shape, resolve(params, shape, named.params))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15, help="timed runs per side and query (default 15)")
    args = parser.parse_args()
    script = shutil.which("leadgraph", path=str(Path(sys.executable).parent))
    if script is None:
        raise SystemExit("the leadgraph console script is not installed next to this python (run `make install`)")
    # Bytecode as an installed package has it (pip compiles on install; an editable install
    # writes it on first import unless PYTHONDONTWRITEBYTECODE is set, as it is in some sandboxes).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "src")], check=True)
    print(f"{args.runs} runs each, median wall time of a fresh process; python {sys.version.split()[0]}\n")
    print(f"{'query':<22} {'leadgraph':>10} {'rdflib':>10} {'ratio':>7}  rows  verdict")
    failed = False
    for name, params in CASES:
        leadgraph_cmd = [script, "query", name, "--format", "csv"]
        for key, value in params.items():
            leadgraph_cmd += ["--param", f"{key}={value}"]
        rdflib_cmd = [sys.executable, "-c", RDFLIB_PROGRAM, str(REPO / "ontology"), str(REPO / "data"),
                      _final_text(name, params)]
        for command in (leadgraph_cmd, rdflib_cmd):  # warm the file cache
            _time(command)
        ours, theirs = [], []
        for _ in range(args.runs):  # interleaved, so drift in machine load hits both sides alike
            elapsed, out = _time(leadgraph_cmd)
            ours.append(elapsed)
            our_rows = len(out.splitlines()) - 1
            elapsed, out = _time(rdflib_cmd)
            theirs.append(elapsed)
            their_rows = int(out.strip())
        mine, base = statistics.median(ours), statistics.median(theirs)
        ratio = base / mine
        ok = mine <= TARGET_SECONDS and ratio >= TARGET_RATIO and our_rows == their_rows
        failed |= not ok
        rows = f"{our_rows}" if our_rows == their_rows else f"{our_rows}!={their_rows}"
        print(f"{name:<22} {mine:>9.3f}s {base:>9.3f}s {ratio:>6.1f}x  {rows:>4}  {'PASS' if ok else 'FAIL'}")
    print(f"\ntargets: leadgraph median <= {TARGET_SECONDS} s and >= {TARGET_RATIO}x faster than rdflib; "
          f"both must return the same number of rows")
    print("FAIL" if failed else "PASS")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
