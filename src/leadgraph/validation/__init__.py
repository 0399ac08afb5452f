"""Check a graph against the SHACL shapes (``ontology/shapes.ttl``).

Two engines give the same findings. The default, ``engine="sparql"``
(:mod:`leadgraph.validation.compiled`), compiles each constraint to a SPARQL query that the
store answers itself, with RDFS entailment asked for in the queries, so it works on memory,
disk and remote stores without copying the graph. ``engine="pyshacl"``
(:mod:`leadgraph.validation.reference`) runs pyshacl on an rdflib copy with the ontology as
``ont_graph`` and RDFS inference: the reference the tests hold the default to, and the fallback
for shapes using a SHACL feature the compiler does not know.

On an on-disk store the report is kept with the generation (:mod:`leadgraph.validation.incremental`):
after ``leadgraph store update`` only the nodes the changed files touch are checked again.

>>> report = validate()  # the bundled data
>>> report.conforms, report.results
(True, [])
"""

from __future__ import annotations

import os

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

from leadgraph import resources
from leadgraph.errors import DataError, UsageError
from leadgraph.loading import LeadGraph, load, store_of
from leadgraph.validation import dates, integrity
from leadgraph.validation.engine import EXTRA_CHECKS, Namer, checks_for, run_checks
from leadgraph.validation.provenance import Locator
from leadgraph.validation.report import ValidationReport, ValidationResult, conforms, sort_results

ENGINES = ("sparql", "pyshacl")
"""Engine names :func:`validate` accepts; the first is the default."""

COPY_BYTES_PER_TRIPLE = 700
"""What validating an on-disk store over a copy in memory may take per triple, the copy and the
checks included (measured: peaks of 557-639 MB at a million triples, the whole process). The copy is
made only when that fits in half the machine's memory (or its container's limit)."""

__all__ = ["ENGINES", "EXTRA_CHECKS", "ValidationReport", "ValidationResult", "validate"]


def validate(
    graph: Any = None,
    *,
    data: str | Path | list[str | Path] | None = None,
    shapes: str | Path | None = None,
    engine: str = "sparql",
    strict: bool = False,
    today: dt.date | str | None = None,
    progress: bool = False,
) -> ValidationReport:
    """Validate ``graph`` (or ``load(data)`` when no graph is given) against the shapes, then run
    the integrity checks of :mod:`leadgraph.validation.integrity` (closed vocabulary, dangling
    references, concept schemes, ODS codes, people recorded twice).

    ``graph`` may be a :class:`~leadgraph.loading.LeadGraph` or any store :func:`~leadgraph.loading.store_of`
    accepts. ``shapes`` defaults to the bundled ``ontology/shapes.ttl``. Errors (sh:Violation)
    make the data fail; warnings (likely mistakes) and infos are reported but do not, unless
    ``strict``, when warnings fail too. ``engine`` is ``"sparql"`` (the default: queries run by
    the store) or ``"pyshacl"`` (the reference; needs the graph in rdflib).

    Dates later than ``today`` (the clock's date unless given, as a date or ``YYYY-MM-DD``), or
    later than the source stating them, are warnings; a role ending before it starts is an error
    (:mod:`leadgraph.validation.dates`).

    Every result carries a ``fix`` and, when the graph was loaded from files, the ``file``,
    ``line`` and ``column`` it comes from (:mod:`leadgraph.validation.provenance`).

    ``progress`` shows a bar on a terminal (stderr), after two seconds, while an on-disk store that
    keeps no report is copied into memory and checked there (about 25 s at a million triples).

    Raises:
        DataError: the shapes file is missing or unreadable.
    """
    copy, done = None, None
    if engine == "sparql" and shapes is None:
        graph, copy, done = _in_memory(graph, progress, today)
    before = _kept_report(graph)  # read first: the shapes' report replaces it
    if done is None:
        graph, results = _shape_results(graph, data, shapes, engine)
        store = store_of(graph)
        full = store if copy is None else copy.store  # where a check that is not kept runs in full
        results = [*results, *_integrity(store, before, full)]
        results = [*results, *_dates(store, before, today, full)]
    else:  # the copy's report, the date checks included (judged for ``today``)
        store, results = graph.store, [*done[0], *done[1], *done[2]]
    if results and isinstance(graph, LeadGraph):
        locator = Locator(graph.data_paths, graph.ontology_paths, store, results)
        results = [locator.place(r) for r in results]
    results = sort_results(fixed(r) for r in results)
    files = len(graph.paths) if isinstance(graph, LeadGraph) else 0
    return ValidationReport(conforms(results, strict), results, triples=len(store), files=files, strict=strict)


