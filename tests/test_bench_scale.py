"""benchmarks/bench_scale.py: the pieces that are not timings (the plot, the extra person an
incremental revalidation edits, a child measurement). Its speed targets are judged by the script
itself against baselines of the same run, never here."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
import bench_scale  # noqa: E402
import synth  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"


def test_plot_is_log_log_svg_with_a_line_per_series():
    series = {
        "load": {10_000: 0.1, 100_000: 1.0, 1_000_000: 10.0},
        "baseline: <raw> & co": {10_000: 0.05, 1_000_000: 5.0},
        "nothing measured": {},
    }
    root = ET.fromstring(bench_scale.svg_plot(series, "a title"))
    lines = root.findall(f"{SVG}polyline")
    assert len(lines) == 2
    points = [tuple(map(float, p.split(","))) for p in lines[0].get("points").split()]
    xs, ys = [x for x, _ in points], [y for _, y in points]
    # equal steps on log axes: 10x more triples and 10x more time are equal distances
    assert xs[0] < xs[1] < xs[2] and ys[0] > ys[1] > ys[2]
    assert xs[2] - xs[1] == pytest.approx(xs[1] - xs[0], abs=0.2)
    assert ys[1] - ys[2] == pytest.approx(ys[0] - ys[1], abs=0.2)
    assert lines[1].get("stroke-dasharray")  # baselines are dashed
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "baseline: <raw> & co" in texts and "a title" in texts
    assert "1M" in texts and "10k" in texts
    assert bench_scale.svg_plot({"empty": {}}, "t") == ""


def test_markdown_table_and_units():
    table = bench_scale.markdown_table(["a", "b"], [["1", "2"]])
    assert table.splitlines() == ["| a | b |", "|---|---|", "| 1 | 2 |"]
    assert [bench_scale.secs(s) for s in (0.0123, 2.5, 250.0, None)] == ["12 ms", "2.50 s", "250 s", "-"]
    assert [bench_scale.size_name(s) for s in (10_000, 1_000_000, 10_000_000)] == ["10k", "1M", "10M"]


@pytest.fixture(scope="module")
def small_data(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("bench-scale")
    vocab = synth.vocabulary()
    data = folder / "synthetic.ttl"
    synth.write(data, people=20, seed=0, vocab=vocab)
    return data, bench_scale.extra_person(folder, 0, vocab)


def test_extra_person_is_new_and_keeps_the_data_valid(small_data):
    from leadgraph.loading import load
    from leadgraph.validation import validate

    data, person = small_data
    text = person.read_text(encoding="utf-8")
    assert f"lgd:{bench_scale.EXTRA_PERSON}" in text and "synthetic-person-000000" not in text
    alone, both = load([data]), load([data, person])
    assert len(both) > len(alone)
    report = validate(both)
    assert report.conforms, report.results[:3]


def test_a_child_measurement_reports_the_work_and_peak_memory(small_data):
    from leadgraph.loading import load

    data, _ = small_data
    run = bench_scale.measure(["load", str(data)])
    assert run["triples"] == len(load([data]))
    assert run["exit"] == 0 and run["peak_mb"] > 10 and run["seconds"] > 0
    with pytest.raises(SystemExit, match="unknown child kind"):
        bench_scale.measure(["no-such-kind"])
