"""Person records in CSV, for bulk work in a spreadsheet: a roles file, a traits file, a corrections file.

A **roles CSV** has one row per role; a **traits CSV** one row per trait attribution; a
**corrections CSV** one row per correction. The header row says which: a file whose header has
a ``trait`` column is a traits CSV, one with a ``corrects`` column a corrections CSV. Column
names ignore case and spaces (``Role type`` is ``role_type``).

Roles: ``person`` (full name), ``organisation`` (ODS code or name) and ``source`` are required;
optional ``id`` (the person's IRI), ``variants`` (``;``-separated), ``role_id`` (the role's own
IRI, as a YAML role's ``id``: needed only for a second role at the same organisation, since a
role is otherwise ``lgd:<person>-role-<organisation>``), ``title``, ``role_type``
(``;``-separated), ``programme``, ``start``, ``end``, ``as_of``, ``current`` (true/false;
default true), ``description``, ``supersedes`` (``;``-separated ids of the earlier statements
this row replaces: how a later source ends a role, see Corrections and history).

Traits: ``person`` (the name or id of a person described in another file), ``trait``,
``source``, and ``text`` (the source's words) and/or ``quote`` (a verbatim quotation; it
becomes the person's quotation ``<person>-quote-<quote_key>``, ``quote_key`` defaulting to the
trait's key); optional ``key``.

Corrections: ``person`` (the name or id of a person described in another file), ``corrects``
(the id of the earlier claim that was wrong, e.g. ``jo-sample-trait-resilience``) and
``source``; optional ``description`` (what was wrong), ``as_of`` (the correction's date, when
not the source's) and ``key``.

Sources are named in columns: ``source`` is a short key; the first row that uses a key
describes it with ``source_title``, ``source_date``, ``source_url``, ``source_publisher`` and
``source_kind`` (later rows may repeat the same details or leave them empty; different
details for one key are an error). A key written as an IRI (``lgd:article-2021-06-23``)
refers to a source described in another file and needs no details.

Errors name the file, the row (the line, counting the header as row 1) and the column, by
letter and name. Every bad row is reported, not only the first (:class:`~leadgraph.errors.DataErrors`).
"""

from __future__ import annotations

import csv as _csv
import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from leadgraph.errors import DataError, DataErrors
from leadgraph.namespaces import LG, LGD, RDF, RDFS, SCHEMA
from leadgraph.records.mapping import (
    NotARecord,
    RecordError,
    every_error,
    origins_in,
    record_of,
    show,
    source_triples,
    triples_of,
)
from leadgraph.records.vocabulary import Reference, did_you_mean, expand, slug, suggest
from leadgraph.store.readers import Reader, check_utf8, read_bytes
from leadgraph.tabular import column_letter
from leadgraph.terms import Literal, NamedNode, Triple

_SOURCE = ["source", "source_title", "source_date", "source_url", "source_publisher", "source_kind"]
ROLE_COLUMNS = ["person", "id", "variants", "role_id", "title", "role_type", "organisation", "programme", "start", "end",
                "as_of", "current", "description", "supersedes"] + _SOURCE
TRAIT_COLUMNS = ["person", "trait", "key", "text", "quote", "quote_key"] + _SOURCE
CORRECTION_COLUMNS = ["person", "corrects", "key", "description", "as_of"] + _SOURCE
_COLUMNS = {"roles": ROLE_COLUMNS, "traits": TRAIT_COLUMNS, "corrections": CORRECTION_COLUMNS}
_REQUIRED = {"roles": ["person", "organisation", "source"], "traits": ["person", "trait", "source"],
             "corrections": ["person", "corrects", "source"]}
_ROW_SECTIONS = ("roles", "traits", "quotes", "corrections")  # the lists a row adds one fact to
_TRUE, _FALSE = {"true", "yes", "y", "1"}, {"false", "no", "n", "0"}


def _letter(index: int) -> str:
    return column_letter(index + 1)


