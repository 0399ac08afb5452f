"""leadgraph: a sourced knowledge graph of NHS technology leaders."""

from __future__ import annotations

__version__ = "0.1.0"
