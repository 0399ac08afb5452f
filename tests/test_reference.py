"""The bundled reference layer (ontology/ods.ttl) and the generator behind it (leadgraph.reference).

Tests that rebuild the layer read NHS England's ODS extract from the project's workspace
(../shared/reference/ods, beside the repository). Outside CI they skip when it is absent; in
CI (CI=true) its absence fails the run, as a missing browser does for the browser tests.
Every test that writes gives an output path in tmp_path: none writes the repository's files.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from pathlib import Path

import pytest

from leadgraph import reference, resources
from leadgraph.errors import DataError, UsageError
from leadgraph.loading import load, load_files
from leadgraph.namespaces import sparql_prefixes
from leadgraph.reference import build_reference, read_layer, readable_name, trust_kind, update_reference

REPO = Path(__file__).resolve().parents[1]
ODS = REPO.parent / "shared" / "reference" / "ods"
LAYER = REPO / "ontology" / "ods.ttl"
# The project's copy of the extract: README in ../shared/reference/ods says it was published in 2025.
BUNDLED_EXTRACT_DATE = "2025"


@pytest.fixture(scope="module")
def ods() -> Path:
    if not (ODS / "etr.csv").is_file():
        message = f"the ODS extract is not at {ODS} (the project's shared workspace)"
        if os.environ.get("CI", "").lower() in ("true", "1"):
            pytest.fail(f"reference tests cannot run in CI: {message}", pytrace=False)
        pytest.skip(message)
    return ODS


def _rows(graph, body):
    return [tuple(None if v is None else v.value for v in s) for s in graph.store.oxigraph.query(sparql_prefixes() + body)]


# -- readable names ----------------------------------------------------------------------------------

@pytest.mark.parametrize("official, readable", [
    ("LANCASHIRE & SOUTH CUMBRIA NHS FOUNDATION TRUST", "Lancashire and South Cumbria NHS Foundation Trust"),
    ("MERSEY AND WEST LANCASHIRE TEACHING HOSPITALS NHS TRUST",
     "Mersey and West Lancashire Teaching Hospitals NHS Trust"),
    ("MERSEY CARE NHS FOUNDATION TRUST", "Mersey Care NHS Foundation Trust"),
    ("ALDER HEY CHILDREN'S NHS FOUNDATION TRUST", "Alder Hey Children's NHS Foundation Trust"),
    ("GUY'S AND ST THOMAS' NHS FOUNDATION TRUST", "Guy's and St Thomas' NHS Foundation Trust"),
    ("THE QUEEN ELIZABETH HOSPITAL, KING'S LYNN, NHS FOUNDATION TRUST",
     "The Queen Elizabeth Hospital, King's Lynn, NHS Foundation Trust"),
    ("GREAT ORMOND STREET HOSPITAL FOR CHILDREN NHS FOUNDATION TRUST",
     "Great Ormond Street Hospital for Children NHS Foundation Trust"),
    ("ISLE OF WIGHT NHS TRUST", "Isle of Wight NHS Trust"),
    ("THE NEWCASTLE UPON TYNE HOSPITALS NHS FOUNDATION TRUST",
     "The Newcastle upon Tyne Hospitals NHS Foundation Trust"),
    ("TEES, ESK AND WEAR VALLEYS NHS FOUNDATION TRUST", "Tees, Esk and Wear Valleys NHS Foundation Trust"),
    ("KENT AND MEDWAY NHS AND SOCIAL CARE PARTNERSHIP TRUST", "Kent and Medway NHS and Social Care Partnership Trust"),
    ("NHS CORNWALL AND THE ISLES OF SCILLY INTEGRATED CARE BOARD",
     "NHS Cornwall and the Isles of Scilly Integrated Care Board"),
    ("NHS STAFFORDSHIRE AND STOKE-ON-TRENT INTEGRATED CARE BOARD",
     "NHS Staffordshire and Stoke-on-Trent Integrated Care Board"),
    ("EAST OF ENGLAND AMBULANCE SERVICE NHS TRUST", "East of England Ambulance Service NHS Trust"),
    ("UNIVERSITY COLLEGE LONDON HOSPITALS NHS FOUNDATION TRUST",
     "University College London Hospitals NHS Foundation Trust"),
    # Towns (column 8)
    ("BARROW-IN-FURNESS", "Barrow-in-Furness"),
    ("ASHTON-UNDER-LYNE", "Ashton-under-Lyne"),
    ("WESTCLIFF-ON-SEA", "Westcliff-on-Sea"),
    ("ST. LEONARDS-ON-SEA", "St. Leonards-on-Sea"),
    ("KINGSTON UPON THAMES", "Kingston upon Thames"),
    ("BURY ST. EDMUNDS", "Bury St. Edmunds"),
    ("MACCLESFIELD", "Macclesfield"),
    # Names beyond this extract
    ("MCKINLEY HOUSE", "McKinley House"),
    ("O'NEILL CENTRE", "O'Neill Centre"),
    ("THE UCL PARTNERS NHS TRUST", "The UCL Partners NHS Trust"),
    ("  EXTRA   SPACES  NHS TRUST ", "Extra Spaces NHS Trust"),
])
def test_readable_names(official, readable):
    assert readable_name(official) == readable


def test_readable_name_is_stable_on_its_own_output():
    for official in ("NHS CORNWALL AND THE ISLES OF SCILLY INTEGRATED CARE BOARD", "North East and Yorkshire"):
        once = readable_name(official)
        assert readable_name(once) == once


# -- kinds ------------------------------------------------------------------------------------

# Worked out by hand from the names in the mid-2025 extract; a name that says nothing
# about what the trust does is left without a kind.
KIND_OF = {
    "RX7": "ambulance", "RX6": "ambulance", "RRU": "ambulance", "RT4": "ambulance", "RYA": "ambulance",
    "RYT": "public-health",
    "RXV": "mental-health", "RVN": "mental-health", "RQY": "mental-health", "RXA": "mental-health",
    "RXY": "mental-health",
    "RY2": "community", "RYX": "community", "R1D": "community",
    "RBS": "specialist", "RBQ": "specialist", "REN": "specialist", "REP": "specialist", "RP6": "specialist",
    "RL1": "specialist", "RP4": "specialist", "RQ3": "specialist",
    "RXR": "acute", "RXN": "acute", "RGM": "acute", "RWP": "acute", "RCX": "acute",
    "RW5": None, "RRF": None, "R1H": None, "RW4": None, "RT2": None, "RBV": None, "RPY": None, "RET": None,
    "RV9": None, "RTF": None, "RXF": None, "RQF": None, "RMP": None,
}


def test_kinds_of_the_extracts_trusts(ods):
    names = {row[0]: row[1] for row in csv.reader((ods / "etr.csv").open(newline=""))}
    assert {code: trust_kind(names[code]) for code in KIND_OF} == KIND_OF
    assert all(trust_kind(name) in (None, *reference.KINDS) for name in names.values())


def test_every_kind_is_a_concept_in_the_bundled_scheme():
    graph = load([])
    labelled = {row[0] for row in _rows(graph, "SELECT ?k WHERE { ?k a lg:TrustKind ; skos:inScheme lgd:trust-kinds }")}
    assert labelled == {f"https://w3id.org/leadgraph/id/trustkind-{k}" for k in reference.KINDS}


# -- the committed layer --------------------------------------------------------------------

def test_committed_layer_is_what_the_generator_makes(ods):
    built = build_reference(ods / "etr.csv", icbs=ods / "icbs.csv", regions=ods / "regions.csv",
                            extracted=BUNDLED_EXTRACT_DATE)
    assert built == LAYER.read_bytes(), "regenerate with: leadgraph reference update ../shared/reference/ods/etr.csv --extracted 2025"


def test_names_read_back_from_the_layer_rebuild_it_exactly(ods):
    layer = read_layer(LAYER)
    built = build_reference(ods / "etr.csv", icbs=layer.icbs, regions=layer.regions, extracted=BUNDLED_EXTRACT_DATE)
    assert built == LAYER.read_bytes()


def test_layer_is_loaded_with_the_ontology_and_packaged():
    import tomllib

    assert resources.reference_path() in resources.ontology_files()
    include = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert include["force-include"]["ontology"] == "leadgraph/_bundled/ontology"
    # --data replaces the data, never the reference layer.
    graph = load([REPO / "tests" / "fixtures" / "model" / "dated-role.ttl"])
    assert _rows(graph, "SELECT ?n WHERE { lgd:org-rw5 rdfs:label ?n }") == [
        ("Lancashire and South Cumbria NHS Foundation Trust",)]


def test_layer_header_keeps_the_licence_attribution():
    head = LAYER.read_text(encoding="utf-8")[:1200]
    assert "Contains public sector information licensed under the Open Government Licence v3.0." in head
    assert "do not edit by hand" in head


def test_layer_counts_links_and_sources():
    layer = load_files([LAYER])
    count = lambda cls: _rows(layer, f"SELECT (COUNT(?o) AS ?n) WHERE {{ ?o a {cls} }}")[0][0]  # noqa: E731
    assert int(count("lg:IntegratedCareBoard")) == 42 and int(count("lg:NHSEnglandRegion")) == 7
    trusts = _rows(layer, "SELECT DISTINCT ?t WHERE { ?t lg:officialName ?n ; lg:odsCode ?c ; schema:foundingDate ?d }")
    assert len(trusts) == 210
    # Every English trust has one ICB and one region, and its ICB is in that same region.
    rows = _rows(layer, """
        SELECT ?t (COUNT(DISTINCT ?icb) AS ?icbs) (COUNT(DISTINCT ?r) AS ?regions) (SAMPLE(?same) AS ?ok) WHERE {
          ?t lg:icb ?icb ; lg:nhsRegion ?r . BIND(EXISTS { ?icb lg:nhsRegion ?r } AS ?same)
        } GROUP BY ?t""")
    assert len(rows) == 207 and all(r[1:] == ("1", "1", "true") for r in rows)
    # Every node of the layer is derived from the register (the register's own nodes aside).
    unsourced = _rows(layer, """
        SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER NOT EXISTS { ?s prov:wasDerivedFrom ?src } FILTER NOT EXISTS { ?s a lg:Register } }""")
    assert unsourced == []
    sources = _rows(layer, "SELECT ?s ?licence WHERE { ?s a lg:Register ; dcterms:license ?licence ; dcterms:publisher ?p }")
    assert {r[1] for r in sources} == {reference.LICENCE} and len(sources) == 3
    assert _rows(layer, "SELECT ?d WHERE { lgd:source-ods-etr dcterms:date ?d }") == [("2025",)]


def test_seed_trusts_are_the_reference_nodes_and_the_data_adds_only_what_ods_does_not_say():
    data = load_files([resources.data_dir()])
    seed = ["rw5", "rbs", "rbq", "rxr", "rrf", "rx7"]
    for code in seed:
        said = {r[0] for r in _rows(data, f"SELECT ?p WHERE {{ lgd:org-{code} ?p ?o }}")}
        assert said <= {"http://www.w3.org/2004/02/skos/core#altLabel",
                        "https://w3id.org/leadgraph/ontology#servesArea",
                        "http://www.w3.org/ns/prov#wasDerivedFrom"}, code
        assert _rows(data, f"SELECT ?s WHERE {{ lgd:org-{code} prov:wasDerivedFrom ?s }}") == [
            ("https://w3id.org/leadgraph/id/article-2021-06-23",)]
    whole = load()
    rows = _rows(whole, """
        SELECT ?code ?name ?kind ?icb WHERE {
          ?o lg:odsCode ?code ; rdfs:label ?name ; lg:icb/lg:odsCode ?icb ; prov:wasDerivedFrom lgd:article-2021-06-23 .
          OPTIONAL { ?o lg:trustKind ?k BIND(STRAFTER(STR(?k), "trustkind-") AS ?kind) }
        } ORDER BY ?code""")
    assert rows == [
        ("RBQ", "Liverpool Heart and Chest Hospital NHS Foundation Trust", "specialist", "QYG"),
        ("RBS", "Alder Hey Children's NHS Foundation Trust", "specialist", "QYG"),
        ("RRF", "Wrightington, Wigan and Leigh NHS Foundation Trust", None, "QOP"),
        ("RW5", "Lancashire and South Cumbria NHS Foundation Trust", None, "QE1"),
        ("RX7", "North West Ambulance Service NHS Trust", "ambulance", "QOP"),
        ("RXR", "East Lancashire Hospitals NHS Trust", "acute", "QE1"),
    ]


# -- updating from a newer extract ---------------------------------------------------------------

def _copy(ods: Path, folder: Path, edit=None) -> Path:
    rows = list(csv.reader((ods / "etr.csv").open(newline="")))
    if edit:
        rows = edit(rows)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "etr.csv"
    with path.open("w", newline="") as fh:
        csv.writer(fh, quoting=csv.QUOTE_ALL).writerows(rows)
    return path


def _changed(rows):
    by_code = {r[0]: r for r in rows}
    by_code["RXR"][1] = "EAST LANCASHIRE TEACHING HOSPITALS NHS TRUST"   # renamed
    by_code["RXN"][11] = "20251231"                                     # closed
    by_code["R0A"][3] = "QYG"                                           # moved ICB (same region)
    new = list(by_code["RW5"])
    new[:4] = ["ZZ1", "NEW TEST NHS FOUNDATION TRUST", "Y62", "QE1"]
    new[7], new[9], new[10] = "BARROW-IN-FURNESS", "LA14 4LF", "20260101"  # opened
    return [r for r in rows if r[0] != "RYY"] + [new]                   # RYY dropped


def test_update_reports_opened_closed_renamed_moved_and_dropped(ods, tmp_path):
    output = tmp_path / "ods.ttl"
    output.write_bytes(LAYER.read_bytes())
    etr = _copy(ods, tmp_path / "download", _changed)
    report = update_reference(etr, output=output, extracted="2026-11-30")
    assert report.changed and report.compared_with == output and report.trusts == 210
    assert report.opened == [("ZZ1", "New Test NHS Foundation Trust", "2026-01-01")]
    assert report.closed == [("RXN", "Lancashire Teaching Hospitals NHS Foundation Trust", "2025-12-31")]
    assert report.renamed == [("RXR", "East Lancashire Hospitals NHS Trust",
                               "East Lancashire Teaching Hospitals NHS Trust")]
    assert report.moved == [("R0A", "Manchester University NHS Foundation Trust", "QOP", "QYG")]
    assert report.dropped == [("RYY", "Kent Community Health NHS Foundation Trust")]
    text = report.text()
    assert "renamed  RXR  East Lancashire Hospitals NHS Trust -> East Lancashire Teaching Hospitals NHS Trust" in text
    # The names of ICBs and regions came from the layer it replaced (no lists beside the download).
    assert output.read_bytes() == build_reference(etr, icbs=ods / "icbs.csv", regions=ods / "regions.csv",
                                                  extracted="2026-11-30")
    graph = load_files([output])
    assert _rows(graph, "SELECT ?l ?c WHERE { lgd:org-zz1 schema:address ?a . ?a schema:addressLocality ?l ; schema:postalCode ?c }") == [
        ("Barrow-in-Furness", "LA14 4LF")]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp file left
    again = update_reference(etr, output=output, extracted="2026-11-30")
    assert not again.changed and "no trust opened, closed, was renamed or moved" in again.text()


def test_dry_run_writes_nothing(ods, tmp_path):
    etr = _copy(ods, tmp_path, _changed)
    report = update_reference(etr, output=tmp_path / "new.ttl", extracted="2026", dry_run=True)
    assert report.dry_run and not (tmp_path / "new.ttl").exists()
    assert report.compared_with == resources.reference_path()  # a new file is compared with the bundled layer
    assert len(report.opened) == 1


def test_cli_update(ods, tmp_path, run_cli):
    etr = _copy(ods, tmp_path, _changed)
    out = tmp_path / "layer.ttl"
    result = run_cli("reference", "update", str(etr), "--extracted", "2026-11-30", "-o", str(out), "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["changed"] and [c["code"] for c in report["opened"]] == ["ZZ1"]
    assert out.is_file()


def _bad(rows, row, column, value):
    rows[row - 1][column - 1] = value
    return rows


@pytest.mark.parametrize("row, column, value, message", [
    (3, 1, "r0b", "row 3, column 1 (ODS code): 'r0b' is not an ODS code"),
    (5, 4, "", "row 5, column 4 (ICB code): '' is not an ODS code"),
    (5, 4, "QZZ", "row 5, column 4 (ICB code): QZZ is not in the list of ICBs"),
    (7, 3, "Y99", "row 7, column 3 (NHS England region code): Y99 is not in the list of NHS England regions"),
    (9, 11, "2002-04-01", "row 9, column 11 (open date): '2002-04-01' is not a date (YYYYMMDD)"),
    (9, 12, "20230231", "row 9, column 12 (close date): '20230231' is not a date (YYYYMMDD)"),
    (9, 12, "19000101", "row 9, column 12 (close date): 1900-01-01 is before the open date"),
    (10, 10, "NOT A POSTCODE", "row 10, column 10 (postcode): 'NOT A POSTCODE' is not a UK postcode"),
    (11, 2, "", "row 11, column 2 (name): empty"),
    (12, 1, "R0A", "row 12, column 1 (ODS code): R0A is listed twice (first on row 2)"),
    (13, 2, "<b>TRUST</b>", "row 13, column 2 (name): contains < or > or a control character"),
    (14, 8, "LEEDS\nCITY", "row 14, column 8 (town): contains < or > or a control character"),
])
def test_bad_rows_are_one_line_errors_naming_file_row_and_column(ods, tmp_path, cli, row, column, value, message):
    etr = _copy(ods, tmp_path, lambda rows: _bad(rows, row, column, value))
    with pytest.raises(DataError) as caught:
        build_reference(etr, icbs=ods / "icbs.csv", regions=ods / "regions.csv")
    assert str(caught.value).startswith(f"{etr}: {message}")
    result = cli("reference", "update", str(etr), "--icbs", str(ods / "icbs.csv"),
                     "--regions", str(ods / "regions.csv"), "-o", str(tmp_path / "x.ttl"))
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"error: {etr}: {message}")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.ttl").exists()


def test_short_rows_missing_files_and_bad_lists(ods, tmp_path):
    short = tmp_path / "short.csv"
    short.write_text('"RW5","LANCASHIRE & SOUTH CUMBRIA NHS FOUNDATION TRUST","Y62"\n')
    with pytest.raises(DataError, match=r"short.csv: row 1: 3 columns, expected at least 12"):
        build_reference(short, icbs=ods / "icbs.csv", regions=ods / "regions.csv")
    with pytest.raises(DataError, match="nope.csv: no such file"):
        build_reference(tmp_path / "nope.csv", icbs=ods / "icbs.csv", regions=ods / "regions.csv")
    icbs = tmp_path / "icbs.csv"
    icbs.write_text("ods_code,ons_code,name\nQE1,X123,NHS SOMEWHERE INTEGRATED CARE BOARD\n")
    with pytest.raises(DataError, match=r"icbs.csv: row 2, column 2 \(ons_code\): 'X123' is not an ONS code"):
        build_reference(ods / "etr.csv", icbs=icbs, regions=ods / "regions.csv")
    (tmp_path / "latin1.csv").write_bytes(b'"R0A","CAF\xc9 NHS TRUST"\n')
    with pytest.raises(DataError, match="row 1: not UTF-8 text"):
        build_reference(tmp_path / "latin1.csv", icbs=ods / "icbs.csv", regions=ods / "regions.csv")


def test_no_names_for_icbs_is_a_clear_error(ods, tmp_path, monkeypatch):
    etr = _copy(ods, tmp_path)
    monkeypatch.setattr(resources, "reference_path", lambda: tmp_path / "absent.ttl")
    with pytest.raises(DataError, match="no list of ICBs to name them from: pass --icbs FILE"):
        update_reference(etr, output=tmp_path / "new.ttl", extracted="2026")


def test_bad_extract_date_is_a_usage_error(cli, tmp_path):
    with pytest.raises(UsageError):
        reference.parse_extract_date("2026-13")
    result = cli("reference", "update", str(tmp_path / "etr.csv"), "--extracted", "30/11/2026",
                     "-o", str(tmp_path / "x.ttl"))
    assert result.exit_code == 2 and "extract date '30/11/2026'" in result.stderr


def test_extract_date_defaults_to_the_files_modification_date(ods, tmp_path):
    etr = _copy(ods, tmp_path)
    stamp = dt.datetime(2026, 3, 4, 12, tzinfo=dt.timezone.utc).timestamp()
    os.utime(etr, (stamp, stamp))
    report = update_reference(etr, output=tmp_path / "x.ttl", dry_run=True)
    assert report.extracted == "2026-03-04" and "modification date" in report.text()
