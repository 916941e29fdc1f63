"""One draft spec per artifact kind: which prompt, which output schema, how to finish it.

A spec binds the kind-specific parts (prompt values, assembly into the stored draft, the
grounded composer) so the pipeline in `pipeline.py` is the same for every artifact. (Not to be
confused with a batch job, `copilot.batch`, which drafts many reps' plans.)
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel

from copilot.diagnosis.schemas import Capability, Diagnosis
from copilot.diagnosis.stages import capabilities_of
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
class CallChoice:
    """The call a debrief is about, and why it was chosen, in a line the manager sees."""

    call: Call
    reason: str


def _latest(calls: Sequence[Call]) -> Call:
    return max(calls, key=lambda c: c.date)


def debrief_call(calls: Sequence[Call], capability: Capability | None) -> CallChoice | None:
    """The call that best shows the focus, else the latest call.

    Best: a call at a stage that shows the focus capability (`copilot.diagnosis.stages`), the
    most direct stage first (a discovery call shows discovery more directly than a demo, which
    also shows value), then a call the manager observed or recorded over the rep's own
    account, then the newest.
    """
    if not calls:
        return None
    latest = _latest(calls)
    if capability is None:
        return CallChoice(latest, "the latest call; the diagnosis has no focus yet")
    showing = [c for c in calls if capability in capabilities_of(c.stage)]
    if not showing:
        return CallChoice(
            latest, f"the latest call; no call on record is at a stage that shows {capability}"
        )
    best = min(
        showing,
        key=lambda c: (len(capabilities_of(c.stage)), c.source == "self", -c.date.toordinal()),
    )
    heard = "self-reported" if best.source == "self" else best.source
    reason = f"the newest {heard} {best.stage} call, the stage that best shows the focus, "
    reason += capability
    if latest.date > best.date:
        reason += f"; the latest call, {latest.call_id} ({latest.stage}, {latest.date}), "
        if capability not in capabilities_of(latest.stage):
            reason += "does not show it"
        elif len(capabilities_of(latest.stage)) > len(capabilities_of(best.stage)):
            reason += "shows it less directly"
        else:
            reason += "is the rep's own account"
    return CallChoice(best, reason)


def choice_line(choice: CallChoice) -> str:
    """Which call a debrief is about and why, for the manager and the prompt."""
    c = choice.call
    return f"Debriefing {c.call_id} ({c.account}, {c.stage}, {c.date}): {choice.reason}."


def follow_up(today: date) -> date:
    """The debrief's follow-up date, as the stored draft sets it."""
    return today + timedelta(days=assembly.FOLLOW_UP_DAYS)


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
    d, today = j.inp.diagnosis, j.inp.today
    if j.call is not None:
        choice: CallChoice | None = CallChoice(j.call, "named by the manager")
    else:
        choice = debrief_call(j.inp.calls, d.focus.capability if d.focus else None)
    if choice is None:
        raise CopilotError(f"no call on record for {d.rep_id}: import calls.jsonl or pass --call")
    call, line = choice.call, choice_line(choice)

    def assemble(out: DebriefOut) -> AnyDraft:
        draft = assembly.debrief_draft(d, call.call_id, out, today)
        return draft.model_copy(update={"call_choice": line})

    return DraftSpec(
        "debrief",
        DebriefOut,
        assemble,
        lambda: composer.compose_debrief(j.inp, call),
        call.call_id,
        {
            "call_line": _call_line(call),
            "call_choice": line,
            "follow_up": follow_up(today).isoformat(),
        },
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
