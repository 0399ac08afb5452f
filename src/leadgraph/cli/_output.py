"""Where a command's bytes go: a file named with -o (atomically), or stdout."""

from __future__ import annotations

import sys

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
