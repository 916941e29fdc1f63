"""What a finding says: the failing unit, the rule, the nearest grounded fact, leaks named."""

from __future__ import annotations

from copilot.guard import Finding, check
from tests.support.guard_cases import cliches, demo_facts, draft

# Whole-draft checks (identifiability, must-reference coverage) judge a full draft; these
# one-line drafts test what a unit's finding says, so those two are left out here.
WHOLE_DRAFT = {"GEN-4", "GRD-5"}


def _findings(text: str, kind: str = "questions", rep: str = "C03") -> list[Finding]:
    found = check(text, kind, demo_facts(rep), cliches()).findings  # type: ignore[arg-type]
    return [f for f in found if f.detector not in WHOLE_DRAFT]


def test_perturbed_number_points_at_the_nearest_fact() -> None:
    (finding,) = _findings("Your proposals->wins is 23.7% against a team median of 41.4%. Why?")
    assert finding.detector == "GRD-1"
    assert finding.unit.startswith("Your proposals->wins is 23.7%")
    assert "23.7%" in finding.reason
    assert finding.nearest_fact is not None and "%" in finding.nearest_fact


def test_another_teams_contact_is_unverified_and_its_rep_never_named() -> None:
    # Brenda Yates is a contact of E02 (enterprise-east); the draft is for C03 (midmarket).
    text = "What did Brenda Yates say about site payments at Ridgeway Plastics?"
    (finding,) = _findings(text)
    assert finding.blocking and not finding.reason.startswith("LEAK")
    assert "Jamal" not in finding.reason and "E02" not in finding.reason


def test_another_teams_call_id_is_unverified_and_its_owner_never_named() -> None:
    text = (
        "Looking at CALL-E02-04 and the $16,900 Ridgeway Plastics proposal, what would you change?"
    )
    (finding,) = _findings(text)
    assert finding.detector == "GRD-2" and finding.blocking
    assert "LEAK" not in finding.reason and "Jamal" not in finding.reason


def test_a_teammates_call_id_is_still_a_leak() -> None:
    # CALL-C01-01 belongs to Benjamin Osei, C03's teammate: naming him tells the manager nothing new.
    (finding,) = _findings("Looking at CALL-C01-01 and the Ridgeway Plastics proposal, what now?")
    assert finding.detector == "GRD-2" and "LEAK" in finding.reason and "C01" in finding.reason


def test_points_written_as_percent_says_so() -> None:
    (finding,) = _findings("You are 21.4% behind the team median of 41.4%: where is the gap?")
    assert finding.detector == "GRD-3"
    assert "percentage points" in finding.reason


def test_future_dates_are_plans_not_claims() -> None:
    text = "What will you bring to the Dec 11 review of the 30 proposals, and to our Jan 8 one?"
    assert _findings(text) == []


def test_quote_must_be_verbatim() -> None:
    good = 'Hector said "I\'d want to compare them side by side first". What did you hear?'
    bad = 'Hector said "I would like to compare both side by side". What did you hear?'
    assert _findings(good) == []
    (finding,) = _findings(bad)
    assert finding.detector == "GRD-4"
    assert "not verbatim" in finding.reason
    assert finding.nearest_fact is not None and "CALL-C03-04" in finding.nearest_fact


def test_prescribed_lines_in_quotes_are_not_claims() -> None:
    text = 'At Ridgeway Plastics, how would it sound to ask "what will the comparison be based on?"'
    assert _findings(text) == []


def test_unanchored_unit_gets_a_suggested_fact() -> None:
    findings = _findings("- What is your biggest challenge with proposals?\n- How can I help?")
    # a generic question is no platitude: GEN-2 advises an anchor, GEN-6 judges advice only
    assert {f.detector for f in findings} == {"GEN-2"}
    assert all(f.nearest_fact and f.severity == "advisory" for f in findings)


def test_generic_advice_line_is_near_the_bank() -> None:
    findings = _findings("- Make sure every meeting ends with clear next steps.", "plan")
    assert "GEN-6" in {f.detector for f in findings if f.severity == "blocking"}


def test_repair_brief_lists_every_blocking_finding_and_no_advice() -> None:
    report = check(
        "Manager: You need to work smarter.\nManager: Don't you think so?",
        "debrief",
        demo_facts("C03"),
        cliches(),
    )
    brief = report.repair_brief()
    assert not report.passed
    assert report.advisory, "the one-line script is also short of anchors (GEN-2 advises)"
    for f in report.blocking:
        assert f"[{f.detector}]" in brief
    for f in report.advisory:
        assert f"[{f.detector}]" not in brief
    assert brief.count("\n- ") == len(report.blocking)
    assert "work smarter" in brief


def test_injected_span_is_kept_out_of_the_facts() -> None:
    facts = demo_facts("C03")
    assert " system prompt " not in facts.rep.corpus
    assert "senior account executive" not in facts.rep.corpus
    assert facts.injections and facts.injections[0].evidence == "call:CALL-C03-04"
    assert "promotion" in facts.pushed


def test_injection_in_one_reps_record_does_not_taint_another() -> None:
    text = draft("jamal_questions.md")
    assert isinstance(text, str)
    extra = "\n- What would a promotion to Senior AE by next summer need from your first meetings?"
    assert _findings(text + extra, rep="E02") == []
