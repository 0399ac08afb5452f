"""Rows as text: the one CSV/TSV writer and the one terminal table, for every command.

Query results, analyses, exports and the endpoint all write tables through here, so every
CSV cell gets the spreadsheet-formula guard and every terminal cell the same alignment and
escaping.

>>> print(write_csv(["name", "note"], [["Phil", "=HYPERLINK(\\"x\\")"], ["Ana", 3]]).decode(), end="")
name,note
Phil,"'=HYPERLINK(""x"")"
Ana,3
>>> print(text_table(["name", "n"], [["Phil", 2], ["日本", 10]]), end="")
name  n
----  --
Phil  2
日本  10
(2 rows)
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet runs as a formula when a cell starts with it."""
MAX_WIDTH = 60
"""Table cells longer than this are shortened with an ellipsis (full values: other formats)."""
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def column_letter(number: int) -> str:
    """A spreadsheet column's letters for its 1-based number.

    >>> column_letter(1), column_letter(5), column_letter(27)
    ('A', 'E', 'AA')
    """
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_text(value: Any) -> str:
    """A value as table text: booleans as ``true``/``false``, dates in ISO form, ``None`` empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return str(value)


def guard(value: Any) -> str:
    """A CSV cell. Text that Excel or LibreOffice would run as a formula (starting with
    ``= + - @``, a tab or a carriage return) gets a leading ``'``, so a crafted name or quote
    such as ``=HYPERLINK(...)`` shows as text (OWASP's advice for CSV injection). Numbers are
    written as they are.

    >>> guard("=1+1"), guard("-5"), guard(-5), guard(True), guard("Phil"), guard(None)
    ("'=1+1", "'-5", '-5', 'true', 'Phil', '')
    """
    text = cell_text(value)
    if isinstance(value, str) and text.startswith(FORMULA_START):
        return "'" + text
    return text


def iter_csv(header: Sequence[str], rows: Iterable[Sequence[Any]], *, delimiter: str = ",",
             lineterminator: str = "\n", bom: bool = False) -> Iterator[bytes]:
    """The CSV (or, with ``delimiter="\\t"``, TSV) document line by line, so huge outputs stream."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=lineterminator)
    writer.writerow(header)
    first = buffer.getvalue().encode("utf-8")
    yield (b"\xef\xbb\xbf" + first) if bom else first
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([guard(v) for v in row])
        yield buffer.getvalue().encode("utf-8")


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Any]], *, delimiter: str = ",",
              lineterminator: str = "\n", bom: bool = False) -> bytes:
    """The whole CSV/TSV document (see :func:`iter_csv`). ``bom`` and ``"\\r\\n"`` suit spreadsheets."""
    return b"".join(iter_csv(header, rows, delimiter=delimiter, lineterminator=lineterminator, bom=bom))


def _char_width(char: str) -> int:
    """Terminal columns a character takes: 0 for combining marks and other zero-width
    characters, 2 for East Asian wide characters and most emoji, else 1."""
    if char.isascii():
        return 1 if char.isprintable() else 0
    import unicodedata  # a C module, imported only for non-ASCII text

    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal (what table alignment has to count, not ``len``).

    >>> display_width("Phill"), display_width("e\\u0301cole"), display_width("日本"), display_width("“x”")
    (5, 5, 4, 3)
    """
    if text.isascii():
        return len(text)
    return sum(_char_width(c) for c in text)


def _shorten(text: str, width: int) -> str:
    if display_width(text) <= width:
        return text
    kept, used = [], 0
    for char in text:
        used += _char_width(char)
        if used > width - 1:
            break
        kept.append(char)
    return "".join(kept) + "…"


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def terminal_cell(value: Any, width: int = MAX_WIDTH) -> str:
    """One table cell: on one line, no control or bidi characters, at most ``width`` columns."""
    text = " ".join(cell_text(value).split())  # one line per row, whatever the value holds
    if not text.isprintable():
        # Data must not drive the terminal: an ESC could start a control sequence and a
        # bidi override could reorder what the table shows.
        text = _UNSAFE.sub("\ufffd", text)
    return _shorten(text, width)


def text_table(header: Sequence[str], rows: Iterable[Sequence[Any]], width: int = MAX_WIDTH) -> str:
    """Rows aligned in columns under ``header``, with a count: what ``--format table`` prints."""
    cells = [[terminal_cell(v, width) for v in row] for row in rows]
    count = len(cells)
    footer = f"({count} row{'' if count == 1 else 's'})" if count else "(no results)"
    if not header:  # SELECT * over a pattern with no variables: nothing to line up
        return footer + "\n"
    widths = [max([display_width(n)] + [display_width(r[i]) for r in cells]) for i, n in enumerate(header)]
    lines = ["  ".join(_pad(n, w) for n, w in zip(header, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_pad(c, w) for c, w in zip(row, widths)).rstrip() for row in cells]
    lines.append(footer)
    return "\n".join(lines) + "\n"


def csv_field(text: str, delimiter: str = ",") -> str:
    """One already-guarded cell quoted exactly as :func:`iter_csv` quotes it inside a row, for
    writers that join lines from pieces escaped once (the similarity pairs, millions of lines).

    >>> print(csv_field("plain"), csv_field('say "hi" now'), csv_field("a,b"), csv_field("a,b", "\\t"))
    plain "say ""hi"" now" "a,b" a,b
    """
    if delimiter not in text and '"' not in text and "\n" not in text and "\r" not in text:
        return text
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerow([text, ""])
    return out.getvalue()[: -len(delimiter) - 1]  # the row ends in the empty cell's delimiter and "\n"
