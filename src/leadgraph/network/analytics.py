"""Network analytics: who shares traits, which nodes are central, what the graph holds.

Small functions over plain data. They describe the network as the sources put it and
never add judgements about people: every row carries what it was computed from (the
shared trait labels, the neighbours counted), so a reader can check it against the data.

- :func:`trait_similarity` -- pairs of people who share traits (or trait groups), with
  the count, the Jaccard index and the labels shared: each person's ``top`` most alike
  (default 10), or every pair; :func:`iter_trait_similarity` streams them. Built from a
  sparse person x trait incidence matrix ``M`` (scipy; products of ``M`` and of its trait
  subsets, see :class:`_Pairs`), never a pairwise loop or a SPARQL self-join: pairwise
  similarity is a join explosion in any SPARQL engine.
- :func:`centrality` -- degree, betweenness or eigenvector centrality over the
  people-centred projection (:func:`leadgraph.network.projection.to_networkx`), without source
  nodes: every statement cites the same article, which would otherwise sit in the middle
  of every path.
- :func:`summary` -- node counts per kind, connected components and the organisations
  and traits linked to the most people.
- :func:`analyse` -- one call for the CLI: runs one of the above and returns an
  :class:`Analysis` that renders as a table, CSV, TSV, JSON or JSON Lines, and writes
  itself to a file block by block (:meth:`Analysis.write`).

networkx and scipy are imported only inside the functions that need them.

>>> from leadgraph.loading import load
>>> graph = load()
>>> [(r["person_a_label"], r["person_b_label"], r["shared_labels"])
...  for r in trait_similarity(graph, min_shared=2)]
[('Garry Harris', 'Phill James', ['Patient focus', 'Resilience'])]
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from leadgraph.errors import UsageError
from leadgraph.network.criteria import Criteria
from leadgraph.loading import store_of
from leadgraph.terms import Literal, NamedNode, id_term, term_id
from leadgraph.namespaces import LG, SKOS
from leadgraph.tabular import cell_text, csv_field, guard

ANALYSES: tuple[str, ...] = ("similarity", "centrality", "summary", "coverage", "path", "communities", "mentors")
"""What :func:`analyse` can run."""
METRICS: tuple[str, ...] = ("jaccard", "count")
"""Orderings for :func:`trait_similarity`: the first key of the sort."""
MEASURES: tuple[str, ...] = ("degree", "betweenness", "eigenvector")
"""Centrality measures for :func:`centrality`."""
LEVELS: tuple[str, ...] = ("trait", "group")
"""What :func:`trait_similarity` compares: traits, or their groups (skos:broader)."""
FORMATS: tuple[str, ...] = ("table", "csv", "tsv", "json", "jsonl")
"""Output formats of :meth:`Analysis.serialize`."""

DEFAULT_TOP = 10
"""How many of the people most like each person :func:`trait_similarity` keeps by default."""
TABLE_LIMIT = 10_000
"""Most rows a ``table`` shows: wider answers are refused with a pointer to csv, tsv or jsonl."""

_ROWS_PER_BLOCK = 2048  # most people compared at once
_ENTRIES_PER_BLOCK = 2_000_000  # most products per block: bounds memory however many pairs share something
_TOP_TIER = 3  # tiers tried for top-k: pairs sharing 3+, then 2+, then any (see _Pairs)
_SUBSETS_PER_PERSON = 2_000  # past this many c-subsets of traits, a person is compared by the plain product
_ROWS_PER_CHUNK = 4096  # rows turned into dicts (or bytes) at once
_REMEMBERED = 200_000  # shared sets whose labels and CSV text are kept for reuse
SIMILARITY_FIELDS = ["person_a", "person_a_label", "person_b", "person_b_label", "shared", "jaccard", "total_a",
                     "total_b", "shared_labels", "shared_iris"]
"""The keys of a :func:`trait_similarity` row, in order."""
_DIGITS = 6  # scores are rounded so float noise cannot reorder ties between platforms


# -- trait similarity ------------------------------------------------------------------------------


def trait_similarity(
    graph: Any = None,
    min_shared: int = 1,
    metric: str = "jaccard",
    level: str = "trait",
    *,
    top: int = DEFAULT_TOP,
    data: str | Path | list[str | Path] | None = None,
    criteria: Criteria | None = None,
    **selection: Any,
) -> list[dict[str, Any]]:
    """Pairs of people the sources attribute at least ``min_shared`` common traits to: for
    each person, the ``top`` people most like them (default 10); ``top=0`` keeps every pair.

    Traits come from lg:TraitAttribution nodes (lg:person, lg:trait); a trait attributed
    twice counts once. ``level="group"`` compares trait groups instead (a trait's
    skos:broader; a trait with no group stands for itself). ``graph`` is a LeadGraph or a
    store, defaulting to ``load(data)``. With selection options (``criteria``, or ``focus=``,
    ``trait=``... as for :func:`~leadgraph.network.selection.select`), only the people and
    traits of the selection count.

    "Most like them" follows ``metric``; ties are broken by the other measure, then by label
    (then IRI), so the same data gives the same pairs on every run and platform. A pair is
    listed once, when it is among the ``top`` of either of its people.

    Each row: ``person_a``, ``person_a_label``, ``person_b``, ``person_b_label`` (the
    pair ordered by label), ``shared`` (how many in common), ``jaccard`` (shared divided
    by how many the two have between them), ``total_a``, ``total_b`` (how many each has),
    ``shared_labels`` and ``shared_iris`` (what they share, sorted by label). Rows are
    sorted by ``metric`` (``"jaccard"`` or ``"count"``) from highest, then by the other
    one, then by the two labels. The list is held in memory: to write every pair of a
    large graph, stream :func:`iter_trait_similarity` instead.

    >>> from leadgraph.loading import load
    >>> rows = trait_similarity(load(), metric="count")
    >>> [(r["person_a_label"], r["person_b_label"], r["shared"], r["jaccard"]) for r in rows[:2]]
    [('Garry Harris', 'Phill James', 2, 0.2), ('Arif Patel', 'Ayesha Rahim', 1, 0.125)]
    >>> top = trait_similarity(load(), level="group")[0]
    >>> top["person_a_label"], top["person_b_label"], top["shared_labels"], top["total_a"], top["total_b"]
    ('Arif Patel', 'Garry Harris', ['Leading change', 'Leading people', 'Personal qualities'], 3, 4)
    >>> [(r["person_a_label"], r["person_b_label"]) for r in trait_similarity(load(), top=1)]
    [('Garry Harris', 'Phill James'), ('Arif Patel', 'Ayesha Rahim'), ('Arif Patel', 'Charlee Martin')]
    """
    pairs = _pairs_of(graph, data, criteria, selection, min_shared, metric, level, top)
    return list(pairs.rows(pairs.ranked()))


def iter_trait_similarity(
    graph: Any = None,
    min_shared: int = 1,
    metric: str = "jaccard",
    level: str = "trait",
    *,
    top: int = DEFAULT_TOP,
    data: str | Path | list[str | Path] | None = None,
    criteria: Criteria | None = None,
    **selection: Any,
) -> Iterator[dict[str, Any]]:
    """The rows of :func:`trait_similarity`, produced one block of people at a time.

    With ``top`` (default 10) the rows and their order are those of :func:`trait_similarity`
    (at most ``top`` pairs a person are kept, so they are ranked in memory). With ``top=0``
    every pair is yielded without ever holding them all: person by person (``person_a`` in
    label order), each person's pairs by ``metric`` from highest, then the other measure,
    then ``person_b``'s label. Memory depends on the number of people, not of pairs.

    >>> from leadgraph.loading import load
    >>> rows = iter_trait_similarity(load(), top=0)
    >>> [(r["person_a_label"], r["person_b_label"], r["shared"]) for r in rows][:3]
    [('Arif Patel', 'Ayesha Rahim', 1), ('Arif Patel', 'Charlee Martin', 1), ('Arif Patel', 'Phill James', 1)]
    """
    pairs = _pairs_of(graph, data, criteria, selection, min_shared, metric, level, top)
    return pairs.rows(pairs.arrays())


def _pairs_of(graph: Any, data: Any, criteria: Criteria | None, selection: dict[str, Any], min_shared: int,
              metric: str, level: str, top: int) -> _Pairs:
    if metric not in METRICS:
        raise UsageError(f"unknown similarity metric {metric!r} (choose from {', '.join(METRICS)})")
    if level not in LEVELS:
        raise UsageError(f"unknown level {level!r} (choose from {', '.join(LEVELS)})")
    if isinstance(min_shared, bool) or not isinstance(min_shared, int) or min_shared < 1:
        raise UsageError(f"min_shared must be a whole number of at least 1, not {min_shared!r}")
    if isinstance(top, bool) or not isinstance(top, int) or top < 0:
        raise UsageError(f"top must be a whole number of at least 0 (0: every pair), not {top!r}")
    store = store_of(graph, data)
    chosen_by = Criteria.of(criteria, selection)
    if chosen_by:
        held = _selected_incidence(store, chosen_by, level)
    else:  # two pattern scans: no projection needed, which matters at national scale
        held = _trait_incidence(store, level)
    return _Pairs(held, min_shared, metric, top, _Labeller(store))


def _selected_incidence(store: Any, criteria: Criteria, level: str) -> dict[str, set[str]]:
    """person id -> traits (or groups), read off the "has trait" edges of a selection."""
    from leadgraph.network.selection import select

    network = select(store, criteria=criteria).graph
    held: dict[str, set[str]] = defaultdict(set)
    for person, trait, relation in network.edges(data="relation"):
        if relation != "has trait":
            continue
        if level == "group":
            groups = [g for _, g, r in network.out_edges(trait, data="relation") if r == "in group"]
            held[person].update(groups or [trait])
        else:
            held[person].add(trait)
    return held


def _trait_incidence(store: Any, level: str) -> dict[str, set[str]]:
    """person id -> the traits (or trait groups) attributed to them, from two pattern scans."""
    trait_of: dict[Any, list[str]] = defaultdict(list)
    for triple in store.triples(None, NamedNode(LG + "trait"), None):
        if not isinstance(triple.object, Literal):
            trait_of[triple.subject].append(term_id(triple.object))
    if level == "group":
        broader = NamedNode(SKOS + "broader")
        groups: dict[str, list[str]] = {}
        for trait in {t for ts in trait_of.values() for t in ts}:
            found = [term_id(t.object) for t in store.triples(id_term(trait), broader, None)
                     if not isinstance(t.object, Literal)]
            groups[trait] = found or [trait]
        trait_of = defaultdict(list, {a: [g for t in ts for g in groups[t]] for a, ts in trait_of.items()})
    held: dict[str, set[str]] = defaultdict(set)
    for triple in store.triples(None, NamedNode(LG + "person"), None):
        # lg:person also ties backgrounds and service records to people: only attributions have lg:trait.
        if triple.subject in trait_of and not isinstance(triple.object, Literal):
            held[term_id(triple.object)].update(trait_of[triple.subject])
    return held


class _Pairs:
    """The person x trait incidence of one similarity question, and the pairs it answers.

    People and features are numbered in label order, so comparing two indices compares two
    labels (then IRIs) and a tie broken by index is broken by label on every platform.

    Pairs are found through "tiers": at tier c, each person is a row of their c-subsets of
    traits, so ``Mc @ Mc.T`` holds C(s, c) exactly for the pairs sharing s >= c traits and
    nothing for the rest. Most pairs of a large graph share one trait; at tier 3 a person's
    candidates are a few hundred people instead of a third of everyone. For top-k, a person
    whose k-th best at tier c provably beats anyone sharing fewer than c traits is done; the
    others go down a tier, the last tier being the plain product (or ``min_shared``'s tier).
    """

    def __init__(self, held: dict[str, set[str]], min_shared: int, metric: str, top: int, labeller: _Labeller):
        import numpy as np
        from scipy import sparse

        features = {f for fs in held.values() for f in fs}
        labeller.prime([*held, *features])
        self.people = sorted(held, key=lambda p: (labeller(p), p))
        self.features = sorted(features, key=lambda f: (labeller(f), f))
        self.person_labels = [labeller(p) for p in self.people]
        self.feature_labels = [labeller(f) for f in self.features]
        column = {f: i for i, f in enumerate(self.features)}
        counts = [len(held[p]) for p in self.people]
        rows = np.repeat(np.arange(len(self.people)), counts)
        cols = np.fromiter((column[f] for p in self.people for f in held[p]), dtype=np.int64, count=len(rows))
        self.incidence = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(len(self.people), len(self.features)))
        self.incidence.sort_indices()
        self.totals = np.asarray(counts, dtype=np.int64)
        # One bit mask AND per pair kept (not per pair of people) names what the pair shares.
        self.masks = [sum(1 << column[f] for f in held[p]) for p in self.people]
        self._held = [tuple(sorted(column[f] for f in held[p])) for p in self.people]
        self.min_shared, self.metric, self.top = min_shared, metric, top
        self.jaccard, self.rank = _score_tables(int(self.totals.max()) if len(self.totals) else 0, metric)
        self._tiers: dict[int, tuple[Any, ...]] = {}
        self._shared_sets: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {}

    # -- the two kinds of answer -------------------------------------------------------------------

    def ranked(self) -> Iterator[tuple[Any, Any, Any, Any]]:
        """(a, b, shared, jaccard) arrays in one global order: the top-k pairs, or (``top=0``)
        every pair gathered as arrays (a few bytes a pair, not a row)."""
        import numpy as np

        if self.top:
            a, b, shared = self._top_pairs()
        else:
            empty = np.empty(0, dtype=np.int64)
            found = list(self._pair_blocks())
            a, b, shared = (np.concatenate(part) for part in zip(*found)) if found else (empty, empty, empty)
        jaccard = self.jaccard[shared, self.totals[a] + self.totals[b] - shared]
        first, second = (jaccard, shared) if self.metric == "jaccard" else (shared, jaccard)
        order = np.lexsort((b, a, -second, -first))  # last key sorts first
        yield a[order], b[order], shared[order], jaccard[order]

    def streamed(self) -> Iterator[tuple[Any, Any, Any, Any]]:
        """Every pair as (a, b, shared, jaccard) arrays, block by block; nothing beyond one block is held."""
        for a, b, shared in self._pair_blocks():
            yield a, b, shared, self.jaccard[shared, self.totals[a] + self.totals[b] - shared]

    def arrays(self) -> Iterator[tuple[Any, Any, Any, Any]]:
        """:meth:`ranked` with ``top``, :meth:`streamed` for every pair."""
        return self.ranked() if self.top else self.streamed()

    def rows(self, arrays: Iterable[tuple[Any, Any, Any, Any]]) -> Iterator[dict[str, Any]]:
        people, labels, totals = self.people, self.person_labels, self.totals.tolist()
        for a, b, shared, jaccard in arrays:
            for start in range(0, len(a), _ROWS_PER_CHUNK):
                chunk = slice(start, start + _ROWS_PER_CHUNK)
                for i, j, n, score in zip(a[chunk].tolist(), b[chunk].tolist(), shared[chunk].tolist(),
                                          jaccard[chunk].tolist()):
                    common_labels, common_iris = self._common(i, j)
                    yield {
                        "person_a": people[i], "person_a_label": labels[i],
                        "person_b": people[j], "person_b_label": labels[j],
                        "shared": n, "jaccard": score, "total_a": totals[i], "total_b": totals[j],
                        "shared_labels": list(common_labels), "shared_iris": list(common_iris),
                    }

    def delimited(self, arrays: Iterable[tuple[Any, Any, Any, Any]], delimiter: str,
                  columns: list[str]) -> Iterator[bytes]:
        """The rows of :meth:`rows` as CSV or TSV (as :func:`_delimited` writes them), without a
        dict a pair: each person, score and shared set is escaped once and lines are joined
        from those pieces, which is what keeps 100,000 people's pairs to seconds. With no pair,
        the header names ``columns``, as a query result with no rows does."""
        def field(text: str) -> str:
            return csv_field(_cell(text), delimiter)

        d = delimiter
        person = [field(p) + d + field(label) for p, label in zip(self.people, self.person_labels)]
        totals = [str(t) for t in self.totals.tolist()]
        scores: dict[float, str] = {}
        shared_text: dict[int, str] = {}
        masks = self.masks
        header = _delimited_header(SIMILARITY_FIELDS, delimiter)
        for a, b, shared, jaccard in arrays:
            for start in range(0, len(a), _ROWS_PER_CHUNK):
                chunk = slice(start, start + _ROWS_PER_CHUNK)
                lines = []
                for i, j, n, score in zip(a[chunk].tolist(), b[chunk].tolist(), shared[chunk].tolist(),
                                          jaccard[chunk].tolist()):
                    text = scores.get(score)
                    if text is None:
                        text = scores[score] = field(score)
                    mask = masks[i] & masks[j]
                    common = shared_text.get(mask)
                    if common is None:
                        if len(shared_text) >= _REMEMBERED:
                            shared_text.clear()
                        common_labels, common_iris = self._common(i, j)
                        common = shared_text[mask] = field(list(common_labels)) + d + field(list(common_iris))
                    lines.append(f"{person[i]}{d}{person[j]}{d}{n}{d}{text}{d}{totals[i]}{d}{totals[j]}{d}{common}\n")
                yield header + "".join(lines).encode("utf-8")
                header = b""
        if header:
            yield _delimited_header(columns, delimiter)

    def _common(self, i: int, j: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Labels and IRIs of what people i and j share, sorted by label; one bit mask AND per
        pair kept (not per pair of people), remembered per shared set."""
        mask = self.masks[i] & self.masks[j]
        found = self._shared_sets.get(mask)
        if found is None:
            if len(self._shared_sets) >= _REMEMBERED:  # bounded, whatever the number of pairs
                self._shared_sets.clear()
            other = self.masks[j]
            common = [f for f in self._held[i] if other >> f & 1]
            found = self._shared_sets[mask] = (tuple(self.feature_labels[c] for c in common),
                                               tuple(self.features[c] for c in common))
        return found

    def _pair_blocks(self) -> Iterator[tuple[Any, Any, Any]]:
        """(a, b, shared) arrays of every pair a < b sharing at least min_shared, block by block;
        within a block by person a, then rank, then b."""
        import numpy as np

        tier = min(self.min_shared, _TOP_TIER)
        for rows in self._blocks(tier, np.arange(len(self.people))):
            local, col, shared = self._candidates(tier, rows)
            keep = col > rows[local]
            local, col, shared = local[keep], col[keep], shared[keep]
            a = rows[local]
            rank = self.rank[shared, self.totals[a] + self.totals[col] - shared]
            order = np.lexsort((col, rank, local))
            yield a[order], col[order], shared[order]

    def _top_pairs(self) -> tuple[Any, Any, Any]:
        """(a, b, shared) of each pair among the ``top`` best of a or of b, each pair once."""
        import numpy as np

        n, k = len(self.people), self.top
        last = min(self.min_shared, _TOP_TIER)
        tiers = [c for c in range(_TOP_TIER, last, -1)] + [last]
        pending = np.arange(n)
        empty = np.empty(0, dtype=np.int64)
        found_a, found_b, found_n = [empty], [empty], [empty]
        levels = int(self.rank.max(initial=0)) + 1
        for c in tiers:
            final = c == last
            left = [empty]
            bounds = np.array([round((c - 1) / t, _DIGITS) if t else 0.0 for t in range(len(self.jaccard))])
            for rows in self._blocks(c, pending):
                local, col, shared = self._candidates(c, rows)
                u = self.totals[rows[local]] + self.totals[col] - shared
                rank = self.rank[shared, u]
                if len(rows) * levels <= _ENTRIES_PER_BLOCK:
                    # Sorting is the cost: first drop whoever ranks below each row's k-th best level.
                    reach = np.cumsum(np.bincount(local * levels + rank, minlength=len(rows) * levels)
                                      .reshape(len(rows), levels), axis=1)
                    cut = np.minimum((reach < k).sum(axis=1), levels - 1)
                    within = rank <= cut[local]
                    local, col, shared, u, rank = local[within], col[within], shared[within], u[within], rank[within]
                order = np.argsort((local * levels + rank) * n + col)
                local, col, shared, u = local[order], col[order], shared[order], u[order]
                per_row = np.bincount(local, minlength=len(rows))
                place = np.arange(len(local)) - (np.cumsum(per_row) - per_row)[local]
                if final:
                    done = np.ones(len(rows), dtype=bool)
                else:
                    done = per_row >= k
                    if self.metric == "jaccard":
                        # Anyone sharing s < c traits scores at most s / (their total) <= (c-1) / total_a,
                        # and loses a tie on the shared count: a k-th best at or above that bound is final.
                        kth = place == k - 1
                        bound = bounds[self.totals[rows]]
                        kth_score = np.zeros(len(rows))
                        kth_score[local[kth]] = self.jaccard[shared[kth], u[kth]]
                        done &= kth_score >= bound
                keep = (place < k) & done[local]
                found_a.append(rows[local[keep]])
                found_b.append(col[keep])
                found_n.append(shared[keep])
                left.append(rows[~done])
            pending = np.concatenate(left)
        a, b = np.concatenate(found_a), np.concatenate(found_b)
        pair = np.minimum(a, b) * n + np.maximum(a, b)
        _, first = np.unique(pair, return_index=True)
        return np.minimum(a, b)[first], np.maximum(a, b)[first], np.concatenate(found_n)[first]

    # -- candidates -------------------------------------------------------------------------------

    def _tier(self, c: int) -> tuple[Any, ...]:
        """(Mc, Mc.T, value -> shared, light rows, heavy people, work per row) for tier ``c``."""
        if c in self._tiers:
            return self._tiers[c]
        import numpy as np
        from scipy import sparse

        incidence, n = self.incidence, len(self.people)
        if c == 1:
            light = np.ones(n, dtype=bool)
            matrix, shared_of = incidence, np.arange(int(self.totals.max(initial=0)) + 1)
        else:
            from math import comb

            # Someone with many traits would bring C(t, c) columns: they meet others through the
            # plain product instead, so a tier never misses a pair.
            subsets = np.array([comb(int(t), c) for t in range(int(self.totals.max(initial=0)) + 1)], dtype=np.int64)
            light = subsets[self.totals] <= _SUBSETS_PER_PERSON
            # Everyone with t traits at once: their sorted feature numbers as a (people x t) array,
            # each c-subset a code of c numbers, and equal codes one column.
            codes, owners = [np.empty(0, dtype=np.int64)], [np.empty(0, dtype=np.int64)]
            width = len(self.features) + 1
            for t in np.unique(self.totals[light]).tolist():
                if t < c:
                    continue
                who = np.flatnonzero(light & (self.totals == t))
                held = incidence.indices[(incidence.indptr[who][:, None] + np.arange(t)).ravel()].reshape(-1, t)
                picks = np.array(list(itertools.combinations(range(t), c)), dtype=np.int64)
                code = np.zeros((len(who), len(picks)), dtype=np.int64)
                for position in range(c):
                    code = code * width + held[:, picks[:, position]]
                codes.append(code.ravel())
                owners.append(np.repeat(who, len(picks)))
            _, cols = np.unique(np.concatenate(codes), return_inverse=True)
            rows = np.concatenate(owners)
            matrix = sparse.csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols.ravel())),
                                       shape=(n, int(cols.max(initial=-1)) + 1))
            top_light = int(self.totals[light].max(initial=0))
            shared_of = np.zeros(comb(top_light, c) + 1, dtype=np.int64)
            for s in range(c, top_light + 1):
                shared_of[comb(s, c)] = s
        transposed = matrix.T.tocsr()
        heavy = np.flatnonzero(~light)
        # Products per row: an upper bound on the candidates it brings, used to size blocks.
        plain = incidence @ np.diff(incidence.T.tocsr().indptr).astype(np.int64)
        work = np.where(light, matrix @ np.diff(transposed.indptr).astype(np.int64), plain)
        self._tiers[c] = found = (matrix, transposed, shared_of, light, heavy, work)
        return found

    def _blocks(self, c: int, rows: Any) -> Iterator[Any]:
        """``rows`` in consecutive blocks of bounded size and bounded work."""
        import numpy as np

        work = np.cumsum(self._tier(c)[5][rows])
        start = 0
        while start < len(rows):
            before = work[start - 1] if start else 0
            end = int(np.searchsorted(work, before + _ENTRIES_PER_BLOCK, side="right"))
            end = min(max(end, start + 1), start + _ROWS_PER_BLOCK)
            yield rows[start:end]
            start = end

    def _candidates(self, c: int, rows: Any) -> tuple[Any, Any, Any]:
        """(row position in ``rows``, other person, shared) for everyone sharing at least
        max(c, min_shared) features with a person of ``rows``, themselves left out."""
        import numpy as np

        matrix, transposed, shared_of, light, heavy, _ = self._tier(c)
        incidence = self.incidence
        parts = []
        is_light = light[rows]
        light_at, heavy_at = np.flatnonzero(is_light), np.flatnonzero(~is_light)
        if len(light_at):
            product = (matrix[rows[light_at]] @ transposed).tocoo()
            parts.append((light_at[product.row], product.col.astype(np.int64), shared_of[product.data]))
            if len(heavy):
                product = (incidence[rows[light_at]] @ incidence[heavy].T).tocoo()
                parts.append((light_at[product.row], heavy[product.col], product.data.astype(np.int64)))
        if len(heavy_at):
            product = (incidence[rows[heavy_at]] @ incidence.T).tocoo()
            parts.append((heavy_at[product.row], product.col.astype(np.int64), product.data.astype(np.int64)))
        if not parts:
            empty = np.empty(0, dtype=np.int64)
            return empty, empty, empty
        local, col, shared = (np.concatenate(p) for p in zip(*parts))
        keep = (shared >= max(c, self.min_shared)) & (col != rows[local])
        return local[keep].astype(np.int64), col[keep], shared[keep]


