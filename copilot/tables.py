"""SQLAlchemy 2 tables for rep records and stored drafts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Float, ForeignKey, Integer, String, Text, func
from sqlalchemy import UniqueConstraint as Unique
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of every table."""


class Rep(Base):
    __tablename__ = "reps"

    rep_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    team: Mapped[str] = mapped_column(String(100), index=True)
    manager: Mapped[str] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(100))
    start_date: Mapped[date] = mapped_column(Date)
    goal: Mapped[str | None] = mapped_column(Text)
    desire_rating: Mapped[int | None] = mapped_column(Integer)


class Activity(Base):
    __tablename__ = "activity"

    rep_id: Mapped[str] = mapped_column(ForeignKey("reps.rep_id"), primary_key=True)
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

    call_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    rep_id: Mapped[str] = mapped_column(ForeignKey("reps.rep_id"), index=True)
    date: Mapped[date] = mapped_column(Date)
    account: Mapped[str] = mapped_column(String(200))
    stage: Mapped[str] = mapped_column(String(50))
    source: Mapped[str] = mapped_column(String(10))
    summary: Mapped[str] = mapped_column(Text)
    transcript: Mapped[str | None] = mapped_column(Text)
    manager_notes: Mapped[str | None] = mapped_column(Text)


class CoachingSession(Base):
    __tablename__ = "sessions"

    session_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    rep_id: Mapped[str] = mapped_column(ForeignKey("reps.rep_id"), index=True)
    date: Mapped[date] = mapped_column(Date)
    focus: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text)


class Commitment(Base):
    __tablename__ = "commitments"

    commitment_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.session_id"), index=True)
    rep_id: Mapped[str] = mapped_column(ForeignKey("reps.rep_id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    due: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10))


class Draft(Base):
    """A drafted artifact with its provenance; one per (team, rep, period, kind) key."""

    __tablename__ = "drafts"
    __table_args__ = (Unique("idempotency_key", name="uq_drafts_idempotency_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    idempotency_key: Mapped[str] = mapped_column(String(300))
    team: Mapped[str] = mapped_column(String(100), index=True)
    rep_id: Mapped[str] = mapped_column(ForeignKey("reps.rep_id"), index=True)
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
