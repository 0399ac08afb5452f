"""Checks SHACL cannot say well, for the mistakes that silently lose data.

Run after the shapes by :func:`leadgraph.validation.validate` whichever engine ran, on any store:

- **closed vocabulary**: a class or property in the project's namespaces (``lg:``, and ``lgd:``
  used as one) that the ontology does not declare is an error, with the closest declared terms
  (``lg:jobtitle``: did you mean ``lg:jobTitle``?). What counts as declared is read from the
  ontology files alone, so data cannot declare its own typo into existence;
- **dangling references**: an ``lgd:`` IRI used as a value that nothing in the loaded graph
  (ontology, reference layer, data) describes is an error, with the closest described IRIs;
- **concept schemes**: a concept (an instance of a subclass of ``skos:Concept``) that the data
  uses but that is in no ``skos:inScheme`` is an error;
- **ODS codes**: a code the reference layer (``ontology/ods.ttl``) does not know is a warning (the
  organisation may be real but outside NHS trusts, ICBs and regions); a code two organisations
  claim is an error;
- **people recorded twice**: two person IRIs with the same name (ignoring case, accents and
  punctuation) and a role at the same organisation are a warning.

Each check returns :class:`~leadgraph.validation.report.ValidationResult` values with a fix. Only
the terms a check reads are queried; user values never enter query text (the few IRIs placed in
queries come from the ontology and are checked to be IRIs first).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from functools import lru_cache
from typing import Any

from leadgraph import resources
from leadgraph.labels import compact
from leadgraph.namespaces import LG, LGD, ORG, OWL, RDF, RDFS, SKOS
from leadgraph.terms import Literal, NamedNode
from leadgraph.validation.engine import Namer
from leadgraph.validation.report import ValidationResult

VERSION = 1
"""Bumped when the checks change, so reports kept on disk are redone."""

NAMESPACES = (LG, LGD)
"""Namespaces whose classes and properties must be declared by the ontology."""

_CLASS_TYPES = {RDFS + "Class", OWL + "Class"}
_PROPERTY_TYPES = {RDF + "Property", OWL + "ObjectProperty", OWL + "DatatypeProperty", OWL + "AnnotationProperty",
                   OWL + "FunctionalProperty", OWL + "TransitiveProperty", OWL + "SymmetricProperty",
                   OWL + "InverseFunctionalProperty"}
_ODS_CODE = re.compile(r"^[A-Z0-9]{3,5}$")
_IRI_SAFE = re.compile(r"^[^\s<>\"{}|^`\\]+$")


class Ontology:
    """What the ontology files (not the data) declare: classes, properties, ODS codes."""

    def __init__(self, classes: set[str], properties: set[str], ods: dict[str, set[str]], concept_classes: set[str],
                 names: dict[str, str]):
        self.classes, self.properties, self.ods, self.concept_classes = classes, properties, ods, concept_classes
        self.names = names  # ODS code -> the reference organisation's label

    @classmethod
    @lru_cache(maxsize=4)
    def read(cls, stamp: tuple = ()) -> Ontology:
        from leadgraph.loading import load_files

        store = load_files(resources.ontology_files()).store
        classes: set[str] = set()
        properties: set[str] = set()
        supers: dict[str, set[str]] = defaultdict(set)
        for t in store.triples(None, NamedNode(RDF + "type"), None):
            if isinstance(t.subject, NamedNode) and isinstance(t.object, NamedNode):
                if t.object.value in _CLASS_TYPES:
                    classes.add(t.subject.value)
                elif t.object.value in _PROPERTY_TYPES:
                    properties.add(t.subject.value)
        for t in store.triples(None, NamedNode(RDFS + "subClassOf"), None):
            for term in (t.subject, t.object):
                if isinstance(term, NamedNode):
                    classes.add(term.value)
            if isinstance(t.subject, NamedNode) and isinstance(t.object, NamedNode):
                supers[t.object.value].add(t.subject.value)
        for link in ("subPropertyOf", "domain", "range"):
            for t in store.triples(None, NamedNode(RDFS + link), None):
                if isinstance(t.subject, NamedNode):
                    properties.add(t.subject.value)
        ods: dict[str, set[str]] = defaultdict(set)
        names: dict[str, str] = {}
        for t in store.triples(None, NamedNode(LG + "odsCode"), None):
            if isinstance(t.object, Literal) and isinstance(t.subject, NamedNode):
                ods[t.object.value].add(t.subject.value)
                label = next((x.object.value for x in store.triples(t.subject, NamedNode(RDFS + "label"), None)), None)
                if label:
                    names.setdefault(t.object.value, label)
        concept_classes, todo = set(), [SKOS + "Concept"]
        while todo:
            klass = todo.pop()
            if klass not in concept_classes:
                concept_classes.add(klass)
                todo.extend(supers.get(klass, ()))
        return cls(classes, properties, dict(ods), concept_classes, names)

    @classmethod
    def bundled(cls) -> Ontology:
        """Read once per process (again if an ontology file changes)."""
        stamp = tuple((str(p), p.stat().st_mtime_ns) for p in resources.ontology_files())
        return cls.read(stamp)


def stamp() -> str:
    """A digest of the ontology files: what kept integrity results were checked against."""
    import hashlib

    digest = hashlib.sha256()
    for path in resources.ontology_files():
        digest.update(path.read_bytes())
    return digest.hexdigest()


def run(store: Any) -> list[ValidationResult]:
    """Every check on ``store``."""
    ontology, namer = Ontology.bundled(), Namer(store)
    found: list[ValidationResult] = []
    for check in (closed_vocabulary, dangling_references, concept_schemes, ods_codes, people_twice):
        found.extend(check(store, ontology, namer))
    return found


def _problem(namer: Namer, node: Any, path: str | None, message: str, fix: str, *, severity: str = "Violation",
             value: Any = None) -> ValidationResult:
    return ValidationResult(focus_node=namer.describe(node), path=path, message=message, severity=severity,
                            source_shape=None, value=namer.value(value) if value is not None else None, fix=fix)


def _ours(iri: str) -> bool:
    return iri.startswith(NAMESPACES)


def _did_you_mean(iri: str, choices: set[str], *, limit: int = 3) -> list[str]:
    """Closest IRIs in ``iri``'s namespace, compared by local name ignoring case."""
    from rapidfuzz import fuzz, process, utils

    namespace = LG if iri.startswith(LG) else LGD
    local = iri[len(namespace):]
    pool = {c[len(namespace):]: c for c in sorted(choices) if c.startswith(namespace)}  # sorted: ties stay put
    exact = [c for name, c in pool.items() if name.lower() == local.lower()]
    if exact:
        return exact
    stem = local.split("-", 1)[0] + "-" if "-" in local else None
    if stem:  # lgd:trait-listning: another trait first
        narrowed = {n: c for n, c in pool.items() if n.startswith(stem)}
        pool = narrowed or pool
    found = process.extract(local, list(pool), scorer=fuzz.ratio, processor=utils.default_process,
                            limit=limit, score_cutoff=70)
    return [pool[name] for name, _score, _index in found]


