"""Concurrency the records database must hold on every engine (SQLite serialises writers and
hides races; PostgreSQL runs them at once): racing batch submits make one job, no rep is
claimed twice, and concurrent imports of the same file upsert to the same rows."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from sqlalchemy import func, select

from copilot.batch import queue as db
from copilot.components import Services
from copilot.records.ingest import ingest
from copilot.store.tables import Activity, BatchJob, Call, Commitment, Rep
from tests.support.batchdata import load, plan_team

MONTH = "2026-12"
RACERS = 8
T = TypeVar("T")


def _race(n: int, task: Callable[[int], T]) -> list[T]:
    """Run `task(i)` on n threads released at the same instant."""
    start = threading.Barrier(n)

    def run(i: int) -> T:
        start.wait()
        return task(i)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))


def test_racing_submits_make_one_job(services: Services, tmp_path: Path) -> None:
    load(services, plan_team("alpha", 4), tmp_path / "files")
    results = _race(RACERS, lambda _: db.submit(services.store, "alpha", MONTH))
    assert len({job.id for job, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    keyed = _race(RACERS, lambda _: db.submit(services.store, "alpha", "2027-01", key="k-1"))
    assert len({job.id for job, _ in keyed}) == 1
    with services.store.sessions() as session:
        assert session.scalar(select(func.count()).select_from(BatchJob)) == 2
        (job, _) = results[0]
        assert db.counts(session, job.id)["pending"] == 4  # items listed once, not per racer


def test_two_runners_never_claim_the_same_job_or_rep(services: Services, tmp_path: Path) -> None:
    load(services, plan_team("alpha", 6), tmp_path / "files")
    job, _ = db.submit(services.store, "alpha", MONTH)
    runners = [db.runner_id() for _ in range(RACERS)]
    db.LIVE.update(runners)  # every racer's process (this one) is alive: no lease is stale
    try:
        leases = _race(RACERS, lambda i: db.claim(services.store, job.id, runners[i]))
        assert sum(lease is not None for lease in leases) == 1
        reps = db.pending(services.store, job.id)
        claims = _race(
            RACERS,
            lambda i: [r for r in reps if db.claim_item(services.store, job.id, r)],
        )
    finally:
        db.LIVE.difference_update(runners)
    claimed = [rep for per_runner in claims for rep in per_runner]
    assert sorted(claimed) == sorted(reps)  # each rep exactly once, whoever won it


def test_concurrent_imports_of_the_same_files_upsert_once(
    services: Services, tmp_path: Path
) -> None:
    files = plan_team("alpha", 5)
    files.session("S1", "A000", "2026-10-01", [("K1", "2026-10-15", "done")])
    paths = files.write(tmp_path / "files")
    errors: list[BaseException] = []

    def one(_: int) -> None:
        try:
            ingest(services.store, services.indexer, paths)
        except BaseException as exc:  # collected: the assertion below names it
            errors.append(exc)

    _race(4, one)
    assert not errors, errors
    again = ingest(services.store, services.indexer, paths)
    assert all(c.inserted == 0 and c.updated == 0 for c in again.files)
    with services.store.sessions() as session:

        def count(table: type) -> int:
            return int(session.scalar(select(func.count()).select_from(table)) or 0)

        assert (count(Rep), count(Call), count(Commitment)) == (5, 5, 1)
        assert count(Activity) == len(files.activity)
