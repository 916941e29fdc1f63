"""Every SQL table: rep records and stored drafts, then the tables the service, the
batches, the chat and draft reviews own (one `Base`, one metadata, no side-effect imports)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    func,
)
from sqlalchemy import UniqueConstraint as Unique
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of every table."""


def _rep_key(table: str) -> ForeignKeyConstraint:
    """The reference from a row keyed by (team, rep_id) to its rep."""
    return ForeignKeyConstraint(
        ["team", "rep_id"], ["reps.team", "reps.rep_id"], name=f"fk_{table}_rep"
    )


# Rep, call, session and commitment ids are unique per team, never globally: a key is
# (team, id), so an id another team holds is as free as one nobody holds (issue 13, defect 8).


class Rep(Base):
    __tablename__ = "reps"

    team: Mapped[str] = mapped_column(String(100), primary_key=True)
    rep_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    manager: Mapped[str] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(100))
    start_date: Mapped[date] = mapped_column(Date)
    goal: Mapped[str | None] = mapped_column(Text)
    desire_rating: Mapped[int | None] = mapped_column(Integer)


class Activity(Base):
    __tablename__ = "activity"
    __table_args__ = (_rep_key("activity"),)

    team: Mapped[str] = mapped_column(String(100), primary_key=True)
    rep_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    quota: Mapped[float] = mapped_column(Float)
    revenue: Mapped[float] = mapped_column(Float)
    dials: Mapped[int] = mapped_column(Integer)
    conversations: Mapped[int] = mapped_column(Integer)
    meetings: Mapped[int] = mapped_column(Integer)
    demos: Mapped[int] = mapped_column(Integer)
    proposals: Mapped[int] = mapped_column(Integer)
    wins: Mapped[int] = mapped_column(Integer)


class Call(Base):
    """A call: observed live, reviewed from a recording, or the rep's own account."""

    __tablename__ = "calls"
    __table_args__ = (_rep_key("calls"), Index("ix_calls_rep", "team", "rep_id"))

    team: Mapped[str] = mapped_column(String(100), primary_key=True)
    call_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    rep_id: Mapped[str] = mapped_column(String(64))
    date: Mapped[date] = mapped_column(Date)
    account: Mapped[str] = mapped_column(String(200))
    stage: Mapped[str] = mapped_column(String(50))
    source: Mapped[str] = mapped_column(String(10))
    summary: Mapped[str] = mapped_column(Text)
    transcript: Mapped[str | None] = mapped_column(Text)
    manager_notes: Mapped[str | None] = mapped_column(Text)


class CoachingSession(Base):
    __tablename__ = "sessions"
    __table_args__ = (_rep_key("sessions"), Index("ix_sessions_rep", "team", "rep_id"))

    team: Mapped[str] = mapped_column(String(100), primary_key=True)
    session_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    rep_id: Mapped[str] = mapped_column(String(64))
    date: Mapped[date] = mapped_column(Date)
    focus: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text)


class Commitment(Base):
    __tablename__ = "commitments"
    __table_args__ = (
        _rep_key("commitments"),
        ForeignKeyConstraint(
            ["team", "session_id"],
            ["sessions.team", "sessions.session_id"],
            name="fk_commitments_session",
        ),
        Index("ix_commitments_rep", "team", "rep_id"),
        Index("ix_commitments_session", "team", "session_id"),
    )

    team: Mapped[str] = mapped_column(String(100), primary_key=True)
    commitment_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_id: Mapped[str] = mapped_column(String(64))
    rep_id: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    due: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10))


class Draft(Base):
    """A drafted artifact with its provenance; one per (team, rep, period, kind) key."""

    __tablename__ = "drafts"
    __table_args__ = (
        Unique("idempotency_key", name="uq_drafts_idempotency_key"),
        _rep_key("drafts"),
        Index("ix_drafts_rep", "team", "rep_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    idempotency_key: Mapped[str] = mapped_column(String(300))
    team: Mapped[str] = mapped_column(String(100))
    rep_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))
    period: Mapped[str | None] = mapped_column(String(7))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    source: Mapped[str] = mapped_column(String(20))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    model: Mapped[str] = mapped_column(String(200))
    prompt_hash: Mapped[str | None] = mapped_column(String(64))
    evidence_ids: Mapped[list[str]] = mapped_column(JSON)
    guard_report: Mapped[dict[str, Any]] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    timings: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


# --- SQL tables the HTTP service owns: managers' API tokens (stored hashed).


class ApiToken(Base):
    """One manager's bearer token: only a SHA-256 of its secret is kept."""

    __tablename__ = "api_tokens"

    token_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    manager: Mapped[str] = mapped_column(String(200))
    team: Mapped[str] = mapped_column(String(100), index=True)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


# --- SQL tables of batch jobs: one row per (team, month, kind) job and one per rep in it.


class BatchJob(Base):
    """A batch of drafts for one team and month; `runner` is the process holding its lease."""

    __tablename__ = "batch_jobs"
    __table_args__ = (
        Unique("idempotency_key", name="uq_batch_jobs_idempotency_key"),
        Unique("team", "month", "kind", name="uq_batch_jobs_scope"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(400))
    team: Mapped[str] = mapped_column(String(100), index=True)
    month: Mapped[str] = mapped_column(String(7))
    kind: Mapped[str] = mapped_column(String(20), default="plan")
    status: Mapped[str] = mapped_column(String(10), default="queued")
    concurrency: Mapped[int | None] = mapped_column(Integer)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    runner: Mapped[str | None] = mapped_column(String(200))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class BatchItem(Base):
    """One rep of a batch: its state, the draft it ended with, or why it did not."""

    __tablename__ = "batch_items"

    job_id: Mapped[str] = mapped_column(ForeignKey("batch_jobs.id"), primary_key=True)
    rep_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[str] = mapped_column(String(10), default="pending")
    draft_id: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str | None] = mapped_column(String(20))
    guard_passed: Mapped[bool | None] = mapped_column(Boolean)
    reused: Mapped[bool] = mapped_column(Boolean, default=False)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)


