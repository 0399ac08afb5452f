"""The page's overview, grouping, "as of", path, and picture controls, driven in Chromium.

Same rules as test_viz_browser.py: every page goes through the ``visit`` fixture (no request, no
error, no dialog, no CSP hit, no payload from the data run). Graphs here are SYNTHETIC ("Synthetic
person 7") unless they are the bundled data.
"""

from __future__ import annotations

import os
import shutil
import struct
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import networkx as nx
import pytest

REPO = Path(__file__).resolve().parents[2]
HOSTILE = "<img src=x onerror=\"window.__xss.push('group')\"></script><script>window.__xss.push('g2')</script>"
PHIL = "https://w3id.org/leadgraph/id/phill-james"
GARRY = "https://w3id.org/leadgraph/id/garry-harris"


def synthetic_national(people: int = 1200) -> tuple[nx.MultiDiGraph, dict[str, dict[str, str]]]:
    """SYNTHETIC: ``people`` invented people at 8 invented trusts in 4 ICBs and 2 regions."""
    g = nx.MultiDiGraph()
    g.add_node("src", kind="source", label="SYNTHETIC source", source_date="2024-01-01")
    places = {}
    for o in range(8):
        g.add_node(f"org{o}", kind="organisation", label=f"Synthetic Trust {o}")
        places[f"org{o}"] = {"icb": HOSTILE if o == 0 else f"Synthetic ICB {o % 4}",
                             "region": f"Synthetic region {o % 2}"}
    for t in range(5):
        g.add_node(f"trait{t}", kind="trait", label=f"Synthetic trait {t}")
    for i in range(people):
        p = f"p{i}"
        g.add_node(p, kind="person", label=f"Synthetic person {i}")
        g.add_edge(p, f"org{i % 8}", relation="holds role at", current=True, source_iri="src",
                   source_title="SYNTHETIC source", source_date="2024-01-01")
        g.add_edge(p, f"trait{i % 5}", relation="has trait")
        g.add_edge(p, "src", relation="described in")
    return g, places


def drawn_ids(seen) -> list:
    return seen.js("window.leadgraph.nodes.get({filter: (n) => !n.hidden}).map((n) => n.id)")


def click_canvas_on(seen, node_id) -> None:
    seen.js("(id) => window.network.focus(id, {scale: 1.5, animation: false})", node_id)
    box = seen.page.locator("#lg-network").bounding_box()
    seen.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


@pytest.fixture
def national_page(tmp_path) -> Path:
    from leadgraph.viz.page import render_html

    graph, places = synthetic_national()
    path = tmp_path / "national.html"
    path.write_text(render_html(graph, title="SYNTHETIC national", places=places), "utf-8")
    return path


def test_large_graph_opens_on_groups_that_open_on_click(visit, national_page):
    seen = visit(national_page)
    assert seen.js("window.leadgraph.payload.overview") is True
    assert seen.page.locator("#lg-grouping").input_value() == "region"
    drawn = drawn_ids(seen)
    groups = [d for d in drawn if isinstance(d, str)]
    # Two regions' groups, the five traits on their own; no source node drawn.
    assert len(groups) == 2 and len(drawn) == 2 + 5
    labels = seen.js("window.leadgraph.nodes.get({filter: (n) => typeof n.id === 'string'}).map((n) => n.label)")
    assert sorted(labels) == ["Synthetic region 0 (604)", "Synthetic region 1 (604)"]
    # A real click on a group opens it: its 600 people and 4 trusts are drawn, the rest stays closed.
    click_canvas_on(seen, groups[0])
    drawn = drawn_ids(seen)
    assert len(drawn) == 1 + 5 + 604
    assert seen.page.locator("#lg-details h2").text_content().startswith("Synthetic region")
    # Links from the open group's people to the closed group's trusts are bundled into one edge each.
    assert "opened" not in seen.page.locator("#lg-status").text_content()
    # "Draw every node": every node but the hidden source.
    seen.page.click("#lg-open-all")
    assert len(drawn_ids(seen)) == 1200 + 8 + 5
    seen.page.click("#lg-close-all")
    assert len(drawn_ids(seen)) == 7


