"""Mutation operators that break single focus: extra focus areas with their own actions
(FOCUS-0..2) and a success metric the record does not support (FOCUS-3).
"""

from __future__ import annotations

import random
import re

from copilot.diagnosis.schemas import Capability
from copilot.drafting.schemas import ActionOut, AnyDraft, PlanDraft
from copilot.evals.mutation_api import MutationContext, Operator

CAPABILITIES: tuple[Capability, ...] = ("opening", "meeting", "discovery", "value", "closing")
MAX_ACTIONS = 8
_DECLARE = (
    "This month we will also work on {c2} and {c3}.",
    "A second focus this month is {c2}, and a third is {c3}.",
    "Additionally, focus on {c2}; a secondary priority is {c3}.",
    "Alongside this, we will also improve on {c2} and on {c3}.",
)
_ACTIONS: dict[Capability, tuple[str, ...]] = {
    "opening": (
        "Rewrite the opener for the first 30 seconds and run two extra call blocks.",
        "Track dials and the connect rate for every call block this week.",
        "Practise a permission opener on voicemails and gatekeepers.",
    ),
    "meeting": (
        "Ask for a meeting with a reason to meet on every conversation and log meetings booked.",
        "Use a case study to book the first meeting with every new prospect.",
        "Practise the meeting ask and send the calendar invite before hanging up.",
    ),
    "discovery": (
        "Prepare three layered follow-up questions for every discovery call.",
        "Ask one cost of inaction question on each discovery call and log the pain points.",
        "Keep questions deep: no screen share until the buyer names a priority.",
    ),
    "value": (
        "Tailor the demo script to each buyer and build a business case slide.",
        "Rebuild the ROI slides for every presentation this week.",
        "Run the demo walkthrough with a tailored value story per buyer.",
    ),
    "closing": (
        "Agree a signing date and a mutual action plan on every proposal.",
        "Review the forecast and stop offering a discount before the economic buyer is involved.",
        "Practise negotiation with the decision maker and hold price on every proposal.",
    ),
}
_MISSING = (
    "NPS",
    "call quality score",
    "pipeline coverage",
    "talk-to-listen ratio",
    "average deal size",
    "activity score",
)
_STATED = re.compile(r"(\d{1,3}\.\d)%(?=[^.%]{0,40}\bbaseline\b)")


def add_focus_areas(draft: AnyDraft, ctx: MutationContext, rng: random.Random) -> AnyDraft | None:
    """A second and third focus, declared in the prose, each with actions of its own."""
    if not isinstance(draft, PlanDraft):
        return None
    c2, c3 = rng.sample([c for c in CAPABILITIES if c != draft.focus], 2)
    declaration = rng.choice(_DECLARE).format(c2=c2, c3=c3)
    where = rng.choice(("why", "goal_link"))
    update: dict[str, object] = {where: f"{getattr(draft, where)} {declaration}"}
    room = MAX_ACTIONS - len(draft.weekly_actions)
    extra = [c2, c3, rng.choice((c2, c3))][: max(2, min(3, room))]
    added = [
        ActionOut(
            week=rng.choice((2, 3, 4)),
            type=rng.choice(("practise", "apply")),
            text=rng.choice(_ACTIONS[cap]),
            evidence=[],
        )
        for cap in extra
    ]
    actions = [*draft.weekly_actions, *added]
    update["weekly_actions"] = sorted(actions, key=lambda a: a.week)[:MAX_ACTIONS]
    return draft.model_copy(update=update)


def perturb_metric(draft: AnyDraft, ctx: MutationContext, rng: random.Random) -> AnyDraft | None:
    """The success metric drifts from the record: a wrong baseline, a metric the record lacks,
    another stage's metric, or an unrealistic target."""
    if not isinstance(draft, PlanDraft):
        return None
    m = draft.metric
    variant = rng.choice(("baseline", "baseline_prose", "missing", "other_stage", "target"))
    shift = rng.choice((-1, 1)) * rng.uniform(0.02, 0.12)
    if variant in {"baseline", "baseline_prose"}:
        baseline = round(min(0.95, max(0.01, m.baseline + shift)), 4)
        metric = m.model_copy(
            update={"baseline": baseline, "target": max(m.target, baseline + 0.02)}
        )
        new = draft.model_copy(update={"metric": metric})
        return _restate(new, baseline) if variant == "baseline_prose" else new
    if variant == "missing":
        return draft.model_copy(
            update={"metric": m.model_copy(update={"name": rng.choice(_MISSING)})}
        )
    if variant == "other_stage":
        others = [r for r in ctx.facts.diagnosis.funnel if r.stage != m.name and r.rep_rate]
        if others:
            r = rng.choice(others)
            rate = round(r.rep_rate or 0.0, 4)
            update = {"name": r.stage, "baseline": rate, "target": round(rate + 0.05, 4)}
            return draft.model_copy(update={"metric": m.model_copy(update=update)})
    target = round(rng.choice((m.baseline - 0.03, m.baseline * 2 + 0.1, 0.9)), 4)
    return draft.model_copy(update={"metric": m.model_copy(update={"target": target})})


def _restate(draft: PlanDraft, baseline: float) -> PlanDraft:
    """The prose's stated baseline rewritten to the perturbed value."""
    written = f"{100 * baseline:.1f}%"
    actions = [
        a.model_copy(update={"text": _STATED.sub(written, a.text)}) for a in draft.weekly_actions
    ]
    return draft.model_copy(update={"weekly_actions": actions})


OPERATORS: list[Operator] = [
    Operator(
        "add_focus_areas",
        ("FOCUS-0", "FOCUS-1", "FOCUS-2"),
        add_focus_areas,
        "a second and third focus declared in the prose, with actions on those capabilities",
    ),
    Operator(
        "perturb_metric",
        ("FOCUS-3",),
        perturb_metric,
        "a baseline that is not the recorded rate, a metric the record lacks, another stage's"
        " metric, or an unrealistic target",
    ),
]
