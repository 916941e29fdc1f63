"""Splitting drafts into units: typed drafts along their schema, pasted text by its shape."""

from __future__ import annotations

from copilot.drafting.schemas import DebriefDraft, PlanDraft
from copilot.guard import units_of
from tests.support.guard_cases import draft


def test_typed_debrief_keeps_speaker_declared_kind_and_evidence() -> None:
    debrief = draft("dana_debrief.json")
    assert isinstance(debrief, DebriefDraft)
    units = units_of(debrief, "debrief")
    assert len(units) == sum(len(s.lines) for s in debrief.segments)
    first = units[0]
    assert (first.role, first.declared_kind, first.section) == ("manager", "open_question", "goal")
    assert first.evidence == ["goal:C03"]
    assert [u.in_character for u in units if u.section == "roleplay"] == [True, True]


def test_typed_plan_skips_what_the_code_fills_in() -> None:
    plan = draft("dana_plan.json")
    assert isinstance(plan, PlanDraft)
    sections = [u.section for u in units_of(plan, "plan")]
    assert sections.count("weekly_actions") == 4
    assert "parked" not in sections and "checkpoints" not in sections


def test_markdown_plan_keeps_headings_labels_and_weeks() -> None:
    units = units_of(str(draft("jamal_plan.md")), "plan")
    focus = next(u for u in units if u.text.startswith("discovery"))
    assert focus.section.endswith("Focus")
    weeks = [u.week for u in units if u.week is not None]
    assert weeks == [1, 2, 3, 4]
    assert any(u.section == "Parked this month" for u in units)


def test_script_lines_get_their_speaker() -> None:
    text = (
        "**Opening (2 min)**\n"
        "Manager: What's your read on Ridgeway?\n"
        "Rep: It stalled.\n"
        "- Coach (as Hector): I need time to compare.\n"
        "M: What did you hear?\n"
    )
    units = units_of(text, "debrief")
    assert [(u.role, u.in_character) for u in units] == [
        ("manager", False),
        ("rep", False),
        ("manager", True),
        ("manager", False),
    ]
    assert units[0].section == "Opening (2 min)"


def test_numbered_lines_stay_whole_and_answers_split_into_sentences() -> None:
    text = "1. What happened at Ridgeway?\n2) Who signs? By when?\nThat is all. Thanks."
    assert [u.text for u in units_of(text, "questions")] == [
        "What happened at Ridgeway?",
        "Who signs? By when?",
        "That is all. Thanks.",
    ]
    assert [u.text for u in units_of(text, "answer")][-2:] == ["That is all.", "Thanks."]


def test_empty_and_blank_text_have_no_units() -> None:
    assert units_of("", "plan") == []
    assert units_of("  \n---\n\n", "plan") == []
