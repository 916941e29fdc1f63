"""Drafts in flight for the pages: each runs on its own thread while the page polls its state,
so the manager watches progress instead of a spinning request. Scoped by team."""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from fastapi import FastAPI

from copilot.errors import CopilotError

log = logging.getLogger("copilot.web")
JobState = Literal["running", "done", "failed"]
KEEP_SECONDS = 3600  # finished jobs are forgotten after this


@dataclass
class DraftJob:
    """One draft being written for a team's rep."""

    job_id: str
    team: str
    rep_id: str
    kind: str
    started: float = field(default_factory=time.monotonic)
    state: JobState = "running"
    draft_id: int | None = None
    error: str | None = None

    def elapsed(self) -> int:
        return int(time.monotonic() - self.started)


class DraftJobs:
    """The jobs of this process."""

    def __init__(self) -> None:
        self._jobs: dict[str, DraftJob] = {}
        self._lock = threading.Lock()

    def start(self, team: str, rep_id: str, kind: str, work: Callable[[], int]) -> DraftJob:
        """Run `work` (which returns the stored draft's id) on a thread."""
        job = DraftJob(secrets.token_hex(8), team, rep_id, kind)
        with self._lock:
            self._forget_old()
            self._jobs[job.job_id] = job
        threading.Thread(target=self._run, args=(job, work), daemon=True).start()
        return job

    def _run(self, job: DraftJob, work: Callable[[], int]) -> None:
        try:
            job.draft_id = work()
            job.state = "done"
        except CopilotError as exc:  # our errors are written for the manager
            job.error, job.state = str(exc), "failed"
        except Exception:
            log.exception("draft job %s failed", job.job_id)
            job.error, job.state = "the draft failed unexpectedly; try again", "failed"

    def get(self, job_id: str, team: str) -> DraftJob | None:
        """The team's job; another team's is None, like a missing one."""
        job = self._jobs.get(job_id)
        return job if job is not None and job.team == team else None

    def _forget_old(self) -> None:
        cutoff = time.monotonic() - KEEP_SECONDS
        for key in [
            k for k, j in self._jobs.items() if j.state != "running" and j.started < cutoff
        ]:
            del self._jobs[key]


def jobs_of(app: FastAPI) -> DraftJobs:
    """The app's draft jobs, made on first use."""
    jobs: DraftJobs | None = getattr(app.state, "web_draft_jobs", None)
    if jobs is None:
        jobs = app.state.web_draft_jobs = DraftJobs()
    return jobs
