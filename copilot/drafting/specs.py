"""One draft spec per artifact kind: which prompt, which output schema, how to finish it.

A spec binds the kind-specific parts (prompt values, assembly into the stored draft, the
grounded composer) so the pipeline in `pipeline.py` is the same for every artifact. (Not to be
confused with a batch job, `copilot.batch`, which drafts many reps' plans.)
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from copilot.diagnosis.schemas import Diagnosis
from copilot.drafting import assembly
from copilot.drafting.composer import coaching as composer
from copilot.drafting.composer import preparation as composer_prep
from copilot.drafting.schemas import (
    AnswerOut,
    AnyDraft,
    DebriefOut,
    DraftKind,
    PlanOut,
    PrecallOut,
    QuestionsOut,
    RoleplayOut,
)
from copilot.errors import CopilotError
from copilot.store.tables import Call


@dataclass
class DraftSpec:
    """Everything kind-specific about one draft."""

    kind: DraftKind
    schema: type[BaseModel]
    assemble: Callable[[Any], AnyDraft]
    compose: Callable[[], BaseModel]
    scope: str
    values: dict[str, str] = field(default_factory=dict)
    call: Call | None = None


def _call_line(call: Call) -> str:
    when = call.date.isoformat()
    return f"[call:{call.call_id}] {call.account}, {call.stage}, {when} ({call.source})"


@dataclass(frozen=True)
class SpecInput:
    """What a spec builder gets: the composer's inputs and the request's optional parts."""

    inp: composer.ComposerInput
    call: Call | None
    month: str | None
    question: str | None


def _questions(j: SpecInput) -> DraftSpec:
    d = j.inp.diagnosis
    return DraftSpec(
        "questions",
        QuestionsOut,
        lambda o: assembly.questions_draft(d, o),
        lambda: composer.compose_questions(j.inp),
        j.inp.today.isoformat(),
    )


def _debrief(j: SpecInput) -> DraftSpec:
    d = j.inp.diagnosis
    call = j.call or composer.anchor_call(j.inp, d.focus.capability if d.focus else None)
    if call is None:
        raise CopilotError(f"no call on record for {d.rep_id}: import calls.jsonl or pass --call")
    return DraftSpec(
        "debrief",
        DebriefOut,
        lambda o: assembly.debrief_draft(d, call.call_id, o, j.inp.today),
        lambda: composer.compose_debrief(j.inp, call),
        call.call_id,
        {"call_line": _call_line(call)},
        call,
    )


def _plan(j: SpecInput) -> DraftSpec:
    d = j.inp.diagnosis
    month = j.month or j.inp.today.strftime("%Y-%m")
    metric = assembly.metric(d)
    bench = composer.versus(d, assembly.focus_reading(d))
    values = {
        "month": month,
        "metric": f"{metric.name} from {metric.baseline:.1%} to {metric.target:.1%}",
    }
    return DraftSpec(
        "plan",
        PlanOut,
        lambda o: assembly.plan_draft(d, month, o),
        lambda: composer_prep.compose_plan(j.inp, metric.baseline, bench, metric.target, month),
        month,
        values,
    )


def _precall(j: SpecInput) -> DraftSpec:
    d, call = j.inp.diagnosis, j.call
    line = _call_line(call) if call else "the rep's next call at this stage"
    return DraftSpec(
        "precall",
        PrecallOut,
        lambda o: assembly.precall_draft(d, call.call_id if call else None, o),
        lambda: composer_prep.compose_precall(j.inp, call),
        call.call_id if call else j.inp.today.isoformat(),
        {"call_line": line},
        call,
    )


def _roleplay(j: SpecInput) -> DraftSpec:
    d = j.inp.diagnosis
    assembly.require_focus(d, "role-play")
    return DraftSpec(
        "roleplay",
        RoleplayOut,
        lambda o: assembly.roleplay_draft(d, o),
        lambda: composer_prep.compose_roleplay(j.inp),
        j.inp.today.isoformat(),
    )


def _answer(j: SpecInput) -> DraftSpec:
    d, asked = j.inp.diagnosis, j.question or ""
    scope = f"{j.inp.today.isoformat()}:{hashlib.sha256(asked.encode()).hexdigest()[:12]}"
    return DraftSpec(
        "answer",
        AnswerOut,
        lambda o: assembly.answer_draft(d, asked, o),
        lambda: composer_prep.compose_answer(j.inp),
        scope,
        {"question": asked},
    )


BUILDERS: dict[DraftKind, Callable[[SpecInput], DraftSpec]] = {
    "questions": _questions,
    "debrief": _debrief,
    "plan": _plan,
    "precall": _precall,
    "roleplay": _roleplay,
    "answer": _answer,
}


def build_spec(
    kind: DraftKind,
    inp: composer.ComposerInput,
    call: Call | None,
    month: str | None,
    question: str | None,
) -> DraftSpec:
    """The spec for `kind`; raises when the artifact cannot be drafted for this rep."""
    return BUILDERS[kind](SpecInput(inp, call, month, question))


def focus_query(d: Diagnosis, extra: Sequence[str] = ()) -> str:
    """The retrieval query for a draft: the focus question family and any named subject."""
    base = d.focus.question_family if d.focus else "what happened on the rep's recent calls"
    return " ".join([base, *extra])
