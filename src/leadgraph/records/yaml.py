"""Person records in YAML: one file per person (``.yaml`` / ``.yml``), read and written.

A file is parsed with ruamel.yaml (which keeps the line and column of every key and value),
checked against the published JSON Schema (``person.schema.json``) and turned into triples
by :mod:`leadgraph.records.mapping`. Every problem is one :class:`~leadgraph.errors.DataError`
naming the file, the line, the path of the value in the record and the column::

    people/ann.yaml:14: roles[0].organisation: unknown organisation 'Alder Hay' (did you mean 'Alder Hey'?) ... (column 19)

Dates stay text (``2021-06-23`` is checked by leadgraph, not turned into a date by YAML), so a
bad date is reported as such rather than as a YAML error.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from leadgraph.errors import DataError, DataErrors
from leadgraph.records.mapping import (
    SECTIONS,
    NotARecord,
    RecordError,
    every_error,
    origins_in,
    record_of,
    show,
    triples_of,
)
from leadgraph.records.vocabulary import Reference, did_you_mean, suggest
from leadgraph.store.readers import Reader, check_utf8, read_bytes
from leadgraph.terms import Triple

SCHEMA_PATH = Path(__file__).with_name("person.schema.json")
"""The JSON Schema of a person record (for editors: see docs/records.md)."""

_UTF8_BOM = b"\xef\xbb\xbf"
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TOP_ORDER = ("person", "id", "label", "given_name", "family_name", "variants", "source", "sources",
              "concepts", "organisations", "roles", "earlier_roles", "service", "backgrounds",
              "qualifications", "scale", "quotes", "traits", "corrections")


@lru_cache(maxsize=1)
def schema() -> dict:
    """The person record's JSON Schema, as a dict."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema())


@lru_cache(maxsize=1)
def _constructor() -> Any:
    from ruamel.yaml.constructor import RoundTripConstructor

    class Constructor(RoundTripConstructor):
        pass

    # A date stays the text it was written as: leadgraph checks it and says what is wrong,
    # where YAML would fail on 2021-13-45 with a bare ValueError and no position.
    Constructor.add_constructor("tag:yaml.org,2002:timestamp", lambda self, node: str(self.construct_scalar(node)))
    return Constructor


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.Constructor = _constructor()
    return yaml


class _Alias(ValueError):
    def __init__(self, where: tuple):
        super().__init__("alias")
        self.where = where


_TOP_LEVEL_ID = re.compile(r"^id\s*:\s*\S", re.MULTILINE)


class YamlRecordReader(Reader):
    """Reads and writes person records in YAML (see docs/records.md)."""

    name = "yaml"
    extensions = (".yaml", ".yml")

    def read(self, path: Path) -> list[Triple]:
        return self._read(path, Reference.bundled())

    def load_into(self, store: Any, path: Path) -> None:
        # Organisations and concepts already loaded (earlier --data files) count as known.
        store.add(self._read(path, Reference.bundled(extra=store)))

    def read_in(self, path: Path, context: Any) -> list[Triple]:
        return self._read(path, Reference.bundled(extra=context))

    def load_rank(self, path: Path) -> int:
        # A top-level "id:" line: the record names its person itself. A file that cannot be
        # read ranks as any other record; loading it reports why.
        try:
            return 1 if _TOP_LEVEL_ID.search(path.read_text(encoding="utf-8", errors="replace")) else 2
        except OSError:
            return 2

    def write(self, triples: Iterable[Triple]) -> bytes:
        try:
            record = record_of(list(triples), Reference.bundled())
        except NotARecord as exc:
            raise DataError(f"cannot write a YAML person record: {exc}") from None
        return dump(record)

    def origins(self, path: Path, store: Any = None, near: Iterable[str] | None = None
                ) -> dict[Any, tuple[int, int | None]]:
        """Each node the record makes -> the line and column of the entry it comes from."""
        try:
            document = parse(path)
            where = origins_in(plain(document), store)
        except (DataError, RecordError, _Alias):
            return {}
        return {iri: position(document, at) for iri, at in where.items()}

    # ---------------------------------------------------------------------------------------
    def _read(self, path: Path, reference: Reference) -> list[Triple]:
        document = parse(path)
        try:
            record = plain(document)
        except _Alias as exc:
            raise located("a YAML alias (*name) repeats a mapping or list: write the values out", exc.where,
                          document, path) from None
        check(record, document, path)
        try:
            return triples_of(record, reference)
        except RecordError as exc:
            # Every entry at fault, not only the first: each list entry is tried on its own.
            groups = [[(section, i)] for section in SECTIONS if section != "quotes" and isinstance(record.get(section), list)
                      for i in range(len(record[section]))]
            problems = every_error(record, reference, groups, exc) if len(groups) > 1 else [exc]
            raise DataErrors.of([located(p.message, p.where, document, path) for p in problems]) from None


