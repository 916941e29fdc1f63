"""A job's Batch API rounds in SQL: the uploaded file, the remote batch, each rep's request and
the reply collected for it. A restarted run reads these rows and polls the batch it already
created; every change is one short transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from pydantic import BaseModel
from sqlalchemy import select, update

from copilot.batch.batch_api import RemoteBatch
from copilot.batch.replay import LineResult
from copilot.store.database import Store
from copilot.store.tables import BatchItem, BatchJob, BatchRemote, BatchRemoteItem

OPEN = ("uploaded", "submitted")


class Round(BaseModel):
    """A remote round as stored: which file, which batch, how far it got."""

    id: int
    job_id: str
    round: int
    state: str
    input_file_id: str
    remote_batch_id: str | None


class Request(BaseModel):
    """One rep's request in a round."""

    rep_id: str
    custom_id: str
    prompt_hash: str


def _round(row: BatchRemote) -> Round:
    return Round(
        id=row.id,
        job_id=row.job_id,
        round=row.round,
        state=row.state,
        input_file_id=row.input_file_id,
        remote_batch_id=row.remote_batch_id,
    )


def open_rounds(store: Store, job_id: str) -> list[Round]:
    """The job's rounds uploaded or submitted and not yet collected, oldest first."""
    with store.sessions() as session:
        query = select(BatchRemote).where(BatchRemote.job_id == job_id, BatchRemote.state.in_(OPEN))
        return [_round(r) for r in session.scalars(query.order_by(BatchRemote.id))]


def has_open(store: Store, job_id: str) -> bool:
    """Whether the job waits on a remote batch (a resumed run must poll it, not draft live)."""
    return bool(open_rounds(store, job_id))


def record_upload(
    store: Store, job_id: str, round_no: int, file_id: str, requests: Sequence[Request]
) -> Round:
    """Record an uploaded file and its requests, before the batch is created."""
    with store.sessions.begin() as session:
        row = BatchRemote(job_id=job_id, round=round_no, state="uploaded", input_file_id=file_id)
        session.add(row)
        session.flush()
        for r in requests:
            session.add(BatchRemoteItem(remote_id=row.id, ended=False, **r.model_dump()))
        session.flush()
        return _round(row)


def record_batch(store: Store, remote_id: int, batch: RemoteBatch) -> None:
    """Record the remote batch's id and status."""
    with store.sessions.begin() as session:
        session.execute(
            update(BatchRemote)
            .where(BatchRemote.id == remote_id)
            .values(
                state="submitted",
                remote_batch_id=batch.id,
                remote_status=batch.status,
                output_file_id=batch.output_file_id,
                error_file_id=batch.error_file_id,
            )
        )


def record_end(store: Store, remote_id: int, batch: RemoteBatch, error: str | None) -> None:
    """A round ended: collected, or failed with `error` (its reps end too)."""
    with store.sessions.begin() as session:
        session.execute(
            update(BatchRemote)
            .where(BatchRemote.id == remote_id)
            .values(
                state="failed" if error else "collected",
                remote_status=batch.status,
                output_file_id=batch.output_file_id,
                error_file_id=batch.error_file_id,
                error=error,
            )
        )
        if error:
            session.execute(
                update(BatchRemoteItem)
                .where(BatchRemoteItem.remote_id == remote_id)
                .values(ended=True, error=error)
            )


def requests(store: Store, remote_id: int) -> list[Request]:
    """A round's requests."""
    with store.sessions() as session:
        query = select(BatchRemoteItem).where(BatchRemoteItem.remote_id == remote_id)
        return [
            Request(rep_id=i.rep_id, custom_id=i.custom_id, prompt_hash=i.prompt_hash)
            for i in session.scalars(query)
        ]


def save_replies(store: Store, remote_id: int, results: Mapping[str, LineResult]) -> None:
    """Each rep's collected reply, or the error that stands for it (by rep id)."""
    with store.sessions.begin() as session:
        for rep_id, result in results.items():
            session.execute(
                update(BatchRemoteItem)
                .where(BatchRemoteItem.remote_id == remote_id, BatchRemoteItem.rep_id == rep_id)
                .values(reply=result.body, error=result.error)
            )


def chain(store: Store, job_id: str, rep_id: str) -> list[LineResult]:
    """A rep's replies so far in its current draft (round 1, then the repair round)."""
    with store.sessions() as session:
        query = (
            select(BatchRemote.round, BatchRemoteItem.reply, BatchRemoteItem.error)
            .join(BatchRemote, BatchRemote.id == BatchRemoteItem.remote_id)
            .where(
                BatchRemote.job_id == job_id,
                BatchRemote.state == "collected",
                BatchRemoteItem.rep_id == rep_id,
                BatchRemoteItem.ended.is_(False),
            )
            .order_by(BatchRemote.id)
        )
        found: list[LineResult] = []
        for round_no, reply, error in session.execute(query):
            if round_no == 1:
                found = []  # a new first round starts the draft over
            found.append(LineResult(body=reply, error=error))
        return found


def end_rep(store: Store, job_id: str, rep_id: str) -> None:
    """The rep's item reached an outcome: its replies are spent (a retry starts over)."""
    with store.sessions.begin() as session:
        ids = select(BatchRemote.id).where(BatchRemote.job_id == job_id)
        session.execute(
            update(BatchRemoteItem)
            .where(BatchRemoteItem.remote_id.in_(ids), BatchRemoteItem.rep_id == rep_id)
            .values(ended=True)
        )


def back_to_pending(store: Store, job_id: str, rep_ids: Sequence[str]) -> None:
    """Reps whose round was collected are ready to advance again."""
    with store.sessions.begin() as session:
        session.execute(
            update(BatchItem)
            .where(
                BatchItem.job_id == job_id,
                BatchItem.rep_id.in_(rep_ids),
                BatchItem.state == "running",
            )
            .values(state="pending")
        )


def beat(store: Store, job_id: str, runner: str) -> None:
    """Keep the job's lease fresh while a remote batch runs for hours."""
    with store.sessions.begin() as session:
        session.execute(
            update(BatchJob)
            .where(BatchJob.id == job_id, BatchJob.runner == runner)
            .values(heartbeat_at=datetime.now(UTC))
        )
