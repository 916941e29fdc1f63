"""Boundary types of the coaching loop: a session to record, a commitment's change, and what the
loop reads back (commitments, plan progress, follow-through evidence)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

CommitmentStatus = Literal["open", "done", "dropped"]
Verdict = Literal["on_track", "not_on_track", "too_early"]
MAX_COMMITMENTS = 20
MAX_NOTES_CHARS = 20_000
MAX_NOTE_CHARS = 2_000

CommitmentText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)
]
Focus = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_NOTE_CHARS)]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NewCommitment(_Input):
    """A commitment agreed in the session: what the rep will do, and by when."""

    text: CommitmentText
    due: dt.date


class NewSession(_Input):
    """A coaching session to record; every commitment is due on or after the session date."""

    date: dt.date
    focus: Focus
    notes: Annotated[str, Field(max_length=MAX_NOTES_CHARS)] = ""
    commitments: Annotated[list[NewCommitment], Field(max_length=MAX_COMMITMENTS)] = []

    @model_validator(mode="after")
    def _due_after_session(self) -> NewSession:
        for i, c in enumerate(self.commitments):
            if c.due < self.date:
                raise ValueError(
                    f"commitments.{i}.due: {c.due} is before the session date {self.date}; "
                    "set a due date on or after the session"
                )
        return self


class RecordedSession(BaseModel):
    """The ids given to a recorded session and its commitments, in the order sent."""

    session_id: str
    commitment_ids: list[str]


class CommitmentChange(_Input):
    """A commitment's new status, with an optional note (what happened)."""

    status: CommitmentStatus
    note: Note | None = None


class CommitmentOut(BaseModel):
    """A commitment as the loop shows it, with the latest note a manager left on it."""

    commitment_id: str
    session_id: str
    rep_id: str
    text: str
    due: dt.date
    status: CommitmentStatus
    note: str | None = None


class EvidenceCall(BaseModel):
    """A call recorded after the commitment was made that bears on it, ranked by retrieval."""

    call_id: str
    evidence_id: str
    date: dt.date
    account: str
    snippet: str
    distance: float


class CommitmentEvidence(BaseModel):
    """An open commitment with the calls since its session, nearest to its text first."""

    commitment: CommitmentOut
    session_date: dt.date
    overdue: bool
    calls: list[EvidenceCall]


class PlanProgress(BaseModel):
    """An approved plan's metric: its baseline at approval, its value since, and a verdict."""

    draft_id: int
    month: str
    metric: str
    capability: str
    baseline: float
    target: float
    current: float | None = Field(description="The metric over the plan's month and after.")
    change: float | None = Field(description="current - baseline; null while too early.")
    periods: list[str] = Field(description="The activity months `current` is measured over.")
    verdict: Verdict
    reason: str
    approved_by: str | None
    approved_at: dt.datetime
