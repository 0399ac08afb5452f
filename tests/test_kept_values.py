"""Named queries made quick on an on-disk store by their headers: ``keep:`` (the answer for every
value a SELECT lists, kept at build) and ``narrow:`` (``name-search`` hands the engine only the
leaders the generation's kept name index finds). Neither may change an answer."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys

import pytest

from leadgraph import resources
from leadgraph.errors import QueryError
from leadgraph.keeping import MAX_VALUES, build_store
from leadgraph.loading import load, open_store
from leadgraph.lookup import LEADER_NAMES, folded, leaders_containing
from leadgraph.sparql.named import named_queries, parse_header
from leadgraph.sparql.run import ANSWERS, KeptResult, answer_key, prepare, query
from leadgraph.store import derived

LEADGRAPH = [sys.executable, "-m", "leadgraph"]

# People named only through one predicate each, a blank-spaced name, and names whose case
# folding is not ASCII's: each must be found exactly as the engine finds it.
EXTRA = """
@prefix lg: <https://w3id.org/leadgraph/ontology#> .
@prefix lgd: <https://w3id.org/leadgraph/id/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix schema: <https://schema.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
lgd:x-label a lg:Leader ; foaf:name "Una Label" ; rdfs:label "Labelled Onlyhere" .
lgd:x-alt a lg:Leader ; foaf:name "Ann Alt" ; schema:alternateName "Nickname\\tWith   Spaces" .
lgd:x-given a lg:Leader ; foaf:name "G Given" ; foaf:givenName "Sigrún" ; foaf:familyName "STRAßE" .
lgd:x-greek a lg:Leader ; foaf:name "ΟΔΥΣΣΕΥΣ Παπας" .
lgd:x-turkish a lg:Leader ; foaf:name "İsmail Öz" .
lgd:x-salish a lg:Leader ; foaf:name "\uA7DCam Smith" ; foaf:familyName "\u1C89an" .
<urn:x:https://w3id.org/leadgraph/id/bob> a lg:Leader ; foaf:name "Robert Urn" .
lgd:tie-a a lg:Leader ; foaf:name "Tie Same" .
lgd:tie-b a lg:Leader ; foaf:name "Tie Same" .
lgd:tie-c a lg:Leader ; foaf:name "Tie Same" ; rdfs:label "Tie Same" .
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    root = tmp_path_factory.mktemp("values")
    data = root / "data"
    shutil.copytree(resources.data_dir(), data)
    (data / "extra-names.ttl").write_text(EXTRA, encoding="utf-8")
    build_store(root / "kept", [data])
    build_store(root / "plain", [data], answers=False)
    return root


def test_keep_and_narrow_header_fields():
    header = parse_header("# title: T\n# param: org (iri) O.\n# keep: org SELECT ?org WHERE {\n"
                          "#   ?m <https://e/p> ?org }\n# param: name (string) N.\n# narrow: who by name\nSELECT * {}\n")
    assert header.keep == ("org", "SELECT ?org WHERE { ?m <https://e/p> ?org }")
    assert header.narrow == ("who", "name")
    for bad, message in [("# keep: org\n", "a keep line reads"), ("# narrow: who\n", "a narrow line reads"),
                         ("# keep: nope SELECT ?nope {}\n", "'keep:' names 'nope'"),
                         ("# narrow: who by nope\n", "'narrow:' names 'nope'"),
                         ("# narrow: who by org\n", "'narrow:' needs a text parameter; 'org' is iri")]:
        with pytest.raises(QueryError, match=message):
            parse_header("# title: T\n# param: org (iri) O.\n" + bad + "SELECT * {}\n")


def test_build_keeps_the_answer_for_every_listed_value(store):
    kept = open_store(store / "kept")
    memory = load([store / "data"])
    keeping = {name: named for name, named in named_queries().items() if named.keep}
    assert set(keeping) >= {"leaders-at-organisation", "leaders-with-trait"}
    for name, named in keeping.items():
        param, select = named.keep
        values = sorted({str(row[param]) for row in query(select, graph=memory, timeout=None).rows})
        assert 0 < len(values) <= MAX_VALUES, name
        for value in values:
            form, final = prepare(named, {param: f"<{value}>"})
            assert derived.get(kept.store, ANSWERS, answer_key(form, final)) is not None, (name, value)
            served = query(name, {param: f"<{value}>"}, graph=kept, timeout=None)
            expected = query(name, {param: f"<{value}>"}, graph=memory, timeout=None)
            assert isinstance(served, KeptResult)
            assert served.serialize("csv") == expected.serialize("csv"), (name, value)
    # an organisation nobody works at has no answer kept: the engine answers it, correctly empty
    form, final = prepare("leaders-at-organisation", {"organisation": "lgd:org-nobody"})
    assert derived.get(kept.store, ANSWERS, answer_key(form, final)) is None
    assert query("leaders-at-organisation", {"organisation": "lgd:org-nobody"}, graph=kept).rows == []


