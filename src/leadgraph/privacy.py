"""Find and remove everything a dataset says about one person.

The data names real people, so removing a person must be complete: not only the person's
own triples, but every statement node about them (roles, trait attributions, backgrounds,
service records, scales, qualifications), every quotation of them, every triple elsewhere
that points at any of these, and the nodes that only these reach (a role's ``time:Interval``,
blank or named). :func:`footprint` collects the named statement nodes; :func:`forget_person`
widens that to everything reachable only through them, removes it from the data files in one
all-or-nothing transaction under the data folder's write lock (:func:`leadgraph.fileio.transaction`),
and then reads the files back to prove nothing is left.

A person already half removed (the person node gone, statements about the IRI left behind) is
still found: by the IRI, or by a name that matches the IRI's last segment.

>>> from leadgraph.loading import load
>>> fp = footprint(load(), "Gary")
>>> fp.person.endswith("/garry-harris"), fp.name
(True, 'Garry Harris')
>>> len(fp.nodes) > 10
True
"""

from __future__ import annotations

import html
import os
import stat
import time
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from leadgraph.errors import DataError, UsageError
from leadgraph.lookup import NameIndex, as_iri, normal
from leadgraph.namespaces import FOAF, LG, ORG, PREFIXES, RDF, SCHEMA, TIME
from leadgraph.terms import BlankNode, Literal, NamedNode, Term, Triple

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
_ABOUT = (LG + "person", ORG + "member", SCHEMA + "creator")  # statement -> person
_OWNED = (SCHEMA + "hasCredential", LG + "headlineAdvice")  # person -> node
_PERSON_TYPES = {LG + "Leader", FOAF + "Person", SCHEMA + "Person"}

# Where leadgraph's outputs land, and which of them can hold a copy of a person.
_SCAN_SUFFIXES = {".html", ".graphml", ".gexf", ".json", ".csv", ".ttl", ".nt", ".jsonld", ".cyjs"}
_SCAN_SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", "site-packages", ".tox", "dist", "build"}
_SCAN_SKIP_PATHS = {"/proc", "/sys", "/dev", "/run"}  # kernel views, never outputs
_SCAN_MAX_DEPTH = 3
_SCAN_MAX_FILES = 2000  # files of the kinds above, looked at
_SCAN_MAX_FILE_BYTES = 20 * 2**20
_SCAN_MAX_TOTAL_BYTES = 200 * 2**20
_SCAN_MAX_DIRS = 500
_SCAN_MAX_SECONDS = 2.0  # run from / or a home folder, the search must still end quickly

_Key = tuple[str, ...]  # ("iri", value) or ("blank", file, id): blank nodes are local to a file


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
    other_copies: list[str] = field(default_factory=list)  # generated files that still name them
    scan_notes: list[str] = field(default_factory=list)  # where the search for copies stopped short
    recovered: list[str] = field(default_factory=list)  # files an interrupted write was finishing
    store_update: str | None = None  # what updating the on-disk store said, when one was named

    @property
    def total_removed(self) -> int:
        return sum(self.removed.values())

    def text(self) -> str:
        verb = "would remove" if self.dry_run else "removed"
        if self.recovered and not self.removed and self.person == self.name:
            lines = [f"nothing left to remove: no leader named {self.name!r} after completing an interrupted write"]
        else:
            lines = [f"{verb} {self.total_removed} triples about {self.name} <{self.person}>"]
        for path in self.recovered:
            lines.append(f"  first completed an interrupted earlier write: {path}")
        for path, count in sorted(self.removed.items()):
            action = "delete file" if path in self.deleted_files else f"{count} triples"
            lines.append(f"  {path}: {action}")
        for mention in self.remaining_mentions:
            lines.append(f"  note: the name still appears in text: {mention}")
        if self.store_update:
            lines.append("  the on-disk store was updated: " + self.store_update.splitlines()[0])
        for path in self.other_copies:
            lines.append(f"  also in (not changed: delete or regenerate it): {path}")
        for note in self.scan_notes:
            lines.append(f"  note: {note}")
        return "\n".join(lines)