def _score_tables(most: int, metric: str) -> tuple[Any, Any]:
    """Two tables indexed by [shared, union]: the rounded Jaccard index, and a rank (0 best) by
    ``metric`` then the other measure. Rounded with Python's round, as the rows show it, so
    selection and output agree on every tie."""
    import numpy as np

    jaccard = np.zeros((most + 1, 2 * most + 1))
    for s in range(1, most + 1):
        for u in range(s, 2 * most + 1):
            jaccard[s, u] = round(s / u, _DIGITS)
    s_at, u_at = np.nonzero(jaccard)
    scores, shared = jaccard[s_at, u_at], s_at.astype(float)
    first, second = (scores, shared) if metric == "jaccard" else (shared, scores)
    order = np.lexsort((-second, -first))
    steps = np.concatenate(([0], (np.diff(first[order]) != 0) | (np.diff(second[order]) != 0)))[:len(order)]
    rank = np.full(jaccard.shape, len(order), dtype=np.int64)
    rank[s_at[order], u_at[order]] = np.cumsum(steps)
    return jaccard, rank


# -- centrality ------------------------------------------------------------------------------------


def centrality(
    graph: Any = None,
    kinds: Sequence[str] | str | None = "person",
    measure: str = "degree",
    *,
    data: str | Path | list[str | Path] | None = None,
    criteria: Criteria | None = None,
    **selection: Any,
) -> list[dict[str, Any]]:
    """Centrality of each node of ``kinds`` in the people-centred projection (of the selection,
    when ``criteria`` or selection options other than ``kinds`` are given: there ``kinds`` is
    what to rank, ``criteria.kinds`` what to keep).

    Computed on :func:`~leadgraph.network.projection.to_networkx` made undirected, with parallel
    edges merged and source nodes removed (everything cites the one article, which would
    otherwise dominate every measure). ``measure``: ``"degree"`` (neighbours divided by
    the number of other nodes), ``"betweenness"`` (share of shortest paths through the
    node, normalised) or ``"eigenvector"``. ``kinds`` is a list of kinds or a comma-separated
    string (``"person,trait"``); ``None`` reports every kind. Scores are
    rounded to 6 decimal places.

    Each row: ``node``, ``label``, ``kind``, ``score``, ``neighbours`` (how many nodes it
    links to) and ``neighbour_labels``; sorted by score (highest first), then label.

    >>> from leadgraph.loading import load
    >>> top = centrality(load())[0]
    >>> top["label"], top["neighbours"], top["neighbour_labels"][:3]
    ('Phill James', 10, ['Chief Information Officer', 'Decision making', 'Director of Digital'])
    """
    if measure not in MEASURES:
        raise UsageError(f"unknown centrality measure {measure!r} (choose from {', '.join(MEASURES)})")
    network = _people_network(graph, data, Criteria.of(criteria, selection))
    wanted = _check_kinds(kinds)
    import networkx as nx

    if network.number_of_nodes() < 2:
        scores = {n: 0.0 for n in network}
    elif measure == "degree":
        scores = nx.degree_centrality(network)
    elif measure == "betweenness":
        scores = nx.betweenness_centrality(network)
    else:
        scores = _eigenvector(network)
    rows = []
    for node, attrs in network.nodes(data=True):
        if wanted is not None and attrs["kind"] not in wanted:
            continue
        neighbours = sorted(network[node], key=lambda n: (network.nodes[n]["label"], n))
        rows.append({
            "node": node, "label": attrs["label"], "kind": attrs["kind"],
            "score": round(float(scores[node]), _DIGITS) + 0.0,  # + 0.0: no "-0.0"
            "neighbours": len(neighbours),
            "neighbour_labels": [network.nodes[n]["label"] for n in neighbours],
        })
    rows.sort(key=lambda r: (-r["score"], r["label"], r["node"]))
    return rows


