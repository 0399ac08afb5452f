"""Coverage: for each NHS England region, ICB and trust, whether a leader of a role group is known.

:func:`coverage` counts the open NHS trusts in England of the reference layer (trusts with an
NHS England region and an ICB in ODS, and no dissolution date; the three Welsh trusts have no
region) and, for each, the people the data says currently hold a role of the role group there
(a role whose skos:broader is the group; current unless lg:current is false or the role has an
end date): who, their job title, since when (the role's start date, else the date the source
states it "as of"), and the source (title and date). Regions and ICBs add up their trusts and
give the share covered, and list apart the leaders at organisations in their area that are not
trusts (the ICB itself, a place-based partnership serving places in the ICB's area). A trust with nobody known is "not known", never "has none": the data
describes what sources say, and a source may simply not exist yet.

>>> from leadgraph.loading import load
>>> found = coverage(load(), by="region", role_group="cio")
>>> found["trusts"], found["covered"], found["role_group_label"]
(202, 2, 'CIO-type role')
>>> [(a["label"], a["covered"], a["trusts"]) for a in found["areas"] if a["covered"]]
[('NHS England North West', 2, 31)]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from leadgraph.errors import UsageError
from leadgraph.loading import store_of
from leadgraph.terms import Literal, literal_value, term_id

BY: tuple[str, ...] = ("region", "icb", "trust")
"""The levels :func:`coverage` reports at."""

_TRUSTS = """
SELECT ?t ?code ?icb ?region WHERE {
  ?t lg:nhsRegion ?region ; lg:icb ?icb ; lg:odsCode ?code .
  ?t a/rdfs:subClassOf* lg:NHSTrust .
  FILTER NOT EXISTS { ?t schema:dissolutionDate ?closed }
}
"""
_GROUPS = """
SELECT DISTINCT ?g WHERE { ?g a lg:RoleGroup }
"""
_LEADERS = """
SELECT ?m ?p ?o ?role ?g ?title ?start ?asOf ?current ?ended ?src WHERE {
  ?m org:member ?p ; org:organization ?o ; org:role ?role .
  ?role skos:broader ?g .
  ?g a lg:RoleGroup .
  OPTIONAL { ?m lg:jobTitle ?title }
  OPTIONAL { ?m org:memberDuring/time:hasBeginning/time:inXSDDate ?start }
  OPTIONAL { ?m lg:asOf ?asOf }
  OPTIONAL { ?m lg:current ?current }
  OPTIONAL { ?m org:memberDuring/time:hasEnd ?ended }
  OPTIONAL { ?m prov:wasDerivedFrom ?src }
}
"""
# Organisations that are not trusts but lie in an ICB's or region's area: the ICBs and regions
# themselves, and organisations without an ODS region whose places lie in an ICB's area.
_AREA_BODIES = """
SELECT DISTINCT ?o ?area WHERE {
  { VALUES ?c { lg:IntegratedCareBoard lg:NHSEnglandRegion } ?o a ?c . BIND(?o AS ?area) }
  UNION { ?o a lg:IntegratedCareBoard ; lg:nhsRegion ?area }
  UNION {
    ?o lg:servesArea/skos:broader*/lg:inAreaOf ?area .
    FILTER NOT EXISTS { ?o lg:nhsRegion ?odsRegion }
  }
}
"""
_SOURCE_DATES = """
SELECT ?s ?d WHERE { VALUES ?p { dcterms:issued dcterms:date } ?s ?p ?d }
"""


def role_groups(graph: Any = None, *, data: Any = None) -> dict[str, str]:
    """Every role group: IRI -> label, in label order.

    >>> from leadgraph.loading import load
    >>> list(role_groups(load()).values())[:2]
    ['CIO-type role', 'Chief technology or data officer role']
    """
    from leadgraph.network.analytics import _Labeller

    store = store_of(graph, data)
    groups = [term_id(r["g"]) for r in store.select(_GROUPS)]
    labeller = _Labeller(store)
    labeller.prime(groups)
    return dict(sorted(((g, labeller(g)) for g in groups), key=lambda item: (item[1], item[0])))


def resolve_role_group(name: str, groups: dict[str, str]) -> str:
    """The role group ``name`` means: a key such as ``cio`` (the IRI's end after "rolegroup-"),
    a prefixed name or IRI, or a label, any case. Unknown: a :class:`UsageError` listing them.

    >>> resolve_role_group("CIO", {"https://w3id.org/leadgraph/id/rolegroup-cio": "CIO-type role"}).rsplit("/", 1)[1]
    'rolegroup-cio'
    """
    from leadgraph.lookup import as_iri, normal

    wanted = as_iri(name) or ""
    for iri, label in groups.items():
        key = iri.rsplit("/", 1)[-1].removeprefix("rolegroup-")
        if iri == wanted or normal(key) == normal(name) or normal(label) == normal(name):
            return iri
    choices = ", ".join(iri.rsplit("/", 1)[-1].removeprefix("rolegroup-") for iri in groups)
    raise UsageError(f"unknown role group {name!r} (choose from {choices or 'none: the data has no role groups'})")


def coverage(graph: Any = None, by: str = "region", role_group: str | None = None, *,
             data: Any = None) -> dict[str, Any]:
    """Who leads where, for ``role_group`` (a name :func:`resolve_role_group` accepts; None:
    any role group, i.e. any known digital leader), at the level ``by`` (region, icb, trust).

    Returns a dict: ``by``, ``role_group`` and ``role_group_label`` ("" and "any role group"
    when none is given), ``trusts`` (open trusts in England), ``covered`` (those with at least
    one known leader), ``share`` (covered / trusts, rounded to 4 places), and ``areas``: one
    dict per region, ICB or trust, in label order (trusts: by region, ICB, then label), with
    ``area``, ``label``, ``kind``, ``region``/``region_label`` and ``icb``/``icb_label``
    (where they apply), ``ods_code``, ``trusts``, ``covered``, ``share`` and ``leaders``: one
    dict per person and role (``person``, ``label``, ``job_title``, ``role_label``,
    ``organisation``, ``organisation_label``, ``since``, ``as_of``, ``statement``,
    ``source``, ``source_title``, ``source_date``), by label; and, for regions and ICBs,
    ``other_leaders`` in the same form: leaders at organisations in the area that are not
    trusts (the ICB or region itself; a place-based partnership whose places lie in the ICB's
    area). They count for no trust.
    """
    if by not in BY:
        raise UsageError(f"unknown level {by!r} (choose from {', '.join(BY)})")
    return _reader(store_of(graph, data), role_group)(by)


def _reader(store: Any, role_group: str | None) -> Callable[[str], dict[str, Any]]:
    """Read the store for :func:`coverage` once; the function returned gives its answer at each
    level (``by``), so :func:`coverage_tree` pays the queries once for its three levels."""
    from leadgraph.network.analytics import _Labeller

    groups = role_groups(store)
    group = resolve_role_group(role_group, groups) if role_group is not None else None

    trusts: dict[str, tuple[str, str, str]] = {}
    for row in store.select(_TRUSTS):
        trusts[term_id(row["t"])] = (str(literal_value(row["code"])), term_id(row["icb"]), term_id(row["region"]))

    bodies: dict[str, set[str]] = defaultdict(set)  # a non-trust organisation -> the ICBs and regions it lies in
    region_of_icb = {icb: region for _, icb, region in trusts.values()}
    for row in store.select(_AREA_BODIES):
        body, where = term_id(row["o"]), term_id(row["area"])
        if body not in trusts:
            bodies[body].update({where, region_of_icb[where]} if where in region_of_icb else {where})

    leaders: dict[str, dict[tuple[str, str], dict[str, Any]]] = defaultdict(dict)
    for row in store.select(_LEADERS):
        where = term_id(row["o"])
        if (where not in trusts and where not in bodies) or (group is not None and term_id(row["g"]) != group):
            continue
        if row.get("ended") is not None or (row.get("current") is not None
                                            and literal_value(row["current"]) is False):
            continue
        person, statement = term_id(row["p"]), term_id(row["m"])
        entry = leaders[where].setdefault((person, statement), {
            "person": person, "job_title": _text(row.get("title")), "role": term_id(row["role"]),
            "organisation": where, "since": _text(row.get("start")), "as_of": _text(row.get("asOf")),
            "statement": statement, "source": _text(row.get("src")),
        })
        entry.setdefault("roles", set()).add(term_id(row["role"]))

    labeller = _Labeller(store)
    people = {e["person"] for found in leaders.values() for e in found.values()}
    sources = {e["source"] for found in leaders.values() for e in found.values() if e["source"]}
    roles = {r for found in leaders.values() for e in found.values() for r in e["roles"]}
    areas = {a for t in trusts.values() for a in t[1:]}
    labeller.prime([*trusts, *areas, *bodies, *people, *sources, *roles])
    dates: dict[str, str] = {}
    if sources:
        for row in store.select(_SOURCE_DATES):
            source = term_id(row["s"])
            if source in sources:
                dates.setdefault(source, _text(row["d"]))

    def leader_rows(trust: str) -> list[dict[str, Any]]:
        rows = []
        for e in leaders.get(trust, {}).values():
            rows.append({
                "person": e["person"], "label": labeller(e["person"]), "job_title": e["job_title"],
                "role_label": "; ".join(sorted(labeller(r) for r in e["roles"])),
                "organisation": trust, "organisation_label": labeller(trust), "since": e["since"],
                "as_of": e["as_of"], "statement": e["statement"], "source": e["source"],
                "source_title": labeller(e["source"]) if e["source"] else "",
                "source_date": dates.get(e["source"], ""),
            })
        rows.sort(key=lambda r: (r["label"], r["person"], r["statement"]))
        return rows

    in_area: dict[str, list[str]] = defaultdict(list)
    for body, where in bodies.items():
        if leaders.get(body):
            for node in where:
                in_area[node].append(body)

    def area(node: str, kind: str, members: list[str], **extra: Any) -> dict[str, Any]:
        found = [r for t in members for r in leader_rows(t)]
        covered = sum(1 for t in members if leaders.get(t))
        found.sort(key=lambda r: (r["label"], r["organisation_label"], r["statement"]))
        others = [r for body in in_area.get(node, ()) for r in leader_rows(body)] if kind != "trust" else []
        others.sort(key=lambda r: (r["label"], r["organisation_label"], r["statement"]))
        return {"area": node, "label": labeller(node), "kind": kind, **extra, "trusts": len(members),
                "covered": covered, "share": _share(covered, len(members)), "leaders": found,
                "other_leaders": others}

    def report(by: str) -> dict[str, Any]:
        result: list[dict[str, Any]] = []
        if by == "trust":
            for trust, (code, icb, region) in trusts.items():
                result.append(area(trust, "trust", [trust], region=region, region_label=labeller(region), icb=icb,
                                   icb_label=labeller(icb), ods_code=code))
            result.sort(key=lambda a: (a["region_label"], a["icb_label"], a["label"], a["area"]))
        else:
            members: dict[str, list[str]] = defaultdict(list)
            region_of: dict[str, str] = {}
            for trust, (_, icb, region) in trusts.items():
                members[icb if by == "icb" else region].append(trust)
                region_of[icb] = region
            for node, held in members.items():
                extra = {"region": region_of[node], "region_label": labeller(region_of[node])} if by == "icb" else {}
                result.append(area(node, by, sorted(held), **extra))
            result.sort(key=lambda a: (a.get("region_label", ""), a["label"], a["area"]))
        covered = sum(1 for t in trusts if leaders.get(t))
        return {
            "by": by, "role_group": group or "", "role_group_label": groups.get(group, "") if group else "any role group",
            "trusts": len(trusts), "covered": covered, "share": _share(covered, len(trusts)), "areas": result,
        }

    return report


def coverage_tree(graph: Any = None, role_group: str | None = None, *, data: Any = None) -> dict[str, Any]:
    """England -> regions -> ICBs -> trusts in one nested dict, for a picture that drills down
    (a treemap or sunburst). Every level has ``area``, ``label``, ``kind`` (england, region,
    icb, trust), ``trusts``, ``covered``, ``share`` and ``children`` (in label order); trusts
    have ``ods_code`` and ``leaders`` as :func:`coverage` gives them; regions and ICBs have
    ``other_leaders`` as :func:`coverage` gives them. ``role_group`` is as for :func:`coverage`.

    >>> from leadgraph.loading import load
    >>> tree = coverage_tree(load(), "cio")
    >>> tree["trusts"], tree["covered"], [r["label"] for r in tree["children"]][:2]
    (202, 2, ['NHS England East of England', 'NHS England London'])
    >>> north_west = tree["children"][4]
    >>> [(i["label"], i["covered"]) for i in north_west["children"] if i["covered"]]
    [('NHS Cheshire and Merseyside Integrated Care Board', 1), ('NHS Lancashire and South Cumbria Integrated Care Board', 1)]
    """
    report = _reader(store_of(graph, data), role_group)
    by_trust = report("trust")
    regions = {a["area"]: a for a in report("region")["areas"]}
    icbs = {a["area"]: a for a in report("icb")["areas"]}

    def node(a: dict[str, Any], kind: str) -> dict[str, Any]:
        keep = ("area", "label", "trusts", "covered", "share", "ods_code", "leaders", "other_leaders")
        return {**{k: a[k] for k in keep if k in a}, "kind": kind, "children": []}

    tree = {"area": "", "label": "England", "kind": "england", "trusts": by_trust["trusts"],
            "covered": by_trust["covered"], "share": by_trust["share"], "role_group": by_trust["role_group"],
            "role_group_label": by_trust["role_group_label"], "children": []}
    region_nodes = {r: node(a, "region") for r, a in regions.items()}
    icb_nodes = {i: node(a, "icb") for i, a in icbs.items()}
    for region in sorted(region_nodes, key=lambda r: (regions[r]["label"], r)):
        tree["children"].append(region_nodes[region])
    for icb in sorted(icb_nodes, key=lambda i: (icbs[i]["label"], i)):
        region_nodes[icbs[icb]["region"]]["children"].append(icb_nodes[icb])
    for trust in sorted(by_trust["areas"], key=lambda a: (a["label"], a["area"])):
        icb_nodes[trust["icb"]]["children"].append({**node(trust, "trust"), "children": []})
    return tree


def coverage_rows(found: dict[str, Any]) -> list[dict[str, Any]]:
    """:func:`coverage`'s answer as flat rows: one per area (lists of leaders joined by the
    :class:`~leadgraph.network.analytics.Analysis` formats), then an "England" total row."""
    rows = []
    for a in found["areas"]:
        leaders = a["leaders"]
        rows.append({
            "area": a["area"], "label": a["label"], "kind": a["kind"],
            "region_label": a.get("region_label", ""), "icb_label": a.get("icb_label", ""),
            "ods_code": a.get("ods_code", ""), "trusts": a["trusts"], "covered": a["covered"],
            "share": a["share"], "leader_labels": [_who(r) for r in leaders],
            "since": [r["since"] or (f"as of {r['as_of']}" if r["as_of"] else "") for r in leaders],
            "sources": sorted({f"{r['source_title']} ({r['source_date']})" if r["source_date"] else r["source_title"]
                               for r in leaders if r["source_title"]}),
            "people": [r["person"] for r in leaders],
            "other_leader_labels": [_who(r) for r in a["other_leaders"]],
        })
    rows.append({"area": "", "label": "England", "kind": "total", "region_label": "", "icb_label": "",
                 "ods_code": "", "trusts": found["trusts"], "covered": found["covered"], "share": found["share"],
                 "leader_labels": [], "since": [], "sources": [], "people": [], "other_leader_labels": []})
    return rows


def coverage_columns(by: str) -> list[str]:
    """The columns a coverage table shows at level ``by``."""
    if by == "trust":
        return ["region_label", "icb_label", "label", "ods_code", "covered", "leader_labels", "since", "sources"]
    if by == "icb":
        return ["region_label", "label", "trusts", "covered", "share", "leader_labels", "other_leader_labels"]
    return ["label", "trusts", "covered", "share", "leader_labels", "other_leader_labels"]


def _who(row: dict[str, Any]) -> str:
    title = row["job_title"] or row["role_label"]
    where = row["organisation_label"]
    return f"{row['label']} ({title}, {where})" if title else f"{row['label']} ({where})"


def _share(covered: int, total: int) -> float:
    return round(covered / total, 4) if total else 0.0


def _text(term: Any) -> str:
    if term is None:
        return ""
    return str(literal_value(term)) if isinstance(term, Literal) else term_id(term)
