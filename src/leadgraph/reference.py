"""The bundled reference layer: every NHS trust, Integrated Care Board and NHS England region.

``ontology/ods.ttl`` is generated from NHS England's Organisation Data Service (ODS) "etr"
extract of NHS trusts, with the names of the 42 ICBs and 7 regions from ODS's ICB and region
lists. It loads with the ontology (like ``concepts.ttl``), so ``--data`` never replaces it,
and it is committed: a test checks it is exactly what :func:`build_reference` makes from the
project's copy of the extract.

Contains public sector information licensed under the Open Government Licence v3.0.

What comes from where (columns of ``etr.csv``, 1-based): 1 ODS code, 2 official name (upper
case), 3 NHS England region code, 4 ICB code, 8 town, 10 postcode, 11 open date, 12 close
date. A trust's readable name (:func:`readable_name`) and its kind (:func:`trust_kind`) are
read from its official name; nothing else in the extract says what a trust does.

>>> readable_name("LANCASHIRE & SOUTH CUMBRIA NHS FOUNDATION TRUST")
'Lancashire and South Cumbria NHS Foundation Trust'
>>> trust_kind("NORTH WEST AMBULANCE SERVICE NHS TRUST")
'ambulance'
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from leadgraph.errors import DataError, UsageError

LICENCE = "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0."
PUBLISHER = "NHS England, Organisation Data Service (ODS)"

ETR_SOURCE = "source-ods-etr"
ICB_SOURCE = "source-ods-icbs"
REGION_SOURCE = "source-ods-regions"

# ODS puts the three Welsh trusts under W00 (Wales) with parent Q99: neither is an English
# region or ICB, so those trusts are kept without region or ICB links.
WALES = "W00"

_CODE = re.compile(r"^[A-Z0-9]{3,5}$")
_ONS = re.compile(r"^E\d{8}$")
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
# The shapes refuse labels with markup or line breaks: catch them here, with the row to fix.
_NOT_IN_LABELS = re.compile(r"[<>\x00-\x1f\x7f]")

# (column, meaning) of etr.csv, 1-based as ODS documents them.
_ETR = {
    "code": (1, "ODS code"),
    "name": (2, "name"),
    "region": (3, "NHS England region code"),
    "icb": (4, "ICB code"),
    "town": (8, "town"),
    "postcode": (10, "postcode"),
    "opened": (11, "open date"),
    "closed": (12, "close date"),
}
_MIN_COLUMNS = max(column for column, _ in _ETR.values())


# -- readable names ---------------------------------------------------------------------------

# Words that stay in capitals: initialisms ODS writes as words would otherwise read "Nhs".
INITIALISMS = frozenset({"NHS", "ICB", "UK", "UCL", "HQ", "GP", "CIC", "PCN"})
# Joining words, lower case except as the first word (NHS style: "Isle of Wight",
# "Newcastle upon Tyne", "Barrow-in-Furness").
SMALL_WORDS = frozenset({"and", "of", "the", "for", "upon", "on", "in", "under", "at", "by", "with", "to"})

_WORD = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z]*)?|'")


def _case_word(word: str, first: bool) -> str:
    upper = word.upper()
    if upper in INITIALISMS:
        return upper
    lower = word.lower()
    if lower in SMALL_WORDS and not first:
        return lower
    stem, apostrophe, rest = lower.partition("'")
    # A possessive ("Children's", "St Thomas'") keeps its s lower case; a name such as
    # O'Neill capitalises after the apostrophe.
    if apostrophe and rest and rest != "s":
        rest = rest[:1].upper() + rest[1:]
    if stem.startswith("mc") and len(stem) > 2:
        stem = "Mc" + stem[2:3].upper() + stem[3:]
    else:
        stem = stem[:1].upper() + stem[1:]
    return stem + apostrophe + rest


def readable_name(official: str) -> str:
    """The official upper-case ODS name in title case, as NHS organisations write their names.

    Initialisms stay upper case, joining words lower case (also inside hyphenated place names),
    possessives keep a lower-case s, and "&" is written "and" (the NHS content style guide's
    rule; the official name keeps the ampersand).

    >>> readable_name("THE QUEEN ELIZABETH HOSPITAL, KING'S LYNN, NHS FOUNDATION TRUST")
    "The Queen Elizabeth Hospital, King's Lynn, NHS Foundation Trust"
    >>> readable_name("FURNESS GENERAL, BARROW-IN-FURNESS")
    'Furness General, Barrow-in-Furness'
    """
    text = " ".join(official.replace("&", " and ").split())
    out: list[str] = []
    position = 0
    first = True
    for match in _WORD.finditer(text):
        out.append(text[position : match.start()])
        word = match.group()
        # Each part of a hyphenated name is a word of its own ("Stoke-on-Trent").
        out.append(_case_word(word, first) if word != "'" else word)
        first = False
        position = match.end()
    out.append(text[position:])
    return "".join(out)


# -- kinds of trust -----------------------------------------------------------------------

# Rules on the official name, first match wins. Their result was read by hand for every name
# in the 2025 extract (tests/test_reference.py pins a sample). Names that match none ("Barts
# Health", "Mersey Care", "Frimley Health") get no kind: the name does not say, and nothing else
# in the extract does. "Healthcare" and "Teaching" were left out: both name acute trusts and
# mental health ones (Northumbria Healthcare, Nottinghamshire Healthcare; Humber Teaching).
KIND_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ambulance", re.compile(r"\bAMBULANCE\b")),
    ("public-health", re.compile(r"\bPUBLIC HEALTH\b")),
    ("mental-health", re.compile(r"\bMENTAL HEALTH\b")),
    ("community", re.compile(r"\bCOMMUNITY\b")),
    # In English trust names "Partnership" has meant a mental health trust (often with
    # community services); every such name in the extract is one.
    ("mental-health", re.compile(r"\bPARTNERSHIP\b")),
    ("specialist", re.compile(r"\b(CHILDREN'?S?|WOMEN'?S?|CANCER|HEART|CHEST|ORTHOPAEDIC|EYE)\b")),
    ("acute", re.compile(r"\b(HOSPITALS?|INFIRMARY)\b")),
)

KINDS = ("acute", "specialist", "mental-health", "community", "ambulance", "public-health")
"""Local names of the trust-kind concepts (``lgd:trustkind-…`` in ``ontology/concepts.ttl``)."""


def trust_kind(official: str) -> str | None:
    """The kind of trust its official name states, or ``None`` when the name does not say.

    >>> trust_kind("ALDER HEY CHILDREN'S NHS FOUNDATION TRUST"), trust_kind("BARTS HEALTH NHS TRUST")
    ('specialist', None)
    """
    upper = official.upper()
    for kind, pattern in KIND_RULES:
        if pattern.search(upper):
            return kind
    return None


def is_foundation_trust(official: str) -> bool:
    """Whether the official name says NHS foundation trust (the status is part of the legal name)."""
    return "FOUNDATION TRUST" in " ".join(official.upper().split())


# -- reading the CSV files ----------------------------------------------------------------------


@dataclass(frozen=True)
class Trust:
    """One row of the ODS trust extract."""

    code: str
    official_name: str
    region: str
    icb: str
    town: str
    postcode: str
    opened: dt.date | None
    closed: dt.date | None
    row: int = 0

    @property
    def name(self) -> str:
        return readable_name(self.official_name)

    @property
    def in_england(self) -> bool:
        return self.region != WALES


@dataclass(frozen=True)
class Named:
    """An ICB or a region: its ODS code, ONS (GSS) code and name as the list gives it."""

    code: str
    ons_code: str
    official_name: str


def _read_text(path: Path) -> str:
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise DataError("no such file", path=path) from None
    except IsADirectoryError:
        raise DataError("is a folder, not a CSV file", path=path) from None
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = content[: exc.start].count(b"\n") + 1
        raise DataError(f"row {row}: not UTF-8 text (byte {exc.start})", path=path) from None


def _rows(path: Path) -> Iterable[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(_read_text(path), newline=""))
    # A quoted cell may hold a line break: a row is numbered by the line it starts on, as an
    # editor shows it (for the files ODS publishes, the same as the record number).
    start = 1
    try:
        for row in reader:
            if row and any(cell.strip() for cell in row):
                yield start, row
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DataError(f"row {reader.line_num}: not readable as CSV ({exc})", path=path) from None


def _cell_error(path: Path, row: int, column: int, meaning: str, problem: str) -> DataError:
    return DataError(f"row {row}, column {column} ({meaning}): {problem}", path=path)


def _date(path: Path, row: int, column: int, meaning: str, value: str) -> dt.date | None:
    if not value:
        return None
    try:
        if not re.fullmatch(r"\d{8}", value):
            raise ValueError
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        raise _cell_error(path, row, column, meaning, f"{value!r} is not a date (YYYYMMDD)") from None


def read_etr(path: str | Path) -> list[Trust]:
    """The trusts of an ODS ``etr.csv`` extract, in file order.

    Raises:
        DataError: the file is missing or unreadable, or a row has too few columns, a bad
            code, an empty name or a bad date; the message names the file, row and column.
    """
    path = Path(path)
    trusts: list[Trust] = []
    seen: dict[str, int] = {}
    for row, cells in _rows(path):
        if len(cells) < _MIN_COLUMNS:
            raise DataError(
                f"row {row}: {len(cells)} column{'s' if len(cells) != 1 else ''}, expected at least "
                f"{_MIN_COLUMNS} (is this the ODS etr.csv extract?)",
                path=path,
            )
        value = {key: " ".join(cells[column - 1].split()) for key, (column, _) in _ETR.items()}

        def bad(key: str, problem: str) -> DataError:
            column, meaning = _ETR[key]
            return _cell_error(path, row, column, meaning, problem)

        for key in ("code", "region", "icb"):
            if not _CODE.match(value[key]):
                raise bad(key, f"{value[key]!r} is not an ODS code (3 to 5 upper-case letters or digits)")
        if value["code"] in seen:
            raise bad("code", f"{value['code']} is listed twice (first on row {seen[value['code']]})")
        seen[value["code"]] = row
        if not value["name"]:
            raise bad("name", "empty")
        for key in ("name", "town"):
            if _NOT_IN_LABELS.search(cells[_ETR[key][0] - 1]):
                raise bad(key, "contains < or > or a control character, which a label may not")
        postcode = value["postcode"].upper()
        if postcode and not _POSTCODE.match(postcode):
            raise bad("postcode", f"{value['postcode']!r} is not a UK postcode")
        opened = _date(path, row, *_ETR["opened"], value["opened"])
        closed = _date(path, row, *_ETR["closed"], value["closed"])
        if opened and closed and closed < opened:
            raise bad("closed", f"{closed.isoformat()} is before the open date {opened.isoformat()}")
        trusts.append(
            Trust(value["code"], value["name"], value["region"], value["icb"], value["town"], postcode,
                  opened, closed, row)
        )
    if not trusts:
        raise DataError("no rows: expected the ODS etr.csv extract of NHS trusts", path=path)
    return trusts


def read_named(path: str | Path) -> dict[str, Named]:
    """An ICB or region list (``icbs.csv``, ``regions.csv``): header ``ods_code,ons_code,name``."""
    path = Path(path)
    rows = iter(_rows(path))
    header_row, header = next(rows, (1, []))
    columns = [cell.strip().lower() for cell in header]
    wanted = ("ods_code", "ons_code", "name")
    missing = [name for name in wanted if name not in columns]
    if missing:
        raise DataError(f"row {header_row}: the header lacks the column {missing[0]} "
                        f"(expected {', '.join(wanted)})", path=path)
    index = {name: columns.index(name) for name in wanted}
    out: dict[str, Named] = {}
    for row, cells in rows:
        cells = cells + [""] * (len(columns) - len(cells))
        code, ons, name = (" ".join(cells[index[k]].split()) for k in wanted)
        if not _CODE.match(code):
            raise _cell_error(path, row, index["ods_code"] + 1, "ods_code", f"{code!r} is not an ODS code")
        if not _ONS.match(ons):
            raise _cell_error(path, row, index["ons_code"] + 1, "ons_code",
                              f"{ons!r} is not an ONS code (E and 8 digits)")
        if not name or _NOT_IN_LABELS.search(cells[index["name"]]):
            raise _cell_error(path, row, index["name"] + 1, "name",
                              "empty" if not name else "contains < or > or a control character, which a label may not")
        if code in out:
            raise _cell_error(path, row, index["ods_code"] + 1, "ods_code", f"{code} is listed twice")
        out[code] = Named(code, ons, name)
    return out


# -- building the layer --------------------------------------------------------------------


def _literal(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def _date_literal(value: str) -> str:
    if re.fullmatch(r"\d{4}", value):
        return f'"{value}"^^xsd:gYear'
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return f'"{value}"^^xsd:gYearMonth'
    return f'"{value}"^^xsd:date'


def parse_extract_date(value: str | dt.date) -> str:
    """The extract's date as YYYY, YYYY-MM or YYYY-MM-DD (as precise as it is known).

    >>> parse_extract_date("2025"), parse_extract_date(dt.date(2026, 1, 2))
    ('2025', '2026-01-02')
    """
    if isinstance(value, dt.date):
        return value.isoformat()
    text = value.strip()
    try:
        if re.fullmatch(r"\d{4}", text):
            return text
        if re.fullmatch(r"\d{4}-\d{2}", text):
            dt.date(int(text[:4]), int(text[5:]), 1)
            return text
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise UsageError(f"extract date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD") from None


def iri(code: str) -> str:
    """The node of the organisation with this ODS code: ``lgd:org-`` and the code in lower case.

    The seed data's trusts already had these IRIs, so the reference layer and the data
    describe the same node (see the README's "Reference data").

    >>> iri("RW5")
    'lgd:org-rw5'
    """
    return "lgd:org-" + code.lower()


_PREFIXES = """\
@prefix lg:      <https://w3id.org/leadgraph/ontology#> .
@prefix lgd:     <https://w3id.org/leadgraph/id/> .
@prefix schema:  <https://schema.org/> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
"""


@dataclass
class _Block:
    subject: str
    pairs: list[tuple[str, str]] = field(default_factory=list)

    def add(self, predicate: str, *objects: str) -> None:
        if objects:
            self.pairs.append((predicate, ", ".join(objects)))

    def text(self) -> str:
        body = " ;\n".join(f"    {p} {o}" for p, o in self.pairs)
        return f"{self.subject}\n{body} .\n"


def build_reference(
    csv_path: str | Path,
    *,
    icbs: str | Path | Mapping[str, Named] | None = None,
    regions: str | Path | Mapping[str, Named] | None = None,
    extracted: str | dt.date = "",
) -> bytes:
    """The reference layer as Turtle (UTF-8 bytes) from an ODS ``etr.csv`` extract.

    ``icbs`` and ``regions`` give the names and ONS codes of the ICBs and NHS England
    regions: a CSV path (``ods_code,ons_code,name``) or a mapping as :func:`read_named`
    returns; ``None`` reads ``icbs.csv`` / ``regions.csv`` beside ``csv_path``. ``extracted``
    is the date of the extract (YYYY, YYYY-MM or YYYY-MM-DD); empty when unknown. The output
    depends on nothing else, so the same inputs always give the same bytes.

    Raises:
        DataError: a file is missing or malformed, or the extract names a region or ICB the
            lists do not (the message names the file, row and column).
    """
    csv_path = Path(csv_path)
    trusts = read_etr(csv_path)
    icb_table = _table(icbs, csv_path.with_name("icbs.csv"))
    region_table = _table(regions, csv_path.with_name("regions.csv"))
    extract_date = parse_extract_date(extracted) if extracted else ""

    icb_region: dict[str, str] = {}
    for trust in trusts:
        if not trust.in_england:
            continue
        if trust.region not in region_table:
            raise _cell_error(csv_path, trust.row, *_ETR["region"],
                              f"{trust.region} is not in the list of NHS England regions")
        if trust.icb not in icb_table:
            raise _cell_error(csv_path, trust.row, *_ETR["icb"], f"{trust.icb} is not in the list of ICBs")
        known = icb_region.setdefault(trust.icb, trust.region)
        if known != trust.region:
            raise _cell_error(csv_path, trust.row, *_ETR["region"],
                              f"ICB {trust.icb} is in region {known} on other rows, {trust.region} here")

    closed = sum(1 for t in trusts if t.closed)
    welsh = sum(1 for t in trusts if not t.in_england)
    header = [
        "# NHS trusts, Integrated Care Boards (ICBs) and NHS England regions, from NHS England's",
        "# Organisation Data Service (ODS). Generated by `leadgraph reference update` (leadgraph.reference):",
        "# do not edit by hand.",
        "#",
        f"# {ATTRIBUTION}",
        f"# Licence: {LICENCE}",
        "#",
        f"# From {csv_path.name} (ODS etr extract{', dated ' + extract_date if extract_date else ''}): "
        f"{len(trusts)} trusts ({closed} closed, {welsh} in Wales);",
        f"# {len(icb_table)} ICBs and {len(region_table)} regions named from the ODS lists of ICBs and regions.",
        "# Readable names and kinds are read from the official names (see leadgraph.reference).",
        "",
        _PREFIXES,
    ]
    blocks = _sources(csv_path.name, extract_date)
    for code in sorted(region_table):
        region = region_table[code]
        block = _Block(iri(code))
        block.add("a", "lg:NHSEnglandRegion")
        block.add("rdfs:label", _literal("NHS England " + readable_name(region.official_name)))
        block.add("skos:altLabel", _literal(readable_name(region.official_name)))
        block.add("lg:officialName", _literal(region.official_name))
        block.add("lg:odsCode", _literal(code))
        block.add("lg:onsCode", _literal(region.ons_code))
        block.add("prov:wasDerivedFrom", "lgd:" + REGION_SOURCE)
        blocks.append(block)
    for code in sorted(icb_table):
        icb = icb_table[code]
        name = readable_name(icb.official_name)
        block = _Block(iri(code))
        block.add("a", "lg:IntegratedCareBoard")
        block.add("rdfs:label", _literal(name))
        if name.endswith(" Integrated Care Board"):
            block.add("skos:altLabel", _literal(name.removesuffix(" Integrated Care Board") + " ICB"))
        block.add("lg:officialName", _literal(icb.official_name))
        block.add("lg:odsCode", _literal(code))
        block.add("lg:onsCode", _literal(icb.ons_code))
        sources = ["lgd:" + ICB_SOURCE]
        if code in icb_region:
            block.add("lg:nhsRegion", iri(icb_region[code]))
            sources.insert(0, "lgd:" + ETR_SOURCE)
        block.add("prov:wasDerivedFrom", *sources)
        blocks.append(block)
    for trust in sorted(trusts, key=lambda t: t.code):
        blocks.extend(_trust_blocks(trust))
    text = "\n".join(header) + "\n" + "\n".join(b.text() for b in blocks)
    return text.encode("utf-8")


def _table(given: str | Path | Mapping[str, Named] | None, beside: Path) -> dict[str, Named]:
    if given is None:
        given = beside
    if isinstance(given, Mapping):
        return dict(given)
    return read_named(given)


def _sources(etr_name: str, extract_date: str) -> list[_Block]:
    blocks = []
    etr = _Block("lgd:" + ETR_SOURCE)
    etr.add("a", "lg:Register", "lg:Source", "prov:Entity")
    etr.add("rdfs:label", _literal("ODS extract of NHS trusts (etr)"))
    etr.add("dcterms:title", _literal("NHS Trusts (etr): Organisation Data Service extract"))
    etr.add("dcterms:publisher", _literal(PUBLISHER))
    etr.add("dcterms:license", f"<{LICENCE}>")
    etr.add("dcterms:rights", _literal(ATTRIBUTION))
    if extract_date:
        etr.add("dcterms:date", _date_literal(extract_date))
    etr.add("dcterms:identifier", _literal(etr_name))
    etr.add("lg:description", _literal(
        "Every NHS trust in England (and a few in Wales), one row each: ODS code, name, NHS England "
        "region, ICB, address, open and close dates."))
    blocks.append(etr)
    for local, title, description in (
        (ICB_SOURCE, "Integrated Care Boards: ODS and ONS codes and names",
         "The 42 Integrated Care Boards of England with their ODS code, ONS (GSS) code and official name."),
        (REGION_SOURCE, "NHS England regions: ODS and ONS codes and names",
         "The 7 NHS England regions with their ODS code, ONS (GSS) code and name."),
    ):
        block = _Block("lgd:" + local)
        block.add("a", "lg:Register", "lg:Source", "prov:Entity")
        block.add("rdfs:label", _literal(title))
        block.add("dcterms:title", _literal(title))
        block.add("dcterms:publisher", _literal("NHS England and the Office for National Statistics"))
        block.add("dcterms:license", f"<{LICENCE}>")
        block.add("dcterms:rights", _literal(ATTRIBUTION))
        block.add("lg:description", _literal(description))
        blocks.append(block)
    return blocks


def _trust_blocks(trust: Trust) -> list[_Block]:
    block = _Block(iri(trust.code))
    kind = trust_kind(trust.official_name)
    classes = ["lg:NHSFoundationTrust" if is_foundation_trust(trust.official_name) else "lg:NHSTrust"]
    if kind == "ambulance":
        # lg:AmbulanceTrust is an lg:NHSTrust already: assert only the more specific class.
        classes = [c for c in classes if c != "lg:NHSTrust"] + ["lg:AmbulanceTrust"]
    block.add("a", *classes)
    block.add("rdfs:label", _literal(trust.name))
    block.add("lg:officialName", _literal(trust.official_name))
    block.add("lg:odsCode", _literal(trust.code))
    if kind:
        block.add("lg:trustKind", "lgd:trustkind-" + kind)
    if trust.in_england:
        block.add("lg:icb", iri(trust.icb))
        block.add("lg:nhsRegion", iri(trust.region))
    # A named address node, not a blank one, so exports of the graph stay byte-identical.
    address = _Block(iri(trust.code) + "-address")
    address.add("a", "schema:PostalAddress")
    if trust.town:
        address.add("schema:addressLocality", _literal(readable_name(trust.town)))
    if trust.postcode:
        address.add("schema:postalCode", _literal(trust.postcode))
    address.add("prov:wasDerivedFrom", "lgd:" + ETR_SOURCE)
    if trust.town or trust.postcode:
        block.add("schema:address", address.subject)
    if trust.opened:
        block.add("schema:foundingDate", _date_literal(trust.opened.isoformat()))
    if trust.closed:
        block.add("schema:dissolutionDate", _date_literal(trust.closed.isoformat()))
    block.add("prov:wasDerivedFrom", "lgd:" + ETR_SOURCE)
    return [block, address] if trust.town or trust.postcode else [block]


# -- updating the bundled layer ---------------------------------------------------------------


@dataclass(frozen=True)
class LayerTrust:
    """What the update report compares about a trust."""

    code: str
    official_name: str
    icb: str | None
    closed: dt.date | None


@dataclass
class Layer:
    """The organisations a reference layer describes, read back from its Turtle."""

    trusts: dict[str, LayerTrust] = field(default_factory=dict)
    icbs: dict[str, Named] = field(default_factory=dict)
    regions: dict[str, Named] = field(default_factory=dict)


def read_layer(path: str | Path) -> Layer:
    """Read a reference layer (``ontology/ods.ttl`` or one :func:`build_reference` wrote).

    Raises:
        DataError: the file is missing or is not readable Turtle.
    """
    from leadgraph.loading import load_files

    path = Path(path)
    if not path.is_file():
        raise DataError("no such file", path=path)
    try:
        store = load_files([path]).store
    except DataError as exc:
        raise DataError(f"not a readable reference layer ({exc.message})", path=path, line=exc.line) from None
    layer = Layer()
    query = """
        SELECT ?kind ?code ?name ?ons ?icbCode ?closed WHERE {
          VALUES ?kind { lg:NHSTrust lg:NHSFoundationTrust lg:AmbulanceTrust lg:IntegratedCareBoard
                         lg:NHSEnglandRegion }
          ?org a ?kind ; lg:odsCode ?code ; lg:officialName ?name .
          OPTIONAL { ?org lg:onsCode ?ons }
          OPTIONAL { ?org lg:icb/lg:odsCode ?icbCode }
          OPTIONAL { ?org schema:dissolutionDate ?closed }
        }"""
    for solution in store.select(query):
        kind = solution["kind"].value.rsplit("#", 1)[-1]
        code, name = solution["code"].value, solution["name"].value
        ons = solution["ons"].value if "ons" in solution else ""
        if kind == "IntegratedCareBoard":
            layer.icbs[code] = Named(code, ons, name)
        elif kind == "NHSEnglandRegion":
            layer.regions[code] = Named(code, ons, name)
        else:
            closed = solution.get("closed")
            layer.trusts[code] = LayerTrust(
                code, name, solution["icbCode"].value if "icbCode" in solution else None,
                dt.date.fromisoformat(closed.value) if closed is not None else None,
            )
    return layer


@dataclass
class ReferenceUpdate:
    """What :func:`update_reference` wrote and how the new extract differs from the layer it replaced.

    Each change is a tuple: ``opened`` (code, name, open date), ``closed`` (code, name, close
    date), ``renamed`` (code, old official name, new), ``moved`` (code, name, old ICB, new ICB),
    ``dropped`` (code, name: in the old layer, absent from the extract).
    """

    output: Path
    trusts: int
    icbs: int
    regions: int
    extracted: str
    extracted_from: str
    changed: bool
    first: bool = False
    dry_run: bool = False
    compared_with: Path | None = None
    opened: list[tuple[str, str, str]] = field(default_factory=list)
    closed: list[tuple[str, str, str]] = field(default_factory=list)
    renamed: list[tuple[str, str, str]] = field(default_factory=list)
    moved: list[tuple[str, str, str, str]] = field(default_factory=list)
    dropped: list[tuple[str, str]] = field(default_factory=list)

    def text(self) -> str:
        """The report as lines of text, one change a line."""
        verb = "would write" if self.dry_run else ("wrote" if self.changed else "unchanged:")
        lines = [
            f"{verb} {self.output}: {self.trusts} trusts, {self.icbs} ICBs, {self.regions} regions "
            f"(extract dated {self.extracted or 'unknown'}, {self.extracted_from})"
        ]
        if self.first or self.compared_with is None:
            lines.append("no earlier layer to compare with")
            return "\n".join(lines)
        if self.compared_with != self.output:
            lines.append(f"compared with {self.compared_with}")
        for code, name, date in self.opened:
            lines.append(f"opened   {code}  {name}" + (f" (open date {date})" if date else ""))
        for code, name, date in self.closed:
            lines.append(f"closed   {code}  {name} (close date {date})")
        for code, old, new in self.renamed:
            lines.append(f"renamed  {code}  {old} -> {new}")
        for code, name, old, new in self.moved:
            lines.append(f"moved    {code}  {name}: ICB {old or 'none'} -> {new or 'none'}")
        for code, name in self.dropped:
            lines.append(f"dropped  {code}  {name} (no longer in the extract)")
        if not (self.opened or self.closed or self.renamed or self.moved or self.dropped):
            lines.append("no trust opened, closed, was renamed or moved")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, object]:
        return {
            "output": str(self.output),
            "compared_with": str(self.compared_with) if self.compared_with else None,
            "changed": self.changed,
            "dry_run": self.dry_run,
            "trusts": self.trusts,
            "icbs": self.icbs,
            "regions": self.regions,
            "extracted": self.extracted,
            "opened": [dict(zip(("code", "name", "date"), c)) for c in self.opened],
            "closed": [dict(zip(("code", "name", "date"), c)) for c in self.closed],
            "renamed": [dict(zip(("code", "old", "new"), c)) for c in self.renamed],
            "moved": [dict(zip(("code", "name", "old_icb", "new_icb"), c)) for c in self.moved],
            "dropped": [dict(zip(("code", "name"), c)) for c in self.dropped],
        }


def update_reference(
    csv_path: str | Path,
    *,
    output: str | Path | None = None,
    icbs: str | Path | None = None,
    regions: str | Path | None = None,
    extracted: str | dt.date | None = None,
    dry_run: bool = False,
) -> ReferenceUpdate:
    """Rebuild the reference layer from a newer ODS ``etr.csv`` and report what changed.

    ``output`` defaults to the bundled ``ontology/ods.ttl``; it is replaced atomically, and
    only when the content changes. ICB and region names come from ``icbs`` / ``regions``,
    else from ``icbs.csv`` / ``regions.csv`` beside the extract, else from the layer being
    replaced (or the bundled one, for a new output file). ``extracted`` defaults to the
    extract file's modification date. Nothing is fetched over the network.

    Raises:
        DataError: bad input (the message names the file, row and column) or no ICB/region
            list to be found.
    """
    from leadgraph import resources
    from leadgraph.fileio import atomic_write

    csv_path = Path(csv_path)
    if extracted is not None:
        extract_date = parse_extract_date(extracted)
        extracted_from = "as given"
    else:
        try:
            mtime = csv_path.stat().st_mtime
        except FileNotFoundError:
            raise DataError("no such file", path=csv_path) from None
        extract_date = dt.datetime.fromtimestamp(mtime, dt.timezone.utc).date().isoformat()
        extracted_from = "the file's modification date"
    target = Path(output) if output is not None else resources.reference_path()
    old = read_layer(target) if target.is_file() else None
    # Names of ICBs and regions change far less often than trusts: a new output file can take
    # them from the bundled layer.
    compared_with = target if old is not None else resources.reference_path()
    names = old if old is not None else (read_layer(compared_with) if compared_with.is_file() else None)
    tables = {}
    for key, given, list_name in (("icbs", icbs, "icbs.csv"), ("regions", regions, "regions.csv")):
        beside = csv_path.with_name(list_name)
        if given is not None:
            tables[key] = read_named(given)
        elif beside.is_file():
            tables[key] = read_named(beside)
        elif names is not None and getattr(names, key):
            tables[key] = getattr(names, key)
        else:
            raise DataError(f"no list of {'ICBs' if key == 'icbs' else 'NHS England regions'} to name them "
                            f"from: pass --{key} FILE ({list_name} from NHS England ODS)", path=csv_path)
    content = build_reference(csv_path, icbs=tables["icbs"], regions=tables["regions"], extracted=extract_date)
    trusts = read_etr(csv_path)
    changed = not target.is_file() or target.read_bytes() != content
    report = ReferenceUpdate(
        output=target, trusts=len(trusts), icbs=len(tables["icbs"]), regions=len(tables["regions"]),
        extracted=extract_date, extracted_from=extracted_from, changed=changed, first=names is None,
        dry_run=dry_run, compared_with=compared_with if names is not None else None,
    )
    if names is not None:
        _compare(names, trusts, report)
    if changed and not dry_run:
        atomic_write(target, content)
    return report


def _compare(old: Layer, trusts: list[Trust], report: ReferenceUpdate) -> None:
    def date(value: dt.date | None) -> str:
        return value.isoformat() if value else ""

    new_codes = set()
    for trust in sorted(trusts, key=lambda t: t.code):
        new_codes.add(trust.code)
        before = old.trusts.get(trust.code)
        if before is None:
            report.opened.append((trust.code, trust.name, date(trust.opened)))
            if trust.closed:
                report.closed.append((trust.code, trust.name, date(trust.closed)))
            continue
        if trust.closed and before.closed != trust.closed:
            report.closed.append((trust.code, trust.name, date(trust.closed)))
        if before.official_name != trust.official_name:
            report.renamed.append((trust.code, readable_name(before.official_name), trust.name))
        icb = trust.icb if trust.in_england else None
        if before.icb != icb:
            report.moved.append((trust.code, trust.name, before.icb or "", icb or ""))
    for code in sorted(set(old.trusts) - new_codes):
        report.dropped.append((code, readable_name(old.trusts[code].official_name)))
