"""What part of the graph to work on: one value shared by export, viz and analyse.

A :class:`Criteria` holds the selection options (see :func:`leadgraph.network.selection.select`
for what each means). Library functions take it as ``criteria=`` or as the same names as
keyword arguments; the CLI builds it once with :func:`leadgraph.cli.options.selection_options`.
This module imports nothing heavy, so the CLI can build the value before any work starts.

>>> c = Criteria.of(None, focus="Phil", hops=2)
>>> bool(c), c.as_kwargs()
(True, {'focus': 'Phil', 'hops': 2})
>>> bool(Criteria()), Criteria.of(c, kinds="person").as_kwargs()
(False, {'focus': 'Phil', 'hops': 2, 'kinds': 'person'})
>>> Criteria.of(None, colour="red")
Traceback (most recent call last):
...
leadgraph.errors.UsageError: unknown selection option 'colour' (choose from focus, hops, kinds, trait, organisation, query)
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from leadgraph.errors import UsageError


@dataclass(frozen=True)
class Criteria:
    """The selection options; ``None`` means not given. ``bool(criteria)`` is whether any is."""

    focus: str | None = None
    hops: int | None = None
    kinds: str | Iterable[str] | None = None
    trait: str | None = None
    organisation: str | None = None
    query: str | os.PathLike[str] | None = None

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    @classmethod
    def of(cls, criteria: Criteria | None = None, selection: Mapping[str, Any] | None = None,
           **more: Any) -> Criteria:
        """``criteria`` with the options in ``selection`` / ``more`` added (given ones win)."""
        given = {**(selection or {}), **more}
        unknown = sorted(set(given) - set(cls.names()))
        if unknown:
            raise UsageError(f"unknown selection option {', '.join(map(repr, unknown))} "
                             f"(choose from {', '.join(cls.names())})")
        base = criteria if criteria is not None else cls()
        return replace(base, **{k: v for k, v in given.items() if v is not None})

    def as_kwargs(self) -> dict[str, Any]:
        """The options given, as keyword arguments of :func:`~leadgraph.network.selection.select`."""
        return {name: getattr(self, name) for name in self.names() if getattr(self, name) is not None}

    def __bool__(self) -> bool:
        return bool(self.as_kwargs())
