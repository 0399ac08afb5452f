"""The on-disk backend: an Oxigraph (RocksDB) store in a folder, built once and updated in place.

Layout of a store folder::

    DIR/current              the name of the generation readers open (replaced atomically)
    DIR/gen-000003/          one generation: a RocksDB store, never written after it is published
    DIR/gen-000003/.readers  readers hold a shared lock on it while they have the generation open
    DIR/gen-000003/validation.json  the last validation report of this generation (see below)
    DIR/.update.lock         held by the one update that may run at a time

Every source file is loaded into a named graph of its own (``urn:leadgraph:file:...``), so
``store update`` can replace exactly the files whose content changed, and into the default
graph, which queries read: a triple two files both say is one triple, as in memory. The
manifest (``manifest.json`` inside each generation) records each file's hash, graph and role.

Why generations: RocksDB may be opened read-write by one process, and a read-only instance
opened while another process writes is undefined behaviour. An update therefore copies the
published generation (a checkpoint of hard links, so cheap), changes the copy, and publishes
it by replacing ``current``: readers keep the generation they opened, and the next update
deletes generations no reader holds any more.

:func:`leadgraph.loading.build_store`, :func:`~leadgraph.loading.update_store` and
:func:`~leadgraph.loading.open_store` are the entry points; this module knows the folder,
not which files belong in it.

>>> import tempfile, pathlib
>>> from leadgraph import resources
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "store"
>>> files = {str(p.resolve()): "ontology" for p in resources.ontology_files()}
>>> report = write_generation(folder, files, sources=[], rebuild=True)
>>> store = open_generation(folder)
>>> len(store) == report.triples > 0
True
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from leadgraph.errors import DataError, UsageError
from leadgraph.store.memory import OxigraphStore

FORMAT_VERSION = 1
_CURRENT = "current"
_MANIFEST = "manifest.json"
_VALIDATION = "validation.json"
_READERS = ".readers"
_UPDATE_LOCK = ".update.lock"
_WAIT_NOTICE = 2.0  # seconds before a waiting update says what it waits for


class DiskStore(OxigraphStore):
    """A :class:`~leadgraph.store.base.GraphStore` over one published generation, opened read-only.

    Attributes:
        folder: the store folder; ``generation``: the generation folder open; ``manifest``.
    """

    def __init__(self, folder: Path, generation: Path, manifest: dict[str, Any]):
        self.folder, self.generation, self.manifest = folder, generation, manifest
        self._lock = open(generation / _READERS, "a+")  # noqa: SIM115 - held while the store is open
        fcntl.flock(self._lock, fcntl.LOCK_SH)
        try:
            self.oxigraph = ox.Store.read_only(str(generation))
        except OSError as exc:
            self.close()
            raise DataError(f"cannot open the store: {exc}", path=generation) from None

    def __repr__(self) -> str:
        return f"<DiskStore {self.folder} {self.generation.name}: {len(self)} triples>"

    def close(self) -> None:
        """Let the next update delete this generation once nobody else holds it."""
        with contextlib.suppress(OSError, ValueError):
            self._lock.close()

    def __len__(self) -> int:
        return int(self.manifest["triples"])

    def files(self, role: str) -> list[Path]:
        """The source files of ``role`` (``ontology`` or ``data``) the store was built from."""
        return [Path(p) for p, entry in self.manifest["files"].items() if entry["role"] == role]

    def in_memory(self) -> Any:
        """The default graph (what queries read) copied into a new in-memory
        :class:`~leadgraph.store.memory.MemoryStore`, through an N-Triples file in the temporary
        folder (``TMPDIR``; about 166 bytes a triple while it exists). Blank nodes get new labels
        in the copy (the engine's parser renames them), so only what names them by their links
        compares with the store.

        Measured at a million triples (pyoxigraph 0.5.13, 2 cores): 12.3 s wall (9 s of it the
        dump) and a 464 MB peak, nearly all of it the copy itself; ``bulk_load`` instead of
        ``load`` the same time and 690 MB; through a ``bytes`` dump 12.7 s and 848 MB; through
        ``quads_for_pattern`` (which keeps blank-node labels) 17.0 s and 691 MB; a named pipe
        between a dumping thread and the loader no faster (the two do not overlap). Raises
        ``OSError`` (temporary folder full)."""
        import tempfile

        from leadgraph.store.memory import MemoryStore

        copy = MemoryStore()
        with tempfile.TemporaryDirectory(prefix="leadgraph-copy-") as folder:
            path = os.path.join(folder, "default.nt")
            self.oxigraph.dump(output=path, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
            # The engine wrote it: checked when each file was read, hence lenient.
            copy.oxigraph.load(path=path, format=ox.RdfFormat.N_TRIPLES, lenient=True)
        return copy


@dataclass
class UpdateReport:
    """What :func:`build_store` or :func:`update_store` did."""

    folder: str
    generation: str
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    triples: int = 0
    seconds: float = 0.0

    def text(self) -> str:
        lines = [f"{self.folder}: {self.generation}, {self.triples} triples ({self.seconds:.1f} s)"]
        for verb, paths in (("added", self.added), ("reloaded", self.changed), ("removed", self.removed)):
            lines += [f"  {verb} {p}" for p in paths]
        if self.unchanged:
            lines.append(f"  {self.unchanged} files unchanged")
        return "\n".join(lines)


def open_generation(folder: str | os.PathLike[str]) -> DiskStore:
    """The published generation of the store in ``folder``, opened read-only."""
    folder = Path(folder)
    generation = _published(folder)
    if generation is None:
        raise DataError("not a leadgraph store (build one with: leadgraph store build DIR)", path=folder)
    return DiskStore(folder, generation, _read_manifest(generation))


def published_manifest(folder: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The manifest of the published generation, or ``None`` when ``folder`` holds no store."""
    generation = _published(Path(folder))
    return None if generation is None else _read_manifest(generation)


# -- writing ---------------------------------------------------------------------------------------


def write_generation(folder: str | os.PathLike[str], wanted: dict[str, str], *, sources: list[str] | None,
                     rebuild: bool, progress: bool = False,
                     before_publish: Callable[[DiskStore], None] | None = None) -> UpdateReport:
    """Publish a new generation holding exactly the files of ``wanted`` (absolute path -> role).

    ``rebuild`` loads every file afresh; otherwise the published generation is copied and only
    files whose SHA-256 changed are reloaded (new ones added, missing ones removed). ``sources``
    (the data arguments the files came from) is kept in the manifest for the next update.
    Updates of one folder are serialised by a lock; readers are never blocked.

    ``before_publish`` is called with the finished generation opened read-only, before readers
    can see it, to keep what is computed from it (:mod:`leadgraph.store.derived`); if it fails,
    nothing is published.
    """
    folder = Path(folder)
    started = time.monotonic()
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder}: exists and is not a folder")
    if rebuild and folder.is_dir() and any(folder.iterdir()) and not (folder / _CURRENT).exists():
        raise UsageError(f"{folder}: folder is not empty and is not a leadgraph store; choose a new folder")
    folder.mkdir(parents=True, exist_ok=True)
    with _update_lock(folder):
        published = _published(folder)
        old = _read_manifest(published) if published is not None else None
        hashes = {path: file_sha256(Path(path)) for path in wanted}
        before = {} if rebuild or old is None else old["files"]
        added = [p for p in wanted if p not in before]
        changed = [p for p in wanted if p in before and before[p]["sha256"] != hashes[p]]
        removed = [p for p in before if p not in wanted]
        target = folder / _next_generation(folder)
        if published is not None and not rebuild:
            source = ox.Store.read_only(str(published))
            source.backup(str(target))  # a checkpoint: hard links, not a copy
            del source
        engine = ox.Store(str(target))
        try:
            files = {p: dict(before[p]) for p in wanted if p in before and p not in changed}
            for path in removed + changed:
                _unload(engine, before[path]["graph"])
            # RDF files first, then person records, as loading into memory orders them.
            from leadgraph.store.readers import load_order

            todo = load_order(added + changed)
            for path in _progress(todo, progress, "loading"):
                files[path] = _load(engine, target, Path(path), wanted[path], hashes[path])
            triples = _count_default(engine)
            manifest = {"format": FORMAT_VERSION, "sources": sources, "triples": triples,
                        "files": dict(sorted(files.items()))}
            engine.flush()
        except BaseException as exc:
            # The failed call's frames (in the traceback) still hold the engine: clear them so it
            # closes now, not after the folder is removed (RocksDB then wrote into it again: flaky).
            traceback.clear_frames(exc.__traceback__)
            del engine
            shutil.rmtree(target, ignore_errors=True)
            raise
        del engine  # closes RocksDB before the generation becomes visible
        (target / _MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        (target / _READERS).touch()
        if before_publish is not None:
            _prepare(folder, target, manifest, before_publish)
        _publish(folder, target.name)
        _collect(folder, keep=target.name)
    return UpdateReport(str(folder), target.name, sorted(added), sorted(changed), sorted(removed),
                        len(wanted) - len(added) - len(changed), triples, time.monotonic() - started)


def _prepare(folder: Path, target: Path, manifest: dict[str, Any], work: Callable[[DiskStore], None]) -> None:
    store = DiskStore(folder, target, manifest)
    try:
        work(store)
    except BaseException as exc:
        traceback.clear_frames(exc.__traceback__)
        store.close()
        del store
        shutil.rmtree(target, ignore_errors=True)
        raise
    store.close()


def _graph_iri(path: str) -> str:
    return "urn:leadgraph:file:" + hashlib.sha256(path.encode("utf-8")).hexdigest()[:32]


def _load(engine: ox.Store, engine_path: Path, path: Path, role: str, digest: str) -> dict[str, Any]:
    from leadgraph.store.memory import MemoryStore
    from leadgraph.store.readers import RdfReader, reader_for

    # The reader checks and parses exactly as for an in-memory load (same errors, same
    # blank-node scoping); the triples then go into the file's graph and the default graph.
    staging = MemoryStore()
    reader = reader_for(path)
    if isinstance(reader, RdfReader):
        reader.load_into(staging, path)
    else:
        # A person record names people and organisations by what the data already loaded calls
        # them (a second record about someone extends them), as loading into memory does.
        staging.add(reader.read_in(path, MemoryStore(engine)))
    graph = ox.NamedNode(_graph_iri(str(path)))
    count = len(staging)
    # Through an N-Quads file beside the store, each triple written twice (the file's graph, then
    # the default graph) and bulk-loaded as one document, so a blank node is one node in both
    # copies: 1M triples in about a quarter of the time of feeding Python quads to bulk_extend,
    # with the triples never held as Python objects (checked by the reader, hence lenient).
    triples = engine_path.parent / f".{engine_path.name}.{os.getpid()}.nt"
    quads = triples.with_suffix(".nq")
    try:
        staging.oxigraph.dump(output=str(triples), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        del staging
        suffix = f" <{graph.value}> .\n".encode()
        with triples.open("rb") as lines, quads.open("wb") as out:
            for line in lines:  # each line ends " .\n": N-Triples escapes newlines inside terms
                if not line.endswith(b" .\n"):
                    raise ValueError(f"unexpected line in the engine's N-Triples: {line[:200]!r}")
                out.write(line[:-3] + suffix)
                out.write(line)
        triples.unlink()
        engine.bulk_load(path=str(quads), format=ox.RdfFormat.N_QUADS, lenient=True)
    finally:
        triples.unlink(missing_ok=True)
        quads.unlink(missing_ok=True)
    return {"sha256": digest, "graph": graph.value, "role": role, "triples": count}


def _count_default(engine: ox.Store) -> int:
    """Triples in the default graph, counted by the engine (iterating them in Python took 10 s at 1M)."""
    row = next(iter(engine.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))
    return int(row["n"].value)


def _unload(engine: ox.Store, graph_iri: str) -> None:
    graph = ox.NamedNode(graph_iri)
    for quad in list(engine.quads_for_pattern(None, None, None, graph)):
        engine.remove(quad)
        others = engine.quads_for_pattern(quad.subject, quad.predicate, quad.object, None)
        # Keep the triple in the default graph while another file still says it.
        if not any(q.graph_name != ox.DefaultGraph() for q in others):
            engine.remove(ox.Quad(quad.subject, quad.predicate, quad.object))
    engine.remove_graph(graph)


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, in hex: what the manifest records of each file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _progress(items: list[str], show: bool, what: str) -> Iterable[str]:
    if not show or not items:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=what, unit="file", file=sys.stderr, disable=not sys.stderr.isatty())


# -- the validation report kept with a generation --------------------------------------------------
# The store only keeps the file; leadgraph.validation.incremental decides what is in it. It is
# the one file of a published generation that may be written later: replaced whole by a rename,
# so a reader sees the old report or the new one, never half of one.


def read_validation(generation: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The validation report kept in ``generation``, or ``None`` when there is none (or it is unreadable)."""
    try:
        data = json.loads((Path(generation) / _VALIDATION).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_validation(generation: str | os.PathLike[str], report: dict[str, Any]) -> bool:
    """Keep ``report`` in ``generation``; False when the folder cannot be written (a read-only store)."""
    target = Path(generation) / _VALIDATION
    temporary = target.with_name(f".{_VALIDATION}.{os.getpid()}")
    try:
        temporary.write_text(json.dumps(report, separators=(",", ":")), encoding="utf-8")
        os.replace(temporary, target)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()
        return False
    return True


# -- generations -----------------------------------------------------------------------------------


def _published(folder: Path) -> Path | None:
    try:
        name = (folder / _CURRENT).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    generation = folder / name
    return generation if name.startswith("gen-") and (generation / _MANIFEST).is_file() else None


def _read_manifest(generation: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((generation / _MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"unreadable store manifest: {exc}", path=generation / _MANIFEST) from None
    if manifest.get("format") != FORMAT_VERSION:
        raise DataError(f"store format {manifest.get('format')!r} is not {FORMAT_VERSION}: rebuild it with "
                        "leadgraph store build", path=generation)
    return manifest


def _next_generation(folder: Path) -> str:
    numbers = [int(p.name[4:]) for p in folder.glob("gen-*") if p.name[4:].isdigit()]
    return f"gen-{max(numbers, default=0) + 1:06d}"


def _publish(folder: Path, name: str) -> None:
    temporary = folder / f".{_CURRENT}.{os.getpid()}"
    temporary.write_text(name + "\n", encoding="utf-8")
    with temporary.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, folder / _CURRENT)
    directory = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _collect(folder: Path, keep: str) -> None:
    """Delete generations other than ``keep`` that no reader holds (and half-built ones)."""
    for generation in folder.glob("gen-*"):
        if generation.name == keep or not generation.is_dir():
            continue
        lock_path = generation / _READERS
        if not lock_path.exists():  # an update that died before publishing
            shutil.rmtree(generation, ignore_errors=True)
            continue
        with open(lock_path, "a+") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # a reader still has it open: a later update deletes it
            shutil.rmtree(generation, ignore_errors=True)


@contextlib.contextmanager
def _update_lock(folder: Path) -> Iterator[None]:
    with open(folder / _UPDATE_LOCK, "a+") as lock:
        waited = time.monotonic()
        told = False
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not told and time.monotonic() - waited > _WAIT_NOTICE:
                    print(f"waiting for another update of {folder} to finish...", file=sys.stderr)
                    told = True
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
