"""What a record's words mean: vocabulary values, organisations and other named nodes.

A record names things the way people do ("CCIO", "Alder Hey", "resilience"); this module
finds the IRIs behind those words in the *reference*: the ontology files (the SKOS schemes
of ``ontology/concepts.ttl``, and any organisation reference layer placed beside them), the
bundled data's RDF files (organisations, programmes, sources), and, while loading, the
store being built (so organisations and concepts from ``--data`` files loaded earlier count
too). Matching ignores case; an unknown word is an error listing the closest known ones.

>>> ref = Reference.bundled()
>>> ref.concept("role type", "ccio")
'https://w3id.org/leadgraph/id/role-ccio'
>>> ref.organisation("RBS")
'https://w3id.org/leadgraph/id/org-rbs'
>>> ref.organisation("alder hey")
'https://w3id.org/leadgraph/id/org-rbs'
>>> ref.concept("trait", "resilent")
Traceback (most recent call last):
...
leadgraph.records.vocabulary.Unknown: unknown trait 'resilent' (did you mean 'Resilience'?)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from leadgraph import resources
from leadgraph.namespaces import FOAF, LG, LGD, ORG, PREFIXES, RDF, RDFS, SCHEMA, SKOS
from leadgraph.terms import Literal, NamedNode

KINDS: dict[str, dict[str, Any]] = {
    # kind -> the class its concepts have, the scheme they go in, the class of their groups
    "role type": {"class": LG + "RoleType", "scheme": LGD + "roles", "group": LG + "RoleGroup",
                  "prefix": "role-", "types": [LG + "RoleType", ORG + "Role", SKOS + "Concept"]},
    "trait": {"class": LG + "Trait", "scheme": LGD + "traits", "group": LG + "TraitGroup",
              "prefix": "trait-", "types": [LG + "Trait", SKOS + "Concept"]},
    "field": {"class": LG + "Field", "scheme": LGD + "fields", "group": None,
              "prefix": "field-", "types": [LG + "Field", SKOS + "Concept"]},
    "sector": {"class": LG + "Sector", "scheme": LGD + "sectors", "group": None,
               "prefix": "sector-", "types": [LG + "Sector", SKOS + "Concept"]},
    "measure": {"class": LG + "Measure", "scheme": LGD + "measures", "group": None,
                "prefix": "measure-", "types": [LG + "Measure", SKOS + "Concept"]},
}
"""The vocabularies a record names values from, by the word the record format uses."""

ORGANISATION_KINDS = {
    "NHS trust": LG + "NHSTrust",
    "NHS foundation trust": LG + "NHSFoundationTrust",
    "ambulance trust": LG + "AmbulanceTrust",
    "place-based partnership": LG + "PlaceBasedPartnership",
    "national body": LG + "NationalBody",
    "academy": LG + "Academy",
    "health service": LG + "HealthService",
    "programme board": LG + "ProgrammeBoard",
}
"""Kinds of organisation a record may declare, as words, and their classes."""

ODS_CODE = re.compile(r"^[A-Z0-9]{3,5}$")
_LABELS = (RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel")
_RDF_EXTENSIONS = (".ttl", ".nt", ".nq", ".trig", ".jsonld", ".json-ld")


class Unknown(ValueError):
    """A word the reference does not know; the message lists the closest known words."""


def slug(text: str) -> str:
    """Lower-case words joined by hyphens, the bundled IRI convention.

    >>> slug("Garry Harris"), slug("Chief Digital & Information Officer"), slug("Children's")
    ('garry-harris', 'chief-digital-information-officer', 'childrens')
    """
    text = text.replace("'", "").replace("\u2019", "")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def expand(value: str) -> str | None:
    """The IRI a prefixed name (``lgd:org-rbs``) or a full IRI stands for, else ``None``."""
    if value.startswith(("http://", "https://", "urn:")):
        return value
    prefix, sep, rest = value.partition(":")
    if sep and prefix in PREFIXES and rest and " " not in rest:
        return PREFIXES[prefix] + rest
    return None


def compact(iri: str) -> str:
    """``lgd:x`` for an IRI in a known namespace (the form a written record uses)."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and iri != namespace:
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def suggest(word: str, choices: Iterable[str], limit: int = 3, *, cutoff: float = 70) -> list[str]:
    """The closest ``choices`` to ``word`` (case-insensitive), best first."""
    from rapidfuzz import fuzz, process, utils

    unique = sorted(set(choices))
    found = process.extract(word, unique, scorer=fuzz.WRatio, processor=utils.default_process,
                            limit=limit, score_cutoff=cutoff)
    return [text for text, _score, _index in found]


