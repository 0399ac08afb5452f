"""leadgraph.viz.page and leadgraph.viz.layout without a browser: page structure, escaping, policy, layout.

What the page does in a browser is proven in tests/browser/.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from html.parser import HTMLParser
from importlib import resources

import networkx as nx
import numpy as np
import pytest

from leadgraph.errors import UsageError
from leadgraph.viz.layout import STRESS_MAX_NODES, layout, layout_arrays
from leadgraph.viz.page import extract_payload, render_html, write_html

BREAKOUT = "</script><script>window.__xss.push(1)</script>"
HOSTILE = [
    "<img src=x onerror=alert(1)>",
    BREAKOUT,
    "</SCRIPT >",
    "<!-- <script>",
    "javascript:alert(1)",
    "a & b < c > d",
    "line\u2028separator\u2029",
    "{{vis_js}} {{data}}",
    "href",
]


class _Page(HTMLParser):
    """Every start tag with its attributes, and the text of each <script>/<style> element."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.raw: list[tuple[str, dict[str, str | None], str]] = []
        self._open: tuple[str, dict[str, str | None]] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._open = (tag, dict(attrs))

    def handle_data(self, data):
        if self._open is not None:
            self.raw.append((*self._open, data))
            self._open = None

    def handle_endtag(self, tag):
        if self._open is not None and tag == self._open[0]:
            self.raw.append((*self._open, ""))  # an empty element
        self._open = None


def parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


def hostile_graph() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for i, text in enumerate(HOSTILE):
        g.add_node(f"https://example.org/{i}", kind="person" if i % 2 else "trait", label=text,
                   alternate_names=f"{text}; variant {i}", description=text, note_source=text,
                   title=f"{text} href")
    for i in range(len(HOSTILE) - 1):
        g.add_edge(f"https://example.org/{i}", f"https://example.org/{i + 1}", relation=HOSTILE[i],
                   quote=HOSTILE[i + 1], source_iri=f"https://example.org/src{i}",
                   source_title=HOSTILE[i], source_date="2021-06-23", title="href")
    return g


# ---------------------------------------------------------------- the page


def test_page_loads_nothing_from_outside_and_has_only_inline_code():
    page = render_html(hostile_graph(), title="t")
    parsed = parse(page)
    for tag, attrs in parsed.tags:
        assert tag not in {"link", "iframe", "object", "embed", "img", "base", "form", "a"}, tag
        assert "src" not in attrs and "href" not in attrs, (tag, attrs)
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
    scripts = [(attrs, text) for tag, attrs, text in parsed.raw if tag == "script"]
    assert [attrs.get("type") for attrs, _ in scripts] == ["application/json", None, None]
    assert "bootstrap" not in page.lower()


