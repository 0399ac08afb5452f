"""The page's data kept beside an on-disk store generation (leadgraph.viz.kept): a real store of
the bundled data, pages compared byte for byte with the ones drawn from the files."""

from __future__ import annotations

import shutil

import pytest

from leadgraph.loading import build_store, load, load_store_files, open_store, update_store
from leadgraph.store import derived
from leadgraph.viz import kept
from leadgraph.viz.page import build_page, extract_payload, write_html

SMALL = {"focus": "Phill James", "hops": 1}


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    from leadgraph import resources

    folder = tmp_path_factory.mktemp("bundled") / "data"
    shutil.copytree(resources.data_dir(), folder)
    return folder


@pytest.fixture
def store(tmp_path, data):
    folder = tmp_path / "store"
    build_store(folder, [data])
    graph = open_store(folder)
    yield graph
    graph.store.close()


def test_first_page_keeps_its_data_and_the_next_reads_it(store, data, tmp_path):
    from_files = build_page(load([data]), **SMALL)
    first = build_page(store, **SMALL)
    assert derived.kinds(store.store) == {kept.KIND: 1}
    assert first == from_files
    second = build_page(store, **SMALL)
    assert second == first
    # The second page came from the kept entry: change what is kept and the page shows it.
    name = kept.key(store, title=None, seed=1, criteria=_criteria(SMALL), view="auto", communities=True,
                    coverage=True, role_group=None, as_of=None)
    title, text, compressed = kept.read(store, name)
    assert kept.keep(store, name, "Read back from the store", text, compressed)
    assert "<title>Read back from the store</title>" in build_page(store, **SMALL)


def test_every_option_has_its_own_entry(store, data):
    variants = [dict(SMALL), {**SMALL, "view": "full"}, {**SMALL, "seed": 2, "view": "full"},
                {**SMALL, "communities": False}, {**SMALL, "coverage": False}, {**SMALL, "title": "Mine"},
                {**SMALL, "as_of": "2020-01-01"}, {"focus": "Phill James", "hops": 2}]
    memory = load([data])
    for options in variants:
        assert build_page(store, **options) == build_page(memory, **options), options
    assert derived.kinds(store.store) == {kept.KIND: len(variants)}
    for options in variants:  # all read back, none mixed up
        assert build_page(store, **options) == build_page(memory, **options), options


def test_the_whole_graph_through_the_cli(tmp_path, data, cli):
    folder = tmp_path / "store"
    build_store(folder, [data])
    pages = []
    for name in ("one", "two"):
        out = tmp_path / f"{name}.html"
        result = cli("--store", str(folder), "viz", "-o", str(out))
        assert result.exit_code == 0, result.stderr
        pages.append(out.read_text("utf-8"))
    write_html(None, tmp_path / "files.html", data=[data])
    assert pages[0] == pages[1] == (tmp_path / "files.html").read_text("utf-8")
    graph = open_store(folder)
    assert derived.kinds(graph.store) == {kept.KIND: 1}
    graph.store.close()


def test_a_query_file_is_part_of_the_key(store, tmp_path):
    query = tmp_path / "who.rq"
    query.write_text("PREFIX lg: <https://w3id.org/leadgraph/ontology#>\n"
                     "SELECT ?p WHERE { ?p a lg:Leader } LIMIT 2\n")
    options = dict(title=None, seed=1, view="auto", communities=True, coverage=True, role_group=None, as_of=None)
    before = kept.key(store, criteria=_criteria({"query": str(query)}), **options)
    query.write_text(query.read_text() + "# changed\n")
    assert kept.key(store, criteria=_criteria({"query": str(query)}), **options) != before
    assert kept.key(store, criteria=_criteria({"query": str(tmp_path / "missing.rq")}), **options) is None


