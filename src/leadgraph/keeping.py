"""What ``store build`` and ``store update`` keep with a new generation: answers computed once.

A published generation never changes (:mod:`leadgraph.store.disk`), so an answer computed from
it stays true while it exists (:mod:`leadgraph.store.derived`). Before a new generation is
published, its files are loaded into memory once (a few seconds at a million triples, where the
same questions asked of the on-disk engine take ten to twenty times longer) and every keeper in
:data:`KEEPERS` runs on that graph, writing its answers into the generation: readers never see
a generation without them.

A keeper is a callable ``keeper(graph, store)``: ``graph`` the in-memory
:class:`~leadgraph.loading.LeadGraph`, ``store`` the new generation's
:class:`~leadgraph.store.disk.DiskStore`. Adding one is one line in :data:`KEEPERS`.

>>> import tempfile, pathlib
>>> from leadgraph.loading import open_store
>>> from leadgraph.store import derived
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "store"
>>> _ = build_store(folder)
>>> store = open_store(folder).store
>>> derived.kinds(store)["query"] > 0
True
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from leadgraph.loading import Keeper, LeadGraph
from leadgraph.loading import build_store as _build_store
from leadgraph.loading import update_store as _update_store
from leadgraph.store.disk import DiskStore, UpdateReport


KEEP_TIMEOUT = 5.0
"""Seconds a named query may take in memory to be kept at build; one that takes longer (an answer
growing with the square of the data, such as ``people-sharing-traits`` at a million triples) is
left out, and the engine answers it when asked, within the query's own limits."""


BUILD_FORMATS = {"select": ("table", "csv"), "ask": ("table", "csv"), "construct": ("ttl",), "describe": ("ttl",)}
"""The formats a default answer's text is kept in at build (the CLI's default and CSV); any other
format's text is kept the first time it is asked for."""


KEEP_MAX_BYTES = 50 * 1024 * 1024
"""An answer larger than this (as SPARQL JSON) is not kept at build: formatting it as a table and
as CSV would cost the build more than it saves (the largest default answer at a million synthetic
triples is 19 MB; ``people-sharing-traits`` at 100,000 is 384,022 pairs)."""


def keep_query_answers(graph: LeadGraph, store: DiskStore) -> None:
    """The answer of every named query with its default parameters (one with a required
    parameter has no default answer: it is kept the first time someone asks it), each computed
    in a forked worker within :data:`KEEP_TIMEOUT` and the default memory limit, and its text in
    :data:`BUILD_FORMATS`; none larger than :data:`KEEP_MAX_BYTES`."""
    from leadgraph.sparql.named import named_queries
    from leadgraph.sparql.run import prepare

    questions = [prepare(named) for named in named_queries().values()
                 if not any(param.required for param in named.params)]
    _keep_answers(graph, store, questions, chunk=1, formats=True)


MAX_VALUES = 1000
"""Values of one parameter whose answers are kept at build at most (a named query's ``keep:``
SELECT lists them, the ones it lists first winning); all queries' together keep at most half of
:data:`leadgraph.sparql.run.MAX_KEPT`, so they never push out the default answers."""

VALUES_CHUNK = 50
"""Answers computed per forked worker; a chunk that takes longer than :data:`KEEP_TIMEOUT` per
answer stops the query's values there (the engine answers the rest when asked)."""


def keep_value_answers(graph: LeadGraph, store: DiskStore) -> None:
    """For every named query whose header says ``keep: PARAM SELECT ...``, the answer for each
    value the SELECT lists on the new generation (at most :data:`MAX_VALUES`, each answer within
    :data:`KEEP_MAX_BYTES`): asking ``leaders-at-organisation`` about any organisation someone
    works at is then a file read on disk, where the engine takes up to a second at a million
    triples. Only the answer is kept; its text in a format is kept the first time it is asked."""
    from leadgraph.errors import QueryError, UsageError
    from leadgraph.sparql.named import named_queries
    from leadgraph.sparql.run import MAX_KEPT, prepare

    room = MAX_KEPT // 2  # the rest stays for default answers and those kept when asked
    for named in named_queries().values():
        if named.keep is None or room <= 0:
            continue
        param, select = named.keep
        if any(p.required and p.name != param for p in named.params):
            continue  # another required parameter: no value of this one alone makes a question
        try:
            values = _listed(graph, select, param)[:MAX_VALUES]
        except (QueryError, ValueError):
            continue
        questions = []
        for value in values[:room]:
            try:
                questions.append(prepare(named, {param: value}))
            except (QueryError, UsageError):
                continue
        room -= _keep_answers(graph, store, questions, chunk=VALUES_CHUNK)


