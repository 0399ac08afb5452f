"""Draft person records from an interview article: ``draft()``.

The pipeline, one module each: :mod:`.text` reads the article (plain text, or a saved page's
main text by trafilatura) and cuts it into paragraphs and sentences with offsets;
:mod:`.gazetteer` reads what to recognise from the loaded graph (organisations by every name,
vocabularies by label and cue phrase); :mod:`.extract` finds the people and drafts their facts,
each with its evidence; :mod:`.writer` writes the YAML records (evidence as comments) and the
evidence as JSON; :mod:`.review` writes the review page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from leadgraph.errors import UsageError


@dataclass
class DraftResult:
    """What :func:`draft` made: ``people`` (:class:`~leadgraph.drafting.extract.PersonDraft`),
    the record ``files`` written (with their ``.evidence.json``), and the ``review`` page."""

    article: Any
    people: list[Any]
    files: list[Path] = field(default_factory=list)
    review: Path | None = None
    records: dict[str, str] = field(default_factory=dict)  # file name -> YAML text


def draft(article: str | Path, *, title: str | None = None, publisher: str | None = None,
          date: str | None = None, url: str | None = None, output: str | Path | None = "drafts",
          review: str | Path | None = None, force: bool = False, data: Any = None,
          graph: Any = None) -> DraftResult:
    """Draft one person record per person the article introduces.

    ``article`` is a ``.txt`` file or a saved ``.html`` page; ``title``, ``date`` (YYYY-MM-DD),
    ``url`` and ``publisher`` describe it where the page's metadata does not (a missing date or
    title is a :class:`~leadgraph.errors.UsageError` naming the option). Organisations and
    vocabulary come from ``graph`` or ``load(data)`` (the bundled data by default). Records go
    to ``output`` (a folder, atomically, never over an existing file unless ``force``; ``None``
    writes nothing), each ``<person>.yaml`` beside ``<person>.evidence.json``; ``review`` is
    the path of a review page to write.
    """
    from leadgraph.drafting.extract import Drafter
    from leadgraph.drafting.gazetteer import Gazetteer
    from leadgraph.drafting.text import read_article
    from leadgraph.drafting.writer import evidence_json, record_yaml
    from leadgraph.fileio import atomic_write
    from leadgraph.loading import store_of
    from leadgraph.records.vocabulary import slug

    text = read_article(article, title=title, date=date, url=url, publisher=publisher)
    folder = Path(output) if output is not None else None
    if folder is not None:
        _refuse_data_folder(folder)
    if review is not None:
        _refuse_data_folder(Path(review).parent, what=f"{review}: the review page")
    people = Drafter(text, Gazetteer(store_of(graph, data))).run()
    check_verbatim(text.text, people)
    result = DraftResult(text, people)
    for person in people:
        name = slug(person.name) + ".yaml"
        result.records[name] = record_yaml(person, text)
    if folder is not None:
        for person in people:
            name = slug(person.name) + ".yaml"
            target = folder / name
            if target.exists() and not force:
                raise UsageError(f"{target}: already exists (a draft you may have edited): "
                                 f"choose another -o folder, or pass --force to replace it")
        for person in people:
            name = slug(person.name) + ".yaml"
            result.files.append(atomic_write(folder / name, result.records[name]))
            sidecar = json.dumps(evidence_json(person, text, name), ensure_ascii=False, indent=1)
            atomic_write(folder / (slug(person.name) + ".evidence.json"), sidecar + "\n")
    if review is not None:
        from leadgraph.drafting.review import write_review

        result.review = write_review(result, review)
    return result


def check_verbatim(text: str, people: list[Any]) -> None:
    """Every quotation is the article's own text at its offsets (an internal check: a failure
    is a bug, never a draft)."""
    for person in people:
        for fact in person.section("quotes"):
            ev = fact.evidence[0]
            if fact.data["text"] != text[ev.start:ev.end] or fact.data["text"] not in text:
                raise AssertionError(f"quotation not verbatim: {fact.data['text']!r}")


def _refuse_data_folder(folder: Path, what: str | None = None) -> None:
    from leadgraph import resources

    data = resources.data_dir().resolve()
    target = folder.resolve()
    if target == data or data in target.parents:
        if what is not None:
            raise UsageError(f"{what} never goes into the bundled data folder ({data}), where it "
                             f"would be read as data: write it elsewhere (--review review.html)")
        raise UsageError(f"{folder}: drafts never go into the bundled data folder ({data}); "
                         f"write them elsewhere (-o drafts/) and move them in after review")
