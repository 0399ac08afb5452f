"""A person record (plain dicts and lists, as a YAML or CSV file gives them) to triples, and back.

The triples are exactly those the bundled Turtle writes by hand: the same classes and
properties, and IRIs minted by the same conventions:

==========================  =============================================  =================
fact                        IRI                                            class
==========================  =============================================  =================
the person                  ``lgd:<person-slug>``                          lg:Leader
a role                      ``lgd:<person>-role-<ods code or org slug>``  org:Membership
a background                ``lgd:<person>-background-<first field>``     lg:ProfessionalBackground
years of service            ``lgd:<person>-service-<ods code or slug>``   lg:ServiceRecord
a responsibility scale      ``lgd:<person>-scale-<measure>``              lg:ResponsibilityScale
a quotation                 ``lgd:<person>-quote-<key>``                  schema:Quotation
a trait attribution         ``lgd:<person>-trait-<trait>``                lg:TraitAttribution
a qualification             ``lgd:<person>-credential-<key>``             schema:EducationalOccupationalCredential
a source                    ``lgd:source-<key>``                          lg:Source
an organisation             ``lgd:org-<ods code, lower case>``            (its kind)
a correction                ``lgd:<person>-correction-<key>``             lg:Correction
==========================  =============================================  =================

A fact that ``supersedes`` an earlier statement (and gives no ``id`` or ``key``) gets the IRI
above followed by ``-<source>``, its first source's local name without ``source-``, so the
later statement never takes the earlier one's IRI (ending a role at the same organisation
would otherwise merge the two).

Every fact may override its IRI (``id``) and its label (``label``), so existing data can be
written exactly; :func:`record_of` (triples back to a record) writes an override only where
the default would differ. Problems are :class:`RecordError` with the path of the value at
fault (``("roles", 0, "organisation")``), which the YAML and CSV readers turn into a line and
column.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from typing import Any

from leadgraph.namespaces import (
    DCTERMS,
    FOAF,
    LG,
    LGD,
    ORG,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    TIME,
    XSD,
)
from leadgraph.records.vocabulary import (
    KINDS,
    ORGANISATION_KINDS,
    Reference,
    Unknown,
    compact,
    did_you_mean,
    expand,
    slug,
    suggest,
)
from leadgraph.terms import BlankNode, Literal, NamedNode, Triple

Where = tuple  # a path into the record: keys and list indexes


class RecordError(ValueError):
    """A problem with one value of a record: ``where`` is its path in the record."""

    def __init__(self, message: str, where: Where = (), also: Where | None = None):
        super().__init__(message)
        self.message, self.where = message, tuple(where)
        self.also = also  # another place in the record the message names ("also at roles[0]")


def show(where: Where) -> str:
    """``roles[0].organisation`` for ``("roles", 0, "organisation")``."""
    text = ""
    for part in where:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


_TYPE = NamedNode(RDF + "type")
_BOOL = NamedNode(XSD + "boolean")
_INT = NamedNode(XSD + "integer")
_DATE = NamedNode(XSD + "date")
_YEAR = NamedNode(XSD + "gYear")
_DATE_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR_TEXT = re.compile(r"^\d{4}$")

# The keys of each list of facts, in the order records are written.
SECTIONS = ("roles", "earlier_roles", "service", "backgrounds", "qualifications", "scale", "quotes", "traits",
            "corrections")


def source_suffix(source_iri: str) -> str:
    """The ``-<source>`` ending of a superseding fact's default IRI (see the module documentation)."""
    local = source_iri[len(LGD):] if source_iri.startswith(LGD) else slug(re.split(r"[/#]", source_iri)[-1])
    return "-" + local.removeprefix("source-")


def statement_word(iri: str) -> str:
    """How a record names a statement it supersedes or corrects: the lgd: local name, else compact."""
    return iri[len(LGD):] if iri.startswith(LGD) else compact(iri)


def parse_date(text: str, where: Where, *, year_ok: bool = False) -> Literal:
    """An ``xsd:date`` (or ``xsd:gYear`` where a year alone is allowed) from ``YYYY-MM-DD``."""
    text = str(text).strip()
    if year_ok and _YEAR_TEXT.match(text):
        return Literal(text, datatype=_YEAR)
    wanted = "YYYY-MM-DD or YYYY" if year_ok else "YYYY-MM-DD"
    if not _DATE_TEXT.match(text):
        raise RecordError(f"bad date {text!r}: expected {wanted}", where)
    try:
        dt.date.fromisoformat(text)
    except ValueError as exc:
        raise RecordError(f"bad date {text!r}: {exc}", where) from None
    return Literal(text, datatype=_DATE)


def _iri(value: str, where: Where) -> NamedNode:
    """An ``id`` override: a local name in lgd:, a prefixed name or a full IRI."""
    expanded = expand(value)
    if expanded is None:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", value):
            raise RecordError(f"bad id {value!r}: use letters, digits, '-', '.' and '_' (or lgd:NAME, or a full IRI)",
                              where)
        expanded = LGD + value
    return _named(expanded, where)


def _named(iri: str, where: Where) -> NamedNode:
    try:
        return NamedNode(iri)
    except ValueError as exc:
        raise RecordError(f"bad IRI {iri!r}: {exc}", where) from None


def _list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


