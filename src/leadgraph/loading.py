"""Load the ontology and data files into one in-memory store.

Each file is read by the reader registered for its extension
(:mod:`leadgraph.store.readers`). Every problem with the input — a missing path, an
unknown extension, an empty file, invalid UTF-8, bad syntax, a bad IRI — becomes one
:class:`~leadgraph.errors.DataError` naming the file, the 1-based line and the problem,
so the CLI can print it as a single line.

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

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from leadgraph import records  # noqa: F401 - registers the YAML and CSV person-record readers
from leadgraph import resources
from leadgraph.errors import DataError, UsageError
from leadgraph.namespaces import PREFIXES
from leadgraph.store.disk import (
    DiskStore,
    UpdateReport,
    open_generation,
    published_manifest,
    read_validation,
    write_generation,
    write_validation,
)
from leadgraph.store.memory import MemoryStore
from leadgraph.store.rdf import RDF_FORMATS, write_triples
from leadgraph.store.readers import READERS, load_order, reader_for
from leadgraph.terms import NamedNode, Triple, triple_key

if TYPE_CHECKING:  # rdflib costs ~150 ms to import: only for type hints here
    import rdflib

SERIALIZE_FORMATS = {name: name for name in RDF_FORMATS if name != "rdfxml"}
"""Names accepted by :meth:`LeadGraph.serialize`."""


class LeadGraph:
    """The loaded knowledge graph: a :class:`~leadgraph.store.memory.MemoryStore` plus where it came from.

    Every triple sits in the default graph (named graphs of N-Quads, TriG and JSON-LD
    input are merged into it), so queries need no ``GRAPH`` clauses.

    Attributes:
        store: the :class:`~leadgraph.store.base.GraphStore` holding all triples
            (``store.oxigraph`` is the pyoxigraph ``Store`` itself).
        paths: every file loaded, ontology first, in load order.
        ontology_paths: the ontology files among ``paths``.
        data_paths: the data files among ``paths``.
    """

    def __init__(self, store: MemoryStore, ontology_paths: list[Path], data_paths: list[Path]):
        self.store = store
        self.ontology_paths = list(ontology_paths)
        self.data_paths = list(data_paths)
        self.paths = self.ontology_paths + self.data_paths
        self._rdflib: rdflib.Graph | None = None

    def __len__(self) -> int:
        return len(self.store)

    def __repr__(self) -> str:
        return f"<LeadGraph {len(self)} triples from {len(self.paths)} files>"

    def triples(self) -> list[Triple]:
        """All triples, sorted so output is stable and each subject's triples sit together."""
        return sorted(self.store.triples(), key=triple_key)

    def serialize(self, fmt: str = "ttl") -> bytes:
        """Serialise the whole graph as ``ttl``, ``nt``, ``nq``, ``trig`` or ``jsonld``.

        Turtle and TriG use the project prefixes (:data:`leadgraph.namespaces.PREFIXES`).

        >>> g = load([])  # the ontology only
        >>> g.serialize("nt").count(b"\\n") == len(g)
        True
        """
        return write_triples(self.store.triples(), fmt)

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
    loading files with a registered extension (:data:`leadgraph.store.readers.READERS`)
    and skipping the rest and hidden entries. An empty list loads the ontology alone.

    Raises:
        DataError: naming file, line and problem, for a missing path, a file with an
            unknown extension, an empty file, invalid UTF-8, a syntax error or a bad IRI.

    >>> graph = load()
    >>> len(graph) > 0 and len(graph.data_paths) > 0
    True
    """
    return _build(resources.ontology_files(), _resolve_data(data))


def store_of(graph: Any = None, data: str | Path | Iterable[str | Path] | None = None) -> Any:
    """The :class:`GraphStore` to work on: ``graph``'s own, or ``load(data)``'s when ``graph`` is None.

    ``graph`` may be a :class:`~leadgraph.loading.LeadGraph`, any :class:`GraphStore`, a
    ``pyoxigraph.Store`` or an ``rdflib.Graph`` (both copied into or wrapped as a
    :class:`MemoryStore`). Every library entry point that takes ``graph=`` / ``data=``
    resolves them here, so they all accept the same things.
    """
    from leadgraph.store.base import GraphStore

    if graph is None:
        return load(data).store
    if isinstance(graph, GraphStore):
        return graph
    store = getattr(graph, "store", None)
    if isinstance(store, GraphStore):
        return store
    wrapped = MemoryStore.wrap(graph)
    if wrapped is not None:
        return wrapped
    raise UsageError(f"graph must be a LeadGraph, a store, a pyoxigraph.Store or an rdflib.Graph, "
                     f"not {type(graph).__name__}")


Keeper = Callable[["LeadGraph", DiskStore], None]
"""Something kept with a new generation: called with the generation's files loaded in memory
(fast to ask) and the generation itself (where :mod:`leadgraph.store.derived` keeps answers)."""


def build_store(folder: str | Path, data: str | Path | Iterable[str | Path] | None = None, *,
                progress: bool = False, keepers: Iterable[Keeper] = ()) -> UpdateReport:
    """Load the ontology, the reference layer and ``data`` (bundled data when ``None``) into an
    on-disk store in ``folder`` (see :mod:`leadgraph.store.disk`), one named graph per file.

    Every file is read and checked exactly as :func:`load` reads it; a bad file publishes
    nothing. Each of ``keepers`` runs before the generation is published (see :data:`Keeper`;
    :func:`leadgraph.keeping.build_store` passes the registered ones). Returns an
    :class:`~leadgraph.store.disk.UpdateReport`.
    """
    sources = None if data is None else [str(Path(d).resolve()) for d in _as_list(data)]
    return write_generation(folder, _store_files(sources), sources=sources, rebuild=True, progress=progress,
                            before_publish=_keeping(list(keepers), progress))


def update_store(folder: str | Path, *, progress: bool = False, keepers: Iterable[Keeper] = ()) -> UpdateReport:
    """Bring the store in ``folder`` up to date with the files it was built from: walk its data
    folders again and reload only the files whose content changed (new files are added, deleted
    ones removed). Readers keep working meanwhile; two updates never interleave. ``keepers`` as
    for :func:`build_store`."""
    sources = stored_sources(folder)
    wanted = _store_files(sources)
    noted = _note_changes(folder, wanted)
    report = write_generation(folder, wanted, sources=sources, rebuild=False, progress=progress,
                              before_publish=_keeping(list(keepers), progress))
    if noted is not None and read_validation(Path(folder) / report.generation) is None:
        _carry_validation(Path(folder), report, *noted)
    return report


def _keeping(keepers: list[Keeper], progress: bool) -> Callable[[DiskStore], None] | None:
    """The work done on a finished generation before it is published: its files loaded into
    memory once, then every keeper."""
    if not keepers:
        return None

    def work(store: DiskStore) -> None:
        graph = _build(store.files("ontology"), store.files("data"))
        if len(graph) != len(store):  # not the same graph (never seen): keep nothing rather than wrong answers
            return
        _run_keepers(keepers, graph, store, progress)

    return work


def _run_keepers(keepers: list[Keeper], graph: LeadGraph, store: DiskStore, progress: bool) -> None:
    """Every keeper, side by side in forked processes when the machine has more than one CPU (they
    read the same graph, shared copy-on-write, and keep different things: at a million triples a
    build's keepers take 30 s instead of 58 s on two CPUs). A keeper whose process fails runs
    again here, so its error is the one a caller sees; one whose process was killed stops the build."""
    workers = min(len(keepers), len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)
    if workers < 2 or not hasattr(os, "fork"):
        for keeper in _progress(keepers, progress, "keeping answers"):
            keeper(graph, store)
        return
    import contextlib
    import signal
    import sys
    import time

    waiting, running, failed = list(keepers), {}, []
    bar = None
    if progress and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=len(keepers), desc="keeping answers", unit="step", file=sys.stderr)
    try:
        while waiting or running:
            while waiting and len(running) < workers:
                keeper = waiting.pop(0)
                pid = os.fork()
                if pid == 0:  # the child: never return into the caller's code
                    code = 1
                    try:
                        keeper(graph, store)
                        code = 0
                    finally:
                        for stream in (sys.stdout, sys.stderr):
                            with contextlib.suppress(Exception):
                                stream.flush()
                        os._exit(code)
                running[pid] = keeper
            done = []
            for child in list(running):
                pid, status = os.waitpid(child, os.WNOHANG)
                if pid:
                    done.append((pid, status))
            if not done:
                time.sleep(0.02)  # waiting on these children only: the caller may have others
            for pid, status in done:
                keeper = running.pop(pid)
                if os.WIFSIGNALED(status):  # killed (out of memory, say): running it here could kill the build
                    from leadgraph.errors import LeadgraphError

                    name = getattr(keeper, "__name__", repr(keeper))
                    raise LeadgraphError(f"keeping answers failed: {name} was killed by signal "
                                         f"{os.WTERMSIG(status)} (out of memory?); nothing was published "
                                         f"(--no-answers builds the store without keeping answers)")
                if not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0):
                    failed.append(keeper)
                if bar is not None:
                    bar.update(1)
    except BaseException:
        # Interrupted (or a fork failed): no keeper may go on writing into a generation that
        # will not be published, nor be left a zombie.
        for pid in running:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        raise
    finally:
        if bar is not None:
            bar.close()
    for keeper in failed:
        keeper(graph, store)


def _progress(items: list[Any], show: bool, what: str, delay: float = 0) -> Iterable[Any]:
    """``items``, with a bar on stderr when ``show`` and it is a terminal (drawn once ``delay``
    seconds have passed)."""
    import sys

    if not show or not sys.stderr.isatty():
        return items
    from tqdm import tqdm

    return tqdm(items, desc=what, unit="step", file=sys.stderr, delay=delay)


PENDING_LIMIT = 200_000
"""Changed triples noted for the next validation beyond which it checks everything again instead."""


def _note_changes(folder: str | Path, wanted: dict[str, str]) -> tuple[str, dict[str, Any]] | None:
    """Before an update: the published generation's name and its validation report, with the
    content of the files about to be reloaded or removed added as "pending" (read now, while the
    generation is still there). ``None`` when it keeps no report."""
    import hashlib

    old = open_generation(folder)
    try:
        kept = read_validation(old.generation)
        if kept is None or kept.get("generation") != old.generation.name:
            return None
        pending = kept.setdefault("pending", {"paths": [], "triples": [], "full": False})
        before = old.manifest["files"]
        going = [p for p in before if p not in wanted]
        for path in wanted:
            if path in before:
                digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
                if digest != before[path]["sha256"]:
                    going.append(path)
        if any(before[p]["role"] != "data" for p in going):
            pending.update(full=True, triples=[])
        for path in going:
            # A file already pending keeps the content it had at the report, not an intermediate one.
            if path in pending["paths"] or pending["full"]:
                continue
            for quad in old.oxigraph.quads_for_pattern(None, None, None, NamedNode(before[path]["graph"])):
                pending["triples"].append([str(quad.subject), quad.predicate.value, str(quad.object)])
        return old.generation.name, kept
    finally:
        old.close()


def _carry_validation(folder: Path, report: UpdateReport, base: str, kept: dict[str, Any]) -> None:
    """Hand the last validation report on to the new generation with what changed since (see
    :mod:`leadgraph.validation.incremental`, which owns the report's format)."""
    if int(report.generation[4:]) != int(base[4:]) + 1:
        return  # another update ran in between: what was noted is not this update's base
    pending = kept["pending"]
    touched = report.changed + report.removed + report.added
    pending["paths"] = sorted(set(pending["paths"]) | set(touched))
    manifest = published_manifest(folder) or {"files": {}}
    roles = {p: e["role"] for p, e in manifest["files"].items()}
    if any(roles.get(p, "data") != "data" for p in touched) or len(pending["triples"]) > PENDING_LIMIT:
        pending.update(full=True, triples=[])
    kept["generation"] = report.generation
    write_validation(folder / report.generation, kept)


def stored_sources(folder: str | Path) -> list[str] | None:
    """The data arguments the store in ``folder`` was built from (``None``: the bundled data)."""
    manifest = published_manifest(folder)
    if manifest is None:
        raise DataError("not a leadgraph store (build one with: leadgraph store build DIR)", path=folder)
    return manifest["sources"]


def open_store(folder: str | Path) -> LeadGraph:
    """The on-disk store in ``folder`` as a :class:`LeadGraph` (read-only; see :func:`build_store`).

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp()) / "store"
    >>> _ = build_store(folder)
    >>> len(open_store(folder)) == len(load())
    True
    """
    store = open_generation(folder)
    return LeadGraph(store, store.files("ontology"), store.files("data"))


def load_store_files(graph: LeadGraph) -> LeadGraph | None:
    """The files an on-disk store (:func:`open_store`) was built from, loaded into memory, when
    every one still holds what the store holds (the SHA-256 its manifest records); else ``None``.

    Whole-graph work (the projection a page draws) runs several times faster over memory than
    over the store's RocksDB, and parsing the files costs less than the difference.
    """
    from leadgraph.store.disk import DiskStore, file_sha256

    store = graph.store
    if not isinstance(store, DiskStore):
        return None
    entries = store.manifest["files"]
    for path, entry in entries.items():
        try:
            if file_sha256(Path(path)) != entry["sha256"]:
                return None
        except OSError:
            return None
    memory = _build(store.files("ontology"), store.files("data"))
    return memory if len(memory) == len(store) else None


def load_store_copy(graph: LeadGraph) -> LeadGraph | None:
    """What an on-disk store (:func:`open_store`) holds, copied into memory from the store itself
    (:meth:`~leadgraph.store.disk.DiskStore.in_memory`), with the store's file lists: for when its
    files changed since the build, so :func:`load_store_files` cannot be used. ``None`` when
    ``graph`` is not an on-disk store or the copy could not be made (the temporary folder full).

    At a million triples the copy takes about 12 s and 460 MB, where the same whole-graph work
    over the store's RocksDB costs several times more. Blank nodes get new labels in the copy.
    """
    from leadgraph.store.disk import DiskStore

    store = graph.store
    if not isinstance(store, DiskStore):
        return None
    try:
        memory = store.in_memory()
    except OSError:
        return None
    if len(memory) != len(store):  # never seen: not the same graph, so not a copy to trust
        return None
    return LeadGraph(memory, graph.ontology_paths, graph.data_paths)


def load_store_in_memory(graph: LeadGraph) -> LeadGraph | None:
    """What an on-disk store holds, in memory: its files when they still hold what the store holds
    (:func:`load_store_files`), else a copy of the store's own triples (:func:`load_store_copy`);
    ``None`` when ``graph`` is not an on-disk store or neither can be had. Whole-graph work (a
    validation, the page's projection) runs several times faster over it than over RocksDB."""
    return load_store_files(graph) or load_store_copy(graph)


def open_endpoint(url: str, *, timeout: float | None = None) -> LeadGraph:
    """A remote SPARQL 1.1 endpoint (its query URL) as a :class:`LeadGraph` with no files; see
    :mod:`leadgraph.store.remote` for credentials, time limits and retries."""
    from leadgraph.store.remote import RemoteStore

    return LeadGraph(RemoteStore(url, timeout=timeout), [], [])


def _store_files(sources: list[str] | None) -> dict[str, str]:
    wanted = {str(p.resolve()): "ontology" for p in resources.ontology_files()}
    for path in _resolve_data(sources):
        wanted.setdefault(str(path.resolve()), "data")
    return wanted


def _as_list(data: str | Path | Iterable[str | Path]) -> list[str | Path]:
    return [data] if isinstance(data, (str, Path)) else list(data)


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


def load_errors(data: str | Path | Iterable[str | Path] | None = None) -> list[DataError]:
    """Every data file's reading error, where :func:`load` stops at the first: each file is read
    as :func:`load` reads it (in the same order, beside what loaded before it), and one that
    fails is left out, so the next can still be read. ``[]`` when everything reads.

    For reporting: ``leadgraph validate`` lists them all, so ten broken records take one run.
    A missing path still raises, as in :func:`load`.
    """
    errors: list[DataError] = []
    _build(resources.ontology_files(), _resolve_data(data), errors=errors)
    return errors


def _build(ontology_paths: list[Path], data_paths: list[Path], *, errors: list[DataError] | None = None) -> LeadGraph:
    store = MemoryStore()
    seen: set[Path] = set()
    loaded: tuple[list[Path], list[Path]] = ([], [])
    # RDF files first, then person records (YAML, CSV), which name people and organisations by
    # what the rest of the data calls them, those with an explicit id before those found by name:
    # a record extends the same person whichever order the files come in.
    data_paths = load_order(data_paths)
    for bucket, paths in zip(loaded, (ontology_paths, data_paths)):
        for path in paths:
            key = path.resolve()
            if key in seen:  # the same file named twice, or the ontology passed as data
                continue
            seen.add(key)
            if errors is None:
                reader_for(path).load_into(store, path)
            else:
                try:
                    reader_for(path).load_into(store, path)
                except DataError as exc:
                    errors.append(exc)
                    continue
            bucket.append(path)
    return LeadGraph(store, *loaded)


def _resolve_data(data: str | Path | Iterable[str | Path] | None) -> list[Path]:
    if data is None:
        folder = resources.data_dir()
        if not folder.is_dir():
            raise DataError("bundled data folder is missing", path=folder)
        return _walk(folder)
    items = _as_list(data)
    files: list[Path] = []
    for item in items:
        if str(item).strip() == "":  # Path("") means the current folder: never what was meant
            raise DataError("empty path given as data")
        path = Path(item)
        if path.is_dir():
            found = _walk(path)
            if not found:
                known = ", ".join(READERS)
                raise DataError(f"folder has no data files (looked for {known})", path=path)
            files.extend(found)
        elif path.exists():
            reader_for(path)
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
        elif entry.suffix.lower() in READERS and entry.is_file() and entry.resolve() != skip:
            found.append(entry)
    return found
