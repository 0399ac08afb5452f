"""The broken-record corpus (tests/fixtures/broken/): each file (or folder) holds one mistake people
make, in Turtle, N-Triples, YAML or CSV, and ``leadgraph --data FILE validate`` must report exactly
these problems, each with its file and line (row and column for CSV), with this exit code.

A problem is written ``LEVEL at FILE:LINE (column C): NODE: MESSAGE`` for the validation report
(``LEVEL``: error or warning), or as the one ``error: FILE:LINE: ...`` line a record that cannot
be read at all prints. Warnings alone exit 0, and 1 with ``--strict``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

BROKEN = Path(__file__).parent / "fixtures" / "broken"

CASES = [
    ('csv-bad-date.csv', [], 1, [
        "error: tests/fixtures/broken/csv-bad-date.csv:2: row 2, column I (source_date): bad date '2024-13-01': month must be in 1..12",
    ]),
    ('csv-duplicate-person.csv', [], 0, [
        'warning at tests/fixtures/broken/csv-duplicate-person.csv:2 (row 2, column A): lgd:ann-example: the same person may be recorded twice: lgd:ann-example-2 has the same name and a role at lgd:org-rbs',
        'warning at tests/fixtures/broken/csv-duplicate-person.csv:3 (row 3, column A): lgd:ann-example-2: the same person may be recorded twice: lgd:ann-example has the same name and a role at lgd:org-rbs',
    ]),
    ('csv-duplicate-person.csv', ['--strict'], 1, [
        'warning at tests/fixtures/broken/csv-duplicate-person.csv:2 (row 2, column A): lgd:ann-example: the same person may be recorded twice: lgd:ann-example-2 has the same name and a role at lgd:org-rbs',
        'warning at tests/fixtures/broken/csv-duplicate-person.csv:3 (row 3, column A): lgd:ann-example-2: the same person may be recorded twice: lgd:ann-example has the same name and a role at lgd:org-rbs',
    ]),
    ('csv-jobtitle-column.csv', [], 1, [
        "error: tests/fixtures/broken/csv-jobtitle-column.csv:1: row 1, column C: unknown column 'jobtitle' (did you mean 'title'?) (a roles CSV has: person, id, variants, role_id, title, role_type, organisation, programme, start, end, as_of, current, description, supersedes, source, source_title, source_date, source_url, source_publisher, source_kind)",
    ]),
    ('csv-role-no-type.csv', [], 1, [
        'error at tests/fixtures/broken/csv-role-no-type.csv:3 (row 3, column E): lgd:ann-example-role-rbq: a role must name its role type (org:role), or it drops out of every query by kind of role',
    ]),
    ('csv-unknown-ods-code.csv', [], 1, [
        "error: tests/fixtures/broken/csv-unknown-ods-code.csv:2: row 2, column E (organisation): unknown organisation code 'RBZ' (did you mean 'RBD' or 'RBK' or 'RBL'?) (load the organisation first, or declare it under 'organisations')",
    ]),
    ('csv-unknown-organisation.csv', [], 1, [
        'error: tests/fixtures/broken/csv-unknown-organisation.csv:2: row 2, column E (organisation): unknown organisation \'Alder Hay\' (did you mean \'Alder Hey\' or "Alder Hey Children\'s Hospital" or "Alder Hey Children\'s NHS Foundation Trust"?) (give its ODS code, load it first, or declare it under \'organisations\')',
    ]),
    ('csv-unknown-role-type.csv', [], 1, [
        "error: tests/fixtures/broken/csv-unknown-role-type.csv:2: row 2, column D (role_type): unknown role type 'Chief Happiness Officer' (did you mean 'Chief Digital and Information Officer' or 'Chief Data Officer' or 'Chief Digital Officer'?)",
    ]),
    ('csv-unknown-trait.csv', [], 1, [
        "error: tests/fixtures/broken/csv-unknown-trait.csv:2: row 2, column B (trait): unknown trait 'listning' (did you mean 'Listening to the people around you'?)",
    ]),
    # Every bad row in one run (each on its own line), and what only two rows together break.
    ('csv-several-bad-rows.csv', [], 1, [
        'error: tests/fixtures/broken/csv-several-bad-rows.csv:2: row 2, column E (organisation): unknown organisation \'Alder Hay\' (did you mean \'Alder Hey\' or "Alder Hey Children\'s Hospital" or "Alder Hey Children\'s NHS Foundation Trust"?) (give its ODS code, load it first, or declare it under \'organisations\')',
        "error: tests/fixtures/broken/csv-several-bad-rows.csv:3: row 3, column F (as_of): bad date '2019-13-01': month must be in 1..12",
        "error: tests/fixtures/broken/csv-several-bad-rows.csv:4: row 4, column D (role_type): unknown role type 'Chief Happiness Officer' (did you mean 'Chief Digital and Information Officer' or 'Chief Data Officer' or 'Chief Digital Officer'?)",
        "error: tests/fixtures/broken/csv-several-bad-rows.csv:5: row 5, column G (current): expected true or false, found 'maybe'",
        "error: tests/fixtures/broken/csv-several-bad-rows.csv:6: row 6, column A (person): empty 'person': every row needs one",
        "error: tests/fixtures/broken/csv-several-bad-rows.csv:8: row 8, column E (organisation): two facts would have the IRI lgd:dan-example-role-rbs (also on row 7): delete the repeated row, or give each role at that organisation its own role_id (a row's role is named after its person and organisation unless role_id names it)",
    ]),
    # Every entry at fault in one run, not only the first.
    ('yaml-several-bad-entries.yaml', [], 1, [
        'error: tests/fixtures/broken/yaml-several-bad-entries.yaml:12: roles[0].organisation: unknown organisation \'Alder Hay\' (did you mean \'Alder Hey\' or "Alder Hey Children\'s Hospital" or "Alder Hey Children\'s NHS Foundation Trust"?) (give its ODS code, load it first, or declare it under \'organisations\') (column 19)',
        "error: tests/fixtures/broken/yaml-several-bad-entries.yaml:17: earlier_roles[0].role_type: unknown role type 'Chief Happiness Officer' (did you mean 'Chief Digital and Information Officer' or 'Chief Data Officer' or 'Chief Digital Officer'?) (column 16)",
        "error: tests/fixtures/broken/yaml-several-bad-entries.yaml:21: traits[0].trait: unknown trait 'listning' (did you mean 'Listening to the people around you'?) (column 12)",
    ]),
    ('yaml-several-unknown-keys.yaml', [], 1, [
        "error: tests/fixtures/broken/yaml-several-unknown-keys.yaml:10: roles[0].jobtitle: unknown key 'jobtitle' (did you mean 'title'?) (column 5)",
        "error: tests/fixtures/broken/yaml-several-unknown-keys.yaml:15: roles[1]: missing 'source': every fact must cite a source key declared under 'sources' (column 5)",
        "error: tests/fixtures/broken/yaml-several-unknown-keys.yaml:18: roles[1].sorce: unknown key 'sorce' (did you mean 'source'?) (column 5)",
    ]),
    # Dates later than today (given, so the test never depends on the clock): warnings; --strict fails.
    ('csv-future-dates.csv', ['--today', '2026-11-30'], 0, [
        'warning at tests/fixtures/broken/csv-future-dates.csv:2 (row 2, column E): lgd:ann-example-role-rbs: the statement is dated 2209-05-01, later than today (2026-11-30)',
        'warning at tests/fixtures/broken/csv-future-dates.csv:2 (row 2, column G): lgd:source-blog: the source is dated 2209-05-01, later than today (2026-11-30)',
    ]),
    ('csv-future-dates.csv', ['--strict', '--today', '2026-11-30'], 1, [
        'warning at tests/fixtures/broken/csv-future-dates.csv:2 (row 2, column E): lgd:ann-example-role-rbs: the statement is dated 2209-05-01, later than today (2026-11-30)',
        'warning at tests/fixtures/broken/csv-future-dates.csv:2 (row 2, column G): lgd:source-blog: the source is dated 2209-05-01, later than today (2026-11-30)',
    ]),
    # Later than the source that states them: a typo or a plan written as a fact.
    ('yaml-future-dates.yaml', ['--today', '2026-11-30'], 0, [
        'warning at tests/fixtures/broken/yaml-future-dates.yaml:16 (column 5): lgd:ann-example-role-rbq: the role ends 2024-09-30, later than its source (lgd:source-blog, issued 2024-05-01): a source cannot report what had not happened when it was issued',
        'warning at tests/fixtures/broken/yaml-future-dates.yaml:10 (column 5): lgd:ann-example-role-rbs: the statement is dated 2042-05-01, later than today (2026-11-30)',
    ]),
    # Impossible: an error (records refuse it when read; Turtle is caught by validation).
    ('ttl-role-ends-before-it-starts.ttl', [], 1, [
        'error at tests/fixtures/broken/ttl-role-ends-before-it-starts.ttl:31 (column 5): lgd:test-leader-role-rbs: the role ends (2019) before it starts (2021-03-01)',
    ]),
    ('nt-jobtitle.nt', [], 1, [
        'error at tests/fixtures/broken/nt-jobtitle.nt:16 (column 43): lgd:test-role: lg:jobtitle is not a property the ontology declares (did you mean lg:jobTitle?)',
    ]),
    ('ttl-concept-no-scheme.ttl', [], 1, [
        'error at tests/fixtures/broken/ttl-concept-no-scheme.ttl:38 (column 1): lgd:trait-patience: a concept in use belongs to no concept scheme (skos:inScheme)',
    ]),
    ('ttl-duplicate-ods-code.ttl', [], 1, [
        'error at tests/fixtures/broken/ttl-duplicate-ods-code.ttl:34 (column 5): lgd:test-alder-hey: ODS code RBS is also claimed by lgd:org-rbs',
    ]),
    ('ttl-duplicate-person.ttl', [], 0, [
        'warning at tests/fixtures/broken/ttl-duplicate-person.ttl:20 (column 5): lgd:test-leader: the same person may be recorded twice: lgd:test-leader-2 has the same name and a role at lgd:org-rbs',
        'warning at tests/fixtures/broken/ttl-duplicate-person.ttl:34 (column 5): lgd:test-leader-2: the same person may be recorded twice: lgd:test-leader has the same name and a role at lgd:org-rbs',
    ]),
    ('ttl-duplicate-person.ttl', ['--strict'], 1, [
        'warning at tests/fixtures/broken/ttl-duplicate-person.ttl:20 (column 5): lgd:test-leader: the same person may be recorded twice: lgd:test-leader-2 has the same name and a role at lgd:org-rbs',
        'warning at tests/fixtures/broken/ttl-duplicate-person.ttl:34 (column 5): lgd:test-leader-2: the same person may be recorded twice: lgd:test-leader has the same name and a role at lgd:org-rbs',
    ]),
    ('ttl-feild.ttl', [], 1, [
        'error at tests/fixtures/broken/ttl-feild.ttl:35 (column 5): lgd:test-leader-background-clinical: lg:feild is not a property the ontology declares (did you mean lg:field?)',
    ]),
    ('ttl-jobtitle.ttl', [], 1, [
        'error at tests/fixtures/broken/ttl-jobtitle.ttl:28 (column 5): lgd:test-leader-role-rbs: lg:jobtitle is not a property the ontology declares (did you mean lg:jobTitle?)',
    ]),
    ('ttl-lgd-as-property.ttl', [], 1, [
        'error at tests/fixtures/broken/ttl-lgd-as-property.ttl:28 (column 5): lgd:test-leader-role-rbs: lgd:jobTitle is not a property the ontology declares',
    ]),
    ('ttl-role-no-type-untyped.ttl', [], 1, [
        'error at tests/fixtures/broken/ttl-role-no-type-untyped.ttl:23 (column 1): lgd:test-leader-role-rbs: a role must name its role type (org:role), or it drops out of every query by kind of role',
    ]),
    ('ttl-role-no-type.ttl', [], 1, [
        'error at tests/fixtures/broken/ttl-role-no-type.ttl:23 (column 1): lgd:test-leader-role-rbs: a role must name its role type (org:role), or it drops out of every query by kind of role',
    ]),
    ('ttl-trait-atribution.ttl', [], 1, [
        'error at tests/fixtures/broken/ttl-trait-atribution.ttl:32 (column 35): lgd:test-leader-trait-listening: lg:TraitAtribution is not a class the ontology declares (did you mean lg:TraitAttribution?)',
    ]),
    ('ttl-trait-listning.ttl', [], 1, [
        'error at tests/fixtures/broken/ttl-trait-listning.ttl:34 (column 14): lgd:test-leader-trait-listening: lgd:trait-listning is not described anywhere in the graph (a typo, or a node never added) (did you mean lgd:trait-listening?)',
    ]),
    ('ttl-unknown-organisation.ttl', [], 1, [
        "error at tests/fixtures/broken/ttl-unknown-organisation.ttl:26 (column 22): lgd:test-leader-role-rbs: a role's organisation must be described as one (typed with an organisation kind such as lg:NHSTrust)",
        'error at tests/fixtures/broken/ttl-unknown-organisation.ttl:26 (column 22): lgd:test-leader-role-rbs: lgd:org-rbz is not described anywhere in the graph (a typo, or a node never added) (did you mean lgd:org-r0b or lgd:org-rbd or lgd:org-rbk?)',
    ]),
    ('ttl-unknown-person.ttl', [], 1, [
        'error at tests/fixtures/broken/ttl-unknown-person.ttl:18 (column 1): lgd:test-leader: a leader must hold at least one role at an organisation (an org:Membership with org:member)',
        'error at tests/fixtures/broken/ttl-unknown-person.ttl:25 (column 16): lgd:test-leader-role-rbs: a role must name exactly one person (org:member)',
        'error at tests/fixtures/broken/ttl-unknown-person.ttl:25 (column 16): lgd:test-leader-role-rbs: lgd:test-leadr is not described anywhere in the graph (a typo, or a node never added) (did you mean lgd:test-leader?)',
    ]),
    ('ttl-unknown-role-type.ttl', [], 1, [
        'error at tests/fixtures/broken/ttl-unknown-role-type.ttl:27 (column 14): lgd:test-leader-role-rbs: lgd:role-ciio is not described anywhere in the graph (a typo, or a node never added) (did you mean lgd:role-cio or lgd:role-ccio or lgd:role-cdio?)',
        'error at tests/fixtures/broken/ttl-unknown-role-type.ttl:27 (column 14): lgd:test-leader-role-rbs: org:role must be a role type (org:Role)',
    ]),
    ('ttl-unknown-source.ttl', [], 1, [
        'error at tests/fixtures/broken/ttl-unknown-source.ttl:30 (column 25): lgd:test-leader-role-rbs: a role must name its source (prov:wasDerivedFrom)',
        'error at tests/fixtures/broken/ttl-unknown-source.ttl:30 (column 25): lgd:test-leader-role-rbs: lgd:test-artcle is not described anywhere in the graph (a typo, or a node never added) (did you mean lgd:test-article?)',
    ]),
    ('ttl-wrong-ods-code.ttl', [], 0, [
        'warning at tests/fixtures/broken/ttl-wrong-ods-code.ttl:34 (column 5): lgd:test-trust: ODS code RBZ is not in the reference layer of NHS trusts, ICBs and regions (the reference layer gives RBS to "Alder Hey Children\'s NHS Foundation Trust")',
    ]),
    ('ttl-wrong-ods-code.ttl', ['--strict'], 1, [
        'warning at tests/fixtures/broken/ttl-wrong-ods-code.ttl:34 (column 5): lgd:test-trust: ODS code RBZ is not in the reference layer of NHS trusts, ICBs and regions (the reference layer gives RBS to "Alder Hey Children\'s NHS Foundation Trust")',
    ]),
    ('yaml-duplicate-person', [], 0, [
        'warning at tests/fixtures/broken/yaml-duplicate-person/ann-example.yaml:2 (column 9): lgd:ann-example: the same person may be recorded twice: lgd:ann-example-2 has the same name and a role at lgd:org-rbs',
        'warning at tests/fixtures/broken/yaml-duplicate-person/ann-example-2.yaml:2 (column 9): lgd:ann-example-2: the same person may be recorded twice: lgd:ann-example has the same name and a role at lgd:org-rbs',
    ]),
    ('yaml-duplicate-person', ['--strict'], 1, [
        'warning at tests/fixtures/broken/yaml-duplicate-person/ann-example.yaml:2 (column 9): lgd:ann-example: the same person may be recorded twice: lgd:ann-example-2 has the same name and a role at lgd:org-rbs',
        'warning at tests/fixtures/broken/yaml-duplicate-person/ann-example-2.yaml:2 (column 9): lgd:ann-example-2: the same person may be recorded twice: lgd:ann-example has the same name and a role at lgd:org-rbs',
    ]),
    # The first record has no id (the usual case): its name was unambiguous when it was read, and
    # against the whole graph it is not, yet the report still points into it.
    # Not a twin: the record without an id extends the person the other names by id, though its
    # file sorts first (records with an id load before records found by name).
    ('yaml-duplicate-person-no-id', ['--strict'], 0, []),
    ('yaml-feild-key.yaml', [], 1, [
        "error: tests/fixtures/broken/yaml-feild-key.yaml:17: backgrounds[0].feild: unknown key 'feild' (did you mean 'fields'?) (column 5)",
    ]),
    ('yaml-jobtitle-key.yaml', [], 1, [
        "error: tests/fixtures/broken/yaml-jobtitle-key.yaml:11: roles[0].jobtitle: unknown key 'jobtitle' (did you mean 'title'?) (column 5)",
    ]),
    ('yaml-new-organisation-duplicate-ods.yaml', [], 1, [
        'error at tests/fixtures/broken/yaml-new-organisation-duplicate-ods.yaml:16 (column 5): lgd:example-alder-hey: ODS code RBS is also claimed by lgd:org-rbs',
    ]),
    ('yaml-new-organisation-wrong-ods.yaml', [], 0, [
        'warning at tests/fixtures/broken/yaml-new-organisation-wrong-ods.yaml:16 (column 5): lgd:org-rzz9: ODS code RZZ9 is not in the reference layer of NHS trusts, ICBs and regions',
    ]),
    ('yaml-new-organisation-wrong-ods.yaml', ['--strict'], 1, [
        'warning at tests/fixtures/broken/yaml-new-organisation-wrong-ods.yaml:16 (column 5): lgd:org-rzz9: ODS code RZZ9 is not in the reference layer of NHS trusts, ICBs and regions',
    ]),
    ('yaml-no-role.yaml', [], 1, [
        'error at tests/fixtures/broken/yaml-no-role.yaml:2 (column 9): lgd:ann-example: a leader must hold at least one role at an organisation (an org:Membership with org:member)',
    ]),
    ('yaml-role-no-type.yaml', [], 1, [
        'error at tests/fixtures/broken/yaml-role-no-type.yaml:10 (column 5): lgd:ann-example-role-rbs: a role must name its role type (org:role), or it drops out of every query by kind of role',
    ]),
    ('yaml-unknown-field.yaml', [], 1, [
        "error: tests/fixtures/broken/yaml-unknown-field.yaml:17: backgrounds[0].fields: unknown field 'clinicl' (did you mean 'Clinical'?) (column 13)",
    ]),
    ('yaml-unknown-ods-code.yaml', [], 1, [
        "error: tests/fixtures/broken/yaml-unknown-ods-code.yaml:12: roles[0].organisation: unknown organisation code 'RBZ' (did you mean 'RBD' or 'RBK' or 'RBL'?) (load the organisation first, or declare it under 'organisations') (column 19)",
    ]),
    ('yaml-unknown-organisation.yaml', [], 1, [
        'error: tests/fixtures/broken/yaml-unknown-organisation.yaml:12: roles[0].organisation: unknown organisation \'Alder Hay\' (did you mean \'Alder Hey\' or "Alder Hey Children\'s Hospital" or "Alder Hey Children\'s NHS Foundation Trust"?) (give its ODS code, load it first, or declare it under \'organisations\') (column 19)',
    ]),
    ('yaml-unknown-role-type.yaml', [], 1, [
        "error: tests/fixtures/broken/yaml-unknown-role-type.yaml:11: roles[0].role_type: unknown role type 'Chief Happiness Officer' (did you mean 'Chief Digital and Information Officer' or 'Chief Data Officer' or 'Chief Digital Officer'?) (column 16)",
    ]),
    ('yaml-unknown-trait.yaml', [], 1, [
        "error: tests/fixtures/broken/yaml-unknown-trait.yaml:16: traits[0].trait: unknown trait 'listning' (did you mean 'Listening to the people around you'?) (column 12)",
    ]),
]


def problems(stdout: str, stderr: str) -> list[str]:
    """The report's problems as one line each (see the module docstring)."""
    found = []
    for block in re.split(r"\n(?=- )", stdout):
        head = re.match(r"- (\w+): (.*)", block)
        if head:
            at = re.search(r"\n    at:      (.*)", block)
            message = re.search(r"\n    message: (.*)", block)
            assert at and message and re.search(r"\n    fix:     \S", block), block  # every problem: where, what, fix
            found.append(f"{head.group(1)} at {at.group(1)}: {head.group(2)}: {message.group(1)}")
    return found + [line for line in stderr.splitlines() if line.startswith("error:")]


