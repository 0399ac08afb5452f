"""Answers kept beside an on-disk store generation: computed once, reused until the data changes.

A published generation never changes (see :mod:`leadgraph.store.disk`), so whatever is
computed from it -- the rows of a named query with given parameters, the network the page
draws, a validation report -- stays true for as long as the generation exists, and goes
with it when a later update collects the generation. That is what makes it safe to keep:
there is nothing to invalidate. An entry is one file::

    DIR/gen-000003/derived/KIND/KEY.json.gz

``KEY`` hashes everything the answer depends on besides the data: the recipe the caller
gives (query text, parameters, options) and :func:`code_stamp` (the leadgraph version and the
size and modification time of every module of the package), so a changed query file or an
upgraded leadgraph computes afresh instead of reading an old answer. Entries are written atomically, so a reader sees a whole entry or none; a store
folder that cannot be written (read-only media) simply keeps nothing.

Only :class:`~leadgraph.store.disk.DiskStore` generations keep answers: memory stores are
rebuilt every run, and a remote endpoint's data can change under us.

>>> import tempfile, pathlib
>>> from leadgraph.loading import build_store, open_store, store_of
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "store"
>>> _ = build_store(folder)
>>> store = store_of(open_store(folder))
>>> key = entry_key("example", {"n": 1})
>>> get(store, "example", key) is None
True
>>> put(store, "example", key, {"rows": [[1, "a"]]})
True
>>> get(store, "example", key)
{'rows': [[1, 'a']]}
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

FORMAT_VERSION = 1
"""Bumped when the layout of entries changes; part of every key."""
FOLDER = "derived"


def folder_of(store: Any) -> Path | None:
    """The folder ``store``'s answers live in, or ``None`` for a store that keeps none."""
    generation = getattr(store, "generation", None)
    return Path(generation) / FOLDER if isinstance(generation, Path) else None


def entry_key(kind: str, recipe: Any) -> str:
    """A stable name for the answer of ``kind`` computed from ``recipe`` (anything JSON can
    write: dicts are sorted) by this leadgraph (:func:`code_stamp`).

    >>> entry_key("q", {"b": 1, "a": 2}) == entry_key("q", {"a": 2, "b": 1})
    True
    >>> entry_key("q", {"a": 1}) == entry_key("q", {"a": 2})
    False
    """
    parts = [FORMAT_VERSION, kind, recipe, code_stamp()]
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:32]


def engine_version() -> str:
    """The version of the engine answers are computed by (part of a query answer's key)."""
    import pyoxigraph

    return str(pyoxigraph.__version__)


@lru_cache(maxsize=1)
def code_stamp() -> list[Any]:
    """What computed an answer: the leadgraph version and every module of the package (path, size,
    modification time), read from the files, so the stamp is the same whatever a process has
    imported, and an edited or upgraded leadgraph computes afresh (about 1 ms)."""
    from leadgraph import __version__

    root = Path(__file__).resolve().parent.parent
    stamps: list[Any] = [__version__]
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
        for name in sorted(names):
            if name.endswith((".py", ".rq", ".ttl", ".json")):
                stat = os.stat(os.path.join(folder, name))
                stamps.append([os.path.relpath(os.path.join(folder, name), root), stat.st_size, stat.st_mtime_ns])
    return stamps


def path_of(store: Any, kind: str, key: str) -> Path | None:
    """Where the entry ``kind``/``key`` of ``store`` lives (whether or not it exists)."""
    folder = folder_of(store)
    if folder is None:
        return None
    if not kind.replace("-", "").isalnum() or not key.isalnum():
        raise ValueError(f"bad answer name {kind!r}/{key!r}")
    return folder / kind / f"{key}.json.gz"


def get(store: Any, kind: str, key: str) -> Any:
    """The kept answer, or ``None`` when there is none (or it cannot be read: then it is
    computed again, never trusted half-read)."""
    path = path_of(store, kind, key)
    if path is None:
        return None
    try:
        with gzip.open(path, "rb") as fh:
            return json.loads(fh.read())
    except (OSError, EOFError, ValueError):
        return None


def put(store: Any, kind: str, key: str, value: Any, *, entries: int | None = None, size: int | None = None) -> bool:
    """Keep ``value`` (anything JSON can write) as the answer ``kind``/``key``; ``False`` when
    the store keeps none or its folder cannot be written. With ``entries`` and ``size``, the
    oldest answers of ``kind`` beyond them are dropped afterwards (:func:`trim`)."""
    from leadgraph.errors import LeadgraphError
    from leadgraph.fileio import atomic_write

    path = path_of(store, kind, key)
    if path is None:
        return False
    data = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")
    try:
        atomic_write(path, gzip.compress(data, compresslevel=1, mtime=0))
    except (OSError, LeadgraphError):  # atomic_write names a folder it cannot write as a LeadgraphError
        return False
    if entries is not None and size is not None:
        trim(store, kind, entries=entries, size=size)
    return True


def kinds(store: Any) -> dict[str, int]:
    """How many answers of each kind ``store`` keeps (for ``store info`` and tests)."""
    folder = folder_of(store)
    if folder is None or not folder.is_dir():
        return {}
    return {sub.name: sum(1 for _ in sub.glob("*.json.gz")) for sub in sorted(folder.iterdir()) if sub.is_dir()}


def trim(store: Any, kind: str, *, entries: int, size: int) -> int:
    """Drop the oldest answers of ``kind`` (by modification time) until at most ``entries`` remain
    taking at most ``size`` bytes; returns how many were dropped (0 when nothing can be written)."""
    folder = folder_of(store)
    if folder is None:
        return 0
    found = []
    try:
        for path in (folder / kind).glob("*.json.gz"):
            stat = path.stat()
            found.append((stat.st_mtime_ns, path.name, stat.st_size, path))
    except OSError:
        return 0
    total = sum(item[2] for item in found)
    if len(found) <= entries and total <= size:
        return 0
    dropped = 0
    for _, _, bytes_, path in sorted(found):
        if len(found) - dropped <= entries and total <= size:
            break
        try:
            path.unlink()
        except OSError:
            return dropped
        dropped += 1
        total -= bytes_
    return dropped
