"""Completes model (or composer) output into stored drafts with the parts the record decides.

The plan's metric baseline is the rep's recorded rate; its target closes half the gap to the
benchmark the focus was chosen against, so it is attainable from the rep's own baseline.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from copilot.diagnosis.schemas import Diagnosis, Focus, StageReading
from copilot.drafting.schemas import (
    AnswerDraft,
    AnswerOut,
    Brief,
    Checkpoint,
    DebriefDraft,
    DebriefOut,
    PlanDraft,
    PlanOut,
    PrecallDraft,
    PrecallOut,
    QuestionsDraft,
    QuestionsOut,
    RoleplayDraft,
    RoleplayOut,
    SuccessMetric,
)
from copilot.errors import CopilotError

FOLLOW_UP_DAYS = 14


class AbstainError(CopilotError):
    """The artifact needs a focus and the diagnosis abstained; says what to observe first."""


def brief(d: Diagnosis) -> Brief:
    """The manager's private brief: quadrant, focus and the arithmetic behind it."""
    return Brief(
        quadrant=d.quadrant,
        focus=d.focus.capability if d.focus else None,
        arithmetic=d.focus.arithmetic if d.focus else (d.abstain_reason or ""),
        abstain=d.abstain,
        observe_first=d.observe_first,
        evidence=d.evidence,
    )


def require_focus(d: Diagnosis, artifact: str) -> Focus:
    """The focus, or AbstainError naming what to observe before this artifact makes sense."""
    if d.focus is None:
        observe = "; ".join(d.observe_first) or "collect more evidence"
        raise AbstainError(
            f"no {artifact} for {d.rep_id}: the diagnosis abstains ({d.abstain_reason}). "
            f"Observe first: {observe}"
        )
    return d.focus


def focus_reading(d: Diagnosis) -> StageReading:
    """The funnel reading of the focus stage."""
    focus = require_focus(d, "plan")
    return next(r for r in d.funnel if r.capability == focus.capability)


def metric(d: Diagnosis) -> SuccessMetric:
    """The plan's one success metric: the focus stage's rate, baseline from the record."""
    focus = require_focus(d, "plan")
    reading = focus_reading(d)
    baseline = reading.rep_rate or 0.0
    bench = reading.team_median if focus.basis == "team_median" else reading.team_p75
    target = baseline + ((bench or baseline) - baseline) / 2
    return SuccessMetric(
        name=reading.stage,
        capability=focus.capability,
        baseline=round(baseline, 4),
        target=round(target, 4),
        evidence=d.results.evidence,
    )


def checkpoints(month: str, capability: str) -> list[Checkpoint]:
    """Weekly checkpoints on the 7th, 14th, 21st and the month's last day."""
    year, mon = (int(x) for x in month.split("-"))
    last = calendar.monthrange(year, mon)[1]
    what = (
        "observe: two calls reviewed",
        "practise: role-play done",
        f"apply: {capability} move used on live calls",
        "review: rate against the target",
    )
    return [
        Checkpoint(date=date(year, mon, day), what=w)
        for day, w in zip((7, 14, 21, last), what, strict=True)
    ]


def parked(d: Diagnosis) -> list[str]:
    """The other gaps, named and deliberately left for later months."""
    others = [
        r
        for r in d.funnel
        if r.lost_wins > 0 and (not d.focus or r.capability != d.focus.capability)
    ]
    return [
        f"{r.capability} ({r.stage}): {r.lost_wins:.1f} wins at stake, parked to keep one focus"
        for r in sorted(others, key=lambda r: -r.lost_wins)
    ]


def questions_draft(d: Diagnosis, out: QuestionsOut) -> QuestionsDraft:
    return QuestionsDraft(
        rep_id=d.rep_id,
        focus=d.focus.capability if d.focus else None,
        questions=out.questions,
        brief=brief(d),
    )


def debrief_draft(d: Diagnosis, call_id: str, out: DebriefOut, today: date) -> DebriefDraft:
    return DebriefDraft(
        rep_id=d.rep_id,
        call_id=call_id,
        focus=d.focus.capability if d.focus else None,
        segments=out.segments,
        total_minutes=sum(s.minutes for s in out.segments),
        follow_up=today + timedelta(days=FOLLOW_UP_DAYS),
    )


def plan_draft(d: Diagnosis, month: str, out: PlanOut) -> PlanDraft:
    focus = require_focus(d, "plan")
    return PlanDraft(
        rep_id=d.rep_id,
        month=month,
        focus=focus.capability,
        why=out.why,
        why_evidence=out.why_evidence,
        goal_link=out.goal_link,
        goal_evidence=out.goal_evidence,
        metric=metric(d),
        weekly_actions=out.weekly_actions,
        checkpoints=checkpoints(month, focus.capability),
        parked=parked(d),
        manager_commitments=out.manager_commitments,
    )


def precall_draft(d: Diagnosis, call_id: str | None, out: PrecallOut) -> PrecallDraft:
    return PrecallDraft(
        rep_id=d.rep_id,
        call_id=call_id,
        focus=d.focus.capability if d.focus else None,
        **out.model_dump(),
    )


def roleplay_draft(d: Diagnosis, out: RoleplayOut) -> RoleplayDraft:
    focus = require_focus(d, "role-play")
    return RoleplayDraft(rep_id=d.rep_id, focus=focus.capability, **out.model_dump())


def answer_draft(d: Diagnosis, question: str, out: AnswerOut) -> AnswerDraft:
    return AnswerDraft(rep_id=d.rep_id, question=question, **out.model_dump())
