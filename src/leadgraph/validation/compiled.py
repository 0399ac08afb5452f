"""SHACL shapes compiled to SPARQL: one SELECT per constraint, answered by the store itself.

Each constraint becomes a query returning the focus nodes (and values) that violate it, so the
engine never copies the graph: it runs on any :class:`~leadgraph.store.base.GraphStore`
(memory, disk or a remote endpoint) through ``select``.

pyshacl, the reference engine, validates a copy of the data with the ontology materialised by
RDFS inference. Here the same entailments are asked for instead of materialised: a node is an
instance of ``C`` when it is typed with ``C`` or a subclass, or is the subject of a property
whose ``rdfs:domain`` is one of those classes, or the object (never a literal) of one whose
``rdfs:range`` is; a path through ``p`` also follows the subproperties of ``p``. The class,
property and domain/range closures are read from the store before the queries are written, so
the queries only ever name classes and properties the data actually declares; a missing triple
stays missing, since nothing is ever added to the store. As in RDFS (and the reference engine), a
literal object of a property with a range is an instance of that range, but never passes sh:class.

Shapes using a constraint this module does not compile raise :class:`Unsupported`, and
:func:`leadgraph.validation.validate` falls back to pyshacl for them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from leadgraph.labels import compact
from leadgraph.namespaces import PREFIXES, SH
from leadgraph.terms import BlankNode, Literal, NamedNode

RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
XSD = PREFIXES["xsd"]
_TYPE = RDF + "type"

# Constraint parameters this compiler understands, beyond the shape's own bookkeeping.
_VALUE_PARAMS = ("class", "datatype", "nodeKind", "pattern", "minLength", "maxLength",
                 "minInclusive", "maxInclusive", "minExclusive", "maxExclusive", "in", "hasValue")
_COUNT_PARAMS = ("minCount", "maxCount")
_KNOWN = set(_VALUE_PARAMS) | set(_COUNT_PARAMS) | {
    "path", "property", "sparql", "message", "severity", "targetClass", "targetNode", "targetSubjectsOf",
    "targetObjectsOf", "name", "description", "order", "group", "deactivated", "flags", "defaultValue"}
# Datatypes whose lexical forms the engine checks by casting (an ill-typed literal fails the cast).
_CASTABLE = {XSD + n for n in ("integer", "decimal", "double", "float", "boolean", "date", "dateTime", "time")}
_RANGE_OPS = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}


class Unsupported(Exception):
    """The shapes use a SHACL feature this engine does not compile."""


@dataclass(frozen=True)
class Finding:
    """One violation as the engine sees it: raw terms, before naming for a reader."""

    focus: Any
    path: str | None
    message: str
    severity: str
    shape: str
    value: Any = None


@dataclass
class Schema:
    """The RDFS closures the queries need, read from the store once per validation."""

    superclasses: dict[str, set[str]] = field(default_factory=dict)
    subproperties: dict[str, set[str]] = field(default_factory=dict)
    domains: dict[str, set[str]] = field(default_factory=dict)  # property -> classes (direct)
    ranges: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def read(cls, store: Any) -> Schema:
        def edges(predicate: str) -> list[tuple[str, str]]:
            rows = store.select(f"SELECT ?a ?b WHERE {{ ?a <{predicate}> ?b }}")
            return [(r["a"].value, r["b"].value) for r in rows
                    if isinstance(r.get("a"), NamedNode) and isinstance(r.get("b"), NamedNode)]

        schema = cls()
        schema.superclasses = _closure(edges(RDFS + "subClassOf"))
        sub = _closure(edges(RDFS + "subPropertyOf"))
        for child, parents in sub.items():
            for parent in parents:
                schema.subproperties.setdefault(parent, {parent}).add(child)
        for predicate, target in (("domain", schema.domains), ("range", schema.ranges)):
            for prop, klass in edges(RDFS + predicate):
                target.setdefault(prop, set()).add(klass)
        return schema

    def properties(self, prop: str) -> set[str]:
        """``prop`` and every property below it."""
        return self.subproperties.get(prop, {prop})

    def subclasses(self, klass: str) -> set[str]:
        return {c for c, ups in self.superclasses.items() if klass in ups} | {klass}

    def _typing(self, table: dict[str, set[str]], klass: str) -> set[str]:
        classes = self.subclasses(klass)
        props = {p for p, cs in table.items() if cs & classes}
        return set().union(*(self.properties(p) for p in props)) if props else set()

    def instance_pattern(self, var: str, klass: str) -> str:
        """A group pattern true when ``?var`` is an instance of ``klass`` under RDFS.

        One branch per class and property, each naming its constant: a VALUES list of properties
        let the engine enumerate every edge of ``?var`` first (seconds on a node with thousands).
        """
        branches = [f"{{ ?{var} rdf:type <{c}> }}" for c in sorted(self.subclasses(klass))]
        branches += [f"{{ ?{var} <{p}> [] }}" for p in sorted(self._typing(self.domains, klass))]
        # RDFS types a literal object through a range too, so a literal can be a class target
        # (as in the reference engine); a literal value still fails sh:class, which tests for it first.
        branches += [f"{{ [] <{p}> ?{var} }}" for p in sorted(self._typing(self.ranges, klass))]
        return " UNION ".join(branches)

    def always_instance(self, path: str, inverse: bool, klass: str) -> bool:
        """True when every value along the one-step ``path`` is an instance of ``klass`` by the
        path's own range (or, inverse, domain): only a literal value can then fail the check."""
        table = self.domains if inverse else self.ranges
        classes = self.subclasses(klass)
        return all(any(table.get(q, set()) & classes for q in self._supers(p)) for p in self.properties(path))

    def _supers(self, prop: str) -> set[str]:
        return {parent for parent, children in self.subproperties.items() if prop in children} | {prop}

    def typing_properties(self) -> tuple[set[str], set[str]]:
        """Properties that type their subject (a domain) and their object (a range), subproperties included."""
        dom = set().union(*(self.properties(p) for p in self.domains)) if self.domains else set()
        rng = set().union(*(self.properties(p) for p in self.ranges)) if self.ranges else set()
        return dom, rng


