"""Joining two records of one person into one, and finding the pairs that look like one.

:func:`merge_people` makes person B part of person A in the data files themselves: every
triple that names B names A instead, B's full name and label become A's name variants
(schema:alternateName), and every statement keeps the source it cites, because statement
nodes keep their own ``prov:wasDerivedFrom`` and only the person they point at changes (a
statement node named after B, ``<b>-role-rxr``, is renamed after A when A has no node of that
name, so every format can say it as it says A's own; otherwise it keeps its name). The
merge is recorded on A (``owl:sameAs`` B's old IRI, so links to it still say who it was, and a
``skos:historyNote`` with the date), in A's own Turtle file or, when A is described by a
person record (YAML or CSV), in ``merges.ttl`` beside it. Files are rewritten in their own
formats through the reader registry, all together or not at all
(:func:`leadgraph.fileio.transaction`), under each data folder's write lock; a file whose
format cannot say the result stops the merge before anything is written.

:func:`duplicates` lists the people and organisations that may be recorded twice, with the
reasons and a score (see its docstring).

>>> from leadgraph.loading import load
>>> [(c.kind, c.score) for c in duplicates(load()) if c.kind == "person"]
[]
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from leadgraph.errors import DataError, UsageError
from leadgraph.lookup import compact, normal
from leadgraph.namespaces import FOAF, LG, OWL, RDF, RDFS, SCHEMA, SKOS
from leadgraph.privacy import data_roots, editing, read_each, resolve_person, root_of
from leadgraph.terms import Literal, NamedNode, Triple

if TYPE_CHECKING:
    from leadgraph.loading import LeadGraph

_FULL_NAMES = (FOAF + "name", RDFS + "label", SCHEMA + "name")  # the merged person's become variants
_PARTS = (FOAF + "givenName", FOAF + "familyName")  # the survivor's own are kept, the merged one's dropped
_APPENDABLE = (".ttl", ".nt")  # formats the merge record can be appended to as N-Triples lines
MERGES_FILE = "merges.ttl"
"""Where the record of a merge goes when the survivor's own file is a person record."""


@dataclass
class MergeReport:
    """What :func:`merge_people` changed (or, with ``dry_run``, would change)."""

    survivor: str
    survivor_name: str
    merged: str
    merged_name: str
    changed: dict[str, int] = field(default_factory=dict)  # file -> triples that now name the survivor
    note_file: str = ""
    variants: list[str] = field(default_factory=list)  # names of the merged person kept as variants
    dry_run: bool = False
    recovered: list[str] = field(default_factory=list)
    store_update: str | None = None

    def text(self) -> str:
        verb = "would merge" if self.dry_run else "merged"
        lines = [f"{verb} {self.merged_name} <{self.merged}> into {self.survivor_name} <{self.survivor}>"]
        for path in self.recovered:
            lines.append(f"  first completed an interrupted earlier write: {path}")
        for path, count in sorted(self.changed.items()):
            lines.append(f"  {path}: {count} triples")
        if self.variants:
            lines.append("  name variants added: " + ", ".join(self.variants))
        lines.append(f"  the merge is recorded (owl:sameAs, skos:historyNote) in {self.note_file}")
        if self.store_update:
            lines.append("  the on-disk store was updated: " + self.store_update.splitlines()[0])
        return "\n".join(lines)