def test_grouping_control_and_hostile_group_names(visit, national_page):
    seen = visit(national_page)
    options = seen.page.locator("#lg-grouping option").all_text_contents()
    assert options == ["Group by nhs england region", "Group by integrated care board", "Group by organisation",
                       "Group by kind"]
    seen.page.select_option("#lg-grouping", "icb")
    labels = seen.js("window.leadgraph.nodes.get({filter: (n) => typeof n.id === 'string'}).map((n) => n.label)")
    assert len(labels) == 5 and any(label.startswith(HOSTILE) for label in labels)
    hostile = seen.js("window.leadgraph.nodes.get({filter: (n) => typeof n.id === 'string'"
                      " && n.label.startsWith('<img')})[0].id")
    click_canvas_on(seen, hostile)
    assert seen.page.locator("#lg-details h2").text_content() == HOSTILE
    seen.page.select_option("#lg-grouping", "organisation")
    assert seen.js("window.leadgraph.drawnGroups") == 8
    assert seen.js("window.__xss") == []


def test_search_opens_the_group_of_the_person_found(visit, national_page):
    seen = visit(national_page)
    seen.page.fill("#lg-search", "synthetic person 1199")
    seen.page.press("#lg-search", "Enter")
    node_id = seen.node_id("p1199")
    assert seen.js("window.network.getSelectedNodes()") == [node_id]
    assert node_id in drawn_ids(seen)
    assert seen.page.locator("#lg-details h2").text_content() == "Synthetic person 1199"


def test_full_view_draws_every_node_at_its_layout(visit, tmp_path):
    from leadgraph.viz.page import render_html

    graph, places = synthetic_national(1100)
    path = tmp_path / "full.html"
    path.write_text(render_html(graph, view="full", places=places), "utf-8")
    seen = visit(path)
    assert seen.page.locator("#lg-grouping").input_value() == ""
    assert len(drawn_ids(seen)) == graph.number_of_nodes() - 1  # the source is hidden
    seen.page.select_option("#lg-grouping", "region")
    assert seen.js("window.leadgraph.drawnGroups") == 2


def test_large_page_data_is_compressed_and_inflated_offline(visit, tmp_path):
    from leadgraph.viz.page import COMPRESS_BYTES, render_html

    graph, places = synthetic_national(4000)
    for i, (_, _, data) in enumerate(graph.edges(data=True)):
        data["supporting_text"] = f"SYNTHETIC narration {i} " * 4
    page = render_html(graph, places=places)
    assert 'data-encoding="gzip+base64"' in page and len(page) > COMPRESS_BYTES / 2
    path = tmp_path / "big.html"
    path.write_text(page, "utf-8")
    seen = visit(path)
    seen.js("(id) => window.leadgraph.focusNode(id)", seen.node_id("p3999"))
    assert "SYNTHETIC narration" in seen.page.locator("#lg-details").text_content()


def dated_graph() -> nx.MultiDiGraph:
    """SYNTHETIC: one person's two roles, one after the other, and an undated trait."""
    g = nx.MultiDiGraph()
    g.add_node("p", kind="person", label="Synthetic Ada")
    g.add_node("a", kind="organisation", label="Synthetic Trust A")
    g.add_node("b", kind="organisation", label="Synthetic Trust B")
    g.add_node("t", kind="trait", label="Synthetic trait")
    g.add_edge("p", "a", relation="holds role at", valid_from="2018-04-01", valid_until="2021-01-01")
    g.add_edge("p", "b", relation="holds role at", valid_from="2021-01-01", valid_until="")
    g.add_edge("p", "t", relation="has trait")
    return g


def test_as_of_control_shows_who_held_which_role_on_a_date(visit, tmp_path):
    from leadgraph.viz.page import write_html

    seen = visit(write_html(dated_graph(), tmp_path / "dated.html"))
    hidden = "window.leadgraph.edges.get().filter((e) => e.hidden).map((e) => e.id).sort()"
    assert seen.js(hidden) == []
    box = seen.page.locator("#lg-asof")
    assert box.is_enabled()
    box.fill("2020-06-30")
    box.dispatch_event("change")
    assert seen.js(hidden) == [1]  # the later role; the undated trait stays
    box.fill("2021-01-01")  # the end is exclusive: the first role ended that day
    box.dispatch_event("change")
    assert seen.js(hidden) == [0]
    seen.js("(id) => window.leadgraph.focusNode(id)", seen.node_id("p"))
    text = seen.page.locator("#lg-details").text_content()
    assert "Synthetic Trust B" in text and "Synthetic Trust A" not in text and "as of 2021-01-01" in text
    assert "As of 2021-01-01." in seen.page.locator("#lg-status").text_content()
    seen.page.click("#lg-asof-clear")
    assert seen.js(hidden) == []


