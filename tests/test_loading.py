"""load(): formats, folders, the bundled data, conversions, and every malformed-input case."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef
from rdflib.compare import isomorphic

from leadgraph import resources
from leadgraph.errors import DataError, UsageError
from leadgraph.loading import LeadGraph, load, load_files
from leadgraph.store.readers import READERS, RdfReader

FORMATS = {extension: reader for extension, reader in READERS.items() if isinstance(reader, RdfReader)}
"""The RDF formats (person records, YAML and CSV, are tested in test_records.py)."""

FORMATS_DIR = Path(__file__).parent / "fixtures" / "formats"
MALFORMED = Path(__file__).parent / "fixtures" / "malformed"
SAMPLE_FILES = sorted(FORMATS_DIR.iterdir())
SAMPLE_TRIPLES = 5  # the triples written out in each tests/fixtures/formats/sample.* file


@pytest.fixture(scope="module")
def ontology_only() -> LeadGraph:
    return load([])


@pytest.fixture(scope="module")
def reference():
    return load_files([FORMATS_DIR / "sample.ttl"]).to_rdflib()


def test_every_extension_has_a_sample():
    assert {p.suffix for p in SAMPLE_FILES} == set(FORMATS)


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_each_format_loads_the_same_triples(path, reference, ontology_only):
    graph = load(path)
    assert graph.data_paths == [path]
    assert len(graph) == len(ontology_only) + SAMPLE_TRIPLES
    assert isomorphic(load_files([path]).to_rdflib(), reference)


@pytest.mark.parametrize("name", ["sample.nq", "sample.trig", "sample.jsonld"])
def test_named_graphs_are_merged_into_the_default_graph(name):
    graph = load_files([FORMATS_DIR / name])
    assert list(graph.store.oxigraph.named_graphs()) == []
    assert len(list(graph.store.oxigraph.quads_for_pattern(None, None, None, ox.DefaultGraph()))) == SAMPLE_TRIPLES


def test_ontology_always_loads_and_shapes_do_not(ontology_only):
    assert ontology_only.data_paths == []
    assert ontology_only.ontology_paths == resources.ontology_files()
    assert resources.shapes_path() not in ontology_only.paths
    node_shape = ox.NamedNode("http://www.w3.org/ns/shacl#NodeShape")
    assert not list(ontology_only.store.oxigraph.quads_for_pattern(None, None, node_shape))
    owl_class = ox.NamedNode("http://www.w3.org/2002/07/owl#Class")
    assert list(ontology_only.store.oxigraph.quads_for_pattern(None, None, owl_class))


def test_bundled_data_is_every_data_file(bundled_graph):
    expected = sorted(p for p in resources.data_dir().rglob("*") if p.suffix in FORMATS)
    assert sorted(bundled_graph.data_paths) == expected
    assert bundled_graph.paths == bundled_graph.ontology_paths + bundled_graph.data_paths
    assert len(bundled_graph) > 0


def test_folder_walk_is_recursive_sorted_and_skips_other_files(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    shutil.copy(FORMATS_DIR / "sample.ttl", tmp_path / "z.ttl")
    shutil.copy(FORMATS_DIR / "sample.nt", tmp_path / "b" / "a.nt")
    shutil.copy(FORMATS_DIR / "sample.nt", tmp_path / ".hidden" / "x.nt")
    shutil.copy(FORMATS_DIR / "sample.nt", tmp_path / ".swap.nt")
    (tmp_path / "README.md").write_text("# not data\n")
    (tmp_path / "notes.txt").write_text("not data\n")
    graph = load(tmp_path)
    assert graph.data_paths == [tmp_path / "b" / "a.nt", tmp_path / "z.ttl"]


def test_several_paths_and_a_repeated_file_load_once(tmp_path, ontology_only):
    sample = FORMATS_DIR / "sample.ttl"
    graph = load([sample, str(sample), FORMATS_DIR / "sample.nt"])
    assert graph.data_paths == [sample, FORMATS_DIR / "sample.nt"]
    # Blank nodes are per file, so the second file's [ lg:years 16 ] is a node of its own.
    assert len(graph) == len(ontology_only) + SAMPLE_TRIPLES + 2


def test_blank_node_labels_do_not_join_across_files(tmp_path):
    (tmp_path / "a.ttl").write_text('_:b1 <https://e.org/p> "a" .\n')
    (tmp_path / "b.ttl").write_text('_:b1 <https://e.org/p> "b" .\n')
    graph = load_files([tmp_path])
    subjects = {t.subject for t in graph.store.triples()}
    assert len(subjects) == 2


def test_utf8_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.ttl"
    path.write_bytes(b"\xef\xbb\xbf" + (FORMATS_DIR / "sample.ttl").read_bytes())
    assert len(load_files([path])) == SAMPLE_TRIPLES


def test_to_rdflib_is_cached_and_keeps_plain_literals_plain():
    graph = load_files([FORMATS_DIR / "sample.ttl"])
    converted = graph.to_rdflib()
    assert converted is graph.to_rdflib()
    assert len(converted) == len(graph)
    leader = URIRef("https://w3id.org/leadgraph/id/sample-leader")
    name = URIRef("http://xmlns.com/foaf/0.1/name")
    assert (leader, name, Literal("Sample Leader")) in converted
    assert dict(converted.namespaces())["lgd"] == URIRef("https://w3id.org/leadgraph/id/")


@pytest.mark.parametrize("fmt,suffix", [("ttl", ".ttl"), ("nt", ".nt"), ("nq", ".nq"), ("trig", ".trig"), ("jsonld", ".jsonld")])
def test_serialize_round_trips(fmt, suffix, tmp_path, bundled_graph):
    out = tmp_path / f"all{suffix}"
    out.write_bytes(bundled_graph.serialize(fmt))
    again = load_files([out])
    assert len(again) == len(bundled_graph)
    assert isomorphic(again.to_rdflib(), bundled_graph.to_rdflib())


def test_turtle_uses_the_project_prefixes(bundled_graph):
    text = bundled_graph.serialize("ttl").decode()
    assert "@prefix lgd: <https://w3id.org/leadgraph/id/> ." in text
    assert "@prefix schema: <https://schema.org/> ." in text
    assert "lgd:ayesha-rahim" in text


def test_serialize_is_deterministic():
    graph = load_files([FORMATS_DIR / "sample.nt"])
    assert graph.serialize("ttl") == graph.serialize("ttl")


def test_serialize_rejects_unknown_format(bundled_graph):
    with pytest.raises(UsageError, match="unknown serialisation format 'xml'"):
        bundled_graph.serialize("xml")


# (fixture file, expected 1-based line or None, words the message must contain)
MALFORMED_CASES = [
    ("syntax-error.ttl", 6, "syntax error"),
    ("syntax-error.nt", 2, "syntax error"),
    ("syntax-error.nq", 2, "unexpected end of file"),
    ("syntax-error.trig", 5, "syntax error"),
    ("syntax-error.jsonld", 4, "syntax error"),
    ("bad-iri.ttl", 5, "bad IRI <https://w3id.org/leadgraph/id/has space>"),
    ("relative-iri.nt", 3, "bad IRI <b>"),
    ("invalid-utf8.ttl", 6, "invalid UTF-8: byte 0xe9 at column 21"),
    ("empty.ttl", 1, "file is empty"),
    ("blank.nt", 1, "file is empty"),
    ("comments-only.ttl", 1, "file has no triples"),
    ("notes.txt", None, "unknown file extension '.txt'"),
]


@pytest.mark.parametrize("name,line,words", MALFORMED_CASES, ids=[c[0] for c in MALFORMED_CASES])
def test_malformed_input_names_file_line_and_problem(name, line, words):
    path = MALFORMED / name
    with pytest.raises(DataError) as caught:
        load(path)
    error = caught.value
    assert error.path == str(path)
    assert error.line == line
    assert words in error.message
    where = f"{path}:{line}: " if line is not None else f"{path}: "
    assert str(error) == where + error.message
    assert "\n" not in str(error)


def test_malformed_file_inside_a_folder_is_named(tmp_path):
    shutil.copy(FORMATS_DIR / "sample.ttl", tmp_path / "a.ttl")
    shutil.copy(MALFORMED / "syntax-error.ttl", tmp_path / "b.ttl")
    with pytest.raises(DataError) as caught:
        load(tmp_path)
    assert caught.value.path == str(tmp_path / "b.ttl")
    assert caught.value.line == 6


def test_missing_path():
    with pytest.raises(DataError) as caught:
        load("no/such/place.ttl")
    assert str(caught.value) == "no/such/place.ttl: no such file or folder"


def test_empty_path_is_not_the_current_folder():
    with pytest.raises(DataError, match="empty path"):
        load("")


def test_folder_without_data_files(tmp_path):
    (tmp_path / "README.md").write_text("nothing here\n")
    with pytest.raises(DataError, match="folder has no data files"):
        load(tmp_path)


@pytest.mark.parametrize("context", ["https://schema.org/", "file:///etc/passwd", '{"@import": "https://schema.org/"}'])
def test_external_jsonld_context_is_never_fetched(tmp_path, context):
    path = tmp_path / "remote.jsonld"
    value = context if context.startswith("{") else f'"{context}"'
    path.write_text(f'{{"@context": {value}, "@id": "https://e.org/a", "name": "A"}}\n')
    with pytest.raises(DataError) as caught:
        load(path)
    assert caught.value.path == str(path)
    assert "@context from another document is not fetched" in caught.value.message


def test_a_term_over_the_parser_limit_names_file_and_line(tmp_path):
    path = tmp_path / "huge.nt"
    literal = "x" * (16 * 2**20 + 10)
    path.write_text(f'<https://e.org/a> <https://e.org/b> "short" .\n<https://e.org/a> <https://e.org/b> "{literal}" .\n')
    with pytest.raises(DataError) as caught:
        load(path)
    assert (caught.value.path, caught.value.line) == (str(path), 2)
    assert "longer than the parser's limit" in caught.value.message


def test_a_long_line_under_the_limit_loads(tmp_path):
    path = tmp_path / "long.nt"
    path.write_text(f'<https://e.org/a> <https://e.org/b> "{"x" * 2**20}" .\n')
    assert len(load_files([path])) == 1


def test_broken_symlink_says_so(tmp_path):
    link = tmp_path / "gone.ttl"
    link.symlink_to(tmp_path / "moved.ttl")
    with pytest.raises(DataError) as caught:
        load(link)
    assert str(caught.value) == f"{link}: broken symbolic link (it points to {tmp_path / 'moved.ttl'}, which does not exist)"


def test_a_folder_named_like_a_file_is_walked_as_a_folder(tmp_path):
    folder = tmp_path / "looks-like.ttl"
    folder.mkdir()
    with pytest.raises(DataError, match="folder has no data files"):
        load(folder)
    shutil.copy(FORMATS_DIR / "sample.nt", folder / "x.nt")
    assert load(folder).data_paths == [folder / "x.nt"]


def test_binary_file_with_a_data_extension(tmp_path):
    path = tmp_path / "image.ttl"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(DataError) as caught:
        load(path)
    # byte 10 is a line break, so the first non-UTF-8 byte (0x80) is on line 2, column 128 - 10.
    assert str(caught.value) == f"{path}:2: invalid UTF-8: byte 0x80 at column 118 (save the file as UTF-8)"


def test_truncated_last_statement(tmp_path):
    path = tmp_path / "cut.ttl"
    path.write_text("@prefix x: <https://e.org/> .\nx:a x:b x:c\n")
    with pytest.raises(DataError) as caught:
        load(path)
    assert str(caught.value) == f"{path}:2: syntax error: unexpected end of file (is the last statement complete?)"


def test_symlink_loop_in_a_folder_is_walked_once(tmp_path):
    shutil.copy(FORMATS_DIR / "sample.ttl", tmp_path / "a.ttl")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    assert load(tmp_path).data_paths == [tmp_path / "a.ttl"]



def test_data_files_lists_what_load_reads(bundled_graph, tmp_path):
    from leadgraph.loading import data_files

    assert data_files() == bundled_graph.data_paths
    shutil.copy(FORMATS_DIR / "sample.nt", tmp_path / "x.nt")
    assert data_files([tmp_path, FORMATS_DIR / "sample.ttl"]) == [tmp_path / "x.nt", FORMATS_DIR / "sample.ttl"]


# -- inputs a red-team tried: each must be a clear one-line error, never a crash ------------------


def test_a_fifo_is_named_as_such_not_missing(tmp_path):
    fifo = tmp_path / "pipe.ttl"
    os.mkfifo(fifo)
    with pytest.raises(DataError, match=r"pipe\.ttl: not a regular file \(a named pipe \(FIFO\)\)"):
        load_files([fifo])


def test_deeply_nested_json_ld_is_refused_before_the_parser_sees_it(tmp_path):
    depth = 20_000  # the engine's recursive JSON-LD parser crashed the process near this depth
    path = tmp_path / "deep.jsonld"
    path.write_bytes(b'{"@id": "https://e.org/a", "https://e.org/b":\n'
                     + b'{"https://e.org/c": ' * depth + b'"x"' + b"}" * depth + b"}")
    with pytest.raises(DataError, match=r"deep\.jsonld:2: JSON nested more than 256 levels deep"):
        load_files([path])


def test_deep_nesting_as_a_real_process_exits_1_not_a_signal(tmp_path):
    path = tmp_path / "deep.jsonld"
    path.write_bytes(b'{"https://e.org/c": ' * 20_000 + b'"x"' + b"}" * 20_000)
    result = subprocess.run([sys.executable, "-m", "leadgraph", "--data", str(path), "stats"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "JSON nested more than" in result.stderr


def test_json_ld_with_a_bad_iri_says_which_value(tmp_path):
    path = tmp_path / "bad.jsonld"
    path.write_text('{\n  "@id": "not an iri",\n  "https://e.org/b": "x"\n}\n')
    with pytest.raises(DataError, match=r"bad\.jsonld:2: no triples: 'not an iri' is not an absolute IRI"):
        load_files([path])


def test_an_over_long_multi_line_literal_names_the_line_it_starts_on(tmp_path):
    path = tmp_path / "big.ttl"
    chunk = b"x" * 2**20 + b"\n"
    path.write_bytes(b"@prefix e: <https://e.org/> .\n\ne:a e:b \"\"\"" + chunk * 17 + b'""" .\n')
    with pytest.raises(DataError, match=r"big\.ttl:3: a single term is longer than the parser's limit of 16 MiB"):
        load_files([path])
