"""Static checks that keep a SPARQL query on the loaded graph: no network, no files, no writes.

Oxigraph executes ``SERVICE`` over HTTP (measured here: it connected to a local port,
and ``SERVICE SILENT`` against a port that never answers hung for good) and ``LOAD``
dereferences IRIs, so a query must be checked *before* it reaches the engine.

How the check works, and why it is fast enough for a 0.25 s start-up:

1. A tokenizer that follows the SPARQL grammar's lexical rules (strings, IRIs,
   comments, prefixed names with ``\\#`` escapes) and the one context rule that
   matters for them: inside an expression, a ``<`` after an operand is the
   less-than operator, elsewhere it starts an IRI -- as Oxigraph's parser decides.
   Keywords are then read off the tokens, so ``"SERVICE"`` in a string,
   ``?service`` or ``ex:from`` never count, while ``SERVICE`` nested anywhere
   (EXISTS, OPTIONAL, a subquery, with SILENT or a variable) always does.
   Tokenizing takes microseconds, against 150-500 ms to import rdflib.
2. A closer look with rdflib's SPARQL parser, only when a risky word (SERVICE,
   FROM, LOAD, ``file:``) sits inside a string, IRI or comment after the query's
   first keyword, i.e. exactly where a tokenizer that disagreed with the engine
   could have hidden it. Queries it cannot parse are refused rather than guessed.

Before any of that, the size of a query is bounded (:data:`MAX_LENGTH`,
:data:`MAX_NESTING`, :data:`MAX_OPERATORS`): Oxigraph's parser and evaluator recurse
once per nesting level and per operator of a chain, on the stack of the calling thread,
and overflowing it kills the whole process (SIGSEGV; a Rust stack overflow in a Python
extension cannot be caught). Measured with pyoxigraph 0.5.13 on an 8 MB stack, a query
dies at about 840 nested ``FILTER NOT EXISTS { }``, 2,200 nested ``{ }``, 4,600 nested
``( )``, 6,500 ``UNION`` in a row, 6,900 ``+`` in a row, 8,100 triple patterns with
shared variables and 12,000 triple patterns with ``.``; a ``VALUES`` list of 50,000
values is fine. Every one of those shapes taken to just inside the bounds (and a mix of
60 nested NOT EXISTS around 1,500 ``+``) runs on a 3 MB thread stack, so the bounds leave
more than half of the usual 8 MB (main thread, and glibc threads by default) spare, while
lying far beyond what a person writes. On a 2 MB stack a long ``+`` chain within the
bounds can still overflow; in a forked worker that is reported as a one-line error.

>>> check("SELECT * WHERE { ?s ?p 'SERVICE' }  # no SERVICE here")
'select'
>>> check("SELECT * WHERE { FILTER EXISTS { SERVICE SILENT ?x { ?s ?p ?o } } }")
Traceback (most recent call last):
...
leadgraph.errors.QueryError: line 1: SERVICE is refused: it would send part of the query to another server over the network (pass --allow-network / allow_network=True to permit it)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from leadgraph.errors import QueryError

MAX_LENGTH = 1_000_000
"""Characters a query may have (about 20 times the largest hand-written query)."""
MAX_NESTING = 100
"""Levels of ``{ }``, ``( )`` and ``[ ]`` a query may nest."""
MAX_OPERATORS = 2_000
"""Operators, separators, brackets and keywords a query may hold (VALUES, INSERT DATA and
DELETE DATA blocks and IN lists not counted)."""

QUERY_FORMS = ("select", "ask", "construct", "describe")
UPDATE_WORDS = frozenset(
    {"insert", "delete", "load", "clear", "create", "drop", "copy", "move", "add", "with", "using"}
)
"""Keywords that only occur in SPARQL Update requests."""

# The SPARQL 1.1 lexical rules (section 19.8), written as supersets of what Oxigraph
# accepts: a token that is wider here than in the engine can only turn into an engine
# syntax error, never hide code the engine runs.
_ECHAR_OR_ANY = r"\\."
_LONG1 = r"'''(?:(?:'|'')?(?:[^'\\]|" + _ECHAR_OR_ANY + r"))*'''"
_LONG2 = r'"""(?:(?:"|"")?(?:[^"\\]|' + _ECHAR_OR_ANY + r'))*"""'
_SHORT1 = r"'(?:[^'\\\n\r]|" + _ECHAR_OR_ANY + r")*'"
_SHORT2 = r'"(?:[^"\\\n\r]|' + _ECHAR_OR_ANY + r')*"'
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
# Non-ASCII characters are all allowed in names: a negated ASCII class compiles in
# microseconds, where the spelled-out Unicode ranges took 35 ms at every start-up.
_NON_ASCII = r"[^\x00-\x7f]"
_PN_CHARS = rf"(?:[\w\-]|{_NON_ASCII})"
_PN_START = rf"(?:[\w:]|{_NON_ASCII}|{_PLX})"
_PN_LOCAL = rf"{_PN_START}(?:(?:{_PN_CHARS}|[.:]|{_PLX})*(?:{_PN_CHARS}|:|{_PLX}))?"
_PN_PREFIX = rf"(?:(?:[A-Za-z]|{_NON_ASCII})(?:(?:{_PN_CHARS}|\.)*{_PN_CHARS})?)?"

_TOKEN = re.compile(
    "|".join(
        [
            r"(?P<ws>[ \t\r\n]+)",
            r"(?P<comment>#[^\r\n]*)",
            rf"(?P<string>{_LONG1}|{_LONG2}|{_SHORT1}|{_SHORT2})",
            rf"(?P<bnode>_:(?:\w|{_NON_ASCII})(?:(?:{_PN_CHARS}|\.)*{_PN_CHARS})?)",
            rf"(?P<pname>{_PN_PREFIX}:(?:{_PN_LOCAL})?)",
            rf"(?P<var>[?$](?:\w|{_NON_ASCII})+)",
            r"(?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*(?:--[A-Za-z]+)?)",
            r"(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)",
            r"(?P<word>[A-Za-z_][\w]*)",
            r"(?P<punct>\^\^|<=|>=|!=|&&|\|\||<<|>>|\{\||\|\}|[{}()\[\].,;|/^!=<>*+\-?~])",
        ]
    )
)
_IRI = re.compile(r"<(?:[^<>\"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>")
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_RISKY_WORD = re.compile(r"(?<![\w?$:\\-])(?:service|from|load)(?![\w:-])|file:", re.IGNORECASE)

_OPERAND_END = frozenset({"var", "number", "string", "iri", "pname", "bnode", "langtag"})
_EXPR, _PATTERN, _LIST, _TOP = "expression", "pattern", "list", "top"


class Token:
    """One lexical token: ``kind`` (ws, comment, string, iri, pname, bnode, var, langtag,
    number, word, punct), its ``text``, start offset ``pos``, and how many brackets
    (``{ ( [``) enclose it: ``depth`` 0 is outside them all."""

    # A plain slotted class: a frozen dataclass costs a millisecond to define at start-up.
    __slots__ = ("kind", "text", "pos", "depth")

    def __init__(self, kind: str, text: str, pos: int, depth: int):
        self.kind, self.text, self.pos, self.depth = kind, text, pos, depth

    def __repr__(self) -> str:
        return f"Token({self.kind!r}, {self.text!r}, {self.pos}, {self.depth})"

    @property
    def code(self) -> bool:
        """True for tokens the engine reads as code (not whitespace or comments)."""
        return self.kind not in ("ws", "comment")


@dataclass
class QueryShape:
    """What the tokenizer learned about a query.

    ``form`` is select/ask/construct/describe, or ``update``; ``variables`` every
    ``?name``/``$name`` used; ``findings`` (line, construct, reason) for each refused
    construct; ``prefixes`` what the query's own PREFIX lines declare (absolute IRIs
    only); ``where_brace`` the offset of the ``{`` opening the main WHERE block
    (``None`` when there is none, as in ``DESCRIBE <x>``).
    """

    tokens: list[Token]
    form: str | None
    variables: set[str] = field(default_factory=set)
    findings: list[tuple[int, str, str]] = field(default_factory=list)
    where_brace: int | None = None
    template_brace: int | None = None  # CONSTRUCT's template, when it has a separate one
    prefixes: dict[str, str] = field(default_factory=dict)  # PREFIX lines with absolute IRIs


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens, deciding ``<`` (IRI or less-than) from context.

    Raises :class:`QueryError` for text that is not SPARQL at the lexical level
    (an unterminated string, a stray character, unbalanced brackets).

    >>> [t.text for t in tokenize('ASK { ?a <p> ?b FILTER(?a<?b) }') if t.code]
    ['ASK', '{', '?a', '<p>', '?b', 'FILTER', '(', '?a', '<', '?b', ')', '}']
    """
    if len(text) > MAX_LENGTH:
        raise QueryError(f"query too long ({len(text):,} characters; at most {MAX_LENGTH:,})",
                         hint="pass long lists of values as --param NAME=VALUE repeated, or split the query")
    tokens: list[Token] = []
    frames = [_TOP]
    code: list[Token] = []  # the code tokens so far, for the context rules
    pos, end = 0, len(text)
    while pos < end:
        kind, match = _next_token(text, pos, frames[-1], code)
        if match is None:
            _fail(text, pos, f"unexpected character {text[pos]!r}")
        token_text = match.group(0)
        token = Token(kind, token_text, pos, len(frames) - 1)
        if kind == "punct":
            _track_brackets(text, token, frames, code)
            if len(frames) > MAX_NESTING + 1:
                raise QueryError(f"query too deeply nested (more than {MAX_NESTING} levels of {{ }}, ( ) or [ ])",
                                 line=text.count("\n", 0, pos) + 1)
        tokens.append(token)
        if token.code:
            code.append(token)
        pos = match.end()
    if len(frames) > 1:
        _fail(text, end, "unbalanced brackets: a '{', '(' or '[' is never closed")
    return tokens


def _next_token(text: str, pos: int, frame: str, code: list[Token]) -> tuple[str, re.Match[str] | None]:
    if text[pos] == "<":
        after_operand = bool(code) and (
            code[-1].kind in _OPERAND_END
            or code[-1].text in (")", "]")
            or (code[-1].kind == "word" and code[-1].text.lower() in ("true", "false"))
        )
        if not (frame == _EXPR and after_operand):
            iri = _IRI.match(text, pos)
            if iri:
                return "iri", iri
    match = _TOKEN.match(text, pos)
    if match is None:
        return "", None
    return match.lastgroup or "", match


def _track_brackets(text: str, token: Token, frames: list[str], code: list[Token]) -> None:
    char = token.text
    if char in ("{", "{|"):
        frames.append(_PATTERN)
    elif char == "[":
        frames.append(_LIST if frames[-1] != _EXPR else _EXPR)
    elif char == "(":
        frames.append(_paren_frame(frames[-1], code))
    elif char in ("}", "|}", ")", "]"):
        opener = {"}": (_PATTERN,), "|}": (_PATTERN,), ")": (_EXPR, _LIST), "]": (_LIST, _EXPR)}[char]
        if len(frames) == 1 or frames[-1] not in opener:
            _fail(text, token.pos, f"unbalanced brackets: unexpected {char!r}")
        frames.pop()


def _paren_frame(frame: str, code: list[Token]) -> str:
    """Is this ``(`` the start of an expression, or of a collection / path / VALUES row?"""
    if frame in (_EXPR, _LIST):
        return frame
    before = code[-1] if code else None
    before2 = code[-2] if len(code) > 1 else None
    if before is not None and before.kind == "word" and before.text.lower() == "values":
        return _LIST
    if frame == _TOP:
        # Outside braces, parentheses belong to SELECT expressions, GROUP BY, ORDER BY, HAVING.
        return _EXPR
    if before is not None and before.kind == "word" and before.text.lower() != "a":
        return _EXPR  # FILTER(, BIND(, or a built-in call such as FILTER regex(
    if before is not None and before.kind in ("iri", "pname") and before2 is not None:
        if before2.kind == "word" and before2.text.lower() == "filter":
            return _EXPR  # FILTER <function>(...)
    return _LIST


def _fail(text: str, pos: int, message: str) -> None:
    line = text.count("\n", 0, pos) + 1
    raise QueryError(f"syntax error: {message}", line=line)


def analyse(text: str) -> QueryShape:
    """Tokenize ``text`` and read its form, variables, main WHERE block and risky constructs.

    >>> shape = analyse("PREFIX ex: <http://example.org/> SELECT ?x FROM <http://e/g> WHERE { ?x ?p ?o }")
    >>> shape.form, sorted(shape.variables), [f[1] for f in shape.findings], shape.prefixes
    ('select', ['o', 'p', 'x'], ['FROM'], {'ex': 'http://example.org/'})
    """
    tokens = tokenize(text)
    shape = QueryShape(tokens, None)
    code = [t for t in tokens if t.code]
    _check_operators(code)
    shape.form = _form(code)
    top_braces = [t for t in code if t.text == "{" and t.depth == 0]
    lines = _LineCounter(text)
    for index, token in enumerate(code):
        word = token.text.lower() if token.kind == "word" else ""
        line = lines.at(token.pos) if word or token.kind == "iri" else 0
        if token.kind == "var":
            shape.variables.add(token.text[1:])
        elif word == "prefix" and index + 2 < len(code):
            name, iri = code[index + 1], code[index + 2]
            if name.kind == "pname" and name.text.endswith(":") and iri.kind == "iri":
                value = _decode(iri.text[1:-1])
                if re.match(r"[A-Za-z][A-Za-z0-9+.\-]*:", value):  # relative ones would need BASE
                    shape.prefixes[name.text[:-1]] = value
        elif word == "service":
            shape.findings.append((line, "SERVICE", "SERVICE"))
        elif word == "load":
            shape.findings.append((line, "LOAD", "LOAD"))
        elif word == "from":
            named = index + 1 < len(code) and code[index + 1].text.lower() == "named"
            shape.findings.append((line, "FROM NAMED" if named else "FROM", "FROM"))
        elif token.kind == "iri" and _decode(token.text[1:-1]).strip().lower().startswith("file:"):
            shape.findings.append((line, f"the file: IRI {token.text}", "file"))
    _locate_where(shape, code, top_braces)
    return shape


class _LineCounter:
    """Line numbers for increasing offsets in one pass (counting from the start for every
    token made analysing a 1 MB query take minutes)."""

    __slots__ = ("text", "pos", "line")

    def __init__(self, text: str):
        self.text, self.pos, self.line = text, 0, 1

    def at(self, pos: int) -> int:
        if pos < self.pos:
            self.pos, self.line = 0, 1
        self.line += self.text.count("\n", self.pos, pos)
        self.pos = pos
        return self.line


_TERMS = frozenset({"var", "iri", "pname", "string", "number", "bnode", "langtag"})


def _check_operators(code: list[Token]) -> None:
    """Refuse a query with more than :data:`MAX_OPERATORS` operators, separators, brackets
    and keywords: each becomes a node the engine walks recursively, while terms (and a
    data of a VALUES block or of INSERT DATA / DELETE DATA, however long) do not.

    >>> _check_operators(tokenize("ASK { " + "?s ?p ?o . " * 2001 + "}"))
    Traceback (most recent call last):
    ...
    leadgraph.errors.QueryError: query too large (more than 2000 operators, separators, brackets and keywords) (split it, or pass long lists of values as VALUES or --param)
    """
    count = 0
    skip_to = -1
    brackets: list[str] = []
    for index, token in enumerate(code):
        if index < skip_to:
            continue
        if token.text in ("{", "(", "["):
            brackets.append(token.text)
        elif token.text in ("}", ")", "]") and brackets:
            brackets.pop()
        if token.kind in _TERMS or (token.text == "," and brackets and brackets[-1] == "("):
            continue  # an IN list or function arguments: flat, measured fine at 50,000
        if token.text == "{" and _opens_values_data(code, index):
            brackets.pop()
            skip_to = next((i for i in range(index + 1, len(code))
                            if code[i].text == "}" and code[i].depth == token.depth + 1), len(code))
        count += 1
        if count > MAX_OPERATORS:
            raise QueryError(f"query too large (more than {MAX_OPERATORS} operators, separators, brackets and "
                             "keywords)", hint="split it, or pass long lists of values as VALUES or --param")


def _opens_values_data(code: list[Token], index: int) -> bool:
    """Is ``code[index]`` (a ``{``) the data block of ``VALUES ?x {``, ``VALUES (?x ?y) {``,
    ``INSERT DATA {`` or ``DELETE DATA {``? (Measured flat: 100,000 triples in INSERT DATA.)"""
    back = index - 1
    if back >= 1 and code[back].kind == "word" and code[back].text.lower() == "data":
        return code[back - 1].kind == "word" and code[back - 1].text.lower() in ("insert", "delete")
    if back >= 0 and code[back].text == ")":
        back -= 1
        while back >= 0 and code[back].kind == "var":
            back -= 1
        if back < 0 or code[back].text != "(":
            return False
    elif back < 0 or code[back].kind != "var":
        return False
    back -= 1
    return back >= 0 and code[back].kind == "word" and code[back].text.lower() == "values"


def _form(code: list[Token]) -> str | None:
    skip = 0
    for token in code:
        if skip:
            skip -= 1
            continue
        word = token.text.lower() if token.kind == "word" else ""
        if word == "prefix":
            skip = 2  # the prefix name and its IRI
        elif word == "base":
            skip = 1
        elif word in QUERY_FORMS:
            return word
        elif word in UPDATE_WORDS:
            return "update"
        else:
            return None
    return None


def _locate_where(shape: QueryShape, code: list[Token], top_braces: list[Token]) -> None:
    if shape.form not in QUERY_FORMS or not top_braces:
        return
    first = top_braces[0]
    if shape.form == "construct":
        before = code[code.index(first) - 1]
        if before.kind == "word" and before.text.lower() == "where":
            shape.where_brace = first.pos  # CONSTRUCT WHERE { ... }: template and pattern in one
            return
        shape.template_brace = first.pos
        shape.where_brace = top_braces[1].pos if len(top_braces) > 1 else None
        return
    shape.where_brace = first.pos


def _decode(iri: str) -> str:
    return _UCHAR.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), iri)


def check(text: str, *, allow_network: bool = False, allow_update: bool = False) -> str:
    """Refuse what could leave the loaded graph or change data; return the query form.

    Refused unless ``allow_network``: SERVICE in any form, LOAD, FROM and FROM NAMED
    (leadgraph keeps every triple in the default graph, so a dataset clause could only
    mean "fetch this"), and ``file:`` IRIs. Refused unless ``allow_update``: any
    SPARQL Update request. Each refusal is a :class:`QueryError` naming the line.

    >>> check("DELETE WHERE { ?s ?p ?o }")
    Traceback (most recent call last):
    ...
    leadgraph.errors.QueryError: this is a SPARQL Update (it changes data); queries are read-only unless you pass --allow-update with --update-output FILE (allow_update=True, update_output=...)
    >>> check("ASK { <file:///etc/passwd> ?p ?o }")
    Traceback (most recent call last):
    ...
    leadgraph.errors.QueryError: line 1: the file: IRI <file:///etc/passwd> is refused: queries never read local files (pass --allow-network / allow_network=True to permit it)
    """
    shape = analyse(text)
    return check_shape(text, shape, allow_network=allow_network, allow_update=allow_update)


def check_shape(text: str, shape: QueryShape, *, allow_network: bool = False, allow_update: bool = False) -> str:
    """:func:`check` for a query already passed through :func:`analyse`."""
    if not allow_network:
        for line, construct, reason in shape.findings:
            raise _refusal(line, construct, reason)
        _closer_look(text, shape.tokens)
    if shape.form == "update" and not allow_update:
        raise QueryError(
            "this is a SPARQL Update (it changes data); queries are read-only unless you pass "
            "--allow-update with --update-output FILE (allow_update=True, update_output=...)"
        )
    if shape.form is None:
        raise QueryError(
            "syntax error: a query starts with SELECT, ASK, CONSTRUCT or DESCRIBE (after any PREFIX/BASE lines)"
        )
    return shape.form


_REASONS = {
    "SERVICE": "it would send part of the query to another server over the network",
    "LOAD": "it would fetch data from the network or a local file",
    "FROM": "it asks for another dataset to be fetched (everything leadgraph loaded is already in the "
    "default graph, so a query needs no FROM)",
    "file": "queries never read local files",
    "unverifiable": "a risky word (SERVICE, FROM, LOAD or file:) sits in a string, IRI or comment "
    "and rdflib's parser, asked for a second opinion, could not read the query",
}
NETWORK_HINT = "pass --allow-network / allow_network=True to permit it"


def _refusal(line: int | None, construct: str, reason: str) -> QueryError:
    return QueryError(f"{construct} is refused: {_REASONS[reason]}", line=line, hint=NETWORK_HINT, remedy="network")


def _closer_look(text: str, tokens: list[Token]) -> None:
    """Second opinion from rdflib's grammar when a risky word hides in a string, IRI or comment."""
    first_code = next((t.pos for t in tokens if t.code), len(text))
    for token in tokens:
        if token.pos > first_code and token.kind in ("string", "iri", "comment") and _RISKY_WORD.search(token.text):
            break
    else:
        return
    for line, construct, reason in deep_findings(text):
        raise _refusal(line, construct, reason)


def deep_findings(text: str) -> list[tuple[int | None, str, str]]:
    """Refusable constructs found by walking rdflib's parse tree of ``text``.

    Slow (imports rdflib): used when the tokenizer asks for a closer look, and by the
    tests as an independent oracle. A query rdflib cannot parse is reported as a
    finding, because nothing could then be verified.
    """
    from leadgraph.namespaces import sparql_prefixes

    try:
        from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
    except ImportError:  # pragma: no cover - rdflib is a dependency
        return [(None, "this query", "unverifiable")]
    try:
        tree = parseQuery(sparql_prefixes() + text)
    except Exception:
        try:
            tree = parseUpdate(sparql_prefixes() + text)
        except Exception:
            return [(None, "this query", "unverifiable")]
    found: list[tuple[int | None, str, str]] = []
    _walk(tree, found)
    return found


def _walk(node: object, found: list[tuple[int | None, str, str]]) -> None:
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import URIRef

    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            # CompValue.get(k) returns k itself when k is missing: test with `in`.
            if item.name == "ServiceGraphPattern":
                found.append((None, "SERVICE", "SERVICE"))
            elif item.name == "Load":
                found.append((None, "LOAD", "LOAD"))
            if "datasetClause" in item and item["datasetClause"]:
                found.append((None, "FROM / FROM NAMED", "FROM"))
            stack.extend(item.values())
        elif isinstance(item, URIRef):
            if str(item).lower().startswith("file:"):
                found.append((None, f"the file: IRI <{item}>", "file"))
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)) or type(item).__name__ == "ParseResults":
            stack.extend(list(item))
