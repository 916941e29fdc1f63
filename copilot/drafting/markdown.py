"""Renders typed drafts as Markdown a manager can read, print or paste."""

from __future__ import annotations

from copilot.drafting.schemas import (
    AnswerDraft,
    AnyDraft,
    DebriefDraft,
    PlanDraft,
    PrecallDraft,
    QuestionsDraft,
    RoleplayDraft,
)


def _ids(ids: list[str]) -> str:
    return f" _[{', '.join(ids)}]_" if ids else ""


def _questions(d: QuestionsDraft) -> list[str]:
    out = [f"# Diagnostic questions for {d.rep_id}", ""]
    out += [f"{i}. {q.text}{_ids(q.evidence)}" for i, q in enumerate(d.questions, start=1)]
    b = d.brief
    out += ["", "## Manager's brief (private)", f"- Quadrant: {b.quadrant}"]
    out.append(f"- Focus: {b.focus or 'none yet (abstain)'}")
    out.append(f"- Why: {b.arithmetic}")
    out += [f"- Observe first: {o}" for o in b.observe_first]
    return out


def _debrief(d: DebriefDraft) -> list[str]:
    out = [f"# Debrief script: {d.rep_id}, call {d.call_id} ({d.total_minutes} min)", ""]
    if d.call_choice:
        out += [f"_{d.call_choice}_", ""]
    for s in d.segments:
        out.append(f"## {s.name.replace('_', ' ').capitalize()} ({s.minutes} min)")
        out += [
            f"- **{line.speaker}** ({line.kind.replace('_', ' ')}): "
            f"{line.text}{_ids(line.evidence)}"
            for line in s.lines
        ]
    out += ["", f"Follow-up: {d.follow_up.isoformat()}"]
    return out


def _plan(d: PlanDraft) -> list[str]:
    m = d.metric
    out = [f"# Development plan: {d.rep_id}, {d.month}", "", f"**Focus: {d.focus}**", ""]
    out += [
        f"**Why.** {d.why}{_ids(d.why_evidence)}",
        "",
        f"**For you.** {d.goal_link}{_ids(d.goal_evidence)}",
        "",
    ]
    out.append(
        f"**Success metric.** {m.name}: baseline {m.baseline:.1%}, "
        f"target {m.target:.1%}{_ids(m.evidence)}"
    )
    out += ["", "## Weekly actions"]
    out += [f"- Week {a.week} ({a.type}): {a.text}{_ids(a.evidence)}" for a in d.weekly_actions]
    out += ["", "## Checkpoints"] + [f"- {c.date.isoformat()}: {c.what}" for c in d.checkpoints]
    out += ["", "## Parked this month"] + ([f"- {p}" for p in d.parked] or ["- nothing else"])
    out += ["", "## Manager commits to"] + [f"- {c}" for c in d.manager_commitments]
    return out


def _precall(d: PrecallDraft) -> list[str]:
    out = [
        f"# Pre-call plan: {d.rep_id}",
        "",
        f"**Objective.** {d.objective}{_ids(d.evidence)}",
        "",
        "## Ask",
    ]
    out += (
        [f"- {q}" for q in d.questions]
        + ["", "## Find out"]
        + [f"- {i}" for i in d.information_to_get]
    )
    out += ["", "## If it goes wrong"] + [f"- {r.risk} -> {r.response}" for r in d.risks]
    return out


def _roleplay(d: RoleplayDraft) -> list[str]:
    out = [
        f"# Role-play: {d.rep_id} ({d.focus})",
        "",
        f"**The moment.** {d.moment}{_ids(d.evidence)}",
        "",
    ]
    out += [f"**Buyer.** {d.buyer_persona}", "", "## Buyer lines"] + [
        f"- {b}" for b in d.buyer_lines
    ]
    out += ["", "## Good looks like"] + [f"- {g}" for g in d.good_looks_like]
    return [*out, "", "## Debrief"] + [f"- {q}" for q in d.debrief_questions]


def _answer(d: AnswerDraft) -> list[str]:
    return [f"**Q:** {d.question}", "", d.answer + _ids(d.evidence)]


def to_markdown(draft: AnyDraft) -> str:
    """The draft as Markdown, evidence ids in italics after each claim."""
    render = {
        "questions": _questions,
        "debrief": _debrief,
        "plan": _plan,
        "precall": _precall,
        "roleplay": _roleplay,
        "answer": _answer,
    }[draft.kind]
    return "\n".join(render(draft))  # type: ignore[operator]