_Found = tuple[list[ValidationResult], list[ValidationResult], list[ValidationResult]]  # shapes', integrity, dates


def _in_memory(graph: Any, progress: bool = False, today: Any = None) -> tuple[Any, LeadGraph | None, _Found | None]:
    """An on-disk store that keeps no report yet (built with ``--no-answers``, or its report
    lost) is validated over a copy in memory, not over its RocksDB
    (:func:`leadgraph.loading.load_store_in_memory`: its files, else its own triples). At a million
    triples that is 15-25 s, the copy included, against 65-94 s over RocksDB. Only when the
    copy fits in memory (:func:`_fits`); else over RocksDB, as before.

    Returns (the graph to validate, the copy the checks that are not kept run on, the shapes' and
    integrity checks' results already found). The report of the copy
    (:func:`leadgraph.validation.incremental.report_of`) is kept when it can be: the store is then
    validated, reading it back, with the copy for the date checks. When it cannot (a read-only
    folder, or results about blank nodes, whose labels differ in the copy) the copy is validated,
    with its results and the store's file lists, so results are placed in the same files."""
    from leadgraph.loading import _progress, load_store_in_memory
    from leadgraph.store.disk import read_validation, write_validation
    from leadgraph.validation import incremental

    if not isinstance(graph, LeadGraph) or not incremental.kept(graph.store):
        return graph, None, None
    if read_validation(graph.store.generation) is not None:
        return graph, None, None  # kept, or handed on by an update with what changed: cheaper than a full run
    if not _fits(len(graph.store)):
        return graph, None, None  # a copy would not fit: the checks run over the store, slower
    bar = _progress(["copy", "check"], progress, "validating a copy in memory", delay=2)
    steps = iter(bar)
    try:
        next(steps)
        memory = load_store_in_memory(graph)
        if memory is None:
            return graph, None, None  # no copy to be had: the checks run over the store, once
        copy = LeadGraph(memory.store, graph.ontology_paths, graph.data_paths)
        next(steps)
        report = incremental.report_of(copy, graph.store, today)
        next(steps, None)
    finally:
        getattr(bar, "close", lambda: None)()
    if report is None:
        return copy, None, None  # shapes beyond the compiler: the reference engine, on the copy
    if (incremental.keepable(report) and os.access(graph.store.generation, os.W_OK)
            and write_validation(graph.store.generation, report)):
        return graph, copy, None
    return copy, None, incremental.results_of(report)


def _fits(triples: int) -> bool:
    """Whether a copy of ``triples`` triples, validated in memory, fits in half the machine's
    memory (:data:`COPY_BYTES_PER_TRIPLE`), so validating a store never takes more."""
    from leadgraph.sparql.sandbox import physical_memory

    total = physical_memory()
    return total is None or triples * COPY_BYTES_PER_TRIPLE <= total // 2


def _kept_report(graph: Any) -> dict[str, Any]:
    from leadgraph.validation import incremental

    if graph is None or not incremental.kept(store := store_of(graph)):
        return {}
    from leadgraph.store.disk import read_validation

    return read_validation(store.generation) or {}


def _integrity(store: Any, before: dict[str, Any], full: Any) -> list[ValidationResult]:
    """The integrity checks' results; on an on-disk store kept with the generation's report, so
    validating an unchanged generation again asks nothing, and after ``store update`` only what
    the changed files touch is looked at again (:func:`leadgraph.validation.integrity.update`).
    A full run asks ``full``: ``store``, or a copy of it in memory."""
    from leadgraph.validation import incremental

    if not incremental.kept(store):
        return integrity.run(store)
    stamp = {"generation": store.generation.name, "version": integrity.VERSION, "ontology": integrity.stamp()}
    return _kept_results(store, before, "integrity", stamp, lambda: integrity.run(full),
                         lambda kept, old, graphs: integrity.update(store, kept, old, graphs))


def _dates(store: Any, before: dict[str, Any], today: Any, full: Any) -> list[ValidationResult]:
    """The date checks' results (:mod:`leadgraph.validation.dates`); on an on-disk store kept with
    the generation's report for the day they were judged on, so validating again the same day
    asks nothing, and after ``store update`` only what the changed files touch is judged again.
    A full run asks ``full``: ``store``, or a copy of it in memory (5.5 s over RocksDB at a
    million triples)."""
    from leadgraph.validation import incremental

    day = dates.today_of(today).isoformat()
    if not incremental.kept(store):
        return dates.check(store, day)
    stamp = {"generation": store.generation.name, "version": dates.VERSION, "today": day}
    return _kept_results(store, before, "dates", stamp, lambda: dates.check(full, day),
                         lambda kept, old, graphs: dates.update(store, kept, old, graphs, day))


