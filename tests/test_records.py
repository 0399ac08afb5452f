"""Person records (YAML and CSV): the bundled people as YAML are the same graph as the Turtle,
records round-trip through their writers, and every broken record is one line with a file,
line or row and column, exit code 1, no traceback (through the real command)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from leadgraph import resources
from leadgraph.errors import DataError
from leadgraph.loading import load, load_files
from leadgraph.records import convert, new_person
from leadgraph.records.csv import CsvRecordReader
from leadgraph.records.yaml import SCHEMA_PATH, YamlRecordReader
from leadgraph.store.readers import READERS, reader_for

REPO = Path(__file__).resolve().parents[1]
RECORDS = REPO / "tests" / "fixtures" / "records"
PEOPLE = RECORDS / "people"
BROKEN = RECORDS / "broken"
DATA = resources.data_dir()
ARTICLE = "https://w3id.org/leadgraph/id/article-2021-06-23"
NOT_PEOPLE = [DATA / "organisations.ttl", DATA / "programmes.ttl", DATA / "sources.ttl"]


def _rdflib(graph) -> rdflib.Graph:
    return graph.to_rdflib()


def _nt_graph(triples) -> rdflib.Graph:
    g = rdflib.Graph()
    g.parse(data="".join(f"{t.subject} {t.predicate} {t.object} .\n" for t in triples), format="nt")
    return g


def _diff(a: rdflib.Graph, b: rdflib.Graph) -> str:
    _, only_a, only_b = graph_diff(to_isomorphic(a), to_isomorphic(b))
    return f"only in Turtle: {sorted(only_a)[:5]}; only in YAML: {sorted(only_b)[:5]}"


def test_records_register_their_extensions_when_loading_is_imported():
    assert {".yaml", ".yml", ".csv"} <= set(READERS)
    assert reader_for("x.YML").name == "yaml" and reader_for("x.csv").name == "csv"


def test_the_six_bundled_people_as_yaml_are_the_bundled_graph():
    """The proof that YAML can say everything the hand-written Turtle says, IRIs included."""
    from_turtle = load(DATA)
    from_yaml = load(NOT_PEOPLE + sorted(PEOPLE.glob("*.yaml")))
    assert len(sorted(PEOPLE.glob("*.yaml"))) == len(sorted((DATA / "people").glob("*.ttl"))) == 6
    a, b = _rdflib(from_turtle), _rdflib(from_yaml)
    assert isomorphic(a, b), _diff(a, b)


@pytest.mark.parametrize("name", sorted(p.stem for p in (resources.data_dir() / "people").glob("*.ttl")))
def test_each_person_yaml_gives_the_person_turtle_plus_only_source_facts_already_bundled(name):
    turtle = reader_for("x.ttl").read(DATA / "people" / f"{name}.ttl")
    from_yaml = YamlRecordReader().read(PEOPLE / f"{name}.yaml")
    sources = {str(t) for t in reader_for("x.ttl").read(DATA / "sources.ttl")}
    extra = {str(t) for t in from_yaml} - {str(t) for t in turtle}
    assert extra <= sources  # the YAML restates the article's title and date, word for word
    assert {str(t) for t in turtle} <= {str(t) for t in from_yaml}


def test_every_bundled_fact_from_yaml_cites_the_seed_article():
    graph = load(NOT_PEOPLE + sorted(PEOPLE.glob("*.yaml")))
    rows = graph.store.select(
        "SELECT DISTINCT ?src WHERE { ?s prov:wasDerivedFrom|prov:wasQuotedFrom ?src . "
        "?s (lg:person|org:member|schema:creator)?/(^schema:hasCredential)? ?p . ?p a lg:Leader }")
    assert {r["src"].value for r in rows} == {ARTICLE}
    facts = graph.store.select(
        "SELECT ?s WHERE { { ?s a org:Membership } UNION { ?s a lg:Statement } UNION { ?s a lg:TraitAttribution } "
        "UNION { ?s a lg:ServiceRecord } UNION { ?s a lg:ProfessionalBackground } UNION { ?s a lg:ResponsibilityScale } "
        "UNION { ?s a schema:EducationalOccupationalCredential } "
        "FILTER NOT EXISTS { ?s prov:wasDerivedFrom <" + ARTICLE + "> } }")
    assert facts == []


def test_yaml_people_validate_and_answer_the_named_queries_alike():
    import leadgraph

    turtle, yaml = load(DATA), load(NOT_PEOPLE + sorted(PEOPLE.glob("*.yaml")))
    assert leadgraph.validate(yaml).conforms
    for name in ("cio-roles", "long-service", "shared-traits", "headline-advice", "qualifications"):
        assert leadgraph.query(name, graph=turtle).rows == leadgraph.query(name, graph=yaml).rows, name


@pytest.mark.parametrize("path", sorted(PEOPLE.glob("*.yaml")) + [RECORDS / "valid-ann.yaml"], ids=lambda p: p.name)
def test_yaml_round_trips_through_its_writer(path, tmp_path):
    reader = YamlRecordReader()
    triples = reader.read(path)
    written = reader.write(triples)
    copy = tmp_path / path.name
    copy.write_bytes(written)
    again = reader.read(copy)
    assert isomorphic(_nt_graph(triples), _nt_graph(again))
    assert reader.write(again) == written  # canonical: writing twice gives the same bytes


@pytest.mark.parametrize("name", sorted(p.stem for p in (resources.data_dir() / "people").glob("*.ttl")))
def test_the_writer_turns_bundled_turtle_into_yaml_that_reads_back_the_same(name, tmp_path):
    turtle = reader_for("x.ttl").read(DATA / "people" / f"{name}.ttl")
    out = tmp_path / f"{name}.yaml"
    out.write_bytes(YamlRecordReader().write(turtle))
    assert isomorphic(_nt_graph(turtle), _nt_graph(YamlRecordReader().read(out)))


@pytest.mark.parametrize("name", ["roles.csv", "traits.csv"])
def test_csv_round_trips_through_its_writer(name, tmp_path):
    reader = CsvRecordReader()
    triples = reader.read(RECORDS / "csv" / name)
    written = reader.write(triples)
    (tmp_path / name).write_bytes(written)
    again = reader.read(tmp_path / name)
    assert isomorphic(_nt_graph(triples), _nt_graph(again))
    assert reader.write(again) == written


def test_csv_roles_and_traits_load_beside_the_bundled_data_and_validate():
    import leadgraph

    graph = load([DATA, RECORDS / "csv"])
    assert leadgraph.validate(graph).conforms
    names = [r["name"] for r in leadgraph.query("cio-roles", graph=graph).rows]
    assert "Ann Example" in names and "Ben Sample" in names
    traits = leadgraph.query("leaders-with-trait", {"trait": "lgd:trait-patient-focus"}, graph=graph).rows
    assert "Ben Sample" in [r["name"] for r in traits]


def test_csv_a_stray_quote_inside_a_cell_reads_as_spreadsheets_read_it(tmp_path):
    # Only an unclosed quote is an error (csv-unclosed-quote.csv); "Ann" Example is Ann Example.
    path = tmp_path / "roles.csv"
    path.write_text('person,title,role_type,organisation,source,source_title\n'
                    '"Ann" Example,CIO,CIO,RBS,blog,"Meet ""Ann"""\n')
    triples = CsvRecordReader().read(path)
    values = {t.object.value for t in triples}
    assert "Ann Example" in values and 'Meet "Ann"' in values