def test_as_of_control_is_off_without_dated_statements(visit, tmp_path, bundled_page):
    from leadgraph.viz.page import write_html

    undated = dated_graph()
    for _, _, attrs in undated.edges(data=True):
        attrs.pop("valid_from", None)
        attrs.pop("valid_until", None)
    seen = visit(write_html(undated, tmp_path / "undated.html"))
    assert not seen.page.locator("#lg-asof").is_enabled()
    assert "No statement" in seen.page.locator("#lg-asof-note").text_content()
    # The bundled statements are dated (leadgraph.history: from the article's date), so there it is on.
    assert visit(bundled_page).page.locator("#lg-asof").is_enabled()


def test_path_between_two_people_is_highlighted(visit, bundled_page, bundled_network):
    seen = visit(bundled_page)
    seen.page.fill("#lg-path-from", "phil")
    seen.page.fill("#lg-path-to", "gary harris")  # a name variant, resolved like the search box
    seen.page.click("#lg-path-go")
    path = seen.js("window.leadgraph.path")
    ids = [seen.node_id(PHIL), seen.node_id(GARRY)]
    assert path["nodes"][0] == ids[0] and path["nodes"][-1] == ids[1]
    # Shortest, and never through a source (all is "described in" the same article).
    plain = nx.Graph(bundled_network.to_undirected())
    plain.remove_nodes_from([n for n, d in bundled_network.nodes(data=True) if d["kind"] == "source"])
    assert len(path["edges"]) == nx.shortest_path_length(plain, PHIL, GARRY)
    assert sorted(seen.js("window.network.getSelectedNodes()")) == sorted(path["nodes"])
    assert sorted(seen.js("window.network.getSelectedEdges()")) == sorted(path["edges"])
    steps = len(path["edges"])
    assert seen.page.locator("#lg-path-status").text_content() == (
        f"Phill James to Garry Harris: {steps} step{'s' if steps != 1 else ''}.")
    assert seen.page.locator("#lg-details h2").text_content() == "From Phill James to Garry Harris"
    assert "Source: " in seen.page.locator("#lg-details").text_content()