def test_csp_forbids_outside_requests_and_allows_exactly_the_page_scripts():
    page = render_html(nx.path_graph(3))
    parsed = parse(page)
    metas = [attrs for tag, attrs in parsed.tags if tag == "meta"]
    assert metas[0] == {"charset": "utf-8"}
    assert metas[1]["http-equiv"] == "Content-Security-Policy"  # before any loadable element
    policy = dict(
        (part.split()[0], part.split()[1:]) for part in metas[1]["content"].split(";") if part.strip()
    )
    assert policy["default-src"] == ["'none'"]
    assert policy["img-src"] == ["data:"]
    assert policy["style-src"] == ["'unsafe-inline'"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    code = [text for tag, attrs, text in parsed.raw if tag == "script" and attrs.get("type") is None]
    hashes = {
        "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'" for text in code
    }
    assert set(policy["script-src"]) == hashes
    assert len(code) == 2


@pytest.mark.parametrize("text", HOSTILE)
def test_data_cannot_end_the_json_block_and_round_trips_exactly(text):
    g = nx.MultiDiGraph()
    g.add_node("https://example.org/a", kind="person", label=text, description=text)
    page = render_html(g, title="t")
    block = re.search(r'<script type="application/json" id="lg-data">(.*?)</script>', page, re.S).group(1)
    for forbidden in ("<", ">", "&", "\u2028", "\u2029"):
        assert forbidden not in block
    payload = extract_payload(page)
    assert payload["info"][0]["label"] == text
    assert payload["info"][0]["facts"] == [["Description", text, None, False]]
    # The three script elements are the only places "</script" appears.
    assert page.lower().count("</script") == 3


def test_hostile_title_is_escaped_in_title_and_heading():
    page = render_html(nx.path_graph(2), title=BREAKOUT + " <h1>x</h1>")
    assert BREAKOUT not in page
    escaped = "&lt;/script&gt;&lt;script&gt;window.__xss.push(1)&lt;/script&gt; &lt;h1&gt;x&lt;/h1&gt;"
    assert f"<title>{escaped}</title>" in page
    assert f'<h1 id="lg-title">{escaped}</h1>' in page


def test_template_markers_in_data_are_not_expanded():
    g = nx.MultiDiGraph()
    g.add_node("x", label="{{vis_js}} {{csp}} {{data}}")
    page = render_html(g)
    assert extract_payload(page)["info"][0]["label"] == "{{vis_js}} {{csp}} {{data}}"
    assert page.count("vis-network") == render_html(nx.path_graph(1)).count("vis-network")


def test_page_script_never_parses_strings_as_html():
    app = resources.files("leadgraph.viz").joinpath("templates", "viz.js").read_text("utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                 "new Function", "setAttribute(\"on", "javascript:", ".href", "srcdoc"):
        assert sink not in app, sink


def test_nodes_and_edges_carry_no_vis_tooltip():
    # vis-network shows a node/edge `title` in a tooltip (pyvis's page even switches to an
    # innerHTML popup when a title contains "href"): the page never sets one.
    payload = extract_payload(render_html(hostile_graph()))
    assert all("title" not in node for node in payload["nodes"])
    assert all("title" not in edge for edge in payload["edges"])


def test_payload_matches_the_graph():
    g = hostile_graph()
    payload = extract_payload(render_html(g))
    assert [n["iri"] for n in payload["info"]] == list(g.nodes)
    assert len(payload["nodes"]) == g.number_of_nodes()
    assert [(e["from"], e["to"]) for e in payload["edges"]] == [
        (list(g).index(u), list(g).index(v)) for u, v in g.edges()
    ]
    assert [e["id"] for e in payload["edges"]] == list(range(g.number_of_edges()))
    kinds = {row["key"]: row["count"] for row in payload["kinds"]}
    assert kinds == {"person": 4, "trait": 5}
    assert payload["filters"]["trait"] == [i for i, n in enumerate(payload["info"]) if n["kind"] == "trait"]
    first = payload["info"][0]
    assert first["names"] == ["variant 0"]  # the label itself is not repeated as a variant
    # "note_source" is where a "note" fact comes from, not a fact of its own; a `title`
    # attribute is a fact in the panel, never a vis-network tooltip.
    assert [fact[0] for fact in first["facts"]] == ["Description", "Title"]
    edge = payload["edgeInfo"][0]
    assert edge["relation"] == HOSTILE[0]
    assert ["Quote", HOSTILE[1], None, True] in edge["facts"]
    assert payload["sources"][edge["sources"][0]] == {
        "iri": "https://example.org/src0", "title": HOSTILE[0], "date": "2021-06-23"
    }


def test_fact_sources_and_multiple_sources():
    g = nx.MultiDiGraph()
    g.add_node("p", kind="person", label="P", service="16 years", service_source="Article (2021-06-23)")
    g.add_node("t", kind="trait", label="T")
    g.add_edge("p", "t", relation="has trait", source_iri="s1; s2", source_title="One; Two",
               source_date="2021-01-01; undated")
    g.add_edge("t", "p", relation="odd", source_iri="s1", source_title="A; B title", source_date="2020")
    payload = extract_payload(render_html(g))
    assert payload["info"][0]["facts"] == [["Service", "16 years", "Article (2021-06-23)", False]]
    rows = payload["sources"]
    assert [rows[k] for k in payload["edgeInfo"][0]["sources"]] == [
        {"iri": "s1", "title": "One", "date": "2021-01-01"},
        {"iri": "s2", "title": "Two", "date": "undated"},
    ]
    # Lists of different lengths cannot be paired up: each value is kept whole instead.
    assert [rows[k] for k in payload["edgeInfo"][1]["sources"]] == [
        {"iri": "s1", "title": "A; B title", "date": "2020"}
    ]


def test_same_graph_and_seed_give_the_same_page():
    g = nx.les_miserables_graph()
    assert render_html(g, seed=3) == render_html(g, seed=3)
    a = extract_payload(render_html(g, seed=3))["nodes"]
    b = extract_payload(render_html(g, seed=4))["nodes"]
    assert [(n["x"], n["y"]) for n in a] != [(n["x"], n["y"]) for n in b]


def test_positions_can_be_given():
    page = render_html(nx.path_graph(2), positions={0: (1.0, 2.0), 1: (-3.0, 4.5)})
    assert [(n["x"], n["y"]) for n in extract_payload(page)["nodes"]] == [(1.0, 2.0), (-3.0, 4.5)]


def test_large_graphs_switch_to_cheap_drawing_options():
    small = extract_payload(render_html(nx.path_graph(10)))["options"]
    big = extract_payload(render_html(nx.path_graph(400)))["options"]
    assert small["physics"]["enabled"] is False and big["physics"]["enabled"] is False
    assert small["interaction"]["hideEdgesOnDrag"] is False
    assert big["interaction"]["hideEdgesOnDrag"] is True


def test_sources_sit_above_the_picture_and_do_not_shape_it(bundled_graph):
    """The article every node is "described in" would pull the layout into a knot around
    itself: the layout ignores source nodes and sets them in a row on top."""
    from leadgraph.network.projection import to_networkx

    network = to_networkx(bundled_graph)
    payload = extract_payload(render_html(network))
    kinds = [n["kind"] for n in payload["info"]]
    xy = {i: (n["x"], n["y"]) for i, n in enumerate(payload["nodes"])}
    sources = [i for i, k in enumerate(kinds) if k == "source"]
    others = [i for i, k in enumerate(kinds) if k != "source"]
    assert len(sources) >= 1 and others
    assert max(xy[i][1] for i in sources) < min(xy[i][1] for i in others)
    assert len({xy[i] for i in sources}) == len(sources)
    # The others are where they would be without the sources at all.
    rest = network.copy()
    rest.remove_nodes_from([n for n, d in network.nodes(data=True) if d["kind"] == "source"])
    alone = extract_payload(render_html(rest))["nodes"]
    assert [(n["x"], n["y"]) for n in alone] == [xy[i] for i in others]
    # (The page draws their "described in" edges faint: tests/browser.)


def test_only_sources_still_get_a_layout():
    g = nx.MultiDiGraph()
    g.add_node("a", kind="source", label="A")
    g.add_node("b", kind="source", label="B")
    g.add_edge("a", "b", relation="cites")
    nodes = extract_payload(render_html(g))["nodes"]
    assert (nodes[0]["x"], nodes[0]["y"]) != (nodes[1]["x"], nodes[1]["y"])


def test_edge_labels_wait_for_a_readable_zoom():
    from leadgraph.viz.page import EDGE_FONT, EDGE_LABEL_SCALE, FOCUS_SCALE

    payload = extract_payload(render_html(nx.path_graph(3)))
    threshold = payload["options"]["edges"]["scaling"]["label"]["drawThreshold"]
    # vis-network hides a label drawn smaller than drawThreshold - 1 pixels.
    assert EDGE_FONT * 1.0 < threshold - 1 <= EDGE_FONT * EDGE_LABEL_SCALE
    assert payload["focusScale"] == FOCUS_SCALE >= EDGE_LABEL_SCALE  # search lands where labels show


# ---------------------------------------------------------------- write_html and the CLI


def test_write_html_bundled_graph_matches_projection(tmp_path, bundled_graph):
    from leadgraph.network.projection import to_networkx

    out = write_html(bundled_graph, tmp_path / "all.html")
    payload = extract_payload(out.read_text("utf-8"))
    network = to_networkx(bundled_graph)
    assert sorted(n["iri"] for n in payload["info"]) == sorted(network.nodes)
    assert len(payload["edges"]) == network.number_of_edges()
    assert payload["title"] == "leadgraph: NHS technology leaders"
    assert not list(tmp_path.glob(".*.tmp"))


def test_write_html_selection_is_the_same_as_select(tmp_path, bundled_graph):
    from leadgraph.network.selection import select

    out = write_html(bundled_graph, tmp_path / "phil.html", focus="phil", hops=1)
    payload = extract_payload(out.read_text("utf-8"))
    expected = select(bundled_graph, focus="phil", hops=1).graph
    assert sorted(n["iri"] for n in payload["info"]) == sorted(expected.nodes)
    assert payload["title"] == "leadgraph: NHS technology leaders: focus phil, hops 1"


def test_write_html_refuses_selection_on_a_networkx_graph(tmp_path):
    with pytest.raises(UsageError):
        write_html(nx.path_graph(2), tmp_path / "x.html", focus="x")
    assert not (tmp_path / "x.html").exists()


def test_cli_viz_writes_the_page_and_prints_its_path(cli, tmp_path):
    out = tmp_path / "page.html"
    result = cli("viz", "-o", str(out), "--trait", "resilience", "--hops", "0")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == str(out)
    labels = sorted(n["label"] for n in extract_payload(out.read_text("utf-8"))["info"])
    from leadgraph.loading import load
    from leadgraph.network.selection import select

    expected = select(load(), trait="resilience", hops=0).graph
    assert labels == sorted(d["label"] for _, d in expected.nodes(data=True))


def test_cli_viz_unknown_name_is_a_one_line_error_and_writes_nothing(cli, tmp_path):
    out = tmp_path / "page.html"
    result = cli("viz", "-o", str(out), "--focus", "no such person anywhere")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr
    assert not out.exists()


def test_cli_viz_with_data_option_draws_that_data(cli, tmp_path, fixtures):
    out = tmp_path / "page.html"
    minimal = fixtures / "valid" / "minimal.ttl"
    result = cli("--data", str(minimal), "viz", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    labels = {n["label"] for n in extract_payload(out.read_text("utf-8"))["info"]}
    assert "Test Leader" in labels and "Ayesha Rahim" not in labels


# ---------------------------------------------------------------- layout


def _min_distance(xy: np.ndarray) -> float:
    from scipy.spatial import cKDTree

    distance, _ = cKDTree(xy).query(xy, k=2)
    return float(distance[:, 1].min())


@pytest.mark.parametrize(
    "graph",
    [
        nx.empty_graph(1),
        nx.empty_graph(5),
        nx.star_graph(40),
        nx.grid_2d_graph(6, 6),
        nx.disjoint_union_all([nx.path_graph(5), nx.star_graph(8), nx.complete_graph(4), nx.empty_graph(3)]),
        nx.barabasi_albert_graph(STRESS_MAX_NODES + 300, 2, seed=1),
    ],
    ids=["one", "isolated", "star", "grid", "components", "forces"],
)
def test_layout_places_every_node_apart(graph):
    pos = layout(graph, seed=0, scale=100)
    assert set(pos) == set(graph)
    xy = np.array(list(pos.values()))
    assert np.isfinite(xy).all()
    if len(xy) > 1:
        assert _min_distance(xy) > 5  # a twentieth of an edge length at least: no node hidden


def test_layout_is_repeatable_and_seeded():
    g = nx.barabasi_albert_graph(STRESS_MAX_NODES + 100, 2, seed=2)
    assert layout(g, seed=5) == layout(g, seed=5)
    assert layout(g, seed=5) != layout(g, seed=6)


def test_layout_keeps_components_apart():
    parts = [nx.complete_graph(6), nx.cycle_graph(12), nx.star_graph(7)]
    g = nx.disjoint_union_all(parts)
    pos = layout(g, seed=0, scale=10)
    boxes, start = [], 0
    for part in parts:
        xy = np.array([pos[n] for n in range(start, start + len(part))])
        boxes.append((xy.min(axis=0), xy.max(axis=0)))
        start += len(part)
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            (lo1, hi1), (lo2, hi2) = boxes[i], boxes[j]
            overlap = (lo1 < hi2).all() and (lo2 < hi1).all()
            assert not overlap, (i, j)


@pytest.mark.parametrize("n", [60, STRESS_MAX_NODES + 500], ids=["stress", "forces"])
def test_layout_puts_neighbours_close(n):
    # Both methods: an edge is much shorter than the distance between two random nodes, and
    # picture distance grows with graph distance.
    g = nx.connected_watts_strogatz_graph(n, 4, 0.05, seed=3)
    edges = np.array(list(g.edges()))
    xy = layout_arrays(n, edges[:, 0], edges[:, 1], seed=0, scale=1.0)
    edge_length = np.linalg.norm(xy[edges[:, 0]] - xy[edges[:, 1]], axis=1).mean()
    rng = np.random.default_rng(0)
    a, b = rng.integers(n, size=(2, 2000))
    random_length = np.linalg.norm(xy[a] - xy[b], axis=1).mean()
    assert edge_length < 0.5 * random_length  # a random placement gives about 1
    hops = dict(nx.single_source_shortest_path_length(g, 0))
    far = [i for i in g if hops[i] >= 6]
    near = [i for i in g if 1 <= hops[i] <= 2]
    d = np.linalg.norm(xy - xy[0], axis=1)
    assert d[near].mean() < d[far].mean()


def test_layout_ignores_direction_loops_and_repeated_edges():
    g = nx.MultiDiGraph([(0, 1), (1, 0), (1, 1), (1, 2), (1, 2)])
    plain = nx.Graph([(0, 1), (1, 2)])
    assert layout(g, seed=1) == layout(plain, seed=1)


def test_layout_of_nothing():
    assert layout(nx.Graph()) == {}
    assert layout_arrays(0, np.array([]), np.array([])).shape == (0, 2)


def test_render_html_json_is_valid_json_for_every_number():
    # Layout output must never contain NaN/Infinity, which JSON.parse rejects.
    payload = extract_payload(render_html(nx.star_graph(3)))
    numbers, todo = [], [payload]
    while todo:
        item = todo.pop()
        if isinstance(item, dict):
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)
        elif isinstance(item, (int, float)) and not isinstance(item, bool):
            numbers.append(item)
    assert len(numbers) >= 8  # x and y of four nodes at least
    assert all(math.isfinite(n) for n in numbers)
    assert json.loads(json.dumps(payload, allow_nan=False)) == payload


def test_cli_viz_open_hands_the_file_url_to_the_browser(cli, tmp_path, monkeypatch):
    import shlex
    import sys

    import webbrowser

    out, seen = tmp_path / "page.html", tmp_path / "opened.txt"
    # webbrowser runs $BROWSER with %s replaced by the URL: record it instead of opening anything.
    recorder = f"import sys, pathlib; pathlib.Path({str(seen)!r}).write_text(sys.argv[1])"
    monkeypatch.setenv("BROWSER", f"{shlex.quote(sys.executable)} -c {shlex.quote(recorder)} %s")
    monkeypatch.setattr(webbrowser, "_tryorder", None)  # re-read $BROWSER on this call
    result = cli("viz", "-o", str(out), "--open", "--kinds", "person")
    assert result.exit_code == 0, result.stderr
    assert seen.read_text() == out.resolve().as_uri()


def test_derived_names_help_search_but_are_not_shown_as_names(bundled_graph):
    """Only the name variants the data records are shown as "Also named"; "Phil James" is a
    search key built from "Phil" + the family name, which no source used."""
    from leadgraph.network.projection import to_networkx

    info = {n["iri"]: n for n in extract_payload(render_html(to_networkx(bundled_graph)))["info"]}
    phill = info["https://w3id.org/leadgraph/id/phill-james"]
    assert phill["names"] == ["Phil"]
    assert phill["search"] == ["Phil James"]
    garry = info["https://w3id.org/leadgraph/id/garry-harris"]
    assert (garry["names"], garry["search"]) == (["Gary"], ["Gary Harris"])