def _closure(edges: list[tuple[str, str]]) -> dict[str, set[str]]:
    """node -> every node reachable through the edges, itself included."""
    up: dict[str, set[str]] = {}
    for a, b in edges:
        up.setdefault(a, set()).add(b)
        up.setdefault(b, set())
    done: dict[str, set[str]] = {}
    for start in up:
        seen, todo = {start}, [start]
        while todo:
            for nxt in up.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        done[start] = seen
    return done


def _sparql_term(term: Any) -> str:
    if isinstance(term, BlankNode):
        raise Unsupported("a blank node as a constraint parameter")
    return str(term)


# -- the shapes graph -----------------------------------------------------------------------------


class ShapesGraph:
    """The shapes file, read into a store, with the few look-ups the compiler needs."""

    def __init__(self, store: Any):
        self.store = store

    def objects(self, node: Any, local: str) -> list[Any]:
        return [t.object for t in self.store.triples(node, NamedNode(SH + local), None)]

    def one(self, node: Any, local: str) -> Any:
        found = self.objects(node, local)
        return found[0] if found else None

    def predicates(self, node: Any) -> set[str]:
        return {t.predicate.value for t in self.store.triples(node, None, None)}

    def node_shapes(self) -> list[Any]:
        found = set()
        for t in self.store.triples(None, NamedNode(_TYPE), NamedNode(SH + "NodeShape")):
            found.add(t.subject)
        for local in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf"):
            found.update(t.subject for t in self.store.triples(None, NamedNode(SH + local), None))
        return sorted(found, key=str)

    def items(self, head: Any) -> list[Any]:
        out = []
        nil = NamedNode(RDF + "nil")
        while head != nil:
            first = [t.object for t in self.store.triples(head, NamedNode(RDF + "first"), None)]
            rest = [t.object for t in self.store.triples(head, NamedNode(RDF + "rest"), None)]
            if not first or not rest:
                raise Unsupported("a malformed RDF list in the shapes")
            out.append(first[0])
            head = rest[0]
        return out

    def shape_name(self, node: Any) -> str:
        """How reports name a shape: its IRI, or for an anonymous property shape the node shape holding it."""
        if isinstance(node, BlankNode):
            owners = [t.subject for t in self.store.triples(None, NamedNode(SH + "property"), node)]
            if owners:
                return self.shape_name(owners[0])
        return compact(node.value) if isinstance(node, NamedNode) else str(node)


def path_of(shapes: ShapesGraph, node: Any, schema: Schema) -> tuple[str, str]:
    """(SPARQL property path, the name a report gives it) for a SHACL path node."""
    if isinstance(node, NamedNode):
        props = schema.properties(node.value)
        sparql = f"<{node.value}>" if len(props) == 1 else "(" + "|".join(f"<{p}>" for p in sorted(props)) + ")"
        return sparql, compact(node.value)
    if isinstance(node, BlankNode):
        inverse = shapes.one(node, "inversePath")
        if inverse is not None:
            sparql, name = path_of(shapes, inverse, schema)
            return f"^{sparql}", "^" + name
        if any(True for _ in shapes.store.triples(node, NamedNode(RDF + "first"), None)):
            parts = [path_of(shapes, item, schema) for item in shapes.items(node)]
            return "(" + "/".join(p[0] for p in parts) + ")", "/".join(p[1] for p in parts)
    raise Unsupported(f"the property path {node}")


