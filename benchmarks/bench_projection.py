"""CPU time of each stage of ``leadgraph viz`` on a SYNTHETIC national graph, against another
checkout of leadgraph measured in the same run, and whether both project the same graph.

Issue 11 asks for a 10,000-person national graph drawn in at most 5 s; the page itself is
measured by bench_viz.py, and this measures what comes before it:

    load        load(data=[the synthetic Turtle])
    projection  to_networkx(graph)
    communities page_extras(..., coverage=False)   (leadgraph.network.communities)
    coverage    page_extras(..., communities=False) (leadgraph.network.coverage.coverage_tree)
    page        render_html(view="auto") with both

The baseline is any other checkout (``git worktree add /tmp/base <commit>``): each stage runs in a
fresh process per tree, the two trees alternating, and the fastest of ``--repeat`` runs is kept.
With ``--same`` the projected graphs (nodes, edges, keys, attributes and their order), the
communities and the coverage tree of both trees are compared on the bundled data and on the
synthetic graph: a speed-up must not change the output.

All data here is SYNTHETIC (benchmarks/synth.py: invented people at the real trusts), written to a
temporary folder, never data/.

Usage:
    .venv/bin/python benchmarks/bench_projection.py --baseline /tmp/base --same
    .venv/bin/python benchmarks/bench_projection.py --people 300 --repeat 1
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
STAGES = ("load", "projection", "communities", "coverage", "page")

_CHILD = r"""
import json, pickle, sys, time
from leadgraph.loading import load
from leadgraph.network.projection import to_networkx
from leadgraph.viz.page import page_extras, render_html

path, dump = sys.argv[1], sys.argv[2]
clock = time.process_time
row = {}
mark = clock(); graph = load(data=[path]) if path != "-" else load(); row["load"] = clock() - mark
mark = clock(); network = to_networkx(graph); row["projection"] = clock() - mark
places = page_extras(graph, network, communities=False, coverage=False)["places"]
mark = clock(); found = page_extras(graph, network, coverage=False)["communities"]; row["communities"] = clock() - mark
mark = clock(); tree = page_extras(graph, network, communities=False)["coverage"]; row["coverage"] = clock() - mark
mark = clock(); render_html(network, title="SYNTHETIC", view="auto", places=places, communities=found, coverage=tree)
row["page"] = clock() - mark
if dump != "-":
    with open(dump, "wb") as out:
        pickle.dump((list(network.nodes(data=True)), [list(a) for _, a in network.nodes(data=True)],
                     list(network.edges(keys=True, data=True)), [list(d) for *_, d in network.edges(keys=True, data=True)],
                     found, tree), out)
print(json.dumps(row))
"""


def run(tree: Path, data: str, dump: str = "-") -> dict[str, float]:
    """One fresh process of ``tree``'s leadgraph (its src/ first on the path) over ``data``."""
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    done = subprocess.run([sys.executable, "-c", _CHILD, data, dump], env=env, check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10000, help="people in the SYNTHETIC national graph")
    parser.add_argument("--data", type=Path, help="an existing synthetic Turtle file to use instead")
    parser.add_argument("--baseline", type=Path, help="another leadgraph checkout to measure in the same run")
    parser.add_argument("--repeat", type=int, default=2, help="runs per tree (fastest kept)")
    parser.add_argument("--same", action="store_true", help="check both trees give the same output (needs --baseline)")
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="leadgraph-bench-projection-"))
    data = args.data
    if data is None:
        sys.path.insert(0, str(HERE))
        import synth

        data = folder / f"national-{args.people}.ttl"
        synth.write(data, people=args.people, seed=1)
    trees = {"this tree": HERE.parent}
    if args.baseline is not None:
        trees["baseline"] = args.baseline.resolve()
    best: dict[str, dict[str, float]] = {}
    for _ in range(args.repeat):
        for name, tree in trees.items():  # alternating, so both see the same machine load
            row = run(tree, str(data))
            best[name] = {k: min(v, best.get(name, {}).get(k, v)) for k, v in row.items()}
    print(f"CPU seconds, fastest of {args.repeat}, SYNTHETIC graph {data.name}:")
    print(f"{'stage':<12}" + "".join(f"{name:>12}" for name in trees))
    for stage in STAGES:
        print(f"{stage:<12}" + "".join(f"{best[name][stage]:>12.2f}" for name in trees))
    missed = 0
    if args.same and args.baseline is not None:
        for label, which in (("bundled data", "-"), (data.name, str(data))):
            dumps = {name: folder / f"{name.replace(' ', '-')}-{label.replace(' ', '-')}.pickle" for name in trees}
            for name, tree in trees.items():
                run(tree, which, str(dumps[name]))
            same = pickle.loads(dumps["this tree"].read_bytes()) == pickle.loads(dumps["baseline"].read_bytes())
            print(f"same output on {label}: {'yes' if same else 'NO'}")
            missed += not same
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
