"""The library of named queries: ``.rq`` files whose comment header describes them.

A named query is a file ``NAME.rq`` in the bundled folder (``examples/queries/`` in a
checkout, ``leadgraph/_bundled/queries`` in a wheel) or in a folder listed in the
``LEADGRAPH_QUERIES`` environment variable (``os.pathsep``-separated; searched first,
so a user's file can shadow a bundled one). Its leading comment lines form the header::

    # title: Leaders with a trait
    # description: Everyone the article attributes the trait to,
    #   with the supporting quote.          (indented lines continue a field)
    # param: trait (iri) The trait, e.g. lgd:trait-resilience.
    # param: min (integer, default 2) Keep people sharing at least this many.
    # param: region (iri, optional) Unbound when not given.
    # example: leadgraph query leaders-with-trait --param trait=lgd:trait-resilience
    # keep: trait SELECT DISTINCT ?trait WHERE { ?a lg:trait/skos:broader* ?trait }
    # narrow: person by name

``title`` is required; ``param`` and ``example`` may repeat. Parameter types are
those of :data:`leadgraph.sparql.params.TYPES`.

The last two fields make the query quick on an on-disk store (:mod:`leadgraph.keeping`),
where each lookup costs the engine ten to twenty times what it costs in memory; neither
changes an answer:

* ``keep: PARAM SELECT ...`` -- ``store build`` and ``store update`` keep the answer for every
  value of ``PARAM`` the SELECT (one variable, run on the new generation) lists, at most
  :data:`leadgraph.keeping.MAX_VALUES` of them, so asking for one of those is a file read.
* ``narrow: VAR by PARAM`` -- the query only ever answers leaders whose names (or IRI) contain
  the text of ``PARAM``, ignoring case and spaces; on a store, ``?VAR`` is bound to the leaders
  the generation's kept name index finds (:mod:`leadgraph.lookup`) before the engine runs.

>>> header = parse_header('# title: T\\n# param: n (integer, default 2) How many.\\nASK {}\\n')
>>> header.title, header.params[0]
('T', Param(name='n', type='integer', description='How many.', default='2', required=False))
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from leadgraph.errors import QueryError, UsageError
from leadgraph.sparql.params import TYPES, Param

ENV_VAR = "LEADGRAPH_QUERIES"
NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")
"""What a named query's name (its file stem) looks like."""
_FIELD = re.compile(r"#\s?(?P<key>[A-Za-z]+):\s*(?P<value>.*)")
_CONTINUATION = re.compile(r"#\s{2,}(?P<value>\S.*)")
_PARAM = re.compile(
    r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*\((?P<spec>[^)]*)\)\s*(?P<description>.*)"
)
_KEYS = ("title", "description", "param", "example", "keep", "narrow")
_KEEP = re.compile(r"(?P<param>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<select>SELECT\b.*)", re.IGNORECASE | re.DOTALL)
_NARROW = re.compile(r"(?P<var>[A-Za-z_][A-Za-z0-9_]*)\s+by\s+(?P<param>[A-Za-z_][A-Za-z0-9_]*)")


@dataclass
class NamedQuery:
    """One named query: its ``name`` (the file stem), ``path``, header fields and text."""

    name: str
    path: Path
    title: str
    description: str = ""
    params: list[Param] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    keep: tuple[str, str] | None = None
    """``(parameter, SELECT listing its values)`` whose answers a store keeps at build."""
    narrow: tuple[str, str] | None = None
    """``(variable, text parameter)``: the variable is a leader whose names contain the text."""

    @property
    def text(self) -> str:
        """The whole file, header included (the header is SPARQL comments)."""
        return read_query_file(self.path)


@dataclass
class Header:
    title: str = ""
    description: str = ""
    params: list[Param] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    keep: tuple[str, str] | None = None
    narrow: tuple[str, str] | None = None


def parse_header(text: str, path: Path | None = None) -> Header:
    """Read the comment header at the top of a ``.rq`` file.

    Raises :class:`QueryError` naming the file and line for an unknown field, a
    malformed ``param`` line or a missing title.
    """
    header = Header()
    last: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line.startswith("#"):
            if line:
                break
            last = None
            continue
        continuation = _CONTINUATION.fullmatch(raw.rstrip())
        if continuation and last in ("description", "param", "example", "keep"):
            _extend(header, last, continuation.group("value").strip())
            continue
        match = _FIELD.fullmatch(line)
        if not match or match.group("key").lower() not in _KEYS:
            if line.strip("#").strip() == "":
                last = None
                continue
            key = match.group("key") if match else line[:30]
            raise QueryError(
                f"unknown header field {key!r} (expected {', '.join(_KEYS)})", path=path, line=number
            )
        key, value = match.group("key").lower(), match.group("value").strip()
        if key == "title":
            header.title = value
        elif key == "description":
            header.description = value
        elif key == "param":
            header.params.append(_param(value, path, number))
        elif key == "keep":
            header.keep = _keep(value, path, number)
        elif key == "narrow":
            header.narrow = _narrow(value, path, number)
        else:
            header.examples.append(value)
        last = key
    if not header.title:
        raise QueryError("the header has no '# title:' line", path=path, line=1)
    names = [p.name for p in header.params]
    if len(names) != len(set(names)):
        raise QueryError("a parameter is declared twice", path=path, line=1)
    for field_name, named in (("keep", header.keep), ("narrow", header.narrow)):
        wanted = None if named is None else named[0] if field_name == "keep" else named[1]
        if wanted is not None and wanted not in names:
            raise QueryError(f"'{field_name}:' names {wanted!r}, which is not a declared parameter",
                             path=path, line=1)
    if header.narrow is not None:
        kind = next(p.type for p in header.params if p.name == header.narrow[1])
        if kind not in ("string", "any"):
            raise QueryError(f"'narrow:' needs a text parameter; {header.narrow[1]!r} is {kind}", path=path, line=1)
    return header