# -- checks ---------------------------------------------------------------------------------------


@dataclass
class Check:
    """One compiled constraint: a query whose rows are violations, and how to report them.

    ``query(restriction)`` writes the SELECT; ``restriction`` is a group pattern binding
    ``?this`` to the focus nodes to look at ("" for all of them).
    """

    shape: str
    severity: str
    message: str
    path: str | None
    template: str  # the query with {restrict} where the focus restriction goes
    # What a verdict reads beyond the focus node's own edges, for incremental validation:
    # ``reads``, predicates of triples (anywhere within a hop) a SPARQL constraint looks at;
    # ``typed``, (predicate, inverse?) steps to values whose class membership is checked.
    # "*" in either means: anything one hop away.
    reads: set[str] = field(default_factory=set)
    typed: set[Any] = field(default_factory=set)

    def query(self, restriction: str = "") -> str:
        return self.template.replace("{restrict}", restriction)

    def run(self, store: Any, restriction: str = "") -> Iterator[Finding]:
        for row in store.select(self.query(restriction)):
            focus = row.get("this")
            if focus is None:
                continue
            path = self.path
            if "path" in row and path is None:
                path = compact(row["path"].value) if isinstance(row["path"], NamedNode) else str(row["path"])
            yield Finding(focus, path, _fill(self.message, row), self.severity, self.shape, row.get("value"))


def _fill(message: str, row: dict[str, Any]) -> str:
    # SHACL-SPARQL lets a message name a result variable as {?name} or {$name}.
    return re.sub(r"\{[?$](\w+)\}", lambda m: _plain(row.get(m.group(1))), message) if "{" in message else message


def _plain(term: Any) -> str:
    if term is None:
        return ""
    return compact(term.value) if isinstance(term, NamedNode) else term.value


def compile_shapes(shapes_store: Any, schema: Schema) -> list[Check]:
    """Every constraint of every active node shape, as :class:`Check` objects."""
    shapes = ShapesGraph(shapes_store)
    checks: list[Check] = []
    for node_shape in shapes.node_shapes():
        if _deactivated(shapes, node_shape):
            continue
        targets = _targets(shapes, node_shape, schema)
        if targets is None:
            continue
        name = shapes.shape_name(node_shape)
        checks += _constraints(shapes, node_shape, name, targets, None, schema)
        for prop in shapes.objects(node_shape, "property"):
            if _deactivated(shapes, prop):
                continue
            path = shapes.one(prop, "path")
            if path is None:
                raise Unsupported("a property shape without sh:path")
            pname = shapes.shape_name(prop)
            checks += _constraints(shapes, prop, pname, targets, path_of(shapes, path, schema), schema)
        for constraint in shapes.objects(node_shape, "sparql"):
            checks.append(_sparql(shapes, node_shape, constraint, name, targets))
    return checks


def _deactivated(shapes: ShapesGraph, node: Any) -> bool:
    flag = shapes.one(node, "deactivated")
    return isinstance(flag, Literal) and flag.value == "true"


def _targets(shapes: ShapesGraph, shape: Any, schema: Schema) -> str | None:
    branches = []
    for klass in shapes.objects(shape, "targetClass"):
        if not isinstance(klass, NamedNode):
            raise Unsupported(f"sh:targetClass {klass}")
        branches.append(schema.instance_pattern("this", klass.value))
    for pred in shapes.objects(shape, "targetSubjectsOf"):
        branches += [f"{{ ?this <{p}> [] }}" for p in sorted(schema.properties(pred.value))]
    for pred in shapes.objects(shape, "targetObjectsOf"):
        branches += [f"{{ [] <{p}> ?this }}" for p in sorted(schema.properties(pred.value))]
    nodes = shapes.objects(shape, "targetNode")
    if nodes:
        branches.append(f"{{ VALUES ?this {{ {' '.join(_sparql_term(n) for n in nodes)} }} }}")
    if any(True for _ in shapes.store.triples(shape, NamedNode(_TYPE), NamedNode(RDFS + "Class"))):
        branches.append(schema.instance_pattern("this", shape.value))
    if not branches:
        return None
    # The focus restriction goes inside, first, so a restricted run never enumerates all targets.
    return "{ SELECT DISTINCT ?this WHERE { {restrict} " + " UNION ".join(f"{b}" for b in branches) + " } }"


