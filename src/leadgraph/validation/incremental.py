"""Validation of an on-disk store, kept with the generation and redone only where files changed.

The first validation of a generation writes its report into the generation folder
(``validation.json``, through :func:`leadgraph.store.disk.write_validation`), each result with
the focus node it is about. ``leadgraph store update`` hands that report on to the new
generation together with the old content of every file it reloaded or removed
(:func:`leadgraph.loading.update_store`). The next validation then compares old and new
content: the nodes of triples that differ are checked again, and so are the nodes whose verdict
reads them from one hop away: nodes pointing at a node whose class membership may have changed
(through a step a sh:class constraint follows), and the neighbours of a triple a sh:sparql
constraint reads. Every other result is kept as it was. A changed ontology file, a change to
rdfs:subClassOf / subPropertyOf / domain / range, other shapes or another engine version mean a
full validation.

The scope is exact for the bundled shapes, whose SPARQL constraints look one hop from the focus
node; a custom SPARQL constraint reaching further is only rechecked where a hop reaches.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from pathlib import Path
from typing import Any

from leadgraph.namespaces import PREFIXES
from leadgraph.store.disk import DiskStore, read_validation, write_validation
from leadgraph.terms import BlankNode, NamedNode, Variable
from leadgraph.validation.compiled import Check, Finding, Schema
from leadgraph.validation.engine import EXTRA_CHECKS, Namer, checks_for, run_checks
from leadgraph.validation.report import ValidationResult, sort_results

FORMAT = 1
ENGINE = "sparql-1"  # bump when the engine's findings change, so kept reports are redone
_TYPE = PREFIXES["rdf"] + "type"
_SCHEMA = {PREFIXES["rdfs"] + n for n in ("subClassOf", "subPropertyOf", "domain", "range")}


def kept(store: Any) -> bool:
    """Whether ``store`` keeps validation reports (an on-disk store)."""
    return isinstance(store, DiskStore)


def stamp(shapes_path: Path) -> dict[str, Any]:
    """What a kept report must have been made with to be reused."""
    return {"format": FORMAT, "engine": ENGINE,
            "shapes": hashlib.sha256(shapes_path.read_bytes()).hexdigest(),
            "extra": sorted(f"{c.__module__}.{getattr(c, '__qualname__', c)}" for c in EXTRA_CHECKS)}


def validate(store: DiskStore, shapes_path: Path) -> list[ValidationResult]:
    """The store's report: kept, brought up to date, or made afresh (and then kept)."""
    wanted = stamp(shapes_path)
    saved = read_validation(store.generation)
    usable = (saved is not None and all(saved.get(k) == v for k, v in wanted.items())
              and saved.get("generation") == store.generation.name and isinstance(saved.get("results"), list))
    pending = (saved or {}).get("pending") if usable else None
    if usable and not pending:
        entries = saved["results"]
    else:
        checks, schema = checks_for(store, shapes_path)
        everything = [*checks, *EXTRA_CHECKS]
        namer = Namer(store)
        scope = None if not usable or pending.get("full") else _scope(store, pending, schema, checks)
        if scope is None:
            entries = [entry(namer, f) for f in run_checks(store, everything)]
        else:
            restriction, blanks, drop = scope
            entries = [e for e in saved["results"] if e["key"] not in drop]
            if restriction:
                entries += [entry(namer, f) for f in run_checks(store, everything, restriction)]
            for blank in blanks:
                entries += [entry(namer, f) for f in run_checks(_Bound(store, blank), everything)]
        entries = list({(e["key"], tuple(sorted(e["result"].items()))): e for e in entries}.values())
        write_validation(store.generation, {**wanted, "generation": store.generation.name, "results": entries})
    return sort_results(ValidationResult(**e["result"]) for e in entries)


def entry(namer: Namer, finding: Finding) -> dict[str, Any]:
    """One result as the kept report holds it: the focus node's key beside the result."""
    return {"key": str(finding.focus), "result": asdict(namer.result(finding))}


