"""The page made by ``leadgraph viz``, driven in a real Chromium from file:// with no network.

Every test goes through the ``visit`` fixture, which fails the test if the page made any http(s)
request, any other non-file request, threw, logged an error, opened a dialog, hit its own
Content-Security-Policy, or ran a payload from the data.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BROWSER_FIXTURES = Path(__file__).resolve().parent / "fixtures"
PERSON = "https://w3id.org/leadgraph/id/phill-james"
XSS_FIXTURE = BROWSER_FIXTURES / "xss.ttl"
HOSTILE_TITLE = "<img src=x onerror=\"window.__xss.push('title')\"> </script><script>window.__xss.push('t2')</script> href"


def details_text(seen) -> str:
    return seen.js("document.getElementById('lg-details').textContent")


def click_node(seen, node_id: int) -> None:
    """A real mouse click on a node: show it (its kind may be hidden, its group closed), centre
    the view on it, then click the canvas centre."""
    seen.js("(id) => { window.leadgraph.focusNode(id); window.network.unselectAll();"
            " window.network.focus(id, {scale: 2, animation: false}); }", node_id)
    box = seen.page.locator("#lg-network").bounding_box()
    seen.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def visible_ids(seen) -> set[int]:
    return set(seen.js("window.leadgraph.nodes.get({filter: (n) => !n.hidden}).map((n) => n.id)"))


def test_bundled_graph_renders_every_node_and_edge(visit, bundled_page, bundled_network):
    seen = visit(bundled_page)
    drawn = seen.js(
        "({nodes: window.network.body.data.nodes.length, edges: window.network.body.data.edges.length,"
        " canvasNodes: Object.keys(window.network.body.nodes).length,"
        " positions: Object.keys(window.network.getPositions(window.leadgraph.nodes.getIds())).length})"
    )
    assert drawn["nodes"] == bundled_network.number_of_nodes() > 0
    assert drawn["canvasNodes"] == drawn["positions"] == drawn["nodes"]
    assert drawn["edges"] == bundled_network.number_of_edges()
    labels = seen.js("window.leadgraph.payload.info.map((n) => n.iri)")
    assert sorted(labels) == sorted(bundled_network.nodes)
    # Physics is off: nothing moves after the first frame, so the picture is the seeded layout.
    before = seen.js("window.network.getPositions()")
    seen.page.wait_for_timeout(300)
    assert seen.js("window.network.getPositions()") == before


def test_page_makes_no_request_and_its_policy_blocks_fetches_and_injected_scripts(visit, bundled_page):
    seen = visit(bundled_page)
    assert [u for u in seen.requests if not u.startswith("data:")] == [bundled_page.resolve().as_uri()]
    assert seen.js("window.__csp") == []
    # What the Content-Security-Policy does if something tried: a fetch never leaves the page
    # (so the route recorder sees nothing), and a script added later does not run.
    outcome = seen.js(
        """async () => {
          let fetched;
          try { await fetch('https://example.org/leak'); fetched = 'sent'; }
          catch (e) { fetched = 'blocked'; }
          const s = document.createElement('script');
          s.textContent = "window.__xss.push('injected')";
          document.body.appendChild(s);
          const img = document.createElement('img');
          img.src = 'https://example.org/pixel.png';
          document.body.appendChild(img);
          await new Promise((r) => setTimeout(r, 200));
          return {fetched, csp: window.__csp.slice()};
        }"""
    )
    assert outcome["fetched"] == "blocked"
    assert seen.js("window.__xss") == []
    blocked = " ".join(outcome["csp"])
    assert "connect-src" in blocked and "script-src" in blocked and "img-src" in blocked
    assert seen.outgoing == []
    # Those refusals were provoked on purpose: clear them so the fixture checks the rest.
    seen.js("window.__csp.length = 0")
    seen.errors.clear()
    seen.requests[:] = [u for u in seen.requests if not u.startswith("https://")]


def test_search_focuses_the_node_by_name_variant(visit, bundled_page, bundled_network):
    seen = visit(bundled_page)
    person = bundled_network.nodes[PERSON]
    variant = person["alternate_names"].split("; ")[0]
    assert variant.lower() != person["label"].lower()
    seen.page.fill("#lg-search", variant.upper())
    results = seen.page.locator("#lg-results button")
    assert results.count() >= 1
    assert person["label"] in results.all_text_contents()[0]
    seen.page.press("#lg-search", "Enter")
    node_id = seen.node_id(PERSON)
    assert seen.js("window.network.getSelectedNodes()") == [node_id]
    view = seen.js("window.network.getViewPosition()")
    where = seen.js("(id) => window.network.getPositions([id])[id]", node_id)
    assert abs(view["x"] - where["x"]) < 1 and abs(view["y"] - where["y"]) < 1
    assert seen.page.locator("#lg-details h2").text_content() == person["label"]


def test_search_by_keyboard_alone(visit, bundled_page):
    """Tab into the search box, type the article's spelling "gary harris" (a short variant with
    the family name), Tab to the first result, Enter: the node is selected and shown."""
    seen = visit(bundled_page)
    seen.page.keyboard.press("Tab")
    assert seen.js("document.activeElement.id") == "lg-search"
    seen.page.keyboard.type("gary harris")
    seen.page.keyboard.press("Tab")
    assert "Garry Harris" in seen.js("document.activeElement.textContent")
    seen.page.keyboard.press("Enter")
    node_id = seen.node_id("https://w3id.org/leadgraph/id/garry-harris")
    assert seen.js("window.network.getSelectedNodes()") == [node_id]
    assert seen.page.locator("#lg-details h2").text_content() == "Garry Harris"
    # Landed close enough in for the node's edge labels to be drawn.
    threshold = seen.js("window.leadgraph.payload.options.edges.scaling.label.drawThreshold")
    font = seen.js("window.leadgraph.payload.options.edges.font.size")
    assert font * seen.js("window.network.getScale()") >= threshold - 1


def test_narrow_window_keeps_the_picture_usable(visit, bundled_page):
    seen = visit(bundled_page, viewport={"width": 800, "height": 700})
    picture = seen.page.locator("#lg-network").bounding_box()
    assert picture["width"] >= 500 and picture["height"] >= 400
    seen.page.fill("#lg-search", "phil")
    seen.page.press("#lg-search", "Enter")
    panel = seen.page.locator("#lg-details").bounding_box()
    assert panel["width"] >= 700  # below the picture, full width, not squeezed beside it
    assert seen.page.locator("#lg-details h2").text_content() == "Phill James"


def test_search_says_when_nothing_matches(visit, bundled_page):
    seen = visit(bundled_page)
    seen.page.fill("#lg-search", "zzzz no such leader")
    assert seen.page.locator("#lg-results").text_content() == "No match."
    seen.page.press("#lg-search", "Enter")
    assert seen.js("window.network.getSelectedNodes()") == []


def test_kind_filter_hides_that_kind(visit, bundled_page, bundled_network):
    seen = visit(bundled_page)
    kinds = {iri: data["kind"] for iri, data in bundled_network.nodes(data=True)}
    traits = {iri for iri, kind in kinds.items() if kind == "trait"}
    # Sources are hidden from the start (their facts are in the panel of what they describe).
    hidden = {iri for iri, kind in kinds.items() if kind == "source"}
    assert traits and hidden
    assert not seen.page.get_by_role("checkbox", name="Source", exact=True).is_checked()
    seen.page.get_by_role("checkbox", name="Trait", exact=True).uncheck()
    hidden |= traits
    shown = {seen.js("(id) => window.leadgraph.payload.info[id].iri", i) for i in visible_ids(seen)}
    assert shown == set(kinds) - hidden
    hidden_on_canvas = seen.js(
        "Object.values(window.network.body.nodes).filter((n) => n.options.hidden).length"
    )
    assert hidden_on_canvas == len(hidden)
    # Edges to hidden nodes are not drawn either.
    drawn_edges = seen.js("window.network.body.edgeIndices.length")
    assert drawn_edges == sum(1 for u, v in bundled_network.edges() if u not in hidden and v not in hidden)
    assert seen.page.locator("#lg-status").text_content() == (
        f"Showing {len(kinds) - len(hidden)} of {len(kinds)} nodes."
    )
    seen.page.click("#lg-reset")
    assert len(visible_ids(seen)) == len(kinds)


def test_trait_filter_keeps_the_people_with_that_trait(visit, bundled_page, bundled_network):
    seen = visit(bundled_page)
    trait, holders = max(
        (
            (iri, {u for u, _, d in bundled_network.in_edges(iri, data=True) if d["relation"] == "has trait"})
            for iri, d in bundled_network.nodes(data=True)
            if d["kind"] == "trait"
        ),
        key=lambda pair: (len(pair[1]), pair[0]),
    )
    assert holders
    label = bundled_network.nodes[trait]["label"]
    seen.page.select_option("#lg-trait", label=label)
    shown = {seen.js("(id) => window.leadgraph.payload.info[id]", i)["iri"] for i in visible_ids(seen)}
    people = {iri for iri in shown if bundled_network.nodes[iri]["kind"] == "person"}
    assert people == holders
    assert trait in shown
    assert len(shown) < bundled_network.number_of_nodes()


def test_clicking_a_node_shows_its_facts_with_source_and_date(visit, bundled_page, bundled_network):
    seen = visit(bundled_page)
    click_node(seen, seen.node_id(PERSON))
    text = details_text(seen)
    person = bundled_network.nodes[PERSON]
    assert person["label"] in text
    role = next(
        d for _, _, d in bundled_network.out_edges(PERSON, data=True) if d["relation"] == "holds role at"
    )
    expected = f"Source: {role['source_title']} ({role['source_date']})"
    assert expected in text
    items = seen.page.locator("#lg-details li.lg-fact", has_text="holds role at")
    assert items.count() >= 1
    assert expected in items.first.text_content()
    # Facts folded into the person (service, headline advice) carry their own source line.
    assert f"Source: {person['service_source']}" in text


def test_clicking_an_edge_shows_the_statement_and_its_source(visit, bundled_page, bundled_network):
    seen = visit(bundled_page)
    # The "has trait" edge whose middle is farthest from every node, so the click hits the edge.
    edge_id = seen.js(
        """() => {
          const pos = Object.values(window.network.getPositions());
          let best = null, bestGap = -1;
          window.leadgraph.payload.edges.forEach((e, id) => {
            if (window.leadgraph.payload.edgeInfo[id].relation !== 'has trait') return;
            const a = window.network.body.nodes[e.from], b = window.network.body.nodes[e.to];
            const mx = (a.x + b.x) / 2, my = (a.y + b.y) / 2;
            const gap = Math.min(...pos.map((p) => Math.hypot(p.x - mx, p.y - my)));
            if (gap > bestGap) { bestGap = gap; best = id; }
          });
          const e = window.network.body.edges[best];
          window.network.moveTo({position: {x: (e.from.x + e.to.x) / 2, y: (e.from.y + e.to.y) / 2},
                                 scale: 1.5, animation: false});
          return best;
        }"""
    )
    box = seen.page.locator("#lg-network").bounding_box()
    seen.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert seen.js("window.network.getSelectedEdges()") == [edge_id]
    _, _, data = list(bundled_network.edges(data=True))[edge_id]
    text = details_text(seen)
    assert seen.page.locator("#lg-details h2").text_content() == "has trait"
    assert f"Source: {data['source_title']} ({data['source_date']})" in text
    for key in ("quote", "supporting_text"):
        if key in data:
            assert data[key] in text


def test_xss_corpus_never_runs_and_shows_as_text(visit, tmp_path):
    from leadgraph.loading import load
    from leadgraph.network.projection import to_networkx
    from leadgraph.viz.page import write_html

    graph = load(data=[XSS_FIXTURE])
    network = to_networkx(graph)
    page_path = write_html(graph, tmp_path / "xss.html", title=HOSTILE_TITLE)
    seen = visit(page_path)

    assert seen.js("document.title") == HOSTILE_TITLE
    assert seen.page.locator("#lg-title").text_content() == HOSTILE_TITLE
    hostile = {iri: data for iri, data in network.nodes(data=True) if "xss" in iri}
    assert len(hostile) >= 3
    for iri, data in hostile.items():
        node_id = seen.node_id(iri)
        click_node(seen, node_id)
        assert seen.page.locator("#lg-details h2").text_content() == data["label"]
        # Every attribute of the node shows literally somewhere in the panel (facts or names).
        text = details_text(seen)
        for key, value in data.items():
            if key in ("kind", "statements", "source_iri") or not isinstance(value, str):
                continue
            for part in value.split("; "):
                assert part in text, (iri, key, part)
        # Hover too: vis-network would show a node `title` as a tooltip; there must be none.
        box = seen.page.locator("#lg-network").bounding_box()
        seen.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        seen.page.wait_for_timeout(100)
    tooltips = seen.js("Array.from(document.querySelectorAll('.vis-tooltip')).map((t) => t.textContent)")
    assert all(not t.strip() for t in tooltips)

    # Edge facts: quotes, supporting text, job titles and the hostile source, as text.
    seen.js("(id) => window.leadgraph.focusNode(id)", seen.node_id("https://w3id.org/leadgraph/id/xss-leader"))
    text = details_text(seen)
    for _, _, data in network.out_edges("https://w3id.org/leadgraph/id/xss-leader", data=True):
        for key in ("quote", "supporting_text", "job_title", "description", "source_title"):
            if key in data:
                assert data[key] in text, key
    # Nothing the data says became markup: the panel holds only the page's own elements.
    tags = set(seen.js("Array.from(document.querySelectorAll('#lg-details *')).map((e) => e.tagName)"))
    assert tags <= {"H2", "H3", "DIV", "DL", "DT", "DD", "UL", "LI", "SPAN", "BUTTON", "BLOCKQUOTE", "BR"}
    assert seen.js("document.querySelectorAll('img, iframe, svg, a, b').length") == 0

    # Search by a hostile name variant: the result list shows it literally and focuses the node.
    leader = network.nodes["https://w3id.org/leadgraph/id/xss-leader"]
    seen.page.fill("#lg-search", leader["alternate_names"])
    assert leader["alternate_names"] in seen.page.locator("#lg-results").text_content()
    seen.page.press("#lg-search", "Enter")
    assert seen.js("window.network.getSelectedNodes()") == [seen.node_id("https://w3id.org/leadgraph/id/xss-leader")]
    # Filter menus list hostile organisation names as option text.
    org = network.nodes["https://w3id.org/leadgraph/id/xss-trust"]["label"]
    assert org in seen.page.locator("#lg-org").text_content()
    seen.page.select_option("#lg-org", label=org)
    assert seen.js("window.__xss") == [] and seen.dialogs == []


def test_screenshot_is_kept(visit, bundled_page, artifacts):
    seen = visit(bundled_page)
    seen.js("(id) => { window.leadgraph.focusNode(id); window.network.fit({animation: false}); }",
            seen.node_id(PERSON))
    shot = artifacts / "viz-bundled.png"
    seen.page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000
    # The README's picture: refreshed only on request, so test runs leave docs/ alone.
    if os.environ.get("LEADGRAPH_UPDATE_DOCS_SCREENSHOT") == "1":
        target = REPO / "docs" / "images" / "viz.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, target)


def test_a_thousand_nodes_render_without_physics(visit, tmp_path):
    import networkx as nx

    from leadgraph.viz.page import write_html

    # Synthetic: a random graph, not data about anyone.
    graph = nx.gnm_random_graph(1000, 2500, seed=7, directed=True)
    for n in graph:
        graph.nodes[n].update(kind=("person", "organisation", "trait")[n % 3], label=f"node {n}")
    seen = visit(write_html(graph, tmp_path / "big.html"))
    assert seen.js("window.network.body.data.nodes.length") == 1000
    assert seen.js("window.network.physics.physicsEnabled") is False
