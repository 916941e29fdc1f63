"""`/v1/batches`: submit, progress and results; idempotency; the team comes from the token."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from copilot.api.batches import workers_of
from copilot.batch import queue as db
from copilot.components import Services
from copilot.store.tables import BatchJob, Draft
from tests.support.api_support import app_for, bearer
from tests.support.batchdata import load, plan_team
from tests.support.fakes import FakeChatModel

MONTH = "2026-12"


@pytest.fixture
def teams(services: Services, tmp_path: Path) -> Services:
    """Alpha: 4 reps with a focus and one abstainer; beta: 2 reps."""
    load(services, plan_team("alpha", 4, abstainers=1), tmp_path / "alpha")
    load(services, plan_team("beta", 2), tmp_path / "beta")
    return services


@pytest.fixture
def client(teams: Services) -> TestClient:
    model = FakeChatModel()
    model.enqueue(*["{}"] * 200)
    return TestClient(app_for(teams, model))


def _jobs(services: Services) -> int:
    with services.store.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(BatchJob)) or 0)


def _finished(client: TestClient, job_id: str, headers: dict[str, str]) -> dict[str, object]:
    workers_of(client.app).join(job_id, 60)  # type: ignore[arg-type]
    got = client.get(f"/v1/batches/{job_id}", headers=headers)
    assert got.status_code == 200
    body: dict[str, object] = got.json()
    return body


def test_a_batch_drafts_every_rep_once_as_draft(teams: Services, client: TestClient) -> None:
    alpha = bearer(teams, "alpha")
    with client:
        posted = client.post("/v1/batches", json={"month": MONTH}, headers=alpha)
        assert posted.status_code == 202 and posted.json()["team"] == "alpha"
        assert posted.headers["Idempotent-Replayed"] == "false"
        body = _finished(client, posted.json()["id"], alpha)
        listed = client.get("/v1/batches", headers=alpha).json()
    assert body["status"] == "done" and body["failures"] == []
    assert body["counts"] == {
        "total": 5,
        "pending": 0,
        "running": 0,
        "done": 4,
        "skipped": 1,
        "failed": 0,
    }
    results = {r["rep_id"]: r for r in body["results"]}  # type: ignore[attr-defined]
    assert results["AX00"]["state"] == "skipped" and "abstains" in results["AX00"]["reason"]
    assert all(results[f"A{i:03d}"]["draft_id"] for i in range(4))
    assert [j["id"] for j in listed] == [posted.json()["id"]]
    with teams.store.sessions() as s:
        rows = s.execute(select(Draft.rep_id, Draft.status).where(Draft.kind == "plan")).all()
    assert sorted(rows) == [(f"A{i:03d}", "draft") for i in range(4)]


def test_double_submits_and_keys_return_one_job(teams: Services, client: TestClient) -> None:
    alpha = bearer(teams, "alpha")
    keyed = alpha | {"Idempotency-Key": "plans-dec"}
    answers: list[dict[str, str]] = []
    barrier = threading.Barrier(2)

    def post() -> None:
        barrier.wait()  # both requests leave together: well within 100 ms
        answers.append(client.post("/v1/batches", json={"month": MONTH}, headers=keyed).json())

    with client:
        threads = [threading.Thread(target=post) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        again = client.post("/v1/batches", json={"month": MONTH}, headers=keyed)
        unkeyed = client.post("/v1/batches", json={"month": MONTH}, headers=alpha)
        other = client.post("/v1/batches", json={"month": "2027-01"}, headers=keyed)
        _finished(client, again.json()["id"], alpha)
    assert len({a["id"] for a in answers} | {again.json()["id"], unkeyed.json()["id"]}) == 1
    assert again.headers["Idempotent-Replayed"] == "true"
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_conflict"
    assert _jobs(teams) == 1


def test_team_comes_from_the_token_on_every_route(teams: Services, client: TestClient) -> None:
    alpha, beta = bearer(teams, "alpha"), bearer(teams, "beta")
    with client:
        job = client.post("/v1/batches", json={"month": MONTH, "team": "alpha"}, headers=alpha)
        job_id = job.json()["id"]
        foreign = client.get(f"/v1/batches/{job_id}", headers=beta)
        missing = client.get("/v1/batches/bat_0000000000000000", headers=beta)
        injected = client.post(
            "/v1/batches", json={"month": "2027-02", "team": "alpha"}, headers=beta
        )
        listed = client.get("/v1/batches", headers=beta).json()
        _finished(client, job_id, alpha)
    assert job.status_code == 202
    assert foreign.status_code == missing.status_code == injected.status_code == 404
    assert foreign.json()["error"]["message"] == missing.json()["error"]["message"] == "not found"
    assert "alpha" not in foreign.text and "A000" not in foreign.text
    assert listed == [] and _jobs(teams) == 1  # the injected team wrote nothing


@pytest.mark.parametrize(
    ("method", "path"),
    [("post", "/v1/batches"), ("get", "/v1/batches"), ("get", "/v1/batches/bat_x")],
)
def test_every_batch_route_needs_a_token(client: TestClient, method: str, path: str) -> None:
    for headers in ({}, {"Authorization": "Bearer cpt_nope_nope"}):
        answer = client.request(method, path, json={"month": MONTH}, headers=headers)
        assert answer.status_code == 401


@pytest.mark.parametrize(
    "body",
    [{"month": "2026-13"}, {"month": "Dec 2026"}, {"month": MONTH, "extra": 1}, {}],
)
def test_a_bad_body_is_422(teams: Services, client: TestClient, body: dict[str, object]) -> None:
    answer = client.post("/v1/batches", json=body, headers=bearer(teams, "alpha"))
    assert answer.status_code == 422 and _jobs(teams) == 0


def test_a_team_without_reps_is_422(teams: Services, client: TestClient) -> None:
    answer = client.post("/v1/batches", json={"month": MONTH}, headers=bearer(teams, "gamma"))
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "no_reps"


def test_unfinished_jobs_resume_when_the_service_starts(teams: Services) -> None:
    job, _ = db.submit(teams.store, "alpha", MONTH)  # queued, as a crashed service left it
    model = FakeChatModel()
    model.enqueue(*["{}"] * 20)
    app = app_for(teams, model)
    with TestClient(app) as client:
        body = _finished(client, job.id, bearer(teams, "alpha"))
    assert body["status"] == "done" and len(model.sent) == 8
