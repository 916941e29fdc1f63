"""Batch monthly plans over HTTP: submit a job (idempotent), list the team's jobs, read one.

Jobs run on background threads of the service; `background` (in the app's lifespan) resumes
unfinished jobs at startup and stops the workers at shutdown. The team is the token's.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Header, Path, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from copilot.api.deps import ApiError, AppState, CurrentManager, StateDep
from copilot.batch import queue as db
from copilot.batch.batch_api import UNCONFIGURED, configured
from copilot.batch.engine import RunOptions
from copilot.batch.remote import Via, run_via
from copilot.batch.remote_rows import has_open
from copilot.batch.views import BatchCounts, BatchDetail, BatchOut, detail, summary
from copilot.drafting.pipeline import Drafter
from copilot.errors import NotFoundError
from copilot.records.schemas import Period

log = logging.getLogger("copilot.api")
router = APIRouter(prefix="/v1", tags=["batches"])


class BatchCreate(BaseModel):
    """A batch of monthly plans for the caller's team."""

    model_config = ConfigDict(extra="forbid")

    # the import's month type: ASCII digits, a real calendar month (0000-01 is not)
    month: Annotated[Period, Field(description="YYYY-MM", examples=["2026-12"])]
    team: Annotated[
        str | None,
        Field(max_length=100, description="Optional; anything but the token's team is 404."),
    ] = None
    concurrency: Annotated[
        int | None, Field(ge=1, le=64, description="Reps drafted at once (default: settings).")
    ] = None
    via: Annotated[
        Via,
        Field(description="live, or batch-api: the OpenAI Batch API (cheaper, within 24h)."),
    ] = "live"


class BatchWorkers:
    """One background thread per running job in this process."""

    def __init__(self, state: AppState) -> None:
        self.state = state
        self.stop = threading.Event()
        self.threads: dict[str, threading.Thread] = {}
        self._lock = threading.Lock()

    def start(self, job_id: str, concurrency: int | None = None, via: Via | None = None) -> None:
        """Run the job in the background unless this process is already running it."""
        with self._lock:
            running = self.threads.get(job_id)
            if (running and running.is_alive()) or self.stop.is_set():
                return
            thread = threading.Thread(
                target=self._run,
                args=(job_id, concurrency, via),
                name=f"batch-{job_id}",
                daemon=True,
            )
            self.threads[job_id] = thread
            thread.start()

    def _run(self, job_id: str, concurrency: int | None, via: Via | None = None) -> None:
        try:
            drafter = Drafter(self.state.services, self.state.model())
            # resumed at start-up: a job waiting on a remote batch goes on polling it
            via = via or ("batch-api" if has_open(self.state.services.store, job_id) else "live")
            run_via(drafter, job_id, RunOptions(concurrency=concurrency, stop=self.stop), via)
        except Exception:  # the job stays resumable; the reason goes to the log only
            log.exception("batch %s stopped", job_id)

    def join(self, job_id: str, timeout: float) -> None:
        """Wait for this process's run of a job to end (tests, shutdown)."""
        thread = self.threads.get(job_id)
        if thread is not None:
            thread.join(timeout)

    def shutdown(self, timeout: float = 10.0) -> None:
        """Claim no more reps; wait a little for the ones being drafted."""
        self.stop.set()
        for job_id in list(self.threads):
            self.join(job_id, timeout)


def workers_of(app: FastAPI) -> BatchWorkers:
    """The app's batch workers, made on first use."""
    workers: BatchWorkers | None = getattr(app.state, "batch_workers", None)
    if workers is None:
        workers = app.state.batch_workers = BatchWorkers(app.state.copilot)
    return workers


def get_workers(request: Request) -> BatchWorkers:
    return workers_of(request.app)


@asynccontextmanager
async def background(app: FastAPI) -> AsyncIterator[None]:
    """Lifespan hook: resume unfinished jobs at startup; stop the workers at shutdown."""
    workers = workers_of(app)
    for job_id in db.open_jobs(workers.state.services.store):
        workers.start(job_id)
    try:
        yield
    finally:
        workers.shutdown()


Workers = Annotated[BatchWorkers, Depends(get_workers)]
_ERRORS: dict[int | str, dict[str, str]] = {
    404: {"description": "A `team` other than the token's"},
    409: {"description": "The Idempotency-Key was used for another month"},
    422: {"description": "Invalid body, the team has no reps, or no Batch API configured"},
}


@router.post("/batches", status_code=202, responses=_ERRORS)
def create_batch(
    *,
    body: BatchCreate,
    manager: CurrentManager,
    state: StateDep,
    workers: Workers,
    response: Response,
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", min_length=1, max_length=200)
    ] = None,
) -> BatchOut:
    """Draft every rep's plan for a month; the same key, or the same month, returns its job."""
    if body.team is not None and body.team != manager.team:
        raise NotFoundError("no such team")
    if body.via == "batch-api" and not configured(state.services.settings):
        raise ApiError(422, "batch_api_unconfigured", UNCONFIGURED)
    try:
        job, created = db.submit(
            state.services.store, manager.team, body.month, idempotency_key, body.concurrency
        )
    except db.EmptyTeamError as exc:
        raise ApiError(422, "no_reps", str(exc)) from exc
    except db.IdempotencyConflictError as exc:
        raise ApiError(409, "idempotency_conflict", str(exc)) from exc
    if job.status != "done":  # queued, interrupted, or failed reps to retry
        workers.start(job.id, body.concurrency, body.via)
    response.headers["Idempotent-Replayed"] = "false" if created else "true"
    return summary(job)


@router.get("/batches")
def list_batches(manager: CurrentManager, state: StateDep) -> list[BatchOut]:
    """The team's batch jobs, newest first."""
    with state.services.store.sessions() as session:
        # live counts, as on the detail route: the stored ones move only when a rep finishes
        return [
            summary(job).model_copy(update={"counts": BatchCounts(**db.counts(session, job.id))})
            for job in db.team_jobs(session, manager.team)
        ]


@router.get("/batches/{batch_id}", responses={404: {"description": "No such batch"}})
def get_batch(
    batch_id: Annotated[str, Path(max_length=40)], manager: CurrentManager, state: StateDep
) -> BatchDetail:
    """Progress, every rep's result with its change from last month's plan, and failures."""
    with state.services.store.sessions() as session:
        return detail(session, db.get_job(session, batch_id, manager.team))
