"""Eval outputs from hand-made results: the HTML report, JUnit XML and the baseline gate."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

from copilot.evals.cases import load_tasks
from copilot.evals.gate import Baseline, compare, load_baseline, write_baseline
from copilot.evals.junit import junit_xml
from copilot.evals.report import report_html
from copilot.evals.results import (
    ArmResult,
    CaseResult,
    DetectorRow,
    EvalResults,
    Metric,
    RawScores,
    RunMeta,
    UnitView,
)
from copilot.evals.thresholds import apply, load_thresholds
from copilot.guard import Finding

BAD = "Work smarter <b>now</b>."
GOOD = "What happened after Tessa Quill said reschedules cost a day a week?"


def _results() -> EvalResults:
    task = next(t for t in load_tasks() if t.id == "s01-debrief")
    metrics: list[Metric] = ["generic", "ask_pass", "coverage"]
    naive = ArmResult(
        arm="naive",
        status="drafted",
        source="naive",
        draft=f"{BAD}\n{GOOD}",
        units=[UnitView(text=BAD), UnitView(text=GOOD)],
        findings=[Finding(detector="GEN-1", unit=BAD, reason="an empty cliche", rule="gen-1")],
        applicable=metrics,
        raw=RawScores(generic=True, ask_pass=True, coverage=0.0),
    )
    copilot = ArmResult(
        arm="copilot",
        status="drafted",
        source="model",
        draft={"kind": "debrief"},
        units=[UnitView(text=GOOD, section="focus_moment", role="manager")],
        applicable=metrics,
        raw=RawScores(generic=False, ask_pass=True, coverage=0.25),
    )
    results = EvalResults(
        meta=RunMeta(model="fake", arms=["copilot", "naive"]),
        cases=[CaseResult(task=task, arms={"copilot": copilot, "naive": naive})],
    )
    return apply(results, load_thresholds())


def test_report_marks_the_failing_sentence_in_both_columns() -> None:
    html = report_html(_results())
    assert '<mark class="fail" title="GEN-1: an empty cliche">' in html
    assert "Work smarter &lt;b&gt;now&lt;/b&gt;.</mark>" in html
    assert "<b>now</b>" not in html
    assert '<div class="arm naive">' in html and '<div class="arm copilot">' in html
    assert html.count("<mark") == 1  # the good sentence is not marked in either arm
    assert "not available" in html and "<script" not in html


def test_report_summary_and_quality_table() -> None:
    results = _results()
    results.detector_quality = [
        DetectorRow(
            detector="GEN-1",
            mutants=40,
            caught=39,
            recall=0.975,
            gold=47,
            false_alarms=0,
            false_alarm_rate=0.0,
        )
    ]
    html = report_html(results)
    assert "generic rate (lower is better)</th><td>1</td><td>0</td>" in html
    assert "<td>GEN-1</td><td>40</td><td>39</td><td>0.975</td>" in html


def test_junit_fails_only_the_copilot_arm() -> None:
    root = ET.fromstring(junit_xml(_results()).split("\n", 1)[1])
    suites = {s.get("name"): s for s in root}
    copilot = suites["eval.copilot"]
    assert copilot.get("tests") == "3" and copilot.get("failures") == "1"
    [failed] = [c for c in copilot if c.find("failure") is not None]
    assert failed.get("name") == "coverage"
    assert failed.get("classname") == "eval.copilot.s01-debrief"
    naive = suites["eval.naive (informational)"]
    assert naive.get("failures") == "0"
    props = [p.get("value") for p in naive.iter("property") if p.get("name") == "result"]
    assert props == ["fail", "pass", "fail"]


def test_gate_regressions_improvements_and_unrun_pairs() -> None:
    results = _results()
    baseline = Baseline(
        cases={
            "s01-debrief": {"generic": True, "coverage": False, "ask_pass": True},
            "s02-plan": {"focus_pass": True},
        }
    )
    report = compare(results, baseline)
    assert report.passed and report.compared == 3 and report.regressions == []
    baseline.cases["s01-debrief"]["coverage"] = True
    baseline.cases["s01-debrief"]["ask_pass"] = False
    report = compare(results, baseline)
    assert not report.passed
    assert report.regressions == ["s01-debrief:coverage"]
    assert report.improvements == ["s01-debrief:ask_pass"]


def test_baseline_file_round_trip_keeps_cases_not_run(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    assert load_baseline(path) == Baseline()
    path.write_text(Baseline(cases={"s02-plan": {"focus_pass": True}}).model_dump_json())
    written = write_baseline(_results(), path)
    assert set(written.cases) == {"s01-debrief", "s02-plan"}
    assert load_baseline(path).cases["s01-debrief"]["coverage"] is False


def test_committed_baseline_is_valid() -> None:
    load_baseline()