def merge_people(
    keep: str,
    other: str,
    data=None,
    *,
    dry_run: bool = False,
    store: str | Path | None = None,
    today: dt.date | None = None,
) -> MergeReport:
    """Merge person ``other`` (B) into person ``keep`` (A), in the data files (bundled data by
    default). Both are found as ``forget`` finds a person: a full name, a variant, a given name,
    a unique surname, an IRI or a prefixed name; an unknown or ambiguous one raises
    :class:`UsageError` listing the candidates. A keeps its IRI, full name and given and family
    names; B's full names become A's variants; every other triple about B is about A.

    ``dry_run`` reports and changes nothing (beyond completing an interrupted earlier write).
    ``store`` names an on-disk store: the files it was built from are changed (unless ``data``
    names others) and the store is updated. ``today`` dates the history note (default: today).
    Raises :class:`DataError` naming the file when a changed file cannot be written back in
    its format; nothing is written then.
    """
    if store is not None and data is None:
        from leadgraph.loading import stored_sources

        data = stored_sources(store)
    from leadgraph.loading import data_files, load

    roots = data_roots(data)
    with editing(data, dry_run) as (txs, recovered):
        graph = load(data)
        a, a_name = resolve_person(graph, keep)
        b, b_name = resolve_person(graph, other)
        if a == b:
            raise UsageError(f"{keep!r} and {other!r} are the same person ({a_name} <{a}>): nothing to merge")
        report = MergeReport(a, a_name, b, b_name, dry_run=dry_run, recovered=[str(p) for p in recovered])
        per_file = read_each(data_files(data), graph.store)
        keep_names = {t.object.value for t in graph.store.triples(NamedNode(a), None, None)
                      if t.predicate.value in (*_FULL_NAMES, SCHEMA + "alternateName")}
        pending: dict[Path, list[Triple]] = {}
        home: Path | None = None
        renames = _renames(per_file, a, b)
        for path, triples in per_file.items():
            if Triple(NamedNode(a), NamedNode(RDF + "type"), NamedNode(LG + "Leader")) in triples and home is None:
                home = path
            if not any(_names(t, b) or _renamed(t, renames) for t in triples):
                continue
            report.changed[str(path)] = sum(1 for t in triples if _names(t, b) or _renamed(t, renames))
            pending[path] = _rewritten(triples, a, b, keep_names, report, renames)
        if home is None:  # only leftovers of A: record the merge beside the first file changed
            home = next(iter(pending), None) or data_files(data)[0]
        note = _note(a, b, b_name, today or dt.date.today())
        note_path = _note_path(home)
        report.note_file = str(note_path)
        contents = {path: _write(path, triples) for path, triples in pending.items()}
        if note_path in contents or note_path.suffix.lower() not in _APPENDABLE:
            contents[note_path] = _write(note_path, list(dict.fromkeys(
                pending.get(note_path, per_file.get(note_path, [])) + note)))
        else:
            # Added at the end as N-Triples lines (valid Turtle too): the file's comments stay.
            from leadgraph.store.rdf import write_triples

            before = note_path.read_bytes() if note_path.exists() else b""
            contents[note_path] = (before + (b"" if before.endswith(b"\n") or not before else b"\n")
                                   + b"\n# Recorded by leadgraph merge.\n" + write_triples(note, "nt"))
        if not dry_run:
            for path, content in contents.items():
                txs[root_of(path, roots)].write(path, content)
            for tx in txs.values():
                tx.commit()
            _prove(data, a, b)
    if store is not None and not dry_run:
        from leadgraph.loading import update_store

        report.store_update = update_store(store).text()
    return report


def _names(t: Triple, iri: str) -> bool:
    return t.subject.value == iri or getattr(t.object, "value", None) == iri and isinstance(t.object, NamedNode)


def _renames(per_file: dict[Path, list[Triple]], a: str, b: str) -> dict[NamedNode, NamedNode]:
    """B's statement nodes named after B (``<b>-role-rxr``) -> the same name after A, where A
    has no node of that name yet: the files then say the statement as they would of A (a CSV
    file can only say a role by its default name). A name A already uses stays B's."""
    used = {term.value for triples in per_file.values() for t in triples for term in (t.subject, t.object)
            if isinstance(term, NamedNode)}
    found: dict[NamedNode, NamedNode] = {}
    for iri in sorted(used):
        if iri.startswith(b + "-"):
            target = a + iri[len(b):]
            if target not in used:
                found[NamedNode(iri)] = NamedNode(target)
    return found


def _renamed(t: Triple, renames: dict[NamedNode, NamedNode]) -> bool:
    return t.subject in renames or t.object in renames


def _rewritten(triples: list[Triple], a: str, b: str, keep_names: set[str], report: MergeReport,
               renames: dict[NamedNode, NamedNode]) -> list[Triple]:
    """``triples`` with B replaced by A (and B's statement nodes renamed, see :func:`_renames`),
    B's full names turned into A's variants and B's given and family names dropped (A keeps
    its own)."""
    old, new = NamedNode(b), NamedNode(a)
    renames = {**renames, old: new}
    out: list[Triple] = []
    for t in triples:
        if t.subject == old and t.predicate.value in _FULL_NAMES:
            value = t.object.value
            if value not in keep_names:
                out.append(Triple(new, NamedNode(SCHEMA + "alternateName"), Literal(value)))
                if value not in report.variants:
                    report.variants.append(value)
            continue
        if t.subject == old and t.predicate.value in _PARTS:
            continue
        out.append(Triple(renames.get(t.subject, t.subject), t.predicate, renames.get(t.object, t.object)))
    return list(dict.fromkeys(out))