def _scope(store: DiskStore, pending: dict[str, Any], schema: Schema,
           checks: list[Check]) -> tuple[str, list[Any], set[str]] | None:
    """(restriction binding ?this to the IRIs to check again, the blank nodes to check again,
    keys of kept results to drop), or None when only a full validation will do."""
    old = {tuple(t) for t in pending.get("triples", [])}
    graphs = [store.manifest["files"][p]["graph"] for p in pending.get("paths", []) if p in store.manifest["files"]]
    new: set[tuple[str, str, str]] = set()
    blanks: dict[str, Any] = {}
    for graph in graphs:
        for quad in store.oxigraph.quads_for_pattern(None, None, None, NamedNode(graph)):
            new.add((str(quad.subject), quad.predicate.value, str(quad.object)))
            blanks.update((str(t), t) for t in (quad.subject, quad.object) if isinstance(t, BlankNode))
    changed = old ^ new
    if any(p in _SCHEMA for _, p, _ in changed):
        return None
    nodes = {x for s, _, o in changed for x in (s, o) if not x.startswith('"')}
    domain_props, range_props = schema.typing_properties()
    reads = set().union(*(c.reads for c in checks))
    typed = set().union(*(c.typed for c in checks))
    retyped: set[str] = set()  # nodes whose class membership may have changed
    neighbours: set[str] = set()  # nodes next to a triple a SPARQL constraint reads
    candidates: dict[tuple[str, str, bool], int] = {}
    for s, p, o in changed:
        if p == _TYPE:
            retyped.add(s)
        if p in domain_props:
            candidates[(s, p, False)] = 0
        if p in range_props and not o.startswith('"'):
            candidates[(o, p, True)] = 0
        if "*" in reads or p in reads:
            neighbours.update(x for x in (s, o) if not x.startswith('"'))
    retyped |= _typing_changed(store, candidates, new)
    pointers = _pointers(store, {n for n in retyped if n.startswith("<")}, typed)
    pointers.update(_pointers(store, {n for n in neighbours if n.startswith("<")}, {"*"}))
    drop = nodes | set(pointers)
    # Blank nodes cannot be named in a query, so each is checked on its own, bound as ?this
    # (old ones are gone with their file: their results are dropped, nothing to check).
    blanks.update((k, t) for k, t in pointers.items() if isinstance(t, BlankNode))
    iris = sorted(n for n in drop if n.startswith("<"))
    restriction = f"{{ SELECT DISTINCT ?this WHERE {{ VALUES ?this {{ {' '.join(iris)} }} }} }}" if iris else ""
    return restriction, [blanks[k] for k in sorted(blanks)], drop | set(blanks)


class _Bound:
    """A store whose queries see ?this bound to one (blank) node, through the engine's substitutions."""

    def __init__(self, store: DiskStore, node: Any):
        self.store, self.node = store, node

    def select(self, sparql: str) -> list[dict[str, Any]]:
        solutions = self.store.oxigraph.query(sparql, prefixes=PREFIXES, substitutions={Variable("this"): self.node})
        names = [v.value for v in solutions.variables]
        rows = [{n: s[n] for n in names if s[n] is not None} for s in solutions]
        for row in rows:
            row.setdefault("this", self.node)
        return rows

    def triples(self, *pattern: Any) -> Any:
        return self.store.triples(*pattern)


