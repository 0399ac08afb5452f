"""Where a command's bytes go: a file named with -o (atomically), or stdout."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable

import click


def emit(body: bytes, output: str | None) -> None:
    """Write ``body`` atomically to ``output`` and say so on stderr, or write it to stdout as bytes."""
    if output is not None:
        from leadgraph.fileio import atomic_write

        atomic_write(output, body)
        click.echo(f"wrote {output}", err=True)
        return
    # Text echoed earlier must come out before the raw bytes.
    sys.stdout.flush()
    sys.stdout.buffer.write(body)
    sys.stdout.buffer.flush()


def emit_chunks(chunks: Iterable[bytes], output: str | None) -> None:
    """:func:`emit` for output produced a piece at a time: nothing is held whole. To ``output``
    the pieces go to a temp file renamed into place at the end, so an error part-way (or a
    full disk) leaves the old file as it was."""
    if output is not None:
        from leadgraph.fileio import atomic_write_chunks

        atomic_write_chunks(output, chunks)
        click.echo(f"wrote {output}", err=True)
        return
    sys.stdout.flush()
    try:
        for chunk in chunks:
            sys.stdout.buffer.write(chunk)
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        # The reader went away (`| head`): stop computing and end quietly, as a finished run
        # (click would otherwise report exit status 1).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise click.exceptions.Exit(0) from None
