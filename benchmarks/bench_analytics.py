"""Trait similarity at scale: leadgraph's sparse M @ M.T against the SPARQL self-join.

SYNTHETIC DATA ONLY: the people, traits and attributions are generated here, in memory,
with invented IRIs under https://example.org/synthetic/ (never written to data/). They
stand for nobody.

Both sides answer "which pairs of people share at least MIN traits, and how many?" on the
same pyoxigraph store, in the same run:

* sparse: :func:`leadgraph.network.analytics.trait_similarity` (which also labels every pair and
  lists the traits shared);
* SPARQL: a self-join on lg:person / lg:trait grouped by pair, run through
  :func:`leadgraph.sparql.run.query` with a time cap (``--cap`` seconds); a capped run
  reports the ratio as "at least".

First both run on a small graph (``--check-people``) where the join finishes, and their
answers are compared pair by pair. Prints a table; exits 1 if the answers differ or the
sparse side is not at least ``--target`` times faster at full size.

    python benchmarks/bench_analytics.py [--people 20000] [--traits 60] [--min-shared 3] [--cap 120]
"""

from __future__ import annotations

import argparse
import random
import sys
import time

import pyoxigraph as ox

from leadgraph.network.analytics import trait_similarity
from leadgraph.errors import QueryError
from leadgraph.namespaces import LG, RDF, RDFS
from leadgraph.sparql.run import query

SYNTHETIC = "https://example.org/synthetic/"

JOIN = """
SELECT ?a ?b (COUNT(DISTINCT ?t) AS ?shared) WHERE {
  ?x lg:person ?a ; lg:trait ?t .
  ?y lg:person ?b ; lg:trait ?t .
  FILTER (STR(?a) < STR(?b))
}
GROUP BY ?a ?b
HAVING (COUNT(DISTINCT ?t) >= %d)
"""


def synthetic_store(people: int, traits: int, seed: int = 7) -> ox.Store:
    """``people`` invented people with 3-6 of ``traits`` invented traits each."""
    rng = random.Random(seed)
    quads = []
    label = ox.NamedNode(RDFS + "label")
    for t in range(traits):
        quads.append(ox.Quad(ox.NamedNode(f"{SYNTHETIC}trait-{t}"), label, ox.Literal(f"Synthetic trait {t}")))
    for p in range(people):
        person = ox.NamedNode(f"{SYNTHETIC}person-{p}")
        quads.append(ox.Quad(person, label, ox.Literal(f"Synthetic person {p}")))
        for t in rng.sample(range(traits), rng.randint(3, 6)):
            attribution = ox.NamedNode(f"{SYNTHETIC}attribution-{p}-{t}")
            quads += [
                ox.Quad(attribution, ox.NamedNode(RDF + "type"), ox.NamedNode(LG + "TraitAttribution")),
                ox.Quad(attribution, ox.NamedNode(LG + "person"), person),
                ox.Quad(attribution, ox.NamedNode(LG + "trait"), ox.NamedNode(f"{SYNTHETIC}trait-{t}")),
            ]
    store = ox.Store()
    store.extend(quads)
    return store


def run_sparse(store: ox.Store, min_shared: int) -> tuple[float, dict]:
    started = time.perf_counter()
    rows = trait_similarity(store, min_shared=min_shared, top=0)  # every pair, as the join gives
    elapsed = time.perf_counter() - started
    return elapsed, {(r["person_a"], r["person_b"]) if r["person_a"] < r["person_b"]
                     else (r["person_b"], r["person_a"]): r["shared"] for r in rows}


def run_sparql(store: ox.Store, min_shared: int, cap: float) -> tuple[float, dict | None]:
    started = time.perf_counter()
    try:
        result = query(JOIN % min_shared, graph=store, timeout=cap)
    except QueryError as exc:
        if "time" not in str(exc).lower():
            raise
        return time.perf_counter() - started, None
    elapsed = time.perf_counter() - started
    return elapsed, {(r["a"], r["b"]): r["shared"] for r in result.rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--traits", type=int, default=60)
    parser.add_argument("--min-shared", type=int, default=3)
    parser.add_argument("--check-people", type=int, default=2_000)
    parser.add_argument("--cap", type=float, default=120.0, help="seconds the SPARQL join may run")
    parser.add_argument("--target", type=float, default=10.0, help="required speed-up at full size")
    args = parser.parse_args()

    print("SYNTHETIC data (invented people and traits, in memory only)")
    print(f"{'people':>7} {'triples':>9} {'pairs':>9} {'sparse s':>9} {'SPARQL s':>10} {'ratio':>9}  answers")
    ok = True
    ratio = 0.0
    for people in (args.check_people, args.people):
        store = synthetic_store(people, args.traits)
        sparse_s, sparse_pairs = run_sparse(store, args.min_shared)
        sparql_s, sparql_pairs = run_sparql(store, args.min_shared, args.cap)
        if sparql_pairs is None:
            shown, agree = f">{args.cap:.0f}", "SPARQL capped"
            ratio = args.cap / sparse_s
            ratio_text = f">={ratio:.0f}x"
        else:
            same = sparql_pairs == sparse_pairs
            ok &= same
            shown, agree = f"{sparql_s:.2f}", "same" if same else "DIFFERENT"
            ratio = sparql_s / sparse_s
            ratio_text = f"{ratio:.0f}x"
        print(f"{people:>7} {len(store):>9} {len(sparse_pairs):>9} {sparse_s:>9.2f} {shown:>10} {ratio_text:>9}  {agree}")
    ok &= ratio >= args.target
    print(f"{'PASS' if ok else 'FAIL'}: answers agree where the join finished; sparse at least {args.target:g}x "
          f"faster at {args.people} people (min shared {args.min_shared}, {args.traits} traits)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
