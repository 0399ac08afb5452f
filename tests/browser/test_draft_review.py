"""The review page of ``leadgraph draft --review``, in a real Chromium from file://: no request,
its own CSP intact, hostile article text shown as text, and a click on a value scrolling its
evidence into view."""

from __future__ import annotations

from pathlib import Path

ARTICLES = Path(__file__).resolve().parents[1] / "fixtures" / "articles"


def _page(tmp_path, name):
    from leadgraph.drafting import draft

    review = tmp_path / "review.html"
    draft(ARTICLES / name, title="Invented <b>title</b> </script>", date="2026-01-15", output=tmp_path / "d",
          review=review)
    return review


def test_hostile_article_text_is_shown_as_text_and_nothing_runs(visit, tmp_path):
    seen = visit(_page(tmp_path, "hostile.txt"))
    article = seen.js("document.getElementById('article').textContent")
    assert "<script>window.__xss.push('heading')</script>" in article
    assert "<img src=x onerror=window.__xss.push('img')>" in article
    assert seen.js("document.querySelectorAll('#article img, #article script, #article b').length") == 0
    assert seen.js("document.title") == "Review: Invented <b>title</b> </script>"
    assert all(not v for v in seen.problems().values()), seen.problems()


def test_every_value_is_highlighted_at_its_offsets(visit, tmp_path):
    seen = visit(_page(tmp_path, "qa-leeds.txt"))
    text = (ARTICLES / "qa-leeds.txt").read_text(encoding="utf-8")
    marks = seen.js("Array.from(document.querySelectorAll('mark.evidence')).map(m => m.textContent)")
    assert marks and all(m in text for m in marks)
    buttons = seen.js("document.querySelectorAll('button.value').length")
    values = seen.js("JSON.parse(document.getElementById('draft-data').textContent).values.length")
    assert buttons == values > 5
    assert all(not v for v in seen.problems().values()), seen.problems()


def test_clicking_a_value_scrolls_to_its_evidence(visit, tmp_path):
    seen = visit(_page(tmp_path, "qa-mersey-care.txt"), viewport={"width": 900, "height": 300})
    button = seen.page.locator("button.value", has_text="headline=True")
    button.click()
    current = seen.js("Array.from(document.querySelectorAll('mark.current')).map(m => m.textContent).join('')")
    assert current.startswith("Find a mentor early")
    in_view = seen.js("""(() => { const m = document.querySelector('mark.current').getBoundingClientRect();
        const a = document.getElementById('article').getBoundingClientRect();
        return m.top >= a.top && m.bottom <= a.bottom; })()""")
    assert in_view
    assert all(not v for v in seen.problems().values()), seen.problems()


def test_each_value_starts_on_the_line_of_its_list_marker(visit, tmp_path):
    # A value's button is an inline-block: on the baseline it would sit on its last line, and the
    # list marker beside that line, so a wrapped value looked like the next one's start.
    seen = visit(_page(tmp_path, "qa-mersey-care.txt"), viewport={"width": 900, "height": 600})
    offsets = seen.js("""Array.from(document.querySelectorAll('ul.values li')).map(li => {
        const b = li.querySelector('button.value');
        const lines = Math.round(b.getBoundingClientRect().height / parseFloat(getComputedStyle(b).lineHeight));
        return [lines, getComputedStyle(b).verticalAlign];
    })""")
    assert any(lines > 1 for lines, _ in offsets)  # some values wrap at this width
    assert {align for _, align in offsets} == {"top"}
    assert all(not v for v in seen.problems().values()), seen.problems()