def _note(a: str, b: str, b_name: str, day: dt.date) -> list[Triple]:
    shown = compact(b) or b
    text = f"{day.isoformat()}: merged with {shown} ({b_name}) by leadgraph merge; its statements are now about this person"
    return [
        Triple(NamedNode(a), NamedNode(OWL + "sameAs"), NamedNode(b)),
        Triple(NamedNode(a), NamedNode(SKOS + "historyNote"), Literal(text)),
    ]


def _note_path(home: Path) -> Path:
    from leadgraph.store.readers import RdfReader, reader_for

    return home if isinstance(reader_for(home), RdfReader) else home.parent / MERGES_FILE


def _write(path: Path, triples: list[Triple]) -> bytes:
    from leadgraph.store.readers import reader_for

    try:
        return reader_for(path).write(triples)
    except DataError as exc:
        raise DataError(f"cannot merge: this file cannot be rewritten in its format ({exc.message}); "
                        f"nothing was changed", path=path) from None


def _prove(data, a: str, b: str) -> None:
    """Read the data back: B must be gone except as the recorded ``owl:sameAs``."""
    from leadgraph.loading import load

    store = load(data).store
    left = [t for t in store.triples(None, None, NamedNode(b)) if t.predicate.value != OWL + "sameAs"]
    left += list(store.triples(NamedNode(b), None, None))
    if left:
        raise DataError(f"{len(left)} triples still name {b} after merging it into {a}")


# -- duplicates ------------------------------------------------------------------------------

_ORG_WORDS = {"nhs", "foundation", "trust", "teaching", "university", "hospital", "hospitals", "the", "and",
              "of", "&", "services", "service", "integrated", "care", "board", "icb"}
_GENERIC_ORGS = {"http://www.w3.org/ns/org#Organization", "http://www.w3.org/ns/org#FormalOrganization"}
_TITLES = {"dr", "prof", "professor", "mr", "mrs", "ms", "miss", "mx", "sir", "dame"}


@dataclass
class Candidate:
    """Two nodes that may be one: their IRIs and names, the score (0-100) and why."""

    kind: str  # "person" or "organisation"
    first: str
    first_name: str
    second: str
    second_name: str
    score: int
    reasons: list[str]

    def row(self) -> dict[str, Any]:
        return {"kind": self.kind, "score": self.score, "first": self.first, "first_name": self.first_name,
                "second": self.second, "second_name": self.second_name, "reasons": "; ".join(self.reasons)}


def _bare(name: str) -> list[str]:
    """A name's words without titles and full stops, case-folded: "Dr P. James" -> ["p", "james"]."""
    words = [w.strip(".,") for w in normal(name).split()]
    while words and words[0] in _TITLES:
        words = words[1:]
    return [w for w in words if w]


def _initials_match(x: list[str], y: list[str]) -> bool:
    """"p james" and "phill james": same family name, and the given names agree where one is an initial."""
    if len(x) < 2 or len(y) < 2 or x[-1] != y[-1] or len(x) != len(y):
        return False
    pairs = list(zip(x[:-1], y[:-1]))
    return any(len(p) == 1 or len(q) == 1 for p, q in pairs) and all(
        p == q or (len(p) == 1 and q.startswith(p)) or (len(q) == 1 and p.startswith(q)) for p, q in pairs)


def _digits(text: str) -> list[str]:
    """The numbers in a name: two names alike but for their numbers name two things."""
    return re.findall(r"\d+", text)


def _described(store, kind: str, facts: dict[str, str]) -> dict[str, dict[str, list[str]]]:
    """Each node of ``kind`` (a graph pattern on ``?n``) -> fact name -> its values, where
    ``facts`` maps each fact name to the pattern that binds ``?v`` for it."""
    branches = " UNION ".join(f'{{ {pattern} BIND("{name}" AS ?k) }}' for name, pattern in facts.items())
    found: dict[str, dict[str, list[str]]] = {}
    for row in store.select(f"SELECT DISTINCT ?n ?k ?v WHERE {{ {kind} {branches} }}"):
        entry = found.setdefault(row["n"].value, {name: [] for name in facts})
        entry[row["k"].value].append(row["v"].value)
    return found


def _people(store) -> dict[str, dict[str, list[str]]]:
    return _described(store, "?n a lg:Leader .", {
        "name": "?n foaf:name ?v", "variant": "?n schema:alternateName ?v",
        "family": "?n foaf:familyName ?v", "org": "?m org:member ?n ; org:organization ?v"})


