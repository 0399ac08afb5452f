"""Corrections and history: which statements are in force on a date, and the graph as it stood then.

Nothing in the graph is ever deleted. A later source ends a role by recording it again with its
end date and ``lg:supersedes`` the earlier statement; it withdraws a claim with an
``lg:Correction`` (``lg:corrects``). This module turns those into dates.

A **dated statement** is a node typed ``org:Membership``, ``lg:Statement`` (or a subclass:
trait attributions, backgrounds, service records, scales, corrections) or ``schema:Quotation``,
and anything another statement supersedes or corrects. Its **claim date** is its ``lg:asOf``,
else the earliest ``dcterms:issued`` of its sources (``prov:wasDerivedFrom`` /
``prov:wasQuotedFrom``). It is **in force on day D** when ``valid_from <= D < valid_until``:

- ``valid_from``: its start date (``org:memberDuring`` / ``time:hasBeginning``) if known; else
  unknown (open) for an earlier role (``lg:current false``: held at some time before the claim);
  else its claim date. A statement of a kind that carries no date of its own (say a qualification
  that something corrects) is open too.
- ``valid_until`` (exclusive), the earliest of: its end date (``time:hasEnd``) if known, else, for
  an earlier role, its claim date (it had ended no later than that); and the **withdrawal date**:
  the date of the earliest statement that supersedes it (that statement's earliest source
  date, else its ``lg:asOf``) or correction that corrects it (the correction's ``lg:asOf``,
  else its source date). A superseding statement or correction with no date at all withdraws
  from the beginning (``0001-01-01``).
- A year (``time:inXSDgYear`` 2019) starts on 1 January; as an end it ends the year (the
  exclusive end is 1 January of the next). A year and month likewise.

:func:`validity` gives every dated statement's :class:`Validity`; :func:`view_as_of` the graph as it
stood on a day: the statements not in force removed with everything hanging off them (their
intervals and instants, blank nodes only they reach, every triple pointing at them), while
undated facts (names, organisations, sources, the ontology) stay. Both read the store with a
few pattern scans and one SPARQL query, so they work on every backend.

>>> import datetime
>>> from leadgraph.loading import load
>>> graph = load()
>>> spans = validity(graph)
>>> spans["https://w3id.org/leadgraph/id/phill-james-role-warrington-halton"].as_attrs()
{'valid_from': '2021-06-23', 'valid_until': ''}
>>> spans["https://w3id.org/leadgraph/id/phill-james-role-rx7"].as_attrs()
{'valid_from': '', 'valid_until': '2021-06-23'}
>>> sorted(not_in_force(graph, "2021-06-23"))      # an earlier role, over by the article's date
['https://w3id.org/leadgraph/id/phill-james-role-rx7']
>>> len(view_as_of(graph, "2020-01-01")) < len(view_as_of(graph, "2021-06-23")) < len(graph)
True
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from leadgraph.errors import UsageError
from leadgraph.loading import LeadGraph, store_of
from leadgraph.namespaces import DCTERMS, LG, ORG, PROV, SCHEMA, TIME
from leadgraph.terms import BlankNode, Literal, NamedNode, id_term, term_id

STATEMENT_CLASSES = ("org:Membership", "lg:Statement", "schema:Quotation")
"""Classes whose instances (subclasses included) are dated statements."""
STATEMENT_CLASS_IRIS = (ORG + "Membership", LG + "Statement", SCHEMA + "Quotation")
"""The same classes as IRIs."""

_SOURCE_LINKS = (PROV + "wasDerivedFrom", PROV + "wasQuotedFrom")
_INSTANTS = (TIME + "inXSDDate", TIME + "inXSDDateTimeStamp", TIME + "inXSDDateTime",
             TIME + "inXSDgYearMonth", TIME + "inXSDgYear")
_BEGINNING_OF_TIME = dt.date.min
_TEMPORAL_LINKS = (ORG + "memberDuring", TIME + "hasBeginning", TIME + "hasEnd", TIME + "hasTime")


def parse_day(value: Any, option: str = "--as-of") -> dt.date:
    """A day from a ``datetime.date`` or an ISO ``YYYY-MM-DD`` text; anything else is a
    :class:`~leadgraph.errors.UsageError` (exit code 2) naming ``option``.

    >>> parse_day("2023-04-01")
    datetime.date(2023, 4, 1)
    >>> parse_day("1 April 2023")
    Traceback (most recent call last):
    ...
    leadgraph.errors.UsageError: --as-of: '1 April 2023' is not a date: write it as YYYY-MM-DD (e.g. 2023-04-01)
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        if len(text) != 10:
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        # Well-formed but impossible (2024-02-30): say why, not only the format it already has.
        why = f" ({exc})" if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else ""
        raise UsageError(f"{option}: {str(value)!r} is not a date{why}: write it as YYYY-MM-DD "
                         f"(e.g. 2023-04-01)") from None


