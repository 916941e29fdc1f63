"""Hand-written, specific drafts for demo reps pass every gate, typed and as pasted text."""

from __future__ import annotations

import pytest

from copilot.drafting.schemas import DraftKind
from copilot.guard import check
from tests.support.guard_cases import cliches, demo_facts, draft

GOLD: list[tuple[str, str, DraftKind]] = [
    ("dana_questions.json", "C03", "questions"),
    ("dana_questions.md", "C03", "questions"),
    ("dana_debrief.json", "C03", "debrief"),
    ("dana_debrief.md", "C03", "debrief"),
    ("dana_plan.json", "C03", "plan"),
    ("dana_plan.md", "C03", "plan"),
    ("dana_roleplay.json", "C03", "roleplay"),
    ("dana_precall.json", "C03", "precall"),
    ("jamal_questions.md", "E02", "questions"),
    ("jamal_plan.md", "E02", "plan"),
    ("meilin_debrief.md", "C02", "debrief"),
    ("diego_plan.md", "W02", "plan"),
    ("aisha_questions.md", "E05", "questions"),
    ("lucia_questions.md", "C05", "questions"),
    ("keisha_debrief.json", "W01", "debrief"),
]


@pytest.mark.parametrize(("name", "rep", "kind"), GOLD)
def test_gold_draft_passes(name: str, rep: str, kind: DraftKind) -> None:
    report = check(draft(name), kind, demo_facts(rep), cliches())
    assert report.findings == []
    assert report.passed
    assert report.metrics["anchor_rate"] >= 0.5


def test_gold_metrics_are_reported_per_kind() -> None:
    debrief = check(draft("dana_debrief.json"), "debrief", demo_facts("C03"), cliches())
    plan = check(draft("dana_plan.json"), "plan", demo_facts("C03"), cliches())
    assert debrief.metrics["open_share"] == 1.0
    assert debrief.metrics["questions_to_tells"] >= 3
    assert plan.metrics["focus_share"] == 1.0
    assert plan.metrics["anchor_rate"] == 1.0


def test_a_passed_report_needs_no_repair() -> None:
    report = check(draft("dana_questions.json"), "questions", demo_facts("C03"), cliches())
    assert "passed" in report.repair_brief()
