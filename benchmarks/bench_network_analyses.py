"""Coverage, paths, communities and mentoring matches at national scale, on SYNTHETIC data.

The people are invented by ``benchmarks/synth.py`` (real NHS trusts, invented leaders; every
statement cites a source marked synthetic), written to a temporary file and never to data/.

For each size (``--triples``, default 100,000 and 1,000,000) it measures, in CPU seconds of
this process (fastest of ``--repeat`` runs, so other work on a shared machine counts less):

* the baseline, in the same run: loading the Turtle into a store, and one scan over every
  triple (``SELECT (COUNT(*) AS ?n) { ?s ?p ?o }``);
* :func:`~leadgraph.network.ties.ties` (reading the sourced ties), then, on the ties already read,
  :func:`~leadgraph.network.communities.communities`, :func:`~leadgraph.network.paths.paths`
  (between the first and the last person, and between two people of different regions through
  organisations and regions only), :func:`~leadgraph.network.mentoring.mentors`; and
  :func:`~leadgraph.network.coverage.coverage` by trust from the store.

Targets (exit 1 when missed): at the largest size, each analysis takes at most ``--ratio``
times (default 3) the time of loading the same data; and from the smallest to the largest
size each grows at most 1.5 times as much as loading does in the same run (loading grows about
11x for 10x the triples, so at most about 17x; quadratic work would be about 100x; times under
50 ms count as 50 ms, being mostly noise).

    .venv/bin/python benchmarks/bench_network_analyses.py [--triples 100000 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402

from leadgraph.loading import load  # noqa: E402
from leadgraph.network.communities import communities  # noqa: E402
from leadgraph.network.coverage import coverage  # noqa: E402
from leadgraph.network.mentoring import mentors  # noqa: E402
from leadgraph.network.paths import paths  # noqa: E402
from leadgraph.network.ties import ties  # noqa: E402

FLOOR = 0.05
ETR = HERE.parent.parent / "shared" / "reference" / "ods" / "etr.csv"


def cpu(fn, repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.process_time()
        result = fn()
        best = min(best, time.process_time() - started)
    return best, result


def measure(path: Path, repeat: int) -> dict[str, float]:
    timings: dict[str, float] = {}
    timings["load (baseline)"], graph = cpu(lambda: load([path]), repeat)
    timings["scan every triple (baseline)"], _ = cpu(
        lambda: graph.store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"), repeat)
    timings["ties"], found = cpu(lambda: ties(graph), repeat)
    people = found.people
    timings["coverage --by trust"], covered = cpu(lambda: coverage(graph, by="trust"), repeat)
    timings["communities"], groups = cpu(lambda: communities(graph, ties=found), repeat)
    timings["path first-last"], _ = cpu(lambda: paths(graph, people[0], people[-1], ties=found), repeat)
    timings["path via organisation,region"], _ = cpu(
        lambda: paths(graph, people[1], people[-2], via="organisation,region", ties=found), repeat)
    timings["mentors"], _ = cpu(lambda: mentors(graph, people[0], ties=found), repeat)
    print(f"  {len(graph):,} triples, {len(people):,} people, {len(groups)} communities, "
          f"{covered['covered']}/{covered['trusts']} trusts covered", flush=True)
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--ratio", type=float, default=3.0)
    args = parser.parse_args(argv)
    sizes = sorted(args.triples)
    results = {}
    vocab = synth.vocabulary(ETR if ETR.exists() else None)
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            path = Path(folder) / f"synth-{size}.ttl"
            synth.write(path, triples=size, vocab=vocab)
            print(f"{size:,} triples (SYNTHETIC):", flush=True)
            results[size] = measure(path, args.repeat)
    names = list(results[sizes[0]])
    width = max(map(len, names))
    print(f"\n{'CPU seconds (fastest of ' + str(args.repeat) + ')':<{width}}  "
          + "  ".join(f"{s:>12,}" for s in sizes) + ("  growth" if len(sizes) > 1 else ""))
    failed = []
    data_growth = sizes[-1] / sizes[0]
    load_growth = results[sizes[-1]]["load (baseline)"] / results[sizes[0]]["load (baseline)"]
    largest = results[sizes[-1]]
    for name in names:
        cells = "  ".join(f"{results[s][name]:>12.3f}" for s in sizes)
        growth = ""
        if len(sizes) > 1:
            # Below 50 ms a time is mostly noise on a shared machine: count it as 50 ms.
            ratio = max(results[sizes[-1]][name], FLOOR) / max(results[sizes[0]][name], FLOOR)
            growth = f"  {ratio:5.1f}x"
            if "baseline" not in name and ratio > 1.5 * load_growth:
                failed.append(f"{name} grew {ratio:.1f}x for {data_growth:.0f}x the data, more than 1.5x "
                              f"loading's {load_growth:.1f}x")
        print(f"{name:<{width}}  {cells}{growth}")
        if "baseline" not in name and largest[name] > args.ratio * largest["load (baseline)"]:
            failed.append(f"{name} took {largest[name]:.2f} s, more than {args.ratio}x loading "
                          f"({largest['load (baseline)']:.2f} s)")
    for problem in failed:
        print("MISSED:", problem)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