def test_path_says_plainly_when_there_is_none(visit, tmp_path):
    from leadgraph.viz.page import write_html

    g = dated_graph()
    g.add_node("q", kind="person", label="Synthetic Bob")
    seen = visit(write_html(g, tmp_path / "apart.html"))
    seen.page.fill("#lg-path-from", "synthetic ada")
    seen.page.fill("#lg-path-to", "synthetic bob")
    seen.page.press("#lg-path-to", "Enter")
    assert seen.page.locator("#lg-path-status").text_content() == (
        "No path connects Synthetic Ada and Synthetic Bob in this data.")
    assert seen.js("window.leadgraph.path") is None
    seen.page.fill("#lg-path-to", "zzz nobody")
    seen.page.click("#lg-path-go")
    assert seen.page.locator("#lg-path-status").text_content() == "No match for “zzz nobody”."


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, after checking it decodes: signature, chunk CRCs, and the
    inflated image data is exactly one filter byte plus a row of pixels per line."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    at, idat, header = 8, b"", None
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        assert struct.unpack(">I", data[at + 8 + length:at + 12 + length])[0] == zlib.crc32(kind + body)
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        at += 12 + length
    width, height, depth, colour = header[:4]
    channels = {2: 3, 6: 4, 0: 1, 4: 2}[colour]
    assert len(zlib.decompress(idat)) == height * (1 + width * channels * depth // 8)
    return width, height


def test_export_buttons_save_png_and_svg_of_the_view(visit, tmp_path):
    from leadgraph.loading import load
    from leadgraph.network.projection import to_networkx
    from leadgraph.viz.page import write_html

    from tests.browser.test_viz_browser import XSS_FIXTURE

    graph = load(data=[XSS_FIXTURE])
    seen = visit(write_html(graph, tmp_path / "xss.html"))
    with seen.page.expect_download() as download:
        seen.page.click("#lg-export-png")
    png = Path(download.value.path()).read_bytes()
    assert download.value.suggested_filename == "leadgraph.png"
    canvas = seen.js("(() => { const c = document.querySelector('#lg-network canvas'); return [c.width, c.height]; })()")
    assert png_size(png) == tuple(canvas)
    with seen.page.expect_download() as download:
        seen.page.click("#lg-export-svg")
    svg = ET.fromstring(Path(download.value.path()).read_bytes())
    texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    network = to_networkx(graph)
    people = [d["label"] for _, d in network.nodes(data=True) if d["kind"] == "person"]
    assert people and all(label[:40] in " ".join(texts) for label in people)
    assert not list(svg.iter("{http://www.w3.org/2000/svg}script"))
    assert seen.js("window.__xss") == []


def test_cli_writes_png_and_svg_pictures(browser, tmp_path):
    """The real command in its own process (Playwright's sync API cannot nest in this one's)."""
    import subprocess
    import sys
    from types import SimpleNamespace

    from leadgraph.loading import load
    from leadgraph.network.projection import to_networkx

    def cli(*args):
        done = subprocess.run([sys.executable, "-m", "leadgraph", *args], capture_output=True, text=True,
                              timeout=300)
        return SimpleNamespace(exit_code=done.returncode, stdout=done.stdout, stderr=done.stderr)

    out = cli("viz", "-o", str(tmp_path / "g.png"), "--width", "640", "--height", "480")
    assert out.exit_code == 0, out.stderr
    assert out.stdout.strip() == str(tmp_path / "g.png")
    assert png_size((tmp_path / "g.png").read_bytes()) == (640, 480)
    out = cli("viz", "--format", "svg", "-o", str(tmp_path / "g.picture"))
    assert out.exit_code == 0, out.stderr
    svg = ET.parse(tmp_path / "g.picture").getroot()
    texts = {t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")}
    people = {d["label"] for _, d in to_networkx(load()).nodes(data=True) if d["kind"] == "person"}
    assert people and people <= texts
    out = cli("viz", "-o", str(tmp_path / "g.gif"), "--format", "gif")
    assert out.exit_code == 2 and not (tmp_path / "g.gif").exists()


def test_screenshots_of_each_view(visit, national_page, bundled_page, artifacts):
    """docs/images/ pictures for the README, refreshed with LEADGRAPH_UPDATE_DOCS_SCREENSHOT=1."""
    seen = visit(national_page)
    seen.js("window.leadgraph.openGroup(0)")
    seen.js("window.network.fit({animation: false})")
    seen.page.screenshot(path=str(artifacts / "viz-overview.png"))
    seen = visit(bundled_page)
    seen.page.fill("#lg-path-from", "phil")
    seen.page.fill("#lg-path-to", "gary harris")
    seen.page.click("#lg-path-go")
    seen.page.screenshot(path=str(artifacts / "viz-path.png"))
    seen.page.click("#lg-tab-coverage")
    seen.page.locator("#lg-cov-tiles button", has_text="NHS England North West").click()
    seen.page.locator("#lg-cov-tiles button", has_text="Cheshire and Merseyside").click()
    seen.page.locator("#lg-cov-tiles button", has_text="Liverpool Heart and Chest").click()
    seen.page.screenshot(path=str(artifacts / "viz-coverage.png"))
    for name in ("viz-overview.png", "viz-path.png", "viz-coverage.png"):
        assert (artifacts / name).stat().st_size > 20_000
        if os.environ.get("LEADGRAPH_UPDATE_DOCS_SCREENSHOT") == "1":
            shutil.copyfile(artifacts / name, REPO / "docs" / "images" / name)


def test_coverage_view_drills_down_to_the_people(visit, bundled_page):
    from leadgraph.loading import load
    from leadgraph.network.coverage import coverage_tree

    tree = coverage_tree(load(), "cio")
    seen = visit(bundled_page)
    seen.page.click("#lg-tab-coverage")
    assert seen.page.locator("#lg-network").is_hidden()
    tiles = seen.page.locator("#lg-cov-tiles button.lg-tile")
    assert tiles.count() == len(tree["children"])  # the NHS England regions
    heading = seen.page.locator("#lg-cov-heading").text_content()
    assert heading == f"England: {tree['covered']} of {tree['trusts']} trusts with a known leader" \
                      f" ({round(100 * tree['covered'] / tree['trusts'])}%)"
    seen.page.locator("#lg-cov-tiles button", has_text="NHS England North West").click()
    seen.page.locator("#lg-cov-tiles button", has_text="Cheshire and Merseyside").click()
    trust = seen.page.locator("#lg-cov-tiles button", has_text="Liverpool Heart and Chest")
    assert trust.get_attribute("data-covered") == "1" and "Gregg Holland" in trust.text_content()
    uncovered = seen.page.locator("#lg-cov-tiles button[data-covered='0']")
    assert uncovered.count() >= 1 and "no known leader" in uncovered.first.text_content()
    trust.click()
    text = seen.page.locator("#lg-details").text_content()
    assert "Gregg Holland, CIO" in text and "Source: What does it take to be a tech leader in the NHS? (2021-06-23)" in text
    # Up the trail, then from the people to the network.
    seen.page.locator("#lg-cov-path button", has_text="NHS England North West").click()
    assert seen.js("window.leadgraph.coverageArea") == "NHS England North West"
    seen.page.locator("#lg-cov-tiles button", has_text="Cheshire and Merseyside").click()
    trust.click()
    seen.page.click("#lg-details >> text=Show in the network")
    assert seen.page.locator("#lg-network").is_visible()
    assert seen.js("window.network.getSelectedNodes()") == [seen.node_id("https://w3id.org/leadgraph/id/gregg-holland")]


def test_group_and_colour_by_community(visit, bundled_page):
    from leadgraph.loading import load
    from leadgraph.network.communities import communities

    found = communities(load())
    seen = visit(bundled_page)
    seen.page.select_option("#lg-grouping", "community")
    seen.page.click("#lg-open-all")
    colours = {}
    for community in found:
        for person in community["people"]:
            node = seen.js("(id) => window.leadgraph.nodes.get(id)", seen.node_id(person))
            colours.setdefault(community["community"], set()).add(node["color"]["background"])
    # One colour per community, a different one for each.
    assert all(len(c) == 1 for c in colours.values())
    assert len({next(iter(c)) for c in colours.values()}) == len(found)
    seen.page.click("#lg-close-all")
    groups = seen.js("window.leadgraph.nodes.get({filter: (n) => typeof n.id === 'string'}).map((n) => n.label)")
    assert sorted(groups) == sorted(f"Community {c['community']} ({c['size']})" for c in found if c["size"] > 1)


def test_coverage_view_shows_hostile_names_as_text(visit, tmp_path):
    from leadgraph.viz.page import render_html

    graph, places = synthetic_national(3)
    leader = {"person": "p0", "label": HOSTILE, "job_title": HOSTILE, "source_title": HOSTILE,
              "source_date": "2024-01-01", "as_of": "2024-01-01"}
    trust = {"label": HOSTILE, "kind": "trust", "trusts": 1, "covered": 1, "leaders": [leader], "children": []}
    icb = {"label": HOSTILE, "kind": "icb", "trusts": 1, "covered": 1, "children": [trust]}
    region = {"label": HOSTILE, "kind": "region", "trusts": 1, "covered": 1, "children": [icb]}
    tree = {"label": "England", "kind": "england", "trusts": 1, "covered": 1, "children": [region],
            "role_group_label": HOSTILE}
    path = tmp_path / "coverage.html"
    path.write_text(render_html(graph, coverage=tree), "utf-8")
    seen = visit(path)
    seen.page.click("#lg-tab-coverage")
    for _ in range(2):
        seen.page.locator("#lg-cov-tiles button").first.click()
    assert seen.page.locator("#lg-cov-path").text_content() == f"England › {HOSTILE} › {HOSTILE}"
    seen.page.locator("#lg-cov-tiles button").first.click()
    assert seen.page.locator("#lg-details h2").text_content() == HOSTILE
    assert f"{HOSTILE}, {HOSTILE}" in seen.page.locator("#lg-details").text_content()
    assert HOSTILE in seen.page.locator("#lg-cov-note").text_content()
    # Nothing the data says became markup: no image, and only the page's own three scripts.
    assert seen.js("document.querySelectorAll('#lg-coverage img, #lg-details img').length") == 0
    assert seen.js("document.querySelectorAll('script').length") == 3
    assert seen.js("window.__xss") == []
    seen.page.click("#lg-details >> text=Show in the network")
    assert seen.js("window.network.getSelectedNodes()") == [seen.node_id("p0")]
