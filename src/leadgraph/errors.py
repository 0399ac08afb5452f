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


class DataErrors(DataError):
    """Several problems found in one file in one pass (every bad row of a CSV, every schema
    problem of a YAML record), so a curator fixes them all in one run rather than one per run.

    ``errors`` holds each problem as a :class:`DataError` (file, line, message), in file order.
    As an exception it reads as the first problem and how many more there are; the CLI prints
    each on its own line (the first :data:`SHOWN`, then "and N more").

    >>> str(DataErrors([DataError("a", path="f.csv", line=2), DataError("b", path="f.csv", line=5)]))
    'f.csv:2: a (and 1 more problem in this file)'
    """

    SHOWN = 50
    """How many problems the command line prints before "and N more"."""

    def __init__(self, errors: list[DataError]):
        if not errors:
            raise ValueError("DataErrors needs at least one error")
        self.errors = sorted(errors, key=lambda e: (e.line or 0))
        first = self.errors[0]
        more = len(self.errors) - 1
        super().__init__(first.message, path=first.path, line=first.line, hint=first.hint)
        self.more = more

    def __reduce__(self):  # pickled whole (a forked worker's error), not rebuilt from its message
        return (DataErrors, (self.errors,))

    def __str__(self) -> str:
        text = super().__str__()
        if self.more:
            text += f" (and {self.more} more problem{'s' if self.more != 1 else ''} in this file)"
        return text

    @classmethod
    def of(cls, errors: list[DataError]) -> DataError:
        """One error as itself, several as a :class:`DataErrors` (raise the result)."""
        return errors[0] if len(errors) == 1 else cls(errors)


def each_error(exc: LeadgraphError) -> list[LeadgraphError]:
    """The problems an error stands for: its ``errors`` when it holds several, else itself."""
    return list(getattr(exc, "errors", None) or [exc])


def shown_errors(exc: LeadgraphError, limit: int | None = None) -> list[str]:
    """Each problem of ``exc`` as a line (``FILE:LINE: message``), at most ``limit`` (default
    :attr:`DataErrors.SHOWN`) of them, then ``FILE: and N more problems``."""
    problems = each_error(exc)
    limit = DataErrors.SHOWN if limit is None else limit
    lines = [str(p) for p in problems[:limit]]
    if len(problems) > limit:
        rest = len(problems) - limit
        where = f"{problems[0].path}: " if problems[0].path else ""
        lines.append(f"{where}and {rest} more problem{'s' if rest != 1 else ''}")
    return lines


class QueryError(LeadgraphError):
    """A query is malformed, unsafe, or ran past its time limit (exit 1)."""

    exit_code = 1


class UsageError(LeadgraphError):
    """The command was called wrongly: bad option value, unknown name, missing parameter (exit 2)."""

    exit_code = 2