def test_csv_rows_mint_the_bundled_iri_conventions():
    triples = CsvRecordReader().read(RECORDS / "csv" / "roles.csv")
    subjects = {t.subject.value.rsplit("/", 1)[-1] for t in triples}
    assert {"ann-example", "ann-example-role-rbs", "ann-example-role-rxr", "ben-sample-role-rw5",
            "source-blog", "source-bulletin"} <= subjects


def test_forget_rewrites_a_yaml_and_a_csv_file_through_their_writers(tmp_path):
    import shutil

    from leadgraph.privacy import forget_person

    for path in [*NOT_PEOPLE, RECORDS / "valid-ann.yaml", RECORDS / "csv" / "roles.csv", RECORDS / "csv" / "traits.csv"]:
        shutil.copy(path, tmp_path / path.name)
    forget_person("Ben Sample", [tmp_path])
    left = load([tmp_path])
    assert not left.store.select("SELECT ?s WHERE { ?s ?p <https://w3id.org/leadgraph/id/ben-sample> }")
    assert left.store.select("SELECT ?s WHERE { ?s a org:Membership ; org:member lgd:ann-example }")
    assert "Ben Sample" not in (tmp_path / "roles.csv").read_text()
    assert "Ann Example" in (tmp_path / "roles.csv").read_text()