def _severity(shapes: ShapesGraph, shape: Any) -> str:
    severity = shapes.one(shape, "severity")
    return severity.value.rsplit("#", 1)[-1] if isinstance(severity, NamedNode) else "Violation"


def _constraints(shapes: ShapesGraph, shape: Any, name: str, targets: str, path: tuple[str, str] | None,
                 schema: Schema) -> list[Check]:
    unknown = {p[len(SH):] for p in shapes.predicates(shape) if p.startswith(SH)} - _KNOWN
    if unknown:
        raise Unsupported("sh:" + ", sh:".join(sorted(unknown)))
    severity = _severity(shapes, shape)
    own = shapes.one(shape, "message")
    path_sparql, path_name = path if path is not None else (None, None)
    step = _one_step(shapes, shapes.one(shape, "path")) if path is not None else None
    # Values: along the path for a property shape, the focus node itself for a node shape.
    values = f"?this {path_sparql} ?value ." if path_sparql else "BIND(?this AS ?value)"
    reads: set[str] = set()
    if path_sparql and step is None:
        reads.add("*")  # a longer path: a change a hop away changes the values
    checks = []

    def add(test: str, default: str, with_value: bool = True, typed: set[Any] | None = None) -> None:
        message = own.value if isinstance(own, Literal) else default
        if with_value:
            body = f"{targets} {values} FILTER({test})"
            template = f"SELECT ?this ?value WHERE {{ {body} }}"
        else:
            template = test
        checks.append(Check(name, severity, message, path_name, template, reads, typed or set()))

    for param, generic in ((p, GENERIC[p]) for p in _VALUE_PARAMS if shapes.objects(shape, p)):
        for arg in shapes.objects(shape, param):
            if param == "class":
                if step is not None and schema.always_instance(step[0], step[1], arg.value):
                    # The path's own range (or domain) makes every value an instance, but SHACL
                    # never counts a literal as one.
                    add("isLiteral(?value)", generic(compact(arg.value)))
                    continue
                inst = schema.instance_pattern("value", arg.value)
                typed = {(p, step[1]) for p in schema.properties(step[0])} if step else ({"*"} if path_sparql else set())
                add(f"isLiteral(?value) || NOT EXISTS {{ {inst} }}", generic(compact(arg.value)), typed=typed)
            elif param == "datatype":
                add("!(" + _datatype_ok(arg.value) + ")", generic(compact(arg.value)))
            elif param == "nodeKind":
                add("!(" + _NODE_KINDS[arg.value] + ")", generic(compact(arg.value)))
            elif param == "pattern":
                flags = shapes.one(shape, "flags")
                fl = f", {_string(flags.value)}" if isinstance(flags, Literal) else ""
                add(f"isBlank(?value) || !REGEX(STR(?value), {_string(arg.value)}{fl})", generic(arg.value))
            elif param in ("minLength", "maxLength"):
                op = "<" if param == "minLength" else ">"
                add(f"isBlank(?value) || STRLEN(STR(?value)) {op} {int(arg.value)}", generic(arg.value))
            elif param in _RANGE_OPS:
                add(f"!COALESCE(?value {_RANGE_OPS[param]} {_sparql_term(arg)}, false)", generic(arg.value))
            elif param == "in":
                members = ", ".join(_sparql_term(t) for t in shapes.items(arg))
                add(f"!(?value IN ({members}))" if members else "true", generic(""))
            elif param == "hasValue":
                term = _sparql_term(arg)
                body = f"{targets} FILTER NOT EXISTS {{ {values} FILTER(sameTerm(?value, {term})) }}"
                add(f"SELECT ?this WHERE {{ {body} }}", generic(compact(arg.value)), with_value=False)
    for param in _COUNT_PARAMS:
        for arg in shapes.objects(shape, param):
            if not path_sparql:
                raise Unsupported(f"sh:{param} on a node shape")
            n = int(arg.value)
            if param == "minCount" and n == 1:
                q = f"SELECT ?this WHERE {{ {targets} FILTER NOT EXISTS {{ ?this {path_sparql} ?value }} }}"
            elif param == "minCount":
                q = (f"SELECT ?this WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?value) AS ?n) WHERE {{ "
                     f"{targets} OPTIONAL {{ ?this {path_sparql} ?value }} }} GROUP BY ?this }} FILTER(?n < {n}) }}")
            else:
                q = (f"SELECT ?this WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?value) AS ?n) WHERE {{ "
                     f"{targets} ?this {path_sparql} ?value }} GROUP BY ?this }} FILTER(?n > {n}) }}")
            add(q, GENERIC[param](n, path_name), with_value=False)
    return checks


