"""Boundary types of the import files: one pydantic model per row kind, strict on input.

Short fields are capped at their SQL column's length, so a row that validates also fits the
database (PostgreSQL enforces the lengths; SQLite would store anything).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

CallSource = Literal["observed", "recorded", "self"]
CommitmentStatus = Literal["open", "done", "dropped"]
ID_MAX_CHARS = 64  # the id columns' String(64)
Id = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=ID_MAX_CHARS, pattern=r"^[^\s]+$"
    ),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Team = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Stage = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]


def _calendar_month(value: str) -> str:
    if int(value[:4]) < 1:
        raise ValueError("year 0000 is not a calendar year")
    return value


# ASCII digits only ([0-9], never \d): a month written in other digits is another string, so it
# would key a separate month. Year 0000 passes the pattern but is no date (it broke plans).
Period = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$"),
    AfterValidator(_calendar_month),
]
Count = Annotated[int, Field(ge=0, strict=False)]
Money = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RepRow(_Row):
    """One line of reps.csv."""

    rep_id: Id
    name: Name
    email: Annotated[str, Field(max_length=320)] | None = None
    team: Team
    manager: Name
    role: Annotated[str, Field(max_length=100)] | None = None
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
    account: Name
    stage: Stage
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
    focus: Name
    notes: str = ""
    commitments: list[CommitmentRow] = Field(default_factory=list)
