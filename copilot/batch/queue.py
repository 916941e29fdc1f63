"""Batch jobs in the database: submit (idempotent by constraint), the runner's lease, item claims.

A job's lease names the process running it (`host:pid:nonce`); a lease whose process is gone
(same host, pid dead) or whose heartbeat is stale is taken over, and that process's half-done
items go back to pending. Every state change is one short transaction.
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from copilot.errors import CopilotError, NotFoundError
from copilot.store.database import Store
from copilot.store.tables import BatchItem, BatchJob, Draft

LEASE_TTL = timedelta(minutes=10)
OPEN = ("queued", "running")
STATES = ("pending", "running", "done", "skipped", "failed")
# runners alive in this process: a lease naming this pid is live only while its run is
LIVE: set[str] = set()


class EmptyTeamError(CopilotError):
    """The team has no reps to draft for."""


class IdempotencyConflictError(CopilotError):
    """An Idempotency-Key was reused for a different request."""


def runner_id() -> str:
    """This process's lease name: host, pid and a nonce (two runners in one process differ)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def _now() -> datetime:
    return datetime.now(UTC)


def _alive(job: BatchJob) -> bool:
    """Whether the job's lease holder may still be running it."""
    if not job.runner:
        return False
    host, _, rest = job.runner.partition(":")
    if host == socket.gethostname():
        pid = rest.partition(":")[0]
        if pid == str(os.getpid()):
            return job.runner in LIVE
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return False
        except (PermissionError, ValueError):
            return True
        return True
    beat = job.heartbeat_at
    if beat is not None and beat.tzinfo is None:  # SQLite hands back naive datetimes
        beat = beat.replace(tzinfo=UTC)
    return beat is not None and _now() - beat < LEASE_TTL


def _sync_items(session: Session, job: BatchJob) -> None:
    """One pending item per rep of the team that the job does not list yet."""
    have = set(session.scalars(select(BatchItem.rep_id).where(BatchItem.job_id == job.id)))
    for rep in Store.reps(session, job.team):
        if rep.rep_id not in have:
            session.add(BatchItem(job_id=job.id, rep_id=rep.rep_id, state="pending", attempts=0))
    session.flush()
    job.counts = counts(session, job.id)


def submit(
    store: Store, team: str, month: str, key: str | None = None, concurrency: int | None = None
) -> tuple[BatchJob, bool]:
    """The team's plan job for `month`, created unless the key or the month already has one."""
    full_key = f"{team}:key:{key}" if key else f"{team}:scope:{month}:plan"
    with store.sessions() as session:
        if not Store.reps(session, team):
            raise EmptyTeamError(f"team '{team}' has no reps: import reps.csv first")
    job = BatchJob(
        id=f"bat_{secrets.token_hex(8)}",
        idempotency_key=full_key,
        team=team,
        month=month,
        kind="plan",
        status="queued",
        concurrency=concurrency,
        counts={},
    )
    try:
        with store.sessions.begin() as session:
            session.add(job)
            session.flush()
            _sync_items(session, job)
        return job, True
    except IntegrityError:
        pass  # the key or (team, month) exists: the constraint decided, not a prior read
    with store.sessions() as session:
        by_key = session.scalars(select(BatchJob).where(BatchJob.idempotency_key == full_key))
        existing = by_key.first()
        if existing is not None and existing.month != month:
            raise IdempotencyConflictError("this Idempotency-Key was used for another month")
        scope = select(BatchJob).where(
            BatchJob.team == team, BatchJob.month == month, BatchJob.kind == "plan"
        )
        existing = existing or session.scalars(scope).one()
        return existing, False


def get_job(session: Session, job_id: str, team: str | None = None) -> BatchJob:
    """One job; another team's job is reported as not found."""
    job = session.get(BatchJob, job_id)
    if job is None or (team is not None and job.team != team):
        raise NotFoundError(f"no batch '{job_id}'")
    return job


def team_jobs(session: Session, team: str, limit: int = 100) -> Sequence[BatchJob]:
    """A team's jobs, newest first."""
    query = select(BatchJob).where(BatchJob.team == team)
    return session.scalars(query.order_by(BatchJob.created_at.desc()).limit(limit)).all()


def open_jobs(store: Store) -> list[str]:
    """Ids of jobs not finished: queued, or running when their process stopped."""
    with store.sessions() as session:
        return list(session.scalars(select(BatchJob.id).where(BatchJob.status.in_(OPEN))))


def items(session: Session, job_id: str) -> Sequence[BatchItem]:
    """A job's items, by rep id."""
    query = select(BatchItem).where(BatchItem.job_id == job_id).order_by(BatchItem.rep_id)
    return session.scalars(query).all()