def _organisations(store) -> dict[str, dict[str, list[str]]]:
    return _described(store, "?n a/rdfs:subClassOf* org:Organization .", {
        "name": "?n rdfs:label ?v", "variant": "?n skos:altLabel ?v", "code": "?n lg:odsCode ?v", "type": "?n a ?v"})


def duplicates(graph: LeadGraph | Any = None, *, data=None, kinds: Iterable[str] | None = None,
               min_score: int = 80) -> list[Candidate]:
    """Pairs of people, and of organisations, that may be one recorded twice, best first.

    People: the same full name (100), one's full name among the other's variants (95), the
    same name once titles ("Dr", "Prof"...) and full stops are dropped (95), initials that fit
    ("P. James" and "Phill James", 90), the same family name and given names alike (rapidfuzz
    similarity of the whole names, 80 and over), each with a shared organisation noted.
    Organisations: the same ODS code (100), the same name or a name among the other's
    alternative names (95), or, for two of the same kind, names alike once the words trusts
    share are left out (rapidfuzz's token sort ratio, 90 and over). Only pairs scoring
    ``min_score`` or more are listed. Nothing is judged: a pair is a question for a person.
    """
    from rapidfuzz import fuzz

    from leadgraph.loading import store_of

    store = store_of(graph, data)
    wanted = set(kinds) if kinds is not None else {"person", "organisation"}
    found: list[Candidate] = []
    if "person" in wanted:
        people = _people(store)
        for (x, y), (score, reasons) in sorted(_person_pairs(people, fuzz).items()):
            if set(people[x]["org"]) & set(people[y]["org"]):
                reasons = [*reasons, "a role at the same organisation"]
            if score >= min_score:
                found.append(Candidate("person", x, _first(people[x]["name"], x), y, _first(people[y]["name"], y),
                                       score, reasons))
    if "organisation" in wanted:
        orgs = _organisations(store)
        by_code: dict[str, list[str]] = {}
        for iri, entry in orgs.items():
            for code in entry["code"]:
                by_code.setdefault(code.upper(), []).append(iri)
        pairs: dict[tuple[str, str], tuple[int, list[str]]] = {}
        for code, iris in by_code.items():
            for i, x in enumerate(sorted(iris)):
                for y in sorted(iris)[i + 1:]:
                    pairs[(x, y)] = (100, [f"the same ODS code {code}"])
        names: dict[str, list[str]] = {}
        for iri, entry in orgs.items():
            for n in entry["name"] + entry["variant"]:
                names.setdefault(normal(n), []).append(iri)
        for n, iris in names.items():
            iris = sorted(set(iris))
            for i, x in enumerate(iris):
                for y in iris[i + 1:]:
                    pairs.setdefault((x, y), (95, [f"the same name {n!r}"]))
        # Names alike once the words every trust shares are set aside ("NHS Foundation Trust").
        from rapidfuzz import process

        iris = sorted(orgs)
        plain = [" ".join(w for w in _bare(_first(orgs[i]["name"], i)) if w not in _ORG_WORDS) for i in iris]
        if iris:
            scores = process.cdist(plain, plain, scorer=fuzz.token_sort_ratio, score_cutoff=max(min_score, 90))
            for i, j in zip(*scores.nonzero()):
                # Only organisations of one kind: an ICB and a trust often share a place name.
                same_kind = bool(set(orgs[iris[i]]["type"]) & set(orgs[iris[j]]["type"]) - _GENERIC_ORGS)
                if i < j and plain[i] and plain[j] and same_kind and _digits(plain[i]) == _digits(plain[j]):
                    score = round(float(scores[i, j]))
                    pairs.setdefault((iris[i], iris[j]), (score, [
                        f"similar names ({score}%, leaving out the words trusts share)"]))
        for (x, y), (score, reasons) in sorted(pairs.items()):
            if score >= min_score:
                found.append(Candidate("organisation", x, _first(orgs[x]["name"], x), y,
                                       _first(orgs[y]["name"], y), score, reasons))
    found.sort(key=lambda c: (-c.score, c.kind, c.first, c.second))
    return found


