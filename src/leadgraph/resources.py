"""Where the bundled ontology, shapes, data and named queries live.

A source checkout keeps them at the repository root (``ontology/``, ``data/``,
``examples/queries/``); a built wheel carries copies under ``leadgraph/_bundled/``.
The wheel copy wins when present, so an installed package never reads a stray
checkout that happens to sit above it.

>>> ontology_dir().name
'ontology'
>>> shapes_path().name
'shapes.ttl'
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_BUNDLED = _PACKAGE / "_bundled"
_CHECKOUT = _PACKAGE.parent.parent  # src/leadgraph -> repository root


def _locate(bundled: str, checkout: str) -> Path:
    wheel_copy = _BUNDLED / bundled
    if wheel_copy.exists():
        return wheel_copy
    return _CHECKOUT / checkout


def ontology_dir() -> Path:
    """Folder of the ontology Turtle files (``shapes.ttl`` included)."""
    return _locate("ontology", "ontology")


def shapes_path() -> Path:
    """The SHACL shapes file that :func:`leadgraph.validation.validate` checks against."""
    return ontology_dir() / "shapes.ttl"


def data_dir() -> Path:
    """Folder of the bundled dataset (the seed article's six leaders)."""
    return _locate("data", "data")


def queries_dir() -> Path:
    """Folder of the named SPARQL queries shipped with leadgraph."""
    return _locate("queries", "examples/queries")


def ontology_files() -> list[Path]:
    """The ontology files every graph loads: ``ontology/*.ttl`` except the shapes, sorted.

    The shapes stay out of the graph: they describe the data, they are not part of it.
    """
    folder = ontology_dir()
    if not folder.is_dir():
        return []
    shapes = shapes_path().name
    return sorted(p for p in folder.glob("*.ttl") if p.name != shapes and not p.name.startswith("."))
