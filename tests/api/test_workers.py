"""`copilot serve --workers N`: several processes over PostgreSQL and a Chroma server share
the rate limit, the batch leases and the idempotency keys; killed mid-batch, a worker's job is
taken over with no plan lost or stored twice. The embedded stores are refused."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
import typer
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from typer.testing import CliRunner

from copilot.api.app import create_app
from copilot.api.limits import SqlRateLimiter
from copilot.api.tokens import create_token
from copilot.batch import queue as db
from copilot.cli.service import add_lease_sweep, serve, shared_stores_problem
from copilot.components import Services
from copilot.settings import Settings, get_settings
from copilot.store.tables import BatchItem, BatchJob, Draft, RateHit
from tests.store import backends
from tests.support.batchdata import load, plan_team
from tests.support.fake_openai import Script, fake_openai_server
from tests.support.fakes import FakeChatModel
from tests.support.teamdata import settings_for

pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"])]
MONTH = "2026-12"
REPS = 10
LIMIT = 20


class SlowReplies(list[Any]):
    """The fake model's replies: "{}" every time, each after `delay` seconds, like a model
    generating (a batch lasts long enough to kill a worker in the middle)."""

    def __init__(self, delay: float) -> None:
        super().__init__(["{}"])
        self.delay = delay

    def pop(self, index: Any = -1) -> Any:
        time.sleep(self.delay)
        return "{}"


def test_several_workers_refuse_the_embedded_stores(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("COPILOT_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    cli = typer.Typer()
    cli.command()(serve)
    try:
        result = CliRunner().invoke(cli, ["--workers", "2"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert "COPILOT_DATABASE_URL=postgresql+psycopg://" in said and "COPILOT_CHROMA_URL=" in said
    assert not (tmp_path / "data").exists()  # refused before touching anything
    pg = settings_for(tmp_path).model_copy(update={"database_url": "postgresql+psycopg://h/db"})
    only_chroma = shared_stores_problem(pg, 2) or ""
    assert "COPILOT_CHROMA_URL" in only_chroma and "COPILOT_DATABASE_URL" not in only_chroma
    shared = pg.model_copy(update={"chroma_url": "http://127.0.0.1:8001"})
    assert shared_stores_problem(shared, 2) is None and shared_stores_problem(pg, 1) is None


def test_the_sql_rate_limit_counts_one_window_for_every_limiter(services: Services) -> None:
    now = [1000.0]
    first, second = (SqlRateLimiter(services.store, 3, clock=lambda: now[0]) for _ in range(2))
    assert [first.hit("tok"), second.hit("tok"), first.hit("tok")] == [None, None, None]
    assert second.hit("tok") == pytest.approx(60.0)  # the other "process" saw all three
    assert first.hit("other") is None  # per token
    now[0] += 30.0
    assert first.hit("tok") == pytest.approx(30.0)
    now[0] += 30.0
    assert second.hit("tok") is None  # the window slid past the first three
    with services.store.sessions() as session:
        assert session.scalar(select(func.count()).select_from(RateHit)) == 2


def _dead_pid() -> int:
    """The pid of a process that has exited and been reaped."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_running_worker_takes_over_the_batch_of_a_dead_one(
    services: Services, tmp_path: Path
) -> None:
    load(services, plan_team("alpha", 3), tmp_path / "files")
    model = FakeChatModel()
    model.enqueue(*["{}"] * 40)
    app = create_app(services=services, model_factory=lambda: model)
    add_lease_sweep(app, every=0.5)
    with TestClient(app):  # started: its start-up resume ran before the job existed
        job, _ = db.submit(services.store, "alpha", MONTH)
        dead = f"{socket.gethostname()}:{_dead_pid()}:x"  # a lease whose process is gone
        with services.store.sessions.begin() as session:
            session.execute(
                update(BatchJob).where(BatchJob.id == job.id).values(runner=dead, status="running")
            )

        def done() -> bool:
            with services.store.sessions() as session:
                found = session.get(BatchJob, job.id)
                return found is not None and found.status == "done"

        deadline = time.monotonic() + 60
        while not done():
            assert time.monotonic() < deadline, "no worker took the dead one's batch over"
            time.sleep(0.1)
    with services.store.sessions() as session:
        plans = session.scalar(select(func.count()).select_from(Draft).where(Draft.kind == "plan"))
    assert plans == 3


