"""A job's monthly plans through the Batch API (`--via batch-api`), resumable from SQL.

Each pending rep runs through the live `Drafter` with a `ReplayModel`: its prompt is prepared
as live, and the call it cannot answer yet becomes a request line. The lines go up as one
JSONL file and one remote batch per round; the replies come back into the same pipeline, which
validates and guards them, asks for the repair round (a second batch) or composes. The rounds'
file and batch ids are stored before and after each remote call, so a killed run polls the
batch it created instead of sending another; drafts keep their idempotency keys.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

from copilot.batch import queue as db
from copilot.batch import remote_rows as rows
from copilot.batch.batch_api import FINAL, BatchApiError, OpenAIBatchApi, RemoteBatch
from copilot.batch.engine import RunOptions, _draft_one, _emit, _reused, _warm, run_job
from copilot.batch.queue import ItemOutcome
from copilot.batch.replay import (
    LineResult,
    ReplayModel,
    ReplyPendingError,
    parse_output,
    request_line,
)
from copilot.drafting.pipeline import Drafter, DraftRequest, PreparedDraft, draft_key
from copilot.store.tables import BatchJob

log = logging.getLogger(__name__)
Via = Literal["live", "batch-api"]


class RemoteBatchFailedError(BatchApiError):
    """A remote batch ended failed, expired or cancelled; its reps are failed, to retry."""


class _ReplayDrafter(Drafter):
    """The live drafter with one rep's collected replies as its model."""

    def __init__(self, base: Drafter, replies: list[LineResult], model: str) -> None:
        super().__init__(base.services, ReplayModel(replies=replies, model_name=model))
        self.others_cache = base.others_cache  # one snapshot of the records per run, as live
        self.prepared: PreparedDraft | None = None

    def prepare(self, req: DraftRequest) -> PreparedDraft:
        self.prepared = super().prepare(req)
        return self.prepared


@dataclass
class _Ask:
    """A rep's next request: the round it belongs to and its JSONL line."""

    request: rows.Request
    round: int
    line: str


