"""Where each statement of a Turtle-family file sits: a light line scanner, used only to report
problems (validation), never when loading.

The engine's parsers give no positions for the triples they return, so :func:`turtle_origins`
scans the text once more with a tokenizer that knows just enough Turtle (prefixes, ``;`` and
``,`` lists, ``[...]`` blank nodes, collections, TriG graph blocks) to tell, for each triple,
the line and column where its subject, its predicate and its object are written. It reads
N-Triples, N-Quads and TriG too (their statements are Turtle statements with a graph name).

Keys of the returned table, each mapped to its first ``(line, column)`` (1-based):

- ``s``: a subject IRI, where its statement starts;
- ``(s, p)``: where predicate ``p`` of subject ``s`` is written;
- ``(s, p, o)``: where IRI object ``o`` of ``(s, p)`` is written;
- for a triple of a blank node (``[...]`` or ``_:b``): ``("[]", p, o)`` at its IRI object, and the
  blank node as an object ``(s, p)`` of the node that holds it, at the ``[``.

>>> table = turtle_origins('@prefix ex: <https://e/> .\\n\\nex:a a ex:C ;\\n   ex:p [ ex:q ex:b ] .\\n')
>>> table["https://e/a"], table[("https://e/a", "https://e/p")], table[("[]", "https://e/q", "https://e/b")]
((3, 1), (4, 4), (4, 16))
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
BLANK = "[]"

Origins = dict[Any, tuple[int, int]]

_TOKEN = re.compile(
    r'(?P<ws>\s+)|(?P<comment>#[^\n]*)'
    r'|(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\')'
    r'|(?P<iri><[^<>"{}|^`\\\s]*>)'
    r'|(?P<punct>\^\^|[;,\[\]\(\)\{\}])'
    r'|(?P<lang>@[A-Za-z][A-Za-z0-9-]*)'
    r'|(?P<word>[^\s;,\[\]\(\)\{\}"\'<>#]+)',
    re.DOTALL,
)
_LOCAL_ESCAPE = re.compile(r"\\(.)")


class _Frame:
    __slots__ = ("subject", "predicate", "state", "list_of")

    def __init__(self, subject: Any, state: str, list_of: tuple | None = None):
        self.subject, self.predicate, self.state, self.list_of = subject, None, state, list_of


def turtle_origins(text: str, near: Iterable[str] | None = None) -> Origins:
    """The table of positions described in the module docstring, for Turtle, N-Triples, N-Quads or
    TriG ``text``. A stretch it cannot follow (it is no parser) just goes unrecorded.

    ``near``: when given, only the statements whose text contains one of these strings are read
    (each from the start of the line its subject is written on, as Turtle is laid out), which is
    what makes finding a few problems in a large file fast.
    """
    # Line numbers are counted as the scan moves forward (it nearly always does), not
    # from a table of every line break: that table cost 0.4 s for a 50 MB file with two findings.
    last = [0, 0]  # an offset, and how many line breaks come before it
    table: Origins = {}
    prefixes: dict[str, str] = {}
    stack = [_Frame(None, "subject")]
    directive: list[str] = []  # a @prefix / PREFIX / @base / BASE being read

    def where(offset: int) -> tuple[int, int]:
        at, breaks = last
        if offset >= at:
            line = breaks + text.count("\n", at, offset)
        else:  # a statement read again from a little earlier: count back, not from the top
            line = breaks - text.count("\n", offset, at)
        last[:] = [offset, line]
        start = text.rfind("\n", 0, offset) + 1
        return line + 1, offset - start + 1

    def term(kind: str, value: str) -> str | None:
        if kind == "iri":
            return value[1:-1]
        if kind == "word":
            if value.startswith("_:"):
                return BLANK
            prefix, sep, local = value.partition(":")
            if sep and prefix in prefixes:
                return prefixes[prefix] + _LOCAL_ESCAPE.sub(r"\1", local)
        return None

    def scan(begin: int, one: bool) -> None:
        for match in _TOKEN.finditer(text, begin):
            kind, value = match.lastgroup, match.group()
            if kind == "lang" and value.lower() in ("@prefix", "@base"):
                kind = "word"
            if kind in ("ws", "comment", "lang"):
                continue
            frame = stack[-1]
            if kind == "word" and value.endswith(".") and value != ".":
                # "ex:b." ends a statement: the dot is punctuation, not part of the name.
                stripped = value.rstrip(".")
                yield_tokens = [("word", stripped, match.start())] if stripped else []
                yield_tokens.append(("punct", ".", match.start() + len(stripped)))
            elif kind == "word" and value == ".":
                yield_tokens = [("punct", ".", match.start())]
            else:
                yield_tokens = [(kind, value, match.start())]
            for kind, value, offset in yield_tokens:
                frame = stack[-1]
                if directive:
                    directive.append(value)
                    if directive[0].lower() in ("@prefix", "prefix") and len(directive) == 3:
                        prefixes[directive[1].rstrip(":")] = directive[2][1:-1]
                        directive.clear()
                    elif directive[0].lower() in ("@base", "base") and len(directive) == 2:
                        directive.clear()
                    continue
                if kind == "word" and frame.state == "subject" and value.lower() in ("@prefix", "prefix", "@base", "base"):
                    directive.append(value)
                    continue
                if kind == "word" and frame.state == "subject" and value.upper() == "GRAPH":
                    continue
                if kind == "punct":
                    if value == ";":
                        frame.state = "predicate"
                    elif value == ",":
                        frame.state = "object"
                    elif value == ".":
                        # Back to the statement's own frame (the top level, or the graph block's).
                        while len(stack) > 1 and stack[-2].state != "block":
                            stack.pop()
                        stack[-1].state, stack[-1].subject = "subject", None
                        if one and len(stack) == 1:
                            return
                    elif value == "[":
                        if frame.state == "object":
                            table.setdefault((frame.subject, frame.predicate), where(offset))
                            if frame.list_of is None:
                                frame.state = "after"
                        else:
                            frame.state = "predicate"  # [ ... ] as a subject: its triples follow inside
                            frame.subject = BLANK
                        stack.append(_Frame(BLANK, "predicate"))
                    elif value == "]":
                        if len(stack) > 1:
                            stack.pop()
                    elif value == "(":
                        if frame.state == "object":
                            frame.state = "after"
                            stack.append(_Frame(frame.subject, "object", (frame.subject, frame.predicate)))
                            stack[-1].predicate = frame.predicate
                        else:
                            stack.append(_Frame(None, "after", ()))
                    elif value == ")":
                        if len(stack) > 1 and stack[-1].list_of is not None:
                            stack.pop()
                    elif value == "{":
                        frame.state = "block"
                        stack.append(_Frame(None, "subject"))
                    elif value == "}":
                        while len(stack) > 1 and stack[-1].state != "block":
                            stack.pop()
                        stack[-1].state, stack[-1].subject = "subject", None
                    elif value == "^^":
                        frame.state = "datatype"
                    continue
                if frame.state == "subject":
                    frame.subject = term(kind, value)
                    if frame.subject is not None and frame.subject != BLANK:
                        table.setdefault(frame.subject, where(offset))
                    frame.state = "predicate"
                elif frame.state == "predicate":
                    frame.predicate = RDF_TYPE if (kind == "word" and value == "a") else term(kind, value)
                    if frame.subject is not None and frame.predicate is not None:
                        table.setdefault((frame.subject, frame.predicate), where(offset))
                    frame.state = "object"
                elif frame.state == "object":
                    obj = term(kind, value) if kind in ("iri", "word") else None
                    if frame.subject is not None and frame.predicate is not None:
                        if frame.subject == BLANK and obj is not None:
                            table.setdefault((BLANK, frame.predicate, obj), where(offset))
                        elif obj is not None and obj != BLANK:
                            table.setdefault((frame.subject, frame.predicate, obj), where(offset))
                    if frame.list_of is None:
                        frame.state = "after"
                elif frame.state == "datatype":
                    frame.state = "after"
                # "after" an object: a graph name (N-Quads) or a stray token; nothing to record.

    if near is None:
        scan(0, False)
        return table
    prefixes.update(_prefix_lines(text))
    starts = {_statement_start(text, at) for at in _mentions(text, {n for n in near if n})}
    for begin in sorted(starts):
        stack[:] = [_Frame(None, "subject")]
        directive.clear()
        scan(begin, True)
    return table


_FEW = 64
"""Up to this many names are looked for one by one; more are matched in one pass over the text."""
_SEGMENT = re.compile(r"[^\s<>\"'#;,\[\](){}/]+")


def _mentions(text: str, names: set[str]) -> Iterable[int]:
    """Offsets where ``names`` are written. A few names: every occurrence, found by ``str.find``.
    Many (thousands of findings): one pass over the text's name-like segments, each compared as
    a whole (or the part after its prefix), so the cost is the text's length, not length times
    names (19,000 names in a 1M-triple file took minutes one by one)."""
    if len(names) <= _FEW:
        for needle in names:
            at = text.find(needle)
            while at >= 0:
                yield at
                at = text.find(needle, at + len(needle))
        return
    for match in _SEGMENT.finditer(text):
        segment = match.group().rstrip(".")
        if segment in names or segment.partition(":")[2] in names:
            yield match.start()


def _prefix_lines(text: str) -> Iterable[tuple[str, str]]:
    """``(prefix, namespace)`` of every prefix line, found by searching for the word rather than
    trying the pattern at every line (0.6 s in a 50 MB file, against 0.1 s)."""
    if text.isascii():  # lower() keeps every offset of ASCII text
        lowered = text.lower()
        candidates: Iterable[int] = _all(lowered, "prefix")
    else:
        candidates = (m.start() for m in _PREFIX_WORD.finditer(text))
    done = -1
    for at in candidates:
        if at <= done:
            continue
        line_start = text.rfind("\n", 0, at) + 1
        match = _PREFIX_LINE.match(text, line_start)
        if match:
            yield match.group(1), match.group(2)
        done = text.find("\n", at)
        if done < 0:
            return


def _all(text: str, word: str) -> Iterable[int]:
    at = text.find(word)
    while at >= 0:
        yield at
        at = text.find(word, at + len(word))


_PREFIX_WORD = re.compile("[pP][rR][eE][fF][iI][xX]")
_PREFIX_LINE = re.compile(r"^[ \t]*(?:@prefix|PREFIX)[ \t]+([A-Za-z0-9_.-]*):[ \t]*<([^>\s]*)>", re.MULTILINE | re.IGNORECASE)


def _statement_start(text: str, offset: int) -> int:
    """The start of the nearest line at or before ``offset`` that begins with a term (a subject)."""
    start = text.rfind("\n", 0, offset) + 1
    while start > 0 and text[start:start + 1] in (" ", "\t", "\n", "\r", "#", ")", "]", ";", ",", "."):
        start = text.rfind("\n", 0, start - 1) + 1
    return start
