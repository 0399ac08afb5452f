"""From an article's paragraphs to draft facts about people, each with its evidence.

Rules and gazetteers only (no model): a person is found by an introduction ("Ann Example is the
CIO at Alder Hey", "Ann Example, chief information officer at ..."); their part of a round-up
runs from the heading before that introduction to the next person's; a single-person Q&A
interview (question paragraphs ending in "?") gives them every answer. What the text does not
say is left out; what it says ambiguously becomes a note (a YAML comment), never a value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from leadgraph.drafting.gazetteer import Gazetteer, OrgMatch
from leadgraph.drafting.text import Article, Paragraph, Span

_NAME = r"(?:[A-Z][a-z]+(?:[-'’][A-Z][a-z]+)?)"
_FULL_NAME = re.compile(rf"^(?:Meet\s+|Interview:\s*)?(?:(?:Dr|Prof|Professor|Mr|Mrs|Ms|Miss)\.?\s+)?(?P<name>{_NAME}(?:\s+(?:Mc|Mac|O')?{_NAME}){{1,2}})\b")
_INTRO = re.compile(
    r"^(?:,\s*(?:the\s+|a\s+|an\s+|our\s+)?|\s+(?:is|was|has been|became|has become|serves as|works as)\s+"
    r"(?:now\s+|currently\s+)?(?:the\s+|a\s+|an\s+)?(?:new\s+|interim\s+)?)(?P<rest>.+)$", re.S)
_ROLE_WORDS = re.compile(r"\b(officer|director|manager|head|lead|chief|CIO|CCIO|CNIO|CMIO|CDO|CTO|CDIO|"
                         r"architect|consultant|informatician|president|executive)\b", re.I)
_SPLIT = re.compile(r"\s+(at|for|with|of)\s+(?:the\s+)?")
_ORG_CONNECT = {"and", "&", "of", "upon", "on", "the", "for", ","}
_ORG_TAIL = {"service", "trust", "hospital", "hospitals", "foundation", "partnership", "board", "services"}
_EARLIER = re.compile(r"\b(before|previously|formerly|former|earlier|prior to|used to|joined from|spent)\b", re.I)
_EARLIER_TITLE = re.compile(r"\b(?:was|as|became|served as|worked as)\s+(?:the\s+|a\s+|an\s+|their\s+)?"
                            r"(?P<title>[A-Za-z][\w&’' -]{1,80}?)\s+(?:at|for|with|of)\s+(?:the\s+)?$", re.I)
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_START_YEAR = re.compile(r"\b(?:since|(?:joined|appointed|started|arrived)(?:\s+[\w’'&-]+){0,8}?\s+in)\s+"
                         rf"(?:{_MONTH}\s+)?(?P<year>(?:19|20)\d{{2}})\b(?!\s*[-–]\s*\d)", re.I)
_YEARS = re.compile(r"\b(?P<q>over|more than|at least|almost|nearly|around|about|some|approximately)?\s*"
                    r"(?P<n>\d{1,2})(?P<plus>\+)?\s+years?\b(?!\s+(?:old|ago|from now|time))", re.I)
_TRUST_REF = re.compile(r"\b(?:the|this|our|my|his|her|their)\s+(?:trust|organisation|hospital)\b", re.I)
_NHS_REF = re.compile(r"\bNHS\b(?!\s+(?:trusts?|Digital|England|X|Improvement))")
_BACKGROUND = [
    re.compile(r"\bbackground\b[^.;]*?\bas an?\s+(?P<x>[A-Za-z][\w -]*)", re.I),
    re.compile(r"\bbackground (?:is )?in\s+(?P<x>[A-Za-z][\w -]*)", re.I),
    re.compile(r"\b(?:starting off|started off|started out|started|began|begun|trained|qualified)"
               r"(?: (?:my|his|her|their) career)? as an?\s+(?P<x>[A-Za-z][\w -]*)", re.I),
    re.compile(r"\b(?:worked|working|career) in\s+(?P<x>[A-Z][\w ]*?)\s+(?:before|prior)\b"),
    re.compile(r"\bcame (?:to the NHS |into the NHS )?from (?:the |a career in )?(?P<x>[\w ]+?) (?:sector|industry)\b", re.I),
]
_SCALE_Q = r"(?P<q>approx\.?|approximately|about|around|roughly|some|over|more than|nearly|almost|up to)?\s*"
_APPROXIMATE = {"approx", "approx.", "approximately", "about", "around", "roughly", "some"}
_ABOVE = {"over", "more than", "nearly", "almost", "up to"}
_SPEECH = re.compile(r"\b(says|said|told|explains|explained|adds|added|put it|puts it|writes|wrote)\b", re.I)
_QUOTES = re.compile(r"“(?P<a>[^”]*)(?:”|$)|‘(?P<b>(?:[^’]|’(?=[A-Za-z]))*)(?:’|$)|\"(?P<c>[^\"]*)(?:\"|$)", re.M)
_NHS = object()  # a year about the NHS as a whole, not about one role
MAX_QUOTE = 400
MAX_ORG_WORDS = 14  # the longest organisation name tried: keeps a long capitalised run cheap


@dataclass
class Evidence:
    """Where a value came from: ``text[start:end]`` of the article, within the sentence
    ``text[sentence_start:sentence_end]``, and how sure the rule that found it is (0-1)."""

    start: int
    end: int
    text: str
    sentence_start: int
    sentence_end: int
    confidence: float
    rule: str

    def as_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text, "sentence_start": self.sentence_start,
                "sentence_end": self.sentence_end, "confidence": round(self.confidence, 2), "rule": self.rule}


@dataclass
class Fact:
    """One drafted fact: a list item of a record section, in the record format."""

    section: str
    data: dict[str, Any]
    evidence: list[Evidence]
    notes: list[str] = field(default_factory=list)


@dataclass
class Note:
    """Something the text says that the draft does not turn into a value (a YAML comment)."""

    message: str
    evidence: Evidence | None = None


@dataclass
class PersonDraft:
    name: str
    intro: Evidence
    start: int = 0
    end: int = 0
    variants: list[tuple[str, Evidence]] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    current_org: OrgMatch | None = None
    declare: dict[str, tuple[str, str]] = field(default_factory=dict)  # IRI -> (name, kind) to declare

    @property
    def given(self) -> str:
        return self.name.split()[0]

    def section(self, name: str) -> list[Fact]:
        return [f for f in self.facts if f.section == name]


def _ev(article: Article, start: int, end: int, sentence: Span, confidence: float, rule: str) -> Evidence:
    return Evidence(start, end, article.text[start:end], sentence.start, sentence.end, confidence, rule)


def _is_heading(p: Paragraph) -> bool:
    text = p.text.strip("“”‘’\"' .!")
    words = text.split()
    if not words or len(words) > 14 or len(p.sentences) > 1:
        return False
    if p.text.rstrip().endswith("?") and not p.text.startswith(("“", "‘", '"')):
        return False
    big = sum(1 for w in words if w[:1].isupper() or not w[:1].isalpha())
    quoted = p.text.startswith(("“", "‘", '"')) and p.text.rstrip(" .").endswith(("”", "’", '"'))
    return big / len(words) >= 0.6 and (quoted or not p.text.rstrip().endswith((".", ":")))


def _is_question(p: Paragraph) -> bool:
    text = p.text.strip()
    return (text.endswith("?") and len(text.split()) <= 40 and not text.startswith(("“", "‘", '"'))) \
        or bool(re.match(r"^Q[:.]\s", text))


# ---------------------------------------------------------------- people and their sections


def find_people(article: Article, gaz: Gazetteer) -> list[PersonDraft]:
    """Everyone the article introduces, in order, each with the part of the text about them."""
    people: dict[str, PersonDraft] = {}
    starts: list[tuple[int, str]] = []
    paras = article.paragraphs
    for index, para in enumerate(paras):
        if _is_heading(para) or _is_question(para):
            continue
        for sentence in para.sentences:
            m = _FULL_NAME.match(sentence.text)
            if not m:
                continue
            name = m.group("name")
            tail = _INTRO.match(sentence.text[m.end("name"):])
            if not tail or not _ROLE_WORDS.search(tail.group("rest")[:120]):
                continue
            start = sentence.start + m.start("name")
            if name in people or any(name in other for other in people):
                continue
            people[name] = PersonDraft(name, _ev(article, start, start + len(name), sentence, 0.9, "introduction"))
            starts.append((index, name))
    # Each section runs from the headings just before the introduction to the next section.
    bounds = []
    for index, name in starts:
        first = index
        while first > 0 and _is_heading(paras[first - 1]) and (not bounds or first - 1 > bounds[-1][1]):
            first -= 1
        bounds.append((first, index, name))
    for i, (first, _index, name) in enumerate(bounds):
        last = bounds[i + 1][0] if i + 1 < len(bounds) else len(paras)
        people[name].start = paras[first].start
        people[name].end = paras[last - 1].end
    return [people[name] for _, name in starts]


def _mentions(person: PersonDraft, text: str) -> bool:
    names = [person.name, person.given] + [v for v, _ in person.variants]
    return any(re.search(rf"\b{re.escape(n)}\b", text) for n in names)


def _variants(article: Article, person: PersonDraft, others: list[str]) -> None:
    from rapidfuzz import fuzz

    given, family = person.given, " ".join(person.name.split()[1:])
    seen = set()
    for m in re.finditer(r"\b[A-Z][a-z]{2,}\b", article.text[person.start:person.end]):
        word = m.group()
        if word == given or word in seen or word in others or word[:2] != given[:2]:
            continue
        if fuzz.ratio(word, given) >= 85 and abs(len(word) - len(given)) <= 1:
            seen.add(word)
            start = person.start + m.start()
            sentence = _sentence_at(article, start)
            person.variants.append((word, _ev(article, start, start + len(word), sentence, 0.7, "spelling")))
            full = f"{word} {family}"
            if full in article.text[person.start:person.end] and family:
                at = article.text.index(full, person.start)
                person.variants.append((full, _ev(article, at, at + len(full), _sentence_at(article, at), 0.7,
                                                  "spelling")))


def _sentence_at(article: Article, offset: int) -> Span:
    for para in article.paragraphs:
        if para.start <= offset < para.end + 1:
            for s in para.sentences:
                if s.start <= offset < s.end + 1:
                    return s
    return Span(offset, offset, "")


# ---------------------------------------------------------------- organisations in text


def _org_runs(text: str) -> list[tuple[int, int]]:
    """Candidate organisation names: runs of capitalised words (with and, &, of, commas...)."""
    runs, tokens = [], list(re.finditer(r"[\w’'\-]+|&|,", text))
    i = 0
    while i < len(tokens):
        if not tokens[i].group()[:1].isupper():
            i += 1
            continue
        j = i
        while j + 1 < len(tokens):
            word = tokens[j + 1].group()
            if word[:1].isupper() or word[:1].isdigit() or word.lower() in _ORG_CONNECT or word.lower() in _ORG_TAIL:
                j += 1
            else:
                break
        while j > i and tokens[j].group().lower() in _ORG_CONNECT:
            j -= 1
        runs.append((tokens[i].start(), tokens[j].end()))
        i = j + 1
    return runs


def find_organisations(text: str, gaz: Gazetteer, offset: int = 0) -> list[tuple[int, int, OrgMatch]]:
    """Organisations named in ``text``: (start, end, match), offsets plus ``offset``."""
    found = []
    for start, end in _org_runs(text):
        words = list(re.finditer(r"[\w’'\-]+|&", text[start:end]))
        match = None
        # Longest first: the whole run, then runs with words dropped from either end.
        for length in range(min(len(words), MAX_ORG_WORDS), 0, -1):
            for first in range(0, len(words) - length + 1):
                a, b = start + words[first].start(), start + words[first + length - 1].end()
                phrase = text[a:b]
                if length < 2 and phrase.casefold() not in gaz.org_names and not phrase.isupper():
                    continue
                if phrase.lower().split()[0] in ("and", "of", "the", "for"):
                    continue
                org = gaz.organisation(phrase)
                if org is not None and (length >= 2 or org.score == 100.0):
                    match = (a + offset, b + offset, org)
                    break
            if match:
                break
        if match:
            found.append(match)
    return found


# ---------------------------------------------------------------- the drafting itself


class Drafter:
    def __init__(self, article: Article, gaz: Gazetteer):
        self.article, self.gaz = article, gaz
        self.text = article.text

    def run(self) -> list[PersonDraft]:
        people = find_people(self.article, self.gaz)
        qa = len(people) == 1 and sum(_is_question(p) for p in self.article.paragraphs) >= 2
        givens = [p.given for p in people]
        for person in people:
            self.person = person
            _variants(self.article, person, givens)
            self._role(person)
            said = self._attributed(person, qa)
            quotes = self._quotes(person, qa)
            self._earlier(person, said)
            self._start_years(person, said)
            self._service(person, said)
            self._scale(person, said)
            self._background(person, said)
            self._traits(person, said, quotes)
            self._headline(person, qa)
        return people

    # -- which sentences are about the person ------------------------------------------------
    def _attributed(self, person: PersonDraft, qa: bool = False) -> list[Span]:
        """Sentences of the person's section that are about them: naming them, a pronoun in a
        paragraph naming them, or (in a Q&A) their own first-person answers."""
        found = []
        asked = False
        for para in self._section(person):
            if _is_question(para):
                asked = True
                continue
            if _is_heading(para):
                continue
            names = _mentions(person, para.text)
            for s in para.sentences:
                if _mentions(person, s.text) or (names and re.search(r"\b(he|she|his|her|they)\b", s.text, re.I)) \
                        or (qa and asked and re.search(r"\b(I|I'[a-z]+|I’[a-z]+|[Mm]y|[Mm]e|[Ww]e|[Oo]ur)\b", s.text)):
                    found.append(s)
        return found

    def _section(self, person: PersonDraft) -> list[Paragraph]:
        return [p for p in self.article.paragraphs if person.start <= p.start and p.end <= person.end]

    # -- the current role --------------------------------------------------------------------
    def _role(self, person: PersonDraft) -> None:
        sentence = _sentence_at(self.article, person.intro.start)
        after = person.intro.end
        tail = _INTRO.match(self.text[after:sentence.end])
        rest_start = after + tail.start("rest")
        rest = self.text[rest_start:sentence.end]
        was = bool(re.match(r"\s+was\b", self.text[after:sentence.end]))
        splits = sorted(_SPLIT.finditer(rest), key=lambda m: ("at", "for", "with", "of").index(m.group(1)))
        unresolved = None
        for m in splits:
            title = rest[:m.start()].strip(" ,")
            if not _ROLE_WORDS.search(title) or len(title.split()) > 10:
                continue
            orgs = find_organisations(rest[m.end():], self.gaz, rest_start + m.end())
            if orgs and orgs[0][0] == rest_start + m.end():
                start, end, org = orgs[0]
                if org.ambiguous:
                    person.notes.append(Note(
                        f"role {title!r}: {self.text[start:end]!r} is as close to {org.label} as to "
                        + " and to ".join(org.ambiguous) + " (not drafted: give the ODS code)",
                        _ev(self.article, start, end, sentence, 0.5, "introduction")))
                    return
                self._add_role(person, title, rest_start, org, start, end, sentence, current=not was)
                return
            if m.group(1) == "at" and unresolved is None:
                run = _org_runs(rest[m.end():])
                if run and run[0][0] == 0:
                    unresolved = (title, rest_start + m.end(), rest_start + m.end() + run[0][1])
        if unresolved:
            title, a, b = unresolved
            person.notes.append(Note(f"role {title!r} at {self.text[a:b]!r}: no organisation of that name in the "
                                     f"loaded graph (give its ODS code, or declare it under 'organisations')",
                                     _ev(self.article, a, b, sentence, 0.5, "introduction")))
        else:
            person.notes.append(Note("introduced, but the organisation of the role is not clear",
                                     _ev(self.article, sentence.start, sentence.end, sentence, 0.5, "introduction")))

    def _add_role(self, person, title, title_start, org: OrgMatch, start, end, sentence, *, current=True) -> None:
        types = self._concepts_in("role type", title)
        data: dict[str, Any] = {"title": title}
        if types:
            data["role_type"] = types[0] if len(types) == 1 else types
        data["organisation"] = self._use(org)
        data["as_of"] = self.article.date
        if not current:
            data["current"] = False
        fact = Fact("roles", data, [_ev(self.article, title_start, end, sentence, min(0.95, org.score / 100), "introduction")])
        if org.word != self.text[start:end]:
            fact.notes.append(f"organisation: {self.text[start:end]!r} read as {org.label}"
                              + (f" ({org.word})" if org.word != org.label else "")
                              + (f", match {org.score:.0f}%" if org.score < 100 else ""))
        if not types:
            self._type_not_stated(data)
            fact.notes.append(f"role_type: no role type in the vocabulary matches {title!r}"
                              + (": set one if you know it" if "role_type" in data else ""))
        person.facts.append(fact)
        person.current_org = org

    def _concepts_in(self, kind: str, text: str, *, cues: bool = False) -> list[str]:
        """Labels of the ``kind`` concepts named in ``text`` (longest names first, no overlaps)."""
        return [c for c, _s, _e, _how in self._concept_spans(kind, text, cues=cues)]

    def _concept_spans(self, kind: str, text: str, *, cues: bool = False, masked=()) -> list[tuple[str, int, int, str]]:
        taken: list[tuple[int, int]] = list(masked)
        found: list[tuple[str, int, int, str]] = []
        words = []
        for c in self.gaz.concepts[kind].values():
            words += [(n, c.label, "name") for n in c.names]
            if cues:
                words += [(n, c.label, "cue") for n in c.cues]
        words.sort(key=lambda w: -len(w[0]))
        for word, label, how in words:
            pattern = r"(?<![\w-])" + re.escape(word).replace(r"\-", "[- ]").replace(r"\ ", "[- ]") + r"(?![\w-])"
            flags = 0 if (word.isupper() and len(word) <= 5) else re.I
            for m in re.finditer(pattern, text, flags):
                if any(m.start() < b and a < m.end() for a, b in taken):
                    continue
                taken.append((m.start(), m.end()))
                if label not in [f[0] for f in found]:
                    found.append((label, m.start(), m.end(), how))
        return sorted(found, key=lambda f: f[1])

    # -- earlier roles -----------------------------------------------------------------------
    def _earlier(self, person: PersonDraft, said: list[Span]) -> None:
        current = person.current_org.iri if person.current_org else None
        seen = {current}
        for s in said:
            if not _EARLIER.search(s.text):
                continue
            for start, end, org in find_organisations(s.text, self.gaz, s.start):
                if org.iri in seen or self._is_nhs(org.iri):
                    continue
                if org.ambiguous:
                    person.notes.append(Note(f"earlier organisation {self.text[start:end]!r}: as close to {org.label} "
                                             f"as to " + " and to ".join(org.ambiguous) + " (not drafted)",
                                             _ev(self.article, start, end, s, 0.4, "earlier organisation")))
                    continue
                seen.add(org.iri)
                data: dict[str, Any] = {}
                evidence = [_ev(self.article, start, end, s, 0.7 * org.score / 100, "earlier organisation")]
                # "I was head of IT at <organisation>": the title written just before it.
                titled = _EARLIER_TITLE.search(self.text[s.start:start])
                title = titled.group("title").strip() if titled else ""
                if title and _ROLE_WORDS.search(title) and len(title.split()) <= 10:
                    a = s.start + titled.start("title")
                    data["title"] = title
                    types = self._concepts_in("role type", title)
                    if types:
                        data["role_type"] = types[0] if len(types) == 1 else types
                    evidence.insert(0, _ev(self.article, a, a + len(title), s, 0.7, "earlier title"))
                data.update({"organisation": self._use(org), "current": False})
                if "role_type" not in data:
                    self._type_not_stated(data)
                fact = Fact("earlier_roles", data, evidence)
                fact.notes.append(f"{self.text[start:end]!r} read as {org.label} ({org.word}); "
                                  + ("" if title else "no title drafted; ")
                                  + "dates drafted only where the text gives a year: add them if the source gives them")
                person.facts.append(fact)

    # -- start years -------------------------------------------------------------------------
    def _start_years(self, person: PersonDraft, said: list[Span]) -> None:
        """"since 2015", "joined the trust in 2019": the start year of the role at the organisation
        the sentence names (or "the trust": the current one), drafted only when that is one role."""
        roles = [f for f in person.facts if f.section in ("roles", "earlier_roles")]
        latest = int(self.article.date[:4]) if re.match(r"\d{4}", self.article.date or "") else None
        for s in said:
            for m in _START_YEAR.finditer(s.text):
                year = m.group("year")
                ev = _ev(self.article, s.start + m.start(), s.start + m.end(), s, 0.75, "start year")
                if latest is not None and int(year) > latest:
                    person.notes.append(Note(f"start year {year} is after the article's date (not drafted)", ev))
                    continue
                target = self._role_named(person, s, m.start(), roles)
                if target is _NHS:
                    continue
                if target is None:
                    person.notes.append(Note(f"start year {year}: which role it starts is not clear (not drafted)", ev))
                    continue
                if target.data.get("start") not in (None, year):
                    person.notes.append(Note(f"start year {year}: a second year for the role at "
                                             f"{target.data['organisation']} (not drafted)", ev))
                    continue
                target.data["start"] = year
                target.evidence.append(ev)

    def _role_named(self, person: PersonDraft, s: Span, at: int, roles: list[Fact]) -> Any:
        """The drafted role at the organisation nearest ``at`` in ``s`` ("the trust", "joined
        Leeds", the NHS as a whole not being a role), or the current role in its introduction."""
        places: list[tuple[int, str | None]] = []
        named = find_organisations(s.text, self.gaz)
        for m in _NHS_REF.finditer(s.text):
            if not any(a <= m.start() < b for a, b, _org in named):  # not the "NHS" of a trust's name
                places.append((abs(m.start() - at), None))
        for m in _TRUST_REF.finditer(s.text):
            if person.current_org is not None:
                places.append((abs(m.start() - at), person.current_org.iri))
        for start, _end, org in named:
            places.append((abs(start - at), None if self._is_nhs(org.iri) else org.iri))
        if not places:
            intro = _sentence_at(self.article, person.intro.start)
            iri = person.current_org.iri if person.current_org and intro.start == s.start else None
        else:
            iri = min(places, key=lambda p: p[0])[1]
            if iri is None:
                return _NHS  # "in the NHS since 2005": years of service, not a role's start
        word = (self.gaz.org_code.get(iri) or self.gaz.org_label.get(iri, iri)) if iri else None  # as OrgMatch.word
        found = [f for f in roles if word is not None and f.data.get("organisation") == word]
        return found[0] if len(found) == 1 else None

    def _type_not_stated(self, data: dict[str, Any]) -> None:
        if self.gaz.role_not_stated:
            data["role_type"] = self.gaz.role_not_stated

    def _is_nhs(self, iri: str) -> bool:
        return iri.endswith("/org-nhs")

    # -- years of service --------------------------------------------------------------------
    def _service(self, person: PersonDraft, said: list[Span]) -> None:
        for s in said:
            for m in _YEARS.finditer(s.text):
                q = (m.group("q") or "").lower()
                a, b = s.start + m.start("n"), s.start + m.end()
                if m.group("q"):
                    a = s.start + m.start("q")
                ev = _ev(self.article, a, b, s, 0.85, "years of service")
                if q in ("almost", "nearly", "around", "about", "some", "approximately"):
                    person.notes.append(Note(f"years of service: {self.text[a:b]!r} is not a whole number of years "
                                             f"the record can hold (not drafted)", ev))
                    continue
                where = self._place(person, s, m.start("n"))
                if where is None:
                    person.notes.append(Note(f"years of service: {self.text[a:b]!r}, but where is not clear "
                                             f"(not drafted)", ev))
                    continue
                data = {"years": int(m.group("n"))}
                if q or m.group("plus"):
                    data["at_least"] = True
                data.update({"in": where, "as_of": self.article.date})
                if any(f.data.get("in") == where for f in person.section("service")):
                    person.notes.append(Note(f"years of service: a second figure for {where}: "
                                             f"{self.text[a:b]!r} (not drafted)", ev))
                    continue
                person.facts.append(Fact("service", data, [ev]))

    def _place(self, person: PersonDraft, s: Span, at: int) -> str | None:
        """Where years of service were served: the nearest of "the NHS", "the trust" (the
        person's organisation) and an organisation named in the sentence."""
        places = []
        nhs = self.gaz.nhs()
        for m in _NHS_REF.finditer(s.text):
            places.append((abs(m.start() - at), "NHS", None))
        for m in _TRUST_REF.finditer(s.text):
            if person.current_org is not None:
                places.append((abs(m.start() - at), person.current_org.word, person.current_org))
        for start, _end, org in find_organisations(s.text, self.gaz):
            places.append((abs(start - at), "NHS" if self._is_nhs(org.iri) else org.word, org))
        if not places:
            return None
        _d, word, org = min(places, key=lambda p: p[0])
        if word == "NHS":
            if not nhs:
                return None  # the NHS as a whole is not in the loaded graph: a note, not a guess
            person.declare.setdefault(self.gaz.nhs_iri, ("NHS", self.gaz.kind_word(self.gaz.nhs_iri)))
            return "NHS"
        return self._use(org)

    def _use(self, org: OrgMatch) -> str:
        """The word a record writes for ``org``; an organisation without an ODS code (described
        in the loaded data, not the reference layer) is also declared in the record, so the
        draft validates on its own."""
        if org.iri not in self.gaz.org_code:
            self.person.declare.setdefault(org.iri, (org.label, self.gaz.kind_word(org.iri)))
        return org.word

    # -- scale of responsibility -------------------------------------------------------------
    def _scale(self, person: PersonDraft, said: list[Span]) -> None:
        measures = {}
        for c in self.gaz.concepts["measure"].values():
            for n in c.names:
                if len(n.split()) == 1:
                    measures[n.lower()] = c.label
                    measures[n.lower().rstrip("s")] = c.label
        if not measures:
            return
        nouns = "|".join(sorted((re.escape(w) for w in measures), key=len, reverse=True))
        pattern = re.compile(_SCALE_Q + r"(?P<n>\d{1,3}(?:,\d{3})+|\d+)(?!%|\s*per\s*cent)\s+(?:[a-z-]+\s+){0,2}?"
                             rf"(?P<m>{nouns})\b", re.I)
        for s in said:
            for m in pattern.finditer(s.text):
                a = s.start + (m.start("q") if m.group("q") else m.start("n"))
                ev = _ev(self.article, a, s.start + m.end(), s, 0.8, "scale figure")
                label = measures[m.group("m").lower()]
                q = (m.group("q") or "").lower()
                if q in _ABOVE:
                    person.notes.append(Note(f"scale: {ev.text!r} is a bound, not an amount (not drafted)", ev))
                    continue
                if any(f.data["measure"] == label for f in person.section("scale")):
                    person.notes.append(Note(f"scale: a second figure for {label}: {ev.text!r} (not drafted)", ev))
                    continue
                data = {"measure": label, "amount": int(m.group("n").replace(",", "")),
                        "approximate": q in _APPROXIMATE, "as_of": self.article.date}
                person.facts.append(Fact("scale", data, [ev]))

    # -- professional background -------------------------------------------------------------
    def _background(self, person: PersonDraft, said: list[Span]) -> None:
        seen: set[str] = set()
        for s in said:
            for pattern in _BACKGROUND:
                m = pattern.search(s.text)
                if not m:
                    continue
                what = re.split(r"\s+(?:and|but|who|which|with|before|at|for|to|when)\s+", m.group("x").strip())[0]
                clause = s.text[max(0, m.start() - 40): m.end()]
                fields = self._concepts_in("field", clause)
                sectors = [x for x in self._concepts_in("sector", clause) if x != "NHS"]
                a, b = s.start + m.start(), s.start + m.end()
                ev = _ev(self.article, a, b, s, 0.75, "background")
                if not fields and not sectors:
                    person.notes.append(Note(f"background: {what!r}: no field or sector in the vocabulary names it "
                                             f"(add one with 'fields:', or declare it under 'concepts')", ev))
                    continue
                key = "|".join(fields + sectors)
                if key in seen or any(set(fields) <= set(f.data.get("fields", [])) and set(sectors) <=
                                      set(f.data.get("sectors", [])) for f in person.section("backgrounds")):
                    continue
                seen.add(key)
                data: dict[str, Any] = {"label": what[:1].upper() + what[1:]}
                if fields:
                    data["fields"] = fields
                if sectors:
                    data["sectors"] = sectors
                person.facts.append(Fact("backgrounds", data, [ev]))

    # -- quotations --------------------------------------------------------------------------
    def _quotes(self, person: PersonDraft, qa: bool) -> list[tuple[str, Evidence]]:
        spans: list[tuple[int, int, Span, str]] = []
        paras = self._section(person)
        if qa:
            asked = False
            for para in paras:
                if _is_question(para):
                    asked = True
                elif asked and not _is_heading(para):
                    body = para.text
                    label = re.match(r"^(?:A|Answer)\s*[:.]\s+", body)
                    if label:
                        body = body[label.end():]
                    a = para.end - len(body) + (1 if body[:1] in "“‘\"" else 0)
                    b = para.end - (1 if body[-1:] in "”’\"" else 0)
                    spans.append((a, b, para, "answer"))
        else:
            for para in paras:
                if _is_heading(para):
                    continue
                for m in _QUOTES.finditer(para.text):
                    group = next(g for g in ("a", "b", "c") if m.group(g) is not None)
                    a, b = para.start + m.start(group), para.start + m.end(group)
                    inner = self.text[a:b].strip()
                    if len(inner.split()) < 3:
                        continue  # a word or two in quotes: a term, not a quotation
                    whole = m.start() <= 1 and m.end() >= len(para.text.rstrip()) - 1
                    if not whole:
                        sentence = _sentence_at(self.article, a)
                        before = self.text[sentence.start:a]
                        after = self.text[b:sentence.end]
                        if not (_mentions(person, before) or (_mentions(person, after) and _SPEECH.search(after))):
                            person.notes.append(Note(
                                f"a quotation in {person.name}'s part of the article that the text does not "
                                f"attribute to them (not drafted)",
                                _ev(self.article, a, b, sentence, 0.3, "quotation")))
                            continue
                    spans.append((a, b, para, "quotation" if not whole else "quoted paragraph"))
        quotes: list[tuple[str, Evidence]] = []
        keys: set[str] = set()
        for a, b, para, rule in spans:
            while a < b and self.text[a].isspace():
                a += 1
            while b > a and self.text[b - 1].isspace():
                b -= 1
            for ca, cb in _chunks(self.text, a, b, para):
                text = self.text[ca:cb]
                key = _key(text, keys)
                sentence = _sentence_at(self.article, ca)
                ev = Evidence(ca, cb, text, sentence.start, max(sentence.end, cb), 0.9 if rule != "quotation" else 0.75, rule)
                fact = Fact("quotes", {"key": key, "text": text}, [ev])
                if "<" in text or ">" in text:
                    fact.data["label"] = f"{person.name}: quotation {key}"
                    fact.notes.append("label: the quotation holds < or >, which a label may not, so it has its own")
                person.facts.append(fact)
                quotes.append((key, ev))
        return quotes

    def _headline(self, person: PersonDraft, qa: bool) -> None:
        from rapidfuzz import fuzz

        quotes = person.section("quotes")
        if not quotes:
            return
        if qa:
            for para in self._section(person):
                if _is_question(para) and re.search(r"\badvice\b", para.text, re.I):
                    after = [f for f in quotes if f.evidence[0].start > para.end]
                    if after:
                        after[0].data["headline"] = True
                        after[0].notes.append(f"headline: the answer to {para.text!r}")
                    return
            return
        heading = next((p for p in self._section(person) if _is_heading(p)), None)
        if heading is None:
            return
        words = heading.text.strip("“”‘’\"' .!").lower()
        best = max(quotes, key=lambda f: fuzz.partial_ratio(words, f.data["text"].lower()))
        score = fuzz.partial_ratio(words, best.data["text"].lower())
        if score >= 75:
            best.data["headline"] = True
            best.notes.append(f"headline: matches the heading {heading.text!r} ({score:.0f}%)")

    # -- traits ------------------------------------------------------------------------------
    def _traits(self, person: PersonDraft, said: list[Span], quotes: list[tuple[str, Evidence]]) -> None:
        places: list[tuple[int, int, str | None]] = [(ev.start, ev.end, key) for key, ev in quotes]
        places += [(s.start, s.end, None) for s in said
                   if not any(ev.start <= s.start and s.end <= ev.end for _k, ev in quotes)]
        places.sort()
        done: dict[str, Fact] = {}
        for a, b, key in places:
            text = self.text[a:b]
            masked = [(m.start(), m.end()) for m in _TRUST_REF.finditer(text)]
            masked += [(x - a, y - a) for x, y, _o in find_organisations(text, self.gaz, a)]
            masked += [(m.start(), m.end()) for m in re.finditer(r"\bNHS trusts?\b", text, re.I)]
            for label, x, y, how in self._concept_spans("trait", text, cues=True, masked=masked):
                if label in done:
                    fact = done[label]
                    if key and "quote" not in fact.data:
                        fact.data["quote"] = key
                    continue
                sentence = _sentence_at(self.article, a + x)
                ev = _ev(self.article, a + x, a + y, sentence, 0.8 if how == "name" else 0.65,
                         "trait " + ("label" if how == "name" else "cue phrase"))
                data: dict[str, Any] = {"trait": label}
                if key:
                    data["quote"] = key
                else:
                    data["text"] = sentence.text
                fact = Fact("traits", data, [ev])
                done[label] = fact
                person.facts.append(fact)


def _chunks(text: str, a: int, b: int, para: Paragraph) -> list[tuple[int, int]]:
    """``text[a:b]`` in pieces of at most MAX_QUOTE characters, cut between sentences."""
    if b - a <= MAX_QUOTE:
        return [(a, b)]
    cuts = [s.end for s in para.sentences if a < s.end < b]
    pieces, start = [], a
    while b - start > MAX_QUOTE:
        fitting = [c for c in cuts if start < c <= start + MAX_QUOTE]
        end = fitting[-1] if fitting else start + MAX_QUOTE
        pieces.append((start, end))
        start = end
        while start < b and text[start].isspace():
            start += 1
    if start < b:
        pieces.append((start, b))
    return pieces


def _key(text: str, taken: set[str]) -> str:
    from leadgraph.records.vocabulary import slug

    words = [w for w in re.findall(r"[a-z0-9]+", text.lower().replace("’", "'")) if len(w) > 2][:4]
    key = slug(" ".join(words)) or "quote"
    found, n = key, 2
    while found in taken:
        found, n = f"{key}-{n}", n + 1
    taken.add(found)
    return found