def _eigenvector(network: Any) -> dict[str, float]:
    import networkx as nx

    # Per component, scaled by its share of the nodes: the power iteration behind
    # nx.eigenvector_centrality need not converge on a disconnected graph.
    scores: dict[str, float] = {}
    total = network.number_of_nodes()
    for part in nx.connected_components(network):
        if len(part) == 1:
            scores.update(dict.fromkeys(part, 0.0))
            continue
        found = nx.eigenvector_centrality_numpy(network.subgraph(part))
        scale = len(part) / total
        scores.update({n: abs(v) * scale for n, v in found.items()})
    return scores


def _people_network(graph: Any, data: Any, criteria: Criteria | None = None) -> Any:
    """The projection (of the selection, with ``criteria``) as a simple undirected networkx
    graph, without source nodes."""
    import networkx as nx

    from leadgraph.network.projection import to_networkx

    store = store_of(graph, data)
    if criteria:
        from leadgraph.network.selection import select

        projected = select(store, criteria=criteria).graph
    else:
        projected = to_networkx(store)
    network = nx.Graph()
    network.add_nodes_from((n, a) for n, a in projected.nodes(data=True) if a["kind"] != "source")
    network.add_edges_from((u, v) for u, v in projected.edges() if u in network and v in network and u != v)
    return network