class _Table:
    def __init__(self, path: Path):
        self.path = path
        content = read_bytes(path)
        if content.startswith(b"\xef\xbb\xbf"):
            content = content[3:]
        if not content.strip():
            raise DataError("file is empty", path=path, line=1)
        check_utf8(content, path)
        text = content.decode("utf-8")
        try:
            header, self.rows = _parse(text, strict=True)
        except _Unclosed as exc:
            raise DataError(f"row {exc.row}: a quoted cell (opened with \") is never closed: the rest of the "
                            "file would be one cell; close the quote or remove it", path=path, line=exc.row) from None
        except _csv.Error:  # a stray quote inside a cell ("Ann" Example): read it as spreadsheets do
            header, self.rows = _parse(text, strict=False)
        self.columns = [re.sub(r"[\s-]+", "_", h.strip().lower()) for h in header]
        self.kind = "traits" if "trait" in self.columns else "corrections" if "corrects" in self.columns else "roles"
        known = _COLUMNS[self.kind]
        for separator in (";", "\t"):
            if len(header) == 1 and separator in header[0]:
                raise DataError(f"row 1: the header is one cell, {header[0].strip()!r}: the file is separated by "
                                f"{separator!r}, and leadgraph reads comma-separated CSV (from a spreadsheet: "
                                "save as \"CSV UTF-8 (comma delimited)\")", path=path, line=1)
        for i, name in enumerate(self.columns):
            if name not in known:
                raise DataError(f"row 1, column {_letter(i)}: unknown column {header[i].strip()!r}"
                                f"{did_you_mean(suggest(name, known, 1))} (a {self.kind} CSV has: {', '.join(known)})",
                                path=path, line=1)
        for name in _REQUIRED[self.kind]:
            if name not in self.columns:
                raise DataError(f"row 1: missing column {name!r} (a {self.kind} CSV needs "
                                f"{', '.join(_REQUIRED[self.kind])})", path=path, line=1)
        if not self.rows:
            raise DataError("no rows: only a header", path=path, line=1)
        self.described: dict[str, tuple[dict, dict, int]] = {}  # source key -> (record, entry, row) first describing it

    def error(self, line: int, column: str | None, message: str) -> DataError:
        where = f"row {line}"
        if column is not None and column in self.columns:
            where += f", column {_letter(self.columns.index(column))} ({column})"
        return DataError(f"{where}: {message}", path=self.path, line=line)

    def cell(self, cells: list[str], column: str) -> str:
        if column not in self.columns:
            return ""
        i = self.columns.index(column)
        return cells[i].strip() if i < len(cells) else ""


class _Unclosed(Exception):
    def __init__(self, row: int):
        self.row = row


