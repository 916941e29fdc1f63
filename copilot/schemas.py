"""Boundary types: import rows, knowledge cards, chunks, and the diagnosis output."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

Capability = Literal["opening", "meeting", "discovery", "value", "closing"]
Quadrant = Literal["striver", "achiever", "independent", "detractor", "unknown"]
CallSource = Literal["observed", "recorded", "self"]
CommitmentStatus = Literal["open", "done", "dropped"]
CardKind = Literal[
    "principle", "quadrant", "question_bank", "structure", "resistance", "cliches", "practice"
]

Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, pattern=r"^[^\s]+$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Period = Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
Count = Annotated[int, Field(ge=0, strict=False)]
Money = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RepRow(_Row):
    """One line of reps.csv."""

    rep_id: Id
    name: Text
    email: str | None = None
    team: Text
    manager: Text
    role: str | None = None
    start_date: date
    goal: str | None = None
    desire_rating: Annotated[int, Field(ge=1, le=5)] | None = None

    @field_validator("email")
    @classmethod
    def _email_shape(cls, value: str | None) -> str | None:
        if value is not None and "@" not in value:
            raise ValueError("not an email address")
        return value


class ActivityRow(_Row):
    """One line of activity.csv: a rep's funnel and revenue for one month."""

    rep_id: Id
    period: Period
    quota: Money
    revenue: Money
    dials: Count
    conversations: Count
    meetings: Count
    demos: Count
    proposals: Count
    wins: Count


class CallRow(_Row):
    """One line of calls.jsonl."""

    call_id: Id
    rep_id: Id
    date: date
    account: Text
    stage: Text
    source: CallSource
    summary: Text
    transcript: str | None = None
    manager_notes: str | None = None


class CommitmentRow(_Row):
    """A commitment made in a coaching session."""

    commitment_id: Id
    text: Text
    due: date
    status: CommitmentStatus


class SessionRow(_Row):
    """One line of sessions.jsonl."""

    session_id: Id
    rep_id: Id
    date: date
    focus: Text
    notes: str = ""
    commitments: list[CommitmentRow] = Field(default_factory=list)


class Card(BaseModel):
    """One knowledge card: a single framework idea with its source."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Id
    kind: CardKind
    title: Text
    capability: Capability | None = None
    quadrant: Quadrant | None = None
    source: Text
    body: Text


class Chunk(BaseModel):
    """A piece of text to embed, with the metadata that scopes it."""

    model_config = ConfigDict(frozen=True)

    chunk_id: str
    text: str
    team: str
    source_id: str
    rep_id: str = ""
    field: str = ""
    capability: str = ""
    content_hash: str


class RetrievedChunk(BaseModel):
    """A chunk returned by retrieval, already checked against the caller's team."""

    chunk_id: str
    evidence_id: str
    text: str
    team: str
    rep_id: str
    distance: float


# --- diagnosis output -----------------------------------------------------------------


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