def resolve_person(graph: LeadGraph, person: str) -> tuple[str, str]:
    """Return ``(iri, name)`` of the leader named ``person``: an IRI or prefixed name, or a name
    matched as ``--focus`` matches it (:mod:`leadgraph.lookup`), among the lg:Leader nodes.

    Someone partly removed already (no lg:Leader node, statements about the IRI left) is found by
    the IRI, or by a name matching the IRI's last segment ("Garry Harris" for ``.../garry-harris``);
    their name is then the IRI unless a foaf:name survives. An unknown or ambiguous name, or the
    IRI of something that is not a person, raises :class:`UsageError`.
    """
    store = graph.store
    typed = store.triples(None, NamedNode(RDF + "type"), NamedNode(LG + "Leader"))
    leaders = {t.subject.value for t in typed if isinstance(t.subject, NamedNode)}
    wanted = person.strip().strip("<>")
    iri = as_iri(wanted)
    if iri is not None:
        found = {iri} & leaders
        if not found and _mentioned(store, iri):
            others = _types(store, iri) - _PERSON_TYPES
            if others:
                kinds = ", ".join(sorted(_short(t) for t in others))
                raise UsageError(f"{person!r} is not a person (it is a {kinds}); give a person's name or IRI")
            found = {iri}
    else:
        found = NameIndex.from_store(store, leaders.__contains__).match(wanted)
        if not found:
            found = {i for i, names in _leftover_people(store).items() if normal(wanted) in names}
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


def _mentioned(store, iri: str) -> bool:
    node = NamedNode(iri)
    return any(True for _ in store.triples(node, None, None)) or any(True for _ in store.triples(None, None, node))


def _types(store, iri: str) -> set[str]:
    return {t.object.value for t in store.triples(NamedNode(iri), NamedNode(RDF + "type"), None)}


