"""Readers: how a file of each format becomes triples, and how triples go back into one.

Readers register by file extension (:func:`register`); :func:`reader_for` picks one for a
path. Each reader turns a file into triples with every problem raised as one
:class:`~leadgraph.errors.DataError` naming the file, the 1-based line and the problem,
and writes triples back in its own format (:meth:`Reader.write`), which is how ``forget``
and other rewrites keep a file in the format it was written in.

>>> sorted(e for e, r in READERS.items() if isinstance(r, RdfReader))  # leadgraph.records adds .yaml, .yml, .csv
['.json-ld', '.jsonld', '.nq', '.nt', '.trig', '.ttl']
>>> reader_for("people/ayesha.TTL").name
'turtle'
>>> reader_for("notes.txt")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
leadgraph.errors.DataError: notes.txt: unknown file extension '.txt': expected one of .ttl, .nt, .nq, .trig, .jsonld, .json-ld...
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from leadgraph.errors import DataError
from leadgraph.store.rdf import Triple, iter_quads, write_triples

MAX_JSON_DEPTH = 256
"""Deepest JSON-LD nesting read. The engine's JSON-LD parser recurses and crashed the process
near 20,000 levels; real documents nest a few dozen deep."""

TOKEN_LIMIT = 16 * 2**20
"""The engine's cap on one term (an IRI or literal)."""

_UTF8_BOM = b"\xef\xbb\xbf"
_POSITION = re.compile(
    r"^Parser error at line \d+ (?:column (?P<col>\d+)|between columns (?P<start>\d+) and (?P<end>\d+)): "
)
_BAD_IRI = re.compile(r"invalid iri|absolute iri|iri code point|iri character|relative iri", re.IGNORECASE)
_JSON_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]*$")


class Reader:
    """One input format. Subclasses implement :meth:`read` and :meth:`write`.

    Attributes:
        name: the format's name (``turtle``, ``yaml``...).
        extensions: lower-case file extensions it reads, with the dot.
    """

    name: str = ""
    extensions: tuple[str, ...] = ()

    def read(self, path: Path) -> Iterable[Triple]:
        """The file's triples; raises :class:`DataError` naming file and line."""
        raise NotImplementedError

    def load_into(self, store: Any, path: Path) -> None:
        """Add the file's triples to ``store`` (a :class:`~leadgraph.store.memory.MemoryStore`)."""
        store.add(self.read(path))

    def read_in(self, path: Path, context: Any) -> Iterable[Triple]:
        """The file's triples as :meth:`load_into` makes them in a store holding ``context``:
        a person record names people and organisations by what the rest of the data calls
        them, so rewriting one file of a folder reads it with the folder's graph around it."""
        return self.read(path)

    def write(self, triples: Iterable[Triple]) -> bytes:
        """``triples`` as a file of this format."""
        raise NotImplementedError

    def load_rank(self, path: Path) -> int:
        """When the file loads among the data files (lowest first; :func:`load_order`): RDF names
        its nodes itself (0); a record that names its person by an explicit ``id`` (1) comes
        before one that finds its person by name (2), so which person a name means does not
        depend on the order files are given in."""
        return 2

    def origins(self, path: Path, store: Any = None, near: Iterable[str] | None = None
                ) -> dict[Any, tuple[int, int | None]]:
        """Where the file states things, for problem reports only (never read when loading): keys as
        in :mod:`leadgraph.store.positions` (a subject IRI, ``(s, p)``, ``(s, p, o)``) mapped to a
        1-based ``(line, column)``. ``store`` holds the graph the file was loaded into; ``near``, when
        given, names strings (local names) the wanted statements contain, so a reader may skip the
        rest. Empty when the format keeps no positions."""
        return {}


class RdfReader(Reader):
    """An RDF serialisation the engine parses itself (Turtle, N-Triples, N-Quads, TriG, JSON-LD)."""

    def __init__(self, name: str, fmt: str, extensions: tuple[str, ...]):
        self.name, self.fmt, self.extensions = name, fmt, extensions

    def read(self, path: Path) -> list[Triple]:
        content = self._content(path)
        try:
            return [q.triple for q in iter_quads(content, self.fmt)]
        except (SyntaxError, MemoryError, ValueError) as exc:
            raise self._error(exc, path, content) from None

    def load_into(self, store: Any, path: Path) -> None:
        content = self._content(path)
        try:
            store.load_document(content, self.fmt)
            empty = next(iter(iter_quads(content, self.fmt)), None) is None
        except (SyntaxError, MemoryError, ValueError, OSError) as exc:
            raise self._error(exc, path, content) from None
        if empty:
            raise DataError(self._why_empty(content), path=path, line=self._empty_line(content))

    def load_rank(self, path: Path) -> int:
        return 0

    def write(self, triples: Iterable[Triple]) -> bytes:
        return write_triples(triples, self.fmt)

    def origins(self, path: Path, store: Any = None, near: Iterable[str] | None = None
                ) -> dict[Any, tuple[int, int | None]]:
        if self.fmt == "jsonld":
            return {}
        from leadgraph.store.positions import turtle_origins

        return turtle_origins(self._content(path).decode("utf-8"), near)

    # -- checks before parsing -----------------------------------------------------------
    def _content(self, path: Path) -> bytes:
        content = read_bytes(path)
        if content.startswith(_UTF8_BOM):  # common from Windows editors; the parsers reject it
            content = content[len(_UTF8_BOM):]
        if not content.strip():
            raise DataError("file is empty", path=path, line=1)
        check_utf8(content, path)
        if self.fmt == "jsonld":
            _check_json_depth(content, path)
        return content

    # -- errors ----------------------------------------------------------------------------
    def _error(self, exc: BaseException, path: Path, content: bytes) -> DataError:
        if isinstance(exc, SyntaxError):
            return _syntax_error(exc, path, content)
        if isinstance(exc, MemoryError):
            return DataError(f"a single term is longer than the parser's limit of {TOKEN_LIMIT // 2**20} MiB",
                             path=path, line=_long_token_line(content))
        return DataError(f"cannot load: {exc}", path=path)

    def _why_empty(self, content: bytes) -> str:
        if self.fmt == "jsonld":
            bad = _first_bad_jsonld_iri(content)
            if bad is not None:
                return (f"no triples: {bad[0]!r} is not an absolute IRI, and JSON-LD drops every statement "
                        f"whose @id, @type or property is not one (check @id, @type, @vocab and @context)")
            return ("no triples: JSON-LD keeps only statements whose subject and property are absolute IRIs "
                    "(check @id, @type, @vocab and @context)")
        return "file has no triples (only prefixes or comments)"

    def _empty_line(self, content: bytes) -> int:
        if self.fmt == "jsonld":
            bad = _first_bad_jsonld_iri(content)
            if bad is not None:
                return bad[1]
        return 1


