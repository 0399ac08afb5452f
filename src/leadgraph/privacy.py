"""Find and remove everything a dataset says about one person.

The data names real people, so removing a person must be complete: not only the person's
own triples, but every statement node about them (roles, trait attributions, backgrounds,
service records, scales, qualifications), every quotation of them, and every triple elsewhere
that points at any of these. :func:`footprint` collects that set; :func:`forget_person` removes
it from the data files and then reloads them to prove nothing is left.

>>> from leadgraph.loading import load
>>> fp = footprint(load(), "Gary")
>>> fp.person.endswith("/garry-harris"), fp.name
(True, 'Garry Harris')
>>> len(fp.nodes) > 10
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from leadgraph.errors import DataError, UsageError
from leadgraph.lookup import as_iri, match_name, name_table
from leadgraph.namespaces import FOAF, LG, RDF
from leadgraph.terms import Literal, NamedNode, Triple

if TYPE_CHECKING:
    from leadgraph.loading import LeadGraph

# Statement nodes point at the person with one of these; credentials and headline advice are
# pointed at by the person. Quotations used as support hang off trait attributions.
_FOOTPRINT_QUERY = """
SELECT DISTINCT ?node WHERE {
  { ?node lg:person|org:member|schema:creator $person }
  UNION { $person schema:hasCredential|lg:headlineAdvice ?node }
  UNION { ?a lg:person $person ; lg:supportingQuote ?node }
}
"""

@dataclass
class Footprint:
    """A person and every node that exists only to say something about them."""

    person: str
    name: str
    nodes: set[str] = field(default_factory=set)


@dataclass
class ForgetReport:
    """What :func:`forget_person` changed (or, with ``dry_run``, would change)."""

    person: str
    name: str
    removed: dict[str, int] = field(default_factory=dict)  # file -> triples removed
    deleted_files: list[str] = field(default_factory=list)
    remaining_mentions: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def total_removed(self) -> int:
        return sum(self.removed.values())

    def text(self) -> str:
        verb = "would remove" if self.dry_run else "removed"
        lines = [f"{verb} {self.total_removed} triples about {self.name} <{self.person}>"]
        for path, count in sorted(self.removed.items()):
            action = "delete file" if path in self.deleted_files else f"{count} triples"
            lines.append(f"  {path}: {action}")
        for mention in self.remaining_mentions:
            lines.append(f"  note: the name still appears in text: {mention}")
        return "\n".join(lines)


def resolve_person(graph: LeadGraph, person: str) -> tuple[str, str]:
    """Return ``(iri, name)`` of the leader named ``person``: an IRI or prefixed name, or a name
    matched as ``--focus`` matches it (:mod:`leadgraph.lookup`), among the lg:Leader nodes.

    An unknown or ambiguous name raises :class:`UsageError`.
    """
    store = graph.store
    typed = store.triples(None, NamedNode(RDF + "type"), NamedNode(LG + "Leader"))
    leaders = {t.subject.value for t in typed if isinstance(t.subject, NamedNode)}
    wanted = person.strip().strip("<>")
    iri = as_iri(wanted)
    if iri is not None:
        found = {iri} & leaders
    else:
        found = match_name(*name_table(store, leaders.__contains__), wanted)
    if not found:
        raise UsageError(f"no leader named {person!r}")
    names = {i: _full_name(store, i) for i in found}
    if len(found) > 1:
        listed = "; ".join(f"{n} <{i}>" for i, n in sorted(names.items()))
        raise UsageError(f"{person!r} names more than one leader: {listed}; give the IRI")
    return next(iter(names.items()))


def _full_name(store, iri: str) -> str:
    names = sorted(t.object.value for t in store.triples(NamedNode(iri), NamedNode(FOAF + "name"), None))
    return names[0] if names else iri


def footprint(graph: LeadGraph, person: str) -> Footprint:
    """Collect the person's IRI and every statement and quotation node about them."""
    iri, name = resolve_person(graph, person)
    result = graph.store.select(_FOOTPRINT_QUERY.replace("$person", f"<{iri}>"))
    nodes = {iri} | {row["node"].value for row in result if isinstance(row.get("node"), NamedNode)}
    return Footprint(person=iri, name=name, nodes=nodes)


def _touches(triple: Triple, nodes: set[str]) -> bool:
    return (isinstance(triple.subject, NamedNode) and triple.subject.value in nodes) or (
        isinstance(triple.object, NamedNode) and triple.object.value in nodes
    )


def forget_person(person: str, data=None, *, dry_run: bool = False) -> ForgetReport:
    """Remove every triple about ``person`` from the data files (bundled data by default).

    A file left with no triples is deleted; any other changed file is rewritten atomically in
    its own format (comments in a rewritten Turtle file are not kept). After writing, the data is
    loaded again and the removal fails loudly if any node of the footprint is still mentioned.
    Literals elsewhere that still contain the person's name are reported, not changed, since
    they may be about someone else.
    """
    from leadgraph.fileio import atomic_write
    from leadgraph.loading import data_files, load, load_files
    from leadgraph.store.readers import reader_for

    graph = load(data)
    fp = footprint(graph, person)
    report = ForgetReport(person=fp.person, name=fp.name, dry_run=dry_run)
    pending: list[tuple[Path, list[Triple] | None]] = []
    remaining: list[Triple] = []  # the data as it is after the removal
    for path in data_files(data):
        kept, dropped = [], 0
        for triple in load_files([path]).triples():
            if _touches(triple, fp.nodes):
                dropped += 1
            else:
                kept.append(triple)
        remaining.extend(kept)
        if dropped:
            report.removed[str(path)] = dropped
            if not kept:
                report.deleted_files.append(str(path))
            pending.append((path, kept or None))
    if not dry_run:
        for path, kept in pending:
            if kept is None:
                path.unlink()
            else:
                atomic_write(path, reader_for(path).write(kept))
        # Read back what was written: the proof must come from the files, not from memory.
        left = [t for t in load_files(data_files(data)).triples() if _touches(t, fp.nodes)]
        if left:
            raise DataError(f"{len(left)} triples still mention {fp.person} after removal")
    report.remaining_mentions = sorted(
        f"{t.subject.value} {t.predicate.value}"
        for t in remaining
        if isinstance(t.object, Literal) and fp.name.casefold() in t.object.value.casefold()
    )
    return report
