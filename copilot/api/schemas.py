"""Request and response models of the core routes (reps, ingest, call notes, drafts, check):
typed so `/openapi.json` describes every body precisely; inputs forbid unknown fields."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from copilot.diagnosis.schemas import Capability, Quadrant
from copilot.drafting.schemas import AnyDraft, Attempt, DraftKind
from copilot.guard import GuardReport
from copilot.records.schemas import CallSource, Id, Name, Period, Stage, Text

GeneratedKind = Literal["questions", "debrief", "plan", "precall", "roleplay"]
DraftStatus = Literal["draft", "approved", "edited"]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RepSummary(BaseModel):
    """One rep in coaching-priority order, as `copilot reps --json` prints it."""

    rank: int
    rep_id: str
    name: str
    team: str
    quadrant: Quadrant
    attainment: float | None
    desire: Literal["high", "low", "unknown"]
    abstain: bool
    focus: Capability | None
    lost_wins: float | None
    overdue_commitments: int


class RepProfile(BaseModel):
    rep_id: str
    name: str
    team: str
    manager: str
    role: str | None
    start_date: dt.date
    goal: str | None
    desire_rating: int | None


class CallView(BaseModel):
    call_id: str
    date: dt.date
    account: str
    stage: str
    source: str
    summary: str
    manager_notes: str | None
    transcript: str | None = Field(
        default=None, description="Only with `?transcripts=true`; null otherwise."
    )


class CommitmentItem(BaseModel):
    commitment_id: str
    text: str
    due: dt.date
    status: str


class SessionView(BaseModel):
    session_id: str
    date: dt.date
    focus: str
    notes: str
    commitments: list[CommitmentItem]


class DraftSummary(BaseModel):
    """A stored draft without its body."""

    draft_id: int
    kind: DraftKind
    period: str | None
    status: str
    source: str
    model: str
    guard_passed: bool
    created_at: dt.datetime | None


class RepDetail(BaseModel):
    """A rep with history: the diagnosis summary, calls and sessions newest first, drafts."""

    rep: RepProfile
    summary: RepSummary
    calls: list[CallView]
    sessions: list[SessionView]
    drafts: list[DraftSummary]


class FileCountsView(BaseModel):
    file: str
    kind: Literal["reps", "activity", "calls", "sessions"]
    rows: int
    inserted: int
    updated: int
    unchanged: int


class IngestResult(BaseModel):
    """What an import wrote, per file, and the call-note chunks it embedded."""

    files: list[FileCountsView]
    chunks_embedded: int
    chunks_reused: int
    chunks_deleted: int


class CallNote(_Input):
    """One call note: a calls.jsonl row without `rep_id` (the rep comes from the path)."""

    call_id: Id
    date: dt.date
    account: Name
    stage: Stage
    source: CallSource
    summary: Text
    transcript: str | dict[str, Any] | list[Any] | None = Field(
        default=None,
        description="Text in any supported format (WebVTT, SRT, `Speaker: text` lines, plain),"
        " or Gong's transcript JSON (docs/transcripts.md).",
    )
    speakers: dict[str, str] | None = Field(
        default=None, description='Speaker name or id -> "rep" or "customer" (optional).'
    )
    manager_notes: str | None = None


class CallNoteResult(BaseModel):
    call_id: str
    rep_id: str
    outcome: Literal["inserted", "updated", "unchanged"]
    chunks_embedded: int


class DraftBody(_Input):
    """Options of a draft: the call (debrief, precall) and the month (plan)."""

    call_id: Id | None = None
    month: Period | None = Field(default=None, description="YYYY-MM; default this month.")


class Provenance(BaseModel):
    model: str
    prompt_hash: str | None
    evidence_ids: list[str]
    attempts: list[Attempt]
    timings: dict[str, float]


class Review(BaseModel):
    """Who approved or edited the draft; the model's original output once edited."""

    approved_by: str | None = None
    approved_at: dt.datetime | None = None
    edited_by: str | None = None
    edited_at: dt.datetime | None = None
    original_draft: dict[str, Any] | None = None
    original_guard: GuardReport | None = None


class DraftOut(BaseModel):
    """A stored draft with its provenance, as `copilot draft --json` prints it, plus status."""

    draft_id: int
    status: str
    source: str
    draft: AnyDraft
    guard: GuardReport
    provenance: Provenance
    review: Review


class DraftEdit(_Input):
    """The manager's edit: a full typed draft of the same kind (kind and rep_id may be left out)."""

    draft: dict[str, Any] = Field(
        description="A draft of the stored draft's kind, as in `draft` of the draft's body."
    )


# A long plan is a few thousand characters; the guard reads at most 400 units anyway.
MAX_CHECK_CHARS = 50_000


class CheckBody(_Input):
    """A draft to check: typed JSON (object or string), plain text or Markdown."""

    rep_id: Id
    kind: DraftKind
    draft: str | dict[str, Any] = Field(
        description=f"At most {MAX_CHECK_CHARS:,} characters (as JSON for an object)."
    )

    @field_validator("draft")
    @classmethod
    def _bounded(cls, value: str | dict[str, Any]) -> str | dict[str, Any]:
        size = len(value) if isinstance(value, str) else len(json.dumps(value))
        if size > MAX_CHECK_CHARS:
            raise ValueError(
                f"the draft is {size:,} characters, over the limit of {MAX_CHECK_CHARS:,}"
            )
        return value