def _check_kinds(kinds: Sequence[str] | str | None) -> set[str] | None:
    from leadgraph.network.projection import KINDS
    from leadgraph.network.ties import check_kinds

    return None if kinds is None else set(check_kinds(kinds, KINDS))


# -- summary ---------------------------------------------------------------------------------------


def summary(
    graph: Any = None, top: int = 5, *, data: str | Path | list[str | Path] | None = None,
    criteria: Criteria | None = None, **selection: Any,
) -> dict[str, Any]:
    """What an analyst asks first, counted exactly on the people-centred projection
    (without source nodes, as for :func:`centrality`), or on a selection of it.

    Returns a dict:

    - ``nodes``: kind -> how many nodes of that kind (kinds with none left out);
      ``links``: how many distinct pairs of linked nodes;
    - ``components``: the connected components, largest first, each with its ``size``
      and the ``people`` in it (labels);
    - ``most_connected``: for ``organisation`` and ``trait``, the ``top`` nodes linked to
      the most people, each with ``node``, ``label``, ``people`` (how many) and
      ``people_labels`` (who). Ties are ordered by label; ties past the cut are left out.

    >>> from leadgraph.loading import load
    >>> facts = summary(load(), top=1)
    >>> facts["nodes"]["person"], len([c for c in facts["components"] if c["people"]])
    (6, 1)
    >>> facts["most_connected"]["trait"]
    [{'node': 'https://w3id.org/leadgraph/id/trait-patient-focus', 'label': 'Patient focus', 'people': 3, \
'people_labels': ['Ayesha Rahim', 'Garry Harris', 'Phill James']}]
    """
    if isinstance(top, bool) or not isinstance(top, int) or top < 0:
        raise UsageError(f"top must be a whole number of at least 0, not {top!r}")
    import networkx as nx

    from leadgraph.network.projection import KINDS

    network = _people_network(graph, data, Criteria.of(criteria, selection))
    kind_of = dict(network.nodes(data="kind"))
    label_of = dict(network.nodes(data="label"))
    counted = defaultdict(int)
    for kind in kind_of.values():
        counted[kind] += 1

    def people_in(nodes: Iterable[str]) -> list[str]:
        return sorted(label_of[n] for n in nodes if kind_of[n] == "person")

    components = [{"size": len(part), "people": people_in(part)} for part in nx.connected_components(network)]
    components.sort(key=lambda c: (-c["size"], c["people"]))
    most: dict[str, list[dict[str, Any]]] = {}
    for kind in ("organisation", "trait"):
        ranked = []
        for node in network:
            if kind_of[node] == kind:
                who = people_in(network[node])
                if who:
                    ranked.append({"node": node, "label": label_of[node], "people": len(who), "people_labels": who})
        ranked.sort(key=lambda r: (-r["people"], r["label"], r["node"]))
        most[kind] = ranked[:top]
    return {
        "nodes": {k: counted[k] for k in KINDS if counted.get(k)},
        "links": network.number_of_edges(),
        "components": components,
        "most_connected": most,
    }