def _one_step(shapes: ShapesGraph, node: Any) -> tuple[str, bool] | None:
    """(property, inverse?) for a path of one predicate or its inverse, else None."""
    if isinstance(node, NamedNode):
        return node.value, False
    inverse = shapes.one(node, "inversePath")
    return (inverse.value, True) if isinstance(inverse, NamedNode) else None


def _sparql(shapes: ShapesGraph, shape: Any, constraint: Any, name: str, targets: str) -> Check:
    select = shapes.one(constraint, "select")
    if not isinstance(select, Literal):
        raise Unsupported("an sh:sparql constraint without sh:select")
    if shapes.objects(constraint, "prefixes"):
        raise Unsupported("sh:prefixes in an sh:sparql constraint")
    text = select.value
    if re.search(r"\$(PATH|currentShape|shapesGraph)\b", text):
        raise Unsupported("a pre-bound variable other than $this in an sh:sparql query")
    opening = re.search(r"\bWHERE\s*\{", text, re.IGNORECASE)
    if opening is None or re.search(r"\b(GROUP\s+BY|ORDER\s+BY|LIMIT|OFFSET|VALUES|MINUS|SERVICE)\b", text, re.I):
        raise Unsupported("an sh:sparql query this engine cannot rewrite")
    head = text[:opening.end()].replace("$this", "?this")
    body = text[opening.end():].replace("$this", "?this")
    # The targets go inside the query's own group, so its FILTERs see ?this bound.
    template = f"{head} {targets} {body}"
    message = shapes.one(constraint, "message") or shapes.one(shape, "message")
    text_message = message.value if isinstance(message, Literal) else GENERIC["sparql"](name)
    reads = set(re.findall(r"<([^>\s]+)>", text))
    severity = _severity(shapes, constraint) if shapes.one(constraint, "severity") else _severity(shapes, shape)
    return Check(name, severity, text_message, None, template, reads or {"*"})


def _string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


def _datatype_ok(datatype: str) -> str:
    test = f"isLiteral(?value) && datatype(?value) = <{datatype}>"
    if datatype in _CASTABLE:
        # A cast fails on an ill-typed lexical form ("abc"^^xsd:integer): the COALESCE then yields a string.
        test += f" && datatype(COALESCE(<{datatype}>(STR(?value)), \"\")) = <{datatype}>"
    return test


_NODE_KINDS = {
    SH + "IRI": "isIRI(?value)",
    SH + "Literal": "isLiteral(?value)",
    SH + "BlankNode": "isBlank(?value)",
    SH + "BlankNodeOrIRI": "isBlank(?value) || isIRI(?value)",
    SH + "BlankNodeOrLiteral": "isBlank(?value) || isLiteral(?value)",
    SH + "IRIOrLiteral": "isIRI(?value) || isLiteral(?value)",
}

# Messages for constraints whose shape gives no sh:message: both engines report these words,
# so a report reads the same whichever engine wrote it.
GENERIC: dict[str, Callable[..., str]] = {
    "minCount": lambda n, path: f"needs at least {n} value{'s' if n != 1 else ''} of {path} (sh:minCount)",
    "maxCount": lambda n, path: f"has more than {n} value{'s' if n != 1 else ''} of {path} (sh:maxCount)",
    "class": lambda c: f"value is not an instance of {c} (sh:class)",
    "datatype": lambda d: f"value is not a well-formed {d} literal (sh:datatype)",
    "nodeKind": lambda k: f"value is not of node kind {k} (sh:nodeKind)",
    "pattern": lambda p: f"value does not match {p!r} (sh:pattern)",
    "minLength": lambda n: f"value is shorter than {n} characters (sh:minLength)",
    "maxLength": lambda n: f"value is longer than {n} characters (sh:maxLength)",
    "minInclusive": lambda n: f"value is below {n} (sh:minInclusive)",
    "maxInclusive": lambda n: f"value is above {n} (sh:maxInclusive)",
    "minExclusive": lambda n: f"value is not above {n} (sh:minExclusive)",
    "maxExclusive": lambda n: f"value is not below {n} (sh:maxExclusive)",
    "in": lambda _: "value is not one of the allowed values (sh:in)",
    "hasValue": lambda v: f"does not have the value {v} (sh:hasValue)",
    "sparql": lambda shape: f"selected by the SPARQL constraint of {shape} (sh:sparql)",
}