def counts(session: Session, job_id: str) -> dict[str, int]:
    """Items per state, every state present, plus the total."""
    query = select(BatchItem.state, func.count()).where(BatchItem.job_id == job_id)
    found: dict[str, int] = dict.fromkeys(STATES, 0)
    found |= {state: int(n) for state, n in session.execute(query.group_by(BatchItem.state))}
    return found | {"total": sum(found.values())}


def claim(store: Store, job_id: str, runner: str) -> BatchJob | None:
    """Take the job's lease unless a live runner holds it; its stale and failed items restart."""
    with store.sessions.begin() as session:
        job = get_job(session, job_id)
        if job.runner and job.runner != runner and _alive(job):
            return None
        held = BatchJob.runner.is_(None) if job.runner is None else BatchJob.runner == job.runner
        swapped = session.execute(
            update(BatchJob)
            .where(BatchJob.id == job_id, or_(held))
            .values(runner=runner, heartbeat_at=_now(), status="running", finished_at=None)
        )
        if swapped.rowcount != 1:  # type: ignore[attr-defined]
            return None  # another process took it between our read and write
        session.execute(
            update(BatchItem)
            .where(BatchItem.job_id == job_id, BatchItem.state.in_(("running", "failed")))
            .values(state="pending")
        )
        session.refresh(job)
        _sync_items(session, job)
        return job


@dataclass
class Lease:
    """A job this process holds, and whether its run got to the end."""

    job: BatchJob
    runner: str
    finished: bool = False


@contextmanager
def leased(store: Store, job_id: str) -> Iterator[Lease | None]:
    """The job's lease for this process (None when another live process holds it), given back
    at exit: as finished when the run set `finished`, else left for a later run to resume."""
    runner = runner_id()
    LIVE.add(runner)
    job = claim(store, job_id, runner)
    if job is None:
        LIVE.discard(runner)
        yield None
        return
    lease = Lease(job, runner)
    try:
        yield lease
    finally:
        release(store, job_id, runner, lease.finished)
        LIVE.discard(runner)


def pending(store: Store, job_id: str) -> list[str]:
    """Reps of the job still to draft."""
    with store.sessions() as session:
        query = select(BatchItem.rep_id).where(
            BatchItem.job_id == job_id, BatchItem.state == "pending"
        )
        return list(session.scalars(query.order_by(BatchItem.rep_id)))


def claim_item(store: Store, job_id: str, rep_id: str) -> bool:
    """Mark one pending item running (counting the attempt); False if it was not pending."""
    with store.sessions.begin() as session:
        result = session.execute(
            update(BatchItem)
            .where(
                BatchItem.job_id == job_id,
                BatchItem.rep_id == rep_id,
                BatchItem.state == "pending",
            )
            .values(state="running", attempts=BatchItem.attempts + 1)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]


class ItemOutcome(BaseModel):
    """How one rep's item ended: the values written to its row (unset fields stay as they are)."""

    model_config = ConfigDict(extra="forbid")

    state: Literal["done", "failed", "skipped"]
    draft_id: int | None = None
    source: str | None = None
    guard_passed: bool | None = None
    reused: bool = False
    error: str | None = None


def finish_item(store: Store, job_id: str, rep_id: str, outcome: ItemOutcome) -> dict[str, int]:
    """Record an item's outcome, refresh the job's counts and heartbeat; returns the counts."""
    with store.sessions.begin() as session:
        session.execute(
            update(BatchItem)
            .where(BatchItem.job_id == job_id, BatchItem.rep_id == rep_id)
            .values(**outcome.model_dump(exclude_unset=True))
        )
        now = counts(session, job_id)
        session.execute(
            update(BatchJob).where(BatchJob.id == job_id).values(counts=now, heartbeat_at=_now())
        )
        return now


def release(store: Store, job_id: str, runner: str, finished: bool) -> BatchJob:
    """Give the lease back; a finished run sets the job done, or failed if any rep failed."""
    with store.sessions.begin() as session:
        job = get_job(session, job_id)
        if job.runner == runner:
            job.runner = None
            job.counts = counts(session, job_id)
            if finished:
                left = job.counts["pending"] + job.counts["running"]
                job.status = "running" if left else "failed" if job.counts["failed"] else "done"
                job.finished_at = None if left else _now()
        return job


def stored_draft(store: Store, key: str) -> Draft | None:
    """The draft already stored under an idempotency key, if any."""
    with store.sessions() as session:
        return session.scalars(select(Draft).where(Draft.idempotency_key == key)).first()