class _Builder:
    def __init__(self, record: dict, reference: Reference):
        self.record, self.ref = record, reference
        self.triples: list[Triple] = []
        self.sources: dict[str, NamedNode] = {}
        self.quotes: dict[str, NamedNode] = {}
        self.seen_ids: dict[str, Where] = {}
        self.declared: dict[str, Where] = {}  # organisations and concepts the record declares

    # -- small helpers ---------------------------------------------------------------------
    def add(self, s: NamedNode, p: str, o: Any) -> None:
        if isinstance(o, bool):
            o = Literal("true" if o else "false", datatype=_BOOL)
        elif isinstance(o, int):
            o = Literal(str(o), datatype=_INT)
        elif isinstance(o, str):
            o = Literal(o)
        self.triples.append(Triple(s, NamedNode(p), o))

    def node(self, fact: dict, where: Where, default: str) -> NamedNode:
        if fact.get("supersedes") and not fact.get("id") and not fact.get("key"):
            keys = _list(fact.get("source"))
            if keys and keys[0] in self.sources:
                default += source_suffix(self.sources[keys[0]].value)
        iri = _iri(fact["id"], where + ("id",)) if fact.get("id") else NamedNode(LGD + default)
        if iri.value in self.seen_ids:
            # Roles are named after their organisation and take no key: two at one organisation
            # (promoted in the same trust) need an id.
            what = "id" if where and where[0] in ("roles", "earlier_roles") else "key or id"
            raise RecordError(f"two facts would have the IRI {compact(iri.value)} (also at "
                              f"{show(self.seen_ids[iri.value])}): give one a different {what}", where,
                              also=self.seen_ids[iri.value])
        self.seen_ids[iri.value] = where
        return iri

    def source(self, fact: dict, where: Where) -> list[NamedNode]:
        keys = _list(fact.get("source"))
        if not keys:
            raise RecordError("no source: every fact must cite a source key (declared under 'sources')", where)
        found = []
        for i, key in enumerate(keys):
            at = where + ("source",) + ((i,) if isinstance(fact.get("source"), list) else ())
            if key not in self.sources:
                known = ", ".join(repr(k) for k in self.sources) or "none"
                raise RecordError(f"unknown source key {key!r}{did_you_mean(suggest(key, self.sources))} "
                                  f"(declared: {known})", at)
            found.append(self.sources[key])
        return found

    def lookup(self, fn, where: Where, *args) -> str:
        try:
            found = fn(*args)
        except Unknown as exc:
            raise RecordError(str(exc), where) from None
        _named(found, where)  # an IRI written in the record must be one
        return found

    def organisation(self, word: str, where: Where) -> NamedNode:
        return _named(self.lookup(self.ref.organisation, where, str(word)), where)

    def org_key(self, org: NamedNode) -> str:
        code = self.ref.organisation_code(org.value)
        if code:
            return code.lower()
        local = org.value[len(LGD):] if org.value.startswith(LGD) else slug(org.value.rsplit("/", 1)[-1])
        return local.removeprefix("org-")

    def org_label(self, org: NamedNode) -> str:
        return self.ref.label(org.value) or self.ref.organisation_code(org.value) or compact(org.value)

    # -- the record ------------------------------------------------------------------------
    def build(self) -> list[Triple]:
        rec = self.record
        name = rec["person"].strip()
        if not name:
            raise RecordError("empty name: give the person's full name", ("person",))
        self.name = name
        if not rec.get("id") and not slug(name):
            raise RecordError(f"cannot make an IRI from the name {name!r}: give an id", ("person",))
        variants = [str(v) for v in _list(rec.get("variants"))]
        known = self._known_person(name, variants, rec)
        if rec.get("id"):
            self.person = _iri(rec["id"], ("id",))
        else:
            self.person = NamedNode(known[0]) if known else _named(LGD + slug(name), ("person",))
        # A record about someone whose full name is already recorded as another one (a second
        # source spelling it differently) adds its name as a variant, not as a second full name.
        as_variant = known is not None and known[0] == self.person.value and known[1] and name not in known[1]
        # Facts are named after the person's IRI, so an id override carries over to them.
        self.person_slug = self.person.value[len(LGD):] if self.person.value.startswith(LGD) else slug(name)
        self._sources()
        self._concepts()
        self._organisations()
        p = self.person
        for t in (LG + "Leader", SCHEMA + "Person", FOAF + "Person"):
            self.add(p, RDF + "type", NamedNode(t))
        if as_variant:
            for variant in [name, *variants]:
                if variant not in known[1]:
                    self.add(p, SCHEMA + "alternateName", variant)
        else:
            self.add(p, RDFS + "label", rec.get("label") or name)
            self.add(p, FOAF + "name", name)
            words = name.split()
            given = rec.get("given_name", words[0] if len(words) > 1 else None)
            family = rec.get("family_name", " ".join(words[1:]) if len(words) > 1 else None)
            if given:
                self.add(p, FOAF + "givenName", given)
            if family:
                self.add(p, FOAF + "familyName", family)
            for variant in variants:
                self.add(p, SCHEMA + "alternateName", variant)
        for source in self.source(rec, ()):
            self.add(p, PROV + "wasDerivedFrom", source)
        for i, quote in enumerate(rec.get("quotes") or []):
            self._quote(quote, ("quotes", i))
        for section, current in (("roles", True), ("earlier_roles", False)):
            for i, role in enumerate(rec.get(section) or []):
                self._role(role, (section, i), current)
        for i, fact in enumerate(rec.get("backgrounds") or []):
            self._background(fact, ("backgrounds", i))
        for i, fact in enumerate(rec.get("qualifications") or []):
            self._qualification(fact, ("qualifications", i))
        for i, fact in enumerate(rec.get("service") or []):
            self._service(fact, ("service", i))
        for i, fact in enumerate(rec.get("scale") or []):
            self._scale(fact, ("scale", i))
        for i, fact in enumerate(rec.get("traits") or []):
            self._trait(fact, ("traits", i))
        for i, fact in enumerate(rec.get("corrections") or []):
            self._correction(fact, ("corrections", i))
        return self.triples

    def _known_person(self, name: str, variants: list[str], rec: dict) -> tuple[str, set[str]] | None:
        """The leader the reference already knows by this record's names (see
        :meth:`Reference.person`), or by its ``id``."""
        if rec.get("id"):
            iri = _iri(rec["id"], ("id",)).value
            full = self.ref.full_names(iri)
            return (iri, full) if full else None
        family = rec.get("family_name") or (" ".join(name.split()[1:]) if len(name.split()) > 1 else "")
        candidates = list(dict.fromkeys(
            [name, *variants] + [f"{v} {family}" for v in variants if family and len(v.split()) == 1]))
        try:
            return self.ref.person(candidates)
        except Unknown as exc:
            raise RecordError(f"{exc}: give the record an id to say which", ("person",)) from None

    def _sources(self) -> None:
        for key, src in (self.record.get("sources") or {}).items():
            where = ("sources", key)
            iri = _iri(src["id"], where + ("id",)) if src.get("id") else NamedNode(LGD + "source-" + slug(key))
            self.sources[key] = iri
            if not src.get("title"):
                continue  # an id alone refers to a source described elsewhere (data/sources.ttl)
            self.add(iri, RDF + "type", NamedNode(LG + "Source"))
            self.add(iri, RDF + "type", NamedNode(PROV + "Entity"))
            self.add(iri, RDFS + "label", src.get("label") or src["title"])
            self.add(iri, DCTERMS + "title", src["title"])
            if src.get("date"):
                self.triples.append(Triple(iri, NamedNode(DCTERMS + "issued"),
                                           parse_date(src["date"], where + ("date",))))
            if src.get("publisher"):
                self.add(iri, DCTERMS + "publisher", src["publisher"])
            if src.get("url"):
                self.add(iri, SCHEMA + "url", _named(src["url"], where + ("url",)))
            if src.get("kind"):
                self.add(iri, DCTERMS + "type", src["kind"])

    def _concepts(self) -> None:
        for i, c in enumerate(self.record.get("concepts") or []):
            where = ("concepts", i)
            kind = KINDS[c["vocabulary"]]
            iri = _iri(c["id"], where + ("id",)) if c.get("id") else NamedNode(LGD + kind["prefix"] + slug(c["label"]))
            self.declared.setdefault(iri.value, where)
            labels = [c["label"]] + _list(c.get("alt_labels"))
            broader = None
            if kind["group"]:
                if not c.get("broader"):
                    raise RecordError(f"a new {c['vocabulary']} needs its group: add 'broader' "
                                      f"(one of {', '.join(repr(g) for g in self._groups(c['vocabulary']))})", where)
                broader = NamedNode(self.lookup(self.ref.group, where + ("broader",), c["vocabulary"], c["broader"]))
            elif c.get("broader"):
                broader = NamedNode(self.lookup(self.ref.concept, where + ("broader",), c["vocabulary"], c["broader"]))
            for t in kind["types"]:
                self.add(iri, RDF + "type", NamedNode(t))
            self.add(iri, SKOS + "inScheme", NamedNode(kind["scheme"]))
            self.add(iri, RDFS + "label", c["label"])
            self.add(iri, SKOS + "prefLabel", c["label"])
            for alt in _list(c.get("alt_labels")):
                self.add(iri, SKOS + "altLabel", alt)
            if broader is not None:
                self.add(iri, SKOS + "broader", broader)
            else:
                self.add(iri, SKOS + "topConceptOf", NamedNode(kind["scheme"]))
            if c.get("definition"):
                self.add(iri, SKOS + "definition", c["definition"])
            if "outside_nhs" in c:
                self.add(iri, LG + "outsideNHS", bool(c["outside_nhs"]))
            self.ref.declare_concept(c["vocabulary"], iri.value, labels)

    def _groups(self, vocabulary: str) -> list[str]:
        group = KINDS[vocabulary]["group"]
        return sorted(self.ref.label(i) or i for iris in self.ref.index.concepts.get(group, {}).values() for i in iris)

    def _organisations(self) -> None:
        for i, o in enumerate(self.record.get("organisations") or []):
            where = ("organisations", i)
            code = o.get("ods")
            default = "org-" + (code.lower() if code else slug(o["name"]))
            iri = _iri(o["id"], where + ("id",)) if o.get("id") else NamedNode(LGD + default)
            self.declared.setdefault(iri.value, where)
            kinds = {k.casefold(): v for k, v in ORGANISATION_KINDS.items()}
            cls = kinds.get(str(o["kind"]).casefold())
            if cls is None:
                raise RecordError(f"unknown organisation kind {o['kind']!r}"
                                  f"{did_you_mean(suggest(o['kind'], ORGANISATION_KINDS))}", where + ("kind",))
            self.add(iri, RDF + "type", NamedNode(cls))
            self.add(iri, RDFS + "label", o["name"])
            for alt in _list(o.get("alt_names")):
                self.add(iri, SKOS + "altLabel", alt)
            if code:
                self.add(iri, LG + "odsCode", code)
            for source in self.source(o, where):
                self.add(iri, PROV + "wasDerivedFrom", source)
            self.ref.declare_organisation(iri.value, [o["name"]] + _list(o.get("alt_names")), code)

    def _derived(self, s: NamedNode, fact: dict, where: Where, link: str = PROV + "wasDerivedFrom") -> None:
        for source in self.source(fact, where):
            self.add(s, link, source)
        earlier = fact.get("supersedes")
        for i, word in enumerate(_list(earlier)):
            at = where + ("supersedes",) + ((i,) if isinstance(earlier, list) else ())
            target = _iri(str(word), at)
            if target == s:
                raise RecordError("a statement cannot supersede itself: name the earlier statement's id", at)
            self.add(s, LG + "supersedes", target)

    def _correction(self, fact: dict, where: Where) -> None:
        target = _iri(str(fact["corrects"]), where + ("corrects",))
        local = statement_word(target.value)
        key = fact.get("key") or slug(local.removeprefix(self.person_slug + "-"))
        s = self.node(fact, where, f"{self.person_slug}-correction-{key}")
        self.add(s, RDF + "type", NamedNode(LG + "Correction"))
        self.add(s, RDFS + "label", fact.get("label") or f"{self.name}: correction of {local}")
        self.add(s, LG + "person", self.person)
        self.add(s, LG + "corrects", target)
        if fact.get("description"):
            self.add(s, LG + "description", fact["description"])
        self._as_of(s, fact, where)
        self._derived(s, fact, where)

    def _as_of(self, s: NamedNode, fact: dict, where: Where) -> None:
        if fact.get("as_of"):
            self.triples.append(Triple(s, NamedNode(LG + "asOf"), parse_date(fact["as_of"], where + ("as_of",))))

    def _role(self, role: dict, where: Where, current_default: bool) -> None:
        org = self.organisation(role["organisation"], where + ("organisation",))
        s = self.node(role, where, f"{self.person_slug}-role-{self.org_key(org)}")
        current = role.get("current", current_default)
        title = role.get("title")
        if role.get("label"):
            label = role["label"]
        elif title:
            label = f"{self.name}, {title} at {self.org_label(org)}"
        else:
            label = f"{self.name} at {self.org_label(org)}" + ("" if current else " (earlier)")
        self.add(s, RDF + "type", NamedNode(ORG + "Membership"))
        self.add(s, RDFS + "label", label)
        self.add(s, ORG + "member", self.person)
        self.add(s, ORG + "organization", org)
        kinds = role.get("role_type")
        for i, word in enumerate(_list(kinds)):
            at = where + ("role_type",) + ((i,) if isinstance(kinds, list) else ())
            self.add(s, ORG + "role", NamedNode(self.lookup(self.ref.concept, at, "role type", word)))
        if title:
            self.add(s, LG + "jobTitle", title)
        if role.get("description"):
            self.add(s, LG + "description", role["description"])
        if role.get("programme"):
            programme = self.lookup(self.ref.node, where + ("programme",), role["programme"], "programme")
            self.add(s, LG + "programme", NamedNode(programme))
        self.add(s, LG + "current", bool(current))
        self._as_of(s, role, where)
        if role.get("start") or role.get("end"):
            period = NamedNode(s.value + "-period")
            self.add(s, ORG + "memberDuring", period)
            self.add(period, RDF + "type", NamedNode(TIME + "Interval"))
            for key, prop in (("start", "hasBeginning"), ("end", "hasEnd")):
                if role.get(key):
                    instant = NamedNode(s.value + "-" + key)
                    value = parse_date(role[key], where + (key,), year_ok=True)
                    self.add(period, TIME + prop, instant)
                    self.add(instant, RDF + "type", NamedNode(TIME + "Instant"))
                    unit = "inXSDgYear" if value.datatype == _YEAR else "inXSDDate"
                    self.triples.append(Triple(instant, NamedNode(TIME + unit), value))
            if role.get("start") and role.get("end") and str(role["start"]) > str(role["end"]):
                raise RecordError(f"the role ends ({role['end']}) before it starts ({role['start']})", where + ("end",))
        self._derived(s, role, where)

    def _background(self, fact: dict, where: Where) -> None:
        fields = [NamedNode(self.lookup(self.ref.concept, where + ("fields", i) if isinstance(fact.get("fields"), list)
                                        else where + ("fields",), "field", w))
                  for i, w in enumerate(_list(fact.get("fields")))]
        sectors = [NamedNode(self.lookup(self.ref.concept, where + ("sectors", i) if isinstance(fact.get("sectors"), list)
                                         else where + ("sectors",), "sector", w))
                   for i, w in enumerate(_list(fact.get("sectors")))]
        first = fields[0] if fields else sectors[0] if sectors else None
        key = fact.get("key") or (_local_after(first.value, ("field-", "sector-")) if first else slug(fact["label"]))
        s = self.node(fact, where, f"{self.person_slug}-background-{key}")
        self.add(s, RDF + "type", NamedNode(LG + "ProfessionalBackground"))
        self.add(s, RDFS + "label", fact["label"])
        self.add(s, LG + "person", self.person)
        for f in fields:
            self.add(s, LG + "field", f)
        for sec in sectors:
            self.add(s, LG + "sector", sec)
        if fact.get("description"):
            self.add(s, LG + "description", fact["description"])
        self._derived(s, fact, where)

    def _qualification(self, fact: dict, where: Where) -> None:
        key = fact.get("key") or slug(fact["label"])
        s = self.node(fact, where, f"{self.person_slug}-credential-{key}")
        self.add(self.person, SCHEMA + "hasCredential", s)
        self.add(s, RDF + "type", NamedNode(SCHEMA + "EducationalOccupationalCredential"))
        self.add(s, RDFS + "label", fact["label"])
        if fact.get("category"):
            self.add(s, SCHEMA + "credentialCategory", fact["category"])
        if fact.get("subject"):
            self.add(s, LG + "subjectArea", fact["subject"])
        if fact.get("delivered_by"):
            self.add(s, LG + "deliveredBy", self.organisation(fact["delivered_by"], where + ("delivered_by",)))
        if fact.get("description"):
            self.add(s, LG + "description", fact["description"])
        self._derived(s, fact, where)

    def _service(self, fact: dict, where: Where) -> None:
        org = self.organisation(fact["in"], where + ("in",))
        s = self.node(fact, where, f"{self.person_slug}-service-{fact.get('key') or self.org_key(org)}")
        at_least = fact.get("at_least")
        org_label = self.org_label(org)
        place = "in the NHS" if org_label == "NHS" else f"at {org_label}"
        label = fact.get("label") or f"{self.name}: {'over ' if at_least else ''}{fact['years']} years {place}"
        self.add(s, RDF + "type", NamedNode(LG + "ServiceRecord"))
        self.add(s, RDFS + "label", label)
        self.add(s, LG + "person", self.person)
        self.add(s, LG + "years", int(fact["years"]))
        if at_least is not None:
            self.add(s, LG + "atLeast", bool(at_least))
        self.add(s, LG + "serviceIn", org)
        self._as_of(s, fact, where)
        self._derived(s, fact, where)

    def _scale(self, fact: dict, where: Where) -> None:
        measure = NamedNode(self.lookup(self.ref.concept, where + ("measure",), "measure", fact["measure"]))
        key = fact.get("key") or _local_after(measure.value, ("measure-",))
        s = self.node(fact, where, f"{self.person_slug}-scale-{key}")
        approximate = fact.get("approximate")
        label = fact.get("label") or (f"{self.name}: {'about ' if approximate else ''}{fact['amount']} "
                                      f"{(self.ref.label(measure.value) or key).lower()}")
        self.add(s, RDF + "type", NamedNode(LG + "ResponsibilityScale"))
        self.add(s, RDFS + "label", label)
        self.add(s, LG + "person", self.person)
        self.add(s, LG + "measure", measure)
        self.add(s, LG + "amount", int(fact["amount"]))
        if approximate is not None:
            self.add(s, LG + "approximate", bool(approximate))
        self._as_of(s, fact, where)
        self._derived(s, fact, where)

    def _quote(self, fact: dict, where: Where) -> None:
        key = fact["key"]
        if key in self.quotes:
            raise RecordError(f"duplicate quote key {key!r}: each quotation needs its own key", where + ("key",))
        s = self.node(fact, where, f"{self.person_slug}-quote-{slug(key)}")
        self.quotes[key] = s
        text = fact["text"]
        label = fact.get("label") or f"{self.name}: \u201c{_shorten(text)}\u201d"
        self.add(s, RDF + "type", NamedNode(SCHEMA + "Quotation"))
        self.add(s, RDFS + "label", label)
        self.add(s, SCHEMA + "text", text)
        self.add(s, SCHEMA + "creator", self.person)
        if fact.get("about"):
            self.add(s, SCHEMA + "about", NamedNode(self.lookup(self.ref.node, where + ("about",), fact["about"], "subject")))
        self._derived(s, fact, where, PROV + "wasQuotedFrom")
        if fact.get("headline"):
            self.add(self.person, LG + "headlineAdvice", s)

    def _trait(self, fact: dict, where: Where) -> None:
        trait = NamedNode(self.lookup(self.ref.concept, where + ("trait",), "trait", fact["trait"]))
        key = fact.get("key") or _local_after(trait.value, ("trait-",))
        s = self.node(fact, where, f"{self.person_slug}-trait-{key}")
        if not fact.get("quote") and not fact.get("text"):
            raise RecordError("a trait needs its evidence: give 'quote' (a quote key) or 'text' (the source's words)",
                              where)
        self.add(s, RDF + "type", NamedNode(LG + "TraitAttribution"))
        if fact.get("label"):
            self.add(s, RDFS + "label", fact["label"])
        self.add(s, LG + "person", self.person)
        self.add(s, LG + "trait", trait)
        if fact.get("text"):
            self.add(s, LG + "supportingText", fact["text"])
        if fact.get("quote"):
            quote = self.quotes.get(fact["quote"])
            if quote is None:
                raise RecordError(f"unknown quote key {fact['quote']!r}{did_you_mean(suggest(fact['quote'], self.quotes))}"
                                  f" (declare it under 'quotes')", where + ("quote",))
            self.add(s, LG + "supportingQuote", quote)
        if fact.get("mentions"):
            self.add(s, SCHEMA + "mentions", NamedNode(self.lookup(self.ref.node, where + ("mentions",), fact["mentions"],
                                                                   "subject")))
        self._derived(s, fact, where)


