"""The compiled SPARQL engine against pyshacl (the reference), on every store, and incremental
validation of an on-disk store after files are added, changed and removed."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from leadgraph.loading import build_store, load, open_store, update_store
from leadgraph.store.disk import read_validation
from leadgraph.validation import ValidationReport, validate
from leadgraph.validation.compiled import Unsupported

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = sorted((FIXTURES / "invalid").glob("*.ttl")) + sorted((FIXTURES / "constraints").glob("*.ttl"))


@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_same_findings_as_pyshacl(path):
    ours = validate(data=path)
    reference = validate(data=path, engine="pyshacl")
    assert ours.results == reference.results
    assert ours.conforms == reference.conforms is False


def test_same_findings_as_pyshacl_on_the_bundled_data(bundled_graph):
    assert validate(bundled_graph).results == validate(bundled_graph, engine="pyshacl").results == []


# Each constraint kind the shapes use, and the RDFS typing the engine asks for instead of
# materialising, is exercised by some finding in the corpus (so the comparison above is not vacuous).
EXPECTED = [
    ("datatypes-and-counts.ttl", "lgd:test-service-ill-typed", "lg:years", "'abc'^^xsd:integer"),  # datatype, ill-typed
    ("datatypes-and-counts.ttl", "lgd:test-service-negative", "lg:years", "'-3'^^xsd:integer"),  # minInclusive
    ("datatypes-and-counts.ttl", "lgd:test-scale", "lg:amount", None),  # maxCount, no sh:message
    ("datatypes-and-counts.ttl", "lgd:test-scale", "lg:measure", None),  # minCount, no sh:message
    ("datatypes-and-counts.ttl", "lgd:test-membership-dates", "lg:asOf", "'2021-13-45'^^xsd:date"),
    ("datatypes-and-counts.ttl", "lgd:test-source-year", "dcterms:issued", "'2021'^^xsd:gYear"),
    ("datatypes-and-counts.ttl", "'the NHS'", "rdfs:label", None),  # a literal typed by a range
    ("values-and-classes.ttl", "lgd:test-iri-label", "rdfs:label", "lgd:test-trust"),  # nodeKind
    ("values-and-classes.ttl", "lgd:test-padded-label", "rdfs:label", "' Padded '"),  # pattern
    ("values-and-classes.ttl", "lgd:test-empty-pref", "skos:prefLabel", "''"),  # minLength, targetSubjectsOf
    ("values-and-classes.ttl", "lgd:test-variant-leader", "schema:alternateName", "''"),
    ("values-and-classes.ttl", "lgd:test-two-text-quote", "schema:text", None),  # maxCount
    ("values-and-classes.ttl", "lgd:test-programme", "lg:hostedBy", "'NHS England'"),  # sh:class on a literal
    ("values-and-classes.ttl", "lgd:test-variant-membership", "org:role", "lgd:test-leader"),  # sh:class
    ("inference-and-blank-nodes.ttl", "lgd:test-ghost", "foaf:name", None),  # typed by rdfs:range
    ("inference-and-blank-nodes.ttl", "lgd:test-person", "^org:member", None),  # typed by rdfs:domain
    ("inference-and-blank-nodes.ttl", "lgd:test-undeclared-place", "rdfs:label", None),
    ("inference-and-blank-nodes.ttl", "[org:Membership; org:member lgd:test-leader-two]", "prov:wasDerivedFrom", None),
    ("inference-and-blank-nodes.ttl", "[schema:Quotation; ^lg:headlineAdvice lgd:test-person]", "schema:creator",
     None),
]


@pytest.mark.parametrize("name,focus,path,value", EXPECTED, ids=[f"{e[0]}:{e[1]}:{e[2]}" for e in EXPECTED])
def test_each_constraint_kind_is_found(name, focus, path, value):
    found = {(r.focus_node, r.path, r.value) for r in validate(data=FIXTURES / "constraints" / name).results}
    assert (focus, path, value) in found


def test_subclasses_satisfy_sh_class():
    # lgd:test-trust is an lg:NHSFoundationTrust only: org:Organization through rdfs:subClassOf.
    report = validate(data=FIXTURES / "constraints" / "inference-and-blank-nodes.ttl")
    assert not [r for r in report.results if r.focus_node == "lgd:test-membership"]


def test_a_trailing_line_break_is_refused_where_pyshacl_lets_it_through(tmp_path):
    # The one known difference: pyshacl matches sh:pattern with Python's re, whose $ also matches
    # before a final line break; SHACL patterns follow XPath, where $ is the end of the text.
    path = tmp_path / "x.ttl"
    path.write_text('<https://w3id.org/leadgraph/id/x> <http://www.w3.org/2000/01/rdf-schema#label> "X\\n" .\n')
    assert [r.focus_node for r in validate(data=path).results] == ["lgd:x"]
    assert validate(data=path, engine="pyshacl").results == []


def test_unknown_constraints_fall_back_to_pyshacl(tmp_path):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix lg: <https://w3id.org/leadgraph/ontology#> .\n"
        "@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n@prefix ex: <https://example.org/> .\n"
        "ex:S a sh:NodeShape ; sh:targetClass lg:Leader ;\n"
        '  sh:property [ sh:path foaf:name ; sh:uniqueLang true ; sh:equals foaf:name ] .\n')
    from leadgraph.validation.compiled import compile_shapes, Schema
    from leadgraph.loading import load_files

    with pytest.raises(Unsupported):
        compile_shapes(load_files([shapes]).store, Schema())
    assert validate(data=FIXTURES / "valid" / "minimal.ttl", shapes=shapes).conforms


def test_unknown_engine():
    from leadgraph.errors import UsageError

    with pytest.raises(UsageError, match="unknown validation engine"):
        validate(data=FIXTURES / "valid" / "minimal.ttl", engine="nope")


def test_extra_checks_run_after_the_shapes(monkeypatch):
    from leadgraph.terms import NamedNode
    from leadgraph.validation import engine
    from leadgraph.validation.compiled import Finding

    def no_test_leaders(store, restriction):
        for row in store.select(f"SELECT ?this WHERE {{ {restriction} ?this a lg:Leader }}"):
            if row["this"].value.endswith("test-leader"):
                yield Finding(row["this"], None, "no test leaders", "Warning", "records", None)

    monkeypatch.setattr(engine, "EXTRA_CHECKS", [no_test_leaders])
    monkeypatch.setattr("leadgraph.validation.EXTRA_CHECKS", engine.EXTRA_CHECKS)
    report = validate(data=FIXTURES / "valid" / "minimal.ttl")
    assert report.conforms
    assert [(r.focus_node, r.message, r.source_shape) for r in report.results] == [
        ("lgd:test-leader", "no test leaders", "records")]
    assert NamedNode  # the check works on store terms


# -- every store ------------------------------------------------------------------------------------


def _broken_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(FIXTURES.parent.parent / "data", folder)
    shutil.copy(FIXTURES / "constraints" / "inference-and-blank-nodes.ttl", folder / "broken.ttl")
    return folder


def test_disk_memory_and_pyshacl_agree(tmp_path):
    folder = _broken_folder(tmp_path)
    expected = validate(data=folder, engine="pyshacl")
    assert not expected.conforms
    build_store(tmp_path / "store", folder)
    on_disk = validate(open_store(tmp_path / "store"))
    assert on_disk.results == validate(data=folder).results == expected.results
    assert (on_disk.triples, on_disk.files) == (expected.triples, expected.files)
    # pyshacl on a disk store goes through an in-memory copy
    assert validate(open_store(tmp_path / "store"), engine="pyshacl").results == expected.results


def test_remote_store_agrees(tmp_path, start_oxigraph):
    from leadgraph.loading import open_endpoint
    from leadgraph.publishing import push

    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(FIXTURES / "constraints" / "values-and-classes.ttl", folder / "x.ttl")
    with start_oxigraph(tmp_path / "ox") as base:
        push(base + "/store", load(folder))
        remote = validate(open_endpoint(base + "/query"))
        # No blank nodes in this fixture: a remote endpoint cannot be asked about one by name.
        # An endpoint has no files, so its problems have no places; everything else is the same.
        unplaced = [dataclasses.replace(r, file=None, line=None, column=None) for r in validate(data=folder).results]
        assert remote.results == unplaced
        assert not remote.conforms


# -- incremental validation of an on-disk store -------------------------------------------------------


def _full(folder: Path) -> ValidationReport:
    return validate(data=folder)


def test_incremental_validation_equals_a_full_one_after_each_edit(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(FIXTURES.parent.parent / "data", folder)
    store = tmp_path / "store"
    build_store(store, folder)
    first = validate(open_store(store))
    assert first.conforms
    kept = read_validation(open_store(store).store.generation)
    assert kept["results"] == [] and "pending" not in kept

    person = folder / "people" / "ayesha-rahim.ttl"
    steps = [
        # change: markup in a name, a role at an undescribed organisation (a node one hop away)
        lambda: person.write_text(person.read_text(encoding="utf-8")
                                  .replace('foaf:name "Ayesha Rahim"', 'foaf:name "<b>Ayesha</b>"')
                                  .replace("org:organization lgd:org-rw5 ;", "org:organization lgd:org-nope ;"),
                                  encoding="utf-8"),
        # add: a file with blank nodes and RDFS-typed nodes
        lambda: shutil.copy(FIXTURES / "constraints" / "inference-and-blank-nodes.ttl", folder / "broken.ttl"),
        # add: the missing organisation, described elsewhere (fixes a result in an unchanged file)
        lambda: (folder / "nope.ttl").write_text(
            "@prefix lg: <https://w3id.org/leadgraph/ontology#> .\n"
            '<https://w3id.org/leadgraph/id/org-nope> a lg:NHSTrust ; '
            '<http://www.w3.org/2000/01/rdf-schema#label> "Nope Trust" .\n', encoding="utf-8"),
        # remove: a whole person
        lambda: person.unlink(),
        # remove the organisation again, and the broken file
        lambda: ((folder / "nope.ttl").unlink(), (folder / "broken.ttl").unlink()),
    ]
    for number, edit in enumerate(steps):
        edit()
        update_store(store)
        kept = read_validation(open_store(store).store.generation)
        assert kept.get("pending", {}).get("paths"), f"step {number}: the update noted no pending files"
        assert not kept["pending"]["full"]
        report = validate(open_store(store))
        assert report.results == _full(folder).results, f"step {number}"
        assert "pending" not in read_validation(open_store(store).store.generation)
    assert validate(open_store(store)).conforms


def test_two_updates_between_validations(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(FIXTURES.parent.parent / "data", folder)
    store = tmp_path / "store"
    build_store(store, folder)
    validate(open_store(store))
    person = folder / "people" / "arif-patel.ttl"
    original = person.read_text(encoding="utf-8")
    person.write_text(original.replace('foaf:name "Arif Patel"', 'foaf:name " Arif Patel"'), encoding="utf-8")
    update_store(store)
    person.write_text(original, encoding="utf-8")  # back as it was at the last validation
    update_store(store)
    assert validate(open_store(store)).results == _full(folder).results == []
    person.write_text(original.replace('foaf:name "Arif Patel"', 'foaf:name " Arif Patel"'), encoding="utf-8")
    update_store(store)
    update_store(store)
    assert [r.focus_node for r in validate(open_store(store)).results] == ["lgd:arif-patel"]


def test_incremental_scope_is_the_changed_file(tmp_path, monkeypatch):
    from leadgraph.validation import incremental

    folder = tmp_path / "data"
    shutil.copytree(FIXTURES.parent.parent / "data", folder)
    store = tmp_path / "store"
    build_store(store, folder)
    validate(open_store(store))
    person = folder / "people" / "gregg-holland.ttl"
    person.write_text(person.read_text(encoding="utf-8") + '\n<https://w3id.org/leadgraph/id/gregg-holland> '
                      '<https://schema.org/alternateName> "G. Holland" .\n', encoding="utf-8")
    update_store(store)
    scopes = []
    real = incremental._scope
    monkeypatch.setattr(incremental, "_scope", lambda *a: scopes.append(real(*a)) or scopes[-1])
    assert validate(open_store(store)).conforms
    restriction, blanks, drop = scopes[0]
    assert drop == {"<https://w3id.org/leadgraph/id/gregg-holland>"} and blanks == []


def test_an_ontology_change_means_a_full_validation(tmp_path, monkeypatch):
    from leadgraph import resources

    ontology = tmp_path / "ontology"
    shutil.copytree(resources.ontology_files()[0].parent, ontology)
    monkeypatch.setattr(resources, "ontology_files",
                        lambda: sorted(p for p in ontology.glob("*.ttl") if p.name != "shapes.ttl"))
    store = tmp_path / "store"
    build_store(store)
    validate(open_store(store))
    concepts = ontology / "concepts.ttl"
    concepts.write_text(concepts.read_text(encoding="utf-8") + "\n# touched\n", encoding="utf-8")
    update_store(store)
    assert read_validation(open_store(store).store.generation)["pending"]["full"]
    assert validate(open_store(store)).conforms


def test_other_shapes_neither_use_nor_replace_the_kept_report(tmp_path):
    folder = _broken_folder(tmp_path)
    store = tmp_path / "store"
    build_store(store, folder)
    full = validate(open_store(store))
    before = read_validation(open_store(store).store.generation)
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <https://example.org/> .\n"
                      "ex:S a sh:NodeShape ; sh:targetNode ex:nothing .\n")
    other = validate(open_store(store), shapes=shapes)  # the integrity checks run whatever the shapes
    assert not [r for r in other.results if r.source_shape] and [r for r in full.results if r.source_shape]
    assert validate(open_store(store)).results == full.results
    assert read_validation(open_store(store).store.generation) == before


# -- the command line ---------------------------------------------------------------------------------


def test_cli_exit_codes_for_both_engines_and_a_store(cli, tmp_path):
    folder = _broken_folder(tmp_path)
    for engine in ("sparql", "pyshacl"):
        assert cli("validate", "--engine", engine).exit_code == 0
        result = cli("--data", str(folder), "validate", "--engine", engine)
        assert result.exit_code == 1, result.stdout
        assert "does not conform" in result.stdout
    build_store(tmp_path / "store", folder)
    assert cli("--store", str(tmp_path / "store"), "validate").exit_code == 1
    build_store(tmp_path / "good", FIXTURES.parent.parent / "data")
    result = cli("--store", str(tmp_path / "good"), "validate")
    assert result.exit_code == 0 and result.stdout.startswith("conforms")


def test_integrity_results_are_kept_with_the_generation(tmp_path, monkeypatch):
    from leadgraph.loading import build_store, open_store
    from leadgraph.validation import integrity

    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(FIXTURES / "broken" / "ttl-jobtitle.ttl", folder / "x.ttl")
    build_store(tmp_path / "store", [folder])
    first = validate(open_store(tmp_path / "store"))
    assert [r.path for r in first.results] == ["lg:jobtitle"]
    calls = []
    monkeypatch.setattr(integrity, "run", lambda store: calls.append(store) or [])
    assert validate(open_store(tmp_path / "store")).results == first.results  # read back, not run
    assert calls == []


def test_integrity_after_an_update_equals_a_full_run(tmp_path, monkeypatch):
    # After store update, only what the changed files touch is looked at again: a typo added, a
    # node whose description vanished (so an unchanged file's reference to it now dangles), a typo
    # fixed. Each time the report equals a full validation, and the full checks never run.
    from leadgraph.loading import build_store, open_store, update_store
    from leadgraph.validation import integrity

    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "a.ttl").write_text((FIXTURES / "broken" / "ttl-jobtitle.ttl").read_text())
    template = (FIXTURES / "broken" / "ttl-valid.ttl").read_text()
    source = template[template.index("lgd:test-article a"):template.index("lgd:test-leader a")]
    build_store(tmp_path / "store", [folder])
    assert [r.path for r in validate(open_store(tmp_path / "store")).results] == ["lg:jobtitle"]
    full_run = integrity.run
    edits = [
        lambda: (folder / "b.ttl").write_text(template.replace(source, "").replace("test-leader", "other-leader")
                                              .replace("lg:jobTitle", "lg:jobtitle")),
        lambda: (folder / "a.ttl").write_text((folder / "a.ttl").read_text().replace(source, "")),
        lambda: (folder / "b.ttl").write_text((folder / "b.ttl").read_text().replace("lg:jobtitle", "lg:jobTitle")),
    ]
    for edit in edits:
        edit()
        update_store(tmp_path / "store")
        monkeypatch.setattr(integrity, "run", lambda store: pytest.fail("ran the full integrity checks"))
        report = validate(open_store(tmp_path / "store"))
        monkeypatch.setattr(integrity, "run", full_run)
        assert report.results == validate(data=folder).results
    dangling = {(r.focus_node, r.value) for r in report.results if "not described" in r.message}
    assert ("lgd:other-leader-role-rbs", "lgd:test-article") in dangling  # b.ttl, unchanged by the last two edits


def test_people_twice_after_an_update_equals_a_full_run(tmp_path, monkeypatch):
    # After store update the "recorded twice" warning reads only the people sharing a name with
    # what changed (or with someone flagged before), never everyone with their roles, and the
    # report still equals a full validation: a twin added, renamed (both warnings go), named
    # back, and removed.
    from leadgraph.loading import build_store, open_store, update_store
    from leadgraph.validation import integrity

    folder = tmp_path / "data"
    shutil.copytree(FIXTURES.parent.parent / "data", folder)
    original = (folder / "people" / "ayesha-rahim.ttl").read_text(encoding="utf-8")
    twin = folder / "people" / "ayesha-twin.ttl"
    build_store(tmp_path / "store", [folder])
    assert validate(open_store(tmp_path / "store")).conforms
    asked = []
    full_twice = integrity.people_twice
    monkeypatch.setattr(integrity, "people_twice",
                        lambda store, ontology, namer, names=None: asked.append(names) or
                        full_twice(store, ontology, namer, names))
    edits = [
        lambda: twin.write_text(original.replace("lgd:ayesha-rahim", "lgd:ayesha-twin"), encoding="utf-8"),
        lambda: twin.write_text(twin.read_text(encoding="utf-8").replace('foaf:name "Ayesha Rahim"',
                                                                         'foaf:name "Ayesha Other"'), encoding="utf-8"),
        lambda: twin.write_text(original.replace("lgd:ayesha-rahim", "lgd:ayesha-twin"), encoding="utf-8"),
        lambda: twin.unlink(),
    ]
    twice = []
    for edit in edits:
        edit()
        update_store(tmp_path / "store")
        asked.clear()
        report = validate(open_store(tmp_path / "store"))
        assert asked and all(names is not None for names in asked), "read every person again"
        assert report.results == validate(data=folder).results
        twice.append(sorted(r.focus_node for r in report.results if "recorded twice" in r.message))
    assert twice == [["lgd:ayesha-rahim", "lgd:ayesha-twin"], [], ["lgd:ayesha-rahim", "lgd:ayesha-twin"], []]


def test_a_store_with_no_kept_report_is_validated_from_its_files_in_memory(tmp_path, monkeypatch):
    # A store built without answers keeps no report: validate makes it from the files loaded in
    # memory (when they still hold what the store holds) and keeps it, with the same findings as
    # validating the files; once a file changed since the build, from a copy of the store's own
    # triples in memory (see the tests below), never over the store's RocksDB.
    from leadgraph.loading import build_store, open_store
    from leadgraph.store.disk import DiskStore, read_validation
    from leadgraph.validation import integrity

    folder = tmp_path / "data"
    shutil.copytree(FIXTURES.parent.parent / "data", folder)
    shutil.copy(FIXTURES / "broken" / "ttl-jobtitle.ttl", folder / "typo.ttl")
    build_store(tmp_path / "store", [folder])
    assert read_validation(open_store(tmp_path / "store").store.generation) is None
    stores = []
    full_run = integrity.run
    monkeypatch.setattr(integrity, "run", lambda store: stores.append(type(store)) or full_run(store))
    report = validate(open_store(tmp_path / "store"))
    assert stores and DiskStore not in stores
    assert report.results == validate(data=folder).results and report.results
    assert read_validation(open_store(tmp_path / "store").store.generation)["integrity"]["results"]

    build_store(tmp_path / "again", [folder])
    (folder / "typo.ttl").write_text((folder / "typo.ttl").read_text(encoding="utf-8") + "\n# edited\n",
                                     encoding="utf-8")
    stores.clear()
    again = validate(open_store(tmp_path / "again"))
    assert stores and DiskStore not in stores
    assert [(r.focus_node, r.message) for r in again.results] == [(r.focus_node, r.message) for r in report.results]


# -- a store whose files changed since the build, or that cannot be written: validated over a copy
# of its own triples in memory, with exactly the results of validating its RocksDB directly.


def _changed_since_build(tmp_path: Path, folder: Path) -> tuple[Path, Path]:
    """Two copies of one store (built with no report kept) whose data changed after the build, so
    the files' hashes no longer match: one to validate as it now is, one over RocksDB as before."""
    build_store(tmp_path / "store", [folder])
    for path in sorted(folder.rglob("*.ttl"))[:1]:
        path.write_text(path.read_text(encoding="utf-8") + "\n# edited after the build\n", encoding="utf-8")
    shutil.copytree(tmp_path / "store", tmp_path / "disk")
    assert read_validation(open_store(tmp_path / "store").store.generation) is None
    return tmp_path / "store", tmp_path / "disk"