@pytest.mark.parametrize("name,options,code,expected", CASES,
                         ids=[f"{c[0]}{' '.join([''] + c[1])}" for c in CASES])
def test_broken_record(cli, repo, monkeypatch, name, options, code, expected):
    monkeypatch.chdir(repo)
    result = cli("--data", f"tests/fixtures/broken/{name}", "validate", *options)
    assert problems(result.stdout, result.stderr) == expected, result.stdout + result.stderr
    assert result.exit_code == code
    assert "Traceback" not in result.stderr


def test_the_corpus_is_large_and_mixed():
    names = {c[0] for c in CASES}
    assert names == {p.name for p in BROKEN.iterdir() if "valid" not in p.name}
    kinds = [n.split("-", 1)[0] for n in names]
    assert len(names) >= 25
    assert min(kinds.count("ttl") + kinds.count("nt"), kinds.count("yaml"), kinds.count("csv")) >= 8


@pytest.mark.parametrize("name", ["ttl-valid.ttl", "yaml-valid.yaml", "csv-valid.csv"])
def test_each_template_is_clean(cli, repo, monkeypatch, name):
    # Each broken case is one of these, broken in one place: the template itself passes --strict.
    monkeypatch.chdir(repo)
    result = cli("--data", f"tests/fixtures/broken/{name}", "validate", "--strict")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout.startswith("conforms: ") and "problem" not in result.stdout


