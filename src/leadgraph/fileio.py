"""Atomic file writes: a crash or a full disk never leaves a half-written output."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from leadgraph.errors import LeadgraphError


def atomic_write(path: str | Path, data: bytes | str, *, encoding: str = "utf-8") -> Path:
    """Write ``data`` to ``path`` via a temp file in the same folder, fsync, then rename.

    Missing parent folders are created. Readers never see a half-written file, and an
    existing file is replaced only once the new content is safely on disk.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> atomic_write(d / "x.txt", "hello").read_text()
    'hello'
    >>> atomic_write(d / "new" / "y.txt", b"made").read_text()
    'made'
    >>> oct((d / "x.txt").stat().st_mode & 0o777) == oct(0o666 & ~_current_umask())
    True
    """
    path = Path(path)
    if isinstance(data, str):
        data = data.encode(encoding)
    folder = path.parent if str(path.parent) else Path(".")
    # Like `mkdir -p`: asking for out/graph.html should not fail because out/ is new.
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise LeadgraphError(f"cannot write here: {folder} is a file, not a folder", path=path) from None
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        # mkstemp makes the file private (0600); give it the mode a plain open() would, or keep
        # the replaced file's, so exports on a shared drive stay readable by colleagues.
        os.fchmod(fd, _target_mode(path))
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


def atomic_write_chunks(path: str | Path, chunks: Iterable[bytes]) -> Path:
    """:func:`atomic_write` for content produced a piece at a time (a streamed analysis):
    each chunk goes to the temp file as it comes, so memory does not grow with the output.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> atomic_write_chunks(d / "x.csv", iter([b"a,b\\n", b"1,2\\n"])).read_text()
    'a,b\\n1,2\\n'
    >>> def failing():
    ...     yield b"half"
    ...     raise OSError("disk full")
    >>> atomic_write_chunks(d / "x.csv", failing())
    Traceback (most recent call last):
    OSError: disk full
    >>> (d / "x.csv").read_text(), sorted(p.name for p in d.iterdir())
    ('a,b\\n1,2\\n', ['x.csv'])
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise LeadgraphError(f"cannot write here: {folder} is a file, not a folder", path=path) from None
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        os.fchmod(fd, _target_mode(path))
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


def _current_umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def _target_mode(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        return 0o666 & ~_current_umask()
