"""The review page: the article on the left with every drafted value highlighted where it came
from, the drafted records on the right; clicking a value scrolls to its evidence.

Same safety rules as the network page (:mod:`leadgraph.viz.page`): one offline file, a
Content-Security-Policy that allows no request and only this page's own script (by hash), and
all article and record text carried as JSON data and put on the page with ``textContent``,
never parsed as HTML.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from leadgraph.viz.page import _sha256, _script_json

_SCRIPT = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("draft-data").textContent);
  var text = data.text;
  var article = document.getElementById("article");
  var records = document.getElementById("records");
  function el(tag, cls, content) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (content !== undefined) { e.textContent = content; }
    return e;
  }
  // Cut the article at every evidence boundary; each piece knows which values cover it.
  var cuts = {0: true}; cuts[text.length] = true;
  data.values.forEach(function (v) { cuts[v.start] = true; cuts[v.end] = true; });
  var points = Object.keys(cuts).map(Number).sort(function (a, b) { return a - b; });
  var firstMark = {};
  for (var i = 0; i + 1 < points.length; i++) {
    var a = points[i], b = points[i + 1];
    var covering = data.values.filter(function (v) { return v.start <= a && b <= v.end; });
    var piece = text.slice(a, b);
    if (!covering.length) { article.appendChild(document.createTextNode(piece)); continue; }
    var mark = el("mark", "evidence", piece);
    mark.dataset.values = covering.map(function (v) { return v.id; }).join(" ");
    mark.title = covering.map(function (v) { return v.person + ": " + v.path + " (" + v.rule + ", confidence " + v.confidence + ")"; }).join("\n");
    covering.forEach(function (v) { if (!(v.id in firstMark)) { firstMark[v.id] = mark; } });
    article.appendChild(mark);
  }
  function show(id) {
    document.querySelectorAll("mark.current").forEach(function (m) { m.classList.remove("current"); });
    document.querySelectorAll("mark.evidence").forEach(function (m) {
      if (m.dataset.values.split(" ").indexOf(id) >= 0) { m.classList.add("current"); }
    });
    var target = firstMark[id];
    if (target) { target.scrollIntoView({block: "center"}); }
    window.leadgraph.shown = id;
  }
  data.people.forEach(function (person) {
    var box = el("section", "person");
    box.appendChild(el("h2", null, person.name));
    box.appendChild(el("p", "file", person.file));
    var list = el("ul", "values");
    person.values.forEach(function (v) {
      var item = el("li");
      var button = el("button", "value", v.path + ": " + v.label);
      button.type = "button";
      button.dataset.id = v.id;
      button.addEventListener("click", function () { show(v.id); });
      item.appendChild(button);
      item.appendChild(el("span", "confidence", " " + v.confidence));
      list.appendChild(item);
    });
    box.appendChild(list);
    if (person.notes.length) {
      box.appendChild(el("h3", null, "Not drafted"));
      var notes = el("ul", "notes");
      person.notes.forEach(function (n) { notes.appendChild(el("li", null, n)); });
      box.appendChild(notes);
    }
    var details = el("details");
    details.appendChild(el("summary", null, "The record (YAML)"));
    details.appendChild(el("pre", "yaml", person.yaml));
    box.appendChild(details);
    records.appendChild(box);
  });
  window.leadgraph = {ready: true, show: show, shown: null};
  // The browser tests wait on this attribute: a CSS selector, which a strict CSP cannot refuse.
  document.body.setAttribute("data-ready", "true");
})();
"""

_STYLE = """
body { margin: 0; font: 15px/1.5 system-ui, sans-serif; display: flex; height: 100vh; }
#article { flex: 1 1 55%; overflow: auto; padding: 1em 2em; white-space: pre-wrap; border-right: 1px solid #ccc; }
#side { flex: 1 1 45%; overflow: auto; padding: 1em; background: #fafafa; }
mark.evidence { background: #fff1a8; cursor: help; }
mark.current { background: #ffb347; outline: 2px solid #d2691e; }
button.value { font: inherit; text-align: left; border: 0; background: none; color: #1a4f9c; cursor: pointer; padding: 0;
  vertical-align: top; }  /* an inline-block sits on its last line: its list marker would too */
ul.values li { margin-bottom: 0.25em; }
button.value:hover { text-decoration: underline; }
.confidence, .file { color: #666; font-size: 0.85em; }
pre.yaml { white-space: pre-wrap; font-size: 0.8em; }
.notes li { color: #8a4b00; }
"""


def payload(result: Any) -> dict[str, Any]:
    """The page's data: the article text, every value's evidence span and the records."""
    from leadgraph.drafting.writer import paths
    from leadgraph.records.vocabulary import slug

    values, people = [], []
    for n, person in enumerate(result.people):
        mine = []
        entries = [("person", person.name, person.intro)] + [("variants", w, ev) for w, ev in person.variants]
        for path, fact in paths(person):
            label = ", ".join(f"{k}={v}" for k, v in fact.data.items() if k not in ("as_of", "key"))
            entries.append((path, label, fact.evidence[0]))
        for i, (path, label, ev) in enumerate(entries):
            entry = {"id": f"v{n}-{i}", "person": person.name, "path": path, "label": label if len(label) <= 300 else label[:299] + "…",
                     "start": ev.start, "end": ev.end, "rule": ev.rule, "confidence": round(ev.confidence, 2)}
            values.append(entry)
            mine.append(entry)
        name = slug(person.name) + ".yaml"
        notes = [n.message + (f" — “{n.evidence.text}”" if n.evidence else "") for n in person.notes]
        people.append({"name": person.name, "file": name, "values": mine, "notes": notes,
                       "yaml": result.records.get(name, "")})
    return {"title": result.article.title, "text": result.article.text, "values": values, "people": people}


def render_review(result: Any) -> str:
    csp = "; ".join([
        "default-src 'none'",
        f"script-src 'sha256-{_sha256(_SCRIPT)}'",
        f"style-src 'sha256-{_sha256(_STYLE)}'",
        "base-uri 'none'",
        "form-action 'none'",
    ])
    title = html.escape(f"Review: {result.article.title}", quote=True)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n"
        f"<title>{title}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        "<main id=\"article\" aria-label=\"The article\"></main>\n"
        f"<aside id=\"side\"><h1>{title}</h1><div id=\"records\"></div></aside>\n"
        f"<script type=\"application/json\" id=\"draft-data\">{_script_json(payload(result))}</script>\n"
        f"<script>{_SCRIPT}</script>\n</body>\n</html>\n"
    )


def write_review(result: Any, path: str | Path) -> Path:
    """Write the review page of a :class:`~leadgraph.drafting.DraftResult` (atomically)."""
    from leadgraph.fileio import atomic_write

    return atomic_write(path, render_review(result))
