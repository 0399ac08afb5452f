"""Mentoring matches: people who could mentor a person, by what the sources say about both.

:func:`mentors` compares one person with everyone else on four things the data records, each
reason carrying the fact behind it (its source and date):

- ``service``: the sources give them more years of service (lg:ServiceRecord) than the person
  (only when the data records the person's service too: unknown is not fewer);
- ``role group``: they currently hold a role in a role group the person's current roles are in
  (with the start dates when the data has them);
- ``traits``: traits a source attributes to them and to the person not at all;
- ``region`` / ``programme``: an NHS England region, ICB area or programme both are tied to.

Candidates are ranked by how many of these kinds of reason apply, then by how many traits they
add, then by the difference in years, then by name. The reasons describe the data; nothing in
them rates anyone, and a missing reason often means only that no source says so.

>>> from leadgraph.loading import load
>>> found = mentors(load(), "Charlee Martin", top=2)
>>> [(m["label"], [r["kind"] for r in m["reasons"]]) for m in found["mentors"]]
[('Garry Harris', ['service', 'traits', 'region']), ('Phill James', ['service', 'traits', 'region'])]
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from leadgraph.errors import UsageError
from leadgraph.loading import store_of
from leadgraph.terms import literal_value, term_id

DEFAULT_TOP = 5
"""How many people :func:`mentors` lists unless told otherwise."""
REASONS: tuple[str, ...] = ("service", "role group", "traits", "region", "programme")
"""The kinds of reason, in the order a row lists them."""

_SERVICE = """
SELECT ?s ?p ?years ?asOf ?src WHERE {
  ?s lg:person ?p ; lg:years ?years .
  OPTIONAL { ?s lg:asOf ?asOf }
  OPTIONAL { ?s prov:wasDerivedFrom ?src }
}
"""
def mentors(graph: Any, person: str, *, top: int = DEFAULT_TOP, data: Any = None, ties: Any = None) -> dict[str, Any]:
    """Who could mentor ``person`` (a name, variant or IRI), by what the sources say: at most
    ``top`` people (0: everyone with a reason), ranked as the module documentation says.

    Returns ``{"person", "label", "mentors"}``; each mentor is ``{"rank", "person", "label",
    "reasons"}`` and each reason ``{"kind", "text", "source", "source_title", "date"}``,
    ``text`` saying what the data records (e.g. "32 years of service as of 2021-06-23, to
    Charlee Martin's 5").
    """
    if isinstance(top, bool) or not isinstance(top, int) or top < 0:
        raise UsageError(f"top must be a whole number of at least 0 (0: everyone), not {top!r}")
    from leadgraph.network.communities import _reach
    from leadgraph.network.ties import person_named
    from leadgraph.network.ties import ties as read_ties

    store = store_of(graph, data)
    found = ties if ties is not None else read_ties(store)
    me = person_named(found, store, person, "person")
    people = set(found.people)

    service: dict[str, tuple[int, str, str]] = {}  # person -> (years, as of, source): the longest record
    for row in store.select(_SERVICE):
        who = term_id(row["p"])
        if who in people:
            years = int(literal_value(row["years"]))
            held = (years, _text(row.get("asOf")), _text(row.get("src")))
            if who not in service or held[0] > service[who][0]:
                service[who] = held
    roles = _current_roles_in_groups_of(store, me, people)
    traits: dict[str, dict[str, Any]] = defaultdict(dict)
    for fact in found.facts:
        if fact.relation == "has trait":
            traits[fact.a].setdefault(fact.b, fact)
    network = found.graph(("organisation", "programme", "region"))
    reach = _reach(network)
    mine = reach.get(me, set())
    # NHS England regions and ICB areas (from ODS) are the shared geography; the places inside
    # them are too fine-grained to be a reason of their own.
    areas = {f.b for f in found.facts if f.relation in ("in NHS England region", "in ICB area")}

    from leadgraph.network.analytics import _Labeller

    labeller = _Labeller(store)
    labeller.prime({g for held in roles.values() for g in held})

    def label(node: str) -> str:
        return found.label.get(node) or labeller(node)

    def reason(kind: str, text: str, source: str, date: str = "") -> dict[str, str]:
        return {"kind": kind, "text": text, "source": source, "source_title": found.source_title.get(source, ""),
                "date": date or found.source_date.get(source, "")}

    candidates = []
    for other in found.people:
        if other == me:
            continue
        reasons = []
        if other in service and me in service and service[other][0] > service[me][0]:
            years, as_of, source = service[other]
            reasons.append(reason("service", f"{years} years of service" + (f" as of {as_of}" if as_of else "")
                                  + f", to {label(me)}'s {service[me][0]}", source, as_of))
        for group in sorted(set(roles.get(other, {})) & set(roles.get(me, {})), key=label):
            held = sorted(roles[other][group], key=lambda r: (r["start"] or "9999", r["title"]))[0]
            what = held["title"] or label(group)
            since = f" since {held['start']}" if held["start"] else ""
            own = min((r["start"] for r in roles[me][group] if r["start"]), default="")
            if held["start"] and own and held["start"] < own:
                since += f" ({label(me)}: since {own})"
            where = f" at {label(held['where'])}" if held["where"] else ""
            reasons.append(reason("role group", f"also holds a {label(group)}: {what}{where}{since}", held["source"],
                                  held["start"]))
        extra = [traits[other][t] for t in sorted(set(traits.get(other, {})) - set(traits.get(me, {})), key=label)]
        if extra:
            # One reason, citing every source behind it (each once, in the traits' order).
            sources = list(dict.fromkeys(f.source for f in extra))
            reasons.append({
                "kind": "traits",
                "text": "attributed " + ", ".join(label(f.b) for f in extra)
                        + f", which no source attributes to {label(me)}",
                "source": "; ".join(sources),
                "source_title": "; ".join(found.source_title.get(s, "") for s in sources),
                "date": "; ".join(found.source_date.get(s, "") for s in sources)})
        shared = sorted(reach.get(other, set()) & mine, key=lambda n: (label(n), n))
        for kind in ("region", "programme"):
            tied = [n for n in shared if found.kind[n] == kind and (kind == "programme" or n in areas)]
            for node in tied:  # cited by the other person's own tie that leads there
                near = min((n for n in network[other] if n == node or network.has_edge(n, node)),
                           key=lambda n: (label(n), n))
                fact = network[other][near]["facts"][0]
                through = "" if near == node else f" through {label(near)}"
                reasons.append(reason(kind, f"also tied to {label(node)}{through}", fact.source, fact.date))
        if reasons:
            kinds = {r["kind"] for r in reasons}
            gap = service.get(other, (0,))[0] - service.get(me, (0,))[0]
            candidates.append(((-len(kinds), -len(extra), -gap, label(other), other), other, reasons))
    candidates.sort(key=lambda c: c[0])
    chosen = candidates[:top] if top else candidates
    return {"person": me, "label": label(me), "mentors": [
        {"rank": i, "person": other, "label": label(other), "reasons": reasons}
        for i, (_, other, reasons) in enumerate(chosen, 1)]}


def no_mentor_text(found: dict[str, Any]) -> str:
    """What to say when :func:`mentors` found nobody."""
    return f"No one in the data has a recorded reason (service, role group, traits, region, programme) " \
           f"to be listed for {found['label']}.\n"


def mentor_rows(found: dict[str, Any]) -> list[dict[str, Any]]:
    """:func:`mentors`' answer as flat rows, one a reason."""
    return [{"rank": m["rank"], "mentor": m["person"], "mentor_label": m["label"], "for": found["person"],
             "for_label": found["label"], **r} for m in found["mentors"] for r in m["reasons"]]


def _current_roles_in_groups_of(store: Any, me: str, people: set[str]) -> dict[str, dict[str, list[dict[str, str]]]]:
    """person -> role group -> their current roles in it, for the role groups ``me`` currently
    holds a role in. Pattern scans from ``me`` outwards: the work follows the roles in those
    groups, not the size of the graph."""
    from leadgraph.namespaces import LG, ORG, PROV, RDF, SKOS, TIME
    from leadgraph.terms import NamedNode, id_term

    def one(subject: Any, predicate: str) -> Any:
        return next((t.object for t in store.triples(subject, NamedNode(predicate), None)), None)

    def groups_of(role: Any) -> list[Any]:
        return [t.object for t in store.triples(role, NamedNode(SKOS + "broader"), None)
                if any(True for _ in store.triples(t.object, NamedNode(RDF + "type"), NamedNode(LG + "RoleGroup")))]

    def current(membership: Any) -> bool:
        flag = one(membership, LG + "current")
        period = one(membership, ORG + "memberDuring")
        ended = period is not None and one(period, TIME + "hasEnd") is not None
        return not ended and (flag is None or literal_value(flag) is not False)

    mine = {g for t in store.triples(None, NamedNode(ORG + "member"), id_term(me)) if current(t.subject)
            for r in store.triples(t.subject, NamedNode(ORG + "role"), None) for g in groups_of(r.object)}
    found: dict[str, dict[str, list[dict[str, str]]]] = defaultdict(lambda: defaultdict(list))
    for group in mine:
        for role in store.triples(None, NamedNode(SKOS + "broader"), group):
            for held in store.triples(None, NamedNode(ORG + "role"), role.subject):
                membership = held.subject
                who = one(membership, ORG + "member")
                if who is None or term_id(who) not in people or not current(membership):
                    continue
                period = one(membership, ORG + "memberDuring")
                began = one(period, TIME + "hasBeginning") if period is not None else None
                start = one(began, TIME + "inXSDDate") if began is not None else None
                found[term_id(who)][term_id(group)].append({
                    "title": _text(one(membership, LG + "jobTitle")), "where": _text(one(membership, ORG + "organization")),
                    "start": _text(start), "source": _text(one(membership, PROV + "wasDerivedFrom"))})
    return found


def _text(term: Any) -> str:
    if term is None:
        return ""
    value = literal_value(term) if hasattr(term, "datatype") else term_id(term)
    return str(value)