def _local_after(iri: str, prefixes: tuple[str, ...]) -> str:
    local = iri[len(LGD):] if iri.startswith(LGD) else slug(re.split(r"[/#]", iri)[-1])
    for prefix in prefixes:
        if local.startswith(prefix):
            return local[len(prefix):]
    return local


def _shorten(text: str, words: int = 8) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("\u2026" if len(parts) > words else "")


def source_triples(sources: dict, reference: Reference) -> list[Triple]:
    """The triples describing ``sources`` (key -> title, date...) alone, as a record declares them."""
    builder = _Builder({"sources": sources}, reference)
    builder._sources()
    return builder.triples


def triples_of(record: dict, reference: Reference) -> list[Triple]:
    """The triples a (schema-valid) person record stands for; :class:`RecordError` on a problem."""
    return _Builder(record, reference).build()


def every_error(record: dict, reference: Reference, groups: list[list[tuple[str, int]]],
                first: RecordError | None = None) -> list[RecordError]:
    """Every problem of ``record``, where :func:`triples_of` stops at the first.

    ``groups`` are the facts (``(section, index)``) that stand or fall together: a CSV row, or
    one YAML list entry. Each group is tried on its own, beside the facts in no group (the
    person, the sources, the quotations traits cite), then the groups that passed are tried
    together, for what only facts together break (two roles with one IRI), dropping each one
    at fault until the rest read. Paths are in ``record``'s own numbering. ``first`` (the
    error :func:`triples_of` gave) is returned when no group is found at fault alone.
    """
    found: list[RecordError] = []
    good = []
    for group in groups:
        exc = _attempt(record, reference, group, groups)
        if exc is None:
            good.append(group)
        else:
            found.append(exc)
    while good:
        exc = _attempt(record, reference, [f for g in good for f in g], groups)
        if exc is None:
            break
        found.append(exc)
        at_fault = [g for g in good if exc.where[:2] in g]
        if not at_fault:
            break
        good.remove(at_fault[0])
    if not found and first is not None:
        found.append(first)
    unique: dict[tuple, RecordError] = {}
    for exc in found:
        unique.setdefault((exc.where, exc.message), exc)
    return list(unique.values())


