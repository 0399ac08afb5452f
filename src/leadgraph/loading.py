"""Load the ontology and data files into one in-memory Oxigraph store.

The format comes from the file extension (see :data:`FORMATS`). Every problem with
the input — a missing path, an unknown extension, an empty file, invalid UTF-8, bad
syntax, a bad IRI — becomes one :class:`~leadgraph.errors.DataError` naming the file,
the 1-based line and the problem, so the CLI can print it as a single line.

>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "people.ttl").write_text(
...     '@prefix lgd: <https://w3id.org/leadgraph/id/> .\\n'
...     'lgd:x <http://www.w3.org/2000/01/rdf-schema#label> "X" .\\n')
>>> graph = load(folder)
>>> [p.name for p in graph.data_paths]
['people.ttl']
>>> _ = (folder / "broken.nt").write_text('<https://e/a> <https://e/b> .\\n')
>>> load(folder)
Traceback (most recent call last):
...
leadgraph.errors.DataError: ...broken.nt:1: ...
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from leadgraph import resources
from leadgraph.errors import DataError, UsageError
from leadgraph.namespaces import PREFIXES

if TYPE_CHECKING:  # rdflib costs ~150 ms to import: only for type hints here
    import rdflib

FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json-ld": ox.RdfFormat.JSON_LD,
}
"""File extension -> format. Files in folders with other extensions are skipped."""

SERIALIZE_FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "json-ld": ox.RdfFormat.JSON_LD,
}
"""Names accepted by :meth:`LeadGraph.serialize`."""

_UTF8_BOM = b"\xef\xbb\xbf"
_TOKEN_LIMIT = 16 * 2**20
_POSITION = re.compile(
    r"^Parser error at line \d+ (?:column (?P<col>\d+)|between columns (?P<start>\d+) and (?P<end>\d+)): "
)
_BAD_IRI = re.compile(r"invalid iri|absolute iri|iri code point|iri character|relative iri", re.IGNORECASE)


class LeadGraph:
    """The loaded knowledge graph: an in-memory pyoxigraph ``Store`` plus where it came from.

    Every triple sits in the default graph (named graphs of N-Quads, TriG and JSON-LD
    input are merged into it), so queries need no ``GRAPH`` clauses.

    Attributes:
        store: the :class:`pyoxigraph.Store` holding all triples.
        paths: every file loaded, ontology first, in load order.
        ontology_paths: the ontology files among ``paths``.
        data_paths: the data files among ``paths``.
    """

    def __init__(self, store: ox.Store, ontology_paths: list[Path], data_paths: list[Path]):
        self.store = store
        self.ontology_paths = list(ontology_paths)
        self.data_paths = list(data_paths)
        self.paths = self.ontology_paths + self.data_paths
        self._rdflib: rdflib.Graph | None = None

    def __len__(self) -> int:
        return len(self.store)

    def __repr__(self) -> str:
        return f"<LeadGraph {len(self)} triples from {len(self.paths)} files>"

    def triples(self) -> list[ox.Triple]:
        """All triples, sorted so output is stable and each subject's triples sit together."""
        quads = self.store.quads_for_pattern(None, None, None, ox.DefaultGraph())
        return sorted((q.triple for q in quads), key=triple_key)

    def serialize(self, fmt: str = "ttl") -> bytes:
        """Serialise the whole graph as ``ttl``, ``nt``, ``nq``, ``trig`` or ``jsonld``.

        Turtle and TriG use the project prefixes (:data:`leadgraph.namespaces.PREFIXES`).

        >>> g = load([])  # the ontology only
        >>> g.serialize("nt").count(b"\\n") == len(g)
        True
        """
        return serialize_triples(self.triples(), fmt)

    def to_rdflib(self) -> rdflib.Graph:
        """The graph as an :class:`rdflib.Graph` (built once, then cached; do not modify it).

        Converted through N-Triples so plain literals stay plain (no ``xsd:string``
        datatype), which keeps lookups with ``rdflib.Literal("x")`` working.
        """
        if self._rdflib is None:
            import rdflib

            graph = rdflib.Graph()
            for prefix, iri in PREFIXES.items():
                graph.bind(prefix, iri, override=True, replace=True)
            graph.parse(data=self.serialize("nt"), format="nt")
            self._rdflib = graph
        return self._rdflib


def load(data: str | Path | Iterable[str | Path] | None = None) -> LeadGraph:
    """Load the ontology plus the bundled data, or plus the files and folders in ``data``.

    ``data`` replaces the bundled data; the ontology (``ontology/*.ttl`` except
    ``shapes.ttl``) always loads. Folders are walked recursively in sorted order,
    loading files with a known extension (:data:`FORMATS`) and skipping the rest and
    hidden entries. An empty list loads the ontology alone.

    Raises:
        DataError: naming file, line and problem, for a missing path, a file with an
            unknown extension, an empty file, invalid UTF-8, a syntax error or a bad IRI.

    >>> graph = load()
    >>> len(graph) > 0 and len(graph.data_paths) > 0
    True
    """
    return _build(resources.ontology_files(), _resolve_data(data))