class _Run:
    """One run of one job through the Batch API, holding the job's lease."""

    def __init__(
        self, drafter: Drafter, api: OpenAIBatchApi, job: BatchJob, runner: str, opts: RunOptions
    ) -> None:
        self.drafter, self.api, self.job, self.runner, self.opts = drafter, api, job, runner, opts
        self.store = drafter.services.store
        settings = drafter.services.settings
        self.model = settings.llm_model or "gpt-4o-mini"  # as the live ChatOpenAI is built
        self.poll = settings.batch_api_poll_seconds

    def run(self) -> bool:
        """Collect open rounds, send the next ones, until no rep waits; False if stopped."""
        while True:
            for rnd in rows.open_rounds(self.store, self.job.id):
                if self.opts.stop.is_set() or not self._collect(rnd):
                    return False
            if self.opts.stop.is_set():
                return False
            asks = self._advance()
            if not asks:
                return True
            for round_no in sorted({a.round for a in asks}):
                self._submit(round_no, [a for a in asks if a.round == round_no])
                if self.opts.stop.is_set():
                    return False

    def _advance(self) -> list[_Ask]:
        """Every pending rep's next step: an outcome recorded, or its next request."""
        reps = db.pending(self.store, self.job.id)
        settings = self.drafter.services.settings
        workers = max(
            1, self.opts.concurrency or self.job.concurrency or settings.batch_concurrency
        )
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="batch-api") as pool:
            found = list(pool.map(self._step, reps))
        return [a for a in found if a is not None]

    def _step(self, rep_id: str) -> _Ask | None:
        job = self.job
        if not db.claim_item(self.store, job.id, rep_id):
            return None
        outcome = _reused(self.drafter.services, draft_key(job.team, rep_id, job.kind, job.month))
        if outcome is None:
            replay = _ReplayDrafter(
                self.drafter, rows.chain(self.store, job.id, rep_id), self.model
            )
            try:
                outcome = _draft_one(replay, job.team, job.month, rep_id)
            except ReplyPendingError as pending:
                assert replay.prepared is not None  # the pipeline prepares before it calls
                round_no = replay.model.calls  # type: ignore[attr-defined]
                custom_id = f"{job.id}:{rep_id}:{round_no}"
                hashed = replay.prepared.prompt.hash
                request = rows.Request(rep_id=rep_id, custom_id=custom_id, prompt_hash=hashed)
                return _Ask(request, round_no, request_line(custom_id, self.model, pending))
        self._finish(rep_id, outcome)
        return None

    def _finish(self, rep_id: str, outcome: ItemOutcome) -> None:
        rows.end_rep(self.store, self.job.id, rep_id)
        now = db.finish_item(self.store, self.job.id, rep_id, outcome)
        _emit(self.opts, outcome.state, rep_id)
        if self.opts.on_progress is not None:
            self.opts.on_progress(now)

    def _submit(self, round_no: int, asks: list[_Ask]) -> None:
        data = "".join(f"{a.line}\n" for a in asks).encode()
        file_id = self.api.upload(f"{self.job.id}-round{round_no}.jsonl", data)
        _emit(self.opts, "remote-uploaded", file_id)
        rnd = rows.record_upload(
            self.store, self.job.id, round_no, file_id, [a.request for a in asks]
        )
        self._create(rnd)

    def _create(self, rnd: rows.Round) -> RemoteBatch:
        metadata = {"copilot_job": self.job.id, "round": str(rnd.round), "remote": str(rnd.id)}
        batch = self.api.create(rnd.input_file_id, metadata)
        _emit(self.opts, "remote-created", batch.id)  # a crash here: `find` recovers the batch
        rows.record_batch(self.store, rnd.id, batch)
        _emit(self.opts, "remote-submitted", batch.id)
        return batch

    def _collect(self, rnd: rows.Round) -> bool:
        """Wait for a round's batch and store its replies; False if stopped while waiting."""
        batch_id = rnd.remote_batch_id
        if batch_id is None:  # uploaded, and perhaps created before a crash
            found = self.api.find(rnd.input_file_id)
            if found is not None:
                rows.record_batch(self.store, rnd.id, found)
            batch_id = (found or self._create(rnd)).id
        batch = self._wait(batch_id)
        if batch is None:
            return False
        requests = rows.requests(self.store, rnd.id)
        if batch.status != "completed":
            self._failed(rnd, batch, requests)
        results: dict[str, LineResult] = {}
        problems: list[str] = []
        for file_id in (batch.output_file_id, batch.error_file_id):
            if file_id:
                found_lines, bad = parse_output(file_id, self.api.content(file_id))
                results |= found_lines
                problems += bad
        missing = f"no result line for it in batch {batch.id}'s files"
        if problems:
            missing += f" ({'; '.join(problems[:3])})"
        by_rep = {r.rep_id: results.get(r.custom_id) or LineResult(error=missing) for r in requests}
        rows.save_replies(self.store, rnd.id, by_rep)
        rows.record_end(self.store, rnd.id, batch, None)
        rows.back_to_pending(self.store, self.job.id, list(by_rep))
        return True

    def _wait(self, batch_id: str) -> RemoteBatch | None:
        while True:
            batch = self.api.get(batch_id)
            if batch.status in FINAL:
                return batch
            rows.beat(self.store, self.job.id, self.runner)
            if self.opts.stop.wait(self.poll):
                return None

    def _failed(self, rnd: rows.Round, batch: RemoteBatch, requests: list[rows.Request]) -> None:
        why = f": {'; '.join(batch.errors)}" if batch.errors else ""
        error = (
            f"Batch API batch {batch.id} (round {rnd.round} of job {self.job.id}) ended "
            f"'{batch.status}'{why}. Its {len(requests)} reps are marked failed; run the job "
            "again (`copilot plans --via batch-api`, or POST /v1/batches) to send them again."
        )
        rows.record_end(self.store, rnd.id, batch, error)
        for r in requests:
            self._finish(r.rep_id, ItemOutcome(state="failed", error=error[:1000]))
        raise RemoteBatchFailedError(error)


def run_remote(
    drafter: Drafter, job_id: str, opts: RunOptions | None = None, api: OpenAIBatchApi | None = None
) -> bool:
    """Run (or resume) a job through the Batch API; False when another live process holds it."""
    opts = opts or RunOptions()
    services = drafter.services
    api = api or OpenAIBatchApi(services.settings)
    _warm(services)
    with db.leased(services.store, job_id) as lease:
        if lease is None:
            return False
        try:
            lease.finished = _Run(drafter, api, lease.job, lease.runner, opts).run()
        except RemoteBatchFailedError:
            lease.finished = True  # the job ends failed; its failed reps are retried next run
            raise
    return True


def run_via(
    drafter: Drafter, job_id: str, opts: RunOptions | None = None, via: Via = "live"
) -> bool:
    """Run a job live (one model call at a time) or through the Batch API."""
    if via == "batch-api":
        return run_remote(drafter, job_id, opts)
    return run_job(drafter, job_id, opts)