def _suggestion(found: list[str]) -> str:
    return " (did you mean " + " or ".join(compact(f) for f in found) + "?)" if found else ""


def closed_vocabulary(store: Any, ontology: Ontology, namer: Namer) -> list[ValidationResult]:
    """Undeclared classes and properties in the project namespaces, once per use (subject)."""
    out: list[ValidationResult] = []
    rdf_type = NamedNode(RDF + "type")
    used_properties = [r["p"] for r in store.select("SELECT DISTINCT ?p WHERE { ?s ?p ?o }")]
    for prop in used_properties:
        if not isinstance(prop, NamedNode) or not _ours(prop.value) or prop.value in ontology.properties:
            continue
        near = _did_you_mean(prop.value, ontology.properties)
        role = " (a class, not a property)" if prop.value in ontology.classes else ""
        fix = (f"write {compact(near[0])}" if near else
               "use a property the ontology declares (docs/ontology.md), or propose one for ontology/leadgraph.ttl")
        for t in store.triples(None, prop, None):
            out.append(_problem(namer, t.subject, compact(prop.value),
                                f"{compact(prop.value)} is not a property the ontology declares{role}{_suggestion(near)}",
                                fix))
    used_classes = [r["c"] for r in store.select("SELECT DISTINCT ?c WHERE { ?s a ?c }")]
    for klass in used_classes:
        if not isinstance(klass, NamedNode) or not _ours(klass.value) or klass.value in ontology.classes:
            continue
        near = _did_you_mean(klass.value, ontology.classes)
        fix = (f"write a {compact(near[0])}" if near else
               "use a class the ontology declares (docs/ontology.md), or propose one for ontology/leadgraph.ttl")
        for t in store.triples(None, rdf_type, klass):
            out.append(_problem(namer, t.subject, "rdf:type",
                                f"{compact(klass.value)} is not a class the ontology declares{_suggestion(near)}",
                                fix, value=klass))
    return out


