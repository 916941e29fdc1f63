"""Eval scoring: raw scores from the detectors, thresholds, aggregates and task selection."""

from __future__ import annotations

from pathlib import Path

import pytest

from copilot.errors import ConfigError
from copilot.evals.cases import Task, eval_framework, gold, load_tasks, task_facts
from copilot.evals.results import ArmResult, CaseResult, RawScores
from copilot.evals.runner import select_tasks
from copilot.evals.scoring import (
    applicable,
    covered_items,
    forbidden_findings,
    guard_report,
    score_draft,
    score_no_draft,
)
from copilot.evals.thresholds import Rule, judge, load_thresholds, summarize
from copilot.guard import Unit
from tests.test_architecture import import_graph

GENERIC = "Work smarter, not harder. Build rapport with your buyers and be more confident."


def _task(task_id: str) -> Task:
    return next(t for t in load_tasks() if t.id == task_id)


def test_gold_draft_passes_every_metric() -> None:
    task = _task("s01-debrief")
    draft = gold(task)
    assert draft is not None
    scored = score_draft(draft, task, task_facts(task), eval_framework().cliches)
    assert scored.findings == []
    assert scored.raw.generic is False and scored.raw.ask_pass is True
    assert scored.raw.grounding_precision == 1.0 and scored.raw.verified_claims > 0
    assert scored.raw.coverage == 1.0
    result = ArmResult(
        arm="copilot", status="drafted", source="model", applicable=applicable(task), raw=scored.raw
    )
    assert all(judge(result, load_thresholds()).values())


@pytest.mark.parametrize("task_id", ["s01-debrief", "s01-plan", "s14-plan", "s01-questions"])
def test_verified_claims_are_the_guards_metric(task_id: str) -> None:
    task = _task(task_id)
    draft = gold(task)
    assert draft is not None
    facts, cliches = task_facts(task), eval_framework().cliches
    report = guard_report(draft, task, facts, cliches)
    scored = score_draft(draft, task, facts, cliches)
    assert scored.raw.verified_claims == report.metrics["verified_claims"] > 0
    assert scored.findings == report.findings


def test_the_eval_suite_reads_only_the_guards_public_api() -> None:
    graph = import_graph()
    evals = [m for m in graph if m.startswith("copilot.evals")]
    for module in evals:
        private = {m for m in graph[module] if m.startswith("copilot.guard.")}
        assert not private, f"{module} imports {sorted(private)}; use `copilot.guard`"


def test_generic_pasted_text_is_flagged() -> None:
    task = _task("s01-questions")
    scored = score_draft(GENERIC, task, task_facts(task), eval_framework().cliches)
    detectors = {f.detector for f in scored.findings}
    assert {"GEN-1", "FORBID"} <= detectors
    assert scored.raw.generic is True
    assert scored.raw.forbidden == 3
    assert scored.raw.grounding_precision == 0.0  # no checkable claim cannot pass grounding
    assert scored.raw.coverage == 0.0


def test_plan_focus_must_be_acceptable() -> None:
    task = _task("s14-plan")
    draft = gold(task)
    assert draft is not None
    facts, cliches = task_facts(task), eval_framework().cliches
    assert score_draft(draft, task, facts, cliches).raw.focus_pass is True
    off = task.model_copy(update={"acceptable_focus": ["opening"]})
    assert score_draft(draft, off, facts, cliches).raw.focus_pass is False


def test_abstention_scores_focus_and_coverage() -> None:
    task = _task("s07-plan")
    scored = score_no_draft(task, "abstained", "no plan: observe first: listen to two calls")
    assert scored.raw.focus_pass is True
    assert scored.raw.coverage == 0.5
    assert applicable(task) == ["focus_pass", "coverage", "forbidden"]
    assert score_no_draft(task, "error", "boom").raw == RawScores()


def test_forbidden_finding_names_its_unit() -> None:
    units = [Unit(text="Ask about Marlow."), Unit(text="Then WORK  smarter.")]
    [finding] = forbidden_findings(
        units, "Ask about Marlow.\nThen WORK  smarter.", ["work smarter"]
    )
    assert finding.detector == "FORBID"
    assert finding.unit == "Then WORK  smarter."


def test_coverage_matches_ids_cited_or_written_and_strings() -> None:
    must = ["call:CALL-S01-1", "call:CALL-S01-2", "Marlow Plumbing Group", "37.4%"]
    hay = "On CALL-S01-2 at marlow plumbing  group you asked one question."
    assert covered_items(hay, ["call:CALL-S01-1"], must) == must[:3]


def test_rules_and_missing_scores() -> None:
    assert Rule(equals=False).passes(False)
    assert not Rule(equals=False).passes(True)
    assert Rule(min=0.9).passes(0.9) and not Rule(min=0.9).passes(0.89)
    assert Rule(max=0).passes(0) and not Rule(max=0).passes(1)
    assert not Rule(min=0.5).passes(None)


def test_thresholds_file_rescore_flips_verdicts(tmp_path: Path) -> None:
    result = ArmResult(
        arm="copilot",
        status="drafted",
        source="model",
        applicable=["coverage"],
        raw=RawScores(coverage=0.4),
    )
    assert judge(result, load_thresholds()) == {"coverage": False}
    looser = tmp_path / "thresholds.yaml"
    looser.write_text("metrics:\n  coverage:\n    min: 0.3\n")
    assert judge(result, load_thresholds(looser)) == {"coverage": True}


def test_summary_rates_per_arm() -> None:
    cases = []
    for generic, ok in ((True, False), (False, True)):
        task = _task("s01-debrief")
        arm = ArmResult(
            arm="copilot",
            status="drafted",
            source="model",
            applicable=["generic", "ask_pass", "coverage"],
            raw=RawScores(generic=generic, ask_pass=ok, coverage=0.5 if ok else 0.0),
            passed={"generic": not generic, "ask_pass": ok, "coverage": ok},
            seconds=2.0,
        )
        cases.append(CaseResult(task=task, arms={"copilot": arm}))
    summary = summarize(cases, "copilot")
    assert summary.cases == 2
    assert summary.generic_rate == 0.5
    assert summary.ask_pass_rate == 0.5
    assert summary.focus_pass_rate is None
    assert summary.coverage == 0.25
    assert summary.pass_rate == 0.5
    assert summarize(cases, "naive").cases == 0


def test_limit_spreads_over_kinds_and_scenarios() -> None:
    picked = select_tasks(load_tasks(), limit=3)
    assert [t.kind for t in picked] == ["questions", "debrief", "plan"]
    assert len({t.scenario for t in picked}) == 3
    assert len(select_tasks(load_tasks(), kinds=["plan"])) == 16
    assert [t.id for t in select_tasks(load_tasks(), ["s02-plan"])] == ["s02-plan"]
    with pytest.raises(ConfigError, match="s99-plan"):
        select_tasks(load_tasks(), ["s99-plan"])