def test_convert_writes_canonical_turtle(tmp_path):
    out = tmp_path / "ann.ttl"
    turtle = convert([RECORDS / "valid-ann.yaml"], out)
    assert out.read_bytes() == turtle
    assert turtle == convert(RECORDS / "valid-ann.yaml")
    back = load_files([out])
    assert isomorphic(_nt_graph(back.triples()), _nt_graph(YamlRecordReader().read(RECORDS / "valid-ann.yaml")))
    assert b"lgd:ann-example-role-rbs" in turtle and b"lg:jobTitle" in turtle


def test_new_person_skeleton_points_at_the_schema_and_asks_for_the_blanks(tmp_path):
    out = tmp_path / "ann-example.yaml"
    new_person("Ann Example", "alder hey", out)
    text = out.read_text()
    schema = re.search(r"\$schema=(\S+)", text).group(1)
    assert (out.parent / schema).resolve() == SCHEMA_PATH.resolve()
    assert "organisation: RBS" in text
    with pytest.raises(DataError, match=r"ann-example.yaml:11: sources.article.title: no value"):
        YamlRecordReader().read(out)
    with pytest.raises(Exception, match="already exists"):
        new_person("Ann Example", None, out)


def test_new_person_skeleton_says_how_to_check_it_from_where_it_was_made(tmp_path, monkeypatch):
    # The file as the user named it, and the bundled data wherever it is (outside a checkout,
    # data/ is not there): the comment is a command that runs, once the blanks are filled in.
    import shlex

    from leadgraph import resources

    monkeypatch.chdir(tmp_path)
    new_person("Ann Example", "RBS", "my data/ann.yaml")
    check = (tmp_path / "my data" / "ann.yaml").read_text().splitlines()[2]
    command = shlex.split(check.split(": ", 1)[1])
    assert command[:2] == ["leadgraph", "--data"] and command[3:] == ["--data", "my data/ann.yaml", "validate"]
    assert Path(command[2]).resolve() == resources.data_dir().resolve()


def test_vocabulary_values_match_labels_and_alternative_labels_ignoring_case():
    from leadgraph.records.vocabulary import Reference

    ref = Reference.bundled()
    lgd = "https://w3id.org/leadgraph/id/"
    for word, iri in [("cio", "role-cio"), ("Chief Nursing Information Officer", "role-cnio"), ("CDIO", "role-cdio"),
                      ("head of digital", "role-head-of-digital"), ("cmio", "role-cmio"), ("CTO", "role-cto")]:
        assert ref.concept("role type", word) == lgd + iri
    assert ref.concept("trait", "self-drive") == lgd + "trait-self-motivation"
    assert ref.concept("measure", "SYSTEMS") == lgd + "measure-systems"
    assert ref.concept("field", "clinician") == lgd + "field-clinical"
    assert ref.organisation("National Health Service") == lgd + "org-nhs"