def parse(path: Path) -> Any:
    """The YAML document of ``path`` (ruamel's round-trip objects, which know their positions)."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    content = read_bytes(path)
    content = content.removeprefix(_UTF8_BOM)
    if not content.strip():
        raise DataError("file is empty", path=path, line=1)
    check_utf8(content, path)
    try:
        document = _yaml().load(content.decode("utf-8"))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(str(exc.problem or exc.context or "").split())
        if "found duplicate key" in str(exc):
            found = re.search(r'found duplicate key "([^"]*)"', str(exc))
            problem = f"duplicate key {found.group(1)!r}" if found else "duplicate key"
        line = mark.line + 1 if mark is not None else None
        column = f" (column {mark.column + 1})" if mark is not None else ""
        raise DataError(f"YAML syntax error: {problem}{column}{_hint(problem)}", path=path, line=line) from None
    except YAMLError as exc:
        raise DataError(f"YAML syntax error: {' '.join(str(exc).split())}", path=path) from None
    except RecursionError:
        raise DataError("YAML nested too deeply to be a person record", path=path) from None
    if document is None:
        raise DataError("file has no record (only comments)", path=path, line=1)
    if not isinstance(document, dict):
        raise DataError(f"a person record is a mapping of keys (person:, roles: ...), not {_kind(document)}",
                        path=path, line=1)
    return document


def _hint(problem: str) -> str:
    """What usually causes a YAML syntax error, in a person record."""
    if "'\\t'" in problem:
        return ": YAML indents with spaces, not tabs (replace the tab with spaces)"
    if "mapping values are not allowed here" in problem:
        return (": check the indentation (the keys of one entry line up under each other) and quote a value "
                "that holds ': '")
    return ""


def plain(node: Any, _seen: set[int] | None = None, _path: tuple = ()) -> Any:
    """ruamel's objects as plain dicts, lists, strings, numbers and booleans.

    A record is a tree: an alias (``*name``) that repeats a mapping or list is refused, since
    copying repeats of repeats is how a few lines of YAML grow into billions of values."""
    seen = set() if _seen is None else _seen
    if isinstance(node, (dict, list)):
        if id(node) in seen:
            raise _Alias(_path)
        seen.add(id(node))
    if isinstance(node, dict):
        return {str(k): plain(v, seen, _path + (str(k),)) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v, seen, _path + (i,)) for i, v in enumerate(node)]
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return node


def position(document: Any, where: tuple, *, key: bool = False) -> tuple[int | None, int | None]:
    """The 1-based line and column of the value at ``where`` (of its key when ``key``); the
    nearest enclosing node's position when the path goes further than the document."""
    node, line, column = document, None, None
    lc = getattr(node, "lc", None)
    if lc is not None:
        line, column = lc.line, lc.col
    for i, part in enumerate(where):
        lc = getattr(node, "lc", None)
        last = i == len(where) - 1
        try:
            if isinstance(node, dict) and part in node:
                line, column = (lc.key(part) if (key and last) else lc.value(part)) if lc is not None else (line, column)
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                line, column = lc.item(part) if lc is not None else (line, column)
                node = node[part]
            else:
                break
        except (KeyError, TypeError, AttributeError):
            break
    return (line + 1 if line is not None else None, column + 1 if column is not None else None)


def located(message: str, where: tuple, document: Any, path: Path, *, key: bool = False) -> DataError:
    line, column = position(document, where, key=key)
    prefix = f"{show(where)}: " if where else ""
    suffix = f" (column {column})" if column is not None else ""
    return DataError(f"{prefix}{message}{suffix}", path=path, line=line)


# -- schema errors, said plainly ------------------------------------------------------------

def check(record: dict, document: Any, path: Path) -> None:
    """Check ``record`` against the JSON Schema; raise every problem, in file order (one
    :class:`~leadgraph.errors.DataError`, or :class:`~leadgraph.errors.DataErrors` for several)."""
    problems = []
    for error in _validator().iter_errors(record):
        where, message, on_key = explain(error)
        line, column = position(document, where, key=on_key)
        problems.append(((line or 0, column or 0, -len(where)), where, message, on_key))
    if problems:
        found = {}
        for _, where, message, on_key in sorted(problems, key=lambda p: p[0]):
            error = located(message, where, document, path, key=on_key)
            found.setdefault((error.line, error.message), error)
        raise DataErrors.of(list(found.values()))


_TYPE_WORDS = {"string": "text", "integer": "a whole number", "boolean": "true or false", "array": "a list",
               "object": "a mapping of keys", "number": "a number"}


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "nothing" if value is None else type(value).__name__


