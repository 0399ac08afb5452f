"""The store protocol and the reader registry: the seams a new backend or input format plugs into."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from leadgraph.errors import DataError
from leadgraph.loading import load, load_files
from leadgraph.loading import store_of
from leadgraph.store.base import GraphStore
from leadgraph.store.memory import MemoryStore
from leadgraph.store.readers import READERS, Reader, reader_for, register
from leadgraph.terms import Literal, NamedNode, Triple

SRC = Path(__file__).resolve().parent.parent / "src" / "leadgraph"
EX = "https://example.org/t/"
LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def test_memory_store_answers_the_protocol():
    store = MemoryStore()
    a, b = NamedNode(EX + "a"), NamedNode(EX + "b")
    store.add([Triple(a, LABEL, Literal("A", language="fr")), Triple(a, LABEL, Literal("A")),
               Triple(b, NamedNode(EX + "p"), a)])
    assert isinstance(store, GraphStore)
    assert len(store) == 3
    assert {t.object for t in store.triples(None, NamedNode(EX + "p"), None)} == {a}
    assert store.labels([a, b]) == {EX + "a": "A"}  # untagged beats French; b has no label
    rows = store.select("SELECT ?s ?l WHERE { ?s rdfs:label ?l OPTIONAL { ?s <urn:x> ?missing } }")
    assert sorted(r["l"].value for r in rows) == ["A", "A"] and all("missing" not in r for r in rows)
    assert store.answer("ASK { ?s ?p ?o }") == b'{"head":{},"boolean":true}'
    assert store.answer("CONSTRUCT WHERE { ?s <https://example.org/t/p> ?o }").count(b"\n") == 1


def test_store_of_accepts_every_kind_of_graph():
    import pyoxigraph
    import rdflib

    graph = load([])
    assert store_of(graph) is graph.store
    assert store_of(graph.store) is graph.store
    engine = pyoxigraph.Store()
    assert store_of(engine).oxigraph is engine
    converted = rdflib.Graph()
    converted.add((rdflib.URIRef(EX + "a"), rdflib.RDFS.label, rdflib.Literal("A")))
    assert len(store_of(converted)) == 1
    with pytest.raises(Exception, match="graph must be"):
        store_of(42)


class TriplesTsvReader(Reader):
    """A toy format (subject IRI, predicate IRI, literal, tab-separated) proving that a new
    format is one class and one register() call."""

    name = "triples-tsv"
    extensions = (".ttsv",)

    def read(self, path):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            parts = line.split("\t")
            if len(parts) != 3:
                raise DataError(f"expected 3 tab-separated columns, found {len(parts)}", path=path, line=number)
            yield Triple(NamedNode(parts[0]), NamedNode(parts[1]), Literal(parts[2]))

    def write(self, triples):
        return "".join(f"{t.subject.value}\t{t.predicate.value}\t{t.object.value}\n" for t in triples).encode()


@pytest.fixture
def toy_reader():
    reader = register(TriplesTsvReader())
    yield reader
    del READERS[".ttsv"]


def test_a_registered_reader_is_used_by_load_and_folders(toy_reader, tmp_path):
    (tmp_path / "x.ttsv").write_text(f"{EX}a\t{LABEL.value}\tAy\n", encoding="utf-8")
    (tmp_path / "ignored.txt").write_text("not data")
    graph = load_files([tmp_path])
    assert [p.name for p in graph.data_paths] == ["x.ttsv"]
    assert graph.store.labels([NamedNode(EX + "a")]) == {EX + "a": "Ay"}
    assert reader_for(tmp_path / "x.TTSV") is toy_reader
    assert toy_reader.write(graph.store.triples()) == (tmp_path / "x.ttsv").read_bytes()


def test_a_reader_error_names_file_and_line(toy_reader, tmp_path):
    (tmp_path / "bad.ttsv").write_text(f"{EX}a\t{LABEL.value}\tok\nonly one column\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"bad\.ttsv:2: expected 3 tab-separated columns, found 1"):
        load_files([tmp_path / "bad.ttsv"])


def test_rdf_readers_write_their_own_format_back(tmp_path, bundled_graph):
    triples = list(bundled_graph.store.triples())
    for extension in (".ttl", ".nt", ".nq", ".trig", ".jsonld"):
        path = tmp_path / f"all{extension}"
        path.write_bytes(reader_for(path).write(triples))
        assert len(load_files([path])) == len(bundled_graph), extension


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_only_the_store_package_imports_the_engine():
    outside = [p.relative_to(SRC).as_posix() for p in SRC.rglob("*.py")
               if "store" not in p.relative_to(SRC).parts[:1] and any(
                   m == "pyoxigraph" or m.startswith("pyoxigraph.") for m in _imports(p))]
    assert outside == []


def test_importing_terms_does_not_load_the_engine_backend():
    code = "import sys, leadgraph.terms; print('leadgraph.store.memory' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