def test_a_record_can_declare_a_new_concept_and_organisation(tmp_path):
    text = (RECORDS / "valid-ann.yaml").read_text()
    text = text.replace("trait: listening", "trait: Curiosity").replace("organisation: Alder Hey", "organisation: RXN")
    text = text.replace("quotes:", "concepts:\n  - vocabulary: trait\n    label: Curiosity\n    broader: Personal qualities\n"
                        "organisations:\n  - name: Lancashire Teaching Hospitals NHS Foundation Trust\n    ods: RXN\n"
                        "    kind: NHS foundation trust\n    source: blog\nquotes:")
    path = tmp_path / "ann.yaml"
    path.write_text(text)
    import leadgraph

    graph = load([DATA, path])
    assert leadgraph.validate(graph).conforms
    assert graph.store.select("SELECT ?c WHERE { ?c skos:broader lgd:traitgroup-personal-qualities ; "
                              "skos:prefLabel 'Curiosity' }")
    assert {t.subject.value for t in YamlRecordReader().read(path)} >= {"https://w3id.org/leadgraph/id/org-rxn"}
    written = tmp_path / "again.yaml"
    written.write_bytes(YamlRecordReader().write(YamlRecordReader().read(path)))
    assert isomorphic(_nt_graph(YamlRecordReader().read(path)), _nt_graph(YamlRecordReader().read(written)))


def test_the_schema_is_valid_json_schema_and_accepts_every_fixture():
    import json

    from jsonschema import Draft202012Validator
    from ruamel.yaml import YAML

    schema = json.loads(SCHEMA_PATH.read_text())
    Draft202012Validator.check_schema(schema)
    for path in sorted(PEOPLE.glob("*.yaml")):
        data = json.loads(json.dumps(YAML(typ="safe").load(path.read_text()), default=str))
        assert list(Draft202012Validator(schema).iter_errors(data)) == [], path.name


