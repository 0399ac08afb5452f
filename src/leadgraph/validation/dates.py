"""Dates that cannot be right yet: later than today, later than the source that states them, or a
role that ends before it starts.

A source records what had happened when it was issued. So a date in the data later than today,
or later than the date of the source that states it, is most likely a typo (2042 for 2024) or a
plan written down as a fact (an appointment announced for next month); either way it is a
**warning**, with the file, line and the date, and ``--strict`` makes it fail. Checked:

- a role's start and end (``org:memberDuring``: ``time:inXSDDate`` or ``time:inXSDgYear``);
- the date a statement was true at (``lg:asOf``: roles, years of service, scale, corrections);
- a source's own date (``dcterms:issued``), against today only.

A date is compared at its own precision: a year (``xsd:gYear``) is later than today only in a
later year, and a role that started in "2024" is not later than a source of 2024-05-01. A role
whose end is before its start is an **error** (impossible; person records already refuse one
when they are read, Turtle is caught here).

Today comes from the clock unless the caller gives one (``validate(..., today=...)``,
``leadgraph validate --today DATE``), so tests never depend on when they run. The check reads
the store; an on-disk generation keeps the results with the day they were judged on (made at
build for the day of the build), and another day judges them again.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from typing import Any

from leadgraph.labels import compact
from leadgraph.namespaces import PREFIXES
from leadgraph.terms import Literal
from leadgraph.validation.engine import Namer
from leadgraph.validation.report import ValidationResult

_GYEAR = "http://www.w3.org/2001/XMLSchema#gYear"
# Written out, so any store answers them (a remote endpoint knows no predeclared prefixes).
_PREFIXES = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("lg", "prov", "dcterms", "org", "time"))

_STATED = _PREFIXES + """
SELECT ?s ?d ?src ?issued WHERE {
  %s
  ?s lg:asOf ?d .
  OPTIONAL { ?s prov:wasDerivedFrom|prov:wasQuotedFrom ?src . ?src dcterms:issued ?issued }
}"""

_PERIODS = _PREFIXES + """
SELECT ?s ?which ?d ?src ?issued WHERE {
  %s
  ?s org:memberDuring ?p .
  { ?p time:hasBeginning ?i . BIND("start" AS ?which) } UNION { ?p time:hasEnd ?i . BIND("end" AS ?which) }
  { ?i time:inXSDDate ?d } UNION { ?i time:inXSDgYear ?d }
  OPTIONAL { ?s prov:wasDerivedFrom ?src . ?src dcterms:issued ?issued }
}"""

_ISSUED = _PREFIXES + "SELECT ?s ?d WHERE { %s ?s dcterms:issued ?d }"

VERSION = 1
"""Bumped when the check changes, so results kept with an on-disk generation are redone."""

_IRI_SAFE = re.compile(r"^[^\s<>\"{}|^`\\]+$")
_PATHS = {"start": "org:memberDuring", "end": "org:memberDuring", "asOf": "lg:asOf", "issued": "dcterms:issued"}


def today_of(today: dt.date | str | None) -> dt.date:
    """``today`` as a date (``YYYY-MM-DD`` text accepted), or the clock's date when ``None``."""
    if today is None:
        return dt.date.today()
    if isinstance(today, dt.date):
        return today
    return dt.date.fromisoformat(str(today))


