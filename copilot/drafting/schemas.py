"""Typed drafts: what the model is asked to write (`*Out`) and the stored artifacts.

The model writes prose with evidence ids; everything the record can decide (the brief, the
metric's baseline and target, checkpoint dates, what is parked) is filled in by code.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
)

from copilot.diagnosis.schemas import Capability, Quadrant

DraftKind = Literal["questions", "debrief", "plan", "precall", "roleplay", "answer"]
QuestionStage = Literal["goal", "what_works", "gap", "root_cause", "commitments"]
SegmentName = Literal[
    "goal",
    "self_assessment",
    "what_worked",
    "focus_moment",
    "suggestion",
    "roleplay",
    "commitment",
    "follow_up",
]
LineKind = Literal[
    "open_question",
    "closed_question",
    "permission_question",
    "suggestion",
    "statement",
    "roleplay",
    "commitment",
]
ActionType = Literal["observe", "practise", "apply", "review"]
Ids = Annotated[list[str], Field(max_length=6)]
ANSWER_CHARS = 4000
# Enumerated, not ranged: llama.cpp's JSON-schema grammar enforces enums but not min/max.
Week = Literal[1, 2, 3, 4]
Minutes = Literal[1, 2, 3, 4, 5]
Line = Annotated[str, Field(min_length=3, max_length=400)]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- what the model writes -----------------------------------------------------------


class QuestionOut(_Out):
    stage: QuestionStage
    text: Line
    evidence: Ids


class QuestionsOut(_Out):
    questions: Annotated[list[QuestionOut], Field(min_length=4, max_length=7)]


class LineOut(_Out):
    speaker: Literal["manager", "rep"]
    kind: LineKind
    text: Line
    evidence: Ids


class SegmentOut(_Out):
    name: SegmentName
    minutes: Minutes
    lines: Annotated[list[LineOut], Field(min_length=1, max_length=4)]


class DebriefOut(_Out):
    segments: Annotated[list[SegmentOut], Field(min_length=5, max_length=8)]


class ActionOut(_Out):
    week: Week
    type: ActionType
    text: Line
    evidence: Ids


class PlanOut(_Out):
    why: Line
    why_evidence: Ids
    goal_link: Line
    goal_evidence: Ids
    weekly_actions: Annotated[list[ActionOut], Field(min_length=4, max_length=8)]
    manager_commitments: Annotated[list[Line], Field(min_length=1, max_length=3)]


class RiskOut(_Out):
    risk: Line
    response: Line


class PrecallOut(_Out):
    objective: Line
    questions: Annotated[list[Line], Field(min_length=3, max_length=5)]
    information_to_get: Annotated[list[Line], Field(min_length=2, max_length=4)]
    risks: Annotated[list[RiskOut], Field(min_length=1, max_length=3)]
    evidence: Ids


class RoleplayOut(_Out):
    moment: Line
    buyer_persona: Line
    buyer_lines: Annotated[list[Line], Field(min_length=2, max_length=4)]
    good_looks_like: Annotated[list[Line], Field(min_length=2, max_length=4)]
    debrief_questions: Annotated[list[Line], Field(min_length=2, max_length=3)]
    evidence: Ids


class AnswerOut(_Out):
    answer: Annotated[str, Field(min_length=3, max_length=ANSWER_CHARS)]
    evidence: Ids


# --- stored artifacts ----------------------------------------------------------------


# Bounds on the brief, which the diagnosis fills but an edit may send back (generous: the
# diagnosis's own brief is a few hundred characters).
BriefText = Annotated[str, Field(max_length=4000)]
BriefItem = Annotated[str, Field(max_length=1000)]


class Brief(BaseModel):
    """The manager's private brief, straight from the diagnosis."""

    quadrant: Quadrant
    focus: Capability | None
    arithmetic: BriefText
    abstain: bool
    observe_first: list[BriefItem] = Field(max_length=20)
    evidence: list[BriefItem] = Field(max_length=100)


class QuestionsDraft(BaseModel):
    kind: Literal["questions"] = "questions"
    rep_id: str
    focus: Capability | None
    questions: list[QuestionOut]
    brief: Brief


class DebriefDraft(BaseModel):
    kind: Literal["debrief"] = "debrief"
    rep_id: str
    call_id: str
    focus: Capability | None
    segments: list[SegmentOut]
    total_minutes: int
    follow_up: date
    # Which call and why, for the manager; optional so drafts stored before it still load.
    call_choice: str | None = None


class SuccessMetric(BaseModel):
    name: str
    capability: Capability
    baseline: float
    target: float
    unit: Literal["rate"] = "rate"
    evidence: list[str]


class Checkpoint(BaseModel):
    date: date
    what: str


class PlanDraft(BaseModel):
    kind: Literal["plan"] = "plan"
    rep_id: str
    month: str
    focus: Capability
    why: str
    why_evidence: list[str]
    goal_link: str
    goal_evidence: list[str]
    metric: SuccessMetric
    weekly_actions: list[ActionOut]
    checkpoints: list[Checkpoint]
    parked: list[str]
    manager_commitments: list[str]


class PrecallDraft(PrecallOut):
    kind: Literal["precall"] = "precall"
    rep_id: str
    call_id: str | None
    focus: Capability | None


class RoleplayDraft(RoleplayOut):
    kind: Literal["roleplay"] = "roleplay"
    rep_id: str
    focus: Capability


class AnswerDraft(AnswerOut):
    kind: Literal["answer"] = "answer"
    rep_id: str
    question: str


AnyDraft = Annotated[
    QuestionsDraft | DebriefDraft | PlanDraft | PrecallDraft | RoleplayDraft | AnswerDraft,
    Field(discriminator="kind"),
]


class Attempt(BaseModel):
    """How one model round of a draft ended: an error, or the guard's verdict on its output."""

    model_config = ConfigDict(extra="forbid")

    round: int
    passed: bool | None = None
    error: str | None = None
    detail: str | None = None
    findings: int | None = None
    tokens_in: int | None = None
    tokens_out: int | None = None
    seconds: float | None = None
    streamed: bool | None = None

    @model_serializer(mode="wrap")
    def _without_unset(self, handler: SerializerFunctionWrapHandler) -> dict[str, object]:
        # An attempt says what happened in its round only: unset fields are left out.
        return {k: v for k, v in handler(self).items() if v is not None}

    def stored(self) -> dict[str, object]:
        """The attempt as stored with the draft."""
        return self.model_dump()