def _extend(header: Header, key: str, value: str) -> None:
    if key == "description":
        header.description = f"{header.description} {value}".strip()
    elif key == "example":
        header.examples[-1] = f"{header.examples[-1]} {value}"
    elif key == "keep":
        assert header.keep is not None
        header.keep = (header.keep[0], f"{header.keep[1]} {value}")
    else:
        last = header.params[-1]
        header.params[-1] = Param(last.name, last.type, f"{last.description} {value}".strip(), last.default,
                                  last.required)


def _param(value: str, path: Path | None, line: int) -> Param:
    match = _PARAM.fullmatch(value)
    if not match:
        raise QueryError(
            "a param line reads 'param: NAME (TYPE[, default VALUE | , optional]) description'",
            path=path, line=line,
        )
    parts = [p.strip() for p in match.group("spec").split(",")]
    kind, default, required = parts[0] or "any", None, True
    if kind not in TYPES:
        raise QueryError(f"unknown parameter type {kind!r} (choose from {', '.join(TYPES)})", path=path, line=line)
    for part in parts[1:]:
        if part.startswith("default "):
            default, required = part[len("default "):].strip(), False
        elif part == "optional":
            required = False
        else:
            raise QueryError(f"unknown parameter option {part!r} (use 'default VALUE' or 'optional')",
                             path=path, line=line)
    return Param(match.group("name"), kind, match.group("description").strip(), default, required)


def _keep(value: str, path: Path | None, line: int) -> tuple[str, str]:
    match = _KEEP.fullmatch(value)
    if not match:
        raise QueryError("a keep line reads 'keep: PARAM SELECT ?PARAM WHERE { ... }'", path=path, line=line)
    return match.group("param"), match.group("select").strip()


def _narrow(value: str, path: Path | None, line: int) -> tuple[str, str]:
    match = _NARROW.fullmatch(value)
    if not match:
        raise QueryError("a narrow line reads 'narrow: VARIABLE by PARAM'", path=path, line=line)
    return match.group("var"), match.group("param")


def folders() -> list[Path]:
    """Where named queries are looked for, in order: ``$LEADGRAPH_QUERIES``, then the bundled folder."""
    from leadgraph import resources

    extra = [Path(p) for p in os.environ.get(ENV_VAR, "").split(os.pathsep) if p.strip()]
    return [*extra, resources.queries_dir()]


def named_queries() -> dict[str, NamedQuery]:
    """Every named query by name, sorted; the first folder holding a name wins.

    >>> "cio-roles" in named_queries()
    True
    """
    found: dict[str, NamedQuery] = {}
    for folder in folders():
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.rq")):
            if path.stem not in found and NAME.fullmatch(path.stem):
                found[path.stem] = _load(path)
    return dict(sorted(found.items()))


def find(name: str) -> NamedQuery | None:
    """The named query called ``name``, or ``None`` (reads only that one file)."""
    if not NAME.fullmatch(name):
        return None
    for folder in folders():
        path = folder / f"{name}.rq"
        if is_file(path):
            return _load(path)
    return None


def is_file(path: Path) -> bool:
    """Whether ``path`` is a file; a name the system cannot look up (too long) is not one."""
    try:
        return path.is_file()
    except OSError:  # ENAMETOOLONG: Path.is_file passes it on
        return False


def get(name: str) -> NamedQuery:
    """Like :func:`find`, but an unknown name is a :class:`UsageError` listing close names."""
    found = find(name)
    if found is None:
        import difflib

        names = list(named_queries())
        close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
        hint = f"did you mean {', '.join(close)}?" if close else "run `leadgraph queries` to list them"
        raise UsageError(f"no named query {name!r}: {hint}")
    return found


def _load(path: Path) -> NamedQuery:
    header = parse_header(read_query_file(path), path)
    return NamedQuery(path.stem, path, header.title, header.description, header.params, header.examples,
                      header.keep, header.narrow)


def is_reference(text: str) -> bool:
    """Does ``text`` name a query (a named query, or a ``.rq`` file) rather than hold one?

    :func:`leadgraph.sparql.run.query` runs such text as that query; the HTTP endpoint uses the
    same test to refuse it, so a client can never make the server read a file.

    >>> is_reference("cio-roles"), is_reference("my question.rq"), is_reference("q.rq")
    (True, False, True)
    >>> is_reference("ASK { ?s ?p ?o }")
    False
    """
    stripped = text.strip()
    if NAME.fullmatch(stripped):
        return True
    return stripped.endswith(".rq") and not any(c.isspace() for c in stripped) and "{" not in stripped


def read_query_file(path: Path) -> str:
    """The text of a query file; problems reading it become a one-line leadgraph error."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such query file") from None
    except UnicodeDecodeError:
        raise QueryError("query file is not UTF-8 text", path=path) from None
    except OSError as exc:
        raise QueryError(f"cannot read query file: {exc.strerror or exc}", path=path) from None