BROKEN_CASES = {
    'bad-date-format.yaml':
        "error: bad-date-format.yaml:7: sources.blog.date: bad date '01/05/2024': expected YYYY-MM-DD (column 11)",
    'bad-date.yaml':
        "error: bad-date.yaml:13: roles[0].as_of: bad date '2024-13-01': month must be in 1..12 (column 12)",
    'bad-iri-id.yaml':
        "error: bad-iri-id.yaml:15: roles[0].id: bad IRI 'https://example.org/a b': Invalid IRI code point ' ' (column 9)",
    'csv-bad-boolean.csv':
        "error: csv-bad-boolean.csv:2: row 2, column G (current): expected true or false, found 'maybe'",
    'csv-bad-date.csv':
        "error: csv-bad-date.csv:2: row 2, column F (as_of): bad date '2024-02-30': day is out of range for month",
    'csv-conflicting-source.csv':
        "error: csv-conflicting-source.csv:3: row 3, column I (source_title): source 'blog' has title 'Meet' on an earlier row, 'Other title' here",
    'csv-empty-person.csv':
        "error: csv-empty-person.csv:2: row 2, column A (person): empty 'person': every row needs one",
    'csv-missing-source.csv':
        "error: csv-missing-source.csv:2: row 2, column H (source): empty 'source': every row needs one",
    'csv-repeated-row.csv':  # the other place as a row, not as the path in the record the rows make
        "error: csv-repeated-row.csv:3: row 3, column E (organisation): two facts would have the IRI lgd:ann-example-role-rbs (also on row 2): delete the repeated row, or give each role at that organisation its own role_id (a row's role is named after its person and organisation unless role_id names it)",
    'earlier-role-same-organisation.yaml':  # roles take an id, not a key: the message says so
        "error: earlier-role-same-organisation.yaml:17: earlier_roles[0]: two facts would have the IRI lgd:ann-example-role-rbs (also at roles[0]): give one a different id (column 5)",
    'csv-role-type-abbreviation-typo.csv':  # close to an abbreviation (CIO), far from every preferred label
        "error: csv-role-type-abbreviation-typo.csv:2: row 2, column D (role_type): unknown role type 'CIOO' (did you mean 'Chief Information Officer' or 'Chief Clinical Information Officer' or 'Chief Digital and Information Officer'?)",
    'csv-semicolons.csv':  # a spreadsheet saved with ';' (European locales)
        "error: csv-semicolons.csv:1: row 1: the header is one cell, 'person;title;role_type;organisation;source;source_title': the file is separated by ';', and leadgraph reads comma-separated CSV (from a spreadsheet: save as \"CSV UTF-8 (comma delimited)\")",
    'csv-trait-without-evidence.csv':
        "error: csv-trait-without-evidence.csv:2: row 2, column C (text): a trait needs its evidence: fill in 'text' (the source's words) or 'quote' (a verbatim quotation)",
    'csv-undescribed-source.csv':
        "error: csv-undescribed-source.csv:2: row 2, column I (source_title): source 'blog' is not described: give source_title (and source_date, source_url) on its first row, or write the key as lgd:ID",
    'csv-unclosed-quote.csv':  # not "empty 'organisation'": the quote swallowed the rest of the file
        "error: csv-unclosed-quote.csv:2: row 2: a quoted cell (opened with \") is never closed: the rest of the file would be one cell; close the quote or remove it",
    'csv-unknown-column.csv':
        "error: csv-unknown-column.csv:1: row 1, column C: unknown column 'jobtitle' (did you mean 'title'?) (a roles CSV has: person, id, variants, role_id, title, role_type, organisation, programme, start, end, as_of, current, description, supersedes, source, source_title, source_date, source_url, source_publisher, source_kind)",
    'csv-unknown-organisation.csv':
        'error: csv-unknown-organisation.csv:2: row 2, column E (organisation): unknown organisation \'Alder Hay\' (did you mean \'Alder Hey\' or "Alder Hey Children\'s Hospital" or "Alder Hey Children\'s NHS Foundation Trust"?) (give its ODS code, load it first, or declare it under \'organisations\')',
    'csv-unknown-role-type.csv':
        "error: csv-unknown-role-type.csv:2: row 2, column D (role_type): unknown role type 'Chief Happyness Officer' (did you mean 'Chief Digital and Information Officer' or 'Chief Data Officer' or 'Chief Digital Officer'?)",
    'csv-unknown-trait.csv':
        "error: csv-unknown-trait.csv:2: row 2, column B (trait): unknown trait 'Resilent' (did you mean 'Resilience'?)",
    'decimal-years.yaml':
        'error: decimal-years.yaml:16: service[0].years: expected a whole number, found a decimal number 3.5 (column 12)',
    'deep-nesting.yaml':
        'error: deep-nesting.yaml: YAML nested too deeply to be a person record',
    'duplicate-key.yaml':
        "error: duplicate-key.yaml:12: YAML syntax error: duplicate key 'role_type' (column 5)",
    'duplicate-quote-key.yaml':
        "error: duplicate-quote-key.yaml:20: quotes[1].key: duplicate quote key 'listen': each quotation needs its own key (column 10)",
    'empty-file.yaml':
        'error: empty-file.yaml:1: file is empty',
    'empty-name.yaml':
        'error: empty-name.yaml:1: person: empty text: write something, or leave the key out (column 9)',
    'list-instead-of-mapping.yaml':
        "error: list-instead-of-mapping.yaml:10: roles[0]: expected a mapping of keys, found text 'Chief Digital Officer' (column 5)",
    'missing-name.yaml':
        "error: missing-name.yaml:1: missing 'person': give the person's full name (column 1)",
    'missing-source-key.yaml':
        "error: missing-source-key.yaml:10: roles[0]: missing 'source': every fact must cite a source key declared under 'sources' (column 5)",
    'negative-years.yaml':
        'error: negative-years.yaml:16: service[0].years: must be 0 or more, not -3 (column 12)',
    'new-trait-without-group.yaml':
        "error: new-trait-without-group.yaml:16: concepts[0]: a new trait needs its group: add 'broader' (one of 'Getting things delivered', 'Leading change', 'Leading people', 'Personal qualities', 'Purpose and public service') (column 5)",
    'no-sources.yaml':
        "error: no-sources.yaml:1: missing 'sources': declare the sources under 'sources' (key: title, date, url...) (column 1)",
    'not-a-mapping.yaml':
        'error: not-a-mapping.yaml:1: a person record is a mapping of keys (person:, roles: ...), not a list',
    'quote-too-long.yaml':
        'error: quote-too-long.yaml:17: quotes[0].text: too long: 479 characters, at most 400 (quote a short excerpt) (column 11)',
    'source-without-title.yaml':
        'error: source-without-title.yaml:6: sources.blog: a source needs a title (or only an id, for one described in another file) (column 5)',
    'trait-without-evidence.yaml':
        "error: trait-without-evidence.yaml:21: traits[0]: a trait needs its evidence: give 'quote' (a quote key) or 'text' (the source's words) (column 5)",
    'unknown-key.yaml':
        "error: unknown-key.yaml:10: roles[0].jobtitle: unknown key 'jobtitle' (did you mean 'title'?) (column 5)",
    'unknown-ods-code.yaml':
        "error: unknown-ods-code.yaml:12: roles[0].organisation: unknown organisation code 'RBX' (did you mean 'RBD' or 'RBK' or 'RBL'?) (load the organisation first, or declare it under 'organisations') (column 19)",
    'unknown-organisation.yaml':
        'error: unknown-organisation.yaml:12: roles[0].organisation: unknown organisation \'Alder Hay Childrens\' (did you mean \'Alder Hey\' or "Alder Hey Children\'s Hospital" or "Alder Hey Children\'s NHS Foundation Trust"?) (give its ODS code, load it first, or declare it under \'organisations\') (column 19)',
    'unknown-quote-key.yaml':
        "error: unknown-quote-key.yaml:22: traits[0].quote: unknown quote key 'listening' (did you mean 'listen'?) (declare it under 'quotes') (column 12)",
    'unknown-role-type.yaml':
        "error: unknown-role-type.yaml:11: roles[0].role_type: unknown role type 'Chief Happiness Officer' (did you mean 'Chief Digital and Information Officer' or 'Chief Data Officer' or 'Chief Digital Officer'?) (column 16)",
    'unknown-source-key.yaml':
        "error: unknown-source-key.yaml:19: quotes[0].source: unknown source key 'blogg' (did you mean 'blog'?) (declared: 'blog') (column 13)",
    'unknown-top-key.yaml':
        "error: unknown-top-key.yaml:2: variant: unknown key 'variant' (did you mean 'variants'?) (column 1)",
    'unknown-trait.yaml':
        "error: unknown-trait.yaml:21: traits[0].trait: unknown trait 'resilent' (did you mean 'Resilience'?) (column 12)",
    'wrong-type.yaml':
        'error: wrong-type.yaml:18: quotes[0].headline: expected true or false, found a list (column 15)',
    'yaml-alias.yaml':
        'error: yaml-alias.yaml:10: earlier_roles[0]: a YAML alias (*name) repeats a mapping or list: write the values out (column 5)',
    'yaml-syntax.yaml':
        "error: yaml-syntax.yaml:10: YAML syntax error: mapping values are not allowed here (column 33): check the indentation (the keys of one entry line up under each other) and quote a value that holds ': '",
    'yaml-tab.yaml':
        "error: yaml-tab.yaml:11: YAML syntax error: found character '\\t' that cannot start any token (column 1): YAML indents with spaces, not tabs (replace the tab with spaces)",
}


