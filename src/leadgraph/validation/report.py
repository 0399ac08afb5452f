"""What validation returns, whichever engine ran: results named for a reader, and the report."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from leadgraph.namespaces import PREFIXES
from leadgraph.tabular import column_letter

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
    file: str | None = None
    line: int | None = None
    column: int | None = None
    fix: str | None = None

    @property
    def level(self) -> str:
        """``error`` (sh:Violation: broken data), ``warning`` (a likely mistake) or ``info``."""
        return LEVELS.get(self.severity, self.severity.lower())

    def where(self) -> str | None:
        """``file:line`` with the column (for a CSV file, the row and column letter), if known."""
        if self.file is None:
            return None
        if self.line is None:
            return self.file
        place = f"{self.file}:{self.line}"
        if self.column is not None:
            if self.file.lower().endswith(".csv"):
                place += f" (row {self.line}, column {column_letter(self.column)})"
            else:
                place += f" (column {self.column})"
        return place

    def text(self) -> str:
        lines = [f"- {self.level}: {self.focus_node}"]
        where = self.where()
        if where:
            lines.append(f"    at:      {where}")
        if self.path:
            lines.append(f"    path:    {self.path}")
        lines.append(f"    message: {self.message}")
        if self.value is not None:
            lines.append(f"    value:   {self.value}")
        if self.fix:
            lines.append(f"    fix:     {self.fix}")
        if self.source_shape:
            lines.append(f"    shape:   {self.source_shape}")
        return "\n".join(lines)


LEVELS = {"Violation": "error", "Warning": "warning", "Info": "info"}


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
    strict: bool = False

    @property
    def errors(self) -> int:
        return sum(1 for r in self.results if r.severity == "Violation")

    @property
    def warnings(self) -> int:
        return sum(1 for r in self.results if r.severity == "Warning")

    def text(self) -> str:
        """A readable report: one summary line, then per result its level and node, where it is
        written, the path, message, value and fix.

        >>> ValidationReport(True, [], triples=10, files=2).text()
        'conforms: 10 triples from 2 files'
        """
        if self.conforms and not self.results:
            return f"conforms: {self.triples} triples from {self.files} files"
        head = "conforms" if self.conforms else "does not conform"
        if not self.conforms and self.strict and not self.errors:
            head += " (--strict: warnings fail)"
        count = len(self.results)
        kinds = [f"{n} {word}{'s' if n != 1 else ''}" for n, word in ((self.errors, "error"), (self.warnings, "warning"))
                 if n]
        lines = [
            f"{head}: {count} problem{'s' if count != 1 else ''} ({', '.join(kinds) or 'information only'}) "
            f"in {self.triples} triples from {self.files} files"
        ]
        lines.extend(result.text() for result in self.results)
        return "\n".join(lines)

    @classmethod
    def unreadable(cls, errors: list[Any], *, strict: bool = False) -> ValidationReport:
        """The report for data that could not even be read: one error per problem of each
        :class:`~leadgraph.errors.DataError` (a file that cannot be parsed, every bad row of a CSV),
        with its file, line and column, so ``--format json`` stays JSON whatever went wrong."""
        from leadgraph.errors import each_error

        results = [reading_result(problem) for exc in errors for problem in each_error(exc)]
        return cls(False, results, strict=strict)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return {
            "conforms": self.conforms,
            "strict": self.strict,
            "errors": self.errors,
            "warnings": self.warnings,
            "triples": self.triples,
            "files": self.files,
            "results": [{**asdict(result), "level": result.level} for result in self.results],
        }


def conforms(results: list[ValidationResult], strict: bool = False) -> bool:
    """Violations fail; warnings and infos are reported but the data still conforms, unless
    ``strict``, when warnings fail too."""
    failing = ("Violation", "Warning") if strict else ("Violation",)
    return not any(r.severity in failing for r in results)


_YAML_COLUMN = re.compile(r" \(column (\d+)\)$")
_CSV_COLUMN = re.compile(r"^row \d+, column ([A-Z]+)\b")


def reading_result(error: Any) -> ValidationResult:
    """A :class:`ValidationResult` (an error) for a problem that stopped a file from being read."""
    message, column = error.message, None
    if error.hint:
        message += f" ({error.hint})"
    found = _YAML_COLUMN.search(message)
    if found:
        column = int(found.group(1))
    elif (found := _CSV_COLUMN.match(message)) is not None:
        column = column_index(found.group(1))
    return ValidationResult(focus_node=error.path or "(data)", path=None, message=message, severity="Violation",
                            source_shape=None, file=error.path, line=error.line, column=column,
                            fix="correct the file where the message says, then validate again (nothing in "
                                "it was checked further)")


def column_index(letters: str) -> int:
    """The 1-based number of a spreadsheet column letter (``A`` 1, ``AA`` 27); see ``column_letter``."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number