_DANGLING = f"""
SELECT ?s ?p ?o WHERE {{
  ?s ?p ?o .
  FILTER(isIRI(?o) && STRSTARTS(STR(?o), "{LGD}") && ?p != <{RDF}type> && ?p != <{OWL}sameAs>)
  FILTER NOT EXISTS {{ ?o ?q ?x }}
}}"""

# A merged-away IRI (``owl:sameAs`` on the survivor, see leadgraph.merging) is meant to be
# described by nothing any more: naming it is history, not a dangling reference.
_NOT_REFERENCES = {RDF + "type", OWL + "sameAs"}

_DESCRIBED = f"""SELECT DISTINCT ?s WHERE {{ ?s ?p ?o . FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{LGD}")) }}"""


def dangling_references(store: Any, ontology: Ontology, namer: Namer) -> list[ValidationResult]:
    """Values naming an ``lgd:`` node that nothing describes (a misspelt trait, organisation...)."""
    rows = store.select(_DANGLING)
    if not rows:
        return []
    described = {r["s"].value for r in store.select(_DESCRIBED)}
    near_cache: dict[str, list[str]] = {}
    return [_dangling(store, namer, r["s"], r["p"], r["o"], described, near_cache) for r in rows]


def _dangling(store: Any, namer: Namer, subject: Any, predicate: Any, target: Any, described: set[str] | None = None,
              near_cache: dict[str, list[str]] | None = None) -> ValidationResult:
    near_cache = {} if near_cache is None else near_cache
    if target.value not in near_cache:
        if described is None:
            described = {r["s"].value for r in store.select(_DESCRIBED)}
        near_cache[target.value] = _did_you_mean(target.value, described)
    near = near_cache[target.value]
    fix = (f"write {compact(near[0])}" if near else
           f"describe {compact(target.value)} (a label and a type) in a data file, or correct the IRI")
    return _problem(namer, subject, compact(predicate.value),
                    f"{compact(target.value)} is not described anywhere in the graph (a typo, or a node "
                    f"never added){_suggestion(near)}", fix, value=target)


def concept_schemes(store: Any, ontology: Ontology, namer: Namer) -> list[ValidationResult]:
    """Concepts in use that belong to no scheme."""
    classes = " ".join(f"<{c}>" for c in sorted(ontology.concept_classes) if _IRI_SAFE.match(c))
    query = f"""
SELECT DISTINCT ?c WHERE {{
  VALUES ?k {{ {classes} }}
  ?c a ?k .
  FILTER EXISTS {{ ?x ?p ?c . FILTER(?p != <{SKOS}inScheme> && ?p != <{SKOS}broader>
                                     && ?p != <{SKOS}narrower> && ?p != <{SKOS}topConceptOf>) }}
  FILTER NOT EXISTS {{ ?c <{SKOS}inScheme> ?scheme }}
  FILTER NOT EXISTS {{ ?c <{SKOS}topConceptOf> ?scheme }}
}}"""
    return [_problem(namer, r["c"], "skos:inScheme", "a concept in use belongs to no concept scheme (skos:inScheme)",
                     "add skos:inScheme with its scheme (lgd:roles, lgd:traits, lgd:fields...; see "
                     "ontology/concepts.ttl)") for r in store.select(query)]