def test_data_that_could_break_out_of_the_page_is_computed_again(store, data):
    name = kept.key(store, title=None, seed=1, criteria=_criteria(SMALL), view="auto", communities=True,
                    coverage=True, role_group=None, as_of=None)
    good = build_page(store, **SMALL)
    title, text, compressed = kept.read(store, name)
    hostile = text.replace("{", '{"x":"</script><script>alert(1)</script>",', 1)
    assert kept.keep(store, name, title, hostile, compressed)
    page = build_page(store, **SMALL)
    assert page == good and "alert(1)" not in page
    assert extract_payload(page)["title"] == title


def test_graphs_not_from_a_store_keep_nothing(data):
    graph = load([data])
    assert kept.key(graph, title=None) is None
    assert not kept.keep(graph, None, "t", "{}", False)


def test_files_changed_since_the_build_are_not_used_for_the_store(tmp_path, data, monkeypatch):
    from leadgraph import loading

    copies = []  # a changed file cannot stand in for the store: a copy of the store's own triples does
    real = loading.load_store_copy
    monkeypatch.setattr(loading, "load_store_copy", lambda graph: copies.append(graph) or real(graph))
    folder = tmp_path / "store"
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    build_store(folder, [copy])
    graph = open_store(folder)
    assert load_store_files(graph) is not None
    record = sorted(copy.glob("*.ttl"))[0]
    record.write_text(record.read_text("utf-8") + "\n# edited after the build\n", "utf-8")
    assert load_store_files(graph) is None  # the store still holds the file as it was
    page = build_page(graph, **SMALL)  # drawn from what the store holds, as before the edit
    assert len(copies) == 1
    graph.store.close()
    update_store(folder)
    updated = open_store(folder)
    assert derived.kinds(updated.store) == {}  # a new generation starts with nothing kept
    assert build_page(updated, **SMALL) == page == build_page(load([copy]), **SMALL)
    updated.store.close()


def _criteria(options):
    from leadgraph.network.criteria import Criteria

    return Criteria.of(None, options)


def test_the_keeper_keeps_the_default_page_for_a_new_generation(store, data, tmp_path):
    name = kept.key(store, **kept.DEFAULTS)
    assert kept.read(store, name) is None
    memory = load_store_files(store)
    assert memory is not None and len(memory) == len(store)
    assert kept.keep_default_page(memory, store.store)
    assert kept.read(store, name) is not None
    write_html(store, tmp_path / "store.html")
    write_html(None, tmp_path / "files.html", data=[data])
    assert (tmp_path / "store.html").read_bytes() == (tmp_path / "files.html").read_bytes()
    assert derived.kinds(store.store) == {kept.KIND: 1}
    assert not kept.keep_default_page(memory, load([data]).store)  # a memory store keeps nothing


def test_store_build_keeps_the_default_page(tmp_path, data, run_cli):
    folder = tmp_path / "store"
    built = run_cli("store", "build", str(folder), "--data", str(data))
    assert built.exit_code == 0, built.stderr
    graph = open_store(folder)
    assert derived.kinds(graph.store).get(kept.KIND) == 1
    assert kept.read(graph, kept.key(graph, **kept.DEFAULTS)) is not None
    graph.store.close()
    out = tmp_path / "page.html"
    drawn = run_cli("--store", str(folder), "viz", "-o", str(out))
    assert drawn.exit_code == 0, drawn.stderr
    write_html(None, tmp_path / "files.html", data=[data])
    assert out.read_bytes() == (tmp_path / "files.html").read_bytes()
    skipped = run_cli("store", "build", str(tmp_path / "bare"), "--data", str(data), "--no-answers")
    assert skipped.exit_code == 0, skipped.stderr
    bare = open_store(tmp_path / "bare")
    assert kept.KIND not in derived.kinds(bare.store)
    bare.store.close()


def test_a_generation_keeps_a_bounded_number_of_pages(store, monkeypatch):
    monkeypatch.setattr(kept, "MAX_KEPT", 2)
    for seed in (1, 2, 3):
        build_page(store, **SMALL, seed=seed)
    assert derived.kinds(store.store) == {kept.KIND: 2}
    options = dict(title=None, criteria=_criteria(SMALL), view="auto", communities=True, coverage=True,
                   role_group=None, as_of=None)
    assert kept.read(store, kept.key(store, seed=3, **options)) is not None