READERS: dict[str, Reader] = {}
"""File extension (lower case, with the dot) -> the reader for it."""


def register(reader: Reader) -> Reader:
    """Make ``reader`` read its extensions (a later registration of an extension wins)."""
    for extension in reader.extensions:
        READERS[extension.lower()] = reader
    return reader


for _reader in (
    RdfReader("turtle", "ttl", (".ttl",)),
    RdfReader("n-triples", "nt", (".nt",)),
    RdfReader("n-quads", "nq", (".nq",)),
    RdfReader("trig", "trig", (".trig",)),
    RdfReader("json-ld", "jsonld", (".jsonld", ".json-ld")),
):
    register(_reader)


def reader_for(path: str | os.PathLike[str]) -> Reader:
    """The reader for ``path``'s extension; a :class:`DataError` naming the known ones if none."""
    path = Path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        known = ", ".join(READERS)
        shown = f"'{path.suffix}'" if path.suffix else "(none)"
        raise DataError(f"unknown file extension {shown}: expected one of {known}", path=path)
    return reader


def load_order(paths: Iterable[str | os.PathLike[str]]) -> list:
    """``paths`` in the order their files load (by :meth:`Reader.load_rank`, stable otherwise)."""
    return sorted(paths, key=lambda p: reader_for(p).load_rank(Path(p)))


def read_bytes(path: Path) -> bytes:
    """A regular file's bytes, with a clear :class:`DataError` for anything else."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise DataError(f"cannot read file: {exc.strerror or exc}", path=path) from None
    if not stat.S_ISREG(mode):
        # A FIFO or device would block or never end: leadgraph reads regular files only.
        kind = "a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
        raise DataError(f"not a regular file ({kind}): leadgraph reads data from regular files only", path=path)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DataError(f"cannot read file: {exc.strerror or exc}", path=path) from None


def check_utf8(content: bytes, path: Path) -> None:
    """A :class:`DataError` with line and column at the first byte that is not UTF-8."""
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = content.rfind(b"\n", 0, exc.start) + 1
        line = content.count(b"\n", 0, exc.start) + 1
        column = exc.start - line_start + 1
        raise DataError(
            f"invalid UTF-8: byte 0x{content[exc.start]:02x} at column {column} (save the file as UTF-8)",
            path=path,
            line=line,
        ) from None


def _line_at(content: bytes, offset: int) -> int:
    return content.count(b"\n", 0, offset) + 1


def _check_json_depth(content: bytes, path: Path) -> None:
    depth = 0
    for match in _JSON_TOKENS.finditer(content):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise DataError(f"JSON nested more than {MAX_JSON_DEPTH} levels deep: leadgraph reads JSON-LD up "
                                f"to that depth (real documents nest a few dozen)",
                                path=path, line=_line_at(content, match.start()))
        elif token in (b"]", b"}"):
            depth -= 1


def _first_bad_jsonld_iri(content: bytes) -> tuple[str, int] | None:
    """The first ``@id`` / ``@vocab`` / ``@type`` value that is not an absolute IRI, with its line."""
    try:
        document = json.loads(content)
    except (ValueError, RecursionError):
        return None
    todo = [document]
    while todo:
        item = todo.pop()
        if isinstance(item, list):
            todo.extend(reversed(item))
        elif isinstance(item, dict):
            for key, value in item.items():
                if key in ("@id", "@vocab", "@type") and isinstance(value, str) and not value.startswith("_:"):
                    if not _ABSOLUTE_IRI.match(value) and ":" not in value:
                        needle = json.dumps(value).encode()
                        offset = content.find(needle)
                        return value, _line_at(content, offset) if offset >= 0 else 1
            todo.extend(reversed(list(item.values())))
    return None


def _long_token_line(content: bytes) -> int | None:
    """The line where the first over-long term starts: a long (triple-quoted) string, else a long line."""
    for quote in (b'"""', b"'''"):
        start = content.find(quote)
        while start >= 0:
            end = content.find(quote, start + 3)
            if end < 0 or end - start >= TOKEN_LIMIT:
                return _line_at(content, start)
            start = content.find(quote, end + 3)
    for number, line in enumerate(content.split(b"\n"), start=1):
        if len(line) >= TOKEN_LIMIT:
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
        message = message[match.end():]
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
    text = lines[line - 1][start - 1:end - 1]
    return text if 0 < len(text) <= 200 and text.isprintable() else None
