"""The page's data for the overview without a browser: groups, compression, views, dates,
and the picture command's refusals. What the page does with it is in tests/browser/."""

from __future__ import annotations

import re

import networkx as nx
import pytest

from leadgraph.errors import UsageError
from leadgraph.viz.groups import KIND_GROUP_MIN, group_modes
from leadgraph.viz.page import COMPRESS_BYTES, OVERVIEW_NODES, extract_payload, render_html


def trusts_and_people(people: int) -> nx.MultiDiGraph:
    """SYNTHETIC: people at three trusts (one current role each, some an older one too)."""
    g = nx.MultiDiGraph()
    for o in range(3):
        g.add_node(f"o{o}", kind="organisation", label=f"Synthetic Trust {o}")
    g.add_node("r", kind="region", label="Synthetic region")
    g.add_node("top", kind="region", label="Synthetic top region")
    g.add_edge("r", "top", relation="within")
    g.add_edge("o0", "r", relation="serves")
    for i in range(people):
        g.add_node(f"p{i}", kind="person", label=f"Synthetic person {i}")
        g.add_edge(f"p{i}", f"o{(i + 1) % 3}", relation="holds role at", current=False)
        g.add_edge(f"p{i}", f"o{i % 3}", relation="holds role at", current=True)
    return g


def test_people_join_the_group_of_their_current_organisation():
    g = trusts_and_people(6)
    places = {"o0": {"region": "North", "icb": "ICB A"}, "o1": {"region": "North", "icb": "ICB B"}}
    modes = {m["key"]: m for m in group_modes(g, places=places)}
    assert list(modes) == ["region", "icb", "organisation", "kind"]
    nodes = list(g)
    of = {mode: {n: m["names"][g_] if g_ >= 0 else None for n, g_ in zip(nodes, m["of"])}
          for mode, m in modes.items()}
    assert of["organisation"]["p0"] == "Synthetic Trust 0" and of["organisation"]["p1"] == "Synthetic Trust 1"
    assert of["icb"]["p1"] == "ICB B" and of["icb"]["o1"] == "ICB B"
    assert of["region"]["p2"] == "No known region"  # Trust 2 has no place
    assert of["region"]["r"] is None  # a region node is drawn on its own
    # Without places, the region a trust serves (its top region) groups by region.
    served = {m["key"]: m for m in group_modes(g)}
    assert served["region"]["names"] == ["Synthetic top region", "No known region"]


def test_many_nodes_of_a_minor_kind_are_grouped_by_kind_and_communities_group_people():
    g = trusts_and_people(2)
    for q in range(KIND_GROUP_MIN + 1):
        g.add_node(f"q{q}", kind="qualification", label=f"Synthetic qualification {q}")
    modes = {m["key"]: m for m in group_modes(g, communities={"p0": 1, "p1": "Readers"})}
    organisation = modes["organisation"]
    assert organisation["names"][organisation["of"][list(g).index("q0")]] == "Qualifications"
    community = modes["community"]
    assert [community["names"][community["of"][list(g).index(p)]] for p in ("p0", "p1")] == ["Community 1", "Readers"]
    assert community["of"][list(g).index("o0")] == -1


def test_large_graphs_open_on_an_overview_without_layout_small_ones_laid_out():
    small = extract_payload(render_html(trusts_and_people(10)))
    assert small["overview"] is False and "x" in small["node"]
    big = extract_payload(render_html(trusts_and_people(OVERVIEW_NODES + 1)))
    assert big["overview"] is True and "x" not in big["node"] and "x" not in big["nodes"][0]
    full = extract_payload(render_html(trusts_and_people(OVERVIEW_NODES + 1), view="full"))
    assert full["overview"] is False and len(full["node"]["x"]) == OVERVIEW_NODES + 1 + 5
    with pytest.raises(UsageError):
        render_html(trusts_and_people(1), view="everything")


def test_sources_do_not_count_towards_the_overview_threshold():
    g = trusts_and_people(OVERVIEW_NODES - 10)
    for s in range(50):
        g.add_node(f"s{s}", kind="source", label=f"Synthetic source {s}")
    assert extract_payload(render_html(g))["overview"] is False


