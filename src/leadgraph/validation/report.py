"""What validation returns, whichever engine ran: results named for a reader, and the report."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from leadgraph.namespaces import PREFIXES

# Links that best identify an anonymous node to a reader, in order of preference.
IDENTIFYING = (
    PREFIXES["org"] + "member",
    PREFIXES["lg"] + "person",
    PREFIXES["schema"] + "creator",
    PREFIXES["org"] + "organization",
)

SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL result, with terms shortened to prefixed names (``lgd:ayesha-rahim``).

    ``focus_node`` names the node that failed; an anonymous (blank) node is described by
    its type and the resource it hangs off, e.g. ``[org:Membership; org:member lgd:x]``.
    ``path`` is the property path (``^org:member`` for an inverse path), ``value`` the
    offending value when there is one, ``source_shape`` the node shape the check is in.
    """

    focus_node: str
    path: str | None
    message: str
    severity: str
    source_shape: str | None
    value: str | None = None

    def text(self) -> str:
        lines = [f"- {self.severity}: {self.focus_node}"]
        if self.path:
            lines.append(f"    path:    {self.path}")
        lines.append(f"    message: {self.message}")
        if self.value is not None:
            lines.append(f"    value:   {self.value}")
        if self.source_shape:
            lines.append(f"    shape:   {self.source_shape}")
        return "\n".join(lines)


def sort_results(results: Any) -> list[ValidationResult]:
    """Unique results, worst first. Two constraints sharing one sh:message (say minLength and
    pattern) would otherwise read as a duplicate."""
    return sorted(set(results), key=lambda r: (SEVERITY_ORDER.get(r.severity, 3), r.focus_node, r.path or "",
                                               r.message, r.value or "", r.source_shape or ""))


@dataclass
class ValidationReport:
    """The outcome of :func:`validate`: ``conforms`` and the list of results, worst first."""

    conforms: bool
    results: list[ValidationResult] = field(default_factory=list)
    triples: int = 0
    files: int = 0

    def text(self) -> str:
        """A readable report: one summary line, then focus node, path and message per result.

        >>> ValidationReport(True, [], triples=10, files=2).text()
        'conforms: 10 triples from 2 files'
        """
        if self.conforms and not self.results:
            return f"conforms: {self.triples} triples from {self.files} files"
        head = "conforms" if self.conforms else "does not conform"
        count = len(self.results)
        lines = [
            f"{head}: {count} problem{'s' if count != 1 else ''} "
            f"in {self.triples} triples from {self.files} files"
        ]
        lines.extend(result.text() for result in self.results)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return {
            "conforms": self.conforms,
            "triples": self.triples,
            "files": self.files,
            "results": [asdict(result) for result in self.results],
        }


def conforms(results: list[ValidationResult]) -> bool:
    """Only violations fail: warnings and infos are reported but the data still conforms."""
    return not any(r.severity == "Violation" for r in results)