def did_you_mean(found: list[str]) -> str:
    if not found:
        return ""
    return " (did you mean " + " or ".join(repr(f) for f in found) + "?)"


class _Index:
    """Names of the concepts and organisations in one graph, read in three queries."""

    def __init__(self, store: Any):
        self.concepts: dict[str, dict[str, set[str]]] = {}  # class -> casefolded label -> IRIs
        self.labels: dict[str, str] = {}                    # IRI -> preferred label
        self.organisation_classes: set[str] = set()
        self.codes: dict[str, str] = {}                     # ODS code -> IRI
        classes = " ".join(f"<{k['class']}>" for k in KINDS.values())
        groups = f"<{LG}RoleGroup> <{LG}TraitGroup>"
        for row in store.select(
            f"SELECT ?c ?t ?l ?p WHERE {{ VALUES ?t {{ {classes} {groups} }} ?c a ?t ; ?p ?l . "
            f"VALUES ?p {{ rdfs:label skos:prefLabel skos:altLabel }} }}"
        ):
            iri, cls, label = row["c"].value, row["t"].value, row["l"].value
            self.concepts.setdefault(cls, {}).setdefault(label.casefold(), set()).add(iri)
            if row["p"].value != SKOS + "altLabel":
                self.labels.setdefault(iri, label)
        for row in store.select("SELECT ?c WHERE { ?c rdfs:subClassOf* org:Organization }"):
            self.organisation_classes.add(row["c"].value)
        for row in store.select("SELECT ?o ?code WHERE { ?o lg:odsCode ?code }"):
            self.codes[row["code"].value.upper()] = row["o"].value