def _typing_changed(store: DiskStore, candidates: dict[tuple[str, str, bool], int],
                    new: set[tuple[str, str, str]]) -> set[str]:
    """Nodes among ``candidates`` (node, property, as object?) that may have gained or lost a class
    through a domain or range: unchanged when triples outside the changed files still give it."""
    found = set()
    for node, prop, as_object in candidates:
        if not node.startswith("<"):
            continue  # a blank node's neighbours are in its own file, checked again anyway
        pattern = f"?x <{prop}> {node}" if as_object else f"{node} <{prop}> ?x"
        now = int(store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")[0]["n"].value)
        from_changed = sum(1 for s, p, o in new if p == prop and (o if as_object else s) == node)
        if now - from_changed <= 0:
            found.add(node)
    return found


def _pointer_patterns(nodes: set[str], steps: set[Any]) -> list[str]:
    if not nodes or not steps:
        return []
    values = " ".join(sorted(nodes))
    if "*" in steps:
        return [f"VALUES ?_n {{ {values} }} ?this ?_p ?_n"]
    forward = sorted(p for p, inverse in steps if not inverse)
    backward = sorted(p for p, inverse in steps if inverse)
    out = [f"VALUES ?_n {{ {values} }} ?this <{p}> ?_n" for p in forward]
    out += [f"VALUES ?_n {{ {values} }} ?_n <{p}> ?this" for p in backward]
    return out


def _pointers(store: DiskStore, nodes: set[str], steps: set[Any]) -> dict[str, Any]:
    """Nodes whose verdict reads ``nodes`` through one of ``steps`` (key -> term)."""
    found: dict[str, Any] = {}
    for pattern in _pointer_patterns(nodes, steps):
        found.update((str(row["this"]), row["this"]) for row in store.select(f"SELECT DISTINCT ?this WHERE {{ {pattern} }}"))
    return found


def keep_report(graph: Any, store: DiskStore) -> bool:
    """Keep in ``store``'s generation the full validation report (shapes and integrity checks) of
    ``graph``, the same triples loaded in memory (:func:`report_of`); whether it was kept. Not
    kept when it cannot be (:func:`keepable`) or the generation cannot be written."""
    report = report_of(graph, store)
    return report is not None and keepable(report) and write_validation(store.generation, report)


def report_of(graph: Any, store: DiskStore, today: Any = None) -> dict[str, Any] | None:
    """The full validation report (shapes and integrity checks) of ``graph``, the same triples as
    ``store`` loaded in memory, in the format this module keeps in ``store``'s generation and
    reads back; ``None`` when the shapes need the reference engine. :func:`results_of` reads it."""
    from leadgraph import resources
    from leadgraph.validation import compiled, dates, integrity

    shapes_path = resources.shapes_path()
    memory = graph.store
    try:
        checks, _ = checks_for(memory, shapes_path)
    except compiled.Unsupported:
        return None
    namer = Namer(memory)
    entries = [entry(namer, f) for f in run_checks(memory, [*checks, *EXTRA_CHECKS])]
    entries = list({(e["key"], tuple(sorted(e["result"].items()))): e for e in entries}.values())
    found = integrity.run(memory)
    name = store.generation.name
    report = {
        **stamp(shapes_path), "generation": name, "results": entries,
        "integrity": {"generation": name, "version": integrity.VERSION, "ontology": integrity.stamp(),
                      "results": [asdict(r) for r in found]},
    }
    # The date checks as judged ``today`` (the clock's day by default), so a `validate` that day
    # asks nothing either (another day judges them again: a date may have stopped being in the future).
    day = dates.today_of(today).isoformat()
    report["dates"] = {"generation": name, "version": dates.VERSION, "today": day,
                       "results": [asdict(r) for r in dates.check(memory, day)]}
    return report


def keepable(report: dict[str, Any]) -> bool:
    """Whether a report made in memory (:func:`report_of`) may be kept with the generation: not
    when a result is about a blank node, which the engine labels differently in memory and on
    disk, so the report would not match the generation (``validate`` then computes it)."""
    return not any(e["key"].startswith("_:") for e in report["results"])


def results_of(report: dict[str, Any]) -> tuple[list[ValidationResult], list[ValidationResult],
                                                list[ValidationResult]]:
    """The shapes', the integrity checks' and the date checks' results of a :func:`report_of` report."""
    shapes = sort_results(ValidationResult(**e["result"]) for e in report["results"])
    return (shapes, [ValidationResult(**r) for r in report["integrity"]["results"]],
            [ValidationResult(**r) for r in report["dates"]["results"]])
