"""The diagnosis vocabulary (capabilities, quadrants) and its output: both axes, the
funnel, the single focus and the commitments."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from copilot.records.schemas import CommitmentStatus

Capability = Literal["opening", "meeting", "discovery", "value", "closing"]
Quadrant = Literal["striver", "achiever", "independent", "detractor", "unknown"]


class AxisEvidence(BaseModel):
    """One piece of evidence for or against an axis's placement, with the ids it rests on.

    `points_to` names the level the evidence argues for: `high`/`low` on desire,
    `strong`/`under` on results.
    """

    signal: str
    value: str
    points_to: str
    evidence: list[str]


# `for` is a Python keyword: the field is `for_` in code and `for` in JSON (CLI and API).
_FOR_AGAINST = ConfigDict(validate_by_name=True, validate_by_alias=True, serialize_by_alias=True)


class ResultsAxis(BaseModel):
    """Attainment over the window; `for`/`against` weigh each period against the level."""

    model_config = _FOR_AGAINST

    level: Literal["strong", "under", "unknown"]
    attainment: float | None
    periods: list[str]
    rule: str
    evidence: list[str]
    for_: list[AxisEvidence] = Field(default_factory=list, alias="for")
    against: list[AxisEvidence] = Field(default_factory=list)


class DesireSignal(BaseModel):
    signal: str
    value: str
    points: float
    evidence: list[str]


RatingReading = Literal["high", "low", "neutral", "none"]


class DesireAxis(BaseModel):
    """Desire to change: the manager's rating read first, the record corroborating or not.

    `score` is the sum of the signals' points (the rating's included); `record_score` leaves
    the rating out. `reason` says how the level was reached. `for` lists the evidence that
    points to the level, `against` what points the other way; for an `unknown` level, `for`
    holds what points high and `against` what points low.
    """

    model_config = _FOR_AGAINST

    level: Literal["high", "low", "unknown"]
    score: float
    rule: str
    signals: list[DesireSignal]
    to_collect: list[str]
    rating_reading: RatingReading = "none"
    record_score: float = 0.0
    conflict: bool = False
    reason: str = ""
    for_: list[AxisEvidence] = Field(default_factory=list, alias="for")
    against: list[AxisEvidence] = Field(default_factory=list)


class StageReading(BaseModel):
    stage: str
    capability: Capability
    rep_in: int
    rep_out: int
    rep_rate: float | None
    team_median: float | None
    team_p75: float | None
    lost_outputs: float
    lost_wins: float
    lost_revenue: float
    arithmetic: str


class Focus(BaseModel):
    capability: Capability
    stage: str
    basis: Literal["team_median", "stretch_p75"]
    lost_wins: float
    lost_revenue: float
    arithmetic: str
    question_family: str
    evidence: list[str]


class CommitmentView(BaseModel):
    commitment_id: str
    session_id: str
    text: str
    due: date
    status: CommitmentStatus
    overdue: bool
    days_overdue: int


class MeasureReading(BaseModel):
    """One transcript measure as evidence for the capability it bears on."""

    capability: Capability
    signal: str
    value: str
    evidence: list[str]


class CallMeasures(BaseModel):
    """What a speaker-attributed transcript shows (see `diagnosis/conversation.py`); times in
    seconds from the call's start, None when the transcript has no times or no such moment."""

    call_id: str
    date: date
    account: str
    timed: bool
    rep_talk_share: float
    talk_basis: Literal["time", "words"]
    longest_monologue_s: float | None
    questions: int
    open_questions: int
    first_situation_question_s: float | None
    price_first_s: float | None
    rep_words_first_30s: int | None
    readings: list[MeasureReading]


class Diagnosis(BaseModel):
    """The deterministic read of one rep: quadrant, funnel gaps, single focus or abstention."""

    rep_id: str
    name: str
    team: str
    as_of: date
    window: list[str]
    quadrant: Quadrant
    priority: int
    results: ResultsAxis
    desire: DesireAxis
    funnel: list[StageReading]
    focus: Focus | None
    abstain: bool
    abstain_reason: str | None
    observe_first: list[str]
    evidence_gaps: list[str]
    open_commitments: list[CommitmentView]
    overdue_commitments: list[CommitmentView]
    evidence: list[str]
    conversation: list[CallMeasures] = Field(default_factory=list)
