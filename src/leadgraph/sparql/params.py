"""Query parameters: ``--param name=value`` turned into RDF terms and bound, never pasted.

A value's type comes from its syntax (``<iri>``, a known-prefix CURIE such as
``lgd:ayesha-rahim``, an integer, a decimal, an ISO date, otherwise a string), or
from the type a named query declares for it. Values reach the query as a ``VALUES``
block at the start of the main WHERE block, written only from validated IRIs and
from literals whose every character is a ``\\uXXXX`` escape: whatever the text, it
can only ever be a value.

Why not Oxigraph's own ``substitutions=`` argument: it refuses any variable that is
not in the SELECT projection (measured with pyoxigraph 0.5.13), so a parameter used
only in a FILTER, in a GROUP BY query or with ``SELECT *`` and a FILTER could not be
bound at all.

>>> to_term("lgd:ayesha-rahim")
<NamedNode value=https://w3id.org/leadgraph/id/ayesha-rahim>
>>> to_term("15"), to_term("2021-06-23").datatype.value
(<Literal value=15 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#integer>>, 'http://www.w3.org/2001/XMLSchema#date')
>>> to_term('x" || true || "')
<Literal value=x" || true || " datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#string>>
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from leadgraph.errors import UsageError
from leadgraph.namespaces import PREFIXES, XSD
from leadgraph.sparql.safety import QueryShape, Token
from leadgraph.terms import Literal, NamedNode

TYPES = ("any", "iri", "string", "integer", "decimal", "date", "boolean")
"""Parameter types a named query may declare; ``any`` means "from the value's syntax"."""

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Strict on purpose: no quotes, brackets, spaces or backslashes, so an IRI can never
# close the <...> it is written in.
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:(?:[A-Za-z0-9\-._~:/?#\[\]@!$&()*+,;=%]|[^\x00-\xa0])*")
_CURIE = re.compile(r"(?P<prefix>[A-Za-z][\w\-.]*)?:(?P<local>[\w\-]+(?:[.\w\-]*[\w\-])?)")
_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(?:\d+\.\d*|\.\d+)")
_DOUBLE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Param:
    """A parameter a named query declares: name, type (see :data:`TYPES`), description,
    default value (as text, parsed like a ``--param`` value) and whether it is required."""

    name: str
    type: str = "any"
    description: str = ""
    default: str | None = None
    required: bool = True


def parse_assignments(items: Iterable[str]) -> dict[str, list[str]]:
    """``["name=value", ...]`` -> ``{name: [values]}``; a name given twice gets two values.

    >>> parse_assignments(["trait=lgd:trait-resilience", "n=2", "n=3", "q=a=b"])
    {'trait': ['lgd:trait-resilience'], 'n': ['2', '3'], 'q': ['a=b']}
    """
    found: dict[str, list[str]] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not _NAME.fullmatch(name):
            raise UsageError(f"--param expects NAME=VALUE with NAME a SPARQL variable name, got {_shown(item)}")
        _check_text(value, name)
        found.setdefault(name, []).append(value)
    return found


def _check_text(value: str, name: str) -> None:
    """Refuse text that is not Unicode: on Linux, bytes of argv that are not UTF-8 arrive
    as lone surrogates (``\\udcff``), which no RDF term can hold.

    >>> _check_text("caf\\udce9", "name")
    Traceback (most recent call last):
    ...
    leadgraph.errors.UsageError: parameter 'name': the value is not valid UTF-8 (byte 0xe9 at character 4)
    """
    bad = _SURROGATE.search(value)
    if bad is not None:
        char = bad.group()
        byte = f"byte 0x{ord(char) - 0xDC00:02x}" if char >= "\udc80" else f"character U+{ord(char):04X}"
        raise UsageError(f"parameter {name!r}: the value is not valid UTF-8 ({byte} at character {bad.start() + 1})")


def _shown(text: str) -> str:
    """``repr`` with undecodable argv bytes shown as ``\\xff`` rather than ``\\udcff``."""
    try:
        return repr(text.encode("utf-8", "surrogateescape"))[1:] if _SURROGATE.search(text) else repr(text)
    except UnicodeEncodeError:  # a surrogate that did not come from a byte
        return ascii(text)


def to_term(
    value: Any, type: str = "any", *, allow_file: bool = False, prefixes: Mapping[str, str] | None = None
) -> NamedNode | Literal:
    """Turn one parameter value into an RDF term.

    ``value`` is text as typed on the command line, a Python value (``int``,
    ``float``, ``Decimal``, ``date``, ``bool``, ``str``) or already a pyoxigraph or
    rdflib term. Text is read by its syntax unless ``type`` says otherwise; a value in
    double quotes is always a string (``'"2021"'`` is the text 2021, not a number).
    A prefixed name expands with ``prefixes`` (default: the project's
    :data:`~leadgraph.namespaces.PREFIXES`); :func:`resolve` passes those plus the
    query's own PREFIX lines, so a value reads the way the query text would.

    Raises :class:`UsageError` when the value does not fit ``type``, or is an IRI that
    is malformed or (unless ``allow_file``) a ``file:`` IRI.

    >>> to_term("<https://schema.org/Person>").value
    'https://schema.org/Person'
    >>> to_term("12", "string")
    <Literal value=12 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#string>>
    >>> to_term("ex:a", prefixes={"ex": "http://example.org/"}).value
    'http://example.org/a'
    >>> to_term("twelve", "integer")
    Traceback (most recent call last):
    ...
    leadgraph.errors.UsageError: 'twelve' is not an integer
    """
    if type not in TYPES:
        raise UsageError(f"unknown parameter type {type!r} (choose from {', '.join(TYPES)})")
    if isinstance(value, (NamedNode, Literal)):
        return _checked_term(value, allow_file)
    if not isinstance(value, str) or value.__class__.__module__.startswith("rdflib"):
        return _from_python(value, type, allow_file)
    return _from_text(value, type, allow_file, PREFIXES if prefixes is None else prefixes)


def _checked_term(term: NamedNode | Literal, allow_file: bool) -> NamedNode | Literal:
    if isinstance(term, NamedNode):
        return _iri(term.value, allow_file)
    return term


def _from_python(value: Any, kind: str, allow_file: bool) -> NamedNode | Literal:
    module = type(value).__module__
    if module.startswith("rdflib"):
        from rdflib.term import Literal as RdflibLiteral
        from rdflib.term import URIRef

        if isinstance(value, URIRef):
            return _iri(str(value), allow_file)
        if isinstance(value, RdflibLiteral):
            if value.language:
                return Literal(str(value), language=value.language)
            return Literal(str(value), datatype=NamedNode(value.datatype or XSD + "string"))
    if isinstance(value, bool):
        return Literal("true" if value else "false", datatype=NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return _from_text(str(value), "integer" if kind == "any" else kind, allow_file, PREFIXES)
    if isinstance(value, Decimal):
        return Literal(str(value), datatype=NamedNode(XSD + "decimal"))
    if isinstance(value, float):
        return Literal(repr(value), datatype=NamedNode(XSD + "double"))
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return Literal(value.isoformat(), datatype=NamedNode(XSD + "date"))
    raise UsageError(f"cannot use a {type(value).__name__} as a query parameter")


def _from_text(text: str, kind: str, allow_file: bool, prefixes: Mapping[str, str]) -> NamedNode | Literal:
    if kind == "string":
        return Literal(text)
    if kind == "any" and len(text) >= 2 and text[0] == text[-1] == '"':
        return Literal(text[1:-1])
    if kind in ("any", "iri"):
        iri = _iri_text(text, prefixes, bare_ok=kind == "iri")
        if iri is not None:
            return _iri(iri, allow_file)
        if kind == "iri":
            raise UsageError(f"{text!r} is not an IRI: write <https://...> or a prefixed name such as lgd:ayesha-rahim")
    if kind in ("any", "integer") and _INTEGER.fullmatch(text):
        return Literal(str(int(text)), datatype=NamedNode(XSD + "integer"))
    if kind in ("any", "decimal") and (_DECIMAL.fullmatch(text) or (kind == "decimal" and _INTEGER.fullmatch(text))):
        return Literal(str(Decimal(text)), datatype=NamedNode(XSD + "decimal"))
    if kind == "any" and _DOUBLE.fullmatch(text):
        return Literal(text, datatype=NamedNode(XSD + "double"))
    if kind in ("any", "date") and _DATE.fullmatch(text):
        try:
            _dt.date.fromisoformat(text)
        except ValueError:
            if kind == "date":
                raise UsageError(f"{text!r} is not a valid date") from None
        else:
            return Literal(text, datatype=NamedNode(XSD + "date"))
    if kind == "boolean" and text.lower() in ("true", "false"):
        return Literal(text.lower(), datatype=NamedNode(XSD + "boolean"))
    if kind == "any":
        return Literal(text)
    article = "an" if kind[0] in "aeiou" else "a"
    raise UsageError(f"{text!r} is not {article} {kind}")


def _iri_text(text: str, prefixes: Mapping[str, str], *, bare_ok: bool) -> str | None:
    """The IRI ``text`` denotes (``<...>`` or a CURIE with a known prefix), or ``None``."""
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    curie = _CURIE.fullmatch(text)
    if curie and (curie.group("prefix") or "") in prefixes:
        return prefixes[curie.group("prefix") or ""] + curie.group("local")
    if bare_ok and re.match(r"(?:https?|urn):", text, re.IGNORECASE):
        return text
    return None


def _iri(iri: str, allow_file: bool) -> NamedNode:
    if not _IRI.fullmatch(iri):
        raise UsageError(f"not a usable IRI: <{iri}> (no spaces, quotes, backslashes or <>{{}}|^` allowed)")
    if iri.lower().startswith("file:") and not allow_file:
        raise UsageError(f"the file: IRI <{iri}> is refused as a parameter (pass --allow-network to permit it)")
    try:
        return NamedNode(iri)
    except ValueError as exc:
        raise UsageError(f"not a valid IRI: <{iri}>: {exc}") from None


def resolve(
    given: Mapping[str, Any] | None,
    shape: QueryShape,
    declared: list[Param] | None = None,
    *,
    allow_file: bool = False,
) -> dict[str, list[NamedNode | Literal]]:
    """Check ``given`` against the query and turn every value into terms.

    With ``declared`` (a named query's parameters) unknown names and missing required
    parameters are errors and defaults fill the gaps; without it, each name must be a
    variable the query uses. A value may be a list for several alternatives.
    """
    given = dict(given or {})
    if declared is not None:
        known = {p.name: p for p in declared}
        for name in given:
            if name not in known:
                listing = ", ".join(known) or "none"
                raise UsageError(f"unknown parameter {name!r} for this query (it takes: {listing})")
        for param in declared:
            if param.name not in given:
                if param.default is not None:
                    given[param.name] = param.default
                elif param.required:
                    raise UsageError(
                        f"missing parameter {param.name!r} ({param.type}): {param.description} "
                        f"-- pass --param {param.name}=VALUE"
                    )
    else:
        for name in given:
            if name.lstrip("?$") not in shape.variables:
                raise UsageError(f"parameter {name!r}: the query has no variable ?{name.lstrip('?$')}")
    types = {p.name: p.type for p in declared or []}
    # The query's own PREFIX lines win, as they do in its text.
    prefixes = {**PREFIXES, **shape.prefixes} if shape.prefixes else PREFIXES
    bound: dict[str, list[NamedNode | Literal]] = {}
    for name, value in given.items():
        name = name.lstrip("?$")
        if not _NAME.fullmatch(name):
            raise UsageError(f"{name!r} is not a SPARQL variable name")
        values = list(value) if isinstance(value, (list, tuple, set, frozenset)) else [value]
        if not values:
            raise UsageError(f"parameter {name!r} has no value")
        for item in values:
            if isinstance(item, str):
                _check_text(item, name)
        try:
            bound[name] = [to_term(v, types.get(name, "any"), allow_file=allow_file, prefixes=prefixes)
                           for v in values]
        except UsageError as exc:
            raise UsageError(f"parameter {name!r}: {exc.message}") from None
    return bound


def serialize_term(term: NamedNode | Literal) -> str:
    """SPARQL text for ``term`` that stays one value wherever it lands.

    Every character of a literal becomes a ``\\uXXXX`` escape, so no quote, ``#``,
    brace or line break of the value ever reaches the query text as itself.

    >>> serialize_term(Literal('a"'))
    '"\\\\u0061\\\\u0022"^^<http://www.w3.org/2001/XMLSchema#string>'
    """
    if isinstance(term, NamedNode):
        if not _IRI.fullmatch(term.value):  # also for terms passed in directly
            raise UsageError(f"not a usable IRI: <{term.value}>")
        return f"<{term.value}>"
    escaped = "".join(f"\\u{ord(c):04X}" if ord(c) < 0x10000 else f"\\U{ord(c):08X}" for c in term.value)
    if term.language:
        if not re.fullmatch(r"[A-Za-z]+(?:-[A-Za-z0-9]+)*", term.language):
            raise UsageError(f"not a language tag: {term.language!r}")
        return f'"{escaped}"@{term.language}'
    datatype = term.datatype.value
    if not _IRI.fullmatch(datatype):
        raise UsageError(f"not a usable datatype IRI: <{datatype}>")
    return f'"{escaped}"^^<{datatype}>'


def bind(text: str, shape: QueryShape, bound: Mapping[str, list[NamedNode | Literal]]) -> str:
    """Return ``text`` with one ``VALUES ?name { ... }`` per parameter at the start of
    the main WHERE block, where every FILTER, OPTIONAL and BIND of that block sees it.
    Sub-queries see it only if they select it, as SPARQL scoping says -- except a
    WHERE block that is one sub-select, which gets the VALUES inside it.

    >>> from leadgraph.sparql.safety import analyse
    >>> q = "SELECT ?s WHERE { ?s ?p ?o FILTER(?o = ?v) }"
    >>> bind(q, analyse(q), {"v": [NamedNode("https://e/x")]})
    'SELECT ?s WHERE { VALUES ?v { <https://e/x> } ?s ?p ?o FILTER(?o = ?v) }'
    """
    if not bound:
        return text
    block = " ".join(
        f"VALUES ?{name} {{ {' '.join(serialize_term(t) for t in terms)} }}" for name, terms in bound.items()
    )
    code = [t for t in shape.tokens if t.code]
    if shape.where_brace is None:
        if shape.form != "describe":
            raise UsageError("parameters need a query with a WHERE block")
        at = _describe_insert_point(code, len(text))
        return f"{text[:at]}\nWHERE {{ {block} }}\n{text[at:]}"
    brace_index = next(i for i, t in enumerate(code) if t.pos == shape.where_brace)
    if shape.form == "construct" and shape.template_brace is None:
        # CONSTRUCT WHERE { T }: T is both template and pattern; spell the two out.
        close = _matching_close(code, brace_index)
        where_word = code[brace_index - 1]
        body = text[shape.where_brace + 1 : close.pos]
        return f"{text[:where_word.pos]}{{{body}}} WHERE {{ {block} {body}}}{text[close.pos + 1:]}"
    # WHERE { SELECT ... WHERE { ... } }: the whole block is a sub-select, so bind inside it.
    while brace_index + 1 < len(code) and code[brace_index + 1].text.lower() == "select":
        depth = code[brace_index].depth + 1
        brace_index = next(i for i in range(brace_index + 2, len(code))
                           if code[i].text == "{" and code[i].depth == depth)
    at = code[brace_index].pos + 1
    return f"{text[:at]} {block}{text[at:]}"


def _matching_close(code: list[Token], open_index: int) -> Token:
    depth = code[open_index].depth
    for token in code[open_index + 1 :]:
        if token.text == "}" and token.depth == depth + 1:
            return token
    raise UsageError("unbalanced braces")  # tokenize() already refuses these


def _describe_insert_point(code: list[Token], end: int) -> int:
    modifiers = ("order", "limit", "offset", "values")
    for token in code:
        if token.depth == 0 and token.kind == "word" and token.text.lower() in modifiers:
            return token.pos
    return end