def explain(error: Any) -> tuple[tuple, str, bool]:
    """(path, message, whether the key rather than the value is at fault) for a schema error."""
    where = tuple(error.absolute_path)
    value, validator, wanted = error.instance, error.validator, error.validator_value
    ref = error.schema.get("$ref", "") if isinstance(error.schema, dict) else ""
    if validator == "additionalProperties" and isinstance(value, dict):
        known = list(error.schema.get("properties", {}))
        extra = [k for k in value if k not in known]
        if extra:
            name = extra[0]
            return where + (name,), f"unknown key {name!r}{did_you_mean(suggest(name, known, 1))}", True
    if validator == "required":
        missing = [k for k in wanted if k not in value]
        return where, f"missing {missing[0]!r}" + _required_hint(missing[0], where), False
    if validator == "type" and value is None:
        return where, "no value: fill it in, or remove the key", False
    if validator in ("oneOf", "anyOf") and value is None:
        return where, "no value: fill it in, or remove the key", False
    if validator == "type":
        words = _TYPE_WORDS.get(wanted, wanted)
        shown = f" {value!r}" if isinstance(value, (int, float, str)) and not isinstance(value, bool) else ""
        return where, f"expected {words}, found {_kind(value)}{shown}", False
    if validator == "pattern":
        description = error.schema.get("description", "") if isinstance(error.schema, dict) else ""
        if description.startswith("YYYY"):
            return where, f"bad date {value!r}: expected {description}", False
        if wanted == "\\S":
            return where, "empty text: write something, or leave the key out", False
        if where and where[-1] == "ods":
            return where, f"bad ODS code {value!r}: 3 to 5 upper-case letters or digits (e.g. RW5)", False
        if where and where[-1] == "url":
            return where, f"bad URL {value!r}: expected http:// or https://", False
        if len(where) == 2 and where[0] == "sources":
            return where, f"bad source key {where[1]!r}: use letters, digits, '-', '_' and '.'", True
        return where, f"bad key {value!r}: use letters, digits, '-', '_' and '.' (no spaces)", False
    if validator == "minLength":
        return where, "empty text: write something, or leave the key out", False
    if validator == "maxLength":
        return where, f"too long: {len(value)} characters, at most {wanted} (quote a short excerpt)", False
    if validator == "minimum":
        return where, f"must be {wanted} or more, not {value}", False
    if validator == "minItems":
        return where, "empty list: give at least one, or leave the key out", False
    if validator == "minProperties":
        return where, "declare at least one source (key: title, date...)", False
    if validator == "enum":
        choices = [str(c) for c in wanted]
        return where, (f"unknown value {value!r}{did_you_mean(suggest(str(value), choices, 1))} "
                       f"(one of: {', '.join(choices)})"), False
    if validator == "oneOf" and where and where[-1] in ("start", "end"):
        return where, f"bad date {value!r}: expected YYYY-MM-DD or YYYY", False
    if validator == "oneOf":
        if "source" in where[-1:] or ref.endswith("source_ref"):
            return where, f"expected a source key or a list of source keys, found {_kind(value)}", False
        if isinstance(value, list) and not value:
            return where, "empty list: give at least one, or leave the key out", False
        if isinstance(value, str):
            return where, "empty text: write something, or leave the key out", False
        return where, f"expected text or a list of texts, found {_kind(value)}", False
    if validator == "anyOf" and len(where) == 2 and where[0] == "sources":
        return where, "a source needs a title (or only an id, for one described in another file)", False
    if validator == "propertyNames":
        return where, f"bad source key {value!r}: use letters, digits, '-', '_' and '.'", True
    return where, error.message, False


def _required_hint(name: str, where: tuple) -> str:
    if name == "source":
        return ": every fact must cite a source key declared under 'sources'"
    if name == "sources":
        return ": declare the sources under 'sources' (key: title, date, url...)"
    if name == "person":
        return ": give the person's full name"
    return ""


# -- writing --------------------------------------------------------------------------------

def dump(record: dict, header: str | None = None) -> bytes:
    """A record as canonical YAML: keys in the documented order, one fact per list item."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    class _Date(str):
        pass

    def build(value: Any) -> Any:
        if isinstance(value, str) and _FULL_DATE.match(value):
            return _Date(value)  # written plain (2021-06-23), as people write dates
        if isinstance(value, dict):
            out = CommentedMap()
            order = _TOP_ORDER if "person" in value else ()
            for k in [k for k in order if k in value] + [k for k in value if k not in order]:
                out[k] = build(value[k])
            return out
        if isinstance(value, list):
            seq = CommentedSeq(build(v) for v in value)
            if all(isinstance(v, str) and len(v) < 40 for v in value):
                seq.fa.set_flow_style()
            return seq
        return value

    tree = build(record)
    for key in list(tree)[1:]:
        if key in ("sources", "concepts", "organisations") or key in _TOP_ORDER[10:]:
            tree.yaml_set_comment_before_after_key(key, before="\n")
    yaml = YAML(typ="rt")
    yaml.representer.add_representer(_Date, lambda r, d: r.represent_scalar("tag:yaml.org,2002:timestamp", str(d)))
    yaml.width = 4096  # one line per text: diffs stay readable, and quotes stay greppable
    yaml.indent(mapping=2, sequence=4, offset=2)
    stream = io.StringIO()
    if header:
        stream.write(header)
    yaml.dump(tree, stream)
    return stream.getvalue().encode("utf-8")
