"""Errors leadgraph raises, each with a documented exit code for the CLI.

Exit codes: 0 ok, 1 data or validation problem, 2 usage problem.
"""

from __future__ import annotations

from pathlib import Path


class LeadgraphError(Exception):
    """Base class: a problem the user can fix, reported as one line with no traceback."""

    exit_code = 1

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path + (f":{self.line}" if self.line is not None else "") + ": "
        return where + self.message


class DataError(LeadgraphError):
    """Input data cannot be read: missing path, unknown format, bad syntax, bad encoding (exit 1)."""

    exit_code = 1


class ValidationError(LeadgraphError):
    """The data does not conform to the shapes (exit 1)."""

    exit_code = 1


class QueryError(LeadgraphError):
    """A query is malformed, unsafe, or ran past its time limit (exit 1)."""

    exit_code = 1


class UsageError(LeadgraphError):
    """The command was called wrongly: bad option value, unknown name, missing parameter (exit 2)."""

    exit_code = 2