class Reference:
    """The graphs a record's words are looked up in: a fixed base (ontology and bundled data,
    parsed once per process and re-read when a file changes) plus, optionally, the store a
    load is filling."""

    _cache: dict[tuple, tuple[Any, _Index]] = {}

    def __init__(self, base: Any, base_index: _Index, extra: Any = None):
        self.base, self.index, self.extra = base, base_index, extra
        self._extra_index: _Index | None = None
        self.declared: dict[str, dict[str, set[str]]] = {}   # concepts a record declares itself
        self.declared_organisations: dict[str, str] = {}     # casefolded name or code -> IRI
        self.declared_labels: dict[str, str] = {}

    @classmethod
    def bundled(cls, extra: Any = None) -> Reference:
        """The ontology and the bundled data's RDF files, plus ``extra`` (a store being loaded)."""
        files = list(resources.ontology_files())
        data = resources.data_dir()
        if data.is_dir():
            files += sorted(p for p in data.rglob("*") if p.suffix.lower() in _RDF_EXTENSIONS and p.is_file()
                            and not any(part.startswith(".") for part in p.relative_to(data).parts))
        key = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
        cached = cls._cache.get(key)
        if cached is None:
            from leadgraph.store.memory import MemoryStore
            from leadgraph.store.readers import reader_for

            store = MemoryStore()
            for path in files:
                reader_for(path).load_into(store, path)
            cached = (store, _Index(store))
            cls._cache.clear()
            cls._cache[key] = cached
        return cls(cached[0], cached[1], extra)

    # -- indexes ---------------------------------------------------------------------------
    def _indexes(self) -> list[_Index]:
        found = [self.index]
        if self.extra is not None and len(self.extra):
            if self._extra_index is None:
                # Only on a miss in the base: a big store is scanned once per record file at most.
                self._extra_index = _Index(self.extra)
            found.append(self._extra_index)
        return found

    # -- vocabulary ------------------------------------------------------------------------
    def declare_concept(self, kind: str, iri: str, labels: Iterable[str]) -> None:
        labels = list(labels)
        for label in labels:
            self.declared.setdefault(KINDS[kind]["class"], {}).setdefault(label.casefold(), set()).add(iri)
        if labels:
            self.declared_labels[iri] = labels[0]

    def concept(self, kind: str, word: str) -> str:
        """The IRI of the ``kind`` concept (``role type``, ``trait``, ``field``, ``sector``,
        ``measure``) whose label, alternative label or IRI is ``word``."""
        return self._lookup(KINDS[kind]["class"], kind, word)

    def group(self, kind: str, word: str) -> str:
        """The IRI of the role group or trait group named ``word``."""
        return self._lookup(KINDS[kind]["group"], f"{kind} group", word)

    def _lookup(self, cls: str, what: str, word: str) -> str:
        iri = expand(word)
        known = [self.declared.get(cls, {}), self.index.concepts.get(cls, {})]
        if iri is not None and any(iri in iris for table in known for iris in table.values()):
            return iri
        key = word.strip().casefold()
        for table in known:
            if key in table:
                return _one(table[key], what, word)
        if self.extra is not None:
            for index in self._indexes()[1:]:
                table = index.concepts.get(cls, {})
                if key in table:
                    return _one(table[key], what, word)
                if iri is not None and any(iri in iris for iris in table.values()):
                    return iri
        names = [self.label(i) or k for table in known for k, iris in table.items() for i in iris]
        close = suggest(word, names)
        if not close:
            # Close to no preferred label, perhaps to an alternative one ('CIOO' is near 'CIO', far
            # from 'Chief Information Officer'): suggest that concept by its preferred label.
            preferred = {k: self.label(i) or k for table in known for k, iris in table.items() for i in iris}
            close = list(dict.fromkeys(preferred[k] for k in suggest(word, preferred, limit=6)))[:3]
        raise Unknown(f"unknown {what} {word!r}{did_you_mean(close)}")

    def choices(self, kind: str) -> list[str]:
        """The preferred labels of a vocabulary, sorted (for help text and the skeleton)."""
        iris = {i for iris in self.index.concepts.get(KINDS[kind]["class"], {}).values() for i in iris}
        return sorted(self.label(i) or i for i in iris)

    # -- organisations ---------------------------------------------------------------------
    def declare_organisation(self, iri: str, names: Iterable[str], code: str | None) -> None:
        for name in names:
            self.declared_organisations[name.casefold()] = iri
        if code:
            self.declared_organisations[code.casefold()] = iri
        self.declared_labels.setdefault(iri, next(iter(names), code or iri))

    def organisation(self, word: str) -> str:
        """The organisation an ODS code (``RBS``), a name or alternative name ("Alder Hey") or an
        IRI names. An unknown code or name is an error with the closest known ones."""
        word = word.strip()
        iri = expand(word)
        if iri is not None:
            return iri
        declared = self.declared_organisations.get(word.casefold())
        if declared:
            return declared
        # The base first: the loaded store is indexed only when the base does not know the word,
        # so a folder of records costs one scan of the store per record at most, usually none.
        for index in (self.index, None):
            if index is None:
                if self.extra is None or not len(self.extra):
                    break
                index = self._indexes()[1]
            if word.upper() in index.codes:
                return index.codes[word.upper()]
            iris = self._organisation_names(index).get(word.casefold())
            if iris:
                return _one(iris, "organisation", word)
        names = [n for index in self._indexes() for n in self._organisation_names(index, original=True)]
        names += [n for n in self.declared_organisations]
        if ODS_CODE.match(word):
            codes = [c for index in self._indexes() for c in index.codes]
            raise Unknown(f"unknown organisation code {word!r}{did_you_mean(_near_codes(word, codes))} "
                          f"(load the organisation first, or declare it under 'organisations')")
        raise Unknown(f"unknown organisation {word!r}{did_you_mean(suggest(word, names))} "
                      f"(give its ODS code, load it first, or declare it under 'organisations')")

    def organisation_code(self, iri: str) -> str | None:
        """The ODS code of the organisation ``iri``, if the reference has one."""
        codes = getattr(self.index, "_by_iri", None)
        if codes is None:
            codes = self.index._by_iri = {v: k for k, v in self.index.codes.items()}
        if iri in codes:
            return codes[iri]
        if self.extra is not None and len(self.extra):
            for triple in self.extra.triples(NamedNode(iri), NamedNode(LG + "odsCode"), None):
                return triple.object.value.upper()
        return None

    def _organisation_names(self, index: _Index, original: bool = False) -> dict[str, set[str]]:
        cache = "_orig_names" if original else "_names"
        found = getattr(index, cache, None)
        if found is None:
            found = {}
            store = self.base if index is self.index else self.extra
            classes = " ".join(f"<{c}>" for c in (self.index.organisation_classes | index.organisation_classes))
            if classes:
                for row in store.select(f"SELECT ?o ?l WHERE {{ VALUES ?k {{ {classes} }} ?o a ?k ; ?p ?l . "
                                        f"VALUES ?p {{ rdfs:label skos:altLabel }} }}"):
                    text = row["l"].value
                    found.setdefault(text if original else text.casefold(), set()).add(row["o"].value)
            setattr(index, cache, found)
        return found

    # -- people ------------------------------------------------------------------------------
    def person(self, names: Iterable[str]) -> tuple[str, set[str]] | None:
        """The leader already known (bundled data, or files loaded earlier) by one of ``names``,
        written exactly (a full name, a label, a full-name variant, or a one-word variant or
        given name with the family name), with that leader's full names (foaf:name); ``None``
        when no leader has any of them. Only names of two words or more count, so a given name
        alone never joins two people. Raises :class:`Unknown` when the names belong to more
        than one leader.

        A second record about someone therefore extends them instead of making a twin.
        """
        wanted = [n.strip() for n in names if len(n.split()) > 1]
        found: set[str] = set()
        stores = [self.base] + ([self.extra] if self.extra is not None and len(self.extra) else [])
        leader = NamedNode(LG + "Leader")
        for store in stores:
            def is_leader(node: Any) -> bool:
                return any(True for _ in store.triples(node, NamedNode(RDF + "type"), leader))

            for name in wanted:
                for predicate in (FOAF + "name", RDFS + "label", SCHEMA + "alternateName"):
                    found |= {t.subject.value for t in store.triples(None, NamedNode(predicate), Literal(name))
                              if isinstance(t.subject, NamedNode) and is_leader(t.subject)}
                first, _, family = name.partition(" ")
                for predicate in (SCHEMA + "alternateName", FOAF + "givenName"):
                    for t in store.triples(None, NamedNode(predicate), Literal(first)):
                        if (isinstance(t.subject, NamedNode) and is_leader(t.subject) and any(
                                True for _ in store.triples(t.subject, NamedNode(FOAF + "familyName"),
                                                            Literal(family)))):
                            found.add(t.subject.value)
        if not found:
            return None
        iri = _one(found, "person", " / ".join(wanted))
        return iri, self.full_names(iri)

    def full_names(self, iri: str) -> set[str]:
        """The full names (foaf:name) the reference records for ``iri``."""
        stores = [self.base] + ([self.extra] if self.extra is not None else [])
        return {t.object.value for store in stores for t in store.triples(NamedNode(iri), NamedNode(FOAF + "name"), None)}

    # -- anything with a label -------------------------------------------------------------
    def node(self, word: str, what: str) -> str:
        """A programme, process or other node named by IRI, label or alternative label."""
        iri = expand(word)
        if iri is not None:
            return iri
        names: list[str] = []
        for store in [self.base] + ([self.extra] if self.extra is not None else []):
            rows = getattr(self.index, "_named_rows", None) if store is self.base else None
            if rows is None:
                rows = [(r["n"].value, r["l"].value) for r in store.select(
                    "SELECT ?n ?l WHERE { ?n ?p ?l VALUES ?p { rdfs:label skos:altLabel } "
                    "FILTER NOT EXISTS { ?n a lg:Leader } FILTER NOT EXISTS { ?n a lg:Source } }")]
                if store is self.base:
                    self.index._named_rows = rows  # the base never changes under a cached index
            hits = {n for n, label in rows if label.casefold() == word.strip().casefold()}
            if hits:
                return _one(hits, what, word)
            names += [label for _, label in rows]
        raise Unknown(f"unknown {what} {word!r}{did_you_mean(suggest(word, names))}")

    def label(self, iri: str) -> str | None:
        """The preferred label of ``iri`` in the reference, if any."""
        if iri in self.declared_labels:
            return self.declared_labels[iri]
        if iri in self.index.labels:
            return self.index.labels[iri]
        for store in [self.base] + ([self.extra] if self.extra is not None else []):
            for predicate in (RDFS + "label", SKOS + "prefLabel"):
                for triple in store.triples(NamedNode(iri), NamedNode(predicate), None):
                    if isinstance(triple.object, Literal):
                        return triple.object.value
        return None

    def types(self, iri: str) -> set[str]:
        found: set[str] = set()
        for store in [self.base] + ([self.extra] if self.extra is not None else []):
            found |= {t.object.value for t in store.triples(NamedNode(iri), NamedNode(RDF + "type"), None)}
        return found


def _near_codes(word: str, codes: Iterable[str], limit: int = 3) -> list[str]:
    """Codes one or two edits away, those sharing the longest start first (RBX: RBA, RBD...)."""
    from rapidfuzz.distance import Levenshtein

    word = word.upper()

    def shared(code: str) -> int:
        return next((i for i, (a, b) in enumerate(zip(word, code)) if a != b), min(len(word), len(code)))

    near = [(Levenshtein.distance(word, c), -shared(c), c) for c in set(codes)]
    return [c for d, _, c in sorted(near) if d <= 2][:limit]


def _one(iris: set[str], what: str, word: str) -> str:
    if len(iris) > 1:
        shown = ", ".join(compact(i) for i in sorted(iris))
        raise Unknown(f"{what} {word!r} is ambiguous: it names {shown} (write one of these instead)")
    return next(iter(iris))


def bundled_path(path: Path) -> bool:
    """Whether ``path`` lies in the bundled data folder."""
    try:
        path.resolve().relative_to(resources.data_dir().resolve())
        return True
    except ValueError:
        return False