def _person_pairs(people: dict[str, dict[str, list[str]]], fuzz: Any) -> dict[tuple[str, str], tuple[int, list[str]]]:
    """Every pair of people worth listing -> (score, reasons), the best reason kept. Each rule
    reads an index (a name -> the people with it), and similarity is computed by rapidfuzz
    within blocks of people whose family names start with the same three letters and whose
    names hold the same numbers, so 10,000 people are never 50 million Python comparisons (a
    misspelling in those letters is missed)."""
    from rapidfuzz import process

    pairs: dict[tuple[str, str], tuple[int, list[str]]] = {}

    def note(members: Iterable[str], score: int, reason: str) -> None:
        members = sorted(set(members))
        for i, x in enumerate(members):
            for y in members[i + 1:]:
                if (x, y) not in pairs or pairs[(x, y)][0] < score:
                    pairs[(x, y)] = (score, [reason])

    def index(key_of) -> dict[Any, set[str]]:
        found: dict[Any, set[str]] = {}
        for iri, entry in people.items():
            for key in key_of(entry):
                if key:
                    found.setdefault(key, set()).add(iri)
        return found

    def every(entry: dict[str, list[str]]) -> list[str]:
        return entry["name"] + entry["variant"]

    for key, members in index(lambda e: {normal(n) for n in e["name"]}).items():
        note(members, 100, "the same full name")
    for key, members in index(lambda e: {normal(n) for n in every(e)}).items():
        note(members, 95, f"a name of one is a name variant of the other: {key}")
    for key, members in index(lambda e: {" ".join(_bare(n)) for n in every(e)}).items():
        note(members, 95, "the same name without titles")
    # Initials: people who share a family name and the first letter of the given name.
    for key, members in index(lambda e: {(w[0][0], w[-1]) for w in map(_bare, every(e)) if len(w) > 1}).items():
        members = sorted(members)
        for i, x in enumerate(members):
            for y in members[i + 1:]:
                if any(_initials_match(_bare(m), _bare(n)) for m in every(people[x]) for n in every(people[y])):
                    note((x, y), 90, "initials that fit the given name")
    # Similar names, within blocks.
    # Blocks: the family name's first three letters, and the numbers in the name ("Team 2" and
    # "Team 3" name two things, and are never compared).
    blocks = index(lambda e: {(_bare(n)[-1][:3], tuple(_digits(n))) for n in every(e) if _bare(n)})
    for members in blocks.values():
        if len(members) < 2:
            continue
        members = sorted(members)
        names = [" ".join(_bare(_first(people[m]["name"], m))) for m in members]
        scores = process.cdist(names, names, scorer=fuzz.WRatio, score_cutoff=80)
        for i, j in zip(*scores.nonzero()):
            if i >= j:
                continue
            x, y = members[i], members[j]
            if (x, y) in pairs:  # a rule above already says why
                continue
            best = round(float(scores[i, j]))
            same_family = {normal(f) for f in people[x]["family"]} & {normal(f) for f in people[y]["family"]}
            if same_family:
                note((x, y), best, f"the same family name and similar names ({best}%)")
            elif best >= 90:
                note((x, y), best, f"similar names ({best}%)")
    return pairs


DUPLICATE_COLUMNS = ("kind", "score", "first", "first_name", "second", "second_name", "reasons")
DUPLICATE_FORMATS = ("table", "csv", "tsv", "json", "jsonl")


def format_duplicates(candidates: list[Candidate], fmt: str = "table") -> bytes:
    """``candidates`` as ``table`` (names and IRIs shortened), ``csv``, ``tsv``, ``json`` (a list
    of objects) or ``jsonl``, with the columns of :data:`DUPLICATE_COLUMNS`."""
    import json

    from leadgraph.tabular import text_table, write_csv

    rows = [c.row() for c in candidates]
    if fmt == "table":
        shown = [[r["kind"], r["score"], f"{r['first_name']} ({compact(r['first']) or r['first']})",
                  f"{r['second_name']} ({compact(r['second']) or r['second']})", r["reasons"]] for r in rows]
        return text_table(["kind", "score", "first", "second", "reasons"], shown).encode()
    if fmt in ("csv", "tsv"):
        return write_csv(DUPLICATE_COLUMNS, [[r[c] for c in DUPLICATE_COLUMNS] for r in rows],
                         delimiter="," if fmt == "csv" else "\t")
    if fmt == "json":
        return (json.dumps(rows, ensure_ascii=False, indent=2) + "\n").encode()
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()
    raise UsageError(f"unknown format {fmt!r}: expected one of {', '.join(DUPLICATE_FORMATS)}")


def _first(names: list[str], iri: str) -> str:
    return sorted(names)[0] if names else iri

