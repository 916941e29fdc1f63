"""One drafting job per artifact kind: which prompt, which output schema, how to finish it.

A job binds the kind-specific parts (prompt values, assembly into the stored draft, the
grounded composer) so the pipeline in `drafting.py` is the same for every artifact.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel

from copilot import assembly, composer, composer_prep
from copilot.draft_schemas import (
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
from copilot.schemas import Diagnosis
from copilot.tables import Call


@dataclass
class Job:
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


def build_job(
    kind: DraftKind,
    inp: composer.ComposerInput,
    call: Call | None,
    month: str | None,
    question: str | None,
) -> Job:
    """The job for `kind`; raises when the artifact cannot be drafted for this rep."""
    d: Diagnosis = inp.diagnosis
    today: date = inp.today
    if kind == "questions":
        return Job(
            kind,
            QuestionsOut,
            lambda o: assembly.questions_draft(d, o),
            lambda: composer.compose_questions(inp),
            today.isoformat(),
        )
    if kind == "debrief":
        call = call or composer.anchor_call(inp, d.focus.capability if d.focus else None)
        if call is None:
            raise CopilotError(
                f"no call on record for {d.rep_id}: import calls.jsonl or pass --call"
            )
        chosen = call
        return Job(
            kind,
            DebriefOut,
            lambda o: assembly.debrief_draft(d, chosen.call_id, o, today),
            lambda: composer.compose_debrief(inp, chosen),
            chosen.call_id,
            {"call_line": _call_line(chosen)},
            chosen,
        )
    if kind == "plan":
        month = month or today.strftime("%Y-%m")
        metric = assembly.metric(d)
        reading = assembly.focus_reading(d)
        chosen_month = month
        return Job(
            kind,
            PlanOut,
            lambda o: assembly.plan_draft(d, chosen_month, o),
            lambda: composer_prep.compose_plan(
                inp, metric.baseline, reading.team_median, metric.target, chosen_month
            ),
            month,
            {
                "month": month,
                "metric": f"{metric.name} from {metric.baseline:.1%} to {metric.target:.1%}",
            },
        )
    if kind == "precall":
        return Job(
            kind,
            PrecallOut,
            lambda o: assembly.precall_draft(d, call.call_id if call else None, o),
            lambda: composer_prep.compose_precall(inp, call),
            call.call_id if call else today.isoformat(),
            {"call_line": _call_line(call) if call else "the rep's next call at this stage"},
            call,
        )
    if kind == "roleplay":
        assembly.require_focus(d, "role-play")
        return Job(
            kind,
            RoleplayOut,
            lambda o: assembly.roleplay_draft(d, o),
            lambda: composer_prep.compose_roleplay(inp),
            today.isoformat(),
        )
    asked = question or ""
    return Job(
        kind,
        AnswerOut,
        lambda o: assembly.answer_draft(d, asked, o),
        lambda: composer_prep.compose_answer(inp),
        f"{today.isoformat()}:{hash_text(asked)}",
        {"question": asked},
    )


def hash_text(text: str) -> str:
    """A short stable hash for scoping a chat question."""
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()[:12]


def focus_query(d: Diagnosis, extra: Sequence[str] = ()) -> str:
    """The retrieval query for a draft: the focus question family and any named subject."""
    base = d.focus.question_family if d.focus else "what happened on the rep's recent calls"
    return " ".join([base, *extra])