def _keep_answers(graph: LeadGraph, store: DiskStore, questions: list[tuple[str, str]], *, chunk: int,
                  formats: bool = False) -> int:
    """Keep the answer to each ``(form, final text)`` of ``questions``, ``chunk`` of them per forked
    worker (within :data:`KEEP_TIMEOUT` each and the default memory limit; a chunk that fails
    stops the rest when ``chunk`` > 1, else only that question is left out), none larger than
    :data:`KEEP_MAX_BYTES`, with its text in :data:`BUILD_FORMATS` when ``formats``. Returns how
    many were kept."""
    import json

    from leadgraph.errors import QueryError
    from leadgraph.sparql.results import QueryResult
    from leadgraph.sparql.run import answer_key, keep_answer, keep_output, output_key
    from leadgraph.tabular import MAX_WIDTH

    kept = 0
    for start in range(0, len(questions), chunk):
        group = questions[start:start + chunk]

        def answers(group: list[tuple[str, str]] = group) -> bytes:
            found = [graph.store.answer(final) for _, final in group]
            return json.dumps([a.decode("utf-8") if len(a) <= KEEP_MAX_BYTES else None for a in found]).encode()

        try:
            payloads = json.loads(_in_worker(answers, KEEP_TIMEOUT * len(group)))
        except (QueryError, UnicodeDecodeError):
            if chunk > 1:
                break
            continue
        for (form, final), payload in zip(group, payloads):
            if payload is None:
                continue
            key = answer_key(form, final)
            if not keep_answer(store, key, form, payload.encode("utf-8")):
                continue
            kept += 1
            if formats:
                result = QueryResult(form, payload.encode("utf-8"))
                for fmt in BUILD_FORMATS.get(form, ()):
                    keep_output(store, output_key(key, fmt, False, MAX_WIDTH), result.serialize(fmt))
    return kept


def _in_worker(work: Any, timeout: float) -> bytes:
    """``work()`` in a forked worker within ``timeout`` and the default memory limit, with no
    network; any failure a :class:`~leadgraph.errors.QueryError`."""
    from leadgraph.sparql.sandbox import parse_size, run_limited

    return run_limited(work, timeout=timeout, max_memory=parse_size("auto"), allow_network=False)


def _listed(graph: LeadGraph, select: str, param: str) -> list[Any]:
    """The values of ``?param`` (IRIs) a ``keep:`` SELECT lists, in its order, without repeats."""
    from leadgraph.sparql.run import prepare
    from leadgraph.store.rdf import parse_solutions
    from leadgraph.terms import NamedNode

    form, final = prepare(select)
    if form != "select":
        raise ValueError("a keep: query is a SELECT")
    names, rows = parse_solutions(_in_worker(lambda: graph.store.answer(final), KEEP_TIMEOUT))
    if param not in names:
        return []
    at = names.index(param)
    return list(dict.fromkeys(row[at] for row in rows if isinstance(row[at], NamedNode)))


def keep_names(graph: LeadGraph, store: DiskStore) -> None:
    """The generation's name index (:func:`leadgraph.lookup.keep_leader_names`): a named query
    with ``narrow: VAR by PARAM`` (``name-search``) looks the text up there and hands the engine
    only the leaders it finds."""
    from leadgraph.lookup import keep_leader_names

    keep_leader_names(graph.store, store)


def keep_validation(graph: LeadGraph, store: DiskStore) -> None:
    """The full validation report (shapes and integrity checks) in the format
    :mod:`leadgraph.validation.incremental` keeps, so ``validate --store`` reads it
    (:func:`leadgraph.validation.incremental.keep_report`)."""
    from leadgraph.validation.incremental import keep_report

    keep_report(graph, store)


def keep_page(graph: LeadGraph, store: DiskStore) -> None:
    """The data of the page a plain ``leadgraph --store DIR viz`` draws
    (:func:`leadgraph.viz.kept.keep_default_page`): even the first page from the generation is
    read back (under a second at 10,000 people), not computed (tens of seconds)."""
    from leadgraph.viz.kept import keep_default_page

    keep_default_page(graph, store)


KEEPERS: dict[str, Keeper] = {
    "page": keep_page,
    "query answers": keep_query_answers,
    "validation": keep_validation,
    "answers for each value": keep_value_answers,
    "names": keep_names,
}
"""Every keeper ``store build`` / ``store update`` runs, by name; the longest first, because they
run side by side on a machine with more than one CPU (:func:`leadgraph.loading.build_store`)."""


def build_store(folder: str | os.PathLike[str], data: str | Path | Iterable[str | Path] | None = None, *,
                answers: bool = True, progress: bool = False) -> UpdateReport:
    """:func:`leadgraph.loading.build_store`, keeping the answers of :data:`KEEPERS` with the new
    generation unless ``answers`` is false."""
    return _build_store(folder, data, progress=progress, keepers=_chosen(answers))


def update_store(folder: str | os.PathLike[str], *, answers: bool = True, progress: bool = False) -> UpdateReport:
    """:func:`leadgraph.loading.update_store`, keeping the answers of :data:`KEEPERS` with the new
    generation unless ``answers`` is false.

    The validation report is the exception when the published generation keeps one: the update
    hands it on with what changed, and the next ``validate`` checks only that (a fraction of a
    second, where validating everything again here would take seconds to minutes)."""
    from leadgraph.store.disk import open_generation, read_validation

    skip: set[str] = set()
    if answers:
        published = open_generation(folder)
        try:
            if read_validation(published.generation) is not None:
                skip.add("validation")
        finally:
            published.close()
    return _update_store(folder, progress=progress, keepers=_chosen(answers, skip))


def _chosen(answers: bool, skip: set[str] = frozenset()) -> list[Callable[[Any, Any], None]]:
    return [keeper for name, keeper in KEEPERS.items() if name not in skip] if answers else []