def test_load_store_copy_holds_what_the_store_holds(tmp_path):
    from leadgraph.loading import load_store_copy
    from leadgraph.store.memory import MemoryStore
    from leadgraph.terms import BlankNode

    store, _ = _changed_since_build(tmp_path, _broken_folder(tmp_path))
    graph = open_store(store)
    copy = load_store_copy(graph)
    assert isinstance(copy.store, MemoryStore) and len(copy) == len(graph) > 0
    assert (copy.ontology_paths, copy.data_paths) == (graph.ontology_paths, graph.data_paths)

    def named(g):
        return {t for t in g.store.triples() if not isinstance(t.subject, BlankNode) and not isinstance(t.object, BlankNode)}

    blank = [t for t in graph.store.triples() if isinstance(t.subject, BlankNode)]
    assert blank and named(copy) == named(graph)
    assert sorted(str(t.predicate) for t in copy.store.triples() if isinstance(t.subject, BlankNode)) == \
        sorted(str(t.predicate) for t in blank)
    assert load_store_copy(load()) is None  # not an on-disk store


def _over_rocksdb(monkeypatch, store: Path) -> ValidationReport:
    """The store validated the way it was before copies: every check over its RocksDB."""
    from leadgraph import loading

    with monkeypatch.context() as patch:
        patch.setattr(loading, "load_store_copy", lambda graph: None)
        return validate(open_store(store), today="2026-11-30")