@pytest.fixture
def shared(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Settings]:
    """Settings on PostgreSQL and the Chroma server, as several workers need them."""
    base = settings_for(tmp_path / "data")
    with backends.backend_settings(base, "postgresql", "server", request.getfixturevalue) as s:
        yield s


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start(settings: Settings, llm_url: str, port: int) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COPILOT_", "OPENAI_"))}
    env |= {
        "COPILOT_DATA_DIR": str(settings.data_dir),
        "COPILOT_DATABASE_URL": str(settings.database_url),
        "COPILOT_CHROMA_URL": str(settings.chroma_url),
        "COPILOT_LLM_BASE_URL": llm_url,
        "COPILOT_LLM_MODEL": "fake",
        "COPILOT_LLM_MAX_RETRIES": "0",
        "COPILOT_AS_OF": "2026-11-20",
        "COPILOT_API_RATE_LIMIT": str(LIMIT),
    }
    code = "import typer; from copilot.cli.service import serve; typer.run(serve)"
    args = ["--host", "127.0.0.1", "--port", str(port), "--workers", "2"]
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_for(what: str, check: Any, timeout: float, server: subprocess.Popen[str]) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server exited"
        try:
            found = check()
        except httpx.TransportError:
            found = None
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"no {what} within {timeout} s")


def test_a_killed_workers_batch_is_taken_over_with_none_lost_or_doubled(
    shared: Settings, tmp_path: Path
) -> None:
    services = Services(shared)
    services.store.create_schema()
    paths = plan_team("alpha", REPS, abstainers=1).write(tmp_path / "files")
    mia = {"Authorization": f"Bearer {create_token(services.store, 'Mia', 'alpha')}"}
    lee = {"Authorization": f"Bearer {create_token(services.store, 'Lee', 'alpha')}"}
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    script = Script(replies=SlowReplies(0.4))
    with fake_openai_server(script) as llm_url:
        server = _start(shared, llm_url, port)
        try:
            _wait_for(
                "/healthz", lambda: httpx.get(f"{base}/healthz").status_code == 200, 180, server
            )
            files = [("files", (p.name, p.read_bytes())) for p in paths]
            imported = httpx.post(f"{base}/v1/ingest", files=files, headers=mia, timeout=120)
            assert imported.status_code == 200, imported.text
            body = {"month": MONTH, "concurrency": 1}
            with ThreadPoolExecutor(2) as pool:  # the same batch submitted twice at once
                answers = list(
                    pool.map(
                        lambda _: httpx.post(
                            f"{base}/v1/batches", json=body, headers=mia, timeout=60
                        ),
                        range(2),
                    )
                )
            assert [a.status_code for a in answers] == [202, 202], answers[0].text
            assert answers[0].json()["id"] == answers[1].json()["id"]
            replayed = sorted(a.headers["Idempotent-Replayed"] for a in answers)
            assert replayed == ["false", "true"]
            job_id = answers[0].json()["id"]

            def lease_mid_batch() -> str | None:
                with services.store.sessions() as session:
                    job = session.get(BatchJob, job_id)
                    done = (job.counts or {}).get("done", 0) if job else 0
                    return job.runner if job and job.runner and done >= 3 else None

            runner = _wait_for("batch progress", lease_mid_batch, 180, server)
            killed = int(runner.split(":")[1])
            assert killed != server.pid  # a worker, not the supervisor
            os.kill(killed, signal.SIGKILL)
            runners = {runner}

            def finished() -> bool:
                with services.store.sessions() as session:
                    job = session.get(BatchJob, job_id)
                    assert job is not None
                    if job.runner:
                        runners.add(job.runner)
                    return job.status == "done"

            _wait_for("the taken-over batch to finish", finished, 300, server)
            # the rate limit is one for every worker: LIMIT requests pass, the rest get 429
            statuses = [
                httpx.get(f"{base}/v1/batches", headers=lee, timeout=30).status_code
                for _ in range(LIMIT + 5)
            ]
        finally:
            server.send_signal(signal.SIGINT)
            try:
                output, _ = server.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
                output, _ = server.communicate()
    assert len({r.split(":")[1] for r in runners}) >= 2, (runners, output[-3000:])
    with services.store.sessions() as session:
        assert session.scalar(select(func.count()).select_from(BatchJob)) == 1
        items = session.execute(select(BatchItem.rep_id, BatchItem.state)).all()
        plans = session.execute(
            select(Draft.rep_id, func.count()).where(Draft.kind == "plan").group_by(Draft.rep_id)
        ).all()
    assert sorted(state for _, state in items) == ["done"] * REPS + ["skipped"]
    assert sorted(plans) == sorted((rep, 1) for rep, state in items if state == "done")
    assert statuses.count(200) == LIMIT and statuses.count(429) == 5
