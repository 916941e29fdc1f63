"""Boundary types of the import files: one pydantic model per row kind, strict on input."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

CallSource = Literal["observed", "recorded", "self"]
CommitmentStatus = Literal["open", "done", "dropped"]
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
