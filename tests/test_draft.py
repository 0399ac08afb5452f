"""``leadgraph draft``: records drafted from articles, every value with its evidence.

The Q&A fixtures in tests/fixtures/articles/ are invented test text (fictional people at real
trusts); the seed article is the real round-up the bundled data was curated from.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ARTICLES = Path(__file__).resolve().parent / "fixtures" / "articles"
QA = ["qa-mersey-care.txt", "qa-leeds.txt"]


def _draft(tmp_path, name, **kw):
    from leadgraph.drafting import draft

    return draft(ARTICLES / name, title=f"Invented {name}", date="2026-01-15", output=tmp_path / "out", **kw)


def _record(result, index=0):
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(result.files[index].read_text(encoding="utf-8"))


def test_qa_interview_gives_one_person_with_role_service_scale_and_quotes(tmp_path):
    result = _draft(tmp_path, "qa-mersey-care.txt")
    assert [p.name for p in result.people] == ["Priya Sandhu"]
    record = _record(result)
    assert record["roles"] == [{"title": "Chief Information Officer", "role_type": "Chief Information Officer",
                                "organisation": "RW4", "as_of": record["roles"][0]["as_of"],
                                "source": record["source"]}]
    assert [(s["years"], s["in"]) for s in record["service"]] == [(21, "NHS")]
    assert [(s["measure"], s["amount"], s["approximate"]) for s in record["scale"]] == [
        ("Systems looked after", 350, True), ("Staff supported", 9000, True)]
    headline = [q for q in record["quotes"] if q.get("headline")]
    assert [q["text"][:20] for q in headline] == ["Find a mentor early,"]
    assert {"Listening to the people around you", "Patient focus"} <= {t["trait"] for t in record["traits"]}
    # "nurse" names no field in the vocabulary: a comment, not a guess
    assert "backgrounds" not in record
    assert "background: 'nurse'" in result.files[0].read_text(encoding="utf-8")


def test_second_qa_wording_short_trust_name_earlier_org_desktops(tmp_path):
    result = _draft(tmp_path, "qa-leeds.txt")
    record = _record(result)
    assert record["person"] == "Tomasz Wren"
    assert record["roles"][0]["organisation"] == "RR8" and record["roles"][0]["role_type"] == "Director of Digital"
    assert [r["organisation"] for r in record["earlier_roles"]] == ["RAE"]
    assert [(s["years"], s["in"]) for s in record["service"]] == [(9, "RR8")]
    assert ("Desktops supported", 14500, False) in [(s["measure"], s["amount"], s["approximate"]) for s in record["scale"]]
    assert record["backgrounds"][0]["fields"] == ["Software development"]
    assert {"Resilience", "Responsibility for public money", "Organisation", "Communication"} <= {
        t["trait"] for t in record["traits"]}


@pytest.mark.parametrize("name", QA + ["hostile.txt"])
def test_drafts_validate_and_every_value_has_verbatim_evidence(tmp_path, name, cli):
    result = _draft(tmp_path, name)
    text = (ARTICLES / name).read_text(encoding="utf-8")
    out = tmp_path / "out"
    validated = cli("--data", str(out), "validate")
    assert validated.exit_code == 0, validated.stdout + validated.stderr
    for person in result.people:
        sidecar = json.loads((out / (result.files[0].stem + ".evidence.json")).read_text(encoding="utf-8"))
        assert sidecar["values"], sidecar
        for value in sidecar["values"]:
            for ev in value["evidence"]:
                assert text[ev["start"]:ev["end"]] == ev["text"]
                assert 0 < ev["confidence"] <= 1
        for fact in person.section("quotes"):
            assert fact.data["text"] in text


def test_seed_article_finds_the_six_and_validates(tmp_path, cli, seed_article):
    from leadgraph.drafting import draft

    article = tmp_path / "seed.txt"
    article.write_text(seed_article, encoding="utf-8")
    result = draft(article, title="What does it take to be a tech leader in the NHS?", date="2021-06-23",
                   output=tmp_path / "seed")
    assert [p.name for p in result.people] == ["Ayesha Rahim", "Phill James", "Charlee Martin", "Gregg Holland",
                                               "Arif Patel", "Garry Harris"]
    assert cli("--data", str(tmp_path / "seed"), "validate").exit_code == 0
    ayesha = (tmp_path / "seed" / "ayesha-rahim.yaml").read_text(encoding="utf-8")
    # The Forbes line sits in her part of the article but is not hers: a comment, not a quotation.
    assert "Men are confident" not in ayesha.split("# Not drafted")[0]
    assert "does not attribute to them" in ayesha


def test_missing_date_is_a_usage_error_naming_the_option(tmp_path, cli):
    got = cli("draft", str(ARTICLES / "qa-leeds.txt"), "--title", "T", "-o", str(tmp_path / "d"))
    assert got.exit_code == 2
    assert "give it with --date YYYY-MM-DD" in got.stderr
    assert not (tmp_path / "d").exists()


def test_an_article_that_is_not_a_readable_file_is_one_line_not_a_hang(tmp_path, cli):
    import os

    fifo = tmp_path / "article.txt"
    os.mkfifo(fifo)  # reading it would block until a writer came: refused before reading
    cases = [(str(fifo), "not a regular file"), (str(tmp_path / ("a" * 300 + ".txt")), "cannot read the article"),
             (str(tmp_path / "missing.txt"), "no such file")]
    for article, said in cases:
        got = cli("draft", article, "--title", "T", "--date", "2026-01-01", "-o", str(tmp_path / "d"))
        assert got.exit_code == 1, (article, got.stderr)
        assert said in got.stderr and len(got.stderr.strip().splitlines()) == 1
        assert "Traceback" not in got.stderr


def test_never_into_the_bundled_data_nor_over_a_draft(tmp_path, cli):
    from leadgraph import resources

    got = cli("draft", str(ARTICLES / "qa-leeds.txt"), "--title", "T", "--date", "2026-01-01",
              "-o", str(resources.data_dir() / "people"))
    assert got.exit_code == 2 and "never go into the bundled data folder" in got.stderr
    page = resources.data_dir() / "review.html"
    got = cli("draft", str(ARTICLES / "qa-leeds.txt"), "--title", "T", "--date", "2026-01-01",
              "-o", str(tmp_path / "elsewhere"), "--review", str(page))
    assert got.exit_code == 2 and "never goes into the bundled data folder" in got.stderr
    assert not page.exists() and not (tmp_path / "elsewhere").exists()
    args = ("draft", str(ARTICLES / "qa-leeds.txt"), "--title", "T", "--date", "2026-01-01", "-o", str(tmp_path))
    assert cli(*args).exit_code == 0
    again = cli(*args)
    assert again.exit_code == 2 and "--force" in again.stderr
    assert cli(*args, "--force").exit_code == 0


_NETWORK: list[str] = []
_WATCH = {"on": False}


def _audit(event, args):
    # Not socket.__new__/bind: importing urllib3 (trafilatura's downloader, unused here) binds a
    # local IPv6 probe socket to ::1; nothing that resolves a name or reaches anything counts.
    if _WATCH["on"] and event in ("socket.connect", "socket.getaddrinfo", "socket.sendto", "socket.sendmsg",
                                  "urllib.Request", "http.client.connect"):
        _NETWORK.append(event)


def test_html_page_title_and_date_from_metadata(tmp_path):
    import sys

    from leadgraph.drafting import draft

    if not getattr(sys, "_leadgraph_draft_audit", False):
        sys.addaudithook(_audit)
        sys._leadgraph_draft_audit = True

    body = (ARTICLES / "qa-leeds.txt").read_text(encoding="utf-8")
    paragraphs = "".join(f"<p>{p}</p>\n" for p in body.split("\n\n"))
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>In conversation: Tomasz Wren</title>"
        '<meta property="article:published_time" content="2025-03-04">'
        "</head><body><nav>Home | News</nav><article>" + paragraphs + "</article>"
        "<footer>Cookie settings</footer></body></html>", encoding="utf-8")
    _WATCH["on"] = True
    try:
        result = draft(page, output=tmp_path / "out")
    finally:
        _WATCH["on"] = False
    assert _NETWORK == []  # trafilatura is given the page, never a URL: nothing is resolved or reached
    assert result.article.title == "In conversation: Tomasz Wren"
    assert result.article.date == "2025-03-04"
    assert [p.name for p in result.people] == ["Tomasz Wren"]
    assert "Cookie settings" not in result.article.text


def test_cue_phrases_come_from_the_vocabulary_not_the_code():
    from leadgraph.drafting.gazetteer import Gazetteer
    from leadgraph.loading import store_of

    traits = Gazetteer(store_of(data=[])).concepts["trait"]
    cues = {c.label: c.cues for c in traits.values()}
    assert "self-motivator" in cues["Self-motivation"]
    source = (Path(__file__).resolve().parents[1] / "src" / "leadgraph" / "drafting" / "extract.py").read_text()
    assert "self-motivator" not in source


def test_any_text_drafts_without_error_and_quotes_stay_verbatim(tmp_path):
    """Random articles made of the fixtures' words, quote marks, line breaks YAML treats as
    breaks and markup: drafting never fails, every record is valid YAML, quotations verbatim."""
    import random

    from ruamel.yaml import YAML

    from leadgraph.drafting import check_verbatim
    from leadgraph.drafting.extract import Drafter
    from leadgraph.drafting.gazetteer import Gazetteer
    from leadgraph.drafting.text import Article, paragraphs
    from leadgraph.drafting.writer import record_yaml
    from leadgraph.loading import store_of

    gaz = Gazetteer(store_of(data=[]))
    words = " ".join(p.read_text(encoding="utf-8") for p in ARTICLES.glob("*.txt")).split()
    words += ["“", "”", "‘", "’", '"', "\n\n", "?", "Ann Example is the CIO at Alder Hey.", "over", "12", "years",
              "approx.", "500", "staff", "\u2028", "\x85", "<script>", "#", ":"]
    rng = random.Random(7)
    drafted = 0
    for _ in range(150):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 300)))
        if not text.strip():
            continue
        article = Article(text=text, path="x.txt", title="t", date="2020-01-01", paragraphs=paragraphs(text))
        people = Drafter(article, gaz).run()
        check_verbatim(text, people)
        for person in people:
            drafted += 1
            record = YAML(typ="safe").load(record_yaml(person, article))
            assert record["person"] == person.name
            assert [q["text"] for q in record.get("quotes", [])] == [f.data["text"] for f in person.section("quotes")]
    assert drafted >= 5  # introductions do come up, so the writer is exercised


def test_review_labels_are_cut_with_an_ellipsis(tmp_path):
    # A long value's label on the review page is cut visibly, not as if the quotation ended there.
    from leadgraph.drafting.review import payload

    result = _draft(tmp_path, "qa-leeds.txt")
    quote = result.people[0].section("quotes")[0]
    quote.data["text"] = "word " * 100
    labels = {v["path"]: v["label"] for v in payload(result)["values"]}
    long = [label for label in labels.values() if label.startswith("text=word")]
    assert len(long) == 1 and len(long[0]) == 300 and long[0].endswith("…")
    assert all(len(label) <= 300 for label in labels.values())


def test_cli_writes_records_sidecars_and_review_page(tmp_path, cli):
    out, review = tmp_path / "drafts", tmp_path / "review.html"
    got = cli("draft", str(ARTICLES / "qa-mersey-care.txt"), "--title", "Invented", "--date", "2026-01-15",
              "--url", "https://example.org/invented", "-o", str(out), "--review", str(review))
    assert got.exit_code == 0, got.stderr
    assert "priya-sandhu.yaml: Priya Sandhu," in got.stdout
    assert sorted(p.name for p in out.iterdir()) == ["priya-sandhu.evidence.json", "priya-sandhu.yaml"]
    page = review.read_text(encoding="utf-8")
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert 'url: "https://example.org/invented"' in (out / "priya-sandhu.yaml").read_text(encoding="utf-8")


def test_an_earlier_role_gets_the_title_the_text_gives_it(tmp_path):
    record = _record(_draft(tmp_path, "qa-leeds.txt"))
    # "Before joining Leeds I was head of IT at Bradford Teaching Hospitals NHS Foundation Trust"
    assert record["earlier_roles"] == [{"title": "head of IT", "role_type": "Head of IT", "organisation": "RAE",
                                        "current": False, "source": record["source"]}]


def test_start_years_are_drafted_for_the_role_they_start_with_their_evidence(tmp_path, cli):
    result = _draft(tmp_path, "qa-start-years.txt")
    record = _record(result)
    assert [(r["organisation"], r.get("start")) for r in record["roles"]] == [("RR8", "2019")]
    assert [(r["organisation"], r.get("title"), r.get("start")) for r in record["earlier_roles"]] == [
        ("RAE", "Head of IT", "2012")]
    text = result.files[0].read_text(encoding="utf-8")
    assert "start year, confidence 0.75: “joined the trust in 2019”" in text
    assert "start year, confidence 0.75: “joined in 2012”" in text
    assert "2005" not in json.dumps(record["roles"] + record["earlier_roles"], default=str)  # "in the NHS since 2005": no role's start
    sidecar = json.loads(next(result.files[0].parent.glob("*.evidence.json")).read_text(encoding="utf-8"))
    body = (ARTICLES / "qa-start-years.txt").read_text(encoding="utf-8")
    spans = [e for v in sidecar["values"] for e in v["evidence"] if e["text"].endswith(("2019", "2012"))]
    assert len(spans) == 2 and all(body[e["start"]:e["end"]] == e["text"] for e in spans)
    checked = cli("--data", "data", "--data", str(result.files[0]), "validate", "--strict")
    assert checked.exit_code == 0, checked.stdout + checked.stderr


def test_a_start_year_after_the_articles_date_is_a_note_not_a_value(tmp_path):
    from leadgraph.drafting import draft

    article = tmp_path / "later.txt"
    article.write_text((ARTICLES / "qa-start-years.txt").read_text(encoding="utf-8").replace("in 2019", "in 2027"),
                       encoding="utf-8")
    result = draft(article, title="Invented", date="2026-01-15", output=tmp_path / "out")
    record = _record(result)
    assert "start" not in record["roles"][0]
    assert "start year 2027 is after the article's date (not drafted)" in result.files[0].read_text(encoding="utf-8")