def _watch(monkeypatch) -> list[type]:
    """The kind of store every full run of the integrity checks and the date checks reads."""
    from leadgraph.validation import dates, integrity

    seen: list[type] = []
    for module in (integrity, dates):
        name = "run" if module is integrity else "check"
        original = getattr(module, name)
        monkeypatch.setattr(module, name, lambda store, *a, _f=original, **k: seen.append(type(store)) or _f(store, *a, **k))
    return seen


def test_a_store_whose_files_changed_is_validated_over_a_copy_and_keeps_the_report(tmp_path, monkeypatch):
    from leadgraph.store.disk import DiskStore
    from leadgraph.validation import integrity

    folder = tmp_path / "data"
    shutil.copytree(FIXTURES.parent.parent / "data", folder)
    shutil.copy(FIXTURES / "broken" / "ttl-jobtitle.ttl", folder / "typo.ttl")
    store, disk = _changed_since_build(tmp_path, folder)
    expected = _over_rocksdb(monkeypatch, disk)
    seen = _watch(monkeypatch)
    report = validate(open_store(store), today="2026-11-30")
    assert seen and DiskStore not in seen
    assert report.results == expected.results and report.results
    assert all(r.file and r.file.endswith("typo.ttl") and r.line for r in report.results)  # placed as before
    assert (report.triples, report.files, report.conforms) == (expected.triples, expected.files, expected.conforms)
    kept = read_validation(open_store(store).store.generation)
    assert kept["results"] == [] and kept["integrity"]["results"] and kept["dates"]["today"] == "2026-11-30"
    seen.clear()
    monkeypatch.setattr(integrity, "run", lambda store: pytest.fail("ran the integrity checks again"))
    assert validate(open_store(store), today="2026-11-30").results == report.results  # read back
    assert seen == []