def _short(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def _leftover_people(store) -> dict[str, set[str]]:
    """People some statement is still about who are no longer leaders: IRI -> the names (as
    :func:`~leadgraph.lookup.normal` forms) they can be found by, their last IRI segment included."""
    about = " ".join(f"<{p}>" for p in _ABOUT)
    owned = " ".join(f"<{p}>" for p in _OWNED)
    query = f"""SELECT DISTINCT ?p WHERE {{
      {{ VALUES ?about {{ {about} }} ?s ?about ?p }} UNION {{ VALUES ?owned {{ {owned} }} ?p ?owned ?x }}
      FILTER(isIRI(?p)) FILTER NOT EXISTS {{ ?p a <{LG}Leader> }} }}"""
    found: dict[str, set[str]] = {}
    for row in store.select(query):
        iri = row["p"].value
        if _types(store, iri) - _PERSON_TYPES:  # an organisation as org:member, say
            continue
        segment = iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        names = {normal(segment.replace("-", " ").replace("_", " "))}
        names |= {normal(t.object.value) for t in store.triples(NamedNode(iri), None, None)
                  if isinstance(t.object, Literal)}
        found[iri] = names
    return found


def footprint(graph: LeadGraph, person: str) -> Footprint:
    """Collect the person's IRI and every statement and quotation node about them."""
    iri, name = resolve_person(graph, person)
    result = graph.store.select(_FOOTPRINT_QUERY.replace("$person", f"<{iri}>"))
    nodes = {iri} | {row["node"].value for row in result if isinstance(row.get("node"), NamedNode)}
    return Footprint(person=iri, name=name, nodes=nodes)


def _key(term: Term, path: Path) -> _Key | None:
    if isinstance(term, NamedNode):
        return ("iri", term.value)
    if isinstance(term, BlankNode):
        return ("blank", str(path), term.value)
    return None


def _reach(fp: Footprint, per_file: dict[Path, list[Triple]], types: dict[str, set[str]]) -> set[_Key]:
    """The footprint widened to every node that exists only through it.

    Added, until nothing changes: a node (blank or named) that points at a removed node with
    lg:person, org:member or schema:creator; and a node a removed node points at, when every
    node pointing at it is removed and it is a blank node, a time:* node (a role's interval and
    its instants) or named after the person (``<person>-...``). Anything else a removed node
    points at (an organisation, a trait, a source) is shared and stays.
    """
    removed: set[_Key] = {("iri", n) for n in fp.nodes}
    incoming: dict[_Key, set[_Key]] = {}
    outgoing: dict[_Key, set[_Key]] = {}
    pointers: dict[_Key, set[_Key]] = {}
    for path, triples in per_file.items():
        for t in triples:
            s, o = _key(t.subject, path), _key(t.object, path)
            if s is None or o is None:
                continue
            outgoing.setdefault(s, set()).add(o)
            incoming.setdefault(o, set()).add(s)
            if t.predicate.value in _ABOUT:
                pointers.setdefault(o, set()).add(s)

    def owned(node: _Key) -> bool:
        if node[0] == "blank":
            return True
        kinds = types.get(node[1], set())
        return node[1].startswith(fp.person + "-") or (bool(kinds) and all(k.startswith(TIME) for k in kinds))

    todo = list(removed)
    while todo:
        node = todo.pop()
        found = set(pointers.get(node, ()))
        found |= {o for o in outgoing.get(node, ()) if owned(o) and incoming.get(o, set()) <= removed | {o}}
        for new in found - removed:
            removed.add(new)
            todo.append(new)
    # A node pointed at by several removed nodes is looked at again as each of them comes in,
    # so it is let in once the last one has.
    return removed


def _record_left_empty(path: Path, kept: list[Triple], per_file: dict[Path, list[Triple]]) -> bool:
    """Whether ``kept`` is what is left of a person record (a YAML file) once its only leader
    is removed, and its format cannot hold it: the sources and organisations it declared for
    them, which no other file cites. A record cannot exist without a person, so the file goes."""
    from leadgraph.store.readers import RdfReader, reader_for

    reader = reader_for(path)
    if isinstance(reader, RdfReader):
        return False
    try:
        reader.write(kept)  # a CSV file keeps rows describing sources, say
        return False
    except DataError:
        pass
    leader = NamedNode(LG + "Leader")
    if any(t.object == leader and t.predicate.value == RDF + "type" for t in kept):
        return False
    # Records drafted from one article each describe that article: what is left here is said, word
    # for word, by another file too, and the file can go without losing anything.
    elsewhere = {t for other, triples in per_file.items() if other != path for t in triples}
    if all(t in elsewhere for t in kept):
        return True
    described = {t.subject for t in kept}
    return not any(t.object in described for other, triples in per_file.items() if other != path for t in triples)


def _rewrite_record(path: Path, kept: list[Triple], name: str) -> bytes:
    """:func:`_rewrite`, with an error that says what to do when a record's format cannot hold
    what is left of it (the description of a source other files cite, and only that)."""
    try:
        return _rewrite(path, kept)
    except DataError as exc:
        held = sorted({_short(t.subject.value) for t in kept if isinstance(t.subject, NamedNode)})
        raise DataError(
            f"cannot remove {name} from this file: what is left ({', '.join(held[:5])}"
            f"{', ...' if len(held) > 5 else ''}) is described only here and cited by other files, and "
            f"a {path.suffix} record cannot hold it without a person ({exc.message}); describe it in one "
            "of the files that cite it (or in a Turtle file), then forget again", path=path) from None


def _rewrite(path: Path, kept: list[Triple]) -> bytes:
    """The new content of data file ``path`` holding only ``kept``, written by its format's reader."""
    from leadgraph.store.readers import reader_for

    return reader_for(path).write(kept)


def data_roots(data) -> list[Path]:
    """The data folders to lock: each folder given, or the folder of each file given; a folder
    inside another one given is covered by the outer one's lock."""
    from leadgraph import resources

    if data is None:
        items = [resources.data_dir()]
    else:
        items = [Path(d) for d in ([data] if isinstance(data, (str, Path)) else list(data))]
    folders = {Path(os.path.abspath(p if p.is_dir() else p.parent)) for p in items}
    outer = [f for f in folders if not any(o in f.parents for o in folders)]
    return sorted(outer)  # one order for every process, so two writers never deadlock


def root_of(path: Path, roots: list[Path]) -> Path:
    full = Path(os.path.abspath(path))
    return next(r for r in roots if r in full.parents)


def forget_person(
    person: str,
    data=None,
    *,
    dry_run: bool = False,
    scan: Iterable[str | Path] | None = None,
    store: str | Path | None = None,
) -> ForgetReport:
    """Remove every triple about ``person`` from the data files (bundled data by default).

    Everything happens holding the write lock of each data folder (``.leadgraph.lock``; another
    writer waits, and says so), and all changed files are replaced together or not at all
    (:func:`leadgraph.fileio.transaction`): a kill part-way leaves either the old files or a
    journal the next write, or the next ``forget``, completes. A file left with no triples is
    deleted; any other changed file is rewritten in its own format (comments in a rewritten Turtle
    file are not kept). After writing, each file is read back and the removal fails loudly if any
    removed node is still mentioned or a file holds other triples than intended.

    Literals elsewhere that still contain the person's name are reported, not changed, since they
    may be about someone else. So are generated files (pages, exports) under the folders in
    ``scan`` (default: the current folder, a few levels deep, which includes ``out/``) that
    contain the person's name or IRI; ``scan=()`` skips that search. ``dry_run`` changes nothing,
    except that it first completes an interrupted earlier write, as any write would.

    ``store`` names an on-disk store (:func:`leadgraph.loading.build_store`): the person is
    removed from the files it was built from (unless ``data`` names others), and the store is
    then updated, so no copy of the person is left in it either.
    """
    if store is not None and data is None:
        from leadgraph.loading import stored_sources

        data = stored_sources(store)
    from leadgraph.loading import data_files, load

    roots = data_roots(data)
    with editing(data, dry_run) as (txs, recovered):
        # Read only now, under the lock: data read before it may be stale by the time it is written.
        graph = load(data)
        try:
            fp = footprint(graph, person)
        except UsageError as exc:
            # Completing an interrupted `forget` may have been all there was left to do.
            if recovered and exc.message.startswith("no leader named"):
                return ForgetReport(person=person, name=person, dry_run=dry_run, recovered=[str(p) for p in recovered])
            raise
        report = ForgetReport(person=fp.person, name=fp.name, dry_run=dry_run, recovered=[str(p) for p in recovered])
        per_file = read_each(data_files(data), graph.store)
        types: dict[str, set[str]] = {}
        for t in graph.store.triples(None, NamedNode(RDF + "type"), None):
            if isinstance(t.subject, NamedNode):
                types.setdefault(t.subject.value, set()).add(t.object.value)
        removed = _reach(fp, per_file, types)
        pending: dict[Path, list[Triple]] = {}
        remaining: list[Triple] = []  # the data as it is after the removal
        for path, triples in per_file.items():
            kept = [t for t in triples if _key(t.subject, path) not in removed and _key(t.object, path) not in removed]
            if kept and len(kept) < len(triples) and _record_left_empty(path, kept, per_file):
                kept = []  # a person record without its person: what is left only described them
            remaining.extend(kept)
            if len(kept) < len(triples):
                report.removed[str(path)] = len(triples) - len(kept)
                if not kept:
                    report.deleted_files.append(str(path))
                pending[path] = kept
        # Every new content first, in a dry run too: one that cannot be written stops it all, said plainly.
        contents = {path: _rewrite_record(path, kept, fp.name) if kept else None for path, kept in pending.items()}
        if not dry_run:
            for path, content in contents.items():
                tx = txs[root_of(path, roots)]
                if content is not None:
                    tx.write(path, content)
                else:
                    tx.delete(path)
            for tx in txs.values():
                tx.commit()
            _prove(pending, {k[1] for k in removed if k[0] == "iri"}, fp.person, graph.store)
    if fp.name != fp.person:
        report.remaining_mentions = sorted(
            f"{t.subject.value} {t.predicate.value}"
            for t in remaining
            if isinstance(t.object, Literal) and fp.name.casefold() in t.object.value.casefold()
        )
    # The data folders too (a draft's .evidence.json moved in beside its record names the person),
    # but not the data files themselves: what is left in them is reported above.
    searched = [Path.cwd(), *roots] if scan is None else [Path(s) for s in scan]
    loaded = [Path(os.path.abspath(p)) for p in data_files(data)]
    report.other_copies, report.scan_notes = other_copies(fp, searched, skip_files=loaded)
    if store is not None and not dry_run:
        from leadgraph.loading import update_store

        report.store_update = update_store(store).text()
    return report


@contextmanager
def editing(data, dry_run: bool = False) -> Iterator[tuple[dict[Path, Any], list[Path]]]:
    """``(transactions, recovered)`` for changing the files of ``data``: one open
    :func:`leadgraph.fileio.transaction` per data folder (:func:`data_roots`), holding its write
    lock, and the files an interrupted earlier write was finishing. A dry run opens none, but
    still completes an interrupted write, as any write would. Read the data only inside."""
    from leadgraph.fileio import recover, transaction
    from leadgraph.loading import data_files

    data_files(data)  # a missing path is reported before any lock file is made beside it
    roots = data_roots(data)
    with ExitStack() as stack:
        if dry_run:
            yield {}, [p for root in roots for p in recover(root)]
        else:
            txs = {root: stack.enter_context(transaction(root)) for root in roots}
            yield txs, [p for tx in txs.values() for p in tx.recovered]


def read_each(paths: Iterable[Path], context) -> dict[Path, list[Triple]]:
    """Each data file's triples, read as loading ``context`` (the whole graph) made them: a
    person record that extends someone described in another file names them as it did then."""
    from leadgraph.store.readers import reader_for

    return {path: list(dict.fromkeys(reader_for(path).read_in(path, context))) for path in paths}


def _prove(pending: dict[Path, list[Triple]], named: set[str], person: str, context=None) -> None:
    """Read back what was written: the proof must come from the files, not from memory."""
    for path, kept in pending.items():
        if not kept:
            if path.exists():
                raise DataError(f"file should have been deleted with {person}", path=path)
            continue
        triples = read_each([path], context)[path]
        left = [t for t in triples if t.subject.value in named or getattr(t.object, "value", None) in named]
        if left:
            raise DataError(f"{len(left)} triples still mention {person} or their statements after removal", path=path)
        if len(triples) != len(kept):
            raise DataError(f"file holds {len(triples)} triples after removal, {len(kept)} were written", path=path)


def other_copies(
    fp: Footprint, folders: Iterable[Path], *, exclude: Iterable[Path] = (), skip_files: Iterable[Path] = ()
) -> tuple[list[str], list[str]]:
    """Files of the kinds leadgraph writes (pages, exports, RDF, by extension) under ``folders``
    that contain the person's name or IRI, and notes on where the bounded search stopped short.
    Nothing is changed. Files under ``exclude`` and the files ``skip_files`` (the data being
    changed) are skipped.

    Looks :data:`_SCAN_MAX_DEPTH` folders deep, skipping hidden folders, virtual environments and
    ``node_modules``, through at most :data:`_SCAN_MAX_DIRS` folders and :data:`_SCAN_MAX_FILES`
    files of up to :data:`_SCAN_MAX_FILE_BYTES` each, for at most :data:`_SCAN_MAX_SECONDS`, so a
    run from a home folder or ``/`` stays quick.
    """
    needles = _needles(fp)
    skip = [Path(os.path.abspath(p)) for p in exclude]
    found: list[str] = []
    notes: list[str] = []
    looked = total = walked = 0
    seen: set[str] = {str(Path(os.path.abspath(p))) for p in skip_files}
    deadline = time.monotonic() + _SCAN_MAX_SECONDS
    for top in folders:
        top = Path(top)
        if not top.is_dir():
            continue
        base = len(Path(os.path.abspath(top)).parts)
        for here, dirs, files in os.walk(top):
            walked += 1
            if walked > _SCAN_MAX_DIRS or time.monotonic() > deadline:
                notes.append(f"stopped looking for copies in {_shown(Path(here))} and beyond; search the rest yourself")
                return found, notes
            full = Path(os.path.abspath(here))
            if full in skip or any(s in full.parents for s in skip) or str(full) in _SCAN_SKIP_PATHS:
                dirs[:] = []
                continue
            depth = len(full.parts) - base
            deeper = depth < _SCAN_MAX_DEPTH
            dirs[:] = sorted(d for d in dirs if deeper and not d.startswith(".") and d not in _SCAN_SKIP_DIRS)
            for name in sorted(files):
                path = Path(here) / name
                if name.startswith(".") or path.suffix.lower() not in _SCAN_SUFFIXES or str(full / name) in seen:
                    continue
                seen.add(str(full / name))
                if looked >= _SCAN_MAX_FILES or total >= _SCAN_MAX_TOTAL_BYTES or time.monotonic() > deadline:
                    notes.append(f"stopped looking for copies after {looked} files; search the rest yourself")
                    return found, notes
                try:
                    info = path.lstat()
                    if not stat.S_ISREG(info.st_mode):  # a FIFO would block the read forever
                        continue
                    if info.st_size > _SCAN_MAX_FILE_BYTES:
                        notes.append(f"not searched (over {_SCAN_MAX_FILE_BYTES // 2**20} MB): {_shown(path)}")
                        continue
                    content = path.read_bytes().lower()
                except OSError:
                    continue
                looked += 1
                total += len(content)
                if any(n in content for n in needles):
                    found.append(_shown(path))
    return found, notes


def _needles(fp: Footprint) -> list[bytes]:
    iri = fp.person
    forms = {iri, iri.replace("/", "\\/")}  # JSON may escape slashes
    forms |= {f"{p}:{iri[len(ns):]}" for p, ns in PREFIXES.items() if iri.startswith(ns) and len(iri) > len(ns)}
    if fp.name != iri:
        forms |= {fp.name, html.escape(fp.name)}
    return sorted({f.lower().encode() for f in forms if f})


def _shown(path: Path) -> str:
    try:
        return str(Path(os.path.abspath(path)).relative_to(Path.cwd()))
    except ValueError:
        return str(path)