def test_json_report_tells_errors_from_warnings(cli, repo, monkeypatch):
    monkeypatch.chdir(repo)
    result = cli("--data", "tests/fixtures/broken/yaml-new-organisation-wrong-ods.yaml", "--data",
                 "tests/fixtures/broken/ttl-jobtitle.ttl", "validate", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert (report["errors"], report["warnings"], report["conforms"]) == (1, 1, False)
    levels = {(r["level"], r["severity"], r["file"], r["line"], r["column"]) for r in report["results"]}
    assert levels == {("error", "Violation", "tests/fixtures/broken/ttl-jobtitle.ttl", 28, 5),
                      ("warning", "Warning", "tests/fixtures/broken/yaml-new-organisation-wrong-ods.yaml", 16, 5)}
    assert all(r["fix"] and r["focus_node"] and r["message"] for r in report["results"])


def test_readme_example_is_real_output(cli, repo, monkeypatch):
    monkeypatch.chdir(repo)
    text = (repo / "README.md").read_text(encoding="utf-8")
    command = ("$ leadgraph --data tests/fixtures/broken/ttl-jobtitle.ttl "
               "--data tests/fixtures/broken/yaml-new-organisation-wrong-ods.yaml validate\n")
    shown = text[text.index(command) + len(command):].split("```", 1)[0]
    result = cli(*command.split()[2:])
    assert result.exit_code == 1

    def numbers_masked(out: str) -> str:  # the triple count follows the ontology; the rest must match
        return re.sub(r"\d+ triples from \d+ files", "N triples from M files", out)
    assert numbers_masked(result.stdout) == numbers_masked(shown)


@pytest.mark.parametrize("name,fix", [
    ("yaml-role-no-type.yaml", "add role_type: to this entry (e.g. CIO, CDO, Director of Digital, or 'Not stated' "
                               "when the source does not say)"),
    ("csv-role-no-type.csv", "fill in the role_type column on this row (e.g. CIO, CDO, Director of Digital, or "
                             "'Not stated' when the source does not say)"),
    ("ttl-role-no-type.ttl", "add org:role to lgd:test-leader-role-rbs"),
    ("yaml-no-role.yaml", "add a role under roles: (title, role_type, organisation by ODS code or name, and source)"),
])
def test_the_fix_speaks_the_language_of_the_file(cli, repo, monkeypatch, name, fix):
    # A YAML or CSV writer never typed org:role: the fix names the key or column they write.
    monkeypatch.chdir(repo)
    result = cli("--data", f"tests/fixtures/broken/{name}", "validate")
    assert result.exit_code == 1
    assert f"\n    fix:     {fix}\n" in result.stdout, result.stdout


def test_every_broken_file_is_named_in_one_run(cli, repo, monkeypatch):
    # Ten broken records should not take ten runs: each file that cannot be read is one line, in
    # the order the files load (RDF first, then records), and the run exits 1.
    monkeypatch.chdir(repo)
    names = ["yaml-jobtitle-key.yaml", "csv-unknown-trait.csv", "yaml-unknown-role-type.yaml", "ttl-valid.ttl"]
    result = cli(*[a for n in names for a in ("--data", f"tests/fixtures/broken/{n}")], "validate")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "error: tests/fixtures/broken/yaml-jobtitle-key.yaml:11: roles[0].jobtitle: unknown key 'jobtitle' (did you mean 'title'?) (column 5)",
        "error: tests/fixtures/broken/csv-unknown-trait.csv:2: row 2, column B (trait): unknown trait 'listning' (did you mean 'Listening to the people around you'?)",
        "error: tests/fixtures/broken/yaml-unknown-role-type.yaml:11: roles[0].role_type: unknown role type 'Chief Happiness Officer' (did you mean 'Chief Digital and Information Officer' or 'Chief Data Officer' or 'Chief Digital Officer'?) (column 16)",
        "3 files could not be read; fix them and validate again",
    ], result.stderr
    assert "Traceback" not in result.stderr


def test_load_errors_is_empty_when_everything_reads(repo):
    from leadgraph.loading import load_errors

    assert load_errors([repo / "data"]) == []
    found = load_errors([repo / "tests/fixtures/broken/yaml-jobtitle-key.yaml", repo / "tests/fixtures/broken/ttl-valid.ttl"])
    assert [Path(e.path).name for e in found] == ["yaml-jobtitle-key.yaml"]
