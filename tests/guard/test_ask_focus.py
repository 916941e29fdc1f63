"""ASK-4..6 and FOCUS-2/3: handcrafted lines, gold drafts, and recall on their mutants."""

from __future__ import annotations

import random
import zlib

import pytest

from copilot.drafting.schemas import AnyDraft, PlanDraft
from copilot.evals.cases import Task, gold, load_tasks, task_facts
from copilot.evals.mutation_api import MutationContext
from copilot.evals.mutations import asking, focusing
from copilot.guard import Unit, units_of
from copilot.guard.ask import debrief_checks, questions_checks
from copilot.guard.double import first_question, second_question
from copilot.guard.plan import plan_checks
from copilot.guard.report import Finding
from copilot.guard.speech import unquote

RECALL = 0.95
FALSE_ALARMS = 0.05
SEEDS = 3
DEBRIEF_ONLY = {"ASK-1", "ASK-2", "ASK-4", "ASK-5"}


def _script(*lines: str) -> list[Unit]:
    return [Unit(text=t, role="manager", section="s") for t in lines]


def _fired(units: list[Unit]) -> set[str]:
    return {f.detector for f in debrief_checks(units, typed=False)[0]}


def _tasks(kind: str) -> list[Task]:
    return [t for t in load_tasks() if t.kind == kind and gold(t) is not None]


def _task(task_id: str) -> Task:
    return next(t for t in load_tasks() if t.id == task_id)


def _mine(draft: AnyDraft, task: Task) -> list[Finding]:
    units = units_of(draft, task.kind)
    if task.kind == "debrief":
        return debrief_checks(units, typed=True)[0]
    if task.kind == "questions":
        return questions_checks(units)[0]
    return plan_checks(draft, units, task_facts(task))[0]


@pytest.mark.parametrize(
    "sentence",
    [
        "What did you hear and how did you respond?",
        "Why did you discount, and would you do it again?",
        "When Tessa said it, what did you hear, and what happened next?",
        "Can you tell me what you heard and how you responded?",
        "What did you say; how did they react?",
        "What did you propose, and by when will you do it?",
    ],
)
def test_double_barrelled_questions_are_found(sentence: str) -> None:
    assert second_question(unquote(sentence)) is not None


@pytest.mark.parametrize(
    "sentence",
    [
        "What did Tessa and her ops lead ask about?",
        "What part of the call are you most pleased with, and why?",
        "What will you do differently on your next discovery call, and by when?",
        'When Tessa said "we lose a day and what now?", what did you hear?',
        "How did you and Tessa leave it?",
        "What happened between the demo and when they signed?",
        "What would happen if they waited and did nothing?",
        "How would you open it and handle the first objection?",
        # the framework's two-part questions: the second half judges or dates the first
        "What will you do differently, and when shall we look at it?",
        "What were you trying to accomplish in that conversation, and how do you think it went?",
        "What did you want from the Sieber meeting, and how did it go?",
    ],
)
def test_one_question_with_a_compound_or_a_tail_is_single(sentence: str) -> None:
    assert second_question(unquote(sentence)) is None


def test_first_question_cuts_to_the_first_thing_asked() -> None:
    assert first_question("Walk me through it: what did you say, and what did they say?") == (
        "Walk me through it: what did you say?"
    )


def test_open_share_under_the_bar_names_the_closed_questions() -> None:
    units = _script(
        "What did you hear?", "Did you ask about cost?", "Was that the plan?", "How did it go?"
    )
    findings = [f for f in debrief_checks(units, typed=False)[0] if f.detector == "ASK-4"]
    assert {f.unit for f in findings} == {"Did you ask about cost?", "Was that the plan?"}
    assert "0.50 < 0.7" in findings[0].reason


def test_questions_to_tells_under_three_fires_on_each_tell() -> None:
    units = _script("What did you hear?", "How did it go?", "You need to ask about cost.")
    assert "ASK-5" in _fired(units)
    assert "ASK-5" not in _fired([*units[:2], Unit(text="What else?", role="manager")])


def test_double_barrel_in_a_debrief_line_fires_ask6() -> None:
    assert "ASK-6" in _fired(_script("What did you hear, and would you do it again?"))


def test_plan_action_on_another_capability_fires_focus2() -> None:
    task = _task("s01-plan")
    draft = gold(task)
    assert isinstance(draft, PlanDraft)
    drift = draft.weekly_actions[1].model_copy(
        update={"text": "Agree a signing date on every proposal.", "evidence": []}
    )
    mutant = draft.model_copy(update={"weekly_actions": [*draft.weekly_actions, drift]})
    found = [f for f in _mine(mutant, task) if f.detector == "FOCUS-2"]
    assert [f.unit for f in found] == [drift.text]
    assert found[0].nearest_fact and "Marlow Plumbing Group" in found[0].nearest_fact


def test_wrong_baseline_fires_focus3_with_the_recorded_value() -> None:
    task = _task("s01-plan")
    draft = gold(task)
    assert isinstance(draft, PlanDraft)
    mutant = draft.model_copy(update={"metric": draft.metric.model_copy(update={"baseline": 0.41})})
    found = [f for f in _mine(mutant, task) if f.detector == "FOCUS-3"]
    assert found and found[0].nearest_fact and "rep 37.4%" in found[0].nearest_fact


def test_pasted_plan_restating_a_baseline_wrongly_fires_focus3() -> None:
    task = _task("s01-plan")
    text = (
        "Focus: discovery\n\n## Weekly actions\n- Week 1: Replay the Marlow Plumbing Group"
        " discovery call.\n- Week 4: Move meetings-to-demos from 41.0% to 48.1% on every"
        " discovery call."
    )
    units = units_of(text, "plan")
    found = {f.detector for f in plan_checks(text, units, task_facts(task))[0]}
    assert "FOCUS-3" in found


@pytest.mark.parametrize("kind", ["questions", "debrief", "plan"])
def test_gold_drafts_raise_no_ask_or_focus_alarm(kind: str) -> None:
    tasks = _tasks(kind)
    alarmed = [t.id for t in tasks if _mine(gold(t), t) != []]  # type: ignore[arg-type]
    assert len(alarmed) <= FALSE_ALARMS * len(tasks), alarmed


def _recall(operator: str, detector: str) -> float:
    op = next(o for o in [*asking.OPERATORS, *focusing.OPERATORS] if o.name == operator)
    hits = total = 0
    for task in load_tasks():
        draft = gold(task)
        if draft is None or (detector in DEBRIEF_ONLY and task.kind != "debrief"):
            continue
        ctx = MutationContext(task, task_facts(task), {})
        for seed in range(SEEDS):
            rng = random.Random(zlib.crc32(f"{task.id}:{operator}:{seed}".encode()))
            mutant = op.apply(draft, ctx, rng)
            if mutant is None:
                continue
            total += 1
            hits += detector in {f.detector for f in _mine(mutant, task)}
    assert total > 0
    return hits / total


@pytest.mark.parametrize(
    ("operator", "detector"),
    [(op.name, det) for op in [*asking.OPERATORS, *focusing.OPERATORS] for det in op.targets],
)
def test_recall_on_mutants(operator: str, detector: str) -> None:
    assert _recall(operator, detector) >= RECALL


def test_operators_are_deterministic() -> None:
    task = _task("s01-debrief")
    draft = gold(task)
    assert draft is not None
    ctx = MutationContext(task, task_facts(task), {})
    for op in asking.OPERATORS:
        one = op.apply(draft, ctx, random.Random(7))
        two = op.apply(draft, ctx, random.Random(7))
        assert one is not None and two is not None
        assert one.model_dump() == two.model_dump()