def ods_codes(store: Any, ontology: Ontology, namer: Namer) -> list[ValidationResult]:
    """ODS codes the reference layer does not know, and codes two organisations claim."""
    claims: dict[str, set[str]] = defaultdict(set)
    for t in store.triples(None, NamedNode(LG + "odsCode"), None):
        if isinstance(t.object, Literal) and isinstance(t.subject, NamedNode):
            claims[t.object.value].add(t.subject.value)
    same = _same_as(store)
    out = []
    for code, orgs in sorted(claims.items()):
        if not _ODS_CODE.match(code):
            continue  # malformed: the shapes report it
        if code not in ontology.ods:
            for org in sorted(orgs):
                named = _code_by_name(store, org, ontology)
                near = [named] if named else _near_codes(code, ontology.ods)
                hint = (f" (the reference layer gives {named} to {ontology.names[named]!r})" if named else
                        f" (did you mean {' or '.join(near)}?)" if near else "")
                out.append(_problem(namer, NamedNode(org), "lg:odsCode",
                                    f"ODS code {code} is not in the reference layer of NHS trusts, ICBs and "
                                    f"regions{hint}",
                                    f"if it is that organisation, use {compact(min(ontology.ods[named]))} (the reference "
                                    f"layer's node for {named}) instead" if named else
                                    "check the code in NHS England's ODS (an organisation that is not a trust, ICB or "
                                    "region may keep it)", severity="Warning",
                                    value=Literal(code)))
            continue
        groups = {min(same.get(o, {o})) for o in orgs}
        if len(groups) > 1:
            reference = sorted(ontology.ods[code])
            for org in sorted(orgs):
                if org in ontology.ods[code]:
                    continue
                others = ", ".join(compact(o) for o in sorted(orgs - {org}))
                out.append(_problem(namer, NamedNode(org), "lg:odsCode",
                                    f"ODS code {code} is also claimed by {others}",
                                    f"describe the organisation as {compact(reference[0])} (the reference layer's "
                                    f"node for {code}) instead of a new IRI, or correct the code",
                                    value=Literal(code)))
    return out


def _code_by_name(store: Any, org: str, ontology: Ontology) -> str | None:
    """The reference code of the organisation whose official name ``org``'s label matches."""
    from rapidfuzz import fuzz, process, utils

    labels = [t.object.value for t in store.triples(NamedNode(org), NamedNode(RDFS + "label"), None)
              if isinstance(t.object, Literal)]
    choices = {name: code for code, name in ontology.names.items()}
    for label in labels:
        found = process.extractOne(label, list(choices), scorer=fuzz.ratio, processor=utils.default_process,
                                   score_cutoff=90)
        if found:
            return choices[found[0]]
    return None


def _same_as(store: Any) -> dict[str, set[str]]:
    linked: dict[str, set[str]] = {}
    for t in store.triples(None, NamedNode(OWL + "sameAs"), None):
        if isinstance(t.subject, NamedNode) and isinstance(t.object, NamedNode):
            group = linked.get(t.subject.value, {t.subject.value}) | linked.get(t.object.value, {t.object.value})
            for member in group:
                linked[member] = group
    return linked


def _near_codes(code: str, known: dict[str, set[str]], limit: int = 3) -> list[str]:
    """Known codes one edit away (a slip of a key), in order."""
    def distance_one(other: str) -> bool:
        if len(other) == len(code):
            return sum(a != b for a, b in zip(other, code)) == 1
        short, long_ = sorted((code, other), key=len)
        return len(long_) - len(short) == 1 and any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))
    return sorted(c for c in known if distance_one(c))[:limit]


_PEOPLE = f"""
SELECT ?person ?name ?org WHERE {{
  ?person a <{LG}Leader> ; <http://xmlns.com/foaf/0.1/name> ?name .
  ?role <{ORG}member> ?person ; <{ORG}organization> ?org .
}}"""