# -- one call for the CLI --------------------------------------------------------------------------


class Analysis:
    """The answer of :func:`analyse`: ``data`` (what the library function returned),
    ``rows`` (flat dicts) and ``columns`` (the keys a table shows).

    A similarity answer is produced on demand (``stream``, a function returning a fresh row
    iterator): :meth:`write` and :meth:`iter_bytes` turn it into bytes block by block, so
    writing millions of pairs never holds them; ``rows``, ``data`` and :meth:`serialize`
    build the whole answer in memory, for small results. ``delimited`` (a function of the delimiter and ``columns``) gives CSV/TSV bytes straight, where making a
    dict a row first would dominate the time.
    """

    def __init__(self, name: str, data: Any = None, rows: list[dict[str, Any]] | None = None,
                 columns: Sequence[str] = (), *, stream: Callable[[], Iterator[dict[str, Any]]] | None = None,
                 delimited: Callable[[str, list[str]], Iterator[bytes]] | None = None, empty_text: str = ""):
        if rows is None and stream is None:
            raise ValueError("an Analysis needs rows or a stream of rows")
        self.name, self.columns, self.empty_text = name, list(columns), empty_text
        self._data, self._rows, self._stream, self._delimited = data, rows, stream, delimited

    def __repr__(self) -> str:
        held = f"{len(self._rows)} rows" if self._rows is not None else "streamed rows"
        return f"<Analysis {self.name}: {held}>"

    @property
    def rows(self) -> list[dict[str, Any]]:
        if self._rows is None:
            self._rows = list(self._stream())
        return self._rows

    @property
    def data(self) -> Any:
        return self.rows if self._data is None else self._data

    def iter_rows(self) -> Iterator[dict[str, Any]]:
        """The rows one at a time, computed as they are asked for when the answer is streamed."""
        return iter(self._rows) if self._rows is not None else self._stream()

    def serialize(self, fmt: str | None = None) -> bytes:
        """The answer as bytes: ``table`` (the default: the chosen columns, labels only),
        ``csv``/``tsv`` (every column, IRIs included; lists joined with "; "), ``json``
        (what the library function returned) or ``jsonl`` (one row a line). Held in memory:
        use :meth:`write` for large answers.

        Tables and CSV come from :mod:`leadgraph.tabular`, so they line up, shorten, escape
        and guard text exactly as query results do.
        """
        return b"".join(self.iter_bytes(fmt))

    def write(self, out: Any, fmt: str | None = None) -> int:
        """Write the answer to the binary file ``out`` in ``fmt`` block by block; returns bytes written."""
        written = 0
        for chunk in self.iter_bytes(fmt):
            out.write(chunk)
            written += len(chunk)
        return written

    def iter_bytes(self, fmt: str | None = None) -> Iterator[bytes]:
        """The bytes of :meth:`serialize`, a block of rows at a time. The format is checked, and a
        table refused when too long, before the first block is computed."""
        fmt = (fmt or "table").lower()
        if fmt not in FORMATS:
            raise UsageError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
        if fmt == "table":
            return iter([self._table()])
        if fmt == "json" and self._data is not None and not isinstance(self._data, list):
            return iter([(json.dumps(self._data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")])
        rows = iter(self._data) if fmt == "json" and self._data is not None else self.iter_rows()
        if fmt in ("csv", "tsv"):
            delimiter = "," if fmt == "csv" else "\t"
            if self._delimited is not None and self._rows is None:
                return self._delimited(delimiter, self.columns)
            first = next(rows, None)
            names = list(first) if first is not None else self.columns
            values = ([row.get(c) for c in names] for row in itertools.chain([] if first is None else [first], rows))
            return _delimited(names, values, delimiter)
        return _json_lines(rows) if fmt == "jsonl" else _json_array(rows)

    def _table(self) -> bytes:
        from leadgraph.tabular import text_table

        rows = list(itertools.islice(self.iter_rows(), TABLE_LIMIT + 1))
        if not rows and self.empty_text:
            return self.empty_text.encode("utf-8")
        if len(rows) > TABLE_LIMIT:
            raise UsageError(f"{self.name} gives more than {TABLE_LIMIT:,} rows, too many for a table: use "
                             f"--format csv (or tsv, jsonl), or -o FILE.csv")
        cells = [[_table_cell(row.get(c)) for c in self.columns] for row in rows]
        return text_table(self.columns, cells).encode("utf-8")


def _table_cell(value: Any) -> str:
    """A value as a table shows it: scores to three decimals, lists joined with "; "."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return cell_text(value)


def _delimited(names: list[str], values: Iterator[Sequence[Any]], delimiter: str) -> Iterator[bytes]:
    """CSV or TSV through :func:`leadgraph.tabular.iter_csv` (the one writer: every cell guarded
    against spreadsheet formulas), a block of rows per chunk."""
    from leadgraph.tabular import iter_csv

    lines = iter_csv(names, ([_plain(v) for v in row] for row in values), delimiter=delimiter)
    while True:
        block = b"".join(itertools.islice(lines, _ROWS_PER_CHUNK))
        if not block:
            return
        yield block


def _delimited_header(names: list[str], delimiter: str) -> bytes:
    return (delimiter.join(csv_field(n, delimiter) for n in names) + "\n").encode("utf-8")


def _json_array(rows: Iterator[dict[str, Any]]) -> Iterator[bytes]:
    """The bytes of ``json.dumps(list(rows), indent=2)`` plus a newline, without the list."""
    separator = "[\n"
    while True:
        block = list(itertools.islice(rows, _ROWS_PER_CHUNK))
        if not block:
            yield b"\n]\n" if separator == ",\n" else b"[]\n"
            return
        text = "".join(f"{separator if i == 0 else ',' + chr(10)}  "
                       + json.dumps(row, indent=2, ensure_ascii=False).replace("\n", "\n  ")
                       for i, row in enumerate(block))
        separator = ",\n"
        yield text.encode("utf-8")


def _json_lines(rows: Iterator[dict[str, Any]]) -> Iterator[bytes]:
    while True:
        block = list(itertools.islice(rows, _ROWS_PER_CHUNK))
        if not block:
            return
        yield "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in block).encode("utf-8")


def _plain(value: Any) -> Any:
    """A row value as CSV shows it: floats as their exact decimal (as the library computed
    them), lists joined with "; ", empty values empty."""
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, float):
        from decimal import Decimal

        return Decimal(repr(value))
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return value


def _cell(value: Any) -> str:
    """A CSV cell as :func:`leadgraph.tabular.iter_csv` writes it (before quoting)."""
    return guard(_plain(value))


def analyse(
    analysis: str,
    graph: Any = None,
    *,
    data: str | Path | list[str | Path] | None = None,
    min_shared: int | None = None,
    level: str | None = None,
    measure: str | None = None,
    rank: Sequence[str] | str | None = None,
    top: int | None = None,
    all_pairs: bool | None = None,
    criteria: Criteria | None = None,
    people: Sequence[str] = (),
    by: str | None = None,
    role_group: str | None = None,
    max_steps: int | None = None,
    via: Sequence[str] | str | None = None,
    seed: int | None = None,
    as_of: Any = None,
) -> Analysis:
    """Run one analysis by name (``similarity``, ``centrality``, ``summary``, ``coverage``,
    ``path``, ``communities`` or ``mentors``) with the options that apply to it; an option that
    does not apply is a :class:`UsageError`.

    ``people`` are the names an analysis takes: two for ``path`` (A, B), one for ``mentors``.
    ``by`` and ``role_group`` are :func:`~leadgraph.network.coverage.coverage`'s; ``max_steps``
    and ``via`` (node kinds) :func:`~leadgraph.network.paths.paths`'; ``seed``
    :func:`~leadgraph.network.communities.communities`'; ``top`` is also how many paths
    ``path`` lists (default 10) and how many people ``mentors`` ranks (default 5). A ``path``
    that finds no path shows a plain sentence as its table, and no rows otherwise.

    ``measure`` is the similarity ``metric`` (jaccard, count) or the centrality
    ``measure`` (degree, betweenness, eigenvector). ``rank`` is the node kinds centrality
    ranks (a list or a comma-separated string; the ``kinds`` of :func:`centrality`).
    ``top`` is how many people most like each person similarity keeps (default 10; 0 keeps
    every pair, as ``all_pairs=True`` does), or how many organisations and traits summary lists.
    ``criteria`` (a :class:`~leadgraph.network.criteria.Criteria`) narrows every analysis to
    a selection, as ``leadgraph export`` selects. ``as_of`` (a date or ``YYYY-MM-DD``) analyses
    the graph as it stood that day (:func:`leadgraph.history.view_as_of`).

    A similarity answer is computed as it is written (:meth:`Analysis.write`); with every
    pair it is never held whole.

    >>> from leadgraph.loading import load
    >>> print(analyse("similarity", load(), min_shared=2).serialize().decode(), end="")
    person_a_label  person_b_label  shared  jaccard  shared_labels
    --------------  --------------  ------  -------  -------------------------
    Garry Harris    Phill James     2       0.200    Patient focus; Resilience
    (1 row)
    """
    if analysis not in ANALYSES:
        raise UsageError(f"unknown analysis {analysis!r} (choose from {', '.join(ANALYSES)})")
    given = {"min_shared": min_shared, "level": level, "measure": measure, "rank": rank, "top": top,
             "all": all_pairs or None, "by": by, "role_group": role_group, "max": max_steps, "via": via, "seed": seed}
    allowed = {"similarity": {"min_shared", "level", "measure", "top", "all"}, "centrality": {"measure", "rank"},
               "summary": {"top"}, "coverage": {"by", "role_group"}, "path": {"max", "via", "top"},
               "communities": {"seed"}, "mentors": {"top"}}[analysis]
    stray = [name for name, value in given.items() if value is not None and name not in allowed]
    if stray:
        names = ", ".join("--" + s.replace("_", "-") for s in stray)
        raise UsageError(f"{names} does not apply to {analysis} (it takes: "
                         f"{', '.join('--' + a.replace('_', '-') for a in sorted(allowed))})")
    wanted = {"path": 2, "mentors": 1}.get(analysis, 0)
    if len(people) != wanted:
        what = {0: "no names", 1: "one person's name", 2: "two people's names (A B)"}[wanted]
        raise UsageError(f"{analysis} takes {what}, not {len(people)}")
    if criteria and analysis in ("coverage", "path", "communities", "mentors"):
        raise UsageError(f"the selection options do not apply to {analysis}: it works on the whole graph")
    store = store_of(graph, data)
    if as_of is not None:
        from leadgraph.history import view_as_of

        store = view_as_of(store, as_of).store
    if analysis in ("coverage", "path", "communities", "mentors"):
        return _network_analysis(analysis, store, people, by=by, role_group=role_group, max_steps=max_steps,
                                 via=via, seed=seed, top=top)
    if analysis == "similarity":
        if all_pairs and top:
            raise UsageError(f"--all keeps every pair and --top {top} the {top} most alike per person: give one")
        pairs = _pairs_of(store, None, criteria, {}, 1 if min_shared is None else min_shared, measure or "jaccard",
                          level or "trait", 0 if all_pairs else DEFAULT_TOP if top is None else top)
        return Analysis(analysis, columns=["person_a_label", "person_b_label", "shared", "jaccard", "shared_labels"],
                        stream=lambda: pairs.rows(pairs.arrays()),
                        delimited=lambda delimiter, columns: pairs.delimited(pairs.arrays(), delimiter, columns))
    if analysis == "centrality":
        rows = centrality(store, "person" if rank is None else rank, measure or "degree", criteria=criteria)
        return Analysis(analysis, rows, rows, ["label", "kind", "score", "neighbours", "neighbour_labels"])
    facts = summary(store, 5 if top is None else top, criteria=criteria)
    return Analysis(analysis, facts, _summary_rows(facts), ["section", "kind", "label", "value", "based_on"])


def _network_analysis(analysis: str, store: Any, people: Sequence[str], *, by: str | None, role_group: str | None,
                      max_steps: int | None, via: Any, seed: int | None, top: int | None) -> Analysis:
    """coverage, path, communities and mentors, from their own modules (imported when asked for)."""
    if analysis == "coverage":
        from leadgraph.network.coverage import coverage, coverage_columns, coverage_rows

        found = coverage(store, by or "region", role_group)
        return Analysis(analysis, found, coverage_rows(found), coverage_columns(found["by"]))
    if analysis == "path":
        from leadgraph.network.paths import DEFAULT_LIMIT, DEFAULT_MAX_STEPS, no_path_text, path_rows, paths

        steps = DEFAULT_MAX_STEPS if max_steps is None else max_steps
        found = paths(store, people[0], people[1], max_steps=steps, via=via,
                      limit=DEFAULT_LIMIT if top is None else top)
        return Analysis(analysis, found, path_rows(found),
                        ["path", "step", "from_label", "relation", "to_label", "source_title", "date"],
                        empty_text=no_path_text(found, steps))
    if analysis == "communities":
        from leadgraph.network.communities import DEFAULT_SEED, communities, community_rows

        found = communities(store, seed=DEFAULT_SEED if seed is None else seed)
        return Analysis(analysis, found, community_rows(found), ["community", "size", "people_labels", "shared_labels"])
    from leadgraph.network.mentoring import DEFAULT_TOP as MENTORS_TOP, mentor_rows, mentors, no_mentor_text

    found = mentors(store, people[0], top=MENTORS_TOP if top is None else top)
    return Analysis(analysis, found, mentor_rows(found), ["rank", "mentor_label", "kind", "text", "source_title", "date"],
                    empty_text=no_mentor_text(found))


def _summary_rows(facts: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {"section": "nodes", "kind": kind, "node": "", "label": "", "value": n, "based_on": ""}
        for kind, n in facts["nodes"].items()
    ]
    rows.append({"section": "links", "kind": "", "node": "", "label": "", "value": facts["links"], "based_on": ""})
    for i, part in enumerate(facts["components"], 1):
        rows.append({"section": "component", "kind": "", "node": "", "label": f"component {i}",
                     "value": part["size"], "based_on": part["people"]})
    for kind, ranked in facts["most_connected"].items():
        for r in ranked:
            rows.append({"section": "most people", "kind": kind, "node": r["node"], "label": r["label"],
                         "value": r["people"], "based_on": r["people_labels"]})
    return rows


# -- small helpers ---------------------------------------------------------------------------------


class _Labeller:
    """A node's label by the project's one rule (:func:`leadgraph.labels.store_label`), looked
    up once per node."""

    def __init__(self, store: Any):
        self.store = store
        self.cache: dict[str, str] = {}

    def __call__(self, node_id: str) -> str:
        found = self.cache.get(node_id)
        if found is None:
            found = self.cache[node_id] = self._find(node_id)
        return found

    def prime(self, node_ids: Iterable[str]) -> None:
        """Look up the labels of many nodes in one :meth:`~leadgraph.store.base.GraphStore.labels`
        call: one lookup per node costs seconds at 100,000 people."""
        from leadgraph.labels import fallback_label

        terms = [id_term(n) for n in node_ids if n not in self.cache]
        found = self.store.labels(terms)
        for term in terms:
            node_id = term_id(term)
            self.cache[node_id] = found.get(term.value) or fallback_label(node_id)

    def _find(self, node_id: str) -> str:
        from leadgraph.labels import fallback_label, store_label

        return store_label(self.store, id_term(node_id)) or fallback_label(node_id)