@dataclass(frozen=True)
class Validity:
    """When one statement is in force: ``valid_from <= day < valid_until`` (``None``: open)."""

    statement: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    claimed: dt.date | None = None
    """The claim date: ``lg:asOf``, else the earliest source date."""
    ends: dt.date | None = None
    """Where it ends by its own account (end date, or the claim date of an earlier role)."""
    withdrawn: dt.date | None = None
    """The date a superseding statement or a correction takes it out of force."""
    withdrawn_by: tuple[str, ...] = field(default=())
    """The statements that supersede it and the corrections that correct it."""

    def in_force(self, day: dt.date | str) -> bool:
        day = parse_day(day)
        return ((self.valid_from is None or self.valid_from <= day)
                and (self.valid_until is None or day < self.valid_until))

    def as_attrs(self) -> dict[str, str]:
        """``valid_from`` and ``valid_until`` as ISO dates, ``""`` when open-ended."""
        return {"valid_from": _iso(self.valid_from), "valid_until": _iso(self.valid_until)}


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day is not None else ""


def _day(term: Any, *, end: bool = False) -> dt.date | None:
    """The first day a date literal covers (``end=True``: the day after the last one)."""
    if not isinstance(term, Literal):
        return None
    text = term.value.strip()
    datatype = term.datatype.value.rsplit("#", 1)[-1] if term.datatype is not None else ""
    try:
        if datatype == "gYear" or (len(text) == 4 and text.isdigit()):
            year = int(text[:4])
            return dt.date(year + 1, 1, 1) if end else dt.date(year, 1, 1)
        if datatype == "gYearMonth":
            year, month = int(text[:4]), int(text[5:7])
            if not end:
                return dt.date(year, month, 1)
            return dt.date(year + month // 12, month % 12 + 1, 1)
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None  # not a date validation would accept: the statement stays open on that side


def _scan(store: Any, predicate: str) -> Iterable[tuple[str, Any]]:
    return ((term_id(triple.subject), triple.object) for triple in store.triples(None, NamedNode(predicate), None))


def _earliest(days: Iterable[dt.date | None]) -> dt.date | None:
    known = [d for d in days if d is not None]
    return min(known) if known else None


def _statements(store: Any) -> set[str]:
    """Node ids of the dated statements' instances: typed a class under :data:`STATEMENT_CLASSES`."""
    roots = " ".join(STATEMENT_CLASSES)
    return {term_id(row["s"]) for row in store.select(
        f"SELECT DISTINCT ?s WHERE {{ VALUES ?root {{ {roots} }} ?c rdfs:subClassOf* ?root . ?s a ?c }}")}


def validity(graph: Any = None, *, data: Any = None) -> dict[str, Validity]:
    """Every dated statement's :class:`Validity`, by node id (IRI, or ``_:id``); see the module
    documentation for the rules."""
    store = store_of(graph, data)
    return spans(_statements(store), lambda predicate: _scan(store, predicate))


def spans(statements: set[str], scan: Callable[[str], Iterable[tuple[str, Any]]]) -> dict[str, Validity]:
    """:func:`validity` from what a caller has read already: ``statements`` (the node ids of the
    instances of :data:`STATEMENT_CLASS_IRIS` and their subclasses) and ``scan(predicate)``, every
    (subject's node id, object) of a predicate, the object a Literal or a resource (a term or its
    node id). Only the order of each subject's own objects matters. The projection's index has
    read all of it, so it passes its own look-ups rather than scanning the store again."""
    # Each subject's earliest date is worked out once (a statement, a source: ~200,000 of them
    # nationally), and each distinct date literal parsed once.
    days: dict[Any, dt.date | None] = {}

    def earliest(found: dict[str, list[Any]]) -> dict[str, dt.date | None]:  # subject -> its earliest day
        result = {}
        for s, terms in found.items():
            known = []
            for term in terms:
                day = days.get(term, days)  # `days` itself: not parsed yet
                if day is days:
                    day = days[term] = _day(term)
                if day is not None:
                    known.append(day)
            result[s] = min(known) if known else None
        return result

    as_of = earliest(_grouped(scan(LG + "asOf")))
    issued = earliest(_grouped(scan(DCTERMS + "issued")))
    source_day: dict[str, dt.date | None] = {}
    sources: dict[str, list[str]] = defaultdict(list)
    for link in _SOURCE_LINKS:
        for s, o in scan(link):
            sources[s].append(term_id(o))
    for s, cited in sources.items():
        # The earliest date of all the sources cited: the earliest of each source's earliest.
        source_day[s] = _earliest(issued.get(c) for c in cited)
    current = {s: o.value == "true" for s, o in scan(LG + "current") if isinstance(o, Literal)}

    instant_day: dict[str, Any] = {}
    for unit in _INSTANTS:
        for s, o in scan(unit):
            instant_day.setdefault(s, o)
    bounds: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for which in ("hasBeginning", "hasEnd"):
        for interval, instant in scan(TIME + which):
            bounds[interval][which].append(term_id(instant))
    starts: dict[str, dt.date | None] = {}
    ends: dict[str, dt.date | None] = {}
    for s, interval in scan(ORG + "memberDuring"):
        edges = bounds.get(term_id(interval), {})
        starts[s] = _earliest(_day(instant_day.get(i)) for i in edges.get("hasBeginning", ()))
        ends[s] = _earliest(_day(instant_day.get(i), end=True) for i in edges.get("hasEnd", ()))

    withdrawals: dict[str, list[tuple[dt.date, str]]] = defaultdict(list)
    for newer, older in scan(LG + "supersedes"):
        when = source_day.get(newer) or as_of.get(newer) or _BEGINNING_OF_TIME
        withdrawals[term_id(older)].append((when, newer))
    for correction, claim in scan(LG + "corrects"):
        when = as_of.get(correction) or source_day.get(correction) or _BEGINNING_OF_TIME
        withdrawals[term_id(claim)].append((when, correction))

    result: dict[str, Validity] = {}
    for s in sorted(statements | set(withdrawals)):
        claim = (as_of.get(s) or source_day.get(s)) if s in statements else None
        earlier = current.get(s) is False
        start = starts.get(s)
        if start is None and s in statements and not earlier:
            start = claim
        end = ends.get(s)
        if end is None and earlier:
            end = claim
        taken = sorted(withdrawals[s]) if s in withdrawals else ()
        withdrawn = taken[0][0] if taken else None
        until = end if withdrawn is None else withdrawn if end is None else min(end, withdrawn)
        result[s] = Validity(s, start, until, claim, end, withdrawn, tuple(sorted({w for _, w in taken})))
    return result


def _grouped(pairs: Iterable[tuple[str, Any]]) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = defaultdict(list)
    for s, o in pairs:
        found[s].append(o)
    return found


def not_in_force(graph: Any = None, as_of: Any = None, *, data: Any = None,
                 spans: dict[str, Validity] | None = None) -> set[str]:
    """Node ids of the dated statements not in force on ``as_of``."""
    day = parse_day(as_of)
    spans = spans if spans is not None else validity(graph, data=data)
    return {s for s, v in spans.items() if not v.in_force(day)}


def view_as_of(graph: Any = None, as_of: Any = None, *, data: Any = None) -> LeadGraph:
    """The graph as it stood on ``as_of`` (a ``datetime.date`` or ``YYYY-MM-DD``): a new in-memory
    :class:`~leadgraph.loading.LeadGraph` without the statements not in force that day and
    everything hanging off them (see the module documentation). ``graph`` itself is unchanged.
    ``as_of=None`` gives ``graph`` back as it is (loaded from ``data`` if needed).

    A bad date is a :class:`~leadgraph.errors.UsageError`.
    """
    from leadgraph.store.memory import MemoryStore

    if as_of is None:
        if isinstance(graph, LeadGraph):
            return graph
        if graph is None:
            from leadgraph.loading import load

            return load(data)
        return LeadGraph(store_of(graph), [], [])
    day = parse_day(as_of)
    store = store_of(graph, data)
    if getattr(store, "remote", False):
        # One transfer, then local look-ups: the steps below would each be a request to the server.
        local = MemoryStore()
        local.add(store.triples())
        store = local
    view = MemoryStore()
    gone = {id_term(n) for n in not_in_force(store, day)}
    if gone:
        gone |= _hanging_off(store, gone)
        # Terms hash in the engine: comparing them directly is several times faster than by id.
        view.add(t for t in store.triples() if t.subject not in gone and t.object not in gone)
    else:
        view.add(store.triples())
    paths = (graph.ontology_paths, graph.data_paths) if isinstance(graph, LeadGraph) else ([], [])
    return LeadGraph(view, *paths)


def _hanging_off(store: Any, gone: set[Any]) -> set[Any]:
    """Intervals, instants and blank nodes that only removed nodes reach (followed transitively):
    what a removed node links to through ``org:memberDuring``, ``time:hasBeginning``,
    ``time:hasEnd`` or ``time:hasTime``, or any blank node, once nothing else refers to it."""
    removed = set(gone)
    found: set[Any] = set()
    frontier = list(gone)
    while frontier:
        node = frontier.pop()
        for t in store.triples(node, None, None):
            o = t.object
            if o in removed or not (t.predicate.value in _TEMPORAL_LINKS or isinstance(o, BlankNode)):
                continue
            if all(r.subject in removed for r in store.triples(None, None, o)):
                removed.add(o)
                found.add(o)
                frontier.append(o)
    return found
