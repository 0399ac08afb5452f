"""Similarity at national scale: top-k per person, every pair streamed, output written as it is computed.

Graphs here are random and invented (https://example.org/ IRIs); top-k is checked against a
brute force over every pair, with few traits so that ties are everywhere, labels that repeat
(ties broken by IRI) and labels that do not sort like IRIs.
"""

from __future__ import annotations

import io
import itertools
import json
import random

import pyoxigraph as ox
import pytest

from leadgraph.errors import UsageError
from leadgraph.namespaces import LG, RDFS
from leadgraph.network import analytics
from leadgraph.network.analytics import analyse, iter_trait_similarity, trait_similarity

EX = "https://example.org/"
ODD_LABELS = ["Smith, Jo", 'Ann "Nan" Lee', "Line\nbreak", "Tab\there", "Zoë", "  spaced", "O'Neil", "日本",
              '=HYPERLINK("x")', "-dash", "@at", "+plus"]


def _graph(seed: int, people: int = 60, traits: int = 9, most: int = 7, odd: bool = False):
    """A random store and what it holds: person IRI -> set of trait IRIs, IRI -> label."""
    rng = random.Random(seed)
    store, held, label = ox.Store(), {}, {}
    name = ox.NamedNode(RDFS + "label")
    for t in range(traits):
        label[f"{EX}t{t}"] = rng.choice(ODD_LABELS) if odd and t % 3 == 0 else f"Trait {rng.randrange(traits)}"
    for p in range(people):
        iri = f"{EX}p{p:03d}"
        label[iri] = rng.choice(ODD_LABELS) if odd and p % 4 == 0 else f"Person {rng.choice('EDCBA')}"
        held[iri] = {f"{EX}t{t}" for t in rng.sample(range(traits), rng.randint(1, most))}
    for iri, text in label.items():
        store.add(ox.Quad(ox.NamedNode(iri), name, ox.Literal(text)))
    n = 0
    for person, ts in held.items():
        for t in ts:
            n += 1
            attribution = ox.NamedNode(f"{EX}a{n}")
            store.add(ox.Quad(attribution, ox.NamedNode(LG + "person"), ox.NamedNode(person)))
            store.add(ox.Quad(attribution, ox.NamedNode(LG + "trait"), ox.NamedNode(t)))
    return store, held, label


def _brute_force(held, label, top, min_shared, metric):
    """(person_a, person_b, shared, jaccard) in the documented order, from plain set operations."""
    people = sorted(held, key=lambda p: (label[p], p))
    place = {p: i for i, p in enumerate(people)}

    def measures(a, b):
        shared = len(held[a] & held[b])
        return shared, round(shared / len(held[a] | held[b]), 6)

    def rank(shared, jaccard):
        return (-jaccard, -shared) if metric == "jaccard" else (-shared, -jaccard)

    kept = set()
    for p in people:
        scored = [(rank(*measures(p, q)), place[q], q) for q in people
                  if q != p and measures(p, q)[0] >= min_shared]
        for _, _, q in sorted(scored)[:top] if top else scored:
            kept.add(tuple(sorted((p, q), key=place.get)))
    rows = [(a, b, *measures(a, b)) for a, b in kept]
    rows.sort(key=lambda r: (*rank(r[2], r[3]), place[r[0]], place[r[1]]))
    return rows


@pytest.fixture(params=["small", "default"])
def small_blocks(request, monkeypatch):
    # Blocks of a few people, few products, and a low bar for "too many trait subsets", so
    # the block loop, tiers falling through and the plain product for heavy people all run;
    # with the default sizes, whole-block paths (such as the pre-sort cut by rank) run instead.
    if request.param == "small":
        monkeypatch.setattr(analytics, "_ROWS_PER_BLOCK", 7)
        monkeypatch.setattr(analytics, "_ENTRIES_PER_BLOCK", 40)
        monkeypatch.setattr(analytics, "_SUBSETS_PER_PERSON", 10)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_top_k_matches_brute_force_with_ties(seed, small_blocks):
    store, held, label = _graph(seed)
    for top, min_shared, metric in itertools.product((1, 2, 3, 5, 0), (1, 2, 3, 4), ("jaccard", "count")):
        expected = _brute_force(held, label, top, min_shared, metric)
        got = [(r["person_a"], r["person_b"], r["shared"], r["jaccard"])
               for r in trait_similarity(store, min_shared, metric, top=top)]
        assert got == expected, (top, min_shared, metric)