def test_the_broken_corpus_covers_every_promised_case():
    assert len([n for n in BROKEN_CASES if n.endswith(".yaml")]) >= 15
    assert len([n for n in BROKEN_CASES if n.endswith(".csv")]) >= 6
    assert sorted(BROKEN_CASES) == sorted(p.name for p in BROKEN.iterdir())


@pytest.mark.parametrize("name", sorted(BROKEN_CASES))
def test_each_broken_record_is_one_line_with_its_place_and_exit_code_1(name, monkeypatch, capsys):
    # The real entry point (leadgraph.cli.main, what the installed command runs), in-process
    # for speed; the two cases below run the installed command itself.
    from leadgraph.cli import main

    monkeypatch.chdir(BROKEN)
    with pytest.raises(SystemExit) as exit_:
        main(["--data", name, "validate"])
    out, err = capsys.readouterr()
    assert exit_.value.code == 1
    assert out == ""
    assert err.strip() == BROKEN_CASES[name]
    assert "Traceback" not in err and err.count("\n") == 1


@pytest.mark.parametrize("name", ["unknown-key.yaml", "csv-unknown-organisation.csv"])
def test_broken_records_through_the_installed_command(name):
    result = subprocess.run([sys.executable, "-m", "leadgraph", "--data", name, "validate"], cwd=BROKEN,
                            capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stdout, result.stderr.strip()) == (1, "", BROKEN_CASES[name])