def test_blank_node_results_from_a_copy_are_right_but_not_kept(tmp_path, monkeypatch):
    # The copy's blank nodes have other labels than the store's, so a report with results about
    # blank nodes is not kept (the kept report keys results by node); the copy is validated.
    from leadgraph.store.disk import DiskStore

    store, disk = _changed_since_build(tmp_path, _broken_folder(tmp_path))
    expected = _over_rocksdb(monkeypatch, disk)
    assert any(r.focus_node.startswith("[") for r in expected.results)  # about blank nodes
    seen = _watch(monkeypatch)
    report = validate(open_store(store), today="2026-11-30")
    assert seen and DiskStore not in seen
    assert report.results == expected.results
    assert (report.triples, report.files) == (expected.triples, expected.files)
    assert read_validation(open_store(store).store.generation) is None


def test_a_copy_too_big_for_the_machine_is_not_made(tmp_path, monkeypatch):
    # Memory stays bounded: on a machine too small for a copy (COPY_BYTES_PER_TRIPLE in half its
    # memory), the checks run over the store's RocksDB as before, with the same results.
    from leadgraph.sparql import sandbox
    from leadgraph.store.disk import DiskStore
    from leadgraph.validation import COPY_BYTES_PER_TRIPLE

    store, disk = _changed_since_build(tmp_path, _broken_folder(tmp_path))
    shutil.copytree(store, tmp_path / "roomy")
    expected = _over_rocksdb(monkeypatch, disk)
    needed = 2 * len(open_store(store)) * COPY_BYTES_PER_TRIPLE
    seen = _watch(monkeypatch)
    for machine, folder, over_rocksdb in ((needed - 2, store, True), (needed, tmp_path / "roomy", False)):
        monkeypatch.setattr(sandbox, "physical_memory", lambda machine=machine: machine)
        seen.clear()
        assert validate(open_store(folder), today="2026-11-30").results == expected.results
        assert (DiskStore in seen) == over_rocksdb


