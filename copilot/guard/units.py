"""Splits a draft into the units the detectors judge: questions, script lines, plan bullets.

Typed drafts split along their schema, skipping fields the code fills in from the record
(the brief, the metric, checkpoints, what is parked); pasted text goes through `prose`.
The guard judges at most MAX_UNITS of them (`judged_units`).
"""

from __future__ import annotations

import re

from copilot.drafting.schemas import (
    AnswerDraft,
    AnyDraft,
    DebriefDraft,
    DraftKind,
    PlanDraft,
    PrecallDraft,
    QuestionsDraft,
    RoleplayDraft,
)
from copilot.guard.prose import split_text
from copilot.guard.unit import Unit

MAX_UNITS = 400


# The manager taking a part to rehearse a moment ("Let's run it: I'm Frank, and the board wants
# 5% off. Go."): from there on the line is a scene, not a claim or an instruction to the rep.
_ROLE_FRAME = re.compile(
    r"(?:^|(?<=[.:;!?)—–-])\s*|\s(?=I))(?=(?:I'm|I’m|I am|I'll be|I’ll be|I will be|I'll play"
    r"|I’ll play|I play|Pretend I'm|Pretend I’m|Imagine I'm|Imagine I’m)\s+(?:[A-Z]"
    r"|(?:the|your|a|an)\s+(?:\w+\s+)?(?:buyer|prospect|customer|client|procurement|manager"
    r"|director|lead|owner|cfo|ceo|gatekeeper)))"
)


def split_role_frames(units: list[Unit]) -> list[Unit]:
    """Each spoken line that opens a role-play split where the manager takes the part: the
    scene and what follows it in that line are played in character."""
    out: list[Unit] = []
    for unit in units:
        m = None if unit.in_character or unit.role == "rep" else _ROLE_FRAME.search(unit.text)
        if m is None:
            out.append(unit)
            continue
        before, scene = unit.text[: m.start()].strip(), unit.text[m.start() :].strip()
        if re.search(r"\w", re.sub(r"\([^)]*\)", "", before)):
            out.append(unit.model_copy(update={"text": before}))
        out.append(unit.model_copy(update={"text": scene, "in_character": True}))
    return out


def units_of(draft: AnyDraft | str, kind: DraftKind) -> list[Unit]:
    """The draft's units in reading order; plain text is split by lines, bullets and roles."""
    return split_role_frames(_units_of(draft, kind))


def _units_of(draft: AnyDraft | str, kind: DraftKind) -> list[Unit]:
    if isinstance(draft, str):
        return split_text(draft, kind)
    if isinstance(draft, QuestionsDraft):
        return [
            Unit(text=q.text, role="manager", evidence=list(q.evidence), section=q.stage)
            for q in draft.questions
        ]
    if isinstance(draft, DebriefDraft):
        return _debrief(draft)
    if isinstance(draft, PlanDraft):
        return _plan(draft)
    if isinstance(draft, PrecallDraft):
        return _precall(draft)
    if isinstance(draft, RoleplayDraft):
        return _roleplay(draft)
    return _answer(draft)


def _debrief(draft: DebriefDraft) -> list[Unit]:
    return [
        Unit(
            text=line.text,
            role=line.speaker,
            declared_kind=line.kind,
            evidence=list(line.evidence),
            section=segment.name,
            in_character=segment.name == "roleplay" and line.kind == "roleplay",
        )
        for segment in draft.segments
        for line in segment.lines
    ]


def _plan(draft: PlanDraft) -> list[Unit]:
    units = [
        Unit(text=draft.why, evidence=list(draft.why_evidence), section="why"),
        Unit(text=draft.goal_link, evidence=list(draft.goal_evidence), section="goal_link"),
    ]
    units += [
        Unit(text=a.text, evidence=list(a.evidence), section="weekly_actions", week=a.week)
        for a in draft.weekly_actions
    ]
    units += [
        Unit(text=c, role="manager", section="manager_commitments")
        for c in draft.manager_commitments
    ]
    return units


def _precall(draft: PrecallDraft) -> list[Unit]:
    units = [Unit(text=draft.objective, evidence=list(draft.evidence), section="objective")]
    units += [Unit(text=q, role="rep", section="questions") for q in draft.questions]
    units += [Unit(text=i, section="information_to_get") for i in draft.information_to_get]
    for risk in draft.risks:
        units += [
            Unit(text=risk.risk, section="risks"),
            Unit(text=risk.response, section="responses"),
        ]
    return units


def _roleplay(draft: RoleplayDraft) -> list[Unit]:
    units = [
        Unit(text=draft.moment, evidence=list(draft.evidence), section="moment"),
        # the persona describes the real buyer (a claim); the buyer's lines are the scene
        Unit(text=draft.buyer_persona, section="buyer_persona"),
    ]
    units += [Unit(text=b, section="buyer_lines", in_character=True) for b in draft.buyer_lines]
    units += [Unit(text=g, section="good_looks_like") for g in draft.good_looks_like]
    units += [
        Unit(text=q, role="manager", section="debrief_questions") for q in draft.debrief_questions
    ]
    return units


def _answer(draft: AnswerDraft) -> list[Unit]:
    units = split_text(draft.answer, "answer")
    if units:
        units[0] = units[0].model_copy(update={"evidence": [*units[0].evidence, *draft.evidence]})
    return units


def judged_units(draft: AnyDraft | str, kind: DraftKind) -> list[Unit]:
    """The units the guard judges: the draft's first MAX_UNITS units."""
    return units_of(draft, kind)[:MAX_UNITS]
