"""Curation rough edges: every bad row of a record file in one run, a roles CSV holding two roles
at one organisation (``role_id``), ``validate --format json`` on data that cannot be read, and
dates later than today or than their source flagged. Through the real command where the user
meets it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib.compare import isomorphic

from leadgraph.errors import DataError, DataErrors
from leadgraph.records.csv import CsvRecordReader
from leadgraph.records.yaml import YamlRecordReader

HEADER = "person,title,role_type,organisation,as_of,source,source_title,source_date\n"
GOOD = "Ann Example,CIO,CIO,RBS,2024-05-01,blog,Meet,2024-05-01\n"


def _nt(triples):
    import rdflib

    graph = rdflib.Graph()
    graph.parse(data="\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples), format="nt")
    return graph


# -- 1. every bad row ----------------------------------------------------------------------

def test_a_csv_with_sixty_bad_rows_shows_fifty_then_how_many_more(cli, tmp_path):
    path = tmp_path / "roles.csv"
    path.write_text(HEADER + GOOD + "".join(f"Person {i},CIO,CIO,RZ{i:02d},2024-05-01,blog,,\n" for i in range(60)))
    result = cli("--data", str(path), "validate")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 51, result.stderr
    assert all(line.startswith(f"error: {path}:") for line in lines)
    assert lines[0].startswith(f"error: {path}:3: row 3, column D (organisation): unknown organisation code 'RZ00'")
    assert lines[49].startswith(f"error: {path}:52: row 52, column D (organisation): unknown organisation code 'RZ49'")
    assert lines[50] == f"error: {path}: and 10 more problems"
    assert "Traceback" not in result.stderr
    # JSON holds every one of them, each an error finding with its row and column.
    report = json.loads(cli("--data", str(path), "validate", "--format", "json").stdout)
    assert report["errors"] == 60 and [r["line"] for r in report["results"]] == list(range(3, 63))
    assert {(r["level"], r["column"], r["file"]) for r in report["results"]} == {("error", 4, str(path))}


def test_the_python_api_gives_every_problem_of_a_file(tmp_path):
    path = tmp_path / "roles.csv"
    path.write_text(HEADER + "Ann Example,CIO,Chief Happiness Officer,RBS,2024-05-01,blog,Meet,2024-05-01\n"
                    "Bob Example,CIO,CIO,RBS,2024-13-01,blog,,\n")
    with pytest.raises(DataErrors) as caught:
        CsvRecordReader().read(path)
    assert [(e.line, e.message.split(":")[0]) for e in caught.value.errors] == [
        (2, "row 2, column C (role_type)"), (3, "row 3, column E (as_of)")]
    assert str(caught.value).endswith("(and 1 more problem in this file)")
    assert isinstance(caught.value, DataError)  # callers catching DataError still catch it


def test_one_bad_row_is_one_plain_error_as_before(tmp_path):
    path = tmp_path / "roles.csv"
    path.write_text(HEADER + GOOD + "Bob Example,CIO,CIO,RBS,2024-13-01,blog,,\n")
    with pytest.raises(DataError) as caught:
        CsvRecordReader().read(path)
    assert not isinstance(caught.value, DataErrors)
    assert str(caught.value) == f"{path}:3: row 3, column E (as_of): bad date '2024-13-01': month must be in 1..12"


def test_a_source_described_on_one_persons_row_serves_the_next_persons_rows(tmp_path):
    # "The first row that uses a key describes it": across people too, not once per person.
    path = tmp_path / "roles.csv"
    path.write_text(HEADER + GOOD + "Bob Example,CDO,CDO,RBQ,2024-05-01,blog,,\n")
    triples = CsvRecordReader().read(path)
    assert {t.subject.value for t in triples} >= {"https://w3id.org/leadgraph/id/bob-example-role-rbq",
                                                    "https://w3id.org/leadgraph/id/source-blog"}
    path.write_text(HEADER + GOOD + "Bob Example,CDO,CDO,RBQ,2024-05-01,blog,Other,\n")
    with pytest.raises(DataError, match=r"row 3, column G \(source_title\): source 'blog' has title 'Meet' on an "
                                        r"earlier row, 'Other' here"):
        CsvRecordReader().read(path)


# -- 2. two roles at one organisation in a roles CSV -----------------------------------------

TWO_ROLES = ("person,role_id,title,role_type,organisation,start,end,current,source,source_title,source_date\n"
             "Ann Example,,Chief Digital Officer,CDO,RBS,2022,,true,blog,Meet our new CDO,2024-05-01\n"
             "Ann Example,ann-example-role-rbs-2015,Head of IT,Head of IT,RBS,2015,2022,false,blog,,\n")


def test_a_roles_csv_holds_two_roles_at_one_organisation_with_role_id(cli, tmp_path):
    path = tmp_path / "roles.csv"
    path.write_text(TWO_ROLES)
    result = cli("--data", str(path), "validate", "--strict")
    assert result.exit_code == 0, result.stdout + result.stderr
    out = tmp_path / "roles.ttl"
    assert cli("convert", str(path), "-o", str(out)).exit_code == 0
    turtle = out.read_text()
    assert "lgd:ann-example-role-rbs a org:Membership" in turtle  # no role_id: today's IRI
    assert "lgd:ann-example-role-rbs-2015 a org:Membership" in turtle
    assert 'time:inXSDgYear "2015"^^xsd:gYear' in turtle
    # Back to CSV (as merge and forget write a record) and to YAML: the same graph.
    reader = CsvRecordReader()
    triples = reader.read(path)
    written = reader.write(triples)
    assert b",role_id," in written.splitlines()[0] and b",ann-example-role-rbs-2015," in written
    (tmp_path / "again.csv").write_bytes(written)
    assert isomorphic(_nt(triples), _nt(reader.read(tmp_path / "again.csv")))
    (tmp_path / "again.yaml").write_bytes(YamlRecordReader().write(triples))
    assert "id: ann-example-role-rbs-2015" in (tmp_path / "again.yaml").read_text()
    assert isomorphic(_nt(triples), _nt(YamlRecordReader().read(tmp_path / "again.yaml")))


def test_files_without_role_id_are_written_as_before(repo):
    # No role_id column appears unless a role needs one, so no existing file changes shape.
    reader = CsvRecordReader()
    original = repo / "tests/fixtures/records/csv/roles.csv"
    assert b"role_id" not in reader.write(reader.read(original))


def test_a_bad_role_id_names_its_column(cli, tmp_path):
    path = tmp_path / "roles.csv"
    path.write_text(TWO_ROLES.replace("ann-example-role-rbs-2015", "ann example 2015"))
    result = cli("--data", str(path), "validate")
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"error: {path}:3: row 3, column B (role_id): bad id 'ann example 2015': use "
                                     "letters, digits, '-', '.' and '_' (or lgd:NAME, or a full IRI)")


# -- 3. validate --format json when a file cannot be read -----------------------------------

@pytest.mark.parametrize("name,content,line,message", [
    ("bad.yaml", "person: [\n", 2, "YAML syntax error: expected the node content, but found '<stream end>' (column 1)"),
    ("bad.ttl", "@prefix lgd: <https://w3id.org/leadgraph/id/> .\nlgd:a lgd:b .\n", 2, None),
    ("bad.csv", "person,title\n\xe9\n", None, None),
    ("empty.csv", "", 1, "file is empty"),
])
def test_validate_json_stays_json_when_a_file_cannot_be_read(cli, tmp_path, name, content, line, message):
    path = tmp_path / name
    path.write_bytes(content.encode("latin-1"))
    result = cli("--data", str(path), "validate", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert (report["conforms"], report["errors"]) == (False, 1)
    [finding] = report["results"]
    assert (finding["file"], finding["level"], finding["severity"]) == (str(path), "error", "Violation")
    assert finding["message"] and finding["fix"]
    if line is not None:
        assert finding["line"] == line
    if message is not None:
        assert finding["message"] == message
    text = cli("--data", str(path), "validate")  # the text report is unchanged: one error line
    assert text.exit_code == 1 and text.stderr.startswith(f"error: {path}")


def test_validate_json_for_a_missing_path_and_for_several_broken_files(cli, repo, monkeypatch):
    monkeypatch.chdir(repo)
    report = json.loads(cli("--data", "no-such-folder", "validate", "--format", "json").stdout)
    assert [(r["file"], r["message"], r["level"]) for r in report["results"]] == [
        ("no-such-folder", "no such file or folder", "error")]
    result = cli("--data", "tests/fixtures/broken/yaml-jobtitle-key.yaml", "--data",
                 "tests/fixtures/broken/csv-several-bad-rows.csv", "--data", "tests/fixtures/broken/ttl-valid.ttl",
                 "validate", "--format", "json", "--strict")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    places = [(Path(r["file"]).name, r["line"], r["column"]) for r in report["results"]]
    assert places == [("yaml-jobtitle-key.yaml", 11, 5)] + [("csv-several-bad-rows.csv", n, c) for n, c in
                                                          [(2, 5), (3, 6), (4, 4), (5, 7), (6, 1), (8, 5)]]
    assert report["strict"] is True and report["errors"] == 7


# -- 4. dates in the future ----------------------------------------------------------------

def test_the_bundled_data_has_no_date_after_today_or_after_its_source(cli):
    result = cli("validate", "--strict")  # today from the clock
    assert result.exit_code == 0, result.stdout


def test_today_is_injectable_and_every_kind_of_date_is_judged_against_it(bundled_graph):
    import datetime as dt

    import leadgraph

    report = leadgraph.validate(bundled_graph, today=dt.date(2021, 6, 22))  # the day before the seed article
    assert report.conforms and not report.errors  # warnings only
    messages = {(r.focus_node, r.path, r.message) for r in report.results}
    assert ("lgd:article-2021-06-23", "dcterms:issued",
            "the source is dated 2021-06-23, later than today (2021-06-22)") in messages
    assert ("lgd:phill-james-service-nhs", "lg:asOf",
            "the statement is dated 2021-06-23, later than today (2021-06-22)") in messages
    assert all(r.severity == "Warning" and r.file and r.line for r in report.results)
    assert not leadgraph.validate(bundled_graph, today="2021-06-22", strict=True).conforms
    assert leadgraph.validate(bundled_graph, today="2021-06-23", strict=True).conforms


@pytest.mark.parametrize("start,end,flagged", [
    ("2024", "", []),  # a year is compared as a year: 2024 is not later than 2024-05-01
    ("2025", "", ["the role starts 2025, later than its source (lgd:source-blog, issued 2024-05-01)"]),
    ("2019", "2024-05-01", []),
    ("2019", "2024-05-02", ["the role ends 2024-05-02, later than its source (lgd:source-blog, issued 2024-05-01)"]),
    ("2019", "3024", ["the role ends 3024, later than today (2026-11-30)"]),
])
def test_role_dates_are_compared_at_their_own_precision(cli, tmp_path, start, end, flagged):
    path = tmp_path / "ann.yaml"
    path.write_text("person: Ann Example\nsource: blog\nsources:\n  blog: {title: Meet, date: 2024-05-01}\n"
                    "roles:\n  - {organisation: RBS, role_type: CIO, as_of: 2024-05-01, source: blog}\n"
                    f"earlier_roles:\n  - {{organisation: RBQ, role_type: CIO, start: {start}"
                    + (f", end: {end}" if end else "") + ", source: blog}\n")
    result = cli("--data", str(path), "validate", "--strict", "--today", "2026-11-30")
    found = [line.removeprefix("    message: ").split(": a source cannot")[0]
             for line in result.stdout.splitlines() if line.startswith("    message: ")]
    assert found == flagged, result.stdout
    assert result.exit_code == (1 if flagged else 0)
    if flagged:
        assert f"    at:      {path}:8 (column 5)" in result.stdout  # the file and line of the role


def test_today_must_be_a_date(cli):
    result = cli("validate", "--today", "tomorrow")
    assert result.exit_code == 2 and "'tomorrow' is not a date (YYYY-MM-DD)" in result.stderr


def _problems(text: str) -> list[str]:
    return sorted(block.strip() for block in text.split("\n- ")[1:])


def test_an_on_disk_store_keeps_the_date_findings_and_judges_again_only_what_an_update_changed(cli, repo, tmp_path,
                                                                                               monkeypatch):
    import shutil

    from leadgraph.validation import dates

    calls = []  # what each check was asked about: None for everything
    real = dates.check
    monkeypatch.setattr(dates, "check", lambda store, today=None, nodes=None: calls.append(nodes) or real(store, today, nodes))

    data = tmp_path / "data"
    shutil.copytree(repo / "data", data)
    store = str(tmp_path / "graph.db")
    assert cli("--data", str(data), "store", "build", store).exit_code == 0
    calls.clear()  # the build judged the dates of its own day (in this process when it has one CPU)

    def on_disk(*options):
        return cli("--store", store, "validate", *options)

    def in_memory(*options):
        return cli("--data", str(data), "validate", *options)

    # (a day that was never today: the build keeps the checks as judged the day it ran)
    assert on_disk("--strict", "--today", "2026-01-01").exit_code == 0
    assert calls == [None]
    assert on_disk("--strict", "--today", "2026-01-01").exit_code == 0
    assert calls == [None]  # kept: asks nothing
    # One person's file gains a date after today: an update judges that file again.
    person = data / "people" / "phill-james.ttl"
    person.write_text(person.read_text().replace('lg:asOf "2021-06-23"', 'lg:asOf "2031-06-23"', 1))
    assert cli("--data", str(data), "store", "update", store).exit_code == 0
    result = on_disk("--today", "2026-01-01")
    assert result.exit_code == 0 and "later than today (2026-01-01)" in result.stdout, result.stdout
    assert len(calls) == 2 and "https://w3id.org/leadgraph/id/phill-james" in calls[1]
    assert "https://w3id.org/leadgraph/id/ayesha-rahim" not in calls[1]  # only what the changed file says
    assert _problems(result.stdout) == _problems(in_memory("--today", "2026-01-01").stdout)
    # Another day: judged again in full (the date has passed; it is still later than its source).
    result = on_disk("--today", "2032-01-01")
    assert "later than today" not in result.stdout and "later than its source" in result.stdout
    assert _problems(result.stdout) == _problems(in_memory("--today", "2032-01-01").stdout)
    # The source's own date moves before the statements citing it: those statements are judged again.
    sources = data / "sources.ttl"
    sources.write_text(sources.read_text().replace('dcterms:issued "2021-06-23"', 'dcterms:issued "2021-01-01"'))
    assert cli("--data", str(data), "store", "update", store).exit_code == 0
    result = on_disk("--today", "2032-01-01")
    assert "later than its source (lgd:article-2021-06-23, issued 2021-01-01)" in result.stdout
    assert _problems(result.stdout) == _problems(in_memory("--today", "2032-01-01").stdout)


def test_several_problems_survive_a_trip_between_processes():
    import pickle

    errors = DataErrors([DataError("b", path="f.csv", line=5), DataError("a", path="f.csv", line=2)])
    again = pickle.loads(pickle.dumps(errors))
    assert [(e.line, e.message) for e in again.errors] == [(2, "a"), (5, "b")]
    assert str(again) == "f.csv:2: a (and 1 more problem in this file)"