def serialize_triples(triples: Iterable[ox.Triple], fmt: str | ox.RdfFormat) -> bytes:
    """Write ``triples`` as ``fmt`` (a name from :data:`SERIALIZE_FORMATS` or an ``RdfFormat``).

    Every RDF file leadgraph writes goes through here: triples in :func:`triple_key` order, so
    output is stable, and Turtle/TriG with the project prefixes.

    >>> t = ox.Triple(ox.NamedNode("https://w3id.org/leadgraph/id/x"), ox.NamedNode(PREFIXES["rdfs"] + "label"),
    ...               ox.Literal("X"))
    >>> serialize_triples([t], "nq")
    b'<https://w3id.org/leadgraph/id/x> <http://www.w3.org/2000/01/rdf-schema#label> "X" .\\n'
    """
    if isinstance(fmt, ox.RdfFormat):
        rdf_format = fmt
    else:
        rdf_format = SERIALIZE_FORMATS.get(fmt.lower())
        if rdf_format is None:
            choices = ", ".join(sorted(SERIALIZE_FORMATS))
            raise UsageError(f"unknown serialisation format {fmt!r} (choose from {choices})")
    ordered: Iterable[ox.Triple | ox.Quad] = sorted(triples, key=triple_key)
    if rdf_format.supports_datasets:
        ordered = [ox.Quad(t.subject, t.predicate, t.object) for t in ordered]
    return ox.serialize(ordered, format=rdf_format, prefixes=PREFIXES)


def store_of(graph: Any = None, data: str | Path | Iterable[str | Path] | None = None) -> ox.Store:
    """The pyoxigraph ``Store`` to work on: ``graph``'s own, or ``load(data)``'s when ``graph`` is None.

    ``graph`` may be a :class:`LeadGraph`, a ``pyoxigraph.Store`` or an ``rdflib.Graph`` (copied
    into a new store). Every library entry point that takes ``graph=`` / ``data=`` resolves
    them here, so they all accept the same things.

    >>> store_of(ox.Store()) is not None, len(store_of(None, [])) == len(load([]))
    (True, True)
    """
    if graph is None:
        return load(data).store
    if isinstance(graph, ox.Store):
        return graph
    store = getattr(graph, "store", None)
    if isinstance(store, ox.Store):
        return store
    if type(graph).__module__.startswith("rdflib"):
        converted = ox.Store()
        converted.load(graph.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES)
        return converted
    raise UsageError(f"graph must be a LeadGraph, a pyoxigraph.Store or an rdflib.Graph, not {type(graph).__name__}")


def load_files(paths: Iterable[str | Path]) -> LeadGraph:
    """Load exactly ``paths`` (files or folders), without the ontology.

    For side graphs such as SHACL shapes; the files count as data in the result.
    """
    return _build([], _resolve_data(list(paths)))


def data_files(data: str | Path | Iterable[str | Path] | None = None) -> list[Path]:
    """The data files :func:`load` would read for ``data`` (bundled data when ``None``).

    Raises :class:`DataError` for a missing path or an explicitly named file with an
    unknown extension.
    """
    return _resolve_data(data)


def _build(ontology_paths: list[Path], data_paths: list[Path]) -> LeadGraph:
    store = ox.Store()
    seen: set[Path] = set()
    loaded: tuple[list[Path], list[Path]] = ([], [])
    for bucket, paths in zip(loaded, (ontology_paths, data_paths)):
        for path in paths:
            key = path.resolve()
            if key in seen:  # the same file named twice, or the ontology passed as data
                continue
            seen.add(key)
            _load_file(store, path)
            bucket.append(path)
    _merge_named_graphs(store)
    return LeadGraph(store, *loaded)


def _resolve_data(data: str | Path | Iterable[str | Path] | None) -> list[Path]:
    if data is None:
        folder = resources.data_dir()
        if not folder.is_dir():
            raise DataError("bundled data folder is missing", path=folder)
        return _walk(folder)
    items = [data] if isinstance(data, (str, Path)) else list(data)
    files: list[Path] = []
    for item in items:
        if str(item).strip() == "":  # Path("") means the current folder: never what was meant
            raise DataError("empty path given as data")
        path = Path(item)
        if path.is_dir():
            found = _walk(path)
            if not found:
                known = ", ".join(FORMATS)
                raise DataError(f"folder has no data files (looked for {known})", path=path)
            files.extend(found)
        elif path.is_file():
            _format_of(path)
            files.append(path)
        elif path.is_symlink():
            raise DataError(f"broken symbolic link (it points to {path.readlink()}, which does not exist)", path=path)
        else:
            raise DataError("no such file or folder", path=path)
    return files


