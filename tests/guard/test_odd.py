"""Odd input never raises: empty, junk, huge or question-less drafts yield findings."""

from __future__ import annotations

import time

import pytest

from copilot.drafting.schemas import DraftKind
from copilot.guard import check
from tests.support.guard_cases import cliches, demo_facts, draft

KINDS: list[DraftKind] = ["questions", "debrief", "plan", "precall", "roleplay", "answer"]
ODD = [
    "",
    "   \n\n ",
    "\x00\x01\u200b",
    "????",
    "Manager:",
    "- \n- \n1.",
    "\"unbalanced 'quotes",
    "12345 67 8.9% $",
    "<b></b>{{x}}",
    "🙂" * 200,
    "x" * 120_000,
    "What did Hector say? " * 6_000,
]


@pytest.mark.parametrize("kind", KINDS)
def test_odd_input_fails_with_findings_not_exceptions(kind: DraftKind) -> None:
    for text in ODD:
        started = time.perf_counter()
        report = check(text, kind, demo_facts("C03"), cliches())
        assert not report.passed, repr(text[:20])
        assert report.findings
        assert all(f.detector != "GUARD-0" for f in report.findings), report.repair_brief()
        assert time.perf_counter() - started < 2


def test_empty_draft_says_there_is_nothing_to_check() -> None:
    report = check("", "questions", demo_facts("C03"), cliches())
    assert {f.detector for f in report.findings} == {"GEN-2", "GRD-5", "FORM-1"}
    assert report.metrics["anchor_rate"] == 0.0


def test_statements_where_questions_are_due() -> None:
    text = "Dana needs to close more of the 30 proposals. She should ask Hector for a date."
    detectors = {
        f.detector for f in check(text, "questions", demo_facts("C03"), cliches()).findings
    }
    assert "FORM-1" in detectors


def test_huge_text_is_checked_in_part_and_said_so() -> None:
    report = check("What did Hector say? " * 6_000, "questions", demo_facts("C03"), cliches())
    assert any(f.detector == "FORM-1" and "characters" in f.reason for f in report.findings)


def test_a_typed_draft_checked_as_another_kind() -> None:
    report = check(draft("dana_plan.json"), "questions", demo_facts("C03"), cliches())
    assert any(f.detector == "FORM-1" and "plan draft" in f.reason for f in report.findings)


def test_cliches_may_be_empty() -> None:
    report = check("Manager: You need to work smarter.", "debrief", demo_facts("C03"), [])
    assert "GEN-1" in {f.detector for f in report.findings}