def _main(args, monkeypatch, capsys, cwd):
    from leadgraph.cli import main

    monkeypatch.chdir(cwd)
    with pytest.raises(SystemExit) as exit_:
        main(args)
    out, err = capsys.readouterr()
    return exit_.value.code, out, err


def test_cli_convert_and_new_person(tmp_path, monkeypatch, capsys):
    code, out, err = _main(["convert", str(RECORDS / "valid-ann.yaml")], monkeypatch, capsys, tmp_path)
    assert code == 0 and out.encode() == convert(RECORDS / "valid-ann.yaml")
    code, out, err = _main(["convert", "ann.yaml"], monkeypatch, capsys, tmp_path)
    assert (code, err.strip()) == (1, "error: ann.yaml: no such file or folder")
    code, out, err = _main(["new", "person", "Ann Example", "--organisation", "RBS", "-o", "ann.yaml"],
                           monkeypatch, capsys, tmp_path)
    assert code == 0 and (tmp_path / "ann.yaml").exists()
    code, out, err = _main(["new", "person", "Ann Example", "-o", "ann.yaml"], monkeypatch, capsys, tmp_path)
    assert (code, err.strip()) == (2, "error: ann.yaml already exists: choose another name or remove it first")
    code, out, err = _main(["new", "person", "Ann Example", "--organisation", "RBX"], monkeypatch, capsys, tmp_path)
    assert code == 2 and re.search(r"unknown organisation code 'RBX' \(did you mean 'RB.'", err)
    code, out, err = _main(["new", "person", "  "], monkeypatch, capsys, tmp_path)
    assert code == 2 and "give the person's full name" in err
    code, out, err = _main(["convert", str(RECORDS / "valid-ann.yaml"), "-o", "ann.ttl"], monkeypatch, capsys, tmp_path)
    assert code == 0 and (tmp_path / "ann.ttl").read_bytes() == convert(RECORDS / "valid-ann.yaml")


def test_role_dates_become_an_interval(tmp_path):
    path = tmp_path / "dated.yaml"
    path.write_text("person: Ann Example\nsource: blog\nsources:\n  blog: {title: T, date: 2024-05-01}\n"
                    "earlier_roles:\n  - {organisation: RBS, role_type: CIO, start: 2019, end: 2021-03-01, source: blog}\n")
    turtle = convert(path).decode()
    assert 'time:inXSDgYear "2019"^^xsd:gYear' in turtle and 'time:inXSDDate "2021-03-01"^^xsd:date' in turtle
    assert "lgd:ann-example-role-rbs-period" in turtle
    written = tmp_path / "again.yaml"
    written.write_bytes(YamlRecordReader().write(YamlRecordReader().read(path)))
    assert isomorphic(_nt_graph(YamlRecordReader().read(path)), _nt_graph(YamlRecordReader().read(written)))
    import leadgraph

    assert leadgraph.validate(load([DATA, path])).conforms


def test_a_csv_keeps_a_source_no_row_cites_as_a_source_only_row(tmp_path):
    path = tmp_path / "roles.csv"
    path.write_text("person,title,role_type,organisation,as_of,source,source_title,source_date\n"
                    "Ann Example,CIO,CIO,RBS,2024-05-01,blog,Meet,2024-05-01\n"
                    ",,,,,old,An old article,2020-01-01\n")
    triples = CsvRecordReader().read(path)
    assert "https://w3id.org/leadgraph/id/source-old" in {t.subject.value for t in triples}
    (tmp_path / "again.csv").write_bytes(CsvRecordReader().write(triples))
    assert isomorphic(_nt_graph(triples), _nt_graph(CsvRecordReader().read(tmp_path / "again.csv")))
