"""The batch engine: drafts a job's monthly plans on a pool of workers, resumably.

Each rep is claimed, skipped when its plan is already stored (no model call), drafted, and
recorded; a crash anywhere leaves the rep pending or running, and the next run of the job
picks it up. The drafts table's unique key makes a second draft for a rep impossible.
`python -m copilot.batch --data-dir D --job ID` runs one job in its own process (tests kill it).
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from sqlalchemy.exc import IntegrityError

from copilot.batch import queue as db
from copilot.batch.queue import ItemOutcome
from copilot.components import Services
from copilot.drafting.assembly import AbstainError
from copilot.drafting.pipeline import Drafter, DraftRequest, DraftResult, draft_key
from copilot.drafting.specs import DraftSpec
from copilot.errors import CopilotError
from copilot.store.tables import BatchJob

log = logging.getLogger(__name__)
Events = Callable[[str, str], None]
Progress = Callable[[dict[str, int]], None]


@dataclass
class RunOptions:
    """How to run a job: workers, progress callback, stop signal, and trace events."""

    concurrency: int | None = None
    on_progress: Progress | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    events: Events | None = None


def _emit(opts: RunOptions, event: str, rep_id: str) -> None:
    if opts.events is not None:
        opts.events(event, rep_id)


def _draft_one(drafter: Drafter, team: str, month: str, rep_id: str) -> ItemOutcome:
    """Draft one rep's plan; the item's outcome."""
    try:
        result = drafter.draft(DraftRequest("plan", rep_id, team=team, month=month))
    except AbstainError as exc:
        return ItemOutcome(state="skipped", error=str(exc)[:1000])
    except IntegrityError:
        # another writer stored this rep's plan between our check and our insert: keep theirs
        return _reused(drafter.services, draft_key(team, rep_id, "plan", month)) or ItemOutcome(
            state="failed", error="draft conflict"
        )
    except CopilotError as exc:
        return ItemOutcome(state="failed", error=str(exc)[:1000])
    except Exception as exc:  # a bug must fail one rep, not the batch; details go to the log
        log.exception("batch draft failed for a rep")
        return ItemOutcome(state="failed", error=f"internal error ({type(exc).__name__})")
    return ItemOutcome(
        state="done",
        draft_id=result.draft_id,
        source=result.source,
        guard_passed=result.guard.passed,
        error=None,
    )


def _reused(services: Services, key: str) -> ItemOutcome | None:
    draft = db.stored_draft(services.store, key)
    if draft is None:
        return None
    passed = bool((draft.guard_report or {}).get("passed"))
    return ItemOutcome(
        state="done",
        draft_id=draft.id,
        source=draft.source,
        guard_passed=passed,
        reused=True,
        error=None,
    )


def _item(drafter: Drafter, job: BatchJob, rep_id: str, opts: RunOptions) -> None:
    store = drafter.services.store
    if opts.stop.is_set() or not db.claim_item(store, job.id, rep_id):
        return
    _emit(opts, "claimed", rep_id)
    key = draft_key(job.team, rep_id, job.kind, job.month)
    outcome = _reused(drafter.services, key) or _draft_one(drafter, job.team, job.month, rep_id)
    now = db.finish_item(store, job.id, rep_id, outcome)
    _emit(opts, outcome.state, rep_id)
    if opts.on_progress is not None:
        opts.on_progress(now)


def _warm(services: Services) -> None:
    """Build the lazily cached components before threads race to build them twice."""
    _ = services.store, services.diagnoser, services.retriever, services.indexer


def run_job(drafter: Drafter, job_id: str, opts: RunOptions | None = None) -> bool:
    """Run (or resume) a job to the end; False when another live process holds it."""
    opts = opts or RunOptions()
    services = drafter.services
    _warm(services)
    with db.leased(services.store, job_id) as lease:
        if lease is None:
            return False
        job = lease.job
        if opts.on_progress is not None:
            opts.on_progress(dict(job.counts))
        workers = opts.concurrency or job.concurrency or services.settings.batch_concurrency
        reps = db.pending(services.store, job_id)
        with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="batch") as pool:
            for future in [pool.submit(_item, drafter, job, r, opts) for r in reps]:
                future.result()
        lease.finished = not opts.stop.is_set()
    return True


class TracingDrafter(Drafter):
    """A drafter that reports, then waits, between the model's reply and the commit (tests)."""

    def __init__(
        self, services: Services, model: BaseChatModel, delay: float, events: Events
    ) -> None:
        super().__init__(services, model)
        self.delay = delay
        self.events = events

    def _store(self, req: DraftRequest, job: DraftSpec, result: DraftResult) -> int:
        self.events("replied", req.rep_id)
        time.sleep(self.delay)
        return super()._store(req, job, result)


def _embedder(spec: str | None) -> Any:
    if not spec:
        return None
    module, _, attr = spec.partition(":")
    return getattr(importlib.import_module(module), attr)()


def main(argv: list[str] | None = None) -> int:
    """Run one job in this process, printing one JSON line per event; exit 1 if a rep failed."""
    from copilot.llm.chat_model import build_chat_model
    from copilot.settings import get_settings

    parser = argparse.ArgumentParser(prog="python -m copilot.batch.engine")
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--job", required=True)
    parser.add_argument("--concurrency", type=int)
    parser.add_argument("--embeddings", help="MODULE:FACTORY of an embedder (tests)")
    parser.add_argument("--commit-delay", type=float, default=0.0, help="seconds (tests)")
    args = parser.parse_args(argv)
    settings = get_settings().model_copy(update={"data_dir": Path(args.data_dir)})
    services = Services(settings, embedder=_embedder(args.embeddings))

    lock = threading.Lock()

    def events(event: str, rep_id: str) -> None:
        with lock:  # one whole line per event, whichever worker thread reports it
            print(json.dumps({"event": event, "rep": rep_id}), flush=True)

    drafter = TracingDrafter(services, build_chat_model(settings), args.commit_delay, events)
    opts = RunOptions(concurrency=args.concurrency, events=events)
    if not run_job(drafter, args.job, opts):
        return 3
    with services.store.sessions() as session:
        job = db.get_job(session, args.job)
        print(json.dumps({"event": "end", "status": job.status, "counts": job.counts}), flush=True)
        return 0 if job.status == "done" else 1


if __name__ == "__main__":
    sys.exit(main())