def test_top_k_with_many_traits_each_and_default_blocks():
    # Up to 40 of 45 traits a person: C(40, 3) subsets is past the cap, so heavy people meet
    # everyone through the plain product; the default block sizes are used.
    store, held, label = _graph(5, people=80, traits=45, most=40)
    for top, min_shared in ((3, 1), (10, 2), (4, 3)):
        got = [(r["person_a"], r["person_b"], r["shared"], r["jaccard"])
               for r in trait_similarity(store, min_shared, top=top)]
        assert got == _brute_force(held, label, top, min_shared, "jaccard")


def test_ties_are_broken_the_same_way_every_run():
    store, _, _ = _graph(6, traits=4, most=2)  # almost everyone ties with someone
    first = analyse("similarity", store, top=2).serialize("csv")
    assert all(analyse("similarity", store, top=2).serialize("csv") == first for _ in range(3))


def test_default_keeps_ten_per_person_and_changes_nothing_on_the_bundled_data(bundled_graph):
    # Six people: no one has more than five others, so top-10 is every pair.
    assert trait_similarity(bundled_graph) == trait_similarity(bundled_graph, top=0)
    assert trait_similarity(bundled_graph, level="group") == trait_similarity(bundled_graph, level="group", top=0)
    with pytest.raises(UsageError, match="top must be a whole number of at least 0"):
        trait_similarity(bundled_graph, top=-1)


# -- every pair, streamed ----------------------------------------------------------------------------


def test_streamed_pairs_are_every_pair_person_by_person(small_blocks):
    store, held, label = _graph(7)
    for min_shared, metric in itertools.product((1, 2, 3), ("jaccard", "count")):
        streamed = list(iter_trait_similarity(store, min_shared, metric, top=0))
        assert sorted(map(json.dumps, streamed)) == sorted(map(json.dumps, trait_similarity(
            store, min_shared, metric, top=0)))
        people = sorted(held, key=lambda p: (label[p], p))
        place = {p: i for i, p in enumerate(people)}
        first, second = ("jaccard", "shared") if metric == "jaccard" else ("shared", "jaccard")
        keys = [(place[r["person_a"]], -r[first], -r[second], place[r["person_b"]]) for r in streamed]
        assert keys == sorted(keys)


def test_streaming_does_not_compute_what_is_not_read(monkeypatch):
    # 400 people and 3 traits: about 70,000 pairs in 8 blocks of 50 people. Reading the first
    # rows must compute only the first block, not the rest.
    monkeypatch.setattr(analytics, "_ROWS_PER_BLOCK", 50)
    store, _, _ = _graph(8, people=400, traits=3, most=3)
    calls = []
    real = analytics._Pairs._candidates
    monkeypatch.setattr(analytics._Pairs, "_candidates", lambda self, c, rows: calls.append(len(rows)) or real(self, c, rows))
    rows = iter_trait_similarity(store, top=0)
    head = list(itertools.islice(rows, 10))
    assert len(head) == 10 and calls == [50]
    chunks = analyse("similarity", store, all_pairs=True).iter_bytes("csv")
    next(chunks), next(chunks)  # two chunks of lines, all from the first block
    assert len(calls) == 2
    assert sum(1 for _ in rows) + 10 > 50_000 and len(calls) == 1 + 400 // 50


def _old_binding(value, table):
    """How rows were typed when Analysis.serialize dressed them as SPARQL JSON (kept here as the oracle)."""
    xsd = "http://www.w3.org/2001/XMLSchema#"
    if isinstance(value, bool):
        return {"type": "literal", "value": "true" if value else "false", "datatype": xsd + "boolean"}
    if isinstance(value, int):
        return {"type": "literal", "value": str(value), "datatype": xsd + "integer"}
    if isinstance(value, float):
        return {"type": "literal", "value": f"{value:.3f}" if table else repr(value), "datatype": xsd + "decimal"}
    if isinstance(value, list):
        return {"type": "literal", "value": "; ".join(map(str, value))}
    return {"type": "literal", "value": str(value)}


def _old_serialize(rows, columns, fmt):
    """What Analysis.serialize gave before streaming: rows through QueryResult."""
    from leadgraph.sparql.results import QueryResult

    names = columns if fmt == "table" else list(rows[0]) if rows else columns
    payload = {"head": {"vars": names}, "results": {"bindings": [
        {c: _old_binding(row[c], fmt == "table") for c in names if row.get(c) not in (None, "", [])}
        for row in rows]}}
    return QueryResult("select", json.dumps(payload).encode("utf-8")).serialize(fmt)


