"""What the drafter recognises, read from the loaded graph itself: organisations by every name
the graph gives them (ODS names, official names, alternative, hidden, short and former names
where the graph has them), and the vocabularies'
concepts by label, alternative label and curated cue phrase (``skos:hiddenLabel``).

Organisation names are compared by their *core*: lower case, ``&`` as ``and``, punctuation and
the words every trust name shares (NHS, Foundation, Trust, Teaching...) dropped, so
"Wrightington, Wigan & Leigh NHS Teaching Foundation Trust" and ODS's "Wrightington, Wigan and
Leigh NHS Foundation Trust" meet. rapidfuzz scores what is left.

>>> core("Wrightington, Wigan & Leigh NHS Teaching Foundation Trust")
'wrightington wigan and leigh'
>>> core("Alder Hey Children’s Hospital")
"alder hey children's"
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from leadgraph.namespaces import LG, LGD, SKOS
from leadgraph.records.vocabulary import KINDS

# Words trust names share: dropped from both sides before names are compared.
GENERIC = {"nhs", "trust", "trusts", "foundation", "teaching", "the", "hospital", "service", "services"}
MATCH_AT = 88.0  # rapidfuzz ratio (0-100) from which a name counts as the organisation's


def core(name: str) -> str:
    text = name.casefold().replace("’", "'").replace("&", " and ")
    text = re.sub(r"[^\w' ]+", " ", text)
    words = [w for w in text.split() if w not in GENERIC]
    return " ".join(words)


@dataclass
class Concept:
    iri: str
    label: str
    names: list[str]  # labels and alternative labels: what a record may write
    cues: list[str] = field(default_factory=list)  # curated cue phrases (skos:hiddenLabel)


@dataclass
class OrgMatch:
    iri: str
    label: str
    word: str  # what a record writes: the ODS code, else the label
    score: float
    ambiguous: list[str] = field(default_factory=list)  # labels of equally good other matches


class Gazetteer:
    """Organisations and concepts of one graph (a store with ``select``)."""

    def __init__(self, store: Any):
        self.org_label: dict[str, str] = {}
        self.org_code: dict[str, str] = {}
        self.org_names: dict[str, set[str]] = {}   # core -> IRIs
        self.org_kinds: dict[str, set[str]] = {}
        rows = store.select(
            "SELECT ?o ?p ?n ?k WHERE { ?k rdfs:subClassOf* org:Organization . ?o a ?k ; ?p ?n . "
            "VALUES ?p { rdfs:label skos:altLabel skos:hiddenLabel lg:officialName lg:formerName lg:shortName "
            "lg:odsCode } }")
        for row in rows:
            iri, prop, name = row["o"].value, row["p"].value, row["n"].value
            self.org_kinds.setdefault(iri, set()).add(row["k"].value)
            if prop == LG + "odsCode":
                self.org_code[iri] = name
                continue
            if prop.endswith("label"):
                self.org_label.setdefault(iri, name)
            key = core(name)
            if key:
                self.org_names.setdefault(key, set()).add(iri)
        self.concepts: dict[str, dict[str, Concept]] = {}
        for kind, spec in KINDS.items():
            found: dict[str, Concept] = {}
            for row in store.select(
                f"SELECT ?c ?p ?l WHERE {{ ?c a <{spec['class']}> ; ?p ?l . "
                f"VALUES ?p {{ rdfs:label skos:prefLabel skos:altLabel skos:hiddenLabel }} }}"):
                iri, prop, text = row["c"].value, row["p"].value, row["l"].value
                c = found.setdefault(iri, Concept(iri, text, []))
                if prop == SKOS + "prefLabel":
                    c.label = text
                if prop == SKOS + "hiddenLabel":
                    c.cues.append(text)
                elif text not in c.names:
                    c.names.append(text)
            for c in found.values():
                c.names.sort(key=lambda n: (-len(n), n))
                c.cues.sort(key=lambda n: (-len(n), n))
            self.concepts[kind] = dict(sorted(found.items()))
        self._cores = list(self.org_names)

    def organisation(self, phrase: str) -> OrgMatch | None:
        """The organisation ``phrase`` names, or ``None``; several equally good ones are kept in
        ``ambiguous`` (the drafter then writes a comment, not a guess)."""
        from rapidfuzz import fuzz, process

        key = core(phrase)
        if not key:
            return None
        if key in self.org_names:
            iris, score = sorted(self.org_names[key]), 100.0
        else:
            best = process.extract(key, self._cores, scorer=fuzz.ratio, limit=5, score_cutoff=MATCH_AT)
            score = best[0][1] if best else 0.0
            iris = sorted({i for name, s, _ in best if s == score for i in self.org_names[name]})
            if not best:
                # A short name ("Alder Hey"): the first words of exactly one organisation's name.
                if len(key.split()) < 2:
                    return None
                iris = sorted({i for name in self._cores if (name + " ").startswith(key + " ")
                               for i in self.org_names[name]})
                if not iris:
                    return None
                score = 90.0
        iri = iris[0]
        return OrgMatch(iri, self.org_label.get(iri, iri), self.org_code.get(iri) or self.org_label.get(iri, iri),
                        score, [self.org_label.get(i, i) for i in iris[1:]])

    def is_trust(self, iri: str) -> bool:
        return any(k.endswith("Trust") for k in self.org_kinds.get(iri, ()))

    nhs_iri = LGD + "org-nhs"

    def nhs(self) -> str | None:
        """The NHS as a whole, if the graph has it (``lgd:org-nhs``)."""
        return self.org_label.get(self.nhs_iri)

    def kind_word(self, iri: str) -> str | None:
        """The record format's word for the organisation's kind ("NHS trust"...), if it has one."""
        from leadgraph.records.vocabulary import ORGANISATION_KINDS

        for word, cls in ORGANISATION_KINDS.items():
            if cls in self.org_kinds.get(iri, ()):
                return word
        return None
