"""The batch engine: one draft per rep, reuse without a model call, abstainers skipped,
failures retried, leases, racing submits, plan changes, and kill-and-resume in a subprocess."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from copilot.batch import queue as db
from copilot.batch.engine import RunOptions, run_job
from copilot.batch.views import detail, plan_change, previous_month
from copilot.components import Services
from copilot.drafting.pipeline import Drafter, DraftRequest
from copilot.errors import ModelUnavailableError
from copilot.settings import PROJECT_ROOT
from copilot.store.tables import BatchJob, Draft
from tests.support.batchdata import load, plan_team
from tests.support.fake_openai import Script, fake_openai_server
from tests.support.fakes import FakeChatModel

MONTH = "2026-12"


@pytest.fixture
def team(services: Services, tmp_path: Path) -> Services:
    """Team alpha: 5 reps with a focus and one with no activity (abstains)."""
    load(services, plan_team("alpha", 5, abstainers=1), tmp_path / "files")
    return services


def _model(calls: int = 40) -> FakeChatModel:
    model = FakeChatModel()
    model.enqueue(*["{}"] * calls)  # invalid twice per rep: repaired once, then composed
    return model


def _plans(services: Services, month: str = MONTH) -> list[tuple[str, int]]:
    with services.store.sessions() as s:
        query = (
            select(Draft.rep_id, func.count())
            .where(Draft.kind == "plan", Draft.period == month)
            .group_by(Draft.rep_id)
        )
        return sorted((rep, int(n)) for rep, n in s.execute(query))


def test_each_rep_gets_one_draft_and_a_rerun_is_a_no_op(team: Services) -> None:
    model = _model()
    job, created = db.submit(team.store, "alpha", MONTH)
    assert created
    assert run_job(Drafter(team, model), job.id, RunOptions(concurrency=3))
    assert _plans(team) == [(f"A{i:03d}", 1) for i in range(5)]
    with team.store.sessions() as s:
        view = detail(s, db.get_job(s, job.id))
    assert view.status == "done"
    assert (view.counts.done, view.counts.skipped, view.counts.failed) == (5, 1, 0)
    skipped = [r for r in view.results if r.state == "skipped"]
    assert [r.rep_id for r in skipped] == ["AX00"] and "abstains" in (skipped[0].reason or "")
    assert all(r.draft_id and r.source == "composer" for r in view.results if r.state == "done")
    calls = len(model.sent)
    assert calls == 10
    assert run_job(Drafter(team, model), job.id)
    assert len(model.sent) == calls and _plans(team) == [(f"A{i:03d}", 1) for i in range(5)]


def test_a_stored_plan_is_reused_without_a_model_call(team: Services) -> None:
    model = _model()
    first = Drafter(team, model).draft(DraftRequest("plan", "A002", team="alpha", month=MONTH))
    before = len(model.sent)
    job, _ = db.submit(team.store, "alpha", MONTH)
    run_job(Drafter(team, model), job.id)
    assert len(model.sent) - before == 8  # four reps, two rounds each; A002 none
    with team.store.sessions() as s:
        item = next(r for r in detail(s, db.get_job(s, job.id)).results if r.rep_id == "A002")
    assert item.reused and item.draft_id == first.draft_id


def test_a_failed_rep_is_recorded_and_retried_on_the_next_run(team: Services) -> None:
    model = FakeChatModel()
    model.enqueue(ModelUnavailableError("the model endpoint answered 503"), *["{}"] * 40)
    job, _ = db.submit(team.store, "alpha", MONTH)
    run_job(Drafter(team, model), job.id, RunOptions(concurrency=1))
    with team.store.sessions() as s:
        view = detail(s, db.get_job(s, job.id))
    assert view.status == "failed"
    assert [(f.rep_id, f.reason) for f in view.failures] == [
        ("A000", "the model endpoint answered 503")
    ]
    run_job(Drafter(team, model), job.id)
    with team.store.sessions() as s:
        view = detail(s, db.get_job(s, job.id))
    assert view.status == "done" and not view.failures
    assert next(r for r in view.results if r.rep_id == "A000").attempts == 2


def test_a_live_lease_is_respected_and_a_dead_one_taken_over(team: Services) -> None:
    job, _ = db.submit(team.store, "alpha", MONTH)
    host = db.runner_id().split(":")[0]
    for holder, live in (
        (f"{host}:{os.getppid()}:aa", True),  # the test runner's parent is alive
        (f"{host}:{os.getpid()}:bb", False),  # this process, but no run of that name
        (f"{host}:{2**22 + 17}:cc", False),  # no such process
    ):
        with team.store.sessions.begin() as s:
            s.get(BatchJob, job.id).runner = holder  # type: ignore[union-attr]
        assert (db.claim(team.store, job.id, "me:1:x") is None) is live


def test_racing_submits_create_one_job(team: Services) -> None:
    barrier, ids = threading.Barrier(8), []

    def submit() -> None:
        barrier.wait()
        ids.append(db.submit(team.store, "alpha", MONTH)[0].id)

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(ids)) == 1 and len(ids) == 8
    with team.store.sessions() as s:
        assert s.scalar(select(func.count()).select_from(BatchJob)) == 1


def test_the_same_key_for_another_month_is_refused(team: Services) -> None:
    job, _ = db.submit(team.store, "alpha", MONTH, key="k1")
    assert db.submit(team.store, "alpha", MONTH, key="k1")[0].id == job.id
    assert db.submit(team.store, "alpha", MONTH, key="k2")[0].id == job.id
    with pytest.raises(db.IdempotencyConflictError):
        db.submit(team.store, "alpha", "2027-01", key="k1")


def test_plan_change_against_last_month() -> None:
    def payload(focus: str, base: float, target: float, *actions: str) -> dict[str, object]:
        metric = {"name": "discovery", "baseline": base, "target": target}
        return {"focus": focus, "metric": metric, "weekly_actions": [{"text": a} for a in actions]}

    before = Draft(id=3, period="2026-11", payload=payload("discovery", 0.2, 0.3, "Ask why", "B"))
    change = plan_change(before, payload("closing", 0.25, 0.3, "ask  WHY", "C"))
    assert change.focus_changed and (change.focus_before, change.focus_after) == (
        "discovery",
        "closing",
    )
    assert (change.metric.baseline_delta, change.metric.target_delta) == (0.05, 0.0)
    assert (change.actions_added, change.actions_removed) == (["C"], ["B"])
    assert (previous_month("2027-01"), previous_month("2026-12")) == ("2026-12", "2026-11")


def test_each_plan_shows_its_change_from_last_month(team: Services) -> None:
    model = _model(80)
    for month in ("2026-11", MONTH):
        job, _ = db.submit(team.store, "alpha", month)
        run_job(Drafter(team, model), job.id)
    with team.store.sessions() as s:
        view = detail(s, db.get_job(s, job.id))
    changes = [r.change for r in view.results if r.state == "done"]
    assert len(changes) == 5
    assert all(c is not None and c.previous_month == "2026-11" for c in changes)
    assert all(c is not None and not c.focus_changed for c in changes)


KILLS = [("replied", 1, 0.0), ("done", 1, 0.1), ("replied", 2, 0.0), ("claimed", 2, 0.2)]
KILLS += [("replied", 1, 0.0), ("done", 2, 0.05)]


class Worker:
    """`python -m copilot.batch.engine` in a subprocess, its JSON event lines read on a thread."""

    def __init__(self, data_dir: Path, job_id: str, url: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("COPILOT_", "OPENAI_"))}
        env |= {
            "COPILOT_LLM_BASE_URL": url,
            "COPILOT_LLM_MODEL": "fake",
            "COPILOT_LLM_MAX_RETRIES": "0",
            "COPILOT_AS_OF": "2026-11-20",
            "PYTHONPATH": str(PROJECT_ROOT),
        }
        args = ["--data-dir", str(data_dir), "--job", job_id, "--concurrency", "3"]
        args += ["--embeddings", "tests.support.fakes:FakeEmbeddings", "--commit-delay", "0.3"]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "copilot.batch.engine", *args],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.events.put(json.loads(line))
        self.proc.stdout.close()
        self.events.put({"event": "eof"})

    def kill_after(self, event: str, nth: int, pause: float) -> str | None:
        """SIGKILL after the nth `event`; the rep it was about, or None if the run ended first."""
        seen = 0
        while True:
            got = self.events.get(timeout=120)
            if got["event"] == "eof":
                self.proc.wait()
                return None
            seen += got["event"] == event
            if seen == nth:
                time.sleep(pause)
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()  # reaped: a zombie would still look alive to the lease check
                return str(got["rep"])

    def finish(self) -> dict[str, Any]:
        """Wait for the end of the run; its last event."""
        last: dict[str, Any] = {}
        while (got := self.events.get(timeout=180))["event"] != "eof":
            last = got
        self.proc.wait()
        return last


@pytest.fixture
def workers() -> Iterator[list[Worker]]:
    """Started workers; any still running when the test ends is killed."""
    started: list[Worker] = []
    yield started
    for worker in started:
        if worker.proc.poll() is None:
            worker.proc.kill()
        worker.proc.wait()


@pytest.mark.enable_socket
@pytest.mark.allow_hosts(["127.0.0.1"])
def test_killed_workers_resume_with_zero_lost_and_zero_duplicates(
    services: Services, tmp_path: Path, workers: list[Worker]
) -> None:
    load(services, plan_team("alpha", 12, abstainers=1), tmp_path / "files")
    job, _ = db.submit(services.store, "alpha", MONTH)
    script = Script()  # every reply "{}": two model calls a rep, then the composer's plan

    def worker() -> Worker:
        workers.append(Worker(services.settings.data_dir, job.id, url))
        return workers[-1]

    with fake_openai_server(script) as url:
        killed = []
        for event, nth, pause in KILLS:
            rep = worker().kill_after(event, nth, pause)
            if rep is not None:
                killed.append(event)
            if rep is not None and event == "replied":  # killed between reply and commit
                assert rep not in dict(_plans(services))
        assert len(killed) >= 5 and killed.count("replied") >= 3
        end = worker().finish()
        assert end["status"] == "done", end
        plans, calls = _plans(services), len(script.requests)
        assert plans == [(f"A{i:03d}", 1) for i in range(12)]  # zero lost, zero duplicated
        wasted = calls - 2 * 12
        assert 0 <= wasted <= 2 * 3 * len(killed), wasted
        print(f"kills={len(killed)} model_calls={calls} wasted={wasted}")  # shown with -s
        again = worker().finish()
        assert again["status"] == "done" and len(script.requests) == calls  # a no-op
    with services.store.sessions() as s:
        view = detail(s, db.get_job(s, job.id))
    assert (view.counts.done, view.counts.skipped, view.counts.total) == (12, 1, 13)
    assert _plans(services) == plans


def test_a_rep_past_its_deadline_gets_the_composers_plan(team: Services) -> None:
    """A model too slow for the draft deadline fails no rep: the composer writes the plan."""
    slow = Services(
        team.settings.model_copy(update={"draft_deadline": 0.3}), embedder=team.embedder
    )
    model = FakeChatModel()
    model.enqueue(*[{"content": "{}", "sleep": 0.4}] * 10)
    job, _ = db.submit(slow.store, "alpha", MONTH)
    assert run_job(Drafter(slow, model), job.id, RunOptions(concurrency=1))
    with slow.store.sessions() as s:
        view = detail(s, db.get_job(s, job.id))
    assert (view.counts.done, view.counts.failed) == (5, 0)
    assert all(r.source == "composer" for r in view.results if r.state == "done")