def normalised_name(name: str) -> str:
    """A name compared ignoring case, accents, punctuation and spacing.

    >>> normalised_name("  Zoë  O'Brien-Smith ")
    'zoe obrien smith'
    """
    plain = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).casefold()
    plain = re.sub(r"['\u2019.]", "", plain)
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


_LEADER_NAMES = f"""
SELECT ?person ?name WHERE {{ ?person a <{LG}Leader> ; <http://xmlns.com/foaf/0.1/name> ?name }}"""
_FOAF_NAME = "http://xmlns.com/foaf/0.1/name"


def people_twice(store: Any, ontology: Ontology, namer: Namer, names: set[str] | None = None) -> list[ValidationResult]:
    """Two person IRIs with the same name holding roles at the same organisation (a warning).

    ``names``: only people whose normalised name is one of these (what an update touched): their
    names alone are read from the whole graph, their roles one person at a time.
    """
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    if names is None:
        rows = store.select(_PEOPLE)
    else:
        rows = []
        for r in store.select(_LEADER_NAMES):
            if isinstance(r.get("name"), Literal) and normalised_name(r["name"].value) in names:
                for role in store.triples(None, NamedNode(ORG + "member"), r["person"]):
                    rows += [{**r, "org": t.object} for t in store.triples(role.subject, NamedNode(ORG + "organization"), None)]
    for r in rows:
        if isinstance(r.get("name"), Literal) and isinstance(r.get("person"), NamedNode):
            seen[(normalised_name(r["name"].value), r["org"].value)].add(r["person"].value)
    out: dict[str, ValidationResult] = {}
    for (_name_key, org), people in sorted(seen.items()):
        if len(people) < 2:
            continue
        for person in sorted(people):
            if person in out:
                continue
            rest = sorted(people - {person})
            others = ", ".join(compact(p) for p in rest[:3]) + (f" and {len(rest) - 3} more" if len(rest) > 3 else "")
            out[person] = _problem(namer, NamedNode(person), "foaf:name",
                                   f"the same person may be recorded twice: {others} has the same name and a "
                                   f"role at {compact(org)}",
                                   "keep one IRI for the person (move the other's facts to it), or tell them apart "
                                   "if they are two people", severity="Warning")
    return list(out.values())


# -- after an update of an on-disk store ------------------------------------------------------------

_UNDECLARED = (" is not a property the ontology declares", " is not a class the ontology declares")
_UNDESCRIBED = " is not described anywhere in the graph"


def update(store: Any, previous: list[ValidationResult], old: set[tuple[str, str, str]],
           graphs: list[str]) -> list[ValidationResult]:
    """The results of :func:`run` on an on-disk store after an update, from those before it.

    ``old`` holds the triples (``str`` of each term) the reloaded or removed files had before,
    ``graphs`` the named graphs of the files reloaded or added. Undeclared terms and dangling
    references are looked for only in the new triples and next to the nodes whose description
    changed; earlier ones are kept while their triple stands. The other checks read small parts
    of the graph and run in full.
    """
    from leadgraph.validation.provenance import expand

    ontology, namer = Ontology.bundled(), Namer(store)
    rdf_type = RDF + "type"
    if any(_kind(r) and expand(r.focus_node) is None for r in previous):
        return run(store)  # a blank node cannot be looked up by name: check everything
    found: list[ValidationResult] = []
    for r in previous:  # earlier findings that still hold
        kind = _kind(r)
        if kind is None:
            continue
        s, p, v = (NamedNode(x) if x else None for x in (expand(r.focus_node), expand(r.path), expand(r.value)))
        if kind == "undeclared" and next(iter(store.triples(s, p, v)), None) is not None:
            found.append(r)
        elif kind == "undescribed" and next(iter(store.triples(s, p, v)), None) is not None and not _described(store, v):
            found.append(r)
    new = [q.triple for g in graphs for q in store.oxigraph.quads_for_pattern(None, None, None, NamedNode(g))]
    touched = {t.subject.value for t in new if isinstance(t.subject, NamedNode)}
    touched |= {s[1:-1] for s, _, _ in old if s.startswith("<")}
    for t in new:
        p = t.predicate.value
        if _ours(p) and p not in ontology.properties:
            found.extend(closed_vocabulary(_Triples(store, [t]), ontology, namer))
        elif p == rdf_type and isinstance(t.object, NamedNode) and _ours(t.object.value) \
                and t.object.value not in ontology.classes:
            found.extend(closed_vocabulary(_Triples(store, [t]), ontology, namer))
        if (p not in _NOT_REFERENCES and isinstance(t.object, NamedNode) and t.object.value.startswith(LGD)
                and not _described(store, t.object)):
            found.append(_dangling(store, namer, t.subject, t.predicate, t.object))
    for iri in sorted(x for x in touched if x.startswith(LGD)):
        node = NamedNode(iri)
        if not _described(store, node):
            for t in store.triples(None, None, node):
                if t.predicate.value not in _NOT_REFERENCES:
                    found.append(_dangling(store, namer, t.subject, t.predicate, node))
    for check in (concept_schemes, ods_codes):
        found.extend(check(store, ontology, namer))
    found.extend(_people_twice_again(store, ontology, namer, previous, new, old))
    return sorted(set(found), key=lambda r: (r.focus_node, r.path or "", r.message, r.value or ""))