def test_the_cli_reads_a_value_kept_at_build(store, tmp_path):
    """Served from the entry kept at build, not recomputed: a planted answer shows."""
    folder = tmp_path / "store"
    shutil.copytree(store / "kept", folder)
    kept = open_store(folder).store
    shutil.rmtree(kept.generation / "derived" / "query-output", ignore_errors=True)  # texts other tests kept
    form, final = prepare("leaders-with-trait", {"trait": "lgd:trait-resilience"})
    assert derived.get(kept, ANSWERS, answer_key(form, final)) is not None
    planted = '{"head":{"vars":["name"]},"results":{"bindings":[{"name":{"type":"literal","value":"Kept"}}]}}'
    derived.put(kept, ANSWERS, answer_key(form, final), {"form": form, "payload": planted})
    out = subprocess.run([*LEADGRAPH, "--store", str(folder), "query", "leaders-with-trait", "--param",
                          "trait=lgd:trait-resilience", "-f", "csv"], capture_output=True, text=True, check=True)
    assert out.stdout == "name\nKept\n"


def _texts(memory) -> list[str]:
    """Search texts: every name and IRI, parts of them in odd case and spacing, and misses."""
    names = [str(r["v"]) for r in query(
        "SELECT ?v WHERE { ?p a lg:Leader { ?p foaf:name|foaf:givenName|foaf:familyName|schema:alternateName|"
        "rdfs:label ?v } UNION { BIND(STR(?p) AS ?v) } }", graph=memory, timeout=None).rows]
    chance = random.Random(7)
    texts = ["", " ", "\t", "zzz", "lgd:ayesha-rahim", "lgd:x-greek", "https://w3id.org/leadgraph/id/x-alt",
             "lgd:", "ς", "σσ", "ΣΕΥΣ", "strasse", "straße", "STRASSE", "i̇smail", "ismail", "İSMAIL", "öz",
             "nickname with spaces", "  NICKNAME\twith ", "with  spaces", "labelled only", "sigrún",
             # lowercased by the engine's newer Unicode tables, not Python 3.11's (found in review)
             "\uA7DC", "\uA7DCAM", "\u1C89AN", "\u1C8Aan", "\u0264",
             # the lgd: form the query makes with STRAFTER, wherever the namespace sits in the IRI
             "lgd:bob", "urn:x:https://w3id.org/leadgraph/id/bob", "tie same"]
    for name in names:
        start = chance.randrange(len(name) + 1)
        part = name[start:start + chance.randrange(1, 9)]
        texts.append("".join(c.upper() if chance.random() < 0.5 else c for c in part))
        texts.append(part.replace(" ", "  \t"))
    return texts


@pytest.mark.parametrize("folder", ["kept", "plain"])
def test_name_search_narrowed_on_disk_answers_as_the_engine_does(store, folder):
    disk, memory = open_store(store / folder), load([store / "data"])
    for text in _texts(memory):
        expected = query("name-search", {"name": text}, graph=memory, timeout=None).rows
        got = query("name-search", {"name": text}, graph=disk, timeout=None).rows
        assert got == expected, text
    # the plain store made its index the first time, and kept it
    assert derived.kinds(disk.store).get(LEADER_NAMES) == 1


def test_narrowing_binds_only_the_leaders_found(store):
    disk = open_store(store / "kept").store
    assert leaders_containing(disk, ["  una LABEL"]) == ["https://w3id.org/leadgraph/id/x-label"]
    assert leaders_containing(disk, ["labelledonly"]) == ["https://w3id.org/leadgraph/id/x-label"]
    assert leaders_containing(disk, ["no such text"]) == []
    assert leaders_containing(disk, [""]) is None  # everyone: nothing to gain
    assert leaders_containing(load().store, ["Phil"]) is None  # memory keeps no index


def test_a_leader_without_an_iri_turns_narrowing_off(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(resources.data_dir(), data)
    (data / "blank.ttl").write_text('[] a <https://w3id.org/leadgraph/ontology#Leader> ; '
                                    '<http://xmlns.com/foaf/0.1/name> "Anon Ymous" .\n', encoding="utf-8")
    build_store(tmp_path / "store", [data])
    disk = open_store(tmp_path / "store")
    assert leaders_containing(disk.store, ["Anon"]) is None
    rows = query("name-search", {"name": "anon"}, graph=disk, timeout=None).rows
    assert [r["fullName"] for r in rows] == ["Anon Ymous"]


def test_every_space_the_engine_collapses_is_one_folded_drops():
    """name-search collapses the engine's whitespace (regex \\s) before LCASE and CONTAINS; the
    index may ignore that only if folded() drops every one of those characters."""
    import pyoxigraph as ox

    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    row = next(iter(ox.Store().query('SELECT ?t (REPLACE(?t, "\\\\S", "") AS ?w) WHERE {}',
                                     substitutions={ox.Variable("t"): ox.Literal(every)})))
    spaces = row["w"].value
    assert " " in spaces and "\u3000" in spaces and len(spaces) >= 25
    assert folded(spaces) == ""


def test_folded_keeps_containment():
    chance = random.Random(11)
    alphabet = "aAbBsSßσςΣİiıIöÖ \t\u00a0\u2003-'"
    for _ in range(5000):
        big = "".join(chance.choice(alphabet) for _ in range(chance.randrange(12)))
        small = big[chance.randrange(len(big) + 1):][:chance.randrange(6)]
        # what the query does: collapse spaces, then LCASE both sides, then CONTAINS
        assert folded(small) in folded(big), (small, big)
        assert folded(" ".join(small.split()).lower()) in folded(big.lower()), (small, big)
