"""Working with records: :func:`convert` them to Turtle, start a new one with :func:`new_person`."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from leadgraph import resources
from leadgraph.errors import DataError, UsageError
from leadgraph.records.vocabulary import Reference, Unknown, slug
from leadgraph.records.yaml import SCHEMA_PATH


def _files(paths: Iterable[str | Path]) -> list[Path]:
    from leadgraph.store.readers import READERS, reader_for

    found: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in READERS
                            and not any(part.startswith(".") for part in p.relative_to(path).parts))
            if not inside:
                raise DataError("folder has no data files", path=path)
            found.extend(inside)
        elif path.exists():
            reader_for(path)
            found.append(path)
        else:
            raise DataError("no such file or folder", path=path)
    return found


def convert(paths: str | Path | Iterable[str | Path], output: str | Path | None = None) -> bytes:
    """The triples of record files (or any data files) as canonical Turtle.

    Files are read in the order given (folders walked in name order), each through the reader
    for its extension, so a record may name organisations from a file converted before it.
    With ``output`` the Turtle is also written there, atomically. Raises :class:`DataError`
    naming file and line.

    >>> from leadgraph import resources
    >>> ttl = convert(resources.data_dir() / "organisations.ttl")
    >>> ttl.startswith(b"@prefix") and b"lgd:org-rbs" in ttl
    True
    """
    from leadgraph.store.memory import MemoryStore
    from leadgraph.store.rdf import write_triples
    from leadgraph.store.readers import reader_for

    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    if not items:
        raise UsageError("nothing to convert: name one or more files")
    store = MemoryStore()
    for path in _files(items):
        reader_for(path).load_into(store, path)
    turtle = write_triples(store.triples(), "ttl")
    if output is not None:
        from leadgraph.fileio import atomic_write

        atomic_write(output, turtle)
    return turtle


_SKELETON = """\
# yaml-language-server: $schema={schema}
# A leadgraph person record (docs/records.md). Record only what the source says, and cite it.
# Check it beside the bundled data: leadgraph --data {data} --data {name} validate

person: {person}
# variants: [{first}]            # other spellings the source uses, and full-name variants

source: article                 # the key of the source below that describes the person
sources:
  article:                      # a short key of your choosing; every fact cites it
    title:                      # the source's title, as published
    date:                       # YYYY-MM-DD, the day it was published
    # url: https://...
    # publisher: ...
    # kind: Interview

roles:
  - title:                      # the job title, worded as the source words it
    role_type:                  # {role_types}
    organisation: {organisation}          # ODS code (e.g. RBS) or the organisation's name
    as_of:                      # YYYY-MM-DD: the date the source says this was true
    source: article

# earlier_roles:                # roles held before (current: false)
#   - {{organisation: RX7, description: ..., source: article}}
# service:                      # "over 10 years in the NHS"
#   - {{years: 10, at_least: true, in: NHS, as_of: YYYY-MM-DD, source: article}}
# backgrounds:
#   - {{label: Nurse, fields: [Clinical], source: article}}
# qualifications:
#   - {{label: ..., category: Master's degree, subject: ..., delivered_by: NHS Digital Academy, source: article}}
# scale:                        # "looks after approx. 500 systems"
#   - {{measure: systems, amount: 500, approximate: true, as_of: YYYY-MM-DD, source: article}}
# quotes:                       # short and verbatim
#   - key: advice
#     text: "..."
#     headline: true            # their headline advice
#     source: article
# traits:                       # traits the source attributes, with its evidence
#   - {{trait: Resilience, quote: advice, source: article}}
"""


def _shown(path: Path) -> str:
    """``path`` relative to the working folder when inside it (a folder ends with ``/``)."""
    relative = os.path.relpath(path)
    shown = str(path) if relative.startswith("..") else relative
    return shown + "/" if path.is_dir() else shown


def _shell_word(text: str) -> str:
    import shlex

    return shlex.quote(text)


def new_person(name: str, organisation: str | None = None, output: str | Path | None = None) -> bytes:
    """A commented YAML skeleton for a new person; written to ``output`` when given (never over
    an existing file). ``organisation`` (an ODS code or name) is checked and filled in.

    >>> print(new_person("Ann Example", "RBS").decode().splitlines()[4])
    person: Ann Example
    """
    name = " ".join(name.split())
    if not name:
        raise UsageError("give the person's full name, e.g. leadgraph new person \"Ann Example\"")
    if not slug(name):
        raise UsageError(f"cannot make an IRI from the name {name!r}: use letters or digits")
    reference = Reference.bundled()
    org_text = ""
    if organisation:
        try:
            iri = reference.organisation(organisation)
        except Unknown as exc:
            raise UsageError(str(exc)) from None
        org_text = reference.organisation_code(iri) or organisation
    schema = str(SCHEMA_PATH)
    if output is not None:
        schema = os.path.relpath(SCHEMA_PATH, Path(output).resolve().parent)
    common = ["CIO", "CCIO", "CNIO", "CDO", "Director of Digital"]
    # The command as the user would type it where they ran this one: the file as they named it,
    # and the bundled data folder ("data/" in a checkout, its full path in an installed package).
    file_name = str(output) if output is not None else slug(name) + ".yaml"
    text = _SKELETON.format(schema=schema, name=_shell_word(file_name), data=_shell_word(_shown(resources.data_dir())),
                            person=name, first=name.split()[0],
                            organisation=org_text, role_types="e.g. " + ", ".join(common))
    data = text.encode("utf-8")
    if output is not None:
        from leadgraph.fileio import atomic_write

        target = Path(output)
        if target.exists():
            raise UsageError(f"{target} already exists: choose another name or remove it first")
        atomic_write(target, data)
    return data