def _walk(folder: Path, _seen: set[Path] | None = None) -> list[Path]:
    seen = _seen if _seen is not None else set()
    here = folder.resolve()
    if here in seen:  # a symlink back up the tree: walking on would never end
        return []
    seen.add(here)
    skip = resources.shapes_path().resolve()
    found: list[Path] = []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            found.extend(_walk(entry, seen))
        elif entry.suffix.lower() in FORMATS and entry.is_file() and entry.resolve() != skip:
            found.append(entry)
    return found


def _format_of(path: Path) -> ox.RdfFormat:
    rdf_format = FORMATS.get(path.suffix.lower())
    if rdf_format is None:
        known = ", ".join(FORMATS)
        shown = f"'{path.suffix}'" if path.suffix else "(none)"
        raise DataError(f"unknown file extension {shown}: expected one of {known}", path=path)
    return rdf_format


def _load_file(store: ox.Store, path: Path) -> None:
    rdf_format = _format_of(path)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise DataError(f"cannot read file: {exc.strerror or exc}", path=path) from None
    if content.startswith(_UTF8_BOM):  # common from Windows editors; the parsers reject it
        content = content[len(_UTF8_BOM) :]
    if not content.strip():
        raise DataError("file is empty", path=path, line=1)
    _check_utf8(content, path)
    try:
        # Store.load gives each file's blank nodes fresh ids, so _:b1 in two files stays two nodes.
        store.load(content, rdf_format)
        first = next(iter(ox.parse(content, rdf_format)), None)
    except SyntaxError as exc:
        raise _syntax_error(exc, path, content) from None
    except MemoryError:
        # pyoxigraph caps one token (an IRI or a literal) at 16 MiB and says so without a position.
        line = _first_long_line(content)
        raise DataError(
            f"a single term is longer than the parser's limit of {_TOKEN_LIMIT // 2**20} MiB",
            path=path,
            line=line,
        ) from None
    except (ValueError, OSError) as exc:
        raise DataError(f"cannot load: {exc}", path=path) from None
    if first is None:
        raise DataError("file has no triples (only prefixes or comments)", path=path, line=1)


def _check_utf8(content: bytes, path: Path) -> None:
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = content.rfind(b"\n", 0, exc.start) + 1
        line = content.count(b"\n", 0, exc.start) + 1
        column = exc.start - line_start + 1
        byte = content[exc.start]
        raise DataError(
            f"invalid UTF-8: byte 0x{byte:02x} at column {column} (save the file as UTF-8)",
            path=path,
            line=line,
        ) from None


def _first_long_line(content: bytes) -> int | None:
    for number, line in enumerate(content.split(b"\n"), start=1):
        if len(line) >= _TOKEN_LIMIT:
            return number
    return None


def _syntax_error(exc: SyntaxError, path: Path, content: bytes) -> DataError:
    message = exc.msg or str(exc)
    line = exc.lineno if isinstance(exc.lineno, int) and exc.lineno > 0 else None
    start = end = None
    match = _POSITION.match(message)
    if match:
        start = int(match.group("col") or match.group("start"))
        end = int(match.group("end") or start)
        message = message[match.end() :]
    message = message[:1].lower() + message[1:]
    last_line = content.rstrip().count(b"\n") + 1
    if "loaddocumentcallback" in message.lower():
        message = (
            "JSON-LD @context from another document is not fetched "
            "(leadgraph never reads the network or other files): inline the context"
        )
    elif line is not None and line > last_line:
        # Parsers report a truncated last statement at the end of the file; point at that statement.
        line, start = last_line, None
        detail = "" if message.strip().lower() in ("unexpected end", "unexpected end of file") else f": {message}"
        message = f"syntax error: unexpected end of file{detail} (is the last statement complete?)"
    elif _BAD_IRI.search(message):
        shown = _excerpt(content, line, start, end)
        message = f"bad IRI{' ' + shown if shown else ''}: {message}"
    else:
        message = f"syntax error: {message}"
    if start is not None:
        message += f" (column {start})"
    return DataError(message, path=path, line=line)


def _excerpt(content: bytes, line: int | None, start: int | None, end: int | None) -> str | None:
    """The text between two 1-based columns of a line, when short enough to quote."""
    if line is None or start is None or end is None or end <= start:
        return None
    lines = content.decode("utf-8").splitlines()
    if line > len(lines):
        return None
    text = lines[line - 1][start - 1 : end - 1]
    return text if 0 < len(text) <= 200 and text.isprintable() else None


def _merge_named_graphs(store: ox.Store) -> None:
    """Move triples of named graphs (N-Quads, TriG, JSON-LD) into the default graph."""
    for graph_name in list(store.named_graphs()):
        quads = store.quads_for_pattern(None, None, None, graph_name)
        store.extend([ox.Quad(q.subject, q.predicate, q.object) for q in quads])
        store.remove_graph(graph_name)


def triple_key(triple: ox.Triple) -> tuple[bool, str, str, str]:
    """Sort key for triples wherever leadgraph writes or returns them, so output is stable.

    IRIs come before blank nodes, so the named resources lead a Turtle file.
    """
    subject = triple.subject
    return (isinstance(subject, ox.BlankNode), str(subject), str(triple.predicate), str(triple.object))
