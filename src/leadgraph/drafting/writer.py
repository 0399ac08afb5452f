"""Draft records as YAML, in exactly the person-record format, with the evidence of every value
as a comment above it; and the same evidence as data (a sidecar ``<person>.evidence.json``).

Why both: the comments sit where the reviewer edits, and cost the record format nothing (the
schema and the graph mapping are untouched, so a reviewed draft is just a record); the JSON keeps
the offsets for the review page and for tools, and survives the edits and rewrites (``forget``
drops comments) that the comments may not. A ``.json`` file in a data folder is never read as
data (only registered extensions are), so the sidecar can stay beside the record.
"""

from __future__ import annotations

import json
import re
from typing import Any

from leadgraph.drafting.extract import Evidence, Fact, PersonDraft
from leadgraph.drafting.text import Article
from leadgraph.records.vocabulary import compact

SECTIONS = ("roles", "earlier_roles", "service", "backgrounds", "scale", "quotes", "traits")
_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def scalar(value: Any) -> str:
    """A YAML scalar for ``value``: strings double-quoted (JSON escapes, plus the characters YAML
    reads as line breaks), numbers and booleans plain.

    >>> scalar('say "hi"\\u2028there'), scalar(True), scalar(12)
    ('"say \\\\"hi\\\\"\\\\u2028there"', 'true', '12')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(scalar(v) for v in value) + "]"
    text = json.dumps(str(value), ensure_ascii=False)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\x85", "\\u0085")


def comment(text: str, width: int = 200) -> str:
    """One comment line's text: no line breaks or control characters, shortened to ``width``."""
    text = _BREAKS.sub(" ", text)
    return text if len(text) <= width else text[: width - 1] + "…"


def source_key(article: Article) -> str:
    from leadgraph.records.vocabulary import slug

    words = "-".join(slug(article.title or "article").split("-")[:5])
    return f"{article.date}-{words}".strip("-")


def _evidence_line(ev: Evidence) -> str:
    return comment(f"# evidence [{ev.start}:{ev.end}] {ev.rule}, confidence {ev.confidence:.2f}: “{ev.text}”")


def record_yaml(person: PersonDraft, article: Article) -> str:
    key = source_key(article)
    lines = [
        comment(f"# Draft by `leadgraph draft` from {article.path}: check every value against its evidence, "
                f"then keep, correct or delete it."),
        "# Offsets are characters into the article text (see the .evidence.json beside this file).",
        _evidence_line(person.intro),
        f"person: {scalar(person.name)}",
    ]
    if person.variants:
        for _word, ev in person.variants:
            lines.append(_evidence_line(ev))
        lines.append(f"variants: {scalar([w for w, _ in person.variants])}")
    lines += [f"source: {key}", "sources:", f"  {key}:", f"    title: {scalar(article.title)}",
              f"    date: {article.date}"]
    if article.url:
        lines.append(f"    url: {scalar(article.url)}")
    if article.publisher:
        lines.append(f"    publisher: {scalar(article.publisher)}")
    declare = [(iri, name, kind) for iri, (name, kind) in person.declare.items() if kind]
    if declare:
        lines += ["# Organisations from the loaded data that the reference layer (ODS) does not hold,",
                  "# declared here so the draft validates on its own:", "organisations:"]
        for iri, name, kind in declare:
            lines += [f"  - name: {scalar(name)}", f"    kind: {scalar(kind)}", f"    id: {scalar(compact(iri))}",
                      f"    source: {key}"]
    for section in SECTIONS:
        facts = person.section(section)
        if not facts:
            continue
        lines.append(f"{section}:")
        for fact in facts:
            for ev in fact.evidence:
                lines.append("  " + _evidence_line(ev))
            for note in fact.notes:
                lines.append("  " + comment(f"# note: {note}"))
            items = list(fact.data.items()) + [("source", key)]
            for i, (k, v) in enumerate(items):
                lines.append(("  - " if i == 0 else "    ") + f"{k}: " + (v if k == "as_of" else scalar(v)))
    if person.notes:
        lines.append("")
        lines.append("# Not drafted: the text says these, but not clearly enough for a value.")
        for note in person.notes:
            where = f" [{note.evidence.start}:{note.evidence.end}] “{note.evidence.text}”" if note.evidence else ""
            lines.append(comment(f"# - {note.message}{where}", 400))
    return "\n".join(lines) + "\n"


def paths(person: PersonDraft) -> list[tuple[str, Fact]]:
    """``("roles[0]", fact)`` for every drafted fact, in record order."""
    found = []
    for section in SECTIONS:
        for i, fact in enumerate(person.section(section)):
            found.append((f"{section}[{i}]", fact))
    return found


def evidence_json(person: PersonDraft, article: Article, record_file: str) -> dict[str, Any]:
    return {
        "article": article.path,
        "record": record_file,
        "person": person.name,
        "introduction": person.intro.as_dict(),
        "variants": [{"value": w, "evidence": [ev.as_dict()]} for w, ev in person.variants],
        "values": [{"path": path, "value": fact.data, "evidence": [e.as_dict() for e in fact.evidence],
                    "notes": fact.notes} for path, fact in paths(person)],
        "not_drafted": [{"message": n.message, "evidence": [n.evidence.as_dict()] if n.evidence else []}
                        for n in person.notes],
    }