# --- SQL table the chat owns: each manager's conversation with the copilot about one rep.


class ChatTurn(Base):
    """One turn of a chat: the manager's message or the copilot's guarded answer.

    Keyed by team and manager name as well as rep, so a manager sees only their own chats
    and a rep's chats never cross teams.
    """

    __tablename__ = "chat_turns"
    __table_args__ = (
        Index("ix_chat_turns_owner", "team", "manager", "rep_id", "id"),
        _rep_key("chat_turns"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team: Mapped[str] = mapped_column(String(100))
    manager: Mapped[str] = mapped_column(String(200))
    rep_id: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(20))
    evidence_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    draft_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


# --- SQL table for managers' reviews of stored drafts: who approved or edited one, and when,


class DraftReview(Base):
    """One row per reviewed draft; a re-drafted artifact starts unreviewed again."""

    __tablename__ = "draft_reviews"

    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id"), primary_key=True)
    approved_by: Mapped[str | None] = mapped_column(String(200))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    edited_by: Mapped[str | None] = mapped_column(String(200))
    edited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    original_payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    original_guard: Mapped[dict[str, Any] | None] = mapped_column(JSON)


# --- SQL tables of the coaching loop: commitment status changes, and approved plans' baselines.


class CommitmentUpdate(Base):
    """One status change of a commitment, with the manager's note (the latest note is shown).

    No foreign key: a re-import may delete the commitment, and its history must not block it.
    """

    __tablename__ = "commitment_updates"
    __table_args__ = (Index("ix_commitment_updates_commitment", "team", "commitment_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    commitment_id: Mapped[str] = mapped_column(String(64))
    team: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class PlanBaseline(Base):
    """An approved plan's metric and its baseline, recorded at approval, one per plan draft."""

    __tablename__ = "plan_baselines"
    __table_args__ = (
        Index("ix_plan_baselines_rep", "team", "rep_id", "month"),
        _rep_key("plan_baselines"),
    )

    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id"), primary_key=True)
    team: Mapped[str] = mapped_column(String(100))
    rep_id: Mapped[str] = mapped_column(String(64))
    month: Mapped[str] = mapped_column(String(7))
    metric: Mapped[str] = mapped_column(String(50))
    capability: Mapped[str] = mapped_column(String(20))
    baseline: Mapped[float] = mapped_column(Float)
    target: Mapped[float] = mapped_column(Float)
    approved_by: Mapped[str | None] = mapped_column(String(200))
    approved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# --- SQL table the web pages own: a signed-in browser's session (issue 14).


class WebSession(Base):
    """A browser's sign-in: keyed by a SHA-256 of the cookie's random value, holding the token's
    id (never its secret) and the session's CSRF token; revoking the token ends it."""

    __tablename__ = "web_sessions"

    session_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    token_id: Mapped[str] = mapped_column(ForeignKey("api_tokens.token_id"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# --- SQL table of data versions: a counter per team that every write of its records moves.


class DataVersion(Base):
    """A team's data version, bumped in the transaction that writes the team's records, so
    every process rebuilds what it derived from them (the guard's knowledge, the board)."""

    __tablename__ = "data_versions"

    team: Mapped[str] = mapped_column(String(100), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


# --- SQL table of the HTTP service's rate limit, shared by its worker processes.


class RateHit(Base):
    """One request counted against a manager token's limit per minute (`at`: epoch seconds);
    rows older than a minute are deleted as the token's next request is counted."""

    __tablename__ = "rate_hits"
    __table_args__ = (Index("ix_rate_hits_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(64))
    at: Mapped[float] = mapped_column(Float)


# --- SQL tables of batches sent to the OpenAI Batch API (issue 15, part 5).


class BatchRemote(Base):
    """One round of a job sent to the Batch API: the uploaded file, the remote batch, its state
    (`uploaded`, `submitted`, `collected`, `failed`), so a restarted run polls it, not a new one."""

    __tablename__ = "batch_remotes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("batch_jobs.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(12))
    input_file_id: Mapped[str] = mapped_column(String(200))
    remote_batch_id: Mapped[str | None] = mapped_column(String(200))
    remote_status: Mapped[str | None] = mapped_column(String(20))
    output_file_id: Mapped[str | None] = mapped_column(String(200))
    error_file_id: Mapped[str | None] = mapped_column(String(200))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class BatchRemoteItem(Base):
    """One rep's request in a remote round: its custom_id, prompt hash and the reply collected
    (the response body), or the error that stands for it."""

    __tablename__ = "batch_remote_items"

    remote_id: Mapped[int] = mapped_column(ForeignKey("batch_remotes.id"), primary_key=True)
    rep_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    custom_id: Mapped[str] = mapped_column(String(200))
    prompt_hash: Mapped[str] = mapped_column(String(64))
    reply: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    # set once the rep's item has an outcome: a retry of the rep starts a new first round
    ended: Mapped[bool] = mapped_column(Boolean, default=False)