def _kept_results(store: Any, before: dict[str, Any], key: str, stamp: dict[str, Any], full: Any,
                  update: Any) -> list[ValidationResult]:
    """Results kept under ``key`` in an on-disk generation's report (``before``, read before the
    shapes' report replaced it): reused when ``stamp`` matches, brought up to date by ``update``
    (kept results, the triples the changed files had, their graphs) after ``store update``, else
    ``full()``; then written back beside the shapes' report."""
    from dataclasses import asdict

    from leadgraph.store.disk import read_validation, write_validation

    kept = before.get(key)
    pending = before.get("pending")
    same = isinstance(kept, dict) and all(kept.get(k) == v for k, v in stamp.items() if k != "generation")
    if same and kept.get("generation") == stamp["generation"]:
        return [ValidationResult(**r) for r in kept["results"]]
    if same and isinstance(pending, dict) and not pending.get("full") and before.get("generation") == stamp["generation"]:
        files = store.manifest["files"]
        graphs = [files[p]["graph"] for p in pending.get("paths", []) if p in files]
        found = update([ValidationResult(**r) for r in kept["results"]], {tuple(t) for t in pending.get("triples", [])},
                       graphs)
    else:
        found = full()
    saved = read_validation(store.generation) or {}
    if saved:  # keep it beside the shapes' report (written just before)
        write_validation(store.generation, {**saved, key: {**stamp, "results": [asdict(r) for r in found]}})
    return found


def fixed(result: ValidationResult) -> ValidationResult:
    """``result`` with a fix: its own, or one read from the kind of constraint it breaks."""
    if result.fix:
        return result
    path, node = result.path or "the property", result.focus_node
    message = result.message
    if result.value is not None:
        fix = f"correct or remove the value {result.value} of {path} on {node}"
    elif "(sh:maxCount)" in message or "more than" in message:
        fix = f"keep only the right value of {path} on {node}"
    elif result.path in _RECORD_KEYS and str(result.file or "").lower().endswith(_RECORD_SUFFIXES):
        # Written in a person record: the fix in the record's words, not the RDF it stands for.
        key, example = _RECORD_KEYS[result.path]
        if key == "roles":
            fix = f"add a role under roles: ({example})"
        elif str(result.file).lower().endswith(".csv"):
            fix = f"fill in the {key} column on this row ({example})"
        else:
            fix = f"add {key}: to this entry ({example})"
    else:
        fix = f"add {path} to {node}" if result.path else f"see the message: change {node}"
    return dataclasses.replace(result, fix=fix)


_RECORD_SUFFIXES = (".yaml", ".yml", ".csv")
# A property a person record writes -> its key (YAML) or column (CSV), and what to write there.
_RECORD_KEYS = {
    "org:role": ("role_type", "e.g. CIO, CDO, Director of Digital, or 'Not stated' when the source does not say"),
    "prov:wasDerivedFrom": ("source", "the key of a source the record declares"),
    "org:organization": ("organisation", "an ODS code or the organisation's name"),
    "^org:member": ("roles", "title, role_type, organisation by ODS code or name, and source"),
}


def _shape_results(graph: Any, data: Any, shapes: str | Path | None, engine: str) -> tuple[Any, list[ValidationResult]]:
    from leadgraph.validation import compiled, incremental, reference

    if engine not in ENGINES:
        raise UsageError(f"unknown validation engine {engine!r} (choose from {', '.join(ENGINES)})")
    if graph is None:
        graph = load(data)
    default_shapes = shapes is None
    shapes_path = Path(shapes) if shapes is not None else resources.shapes_path()
    if not shapes_path.is_file():
        raise DataError("shapes file is missing", path=shapes_path)
    store = store_of(graph)
    if engine == "sparql":
        try:
            if default_shapes and incremental.kept(store):
                results = incremental.validate(store, shapes_path)
            else:
                checks, _ = checks_for(store, shapes_path)
                namer = Namer(store)
                results = sort_results(namer.result(f) for f in run_checks(store, [*checks, *EXTRA_CHECKS]))
            return graph, results
        except compiled.Unsupported:
            pass  # shapes beyond the compiler: the reference engine knows all of SHACL Core and SPARQL
    if not isinstance(graph, LeadGraph):
        graph = LeadGraph(store if hasattr(store, "add") else _copy(store), [], [])
    return graph, reference.run(graph, shapes_path)


def _copy(store: Any) -> Any:
    from leadgraph.store.memory import MemoryStore

    copy = MemoryStore()
    copy.add(store.triples())
    return copy
