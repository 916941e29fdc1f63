"""The diagnosis vocabulary (capabilities, quadrants) and its output: both axes, the
funnel, the single focus and the commitments."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel

from copilot.records.schemas import CommitmentStatus

Capability = Literal["opening", "meeting", "discovery", "value", "closing"]
Quadrant = Literal["striver", "achiever", "independent", "detractor", "unknown"]


class ResultsAxis(BaseModel):
    level: Literal["strong", "under", "unknown"]
    attainment: float | None
    periods: list[str]
    rule: str
    evidence: list[str]


class DesireSignal(BaseModel):
    signal: str
    value: str
    points: float
    evidence: list[str]


class DesireAxis(BaseModel):
    level: Literal["high", "low", "unknown"]
    score: float
    rule: str
    signals: list[DesireSignal]
    to_collect: list[str]


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
