/* leadgraph network page.
 *
 * Safety rule for this file: text from the data reaches the page only through textContent,
 * option text or vis-network's canvas labels. Nothing here parses a string as HTML, and nodes
 * and edges get no `title`, because vis-network would show it in a tooltip.
 */
(function () {
  "use strict";

  const payload = JSON.parse(document.getElementById("lg-data").textContent);
  const info = payload.info;
  const edgeInfo = payload.edgeInfo;
  const sources = payload.sources;
  const nodes = new vis.DataSet(payload.nodes);
  const edges = new vis.DataSet(payload.edges);
  const network = new vis.Network(
    document.getElementById("lg-network"),
    { nodes: nodes, edges: edges },
    payload.options
  );
  // As in pyvis's own pages, so scripts and tests can drive the picture.
  window.network = network;

  const api = { ready: false, nodes: nodes, edges: edges, payload: payload };
  window.leadgraph = api;
  network.once("afterDrawing", function () {
    api.ready = true;
    api.firstFrameMs = performance.now();
    document.body.setAttribute("data-ready", "true");
  });

  // Adjacency lists, built once: filters and the details panel both walk them.
  const adjacent = info.map(function () { return []; });
  payload.edges.forEach(function (edge) {
    adjacent[edge.from].push(edge.id);
    if (edge.to !== edge.from) adjacent[edge.to].push(edge.id);
  });

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function kindLabel(kind) {
    const entry = payload.kinds.find(function (k) { return k.key === kind; });
    return entry ? entry.label : kind;
  }

  /* ---------- details panel ---------- */

  const details = document.getElementById("lg-details");

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

  function nodeLink(id) {
    const button = el("button", info[id].label, "lg-link");
    button.type = "button";
    button.addEventListener("click", function () { focusNode(id); });
    return button;
  }

  function edgeItem(edgeId, fromSide) {
    const edge = payload.edges[edgeId];
    const meta = edgeInfo[edgeId];
    const item = el("li", null, "lg-fact");
    const head = el("div");
    const other = fromSide ? edge.to : edge.from;
    head.appendChild(el("span", (fromSide ? "" : "← ") + meta.relation + " ", "lg-relation"));
    head.appendChild(nodeLink(other));
    item.appendChild(head);
    if (meta.facts.length) item.appendChild(factList(meta.facts));
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
    if (node.names.length) {
      details.appendChild(el("h3", "Also named"));
      details.appendChild(el("div", node.names.join(" · ")));
    }
    if (node.facts.length || node.sources.length) {
      details.appendChild(el("h3", "Facts"));
      if (node.facts.length) details.appendChild(factList(node.facts));
      const line = sourceLine(node.sources);
      if (line) details.appendChild(line);
    }
    const links = adjacent[id];
    if (links.length) {
      details.appendChild(el("h3", "Connections (" + links.length + ")"));
      const list = el("ul");
      links.forEach(function (edgeId) {
        list.appendChild(edgeItem(edgeId, payload.edges[edgeId].from === id));
      });
      details.appendChild(list);
    }
    details.scrollTop = 0;
  }

  function showEdge(edgeId) {
    const edge = payload.edges[edgeId];
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

  function clearDetails() {
    details.replaceChildren(el("p", "Click a node or an edge to see its facts here.", "lg-hint"));
  }

  network.on("click", function (params) {
    if (params.nodes.length) showNode(params.nodes[0]);
    else if (params.edges.length) showEdge(params.edges[0]);
    else clearDetails();
  });

  /* ---------- filters ---------- */

  const hiddenKinds = new Set();
  const traitSelect = document.getElementById("lg-trait");
  const orgSelect = document.getElementById("lg-org");
  const status = document.getElementById("lg-status");
  let hidden = new Uint8Array(info.length);

  function neighbours(id) {
    const out = [];
    adjacent[id].forEach(function (edgeId) {
      const edge = payload.edges[edgeId];
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
    let keep = null;
    if (anchors.length) {
      let linked = null;
      anchors.forEach(function (anchor) {
        const here = new Set(linkedTo(anchor));
        linked = linked === null ? here : new Set([...linked].filter(function (n) { return here.has(n); }));
      });
      keep = new Set(anchors);
      linked.forEach(function (id) {
        keep.add(id);
        neighbours(id).forEach(function (n) { keep.add(n); });
      });
    }
    return keep;
  }

  function applyFilters() {
    const keep = visibleSet();
    const next = new Uint8Array(info.length);
    const changes = [];
    let shown = 0;
    for (let id = 0; id < info.length; id++) {
      const hide = hiddenKinds.has(info[id].kind) || (keep !== null && !keep.has(id));
      next[id] = hide ? 1 : 0;
      if (!hide) shown++;
      if (next[id] !== hidden[id]) changes.push({ id: id, hidden: hide });
    }
    hidden = next;
    if (changes.length) nodes.update(changes);
    status.textContent = "Showing " + shown + " of " + info.length + " nodes.";
    api.shown = shown;
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
    box.checked = true;
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

  /* ---------- search ---------- */

  const searchBox = document.getElementById("lg-search");
  const results = document.getElementById("lg-results");
  const index = [];
  // The exact inputs leadgraph's own resolver (--focus, forget, merge) takes for each node,
  // written out by Python: an exact hit answers as they do, several hits are ambiguous.
  const exact = new Map();
  info.forEach(function (node, id) {
    index.push([node.label.toLocaleLowerCase(), id, null]);
    node.names.concat(node.search).forEach(function (name) {
      index.push([name.toLocaleLowerCase(), id, name]);
    });
    (node.keys || []).forEach(function (key) {
      if (!exact.has(key)) exact.set(key, []);
      exact.get(key).push(id);
    });
  });

  function normal(text) {
    return text.toLocaleLowerCase().split(/\s+/).filter(Boolean).join(" ");
  }

  // What the resolver says of the text: {ids: [...]} (one id: found; several: ambiguous).
  function resolve(text) {
    return { ids: (exact.get(normal(text)) || []).slice() };
  }
  api.resolve = resolve;

  function search(text) {
    const query = text.trim().toLocaleLowerCase();
    if (!query) return [];
    const found = new Map();
    const hits = resolve(text).ids;
    if (hits.length) {
      const wanted = normal(text);
      return hits.map(function (id) {
        // Name the variant that matched, as the prefix search below does.
        const variant = info[id].names.concat(info[id].search).find(function (name) {
          return normal(name) === wanted;
        });
        return { id: id, variant: variant || null, exact: true, ambiguous: hits.length > 1 };
      });
    }
    [true, false].forEach(function (prefixOnly) {
      index.forEach(function (entry) {
        if (found.size >= 20 || found.has(entry[1])) return;
        const at = entry[0].indexOf(query);
        if (prefixOnly ? at === 0 : at > 0) found.set(entry[1], entry[2]);
      });
    });
    return Array.from(found, function (pair) { return { id: pair[0], variant: pair[1] }; });
  }

  function focusNode(id) {
    if (hidden[id]) resetFilters();
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), payload.focusScale), animation: false });
    showNode(id);
  }
  api.focusNode = focusNode;
  api.search = search;

  function renderResults() {
    const found = search(searchBox.value);
    results.replaceChildren();
    found.forEach(function (hit) {
      const button = el("button");
      button.type = "button";
      button.appendChild(document.createTextNode(info[hit.id].label));
      const note = hit.variant ? " (" + hit.variant + ") " : " ";
      button.appendChild(el("span", note + kindLabel(info[hit.id].kind), "lg-kind"));
      button.addEventListener("click", function () { focusNode(hit.id); });
      const item = el("li");
      item.appendChild(button);
      results.appendChild(item);
    });
    if (searchBox.value.trim() && !found.length) results.appendChild(el("li", "No match.", "lg-hint"));
    if (found.length > 1 && found[0].ambiguous) {
      results.prepend(el("li", "\u201c" + searchBox.value.trim() + "\u201d names " + found.length +
        ": choose one.", "lg-hint lg-ambiguous"));
    }
    return found;
  }

  searchBox.addEventListener("input", renderResults);
  searchBox.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    const found = renderResults();
    if (found.length && !found[0].ambiguous) focusNode(found[0].id);
  });

  applyFilters();
})();