def test_a_store_that_cannot_be_written_is_validated_over_a_copy(tmp_path, monkeypatch, cli, read_only):
    from leadgraph.store.disk import DiskStore

    folder = tmp_path / "data"
    shutil.copytree(FIXTURES.parent.parent / "data", folder)
    shutil.copy(FIXTURES / "broken" / "ttl-jobtitle.ttl", folder / "typo.ttl")
    store, disk = _changed_since_build(tmp_path, folder)
    expected = _over_rocksdb(monkeypatch, disk)
    generation = open_store(store).store.generation
    # Read-only (not for root, who runs CI here): a folder where the report would go makes every
    # write of it fail the way a read-only medium does.
    (generation / "validation.json").mkdir()
    with read_only(store):
        seen = _watch(monkeypatch)
        from leadgraph.validation import dates

        judged = []  # the date checks run once, on the copy, for the day asked (not the clock's too)
        real = dates.check
        monkeypatch.setattr(dates, "check", lambda s, today=None, nodes=None: judged.append(today) or real(s, today, nodes))
        report = validate(open_store(store), today="2026-11-30")
        monkeypatch.setattr(dates, "check", real)
        assert judged == ["2026-11-30"]
        assert seen and DiskStore not in seen
        assert report.results == expected.results and report.results
        result = cli("--store", str(store), "validate", "--today", "2026-11-30")
        with monkeypatch.context() as patch:
            from leadgraph import loading

            patch.setattr(loading, "load_store_copy", lambda graph: None)
            before = cli("--store", str(disk), "validate", "--today", "2026-11-30")
    assert (result.exit_code, result.stdout) == (before.exit_code, before.stdout) == (1, result.stdout)
    assert "typo.ttl:" in result.stdout
    assert (generation / "validation.json").is_dir() and not list(generation.glob(".validation.json.*"))
