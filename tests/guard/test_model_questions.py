"""The framework's own model questions pass the guard, in a demo rep's questions and debrief
drafts, typed and pasted (issue 12): at most GEN-2 may advise an anchor on them."""

from __future__ import annotations

import pytest

from copilot.drafting.schemas import DebriefDraft, QuestionOut, QuestionsDraft
from copilot.guard import GuardReport, check
from tests.support.guard_cases import cliches, demo_facts, draft

ACCOMPLISH = (
    "What were you trying to accomplish in that conversation, and how do you think it went?"
)
DIFFERENTLY = (
    "What will you do differently on your next discovery call, and when should we look at it"
    " together?"
)
WENT = "How do you think it went?"
SHARE = "Would it be OK if I shared one thing I noticed?"
MODEL = (ACCOMPLISH, DIFFERENTLY, WENT, SHARE)


def _check(text: QuestionsDraft | DebriefDraft | str, kind: str) -> GuardReport:
    return check(text, kind, demo_facts("C03"), cliches())  # type: ignore[arg-type]


def _passes(report: GuardReport) -> None:
    assert report.passed, report.repair_brief()
    on_model = [f for f in report.findings if f.unit.strip() in MODEL and f.detector != "GEN-2"]
    assert on_model == [], on_model
    assert all(f.severity == "advisory" for f in report.findings if f.unit.strip() in MODEL)


def _questions() -> QuestionsDraft:
    gold = draft("dana_questions.json")
    assert isinstance(gold, QuestionsDraft)
    extra = [QuestionOut(stage="goal", text=q, evidence=[]) for q in MODEL]
    return gold.model_copy(update={"questions": [*extra, *gold.questions]})


def _debrief() -> DebriefDraft:
    gold = draft("dana_debrief.json")
    assert isinstance(gold, DebriefDraft)
    swaps = {
        "Before we look at Ridgeway, how does this call fit with your President's Club goal?": (
            ACCOMPLISH
        ),
        "Walk me through the last two minutes of the Ridgeway Plastics call from your side.": WENT,
        "Would it help if I shared one thing that works at that moment?": SHARE,
        "What will you do on your next proposal call, and by when?": DIFFERENTLY,
    }
    segments = [
        s.model_copy(
            update={
                "lines": [
                    line.model_copy(update={"text": swaps.get(line.text, line.text)})
                    for line in s.lines
                ]
            }
        )
        for s in gold.segments
    ]
    swapped = gold.model_copy(update={"segments": segments})
    assert sum(line.text in MODEL for s in swapped.segments for line in s.lines) == len(MODEL)
    return swapped


def _script(d: DebriefDraft) -> str:
    speaker = {"manager": "Manager", "rep": "Rep"}
    return "\n".join(
        f"{speaker[line.speaker]}: {line.text}" for s in d.segments for line in s.lines
    )


@pytest.mark.parametrize("question", MODEL)
def test_each_model_question_is_one_open_or_permission_question(question: str) -> None:
    from copilot.guard.double import second_question
    from copilot.guard.speech import label

    assert second_question(question) is None
    assert label(question) in {"open", "permission"}


def test_model_questions_pass_in_a_typed_questions_draft() -> None:
    _passes(_check(_questions(), "questions"))


def test_model_questions_pass_in_a_pasted_questions_draft() -> None:
    text = "\n".join(f"{n}. {q.text}" for n, q in enumerate(_questions().questions, start=1))
    _passes(_check(text, "questions"))


def test_model_questions_pass_in_a_typed_debrief() -> None:
    _passes(_check(_debrief(), "debrief"))


def test_model_questions_pass_in_a_pasted_debrief() -> None:
    _passes(_check(_script(_debrief()), "debrief"))


def test_a_two_part_question_that_asks_two_things_still_advises() -> None:
    report = _check(
        _script(_debrief()).replace(WENT, "What did you hear, and how did you respond?"),
        "debrief",
    )
    assert report.passed, report.repair_brief()
    (double,) = [f for f in report.findings if f.detector == "ASK-6"]
    assert double.severity == "advisory"
    assert "[ASK-6]" not in report.repair_brief()
