"""Errors leadgraph raises, each with a documented exit code for the CLI.

Exit codes: 0 ok, 1 data or validation problem, 2 usage problem.
"""

from __future__ import annotations

from pathlib import Path


class LeadgraphError(Exception):
    """Base class: a problem the user can fix, reported as one line with no traceback."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        hint: str | None = None,
        remedy: str | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        # What the user can do about it, shown in brackets. Kept apart from the message, with
        # ``remedy`` naming the knob ("network", "timeout"), so a caller that offers a different
        # knob (the HTTP endpoint, export's --query) rewords the hint instead of the text.
        self.hint = hint
        self.remedy = remedy

    def __str__(self) -> str:
        """``FILE:LINE: message (hint)``, or ``line N: message`` when there is no file.

        >>> str(LeadgraphError("bad", line=3, hint="fix it"))
        'line 3: bad (fix it)'
        >>> str(LeadgraphError("bad", path="q.rq", line=3))
        'q.rq:3: bad'
        """
        where = ""
        if self.path is not None:
            where = self.path + (f":{self.line}" if self.line is not None else "") + ": "
        elif self.line is not None:
            where = f"line {self.line}: "
        return where + self.message + (f" ({self.hint})" if self.hint else "")


class DataError(LeadgraphError):
    """Input data cannot be read: missing path, unknown format, bad syntax, bad encoding (exit 1)."""

    exit_code = 1


class QueryError(LeadgraphError):
    """A query is malformed, unsafe, or ran past its time limit (exit 1)."""

    exit_code = 1


class UsageError(LeadgraphError):
    """The command was called wrongly: bad option value, unknown name, missing parameter (exit 2)."""

    exit_code = 2
