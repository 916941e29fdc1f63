"""SQL tables of batch jobs: one row per (team, month, kind) job and one per rep in it.

Uniqueness lives in the database (the idempotency key, the job's scope, one item per rep) so
that two submits racing each other, or a worker resumed after a crash, can never double up.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, func
from sqlalchemy import UniqueConstraint as Unique
from sqlalchemy.orm import Mapped, mapped_column

from copilot.tables import Base


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