def check(store: Any, today: dt.date | str | None = None, nodes: set[str] | None = None) -> list[ValidationResult]:
    """Warnings for dates later than ``today`` or than their source, errors for roles ending
    before they start (see the module documentation); only about ``nodes`` (IRIs) when given."""
    day = today_of(today)
    namer = Namer(store)
    if nodes is not None:
        safe = sorted(n for n in nodes if _IRI_SAFE.match(n))
        if not safe:
            return []
        values = "VALUES ?s { " + " ".join(f"<{n}>" for n in safe) + " }"
    else:
        values = ""
    found: list[ValidationResult] = []
    # (statement, what) -> its date literal, and the latest date among the sources stating it
    dates: dict[tuple[Any, str], Literal] = {}
    sources: dict[tuple[Any, str], tuple[str, Any]] = {}
    for query, fixed in ((_STATED, "asOf"), (_PERIODS, None)):
        for row in store.select(query % values):
            if not isinstance(row.get("d"), Literal):
                continue
            key = (row["s"], fixed or row["which"].value)
            dates[key] = row["d"]
            issued = row.get("issued")
            if isinstance(issued, Literal) and _text(issued) and (
                    key not in sources or issued.value > sources[key][0]):
                sources[key] = (issued.value, row["src"])
    for (node, what), value in sorted(dates.items(), key=lambda item: (str(item[0][0]), item[0][1])):
        text = value.value
        if _later(value, day.isoformat()):
            found.append(_warning(namer, node, what, value, f"{_what(what)} {text}, later than today ({day})",
                                  "correct the date (a typo?), or leave it out until it has passed: a source "
                                  "records what has happened"))
        elif (node, what) in sources and _later(value, sources[(node, what)][0]):
            issued, source = sources[(node, what)]
            found.append(_warning(namer, node, what, value,
                                  f"{_what(what)} {text}, later than its source ({compact(source.value)}, issued "
                                  f"{issued}): a source cannot report what had not happened when it was issued",
                                  "correct the date, or cite the later source that reports it"))
    for row in store.select(_ISSUED % values):
        value = row.get("d")
        if isinstance(value, Literal) and _later(value, day.isoformat()):
            found.append(_warning(namer, row["s"], "issued", value,
                                  f"the source is dated {value.value}, later than today ({day})",
                                  "correct the source's date (dcterms:issued; 'date' in a record)"))
    periods: dict[Any, dict[str, Literal]] = defaultdict(dict)
    for (node, what), value in dates.items():
        if what in ("start", "end"):
            periods[node][what] = value
    for node, ends in sorted(periods.items(), key=lambda item: str(item[0])):
        if "start" in ends and "end" in ends and _before(ends["end"], ends["start"]):
            found.append(ValidationResult(
                focus_node=namer.describe(node), path="org:memberDuring", severity="Violation", source_shape=None,
                message=f"the role ends ({ends['end'].value}) before it starts ({ends['start'].value})",
                fix="swap or correct the start and end dates", value=None))
    return found


def update(store: Any, previous: list[ValidationResult], old: set[tuple[str, str, str]], graphs: list[str],
           today: dt.date | str | None = None) -> list[ValidationResult]:
    """The results of :func:`check` on an on-disk store after an update, from those before it
    (``old``: the triples the reloaded or removed files had, as ``str`` of each term; ``graphs``:
    the named graphs of the files reloaded or added). Only the nodes those files describe are
    checked again, and the statements citing a source whose date they hold."""
    from leadgraph.terms import NamedNode
    from leadgraph.validation.provenance import expand

    if any(expand(r.focus_node) is None for r in previous):
        return check(store, today)  # a blank node cannot be looked up by name: check everything
    new = [q.triple for g in graphs for q in store.oxigraph.quads_for_pattern(None, None, None, NamedNode(g))]
    touched = {t.subject.value for t in new if isinstance(t.subject, NamedNode)}
    touched |= {s[1:-1] for s, _, _ in old if s.startswith("<")}
    issued = PREFIXES["dcterms"] + "issued"
    sources = {t.subject.value for t in new if t.predicate.value == issued and isinstance(t.subject, NamedNode)}
    sources |= {s[1:-1] for s, p, _ in old if p == issued and s.startswith("<")}
    for source in sources:  # its date moved: every statement citing it is judged again
        for link in ("wasDerivedFrom", "wasQuotedFrom"):
            for t in store.triples(None, NamedNode(PREFIXES["prov"] + link), NamedNode(source)):
                if isinstance(t.subject, NamedNode):
                    touched.add(t.subject.value)
    kept = [r for r in previous if expand(r.focus_node) not in touched]
    return kept + check(store, today, touched)


def _what(what: str) -> str:
    return {"start": "the role starts", "end": "the role ends", "asOf": "the statement is dated"}[what]


def _warning(namer: Namer, node: Any, what: str, value: Literal, message: str, fix: str) -> ValidationResult:
    return ValidationResult(focus_node=namer.describe(node), path=_PATHS[what], message=message, severity="Warning",
                            source_shape=None, value=None, fix=fix)


def _text(value: Literal) -> bool:
    """Whether the literal's text starts with a four-digit year (anything else the shapes report)."""
    return len(value.value) >= 4 and value.value[:4].isdigit()


def _later(value: Literal, than: str) -> bool:
    """Whether ``value`` (a date or a year) is later than the date ``than`` at ``value``'s precision."""
    if not _text(value):
        return False
    if value.datatype is not None and value.datatype.value == _GYEAR:
        return value.value[:4] > than[:4]
    return value.value[:10] > than[:10]


def _before(end: Literal, start: Literal) -> bool:
    """Whether ``end`` is before ``start``, compared at the coarser precision of the two."""
    if not (_text(end) and _text(start)):
        return False
    years = any(v.datatype is not None and v.datatype.value == _GYEAR for v in (end, start))
    return end.value[:4] < start.value[:4] if years else end.value[:10] < start.value[:10]