def _parse(text: str, strict: bool) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the non-empty rows (with the line each ends on) of ``text``."""
    reader = _csv.reader(io.StringIO(text, newline=""), strict=strict)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        header = next(reader, [])
        start = reader.line_num + 1
        for cells in reader:
            if any(c.strip() for c in cells):
                rows.append((reader.line_num, cells))
            start = reader.line_num + 1
    except _csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise _Unclosed(start) from None
        raise
    return header, rows


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.split(";") if p.strip()]


class CsvRecordReader(Reader):
    """Roles, traits and corrections in CSV (see the module docstring and docs/records.md)."""

    name = "csv"
    extensions = (".csv",)

    def read(self, path: Path) -> list[Triple]:
        return self._read(path, Reference.bundled())

    def load_into(self, store: Any, path: Path) -> None:
        store.add(self._read(path, Reference.bundled(extra=store)))

    def origins(self, path: Path, store: Any = None, near: Iterable[str] | None = None
                ) -> dict[Any, tuple[int, int | None]]:
        """Each node a row makes -> its row (the line) and the column it comes from (1-based)."""
        try:
            table = _Table(path)
            people, places, _ = self._records(table)
            found: dict[Any, tuple[int, int | None]] = {}
            for pslug, record in people.items():
                for iri, at in origins_in(record, store).items():
                    while at and at not in places[pslug]:
                        at = at[:-1]
                    line, column = places[pslug].get(at, (None, None))
                    if line is not None:
                        index = table.columns.index(column) + 1 if column in table.columns else None
                        found.setdefault(iri, (line, index))
            return found
        except (DataError, RecordError):
            return {}

    def read_in(self, path: Path, context: Any) -> list[Triple]:
        return self._read(path, Reference.bundled(extra=context))

    def load_rank(self, path: Path) -> int:
        # Any row with an id names its person itself (see Reader.load_rank). A file that cannot
        # be read ranks as any other record; loading it reports why.
        try:
            table = _Table(path)
        except DataError:
            return 2
        if "id" not in table.columns:
            return 2
        return 1 if any(table.cell(cells, "id") for _, cells in table.rows) else 2

    def _read(self, path: Path, reference: Reference) -> list[Triple]:
        table = _Table(path)
        errors: list[DataError] = []  # every bad row, not only the first: one run shows them all
        people, places, unattached = self._records(table, errors)
        triples: list[Triple] = []
        for pslug, record in people.items():
            try:
                found = triples_of(record, reference)
            except RecordError as exc:
                errors.extend(self._person_errors(table, record, places[pslug], reference, exc))
                continue
            if table.kind != "roles":
                # The person is described in another file: only their attributions, quotes or corrections are here.
                person = NamedNode(LGD + pslug if not record.get("id") else (expand(record["id"]) or LGD + record["id"]))
                found = [t for t in found if t.subject != person]
            triples.extend(found)
        try:
            triples.extend(source_triples(unattached["sources"], reference))
        except RecordError as exc:
            errors.append(table.error(table.rows[0][0], "source", exc.message))
        if errors:
            unique = {(e.line, e.message): e for e in errors}
            raise DataErrors.of(sorted(unique.values(), key=lambda e: e.line or 0))
        return triples

    def _person_errors(self, table: _Table, record: dict, where: dict, reference: Reference,
                       first: RecordError) -> list[DataError]:
        """Every bad row of one person's record, where :func:`triples_of` stops at the first."""
        rows: dict[int, list[tuple[str, int]]] = {}
        for section in _ROW_SECTIONS:
            for i in range(len(record.get(section) or [])):
                rows.setdefault(where[(section, i)][0], []).append((section, i))
        if len(rows) <= 1:
            return [self._locate(table, where, first)]
        groups = [rows[line] for line in sorted(rows)]
        return [self._locate(table, where, exc) for exc in every_error(record, reference, groups, first)]

    def _records(self, table: _Table, errors: list[DataError] | None = None
                 ) -> tuple[dict[str, dict], dict[str, dict[tuple, tuple[int, str | None]]], dict]:
        """The rows as person records, with where each part of a record came from. With ``errors``,
        a bad row is added to it and the next row read; without, the first bad row raises."""
        people: dict[str, dict] = {}
        places: dict[str, dict[tuple, tuple[int, str | None]]] = {}  # person -> record path -> (line, column)
        unattached: dict = {"sources": {}}
        for line, cells in table.rows:
            try:
                self._row(table, line, cells, people, places, unattached)
            except DataError as exc:
                if errors is None:
                    raise
                errors.append(exc)
        return people, places, unattached

    def _row(self, table: _Table, line: int, cells: list[str], people: dict, places: dict, unattached: dict) -> None:
        if len(cells) > len(table.columns):
            raise table.error(line, None, f"{len(cells)} cells but only {len(table.columns)} columns in the header")
        value = {c: table.cell(cells, c) for c in table.columns}
        if not any(v for c, v in value.items() if c not in _SOURCE) and value.get("source"):
            # A source-only row: a source no role (or trait) cites any more, kept described.
            self._source(table, line, value, unattached, {})
            return
        for name in _REQUIRED[table.kind]:
            if not value.get(name):
                raise table.error(line, name, f"empty {name!r}: every row needs one")
        person = value["person"]
        pslug = slug(value.get("id") or person)
        if not pslug:
            raise table.error(line, "person", f"cannot make an IRI from {person!r}: use letters or digits")
        # A new person is kept only once their first row has read: a bad row leaves no half record.
        record = people.get(pslug) or {"person": person, "sources": {}, "source": []}
        where = places.get(pslug) or {("person",): (line, "person")}
        if value.get("id"):
            record["id"] = value["id"]
        key = self._source(table, line, value, record, where)
        if key not in record["source"]:
            record["source"].append(key)
            where[("source", len(record["source"]) - 1)] = (line, "source")
        if table.kind == "roles":
            self._role(table, line, value, record, where, key)
        elif table.kind == "traits":
            self._trait(table, line, value, record, where, key)
        else:
            self._correction(line, value, record, where, key)
        people[pslug], places[pslug] = record, where

    def _locate(self, table: _Table, where: dict, exc: RecordError) -> DataError:
        path = exc.where
        while path and path not in where:
            path = path[:-1]
        line, column = where.get(path, (table.rows[0][0], None))
        message = exc.message
        if exc.also is not None:  # the other place as a row, not as a path in the record the rows make
            also = exc.also
            while also and also not in where:
                also = also[:-1]
            if also in where:
                message = message.replace(f"(also at {show(exc.also)})", f"(also on row {where[also][0]})")
            if message.endswith(": give one a different id"):  # in a roles CSV, a role's id is its role_id
                message = message.removesuffix(": give one a different id") + (
                    ": delete the repeated row, or give each role at that organisation its own role_id (a row's "
                    "role is named after its person and organisation unless role_id names it)")
        return table.error(line, column, message)

    def _source(self, table: _Table, line: int, value: dict, record: dict, where: dict) -> str:
        key = value["source"]
        details = {k[len("source_"):]: value.get(k, "") for k in _SOURCE[1:] if value.get(k)}
        iri = expand(key) if ":" in key else None
        if iri is not None:
            local = iri[len(LGD):] if iri.startswith(LGD) else None
            entry_key = local or slug(key)
            entry = {"id": local or iri}
        else:
            if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", key):
                raise table.error(line, "source", f"bad source key {key!r}: use letters, digits, '-', '_' and '.'")
            entry_key, entry = key, {}
        known = record["sources"].get(entry_key)
        described = table.described.get(entry_key)
        if known is None and described is not None and record is not described[0]:
            # Described on an earlier row of another person: the key means the same source here.
            known = record["sources"][entry_key] = dict(described[1])
            where[("sources", entry_key)] = (described[2], "source")
        if known is None:
            if iri is None and "title" not in details:
                raise table.error(line, "source_title", f"source {key!r} is not described: give source_title "
                                  f"(and source_date, source_url) on its first row, or write the key as lgd:ID")
            entry.update(details)
            record["sources"][entry_key] = entry
            table.described.setdefault(entry_key, (record, entry, line))
            for k in details:
                where[("sources", entry_key, k)] = (line, "source_" + k)
            where[("sources", entry_key)] = (line, "source")
        else:
            for k, v in details.items():
                if known.get(k, v) != v:
                    raise table.error(line, "source_" + k, f"source {key!r} has {k} {known[k]!r} on an earlier row, "
                                      f"{v!r} here")
                known.setdefault(k, v)
        return entry_key

    def _role(self, table: _Table, line: int, value: dict, record: dict, where: dict, key: str) -> None:
        current = value.get("current", "").lower()
        if current and current not in _TRUE | _FALSE:
            raise table.error(line, "current", f"expected true or false, found {value['current']!r}")
        role: dict[str, Any] = {"organisation": value["organisation"], "source": key,
                                "current": current not in _FALSE}
        for column in ("title", "programme", "start", "end", "as_of", "description"):
            if value.get(column):
                role[column] = value[column]
        if value.get("role_id"):  # the role's own IRI, as a YAML role's id: two roles at one organisation
            role["id"] = value["role_id"]
        for column in ("role_type", "supersedes"):
            if value.get(column):
                words = _split(value[column])
                role[column] = words if len(words) > 1 else words[0]
        for variant in _split(value.get("variants", "")):
            if variant not in record.setdefault("variants", []):
                record["variants"].append(variant)
        roles = record.setdefault("roles", [])
        index = len(roles)
        roles.append(role)
        for column in list(role) + ["role_type"]:
            where[("roles", index, column)] = (line, "role_id" if column == "id" else column)
        where[("roles", index)] = (line, "organisation")

    def _trait(self, table: _Table, line: int, value: dict, record: dict, where: dict, key: str) -> None:
        if not value.get("text") and not value.get("quote"):
            raise table.error(line, "text", "a trait needs its evidence: fill in 'text' (the source's words) "
                              "or 'quote' (a verbatim quotation)")
        trait: dict[str, Any] = {"trait": value["trait"], "source": key}
        if value.get("key"):
            trait["key"] = value["key"]
        if value.get("text"):
            trait["text"] = value["text"]
        traits = record.setdefault("traits", [])
        index = len(traits)
        if value.get("quote"):
            quotes = record.setdefault("quotes", [])
            qkey = value.get("quote_key") or value.get("key") or slug(value["trait"])
            if any(q["key"] == qkey for q in quotes):
                raise table.error(line, "quote_key", f"duplicate quote key {qkey!r} for {record['person']!r}: "
                                  f"give each quotation its own quote_key")
            quotes.append({"key": qkey, "text": value["quote"], "source": key})
            where[("quotes", len(quotes) - 1)] = (line, "quote")
            where[("quotes", len(quotes) - 1, "key")] = (line, "quote_key")
            trait["quote"] = qkey
        traits.append(trait)
        where[("traits", index)] = (line, "trait")
        for column in ("trait", "key", "text", "quote"):
            where[("traits", index, column)] = (line, column)

    @staticmethod
    def _correction(line: int, value: dict, record: dict, where: dict, key: str) -> None:
        fact: dict[str, Any] = {"corrects": value["corrects"], "source": key}
        for column in ("key", "description", "as_of"):
            if value.get(column):
                fact[column] = value[column]
        corrections = record.setdefault("corrections", [])
        index = len(corrections)
        corrections.append(fact)
        where[("corrections", index)] = (line, "corrects")
        for column in ("corrects", "key", "description", "as_of"):
            where[("corrections", index, column)] = (line, column)

    # -- writing ---------------------------------------------------------------------------
    def write(self, triples: Iterable[Triple]) -> bytes:
        triples = list(triples)
        reference = Reference.bundled()
        types: dict[str, set[str]] = {}
        for t in triples:
            if t.predicate.value == RDF + "type":
                types.setdefault(t.subject.value, set()).add(t.object.value)
        leaders = [s for s, ts in types.items() if LG + "Leader" in ts]
        out = io.StringIO()
        try:
            classes = {o for ts in types.values() for o in ts}
            columns = (ROLE_COLUMNS if leaders else TRAIT_COLUMNS if LG + "TraitAttribution" in classes
                       else CORRECTION_COLUMNS if LG + "Correction" in classes else ROLE_COLUMNS)
            rows: list[dict] = []
            if columns is ROLE_COLUMNS:
                for person in sorted(leaders):
                    rows += self._role_rows(person, triples, reference)
            else:
                for person in sorted({t.object.value for t in triples if t.predicate.value == LG + "person"}):
                    if columns is TRAIT_COLUMNS:
                        rows += self._trait_rows(person, triples, reference)
                    else:
                        rows += self._correction_rows(person, triples, reference)
            rows += self._source_rows(triples, types, rows)
            if columns is ROLE_COLUMNS and not any(row.get("role_id") for row in rows):
                columns = [c for c in columns if c != "role_id"]  # only where a role needs one: files stay as they were
            writer = _csv.writer(out, lineterminator="\n")
            writer.writerow(columns)
            for row in rows:
                writer.writerow([row.get(c, "") for c in columns])
        except NotARecord as exc:
            raise DataError(f"cannot write a CSV record: {exc}") from None
        return out.getvalue().encode("utf-8")

    @staticmethod
    def _part(person: str, triples: list[Triple]) -> list[Triple]:
        """The triples about ``person``: theirs, their statements', and the sources they cite."""
        members = {t.subject.value for t in triples
                   if t.predicate.value in (LG + "person", SCHEMA + "creator", "http://www.w3.org/ns/org#member")
                   and t.object.value == person}
        members.add(person)
        # A role's period and its instants (start, end) belong to it too: without them the dates were lost.
        periods = {t.object.value for t in triples if t.subject.value in members
                   and t.predicate.value == "http://www.w3.org/ns/org#memberDuring"}
        members |= periods | {t.object.value for t in triples if t.subject.value in periods
                              and t.predicate.value.startswith("http://www.w3.org/2006/time#has")}
        mine = [t for t in triples if t.subject.value in members]
        cited = {t.object.value for t in mine if t.predicate.value.startswith("http://www.w3.org/ns/prov#")}
        return mine + [t for t in triples if t.subject.value in cited]

    def _role_rows(self, person: str, triples: list[Triple], reference: Reference) -> list[dict]:
        rec = record_of(self._part(person, triples), reference)
        extra = set(rec) - {"person", "id", "variants", "source", "sources", "roles", "earlier_roles"}
        if extra:
            raise NotARecord(f"a roles CSV holds roles only, not {', '.join(sorted(extra))} (use YAML)")
        rows = []
        for section in ("roles", "earlier_roles"):
            for role in rec.get(section, []):
                if "label" in role:
                    raise NotARecord(f"a roles CSV cannot keep a role's own label (use YAML): {role}")
                if isinstance(role.get("source"), list):
                    raise NotARecord("a roles CSV row cites one source")
                row = {"person": rec["person"], "id": rec.get("id", ""), "variants": "; ".join(rec.get("variants", [])),
                       "current": "true" if section == "roles" else "false"}
                for k, v in role.items():
                    row["role_id" if k == "id" else k] = "; ".join(v) if isinstance(v, list) else str(v)
                row.update(self._source_cells(rec, role["source"]))
                rows.append(row)
        return rows

    def _elsewhere(self, person: str, triples: list[Triple], reference: Reference, marker: str) -> dict:
        """The record of ``person``'s statements in a file that describes the person elsewhere; ``marker``
        ends the default labels that carry the person's name (their quotations', their corrections')."""
        part = self._part(person, triples)
        name = person.removeprefix(LGD)
        for t in part:
            if t.predicate.value == RDFS + "label" and marker in t.object.value:
                name = t.object.value.split(marker)[0]
                break
        cited = sorted({t.object.value for t in part if t.predicate.value.startswith("http://www.w3.org/ns/prov#")})
        person_node = NamedNode(person)
        stub = [Triple(person_node, NamedNode(RDF + "type"), NamedNode(LG + "Leader")),
                Triple(person_node, NamedNode("http://xmlns.com/foaf/0.1/name"), Literal(name))]
        stub += [Triple(person_node, NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"), NamedNode(c)) for c in cited]
        return record_of(part + stub, reference)

    def _correction_rows(self, person: str, triples: list[Triple], reference: Reference) -> list[dict]:
        rec = self._elsewhere(person, triples, reference, ": correction of ")
        extra = set(rec) - {"person", "id", "label", "given_name", "family_name", "source", "sources", "corrections"}
        if extra:
            raise NotARecord(f"a corrections CSV holds corrections only, not {', '.join(sorted(extra))} (use YAML)")
        rows = []
        for fact in rec.get("corrections", []):
            if set(fact) & {"id", "label", "supersedes"} or isinstance(fact.get("source"), list):
                raise NotARecord(f"a corrections CSV cannot keep this correction (use YAML): {fact}")
            row = {"person": rec["person"], **{k: str(v) for k, v in fact.items() if k != "source"}}
            row.update(self._source_cells(rec, fact["source"]))
            rows.append(row)
        return rows

    def _trait_rows(self, person: str, triples: list[Triple], reference: Reference) -> list[dict]:
        rec = self._elsewhere(person, triples, reference, ": \u201c")
        extra = set(rec) - {"person", "id", "label", "given_name", "family_name", "source", "sources", "traits", "quotes"}
        if extra:
            raise NotARecord(f"a traits CSV holds trait attributions only, not {', '.join(sorted(extra))} (use YAML)")
        quotes = {q["key"]: q for q in rec.get("quotes", [])}
        rows = []
        for trait in rec.get("traits", []):
            if set(trait) & {"id", "label", "mentions"} or isinstance(trait.get("source"), list):
                raise NotARecord(f"a traits CSV cannot keep this attribution (use YAML): {trait}")
            row = {"person": rec["person"], "trait": trait["trait"], "key": trait.get("key", ""),
                   "text": trait.get("text", "")}
            if trait.get("quote"):
                quote = quotes.pop(trait["quote"])
                if set(quote) & {"id", "label", "about", "headline"}:
                    raise NotARecord(f"a traits CSV cannot keep this quotation (use YAML): {quote}")
                row["quote"] = quote["text"]
                if quote["key"] != (trait.get("key") or slug(trait["trait"])):
                    row["quote_key"] = quote["key"]
            row.update(self._source_cells(rec, trait["source"]))
            rows.append(row)
        if quotes:
            raise NotARecord("a traits CSV holds a quotation only as a trait's evidence")
        return rows

    @staticmethod
    def _source_rows(triples: list[Triple], types: dict[str, set[str]], rows: list[dict]) -> list[dict]:
        """Source-only rows for described sources no row cites (left behind by ``forget``)."""
        cited = {LGD + "source-" + slug(r["source"]) for r in rows if ":" not in r["source"]}
        found = []
        for iri in sorted(s for s, ts in types.items() if LG + "Source" in ts and s not in cited):
            if not iri.startswith(LGD + "source-"):
                raise NotARecord(f"a CSV describes only sources named lgd:source-<key>, not {iri}")
            mine = [t for t in triples if t.subject.value == iri]
            entry: dict[str, Any] = {}
            for t in mine:
                prop = t.predicate.value
                value = t.object.value
                if prop.endswith("/title"):
                    entry["title"] = value
                elif prop.endswith("/issued"):
                    entry["date"] = value
                elif prop == SCHEMA + "url":
                    entry["url"] = value
                elif prop.endswith("/publisher"):
                    entry["publisher"] = value
                elif prop.endswith("/type") and prop.startswith("http://purl.org/dc/terms/"):
                    entry["kind"] = value
            row = {"source": iri[len(LGD + "source-"):]}
            row.update({"source_" + k: v for k, v in entry.items()})
            found.append(row)
        return found

    @staticmethod
    def _source_cells(rec: dict, key: str) -> dict:
        entry = rec["sources"][key]
        if "title" not in entry:
            ident = entry.get("id", key)
            return {"source": ident if ":" in ident else "lgd:" + ident}
        if entry.get("id") or entry.get("label"):
            raise NotARecord(f"a CSV source is lgd:source-<key> with its title as label: {entry}")
        cells = {"source": key}
        for k in ("title", "date", "url", "publisher", "kind"):
            if entry.get(k):
                cells["source_" + k] = entry[k]
        return cells