_TWICE = "the same person may be recorded twice: "


def _people_twice_again(store: Any, ontology: Ontology, namer: Namer, previous: list[ValidationResult],
                        new: list[Any], old: set[tuple[str, str, str]]) -> list[ValidationResult]:
    """:func:`people_twice` after an update, reading only the people it can have changed: those
    sharing a name with any node the changed files name (subjects and objects, before and after;
    a role's file names its person as an object) or with someone flagged before. Reading every
    person with their roles cost 1.7 s at a million triples; this reads the names alone."""
    from leadgraph.validation.provenance import expand

    nodes = {t.subject.value for t in new if isinstance(t.subject, NamedNode)}
    nodes |= {t.object.value for t in new if isinstance(t.object, NamedNode)}
    nodes |= {term[1:-1] for s, _, o in old for term in (s, o) if term.startswith("<")}
    flagged = [expand(r.focus_node) for r in previous if r.message.startswith(_TWICE)]
    if None in flagged:
        return people_twice(store, ontology, namer)  # someone flagged cannot be named again: read everyone
    nodes |= set(flagged)

    def names_of(iri: str) -> set[str]:
        return {normalised_name(t.object.value) for t in store.triples(NamedNode(iri), NamedNode(_FOAF_NAME), None)
                if isinstance(t.object, Literal)}

    names = set().union(*(names_of(iri) for iri in nodes)) if nodes else set()
    # Names the changed files held before (a person renamed or removed leaves them behind).
    names |= {normalised_name(_literal_text(o)) for _s, p, o in old if p == _FOAF_NAME and o.startswith('"')}
    return people_twice(store, ontology, namer, names) if names else []


def _literal_text(term: str) -> str:
    """The lexical form of a literal written as ``str(Literal)`` (``"text"``, ``"text"@en``, ``"text"^^<dt>``)."""
    end = term.rfind('"')
    return term[1:end] if end > 0 else term


def _kind(result: ValidationResult) -> str | None:
    if result.source_shape is not None:
        return None
    if any(words in result.message for words in _UNDECLARED):
        return "undeclared"
    if _UNDESCRIBED in result.message:
        return "undescribed"
    return None


def _described(store: Any, node: Any) -> bool:
    return next(iter(store.triples(node, None, None)), None) is not None


class _Triples:
    """A store that holds only ``triples`` for :func:`closed_vocabulary`'s questions."""

    def __init__(self, store: Any, triples: list[Any]):
        self._store, self._triples = store, triples

    def select(self, query: str) -> list[dict[str, Any]]:
        if "?p" in query:
            return [{"p": t.predicate} for t in self._triples]
        return [{"c": t.object} for t in self._triples if t.predicate.value == RDF + "type"]

    def triples(self, s: Any = None, p: Any = None, o: Any = None) -> list[Any]:
        return [t for t in self._triples if (p is None or t.predicate == p) and (o is None or t.object == o)
                and (s is None or t.subject == s)]
