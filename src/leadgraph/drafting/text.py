"""The article as text: reading a file (plain text or a saved web page), and paragraphs and
sentences with character offsets into that text.

Offsets always index :attr:`Article.text` exactly as drafted: the review page highlights
``text[start:end]`` and the YAML comments quote it.

>>> parts = sentences("Garry looks after approx. 500 systems. He has been there 32 years.", 0)
>>> [(s.start, s.end, s.text) for s in parts]
[(0, 38, 'Garry looks after approx. 500 systems.'), (39, 66, 'He has been there 32 years.')]
"""

from __future__ import annotations

import datetime as dt
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from leadgraph.errors import DataError, UsageError

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
_ABBREVIATIONS = {"approx", "e.g", "i.e", "etc", "dr", "mr", "mrs", "ms", "prof", "st", "no", "vs", "c", "ca"}
# A sentence ends at . ! ? (and a closing quote after one), before a space and what can start one.
_END = re.compile(r"""[.!?]+["”’)]*(?=\s+["“‘(]?[A-Z0-9])""")


@dataclass
class Span:
    """``text[start:end]`` of the article."""

    start: int
    end: int
    text: str


@dataclass
class Paragraph(Span):
    sentences: list[Span] = field(default_factory=list)


@dataclass
class Article:
    """The text drafts are made from, and what is known about where it came from."""

    text: str
    path: str
    title: str | None = None
    date: str | None = None
    url: str | None = None
    publisher: str | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)


def read_article(path: str | Path, *, title: str | None = None, date: str | None = None,
                 url: str | None = None, publisher: str | None = None) -> Article:
    """The article at ``path``: a ``.html`` page's main text (trafilatura) or a plain-text file.

    A page's own metadata (title, date, URL, site name) is used where the option is not given;
    a missing date or title is a :class:`UsageError` saying which option gives it.
    """
    p = Path(path)
    try:
        mode = p.stat().st_mode
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):  # a FIFO or device would block the read forever
            raise DataError(f"{path}: not a regular file (a named pipe, socket or device): save the article "
                            "to a file first")
        raw = p.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{path}: a folder, not an article file") from None
    except OSError as exc:  # permission denied, a name too long, an I/O error
        raise DataError(f"{path}: cannot read the article: {exc.strerror or exc}") from None
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(f"{path}:{line}: invalid UTF-8: byte 0x{raw[exc.start]:02x} (save the file as UTF-8)") from None
    meta: dict[str, str | None] = {}
    if p.suffix.lower() in HTML_SUFFIXES:
        content, meta = _html_text(content, str(path))
    text = content.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DataError(f"{path}:1: no text to draft from")
    article = Article(text=text, path=str(path), title=title or meta.get("title"), date=date or meta.get("date"),
                      url=url or meta.get("url"), publisher=publisher or meta.get("publisher"))
    if not article.date:
        raise UsageError(f"{path}: the article's date is not known ("
                         + ("the page's metadata has none" if meta else "a plain-text file has no metadata")
                         + "): give it with --date YYYY-MM-DD (date=... in Python)")
    try:
        article.date = dt.date.fromisoformat(str(article.date)[:10]).isoformat()
    except ValueError:
        raise UsageError(f"bad date {article.date!r}: expected YYYY-MM-DD (--date)") from None
    if not article.title:
        raise UsageError(f"{path}: the article's title is not known: give it with --title TEXT (title=... in Python)")
    if article.url and not re.match(r"^https?://\S+$", article.url):
        raise UsageError(f"bad URL {article.url!r}: expected http:// or https:// (--url)")
    article.paragraphs = paragraphs(text)
    return article


def _html_text(page: str, path: str) -> tuple[str, dict[str, str | None]]:
    """The main text of a saved web page, and its metadata, by trafilatura (offline: it is
    given the page, never a URL)."""
    import trafilatura

    text = trafilatura.extract(page, include_comments=False, include_tables=False, favor_precision=True,
                               with_metadata=False, deduplicate=False)
    if not text:
        raise DataError(f"{path}: trafilatura found no main text in the page")
    text = "\n\n".join(line for line in text.split("\n") if line.strip())  # one block a line: paragraphs
    meta = trafilatura.extract_metadata(page)
    found: dict[str, str | None] = {}
    if meta is not None:
        found = {"title": meta.title, "date": meta.date, "url": meta.url, "publisher": meta.sitename}
    return text, found


def paragraphs(text: str) -> list[Paragraph]:
    """Paragraphs (runs of non-blank lines) with their sentences."""
    found = []
    for m in re.finditer(r"[^\n]+(?:\n[^\S\n]*[^\s][^\n]*)*", text):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            found.append(Paragraph(start, end, text[start:end], sentences(text[start:end], start)))
    return found


def sentences(text: str, offset: int = 0) -> list[Span]:
    """``text`` cut into sentences, each with its offsets (plus ``offset``) into the article."""
    found, start = [], 0
    for m in _END.finditer(text):
        end = m.end()
        word = re.search(r"([A-Za-z.]+)\.$", text[start:m.start() + 1])
        if m.group().startswith(".") and word and word.group(1).lower().rstrip(".") in _ABBREVIATIONS:
            continue
        if text[m.start() - 1: m.start()].isdigit() and text[end:end + 2].strip()[:1].isdigit():
            continue
        found.append(_trimmed(text, start, end, offset))
        start = end
    if text[start:].strip():
        found.append(_trimmed(text, start, len(text), offset))
    return [s for s in found if s.text]


def _trimmed(text: str, start: int, end: int, offset: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start + offset, end + offset, text[start:end])
