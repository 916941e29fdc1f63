"""The framework's question bank passes the guard as written, so the composer asks its
questions verbatim and needs no guard module to repair them."""

from __future__ import annotations

from datetime import date

import pytest

from copilot.drafting.composer import ComposerInput
from copilot.drafting.composer.coaching import bank_question
from copilot.drafting.schemas import Brief, QuestionOut, QuestionsDraft
from copilot.guard import GuardReport, check
from copilot.retrieval.cards import framework
from copilot.settings import PROJECT_ROOT
from copilot.store.database import Store
from tests.support.guard_cases import cliches, demo_facts, demo_store
from tests.test_architecture import import_graph

BANK = framework(PROJECT_ROOT / "knowledge").bank
QUESTIONS = [(cap, q) for cap, questions in sorted(BANK.items()) for q in questions]
# Whole-draft checks (identifiability, must-reference coverage) judge a full draft, not the
# one-question drafts below.
WHOLE_DRAFT = {"GEN-4", "GRD-5"}


def _checked(rep_id: str, questions: list[str]) -> GuardReport:
    """The questions as the composer asks them: on one of the rep's calls, citing it."""
    facts = demo_facts(rep_id)
    store = demo_store()
    with store.sessions() as session:
        call = Store.calls(session, store.rep(session, rep_id).team, rep_id)[0]
    on_call = f"On the {call.account} call on {call.date.isoformat()}"
    draft = QuestionsDraft(
        rep_id=rep_id,
        focus=facts.focus,
        questions=[
            QuestionOut(
                stage="root_cause",
                text=f"{on_call}, {q[:1].lower()}{q[1:]}",
                evidence=[f"call:{call.call_id}"],
            )
            for q in questions
        ],
        brief=Brief(
            quadrant=facts.diagnosis.quadrant,
            focus=facts.focus,
            arithmetic="",
            abstain=False,
            observe_first=[],
            evidence=[],
        ),
    )
    return check(draft, "questions", facts, cliches())


def test_every_capability_has_a_bank() -> None:
    assert set(BANK) == {"opening", "meeting", "discovery", "value", "closing"}
    assert all(len(questions) >= 4 for questions in BANK.values())


@pytest.mark.parametrize(("capability", "question"), QUESTIONS, ids=[q for _, q in QUESTIONS])
def test_each_bank_question_passes_the_per_question_checks(capability: str, question: str) -> None:
    report = _checked("C03", [question])
    found = [f for f in report.findings if f.detector not in WHOLE_DRAFT]
    assert found == [], report.repair_brief()


@pytest.mark.parametrize("rep_id", ["C03", "E02"])
def test_the_whole_bank_passes_the_guard(rep_id: str) -> None:
    report = _checked(rep_id, [q for _, q in QUESTIONS])
    assert report.passed, report.repair_brief()


def test_the_composer_asks_the_first_bank_question_as_written() -> None:
    facts = demo_facts("C03")
    inp = ComposerInput(
        diagnosis=facts.diagnosis,
        rep_name=facts.rep.name,
        goal=None,
        calls=[],
        bank=BANK,
        today=date(2026, 11, 20),
        start_date=date(2024, 1, 8),
    )
    for capability, questions in BANK.items():
        assert bank_question(inp, capability) == questions[0]


def test_the_composer_imports_no_guard_module() -> None:
    graph = import_graph()
    composer = [m for m in graph if m.startswith("copilot.drafting.composer")]
    assert composer
    for module in composer:
        assert not {m for m in graph[module] if m.startswith("copilot.guard")}, module