@pytest.mark.parametrize("all_pairs", [False, True])
def test_streamed_output_equals_the_materialised_output(all_pairs, monkeypatch):
    monkeypatch.setattr(analytics, "_ROWS_PER_CHUNK", 5)  # many chunks
    monkeypatch.setattr(analytics, "_REMEMBERED", 3)  # shared sets forgotten and worked out again
    store, _, _ = _graph(9, odd=True)
    for fmt in ("csv", "tsv", "json", "jsonl", "table"):
        streamed = analyse("similarity", store, all_pairs=all_pairs or None)
        held = analyse("similarity", store, all_pairs=all_pairs or None)
        rows = held.rows  # materialised: serialize now works from the list
        out = io.BytesIO()
        streamed.write(out, fmt)
        assert out.getvalue() == held.serialize(fmt)
        if fmt == "json":
            assert json.loads(out.getvalue()) == rows and out.getvalue() == (
                json.dumps(rows, indent=2, ensure_ascii=False) + "\n").encode()
        elif fmt == "jsonl":
            assert [json.loads(line) for line in out.getvalue().splitlines()] == rows
        else:
            assert out.getvalue() == _old_serialize(rows, held.columns, fmt)


def test_other_analyses_write_as_they_serialized(bundled_graph):
    for name, options in (("centrality", {"measure": "betweenness"}), ("summary", {"top": 3}),
                          ("similarity", {"level": "group"})):
        result = analyse(name, bundled_graph, **options)
        for fmt in ("csv", "tsv", "table"):
            assert result.serialize(fmt) == _old_serialize(result.rows, result.columns, fmt)
        assert result.serialize("json") == (json.dumps(result.data, indent=2, ensure_ascii=False) + "\n").encode()
    empty = analyse("similarity", bundled_graph, min_shared=9)
    assert empty.serialize("json") == b"[]\n" and empty.serialize("jsonl") == b""
    assert empty.serialize("csv") == _old_serialize([], empty.columns, "csv")


def test_a_table_too_long_is_refused_before_anything_is_written(monkeypatch, cli):
    monkeypatch.setattr(analytics, "TABLE_LIMIT", 3)
    result = cli("analyse", "similarity")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == ("error: similarity gives more than 3 rows, too many for a table: use --format csv "
                             "(or tsv, jsonl), or -o FILE.csv\n")
    assert cli("analyse", "similarity", "--format", "csv").exit_code == 0


@pytest.mark.parametrize("args, message", [
    (("similarity", "--all", "--top", "3"), "error: --all keeps every pair and --top 3"),
    (("similarity", "--top", "-2"), "error: top must be a whole number of at least 0"),
    (("centrality", "--all"), "error: --all does not apply to centrality"),
    (("summary", "--all"), "error: --all does not apply to summary"),
])
def test_cli_refuses_contradictions(cli, args, message):
    result = cli("analyse", *args)
    assert result.exit_code == 2 and result.stderr.startswith(message), result.stderr


def test_cli_subprocess_streams_every_pair_and_top_k(run_cli, tmp_path):
    store, _, _ = _graph(10, people=120)
    data = tmp_path / "random.nt"
    data.write_bytes(ox.serialize(store, format=ox.RdfFormat.N_QUADS))
    out = tmp_path / "deep" / "pairs.csv"
    result = run_cli("--data", str(data), "analyse", "similarity", "--all", "--min-shared", "2", "-o", str(out))
    assert result.exit_code == 0 and result.stderr == f"wrote {out}\n", result.stderr
    expected = analyse("similarity", store, min_shared=2, all_pairs=True)
    assert out.read_bytes() == expected.serialize("csv")
    assert [p.name for p in out.parent.iterdir()] == ["pairs.csv"]  # no temp file left
    lines = run_cli("--data", str(data), "analyse", "similarity", "--top", "2", "--measure", "count",
                    "--format", "jsonl")
    assert lines.exit_code == 0, lines.stderr
    assert [json.loads(line) for line in lines.stdout.splitlines()] == trait_similarity(
        store, metric="count", top=2)
    assert len(lines.stdout.splitlines()) < len(expected.rows)


def test_cli_subprocess_stops_quietly_when_the_reader_goes_away(tmp_path):
    # `leadgraph analyse similarity --all | head -1`: tens of thousands of pairs, one line read.
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    script = shutil.which("leadgraph", path=str(Path(sys.executable).parent))
    store, _, _ = _graph(11, people=400, traits=3, most=3)
    data = tmp_path / "random.nt"
    data.write_bytes(ox.serialize(store, format=ox.RdfFormat.N_QUADS))
    proc = subprocess.Popen([script, "--data", str(data), "analyse", "similarity", "--all", "--format", "csv"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.readline().startswith(b"person_a,")
    proc.stdout.close()
    assert proc.wait(timeout=120) == 0 and proc.stderr.read() == b""
