"""SYNTHETIC leader data at national scale, shaped like data/people/*.ttl, for benchmarks and tests.

Every person here is invented ("Synthetic Person 000123"); every statement about them is
derived from a source node marked as synthetic (title "Synthetic source N",
``dcterms:type "Synthetic"``). The organisations are real NHS trusts (from the loaded
ontology and reference layer, or read from an ODS ``etr.csv`` extract), but nothing said
about them is invented beyond their name, code and kind: the people, their roles there,
the programmes and partnerships are all synthetic.

What a person gets, with skewed (Zipf) frequencies over the vocabularies in
ontology/concepts.ttl: a role history (1-5 roles, dated with ``org:memberDuring``, the last
one current), years of service, one or two professional backgrounds (field, sometimes a
sector), sometimes a qualification and responsibility scales, quotations (one is the
headline advice) and 3-8 trait attributions supported by their own quotation or by text,
each statement derived from one of the person's 2-4 sources.

The output is deterministic for a seed, and person ``i`` is the same whatever the total, so
a smaller file is a prefix of a larger one. Output streams: memory stays bounded at any size.

    .venv/bin/python benchmarks/synth.py --people 50 --seed 1 -o /tmp/synth-50.ttl
    .venv/bin/python benchmarks/synth.py --triples 1000000 -o /tmp/synth-1m.ttl --ods ../shared/reference/ods/etr.csv
    .venv/bin/python benchmarks/synth.py --triples 10000000 --large -o /tmp/synth-10m.ttl

From Python: ``generate(people, seed)`` yields Turtle text chunks (the prefix lines, then
one subject block each); ``write(path, people=..., triples=...)`` writes a file.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import itertools
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from leadgraph.namespaces import turtle_prefixes

LG = "https://w3id.org/leadgraph/ontology#"
LGD = "https://w3id.org/leadgraph/id/"
LARGE = 2_000_000
"""Above this many triples --large is required (10M triples take minutes and gigabytes to load)."""
ZIPF = 1.1

PREFIXES = turtle_prefixes(["lg", "lgd", "org", "schema", "foaf", "prov", "dcterms", "rdfs", "time", "xsd"])
HEADER = (
    "# SYNTHETIC data made by benchmarks/synth.py (seed {seed}). Every person is invented; every\n"
    "# statement is derived from a source marked dcterms:type \"Synthetic\". Do not mix with real data.\n\n"
)


@dataclass
class Concept:
    iri: str  # prefixed name, e.g. lgd:role-cio
    label: str
    short: str = ""  # an altLabel such as "CIO", used for job titles


@dataclass
class Trust:
    code: str
    name: str
    kind: str  # a class as a prefixed name
    described: bool  # False when the loaded layer already describes it


@dataclass
class Vocabulary:
    roles: list[Concept]
    traits: list[Concept]
    fields: list[Concept]
    sectors: list[Concept]
    measures: list[Concept]
    regions: list[Concept]
    programme_kinds: list[Concept]
    trusts: list[Trust] = field(default_factory=list)


def _prefixed(iri: str) -> str:
    if iri.startswith(LGD):
        return "lgd:" + iri[len(LGD):]
    if iri.startswith(LG):
        return "lg:" + iri[len(LG):]
    return f"<{iri}>"


def vocabulary(ods: Path | None = None) -> Vocabulary:
    """Concepts from the ontology, and trusts from the loaded layer plus ``ods`` (an etr.csv)."""
    from leadgraph.loading import load

    store = load([]).store

    def concepts(klass: str, extra: str = "") -> list[Concept]:
        rows = store.select(
            f"SELECT ?c ?label (MIN(?alt) AS ?short) WHERE {{ ?c a {klass} ; skos:prefLabel ?label . {extra}"
            " OPTIONAL { ?c skos:altLabel ?alt } } GROUP BY ?c ?label ORDER BY ?c"
        )
        return [Concept(_prefixed(r["c"].value), r["label"].value, r["short"].value if r.get("short") else "")
                for r in rows]

    vocab = Vocabulary(
        roles=concepts("lg:RoleType", "?c skos:broader ?group ."),  # not "Role type not stated"
        traits=concepts("lg:Trait"),
        fields=concepts("lg:Field"),
        sectors=concepts("lg:Sector"),
        measures=concepts("lg:Measure"),
        regions=concepts("lg:Region"),
        programme_kinds=concepts("lg:ProgrammeKind"),
    )
    known = {}
    for row in store.select("SELECT ?o ?code ?name WHERE { ?o lg:odsCode ?code ; rdfs:label ?name } ORDER BY ?code"):
        known.setdefault(row["code"].value, Trust(row["code"].value, row["name"].value, "", False))
    vocab.trusts = list(known.values())
    if ods is not None:
        for trust in read_etr(ods):
            if trust.code not in known:
                known[trust.code] = trust
                vocab.trusts.append(trust)
    empty = [name for name in ("roles", "traits", "fields", "sectors", "measures", "regions") if not getattr(vocab, name)]
    if empty:
        raise SystemExit(f"the ontology has no {', '.join(empty)}: cannot generate")
    if not vocab.trusts:
        raise SystemExit("no organisation with an lg:odsCode in the ontology or reference layer: "
                         "pass --ods PATH/TO/etr.csv (e.g. ../shared/reference/ods/etr.csv)")
    return vocab


_SMALL_WORDS = {"AND": "and", "OF": "of", "THE": "the", "FOR": "for", "NHS": "NHS", "ICB": "ICB"}


def _title(name: str) -> str:
    words = []
    for k, word in enumerate(name.split()):
        if word in _SMALL_WORDS and (k > 0 or word in ("NHS", "ICB")):
            words.append(_SMALL_WORDS[word])
        else:
            words.append("-".join(part.capitalize() for part in word.split("-")))
    return " ".join(words)


def read_etr(path: Path) -> list[Trust]:
    """Open trusts from an ODS etr.csv extract (no header; code, NAME, ..., close date in column 12)."""
    trusts = []
    with open(path, newline="", encoding="utf-8-sig") as handle:
        for row in csv.reader(handle):
            if len(row) < 12 or row[11].strip():
                continue
            code, name = row[0].strip().upper(), row[1].strip()
            if "AMBULANCE" in name:
                kind = "lg:AmbulanceTrust"
            elif "FOUNDATION TRUST" in name:
                kind = "lg:NHSFoundationTrust"
            else:
                kind = "lg:NHSTrust"
            trusts.append(Trust(code, _title(name), kind, True))
    return trusts


def _zipf(count: int, s: float = ZIPF) -> list[float]:
    """Cumulative Zipf weights: the first item is the most frequent."""
    return list(itertools.accumulate(1.0 / (rank ** s) for rank in range(1, count + 1)))


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _date(year: int, month: int, day: int) -> str:
    return f'"{year:04d}-{month:02d}-{day:02d}"^^xsd:date'


class _Block:
    """One subject's triples, written as a Turtle block like the hand-written files."""

    __slots__ = ("subject", "pairs")

    def __init__(self, subject: str, *classes: str):
        self.subject = subject
        self.pairs: list[tuple[str, str]] = [("a", c) for c in classes]

    def add(self, predicate: str, obj: str) -> "_Block":
        self.pairs.append((predicate, obj))
        return self

    def text(self) -> str:
        # One line per predicate, objects joined with commas, as in the hand-written files.
        grouped: list[tuple[str, list[str]]] = []
        for p, o in self.pairs:
            if grouped and grouped[-1][0] == p:
                grouped[-1][1].append(o)
            else:
                grouped.append((p, [o]))
        body = " ;\n".join(f"    {p} {', '.join(objects)}" for p, objects in grouped)
        return f"{self.subject}\n{body} .\n\n"


