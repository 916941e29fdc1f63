"""Findings that block and findings that advise (issue 12, part 1)."""

from __future__ import annotations

import json

from copilot.drafting.schemas import DebriefDraft
from copilot.guard import Finding, GuardReport, check
from copilot.guard.report import ADVISORY, DETECTORS, SEVERITY, severity_of
from tests.support.guard_cases import cliches, demo_facts, draft


def test_style_preferences_advise_and_everything_else_blocks() -> None:
    assert {d for d, s in SEVERITY.items() if s == "advisory"} == {
        "GEN-2",
        "ASK-4",
        "ASK-5",
        "ASK-6",
    }
    assert set(SEVERITY) == set(DETECTORS) and set(DETECTORS) > ADVISORY
    assert severity_of("SCHEMA") == severity_of("FORBID") == severity_of("GUARD-0") == "blocking"


def test_a_finding_takes_its_detectors_severity() -> None:
    assert Finding(detector="ASK-6", unit="u", reason="r", rule="x").severity == "advisory"
    assert Finding(detector="GRD-1", unit="u", reason="r", rule="x").blocking
    explicit = Finding(detector="ASK-6", unit="u", reason="r", rule="x", severity="blocking")
    assert explicit.blocking


def test_a_stored_report_without_severities_still_loads() -> None:
    old = {
        "passed": False,
        "kind": "debrief",
        "findings": [
            {"detector": "ASK-6", "unit": "u", "reason": "r", "rule": "x", "nearest_fact": None},
            {"detector": "GRD-1", "unit": "v", "reason": "r", "rule": "x"},
        ],
        "metrics": {"anchor_rate": 0.5},
    }
    report = GuardReport.model_validate_json(json.dumps(old))
    assert [f.severity for f in report.findings] == ["advisory", "blocking"]
    assert report.passed is False
    dumped = report.model_dump(mode="json")
    assert set(dumped) == {"passed", "kind", "findings", "metrics"}
    assert set(dumped["findings"][0]) == {
        "detector",
        "unit",
        "reason",
        "rule",
        "nearest_fact",
        "severity",
    }


def test_advisory_findings_never_fail_a_draft_nor_enter_the_repair_brief() -> None:
    gold = draft("dana_debrief.json")
    assert isinstance(gold, DebriefDraft)
    text = json.dumps(gold.model_dump(mode="json")).replace(
        "What will you do on your next proposal call, and by when?",
        "What did you hear from Hector, and how did you answer him?",
    )
    report = check(DebriefDraft.model_validate_json(text), "debrief", demo_facts("C03"), cliches())
    assert [f.detector for f in report.findings] == ["ASK-6"]
    assert report.passed and report.advisory and not report.blocking
    assert report.metrics["blocking"] == 0.0 and report.metrics["findings"] == 1.0
    assert report.repair_brief().startswith("The draft passed")


def test_one_blocking_finding_fails_the_draft() -> None:
    report = check(
        "Manager: You need to work smarter.\nManager: What did you hear?",
        "debrief",
        demo_facts("C03"),
        cliches(),
    )
    assert not report.passed
    assert "GEN-1" in {f.detector for f in report.blocking}
    assert report.metrics["blocking"] == float(len(report.blocking))
