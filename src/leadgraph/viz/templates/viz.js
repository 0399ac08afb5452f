/* leadgraph network page.
 *
 * Safety rule for this file: text from the data reaches the page only through textContent,
 * option text, SVG text nodes or vis-network's canvas labels. Nothing here parses a string as
 * HTML, and nodes and edges get no `title`, because vis-network would show it in a tooltip.
 *
 * The data block is compact (see leadgraph.viz.page): strings, lists and fact rows are stored
 * once and referred to by number; a large block is gzip-compressed and inflated here with the
 * browser's own DecompressionStream (no network involved).
 */
(function () {
  "use strict";

  const api = { ready: false };
  window.leadgraph = api;
  const block = document.getElementById("lg-data");

  function inflate(base64) {
    const binary = atob(base64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text();
  }

  if (block.getAttribute("data-encoding") === "gzip+base64") {
    inflate(block.textContent).then(function (text) { main(JSON.parse(text)); });
  } else {
    main(JSON.parse(block.textContent));
  }

  function main(payload) {
    const S = payload.strings;
    const L = payload.lists;
    const rows = payload.factRows;
    const quoteKeys = new Set(payload.quoteKeys);
    const kindKeys = payload.kinds.map(function (k) { return k.key; });
    const kindByKey = new Map(payload.kinds.map(function (k) { return [k.key, k]; }));
    const sources = payload.sources;
    const N = payload.node.kind.length;
    const E = payload.edge.from.length;
    const hasLayout = Array.isArray(payload.node.x);
    const LABEL_MAX = 48;

    function short(label) {
      const text = label.split(/\s+/).filter(Boolean).join(" ");
      return text.length <= LABEL_MAX ? text : text.slice(0, LABEL_MAX - 1).trimEnd() + "…";
    }

    // Decoded once into plain objects: the rest of the page (and tests) read these.
    const info = new Array(N);
    for (let i = 0; i < N; i++) {
      const n = payload.node;
      info[i] = {
        iri: payload.prefixes[n.ip[i]] + S[n.il[i]],
        kind: kindKeys[n.kind[i]],
        label: S[n.label[i]],
        names: L[n.names[i]].map(function (k) { return S[k]; }),
        search: L[n.search[i]].map(function (k) { return S[k]; }),
        facts: n.facts[i],
        sources: L[n.sources[i]],
      };
    }
    const edgeList = new Array(E);
    const edgeInfo = new Array(E);
    const validFrom = payload.edge.validFrom;
    const validUntil = payload.edge.validUntil;
    for (let k = 0; k < E; k++) {
      const relation = S[payload.edge.rel[k]];
      edgeList[k] = { id: k, from: payload.edge.from[k], to: payload.edge.to[k], label: short(relation) };
      edgeInfo[k] = {
        relation: relation, facts: payload.edge.facts[k], sources: L[payload.edge.sources[k]],
        validFrom: validFrom && validFrom[k] ? S[validFrom[k] - 1] : "",
        validUntil: validUntil && validUntil[k] ? S[validUntil[k] - 1] : "",
      };
    }
    const decodedMs = performance.now();
    payload.info = info;
    payload.edges = edgeList;
    payload.edgeInfo = edgeInfo;
    api.payload = payload;

    function factsOf(key) {
      return L[key].map(function (r) {
        const name = rows[3 * r], value = rows[3 * r + 1], origin = rows[3 * r + 2];
        return [S[name], S[value], origin ? S[origin - 1] : null, quoteKeys.has(name)];
      });
    }

    // Adjacency lists, built once: filters, paths and the details panel walk them.
    const adjacent = info.map(function () { return []; });
    // Repeated edges between the same two nodes are bent so each stays visible.
    const nth = new Uint16Array(E);
    const seenPairs = new Map();
    edgeList.forEach(function (edge) {
      adjacent[edge.from].push(edge.id);
      if (edge.to !== edge.from) adjacent[edge.to].push(edge.id);
      const pair = Math.min(edge.from, edge.to) * N + Math.max(edge.from, edge.to);
      const count = seenPairs.get(pair) || 0;
      seenPairs.set(pair, count + 1);
      nth[edge.id] = count;
    });
    const smallGraph = N <= payload.largeGraph;

    function el(tag, text, className) {
      const node = document.createElement(tag);
      if (text !== undefined && text !== null) node.textContent = String(text);
      if (className) node.className = className;
      return node;
    }

    function kindLabel(kind) {
      const entry = kindByKey.get(kind);
      return entry ? entry.label : kind;
    }

    function plural(count, word) {
      return count.toLocaleString("en-GB") + " " + word + (count === 1 ? "" : "s");
    }

    /* ---------- state: grouping, filters, date ---------- */

    const groupings = payload.groupings;
    let mode = null; // the grouping in use, or null: every node at its laid-out place
    let expanded = new Set(); // groups of `mode` drawn as their members
    const hiddenKinds = new Set();
    if (kindByKey.has(payload.sourceKind)) hiddenKinds.add(payload.sourceKind);
    let keep = null; // null, or the Set of node ids a trait/organisation choice keeps
    let asOf = "";
    let groupCount = [];
    const arrangements = new Map();

    function visibleNode(id) {
      return !hiddenKinds.has(info[id].kind) && (keep === null || keep.has(id));
    }

    function validEdge(k) {
      if (!asOf) return true;
      const meta = edgeInfo[k];
      return (!meta.validFrom || meta.validFrom <= asOf) && (!meta.validUntil || asOf < meta.validUntil);
    }

    function groupOf(id) {
      return mode === null ? -1 : mode.of[id];
    }

    function rep(id) {
      const g = groupOf(id);
      if (g < 0 || expanded.has(g) || groupCount[g] <= 1) return id;
      return "g" + g;
    }

    /* Positions without a layout from Python (large pages). The nodes drawn on their own
       (traits, roles, regions...) sit on a sunflower spiral in the middle; the groups on a ring
       around them. An open group's members sit on a sunflower disc of their own, pushed out
       from the ring far enough that two open discs do not overlap; organisations in the middle
       of their disc, then people by name. */
    function arrangement(grouping) {
      if (arrangements.has(grouping.key)) return arrangements.get(grouping.key);
      const spacing = 46;
      const golden = Math.PI * (3 - Math.sqrt(5));
      const cells = grouping.names.map(function () { return []; });
      const singles = [];
      for (let id = 0; id < N; id++) {
        const g = grouping.of[id];
        (g < 0 ? singles : cells[g]).push(id);
      }
      const discRadius = function (count) { return spacing * Math.sqrt(count + 1) * 0.75; };
      const x = new Float64Array(N), y = new Float64Array(N);
      const rank = function (id) {
        return info[id].kind === "organisation" ? 0 : info[id].kind === payload.personKind ? 2 : 1;
      };
      function sunflower(members, mx, my) {
        members.slice().sort(function (a, b) {
          return rank(a) - rank(b) || info[a].label.localeCompare(info[b].label);
        }).forEach(function (id, j) {
          const r = spacing * Math.sqrt(j + 0.5) * 0.75;
          x[id] = mx + r * Math.cos(j * golden);
          y[id] = my + r * Math.sin(j * golden);
        });
      }
      sunflower(singles, 0, 0);
      const count = cells.length;
      const ring = Math.max(discRadius(singles.length) + 250, (count * 140) / (2 * Math.PI));
      const largest = Math.max.apply(null, cells.map(function (c) { return discRadius(c.length); }).concat([0]));
      const apart = count > 1 ? (largest + spacing) / Math.sin(Math.PI / count) : 0;
      const centre = cells.map(function (members, g) {
        const angle = -Math.PI / 2 + (2 * Math.PI * g) / Math.max(count, 1);
        const reach = Math.max(ring + discRadius(members.length) + 100, apart);
        sunflower(members, reach * Math.cos(angle), reach * Math.sin(angle));
        return [ring * Math.cos(angle), ring * Math.sin(angle)];
      });
      const result = { x: x, y: y, centre: centre };
      arrangements.set(grouping.key, result);
      return result;
    }

    function position(id) {
      if (hasLayout) return [payload.node.x[id], payload.node.y[id]];
      const a = arrangement(mode || groupings[groupings.length - 1]);
      return [a.x[id], a.y[id]];
    }

    function communityColour(id) {
      if (mode === null || mode.key !== "community" || mode.of[id] < 0) return null;
      return payload.palette[mode.of[id] % payload.palette.length];
    }

    function drawnNode(id, hidden) {
      const where = position(id);
      const node = { id: id, label: short(info[id].label), group: info[id].kind, x: where[0], y: where[1] };
      if (hidden) node.hidden = true;
      const colour = communityColour(id);
      if (colour) node.color = { background: colour, border: colour };
      return node;
    }

    function drawnEdge(k, hidden) {
      const edge = edgeList[k];
      const drawn = { id: k, from: edge.from, to: edge.to, label: edge.label };
      if (hidden) drawn.hidden = true;
      if (smallGraph && (info[edge.from].kind === payload.sourceKind || info[edge.to].kind === payload.sourceKind)) {
        drawn.color = { color: payload.faint, highlight: payload.highlight, inherit: false };
      }
      if (nth[k]) {
        drawn.smooth = { enabled: true, type: nth[k] % 2 ? "curvedCW" : "curvedCCW",
                         roundness: 0.15 * Math.floor((nth[k] + 1) / 2) };
      }
      return drawn;
    }

    /* ---------- drawing: what the DataSets hold follows the state ---------- */

    const nodes = new vis.DataSet([]);
    const edges = new vis.DataSet([]);
    const signatures = { nodes: new Map(), edges: new Map() };
    let visibleCount = 0;
    let bigNow = payload.options.interaction.hideEdgesOnDrag;
    const aggregate = new Map(); // drawn id of a bundle of edges -> the edge ids in it

    // What can change about a drawn node or edge; null (first drawing, not worked out then) never
    // matches, so the next change redraws it.
    function signature(item) {
      return (item.hidden ? "h" : "") + "|" + item.x + "|" + item.y + "|" + item.label + "|" + item.size + "|" +
        item.width + "|" + (item.color ? item.color.background || item.color.color : "");
    }

    function sync(dataset, want, seen) {
      const wanted = new Set();
      const changed = [];
      const fresh = seen.size === 0 && dataset.length === 0;
      want.forEach(function (item) {
        wanted.add(item.id);
        if (fresh) { seen.set(item.id, null); changed.push(item); return; }
        const sig = signature(item);
        if (seen.get(item.id) !== sig) { seen.set(item.id, sig); changed.push(item); }
      });
      const gone = [];
      seen.forEach(function (_, id) { if (!wanted.has(id)) gone.push(id); });
      gone.forEach(function (id) { seen.delete(id); });
      // Replaced whole (remove, then add) so no option of the old item lingers.
      const replaced = fresh ? [] : changed.filter(function (item) { return dataset.get(item.id) !== null; })
        .map(function (item) { return item.id; });
      dataset.remove(gone.concat(replaced));
      dataset.add(changed);
    }

    function render() {
      const shown = new Uint8Array(N);
      groupCount = mode === null ? [] : mode.names.map(function () { return 0; });
      visibleCount = 0;
      for (let id = 0; id < N; id++) {
        if (!visibleNode(id)) continue;
        shown[id] = 1;
        visibleCount++;
        const g = groupOf(id);
        if (g >= 0) groupCount[g]++;
      }
      const wantNodes = [], wantEdges = [];
      aggregate.clear();
      if (mode === null) {
        for (let id = 0; id < N; id++) wantNodes.push(drawnNode(id, !shown[id]));
        for (let k = 0; k < E; k++) wantEdges.push(drawnEdge(k, !validEdge(k)));
      } else {
        const sx = new Float64Array(groupCount.length), sy = new Float64Array(groupCount.length);
        for (let id = 0; id < N; id++) {
          if (!shown[id]) continue;
          const r = rep(id);
          if (r === id) { wantNodes.push(drawnNode(id, false)); continue; }
          const g = mode.of[id];
          const where = position(id);
          sx[g] += where[0];
          sy[g] += where[1];
        }
        const cells = hasLayout ? null : arrangement(mode).centre;
        groupCount.forEach(function (count, g) {
          if (count <= 1 || expanded.has(g)) return;
          const where = cells ? cells[g] : [sx[g] / count, sy[g] / count];
          const node = { id: "g" + g, label: mode.names[g] + " (" + count.toLocaleString("en-GB") + ")",
                         group: payload.clusterGroup, x: where[0], y: where[1], size: 12 + 4 * Math.log2(count),
                         hidden: false };
          if (mode.key === "community") {
            const colour = payload.palette[g % payload.palette.length];
            node.color = { background: colour, border: colour };
          }
          wantNodes.push(node);
        });
        const bundles = new Map();
        for (let k = 0; k < E; k++) {
          const edge = edgeList[k];
          if (!shown[edge.from] || !shown[edge.to] || !validEdge(k)) continue;
          const a = rep(edge.from), b = rep(edge.to);
          if (typeof a === "number" && typeof b === "number") { wantEdges.push(drawnEdge(k, false)); continue; }
          if (a === b) continue;
          const key = String(a) < String(b) ? a + "~" + b : b + "~" + a;
          let bundle = bundles.get(key);
          if (!bundle) { bundle = { a: a, b: b, ids: [] }; bundles.set(key, bundle); }
          bundle.ids.push(k);
        }
        bundles.forEach(function (bundle, key) {
          const id = "b" + key;
          aggregate.set(id, bundle.ids);
          wantEdges.push({ id: id, from: bundle.a, to: bundle.b, hidden: false,
                           width: Math.min(1 + Math.log2(bundle.ids.length), 8),
                           color: { color: "#c8d0d6", highlight: payload.highlight, inherit: false } });
        });
      }
      sync(nodes, wantNodes, signatures.nodes);
      sync(edges, wantEdges, signatures.edges);
      // Many nodes on screen: hide edges while dragging or zooming, so moving stays smooth.
      const big = wantNodes.length > payload.largeGraph;
      if (network && big !== bigNow) {
        network.setOptions({ interaction: { hideEdgesOnDrag: big, hideEdgesOnZoom: big } });
      }
      bigNow = big;
      const groupsDrawn = wantNodes.filter(function (n) { return typeof n.id === "string"; }).length;
      status.textContent = "Showing " + visibleCount + " of " + N + " nodes." +
        (groupsDrawn ? " " + plural(groupsDrawn, "group") + " closed: click one to open it." : "") +
        (asOf ? " As of " + asOf + "." : "");
      api.shown = visibleCount;
      api.drawnGroups = groupsDrawn;
    }

    /* ---------- details panel ---------- */

    const details = document.getElementById("lg-details");
    const status = document.getElementById("lg-status");

    function sourceText(key) {
      const source = sources[key];
      const name = source.title || source.iri || "unnamed source";
      return source.date ? name + " (" + source.date + ")" : name;
    }

    // "Source: <title> (<date>)" under a fact; several sources are listed one after another.
    function sourceLine(keys, origin) {
      const texts = keys.map(sourceText);
      if (origin) texts.push(origin);
      if (!texts.length) return null;
      return el("div", "Source: " + texts.join("; "), "lg-source");
    }

    function factList(facts) {
      const list = el("dl");
      facts.forEach(function (fact) {
        list.appendChild(el("dt", fact[0]));
        const dd = el("dd");
        dd.appendChild(fact[3] ? el("blockquote", "“" + fact[1] + "”") : document.createTextNode(fact[1]));
        if (fact[2]) dd.appendChild(el("div", "Source: " + fact[2], "lg-source"));
        list.appendChild(dd);
      });
      return list;
    }

    function button(text, action, className) {
      const b = el("button", text, className);
      b.type = "button";
      b.addEventListener("click", action);
      return b;
    }

    function nodeLink(id) {
      return button(info[id].label, function () { focusNode(id); }, "lg-link");
    }

    function edgeItem(edgeId, fromSide) {
      const edge = edgeList[edgeId];
      const meta = edgeInfo[edgeId];
      const item = el("li", null, "lg-fact");
      const head = el("div");
      const other = fromSide ? edge.to : edge.from;
      head.appendChild(el("span", (fromSide ? "" : "← ") + meta.relation + " ", "lg-relation"));
      head.appendChild(nodeLink(other));
      item.appendChild(head);
      const facts = factsOf(meta.facts);
      if (facts.length) item.appendChild(factList(facts));
      const line = sourceLine(meta.sources);
      if (line) item.appendChild(line);
      return item;
    }

    function showNode(id) {
      const node = info[id];
      details.replaceChildren();
      details.appendChild(el("h2", node.label));
      details.appendChild(el("div", kindLabel(node.kind), "lg-kind"));
      details.appendChild(el("div", node.iri, "lg-iri"));
      const g = groupOf(id);
      if (g >= 0 && expanded.has(g)) {
        details.appendChild(button("Close the group " + mode.names[g], function () { closeGroup(g); }, "lg-link"));
      }
      if (node.names.length) {
        details.appendChild(el("h3", "Also named"));
        details.appendChild(el("div", node.names.join(" · ")));
      }
      const facts = factsOf(node.facts);
      if (facts.length || node.sources.length) {
        details.appendChild(el("h3", "Facts"));
        if (facts.length) details.appendChild(factList(facts));
        const line = sourceLine(node.sources);
        if (line) details.appendChild(line);
      }
      const links = adjacent[id].filter(validEdge);
      if (links.length) {
        details.appendChild(el("h3", "Connections (" + links.length + ")" + (asOf ? " as of " + asOf : "")));
        const list = el("ul");
        links.forEach(function (edgeId) {
          list.appendChild(edgeItem(edgeId, edgeList[edgeId].from === id));
        });
        details.appendChild(list);
      }
      details.scrollTop = 0;
    }

    function showEdge(edgeId) {
      const edge = edgeList[edgeId];
      details.replaceChildren();
      details.appendChild(el("h2", edgeInfo[edgeId].relation));
      const ends = el("div");
      ends.appendChild(nodeLink(edge.from));
      ends.appendChild(document.createTextNode(" → "));
      ends.appendChild(nodeLink(edge.to));
      details.appendChild(ends);
      const list = el("ul");
      list.appendChild(edgeItem(edgeId, true));
      details.appendChild(list);
    }

    function showGroup(g) {
      const members = [];
      for (let id = 0; id < N; id++) if (mode.of[id] === g && visibleNode(id)) members.push(id);
      details.replaceChildren();
      details.appendChild(el("h2", mode.names[g]));
      details.appendChild(el("div", mode.label + " · " + plural(members.length, "node"), "lg-kind"));
      const counts = new Map();
      members.forEach(function (id) { counts.set(info[id].kind, (counts.get(info[id].kind) || 0) + 1); });
      const summary = el("ul");
      counts.forEach(function (count, kind) { summary.appendChild(el("li", kindLabel(kind) + ": " + count)); });
      details.appendChild(summary);
      details.appendChild(button(expanded.has(g) ? "Close this group" : "Open this group", function () {
        if (expanded.has(g)) closeGroup(g); else openGroup(g);
      }, "lg-link"));
      const people = members.filter(function (id) { return info[id].kind === payload.personKind; });
      if (people.length) {
        details.appendChild(el("h3", "People" + (people.length > 200 ? " (first 200 of " + people.length + ")" : "")));
        const list = el("ul");
        people.slice(0, 200).forEach(function (id) {
          const item = el("li");
          item.appendChild(nodeLink(id));
          list.appendChild(item);
        });
        details.appendChild(list);
      }
      details.scrollTop = 0;
    }

    function showBundle(id) {
      const ids = aggregate.get(id) || [];
      details.replaceChildren();
      details.appendChild(el("h2", plural(ids.length, "link")));
      details.appendChild(el("p", "Open a group to see each link and its source.", "lg-hint"));
    }

    function clearDetails() {
      details.replaceChildren(el("p", "Click a node or an edge to see its facts here.", "lg-hint"));
    }

    /* ---------- groups ---------- */

    function openGroup(g) {
      expanded.add(g);
      render();
      showGroup(g);
    }

    function closeGroup(g) {
      expanded.delete(g);
      render();
      showGroup(g);
    }

    const groupingSelect = document.getElementById("lg-grouping");
    if (hasLayout) {
      const option = el("option", "Every node (no groups)");
      option.value = "";
      groupingSelect.appendChild(option);
    }
    groupings.forEach(function (grouping) {
      const option = el("option", "Group by " + grouping.label.toLowerCase());
      option.value = grouping.key;
      groupingSelect.appendChild(option);
    });

    function setGrouping(key) {
      mode = groupings.find(function (g) { return g.key === key; }) || null;
      if (mode === null && !hasLayout) mode = groupings[0];
      groupingSelect.value = mode ? mode.key : "";
      expanded = new Set();
      render();
      if (network) network.fit({ animation: false });
    }
    groupingSelect.addEventListener("change", function () { setGrouping(groupingSelect.value); });

    document.getElementById("lg-open-all").addEventListener("click", function () {
      if (mode === null) return;
      expanded = new Set(mode.names.map(function (_, g) { return g; }));
      render();
      network.fit({ animation: false });
    });
    document.getElementById("lg-close-all").addEventListener("click", function () {
      expanded = new Set();
      render();
      network.fit({ animation: false });
    });

    /* ---------- filters ---------- */

    const traitSelect = document.getElementById("lg-trait");
    const orgSelect = document.getElementById("lg-org");

    function neighbours(id) {
      const out = [];
      adjacent[id].forEach(function (edgeId) {
        const edge = edgeList[edgeId];
        out.push(edge.from === id ? edge.to : edge.from);
      });
      return out;
    }

    /* A trait or organisation choice keeps the people linked to it (when nobody is, whatever is
       linked to it) together with their own neighbours, so each kept person still shows their
       roles, organisations and other traits. Both choices together keep people linked to both. */
    function linkedTo(anchor) {
      const all = neighbours(anchor);
      const people = all.filter(function (id) { return info[id].kind === payload.personKind; });
      return people.length ? people : all;
    }

    function visibleSet() {
      const anchors = [traitSelect.value, orgSelect.value].filter(Boolean).map(Number);
      if (!anchors.length) return null;
      let linked = null;
      anchors.forEach(function (anchor) {
        const here = new Set(linkedTo(anchor));
        linked = linked === null ? here : new Set([...linked].filter(function (n) { return here.has(n); }));
      });
      const kept = new Set(anchors);
      linked.forEach(function (id) {
        kept.add(id);
        neighbours(id).forEach(function (n) { kept.add(n); });
      });
      return kept;
    }

    function applyFilters() {
      keep = visibleSet();
      render();
    }

    function fillSelect(select, ids) {
      ids.slice().sort(function (a, b) { return info[a].label.localeCompare(info[b].label); })
        .forEach(function (id) {
          const option = el("option", info[id].label);
          option.value = String(id);
          select.appendChild(option);
        });
      select.disabled = ids.length === 0;
      select.addEventListener("change", applyFilters);
    }

    fillSelect(traitSelect, payload.filters.trait);
    fillSelect(orgSelect, payload.filters.organisation);

    const legend = document.getElementById("lg-legend");
    payload.kinds.forEach(function (kind) {
      const item = el("li");
      const box = el("input");
      box.type = "checkbox";
      box.checked = !hiddenKinds.has(kind.key);
      box.value = kind.key;
      box.id = "lg-kind-" + kind.index;
      box.addEventListener("change", function () {
        if (box.checked) hiddenKinds.delete(kind.key); else hiddenKinds.add(kind.key);
        applyFilters();
      });
      const symbol = el("span", kind.symbol, "lg-symbol");
      symbol.style.color = kind.color;
      const label = el("label", kind.label);
      label.htmlFor = box.id;
      item.append(box, symbol, label, el("span", String(kind.count), "lg-count"));
      legend.appendChild(item);
    });

    function resetFilters() {
      hiddenKinds.clear();
      legend.querySelectorAll("input").forEach(function (box) { box.checked = true; });
      traitSelect.value = "";
      orgSelect.value = "";
      applyFilters();
    }
    document.getElementById("lg-reset").addEventListener("click", resetFilters);

    /* ---------- as of a date ---------- */

    const asOfInput = document.getElementById("lg-asof");
    const dated = edgeInfo.some(function (meta) { return meta.validFrom || meta.validUntil; });
    asOfInput.disabled = !dated;
    document.getElementById("lg-asof-note").textContent = dated
      ? "Statements with dates show only if they held on that day; undated ones always show."
      : "No statement in this picture has dates.";
    function setAsOf(value) {
      asOf = value || "";
      asOfInput.value = asOf;
      render();
    }
    asOfInput.addEventListener("change", function () { setAsOf(asOfInput.value); });
    document.getElementById("lg-asof-clear").addEventListener("click", function () { setAsOf(""); });

    /* ---------- search ---------- */

    const searchBox = document.getElementById("lg-search");
    const results = document.getElementById("lg-results");
    const index = [];
    info.forEach(function (node, id) {
      index.push([node.label.toLocaleLowerCase(), id, null]);
      node.names.concat(node.search).forEach(function (name) {
        index.push([name.toLocaleLowerCase(), id, name]);
      });
    });

    function search(text) {
      const query = text.trim().toLocaleLowerCase();
      if (!query) return [];
      const found = new Map();
      [true, false].forEach(function (prefixOnly) {
        index.forEach(function (entry) {
          if (found.size >= 20 || found.has(entry[1])) return;
          const at = entry[0].indexOf(query);
          if (prefixOnly ? at === 0 : at > 0) found.set(entry[1], entry[2]);
        });
      });
      return Array.from(found, function (pair) { return { id: pair[0], variant: pair[1] }; });
    }

    // Make a node drawn on its own: show its kind, open its group.
    function reveal(ids) {
      if (ids.some(function (id) { return !visibleNode(id); })) {
        hiddenKinds.clear();
        legend.querySelectorAll("input").forEach(function (box) { box.checked = true; });
        traitSelect.value = "";
        orgSelect.value = "";
        keep = null;
      }
      ids.forEach(function (id) { const g = groupOf(id); if (g >= 0) expanded.add(g); });
      render();
    }

    function focusNode(id) {
      reveal([id]);
      network.selectNodes([id]);
      network.focus(id, { scale: Math.max(network.getScale(), payload.focusScale), animation: false });
      showNode(id);
    }

    function renderResults() {
      const found = search(searchBox.value);
      results.replaceChildren();
      found.forEach(function (hit) {
        const b = button("", function () { focusNode(hit.id); });
        b.appendChild(document.createTextNode(info[hit.id].label));
        const note = hit.variant ? " (" + hit.variant + ") " : " ";
        b.appendChild(el("span", note + kindLabel(info[hit.id].kind), "lg-kind"));
        const item = el("li");
        item.appendChild(b);
        results.appendChild(item);
      });
      if (searchBox.value.trim() && !found.length) results.appendChild(el("li", "No match.", "lg-hint"));
      return found;
    }

    searchBox.addEventListener("input", renderResults);
    searchBox.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") return;
      const found = renderResults();
      if (found.length) focusNode(found[0].id);
    });

    /* ---------- how two people connect ---------- */

    const pathFrom = document.getElementById("lg-path-from");
    const pathTo = document.getElementById("lg-path-to");
    const pathStatus = document.getElementById("lg-path-status");

    /* Breadth-first over statements that hold on the chosen date, through any node but a
       source (everything is "described in" the same article: a path through it says nothing).
       Returns the edge ids from a to b, [] when a is b, null when nothing connects them. */
    function shortestPath(a, b) {
      if (a === b) return [];
      const via = new Int32Array(N).fill(-1);
      const seen = new Uint8Array(N);
      seen[a] = 1;
      let frontier = [a];
      while (frontier.length) {
        const next = [];
        for (const id of frontier) {
          for (const k of adjacent[id]) {
            if (!validEdge(k)) continue;
            const edge = edgeList[k];
            const other = edge.from === id ? edge.to : edge.from;
            if (seen[other]) continue;
            seen[other] = 1;
            via[other] = k;
            if (other === b) {
              const out = [];
              let at = b;
              while (at !== a) {
                const step = via[at];
                out.push(step);
                at = edgeList[step].from === at ? edgeList[step].to : edgeList[step].from;
              }
              return out.reverse();
            }
            if (info[other].kind !== payload.sourceKind) next.push(other);
          }
        }
        frontier = next;
      }
      return null;
    }

    function resolve(text) {
      const found = search(text);
      return found.length ? found[0].id : null;
    }

    function showPath() {
      const a = resolve(pathFrom.value), b = resolve(pathTo.value);
      const missing = [[a, pathFrom.value], [b, pathTo.value]].filter(function (p) { return p[0] === null; });
      if (missing.length) {
        pathStatus.textContent = "No match for " + missing.map(function (p) { return "“" + p[1].trim() + "”"; }).join(" or ") + ".";
        api.path = null;
        return null;
      }
      const steps = shortestPath(a, b);
      if (steps === null) {
        pathStatus.textContent = "No path connects " + info[a].label + " and " + info[b].label +
          (asOf ? " as of " + asOf : "") + " in this data.";
        api.path = null;
        network.unselectAll();
        return null;
      }
      const ids = [a];
      let at = a;
      steps.forEach(function (k) {
        at = edgeList[k].from === at ? edgeList[k].to : edgeList[k].from;
        ids.push(at);
      });
      reveal(ids);
      network.setSelection({ nodes: ids, edges: steps }, { unselectAll: true, highlightEdges: false });
      network.fit({ nodes: ids, animation: false });
      pathStatus.textContent = info[a].label + " to " + info[b].label + ": " + plural(steps.length, "step") + ".";
      details.replaceChildren();
      details.appendChild(el("h2", "From " + info[a].label + " to " + info[b].label));
      details.appendChild(el("div", plural(steps.length, "step") + (asOf ? ", as of " + asOf : ""), "lg-kind"));
      const list = el("ul");
      at = a;
      steps.forEach(function (k) {
        const fromSide = edgeList[k].from === at;
        const head = el("div");
        head.appendChild(nodeLink(at));
        list.appendChild(head);
        list.appendChild(edgeItem(k, fromSide));
        at = fromSide ? edgeList[k].to : edgeList[k].from;
      });
      details.appendChild(list);
      api.path = { nodes: ids, edges: steps };
      return api.path;
    }
    document.getElementById("lg-path-go").addEventListener("click", showPath);
    [pathFrom, pathTo].forEach(function (box) {
      box.addEventListener("keydown", function (event) { if (event.key === "Enter") showPath(); });
    });

    /* ---------- pictures of the current view ---------- */

    function colourOf(item) {
      if (item.color && item.color.background) return item.color.background;
      if (item.group === payload.clusterGroup) return "#aeb7bd";
      const kind = kindByKey.get(item.group);
      return kind ? kind.color : "#768692";
    }

    // SVG of what is drawn now (every drawn node, not only the part in the window), built with
    // DOM calls: labels are text nodes, so nothing in them can become markup.
    function pictureSVG() {
      const NS = "http://www.w3.org/2000/svg";
      const drawn = nodes.get({ filter: function (n) { return !n.hidden; } });
      const where = network.getPositions(drawn.map(function (n) { return n.id; }));
      let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      drawn.forEach(function (n) {
        const p = where[n.id];
        x0 = Math.min(x0, p.x); y0 = Math.min(y0, p.y); x1 = Math.max(x1, p.x); y1 = Math.max(y1, p.y);
      });
      if (!drawn.length) { x0 = y0 = 0; x1 = y1 = 1; }
      const pad = 80;
      const svg = document.createElementNS(NS, "svg");
      svg.setAttribute("xmlns", NS);
      svg.setAttribute("viewBox", [x0 - pad, y0 - pad, x1 - x0 + 2 * pad, y1 - y0 + 2 * pad].join(" "));
      svg.setAttribute("width", String(Math.round(x1 - x0 + 2 * pad)));
      svg.setAttribute("height", String(Math.round(y1 - y0 + 2 * pad)));
      svg.setAttribute("font-family", "Arial, sans-serif");
      const title = document.createElementNS(NS, "title");
      title.textContent = document.title;
      svg.appendChild(title);
      const back = document.createElementNS(NS, "rect");
      [["x", x0 - pad], ["y", y0 - pad], ["width", x1 - x0 + 2 * pad], ["height", y1 - y0 + 2 * pad], ["fill", "#ffffff"]]
        .forEach(function (a) { back.setAttribute(a[0], String(a[1])); });
      svg.appendChild(back);
      const lines = document.createElementNS(NS, "g");
      lines.setAttribute("stroke", "#9aa8b4");
      edges.get({ filter: function (e) { return !e.hidden && where[e.from] && where[e.to]; } }).forEach(function (e) {
        const line = document.createElementNS(NS, "line");
        line.setAttribute("x1", String(where[e.from].x));
        line.setAttribute("y1", String(where[e.from].y));
        line.setAttribute("x2", String(where[e.to].x));
        line.setAttribute("y2", String(where[e.to].y));
        line.setAttribute("stroke-width", String(e.width || 1));
        lines.appendChild(line);
      });
      svg.appendChild(lines);
      const dots = document.createElementNS(NS, "g");
      drawn.forEach(function (n) {
        const p = where[n.id];
        const circle = document.createElementNS(NS, "circle");
        circle.setAttribute("cx", String(p.x));
        circle.setAttribute("cy", String(p.y));
        circle.setAttribute("r", String(n.size || (kindByKey.get(n.group) || {}).size || 10));
        circle.setAttribute("fill", colourOf(n));
        dots.appendChild(circle);
        const text = document.createElementNS(NS, "text");
        text.setAttribute("x", String(p.x));
        text.setAttribute("y", String(p.y + (n.size || 12) + 14));
        text.setAttribute("text-anchor", "middle");
        text.setAttribute("font-size", "14");
        text.setAttribute("fill", "#1d2731");
        text.textContent = n.label;
        dots.appendChild(text);
      });
      svg.appendChild(dots);
      return new XMLSerializer().serializeToString(svg);
    }

    // PNG of the picture as it is in the window, on white.
    function picturePNG() {
      const canvas = document.querySelector("#lg-network canvas");
      const out = document.createElement("canvas");
      out.width = canvas.width;
      out.height = canvas.height;
      const context = out.getContext("2d");
      context.fillStyle = "#ffffff";
      context.fillRect(0, 0, out.width, out.height);
      context.drawImage(canvas, 0, 0);
      return out.toDataURL("image/png");
    }

    function download(name, url) {
      const link = document.createElement("a");
      link.download = name;
      link.setAttribute("href", url); // a data: URL made here, never text from the data
      document.body.appendChild(link);
      link.click();
      link.remove();
    }

    document.getElementById("lg-export-png").addEventListener("click", function () {
      download("leadgraph.png", picturePNG());
    });
    document.getElementById("lg-export-svg").addEventListener("click", function () {
      download("leadgraph.svg", "data:image/svg+xml;charset=utf-8," + encodeURIComponent(pictureSVG()));
    });

    /* ---------- coverage of trusts: England -> region -> ICB -> trust ---------- */

    const tabNetwork = document.getElementById("lg-tab-network");
    const tabCoverage = document.getElementById("lg-tab-coverage");
    const coverageBox = document.getElementById("lg-coverage");
    const pictureBox = document.getElementById("lg-network");
    const coverage = payload.coverage || null;
    let coverageTrail = [];

    function showTab(which) {
      const onCoverage = which === "coverage" && coverage !== null;
      coverageBox.hidden = !onCoverage;
      pictureBox.hidden = onCoverage;
      tabCoverage.setAttribute("aria-pressed", String(onCoverage));
      tabNetwork.setAttribute("aria-pressed", String(!onCoverage));
      if (onCoverage) showCoverage(coverageTrail);
      else if (network) { network.redraw(); }
    }
    tabNetwork.addEventListener("click", function () { showTab("network"); });
    tabCoverage.addEventListener("click", function () { showTab("coverage"); });
    tabCoverage.disabled = coverage === null;

    function share(area) {
      return area.trusts ? area.covered / area.trusts : 0;
    }

    // Red (no trust covered) through amber to green (every trust covered), light enough for text.
    function shareColour(area) {
      if (!area.trusts) return "#e8edee";
      return "hsl(" + Math.round(130 * share(area)) + ", 62%, 84%)";
    }

    function percent(area) {
      return Math.round(100 * share(area)) + "%";
    }

    function showCoverage(trail) {
      coverageTrail = trail;
      let area = coverage;
      const path = document.getElementById("lg-cov-path");
      path.replaceChildren();
      const crumbs = [coverage];
      trail.forEach(function (i) { area = area.children[i]; crumbs.push(area); });
      crumbs.forEach(function (crumb, depth) {
        if (depth) path.appendChild(document.createTextNode(" › "));
        path.appendChild(button(crumb.label, function () { showCoverage(trail.slice(0, depth)); }));
      });
      document.getElementById("lg-cov-heading").textContent = area.label + ": " + area.covered + " of " +
        plural(area.trusts, "trust") + " with a known leader (" + percent(area) + ")";
      document.getElementById("lg-cov-note").textContent = "Leaders in " +
        (coverage.roleGroup ? "the role group “" + coverage.roleGroup + "”" : "any role") +
        ", as the sources in this data name them. A trust with no known leader may well have one" +
        " that no source here mentions. Click a tile to go down a level; a trust to see its leaders.";
      const tiles = document.getElementById("lg-cov-tiles");
      tiles.replaceChildren();
      area.children.forEach(function (child, i) {
        const tile = button("", function () {
          if (child.kind === "trust") showTrust(child);
          else showCoverage(trail.concat([i]));
        }, "lg-tile");
        tile.style.background = shareColour(child);
        tile.appendChild(el("span", child.label, "lg-tile-name"));
        const count = child.kind === "trust"
          ? (child.leaderCount ? child.leaders.map(function (l) { return l.label; }).slice(0, 3).join(", ") +
             (child.leaderCount > 3 ? " and " + (child.leaderCount - 3) + " more" : "") : "no known leader")
          : child.covered + " of " + plural(child.trusts, "trust") + " (" + percent(child) + ")";
        tile.appendChild(el("span", count, "lg-tile-count"));
        tile.setAttribute("data-covered", String(child.covered));
        tiles.appendChild(tile);
      });
      api.coverageArea = area.label;
    }

    function showTrust(trust) {
      details.replaceChildren();
      details.appendChild(el("h2", trust.label));
      details.appendChild(el("div", trust.leaderCount ? plural(trust.leaderCount, "known leader") :
        "No known leader in this data", "lg-kind"));
      const list = el("ul");
      trust.leaders.forEach(function (leader) {
        const item = el("li", null, "lg-fact");
        item.appendChild(el("div", leader.label + (leader.role ? ", " + leader.role : "")));
        const when = [leader.since ? "since " + leader.since : "", leader.asOf ? "as of " + leader.asOf : ""]
          .filter(Boolean).join(", ");
        if (when) item.appendChild(el("div", when, "lg-relation"));
        if (leader.source) {
          item.appendChild(el("div", "Source: " + leader.source + (leader.date ? " (" + leader.date + ")" : ""),
                              "lg-source"));
        }
        if (leader.node >= 0) {
          item.appendChild(button("Show in the network", function () {
            showTab("network");
            focusNode(leader.node);
          }, "lg-link"));
        }
        list.appendChild(item);
      });
      details.appendChild(list);
      if (trust.leaderCount > trust.leaders.length) {
        details.appendChild(el("p", "First " + trust.leaders.length + " of " + trust.leaderCount + ".", "lg-hint"));
      }
    }

    /* ---------- start ---------- */

    let network = null;
    const opening = payload.overview ? groupings[0] : null;
    mode = opening || (hasLayout ? null : groupings[0]);
    groupingSelect.value = mode ? mode.key : "";
    api.decodedMs = decodedMs;
    render();
    api.renderedMs = performance.now();
    payload.options.interaction.hideEdgesOnDrag = payload.options.interaction.hideEdgesOnZoom = bigNow;
    network = new vis.Network(document.getElementById("lg-network"), { nodes: nodes, edges: edges },
                              payload.options);
    // As in pyvis's own pages, so scripts and tests can drive the picture.
    window.network = network;
    network.on("click", function (params) {
      if (params.nodes.length) {
        const id = params.nodes[0];
        if (typeof id === "string") openGroup(Number(id.slice(1)));
        else showNode(id);
      } else if (params.edges.length) {
        const id = params.edges[0];
        if (typeof id === "string") showBundle(id); else showEdge(id);
      } else clearDetails();
    });
    network.once("afterDrawing", function () {
      api.ready = true;
      api.firstFrameMs = performance.now();
      document.body.setAttribute("data-ready", "true");
    });

    Object.assign(api, {
      nodes: nodes, edges: edges, focusNode: focusNode, search: search, setGrouping: setGrouping,
      openGroup: openGroup, closeGroup: closeGroup, setAsOf: setAsOf, shortestPath: shortestPath,
      showPath: showPath, svg: pictureSVG, png: picturePNG, render: render, showTab: showTab,
      showCoverage: showCoverage,
    });
  }
})();