def _pick(rng: random.Random, items: list, cum: list[float]):
    return items[bisect.bisect_left(cum, rng.random() * cum[-1])]


def _distinct(rng: random.Random, items: list, cum: list[float], n: int) -> list:
    n = min(n, len(items))
    chosen: list = []
    while len(chosen) < n:
        item = _pick(rng, items, cum)
        if item not in chosen:
            chosen.append(item)
    return chosen


SOURCES_PER_100 = 12
"""Sources per 100 people: a person cites 2-4 from a sliding window, so sources are shared."""
PROGRAMMES_PER_1000 = 5
PARTNERSHIPS_PER_1000 = 5
ACADEMIES = 12


def generate(people: int | None = None, seed: int = 0, *, triples: int | None = None,
             vocab: Vocabulary | None = None, counter: list[int] | None = None) -> Iterator[str]:
    """Yield SYNTHETIC Turtle: prefixes first, then one subject block per chunk.

    Stops after ``people`` people, or once ``triples`` triples have been written (whichever
    is given; both: whichever comes first). ``counter``, a one-item list, receives the running
    number of triples written so far (Turtle alone does not say).
    """
    if people is None and triples is None:
        raise ValueError("give people or triples")
    vocab = vocab or vocabulary()
    counter = counter if counter is not None else [0]
    roles, traits = vocab.roles, vocab.traits
    role_cum, trait_cum = _zipf(len(roles)), _zipf(len(traits))
    field_cum, sector_cum = _zipf(len(vocab.fields)), _zipf(len(vocab.sectors))
    region_cum = _zipf(len(vocab.regions))
    # Trusts in a seeded order so the busiest differ by seed but not by run; the skew is milder
    # than for concepts because people spread over many employers.
    trusts = list(vocab.trusts)
    random.Random(f"trusts:{seed}").shuffle(trusts)
    trust_cum = _zipf(len(trusts), 0.7)
    emitted = {"source": 0, "programme": 0, "partnership": 0}

    def emit(block: _Block) -> str:
        counter[0] += len(block.pairs)
        return block.text()

    def header_blocks() -> Iterator[str]:
        yield PREFIXES + "\n" + HEADER.format(seed=seed)
        for trust in vocab.trusts:
            if trust.described:
                yield emit(_Block(f"lgd:org-{trust.code.lower()}", trust.kind)
                           .add("rdfs:label", _literal(trust.name)).add("lg:odsCode", _literal(trust.code)))
        for a in range(ACADEMIES):
            yield emit(_Block(f"lgd:synthetic-academy-{a:03d}", "lg:Academy")
                       .add("rdfs:label", _literal(f"Synthetic Academy {a:03d}"))
                       .add("prov:wasDerivedFrom", "lgd:synthetic-source-000000"))

    def source(n: int) -> _Block:
        rng = random.Random(f"source:{seed}:{n}")
        title = f"Synthetic source {n}"
        return (_Block(f"lgd:synthetic-source-{n:06d}", "lg:Source", "prov:Entity")
                .add("rdfs:label", _literal(title)).add("dcterms:title", _literal(title))
                # Issued after every date a person's statements carry (at most 2025-12-28), as a
                # source reports what has happened: validate flags a date later than its source.
                .add("dcterms:issued", _date(2026, rng.randint(1, 10), rng.randint(1, 28)))
                .add("dcterms:type", _literal("Synthetic")))

    def programme(n: int) -> _Block:
        rng = random.Random(f"programme:{seed}:{n}")
        block = (_Block(f"lgd:synthetic-programme-{n:04d}", "lg:Programme", "schema:Project")
                 .add("rdfs:label", _literal(f"Synthetic programme {n:04d}")))
        if vocab.programme_kinds:
            block.add("lg:programmeKind", rng.choice(vocab.programme_kinds).iri)
        block.add("lg:hostedBy", f"lgd:org-{_pick(rng, trusts, trust_cum).code.lower()}")
        for region in _distinct(rng, vocab.regions, region_cum, rng.randint(1, 3)):
            block.add("lg:spansRegion", region.iri)
        return block.add("prov:wasDerivedFrom", f"lgd:synthetic-source-{rng.randrange(max(1, emitted['source'])):06d}")

    def partnership(n: int) -> _Block:
        rng = random.Random(f"partnership:{seed}:{n}")
        block = (_Block(f"lgd:synthetic-partnership-{n:04d}", "lg:PlaceBasedPartnership")
                 .add("rdfs:label", _literal(f"Synthetic place-based partnership {n:04d}")))
        for region in _distinct(rng, vocab.regions, region_cum, rng.randint(1, 2)):
            block.add("lg:servesArea", region.iri)
        return block.add("prov:wasDerivedFrom", f"lgd:synthetic-source-{rng.randrange(max(1, emitted['source'])):06d}")

    def catch_up(kind: str, wanted: int, make) -> Iterator[str]:
        # Shared nodes appear as the people who cite them do, so any prefix of the output is whole.
        while emitted[kind] < wanted:
            yield emit(make(emitted[kind]))
            emitted[kind] += 1

    yield from header_blocks()
    for i in itertools.count():
        if people is not None and i >= people:
            return
        if triples is not None and counter[0] >= triples:
            return
        yield from catch_up("source", 20 + (i * SOURCES_PER_100) // 100, source)
        yield from catch_up("programme", 1 + (i * PROGRAMMES_PER_1000) // 1000, programme)
        yield from catch_up("partnership", 1 + (i * PARTNERSHIPS_PER_1000) // 1000, partnership)
        for block in _person(i, seed, vocab, emitted, trusts, trust_cum, role_cum, trait_cum, field_cum, sector_cum):
            yield emit(block)


def _person(i, seed, vocab, emitted, trusts, trust_cum, role_cum, trait_cum, field_cum, sector_cum) -> list[_Block]:
    rng = random.Random(f"person:{seed}:{i}")
    pid = f"synthetic-person-{i:06d}"
    person = f"lgd:{pid}"
    name = f"Synthetic Person {i:06d}"
    window = emitted["source"]
    sources = [f"lgd:synthetic-source-{n:06d}"
               for n in rng.sample(range(max(0, window - 20), window), rng.randint(2, 4))]
    as_of_year = rng.randint(2019, 2025)
    as_of = _date(as_of_year, rng.randint(1, 12), rng.randint(1, 28))
    blocks: list[_Block] = []
    me = _Block(person, "lg:Leader", "schema:Person", "foaf:Person")
    me.add("rdfs:label", _literal(name)).add("foaf:name", _literal(name))
    me.add("foaf:givenName", _literal("Synthetic")).add("foaf:familyName", _literal(f"Person {i:06d}"))
    if rng.random() < 0.3:
        me.add("schema:alternateName", _literal(f"Synth {i:06d}"))
    blocks.append(me)

    # Role history: consecutive posts, the last one current at the source's date.
    years = min(40, max(1, int(rng.paretovariate(1.6) * 4)))
    start = as_of_year - years
    posts = min(5, 1 + int(rng.expovariate(0.9)))
    bounds = sorted(rng.sample(range(start + 1, as_of_year + 1), min(posts - 1, max(0, as_of_year - start))))
    spans = list(zip([start] + bounds, bounds + [None]))
    home = None
    for k, (begin, end) in enumerate(spans):
        current = end is None
        role = _pick(rng, vocab.roles, role_cum)
        mid = f"lgd:{pid}-role-{k}"
        if rng.random() < 0.08 and emitted["partnership"]:
            where = f"lgd:synthetic-partnership-{rng.randrange(emitted['partnership']):04d}"
            where_name = f"Synthetic place-based partnership {where[-4:]}"
        else:
            trust = _pick(rng, trusts, trust_cum)
            where, where_name = f"lgd:org-{trust.code.lower()}", trust.name
            home = home if not current else where
        title = role.short or role.label
        m = _Block(mid, "org:Membership")
        m.add("rdfs:label", _literal(f"{name}, {title} at {where_name}" + ("" if current else " (earlier)")))
        m.add("org:member", person).add("org:organization", where).add("org:role", role.iri)
        m.add("lg:jobTitle", _literal(title)).add("lg:current", "true" if current else "false")
        if current:
            m.add("lg:asOf", as_of)
        if rng.random() < 0.1 and emitted["programme"]:
            m.add("lg:programme", f"lgd:synthetic-programme-{rng.randrange(emitted['programme']):04d}")
        m.add("org:memberDuring", f"{mid}-period").add("prov:wasDerivedFrom", rng.choice(sources))
        blocks.append(m)
        period = _Block(f"{mid}-period", "time:Interval").add("time:hasBeginning", f"{mid}-began")
        blocks.append(period)
        blocks.append(_Block(f"{mid}-began", "time:Instant").add("time:inXSDDate", _date(begin, rng.randint(1, 12), 1)))
        if end is not None:
            period.add("time:hasEnd", f"{mid}-ended")
            blocks.append(_Block(f"{mid}-ended", "time:Instant").add("time:inXSDDate", _date(end, rng.randint(1, 12), 1)))
    home = home or f"lgd:org-{_pick(rng, trusts, trust_cum).code.lower()}"

    s = _Block(f"lgd:{pid}-service", "lg:ServiceRecord")
    s.add("rdfs:label", _literal(f"{name}: {years} years in the NHS")).add("lg:person", person)
    s.add("lg:years", str(years)).add("lg:serviceIn", home).add("lg:asOf", as_of)
    if rng.random() < 0.2:
        s.add("lg:atLeast", "true")
    blocks.append(s.add("prov:wasDerivedFrom", rng.choice(sources)))

    for k in range(1 if rng.random() < 0.7 else 2):
        fld = _pick(rng, vocab.fields, field_cum)
        b = _Block(f"lgd:{pid}-background-{k}", "lg:ProfessionalBackground")
        b.add("rdfs:label", _literal(f"Synthetic {fld.label.lower()} background")).add("lg:person", person)
        b.add("lg:field", fld.iri)
        if vocab.sectors and rng.random() < 0.4:
            b.add("lg:sector", _pick(rng, vocab.sectors, sector_cum).iri)
        blocks.append(b.add("prov:wasDerivedFrom", rng.choice(sources)))

    if rng.random() < 0.3:
        c = _Block(f"lgd:{pid}-credential", "schema:EducationalOccupationalCredential")
        c.add("rdfs:label", _literal("Synthetic master's degree")).add("schema:credentialCategory", _literal("Master's degree"))
        c.add("lg:subjectArea", _literal("Synthetic subject")).add("lg:deliveredBy", f"lgd:synthetic-academy-{rng.randrange(ACADEMIES):03d}")
        blocks.append(c.add("prov:wasDerivedFrom", rng.choice(sources)))
        me.add("schema:hasCredential", c.subject)

    if vocab.measures and rng.random() < 0.4:
        for k, measure in enumerate(rng.sample(vocab.measures, rng.randint(1, len(vocab.measures)))):
            amount = int(rng.paretovariate(1.2) * 50)
            r = _Block(f"lgd:{pid}-scale-{k}", "lg:ResponsibilityScale")
            r.add("rdfs:label", _literal(f"{name}: {amount} {measure.label.lower()}")).add("lg:person", person)
            r.add("lg:measure", measure.iri).add("lg:amount", str(amount))
            r.add("lg:approximate", "true" if rng.random() < 0.5 else "false").add("lg:asOf", as_of)
            blocks.append(r.add("prov:wasDerivedFrom", rng.choice(sources)))

    quotes = []
    for k in range(rng.randint(1, 4)):
        q = _Block(f"lgd:{pid}-quote-{k}", "schema:Quotation")
        q.add("rdfs:label", _literal(f"{name}, synthetic quotation {k}"))
        q.add("schema:text", _literal(f"Synthetic quotation {k} of {name}."))
        q.add("schema:creator", person).add("prov:wasQuotedFrom", rng.choice(sources))
        quotes.append(q.subject)
        blocks.append(q)
    me.add("lg:headlineAdvice", quotes[0])

    for trait in _distinct(rng, vocab.traits, trait_cum, rng.randint(3, 8)):
        t = _Block(f"lgd:{pid}-{trait.iri.split(':', 1)[1]}", "lg:TraitAttribution")
        t.add("lg:person", person).add("lg:trait", trait.iri)
        if rng.random() < 0.5:
            t.add("lg:supportingQuote", rng.choice(quotes))
        else:
            t.add("lg:supportingText", _literal(f"Synthetic supporting text: {name} shows {trait.label.lower()}."))
        blocks.append(t.add("prov:wasDerivedFrom", rng.choice(sources)))

    for source in sorted(set(sources)):
        me.add("prov:wasDerivedFrom", source)
    return blocks


def write(path: Path, *, people: int | None = None, triples: int | None = None, seed: int = 0,
          vocab: Vocabulary | None = None) -> int:
    """Write SYNTHETIC Turtle to ``path`` (atomically: a partial file never has the final name); return triples written."""
    path = Path(path)
    counter = [0]
    partial = path.with_name(path.name + ".partial")
    with open(partial, "w", encoding="utf-8") as out:
        for chunk in generate(people, seed, triples=triples, vocab=vocab, counter=counter):
            out.write(chunk)
    partial.replace(path)
    return counter[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    size = parser.add_mutually_exclusive_group(required=True)
    size.add_argument("--people", type=int, help="how many synthetic people")
    size.add_argument("--triples", type=int, help="stop once about this many triples are written")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-o", "--output", type=Path, required=True, help="a .ttl file (never under data/)")
    parser.add_argument("--ods", type=Path, help="also take trusts from this ODS etr.csv extract")
    parser.add_argument("--large", action="store_true", help=f"allow more than {LARGE:,} triples")
    args = parser.parse_args(argv)
    repo_data = (Path(__file__).resolve().parents[1] / "data").resolve()
    if repo_data in args.output.resolve().parents:
        parser.error("refusing to write synthetic data into data/")
    if args.triples is not None and args.triples > LARGE and not args.large:
        parser.error(f"--triples above {LARGE:,} needs --large (minutes to generate, gigabytes to load)")
    if args.people is not None and args.people > LARGE // 100 and not args.large:
        parser.error(f"--people above {LARGE // 100:,} needs --large")
    written = write(args.output, people=args.people, triples=args.triples, seed=args.seed, vocab=vocabulary(args.ods))
    print(f"{written} triples -> {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
