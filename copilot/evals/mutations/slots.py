"""The prose slots of a typed draft (the units the guard reads), read and written back.

A slot is one question, one script line, or one plan field/bullet; `with_texts` returns a copy
of the draft (`model_copy(update=...)`) with each slot's text, and optionally its evidence.
"""

from __future__ import annotations

from dataclasses import dataclass

from copilot.drafting.schemas import AnyDraft, DebriefDraft, PlanDraft, QuestionsDraft


@dataclass(frozen=True)
class Slot:
    """One prose slot: its text, cited ids, and who says it (debrief lines)."""

    text: str
    evidence: tuple[str, ...]
    speaker: str = "manager"
    kind: str = ""


def slots(draft: AnyDraft) -> list[Slot]:
    """The draft's prose slots in reading order (empty for kinds the suite does not mutate)."""
    if isinstance(draft, QuestionsDraft):
        return [Slot(q.text, tuple(q.evidence)) for q in draft.questions]
    if isinstance(draft, DebriefDraft):
        return [
            Slot(line.text, tuple(line.evidence), line.speaker, line.kind)
            for seg in draft.segments
            for line in seg.lines
        ]
    if isinstance(draft, PlanDraft):
        out = [
            Slot(draft.why, tuple(draft.why_evidence), kind="why"),
            Slot(draft.goal_link, tuple(draft.goal_evidence), kind="goal_link"),
        ]
        out += [Slot(a.text, tuple(a.evidence), kind="action") for a in draft.weekly_actions]
        return out + [Slot(c, (), kind="commitment") for c in draft.manager_commitments]
    return []


def with_texts(
    draft: AnyDraft, texts: list[str], evidence: list[list[str]] | None = None
) -> AnyDraft:
    """A copy of the draft with every slot's text (and evidence, when given) replaced."""
    old = slots(draft)
    ev = evidence if evidence is not None else [list(s.evidence) for s in old]
    if isinstance(draft, QuestionsDraft):
        qs = [
            q.model_copy(update={"text": t, "evidence": e})
            for q, t, e in zip(draft.questions, texts, ev, strict=True)
        ]
        return draft.model_copy(update={"questions": qs})
    if isinstance(draft, DebriefDraft):
        it = iter(zip(texts, ev, strict=True))
        segments = []
        for seg in draft.segments:
            lines = []
            for line in seg.lines:
                t, e = next(it)
                lines.append(line.model_copy(update={"text": t, "evidence": e}))
            segments.append(seg.model_copy(update={"lines": lines}))
        return draft.model_copy(update={"segments": segments})
    if isinstance(draft, PlanDraft):
        n = len(draft.weekly_actions)
        actions = [
            a.model_copy(update={"text": t, "evidence": e})
            for a, t, e in zip(draft.weekly_actions, texts[2 : 2 + n], ev[2 : 2 + n], strict=True)
        ]
        update = {
            "why": texts[0],
            "why_evidence": ev[0],
            "goal_link": texts[1],
            "goal_evidence": ev[1],
            "weekly_actions": actions,
            "manager_commitments": texts[2 + n :],
        }
        return draft.model_copy(update=update)
    return draft


def manager_slots(draft: AnyDraft) -> list[int]:
    """Indexes of the slots a manager says or the plan states (not the rep, not role-play)."""
    return [
        i for i, s in enumerate(slots(draft)) if s.speaker == "manager" and s.kind != "roleplay"
    ]
