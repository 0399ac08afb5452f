"""The generated reference documents: which exist, and how to write one.

>>> sorted(DOCUMENTS)
['cli', 'ontology']
"""

from __future__ import annotations

from importlib import import_module

DOCUMENTS = {"ontology": "leadgraph.docs.ontology", "cli": "leadgraph.docs.cli"}
"""Document name -> module with a ``render_reference()`` returning its Markdown."""


def write_reference(what: str, output: str | None = None) -> str:
    """Render document ``what``; write it atomically to ``output`` when given. Returns the text."""
    text = import_module(DOCUMENTS[what]).render_reference()
    if output is not None:
        from leadgraph.fileio import atomic_write

        atomic_write(output, text)
    return text