def _attempt(record: dict, reference: Reference, keep: list[tuple[str, int]],
             groups: list[list[tuple[str, int]]]) -> RecordError | None:
    """The first error of ``record`` cut down to the facts in ``keep`` and those in no group,
    with its paths in ``record``'s numbering; ``None`` when that reads."""
    grouped = {f for g in groups for f in g}
    wanted = set(keep)
    part = dict(record)
    index: dict[tuple, tuple] = {}
    for section in SECTIONS:
        if isinstance(record.get(section), list):
            kept = [i for i in range(len(record[section]))
                    if (section, i) in wanted or (section, i) not in grouped]
            part[section] = [record[section][i] for i in kept]
            index.update({(section, j): (section, i) for j, i in enumerate(kept)})

    def whole(path: Where | None) -> Where | None:
        if path is None or len(path) < 2 or tuple(path[:2]) not in index:
            return path
        return index[tuple(path[:2])] + tuple(path[2:])

    try:
        triples_of(part, reference)
    except RecordError as exc:
        message = exc.message
        if exc.also is not None:
            message = message.replace(f"(also at {show(exc.also)})", f"(also at {show(whole(exc.also))})")
        return RecordError(message, whole(exc.where), also=whole(exc.also))
    return None


def origins_of(record: dict, reference: Reference) -> dict[str, Where]:
    """Where in the record each node :func:`triples_of` makes comes from: IRI -> path in the record
    (``("roles", 0)``), the person at ``("person",)``. For problem reports."""
    builder = _Builder(record, reference)
    builder.build()
    described = {iri.value: ("sources", key) for key, iri in builder.sources.items()
                 if (record.get("sources") or {}).get(key, {}).get("title")}  # not one only cited by id
    return {**described, **builder.declared, builder.person.value: ("person",), **builder.seen_ids}


