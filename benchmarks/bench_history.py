"""What corrections and history cost: --as-of against loading the graph, and the projection's intervals.

SYNTHETIC DATA ONLY (benchmarks/synth.py: invented people with dated role histories, written
to a temporary folder, never to data/).

For each size, in the same run and on the same graph (CPU seconds, the best of ``--repeat``):

* **load**: :func:`leadgraph.loading.load` of the file: the baseline, since every command
  pays it before anything else;
* **validity**: :func:`leadgraph.history.validity`, every dated statement's interval;
* **as-of view**: :func:`leadgraph.history.view_as_of` at three dates (before most statements,
  in the middle, after all), the slowest of them: the extra work ``--as-of`` adds;
* **projection**: :func:`leadgraph.network.projection.to_networkx` with the ``valid_from`` /
  ``valid_until`` edge attributes, against the same projection with the intervals switched off.

Targets (exit 1 if missed at any size): the as-of view at most 2.5x the load, and the
intervals adding at most 60% to the projection.

    .venv/bin/python benchmarks/bench_history.py [--sizes 100000,1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth  # noqa: E402

from leadgraph.history import validity, view_as_of  # noqa: E402
from leadgraph.loading import load  # noqa: E402
from leadgraph.network.projection import Projection, to_networkx  # noqa: E402

VIEW_TARGET = 2.5
PROJECTION_TARGET = 1.6
DATES = ("2000-01-01", "2015-06-30", "2100-01-01")


def best(repeat: int, work) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.process_time()
        result = work()
        times.append(time.process_time() - start)
    return min(times), result


def projection_without_intervals(graph) -> float:
    saved = Projection.validity
    Projection.validity = property(lambda self: {})  # the baseline: the same projection, no intervals
    try:
        start = time.process_time()
        to_networkx(graph)
        return time.process_time() - start
    finally:
        Projection.validity = saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000", help="triples per synthetic graph, comma-separated")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    ok = True
    print("triples    statements  load     validity  as-of view (x load)   projection / without (x)")
    with tempfile.TemporaryDirectory() as folder:
        for size in (int(s) for s in args.sizes.split(",")):
            path = Path(folder) / f"synth-{size}.ttl"
            synth.write(path, triples=size)
            load_time, graph = best(args.repeat, lambda: load([path]))
            valid_time, spans = best(args.repeat, lambda: validity(graph))
            view_time = max(best(args.repeat, lambda d=d: view_as_of(graph, d))[0] for d in DATES)
            with_intervals = min(best(1, lambda: to_networkx(graph))[0] for _ in range(args.repeat))
            without = min(projection_without_intervals(graph) for _ in range(args.repeat))
            view_ratio, projection_ratio = view_time / load_time, with_intervals / without
            passed = view_ratio <= VIEW_TARGET and projection_ratio <= PROJECTION_TARGET
            ok &= passed
            print(f"{len(graph):<10,} {len(spans):<11,} {load_time:6.2f}s  {valid_time:6.2f}s   "
                  f"{view_time:6.2f}s ({view_ratio:4.2f}x)      {with_intervals:6.2f}s / {without:6.2f}s "
                  f"({projection_ratio:4.2f}x)  {'PASS' if passed else 'FAIL'}")
    print(f"targets: as-of view <= {VIEW_TARGET}x load; projection with intervals <= {PROJECTION_TARGET}x without")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