def test_large_data_is_compressed_and_round_trips():
    g = trusts_and_people(2000)
    for i, (_, _, data) in enumerate(g.edges(data=True)):
        data["supporting_text"] = f"SYNTHETIC narration {i} <b>&</b> " * 10
    page = render_html(g)
    block = re.search(r'id="lg-data" data-encoding="gzip\+base64">([^<]*)</script>', page)
    assert block and re.fullmatch(r"[A-Za-z0-9+/=]+", block.group(1))
    payload = extract_payload(page)
    assert len(payload["info"]) == g.number_of_nodes()
    texts = [f[1] for e in payload["edgeInfo"] for f in e["facts"] if f[0] == "Supporting text"]
    assert texts == [d["supporting_text"] for _, _, d in g.edges(data=True) if "supporting_text" in d]
    # Repeated strings and fact rows are stored once: far smaller than the plain JSON would be.
    assert len(page) < COMPRESS_BYTES
    small = render_html(trusts_and_people(3))
    assert 'id="lg-data">' in small


def test_dated_statements_carry_their_dates():
    g = nx.MultiDiGraph()
    g.add_node("p", kind="person", label="Synthetic Ada")
    g.add_node("a", kind="organisation", label="Synthetic Trust A")
    g.add_edge("p", "a", relation="holds role at", valid_from="2019-01-01", valid_until="2021-01-01")
    g.add_edge("p", "a", relation="worked in")
    payload = extract_payload(render_html(g))
    assert payload["edgeInfo"][0]["valid_from"] == "2019-01-01"
    assert payload["edgeInfo"][0]["valid_until"] == "2021-01-01"
    assert "valid_from" not in payload["edgeInfo"][1]
    assert "validFrom" not in extract_payload(render_html(nx.path_graph(2)))["edge"]


def test_picture_refuses_unknown_formats_and_sizes(tmp_path):
    from leadgraph.viz.picture import picture, write_picture

    with pytest.raises(UsageError, match="cannot tell the picture format"):
        write_picture(nx.path_graph(2), tmp_path / "g.gif")
    with pytest.raises(UsageError, match="png, svg"):
        picture("<html></html>", "gif")
    with pytest.raises(UsageError, match="between 100 and 10,000"):
        picture("<html></html>", "png", width=50)
    assert not list(tmp_path.iterdir())


def test_picture_without_chromium_is_a_usage_error(monkeypatch, tmp_path):
    from leadgraph.viz.picture import chromium_path

    monkeypatch.setenv("LEADGRAPH_CHROMIUM", str(tmp_path / "no-such-browser"))
    with pytest.raises(UsageError, match="apt-get install chromium"):
        chromium_path()


def test_cli_viz_view_and_extras_options(cli, tmp_path):
    out = tmp_path / "page.html"
    result = cli("viz", "-o", str(out), "--view", "overview", "--no-communities", "--role-group", "cio")
    assert result.exit_code == 0, result.stderr
    payload = extract_payload(out.read_text("utf-8"))
    assert payload["overview"] is True and "x" not in payload["node"]
    assert [g["key"] for g in payload["groupings"]] == ["region", "icb", "organisation", "kind"]
    assert payload["coverage"]["roleGroup"] == "CIO-type role"
    result = cli("viz", "-o", str(out), "--no-coverage")
    assert result.exit_code == 0 and "coverage" not in extract_payload(out.read_text("utf-8"))
    result = cli("viz", "-o", str(tmp_path / "other.html"), "--role-group", "no-such-group")
    assert result.exit_code == 2 and "unknown role group" in result.stderr
    assert not (tmp_path / "other.html").exists()
    result = cli("viz", "-o", str(tmp_path / "p.png"), "--open")
    assert result.exit_code == 2 and not (tmp_path / "p.png").exists()


def test_write_html_of_a_loaded_graph_groups_by_ods_region_and_community(tmp_path, bundled_graph):
    from leadgraph.network.communities import communities, membership
    from leadgraph.viz.page import write_html

    payload = extract_payload(write_html(bundled_graph, tmp_path / "p.html").read_text("utf-8"))
    modes = {m["key"]: m for m in payload["groupings"]}
    ids = [n["iri"] for n in payload["info"]]
    phil = ids.index("https://w3id.org/leadgraph/id/phill-james")
    # Phill James's organisation is not in the ODS lists: the region it serves is the same group.
    assert modes["region"]["names"][modes["region"]["of"][phil]] == "North West"
    gregg = ids.index("https://w3id.org/leadgraph/id/gregg-holland")  # at an ODS trust
    assert modes["region"]["names"][modes["region"]["of"][gregg]] == "North West"
    expected = membership(communities(bundled_graph))
    community = modes["community"]
    assert {ids[i]: community["names"][g] for i, g in enumerate(community["of"])
            if g >= 0 and payload["info"][i]["kind"] == "person"} == {
        person: f"Community {n}" for person, n in expected.items()}