def origins_in(record: dict, store: Any = None) -> dict[str, Where]:
    """:func:`origins_of` against the bundled reference plus ``store`` (the whole loaded graph).

    A record without ``id`` was read when only the files before it were loaded; against the whole
    graph its name can have become ambiguous (a later file records a namesake under its own
    ``id``). Its nodes are then found against the bundled reference alone, which names them as
    loading did, so the report still points into the file.
    """
    try:
        return origins_of(record, Reference.bundled(extra=store))
    except RecordError:
        if store is None:
            raise
        return origins_of(record, Reference.bundled())


# ------------------------------------------------------------------------------------------
# triples back to a record
# ------------------------------------------------------------------------------------------

class NotARecord(ValueError):
    """The triples hold something a person record cannot say."""


def record_of(triples: list[Triple], reference: Reference) -> dict:
    """The person record that :func:`triples_of` turns back into exactly ``triples``.

    Raises :class:`NotARecord` naming a triple no record field can hold.
    """
    by_subject: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for t in triples:
        if isinstance(t.subject, BlankNode) or isinstance(t.object, BlankNode):
            raise NotARecord(f"blank node in {_show_triple(t)}: records name every node")
        by_subject[t.subject.value][t.predicate.value].append(t.object)
    used: set[tuple[str, str, str]] = set()

    def take(s: str, p: str) -> list:
        values = by_subject.get(s, {}).get(p, [])
        for v in values:
            used.add((s, p, _key(v)))
        return values

    def one(s: str, p: str) -> Any:
        values = take(s, p)
        if len(values) > 1:
            raise NotARecord(f"{compact(s)} has {len(values)} values of {compact(p)}; a record holds one")
        return _py(values[0]) if values else None

    def types_of(s: str) -> set[str]:
        return {o.value for o in by_subject.get(s, {}).get(RDF + "type", [])}

    people = [s for s in by_subject if LG + "Leader" in types_of(s)]
    if len(people) != 1:
        raise NotARecord(f"a person record holds exactly one leader (lg:Leader), found {len(people)}")
    person = people[0]
    name = one(person, FOAF + "name")
    variants = sorted(_py(v) for v in take(person, SCHEMA + "alternateName"))
    # A second source about someone whose full name another file holds: its names are variants.
    extending = name is None and bool(variants)
    if extending:
        name, variants = variants[0], variants[1:]
    if name is None:
        raise NotARecord(f"{compact(person)} has no name (foaf:name)")
    for t in (LG + "Leader", SCHEMA + "Person", FOAF + "Person"):
        if t in types_of(person):
            used.add((person, RDF + "type", t))
    rec: dict[str, Any] = {"person": name}
    person_slug = person[len(LGD):] if person.startswith(LGD) else None
    if person != LGD + slug(name) or extending:
        rec["id"] = compact(person) if person_slug is None else person_slug
    person_slug = person_slug or slug(name)
    if not extending:
        label = one(person, RDFS + "label")
        if label != name:
            rec["label"] = label
        words = name.split()
        given, family = one(person, FOAF + "givenName"), one(person, FOAF + "familyName")
        if given != (words[0] if len(words) > 1 else None):
            rec["given_name"] = given
        if family != (" ".join(words[1:]) if len(words) > 1 else None):
            rec["family_name"] = family
    if variants:
        rec["variants"] = variants

    # Sources: every node cited, described here when the triples describe it.
    cited = sorted({o.value for s in by_subject for p in (PROV + "wasDerivedFrom", PROV + "wasQuotedFrom")
                    for o in by_subject[s].get(p, [])})
    source_keys: dict[str, str] = {}
    sources: dict[str, dict] = {}
    for iri in cited:
        local = iri[len(LGD):] if iri.startswith(LGD) else slug(iri)
        key = local.removeprefix("source-")
        while key in sources:
            key += "-2"
        source_keys[iri] = key
        entry: dict[str, Any] = {}
        if iri != LGD + "source-" + slug(key):
            entry["id"] = compact(iri) if not iri.startswith(LGD) else local
        if LG + "Source" in types_of(iri):
            for t in (LG + "Source", PROV + "Entity"):
                used.add((iri, RDF + "type", t))
            title = one(iri, DCTERMS + "title")
            entry["title"] = title
            label = one(iri, RDFS + "label")
            if label != title:
                entry["label"] = label
            for field, prop in (("publisher", DCTERMS + "publisher"), ("url", SCHEMA + "url"),
                                ("date", DCTERMS + "issued"), ("kind", DCTERMS + "type")):
                value = one(iri, prop)
                if value is not None:
                    entry[field] = value.value if isinstance(value, NamedNode) else str(value)
        sources[key] = entry
    rec["source"] = _keys([source_keys[o.value] for o in take(person, PROV + "wasDerivedFrom")])
    rec["sources"] = sources

    def cites(s: str, fact: dict, prop: str = PROV + "wasDerivedFrom", *, statement: bool = True) -> None:
        keys = [source_keys[o.value] for o in take(s, prop)]
        if keys:
            fact["source"] = _keys(keys)
        if not statement:
            return  # an organisation supersedes nothing in a record: such a triple stays unheld, and is refused
        earlier = sorted(statement_word(o.value) for o in take(s, LG + "supersedes"))
        if earlier:
            fact["supersedes"] = earlier[0] if len(earlier) == 1 else earlier

    def suffix(s: str) -> str:
        """``-<source>`` when ``s`` supersedes something (its default IRI then ends so)."""
        facts = by_subject.get(s, {})
        cited = sorted(o.value for p in (PROV + "wasDerivedFrom", PROV + "wasQuotedFrom") for o in facts.get(p, []))
        return source_suffix(cited[0]) if facts.get(LG + "supersedes") and cited else ""

    def dated(s: str, fact: dict) -> None:
        as_of = one(s, LG + "asOf")
        if as_of:
            fact["as_of"] = str(as_of)

    def ident(s: str, fact: dict, default: str) -> None:
        if s != LGD + default:
            fact["id"] = s[len(LGD):] if s.startswith(LGD) else compact(s)

    def keyed(s: str, fact: dict, stem: str, default_key: str) -> None:
        """Write ``key`` when the IRI follows the convention with another key, else ``id``."""
        prefix = LGD + f"{person_slug}-{stem}-"
        default_key += suffix(s)
        if s.startswith(prefix) and s != prefix + default_key and re.fullmatch(r"[a-z0-9-]+", s[len(prefix):]):
            fact["key"] = s[len(prefix):]
        else:
            ident(s, fact, f"{person_slug}-{stem}-{default_key}")

    def word(iri: str, kind: str | None = None) -> str:
        if kind is not None:
            label = reference.label(iri)
            if label is not None:
                try:
                    if reference.concept(kind, label) == iri:
                        return label
                except Unknown:
                    pass
            return compact(iri)
        label = reference.label(iri)
        if label is not None:
            try:
                if reference.node(label, "node") == iri:
                    return label
            except Unknown:
                pass
        return compact(iri)

    def org_word(iri: str) -> str:
        code = reference.organisation_code(iri)
        if code:
            return code
        label = reference.label(iri)
        if label:
            try:
                if reference.organisation(label) == iri:
                    return label
            except Unknown:
                pass
        return compact(iri)

    def org_key(iri: str) -> str:
        code = reference.organisation_code(iri)
        if code:
            return code.lower()
        local = iri[len(LGD):] if iri.startswith(LGD) else slug(iri.rsplit("/", 1)[-1])
        return local.removeprefix("org-")

    def org_label(iri: str) -> str:
        return reference.label(iri) or reference.organisation_code(iri) or compact(iri)

    # Declared concepts and organisations: nodes typed with a vocabulary or organisation class.
    concepts, organisations = [], []
    kind_of_class = {k["class"]: name for name, k in KINDS.items()}
    org_classes = {v: k for k, v in ORGANISATION_KINDS.items()}
    for s in sorted(by_subject):
        ts = types_of(s)
        vocab = next((kind_of_class[t] for t in ts if t in kind_of_class), None)
        if vocab is not None:
            kind = KINDS[vocab]
            for t in kind["types"]:
                used.add((s, RDF + "type", t))
            c: dict[str, Any] = {"vocabulary": vocab, "label": one(s, SKOS + "prefLabel")}
            take(s, RDFS + "label")
            take(s, SKOS + "inScheme")
            take(s, SKOS + "topConceptOf")
            ident(s, c, kind["prefix"] + slug(c["label"]))
            alts = [_py(v) for v in take(s, SKOS + "altLabel")]
            if alts:
                c["alt_labels"] = sorted(alts)
            broader = one(s, SKOS + "broader")
            if broader is not None:
                c["broader"] = reference.label(broader.value) or compact(broader.value)
            definition = one(s, SKOS + "definition")
            if definition:
                c["definition"] = definition
            outside = one(s, LG + "outsideNHS")
            if outside is not None:
                c["outside_nhs"] = outside
            concepts.append(c)
            reference.declare_concept(vocab, s, [c["label"]] + alts)
        org_kind = next((org_classes[t] for t in ts if t in org_classes), None)
        if org_kind is not None and s != person:
            used.add((s, RDF + "type", ORGANISATION_KINDS[org_kind]))
            o: dict[str, Any] = {"name": one(s, RDFS + "label"), "kind": org_kind}
            code = one(s, LG + "odsCode")
            if code:
                o["ods"] = code
            ident(s, o, "org-" + (code.lower() if code else slug(o["name"])))
            alts = [_py(v) for v in take(s, SKOS + "altLabel")]
            if alts:
                o["alt_names"] = sorted(alts)
            cites(s, o, statement=False)
            organisations.append(o)
            reference.declare_organisation(s, [o["name"]] + alts, code)
    if concepts:
        rec["concepts"] = concepts
    if organisations:
        rec["organisations"] = organisations

    sections: dict[str, list] = {name: [] for name in SECTIONS}
    quote_keys: dict[str, str] = {}
    headline = {o.value for o in take(person, LG + "headlineAdvice")}
    for s in sorted(by_subject):
        if SCHEMA + "Quotation" not in types_of(s):
            continue
        used.add((s, RDF + "type", SCHEMA + "Quotation"))
        prefix = LGD + f"{person_slug}-quote-"
        key = s[len(prefix):] if s.startswith(prefix) else slug(s.rsplit("/", 1)[-1].rsplit("#", 1)[-1])
        q: dict[str, Any] = {"key": key}
        ident(s, q, f"{person_slug}-quote-{slug(key)}")
        text = one(s, SCHEMA + "text")
        q["text"] = text
        label = one(s, RDFS + "label")
        if label != f"{name}: \u201c{_shorten(text)}\u201d":
            q["label"] = label
        take(s, SCHEMA + "creator")
        if s in headline:
            q["headline"] = True
        about = one(s, SCHEMA + "about")
        if about:
            q["about"] = word(about.value)
        cites(s, q, PROV + "wasQuotedFrom")
        quote_keys[s] = key
        sections["quotes"].append(q)
    for s in sorted(by_subject):
        ts = types_of(s)
        if ORG + "Membership" in ts:
            used.add((s, RDF + "type", ORG + "Membership"))
            org = one(s, ORG + "organization")
            current = one(s, LG + "current")
            role: dict[str, Any] = {}
            title = one(s, LG + "jobTitle")
            if title:
                role["title"] = title
            kinds = [word(o.value, "role type") for o in take(s, ORG + "role")]
            if kinds:
                role["role_type"] = kinds[0] if len(kinds) == 1 else sorted(kinds)
            role["organisation"] = org_word(org.value) if org else None
            ident(s, role, f"{person_slug}-role-{org_key(org.value)}{suffix(s)}")
            label = one(s, RDFS + "label")
            default = (f"{name}, {title} at {org_label(org.value)}" if title else
                       f"{name} at {org_label(org.value)}" + ("" if current else " (earlier)"))
            if label != default:
                role["label"] = label
            programme = one(s, LG + "programme")
            if programme:
                role["programme"] = word(programme.value)
            description = one(s, LG + "description")
            if description:
                role["description"] = description
            take(s, ORG + "member")
            period = one(s, ORG + "memberDuring")
            if period is not None:
                p = period.value
                used.add((p, RDF + "type", TIME + "Interval"))
                for key, prop in (("start", TIME + "hasBeginning"), ("end", TIME + "hasEnd")):
                    instant = one(p, prop)
                    if instant is not None:
                        used.add((instant.value, RDF + "type", TIME + "Instant"))
                        value = one(instant.value, TIME + "inXSDDate") or one(instant.value, TIME + "inXSDgYear")
                        role[key] = str(value)
            dated(s, role)
            section = "roles" if current is not False else "earlier_roles"
            if current is None:
                raise NotARecord(f"{compact(s)} does not say whether the role is current (lg:current)")
            cites(s, role)
            sections[section].append(role)
        elif LG + "ProfessionalBackground" in ts:
            used.add((s, RDF + "type", LG + "ProfessionalBackground"))
            b: dict[str, Any] = {"label": one(s, RDFS + "label")}
            fields = [o.value for o in take(s, LG + "field")]
            sectors = [o.value for o in take(s, LG + "sector")]
            if fields:
                b["fields"] = [word(f, "field") for f in fields]
            if sectors:
                b["sectors"] = [word(f, "sector") for f in sectors]
            first = fields[0] if fields else sectors[0] if sectors else None
            default_key = _local_after(first, ("field-", "sector-")) if first else slug(b["label"])
            keyed(s, b, "background", default_key)
            take(s, LG + "person")
            description = one(s, LG + "description")
            if description:
                b["description"] = description
            cites(s, b)
            sections["backgrounds"].append(b)
        elif SCHEMA + "EducationalOccupationalCredential" in ts:
            used.add((s, RDF + "type", SCHEMA + "EducationalOccupationalCredential"))
            c = {"label": one(s, RDFS + "label")}
            keyed(s, c, "credential", slug(c["label"]))
            for field, prop in (("category", SCHEMA + "credentialCategory"), ("subject", LG + "subjectArea")):
                value = one(s, prop)
                if value:
                    c[field] = value
            by = one(s, LG + "deliveredBy")
            if by:
                c["delivered_by"] = org_word(by.value)
            description = one(s, LG + "description")
            if description:
                c["description"] = description
            cites(s, c)
            sections["qualifications"].append(c)
            take(person, SCHEMA + "hasCredential")
        elif LG + "ServiceRecord" in ts:
            used.add((s, RDF + "type", LG + "ServiceRecord"))
            org = one(s, LG + "serviceIn")
            f: dict[str, Any] = {"years": one(s, LG + "years")}
            at_least = one(s, LG + "atLeast")
            if at_least is not None:
                f["at_least"] = at_least
            f["in"] = org_word(org.value)
            keyed(s, f, "service", org_key(org.value))
            lab = org_label(org.value)
            place = "in the NHS" if lab == "NHS" else f"at {lab}"
            label = one(s, RDFS + "label")
            if label != f"{name}: {'over ' if at_least else ''}{f['years']} years {place}":
                f["label"] = label
            take(s, LG + "person")
            dated(s, f)
            cites(s, f)
            sections["service"].append(f)
        elif LG + "ResponsibilityScale" in ts:
            used.add((s, RDF + "type", LG + "ResponsibilityScale"))
            measure = one(s, LG + "measure")
            f = {"measure": word(measure.value, "measure"), "amount": one(s, LG + "amount")}
            approximate = one(s, LG + "approximate")
            if approximate is not None:
                f["approximate"] = approximate
            key = _local_after(measure.value, ("measure-",))
            keyed(s, f, "scale", key)
            label = one(s, RDFS + "label")
            if label != (f"{name}: {'about ' if approximate else ''}{f['amount']} "
                         f"{(reference.label(measure.value) or key).lower()}"):
                f["label"] = label
            take(s, LG + "person")
            dated(s, f)
            cites(s, f)
            sections["scale"].append(f)
        elif LG + "TraitAttribution" in ts:
            used.add((s, RDF + "type", LG + "TraitAttribution"))
            trait = one(s, LG + "trait")
            f = {"trait": word(trait.value, "trait")}
            keyed(s, f, "trait", _local_after(trait.value, ("trait-",)))
            label = one(s, RDFS + "label")
            if label:
                f["label"] = label
            take(s, LG + "person")
            quote = one(s, LG + "supportingQuote")
            if quote is not None:
                if quote.value not in quote_keys:
                    raise NotARecord(f"{compact(s)} cites {compact(quote.value)}, which is not a quotation in this record")
                f["quote"] = quote_keys[quote.value]
            text = one(s, LG + "supportingText")
            if text:
                f["text"] = text
            mentions = one(s, SCHEMA + "mentions")
            if mentions:
                f["mentions"] = word(mentions.value)
            cites(s, f)
            sections["traits"].append(f)
        elif LG + "Correction" in ts:
            used.add((s, RDF + "type", LG + "Correction"))
            target = one(s, LG + "corrects")
            f = {"corrects": statement_word(target.value)}
            keyed(s, f, "correction", slug(f["corrects"].removeprefix(person_slug + "-")))
            label = one(s, RDFS + "label")
            if label != f"{name}: correction of {f['corrects']}":
                f["label"] = label
            take(s, LG + "person")
            description = one(s, LG + "description")
            if description:
                f["description"] = description
            dated(s, f)
            cites(s, f)
            sections["corrections"].append(f)
    for section in SECTIONS:
        if sections[section]:
            rec[section] = sections[section]
    for t in triples:
        if (t.subject.value, t.predicate.value, _key(t.object)) not in used:
            raise NotARecord(f"a person record cannot hold {_show_triple(t)}")
    return rec


def _keys(keys: list[str]) -> str | list[str]:
    keys = sorted(set(keys))
    return keys[0] if len(keys) == 1 else keys


def _key(term: Any) -> str:
    return term.value if isinstance(term, NamedNode) else str(term)


def _py(term: Any) -> Any:
    if isinstance(term, Literal):
        dtype = term.datatype.value if term.datatype is not None else None
        if dtype == XSD + "boolean":
            return term.value == "true"
        if dtype == XSD + "integer":
            return int(term.value)
        return term.value
    return term


def _show_triple(t: Triple) -> str:
    def fmt(term: Any) -> str:
        if isinstance(term, NamedNode):
            return compact(term.value)
        return str(term)
    return f"{fmt(t.subject)} {fmt(t.predicate)} {fmt(t.object)}"
