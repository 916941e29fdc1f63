"""A model slower than the draft deadline, through the HTTP API: a draft, a month's batch and a
chat answer each end in the composer's grounded text within the deadline's bound, never a 504
and never the late model's text."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from copilot.components import Services
from copilot.records.ingest import ingest
from tests.support.api_support import app_for, bearer
from tests.support.batchdata import load, plan_team
from tests.support.fakes import FakeChatModel
from tests.support.teamdata import TeamFiles

DEADLINE = 0.4
SLOW: dict[str, Any] = {"content": "A late answer about LATE-MODEL-TEXT.", "sleep": DEADLINE + 0.3}
BOUND_S = 15.0  # the deadline, the composer and a loaded CI machine


@pytest.fixture
def slow(
    services: Services, two_teams: TeamFiles, tmp_path: Path
) -> Iterator[tuple[TestClient, FakeChatModel, dict[str, str]]]:
    fast = services.settings.model_copy(update={"draft_deadline": DEADLINE})
    slow_services = Services(fast, services.embedder)
    ingest(slow_services.store, slow_services.indexer, two_teams.write(tmp_path / "in"))
    model = FakeChatModel()
    model.enqueue(*[SLOW] * 40)
    with TestClient(app_for(slow_services, model)) as client:
        yield client, model, bearer(slow_services, "alpha", "Alice Alpha")


def test_a_draft_past_its_deadline_is_the_composers(
    slow: tuple[TestClient, FakeChatModel, dict[str, str]],
) -> None:
    client, _, alpha = slow
    started = time.monotonic()
    got = client.post("/v1/reps/A1/drafts/questions", json={}, headers=alpha)
    assert time.monotonic() - started < BOUND_S
    assert got.status_code == 200, got.text
    assert got.json()["source"] == "composer" and got.json()["guard"]["passed"]
    assert "LATE-MODEL-TEXT" not in got.text


def test_a_batch_past_its_deadlines_fails_no_rep(
    slow: tuple[TestClient, FakeChatModel, dict[str, str]],
) -> None:
    client, _, _ = slow
    services = client.app.state.copilot.services  # type: ignore[attr-defined]
    load(services, plan_team("gamma", 3), services.settings.data_dir / "gamma")
    gamma = bearer(services, "gamma", "Gil Gamma")
    job = client.post("/v1/batches", json={"month": "2026-12"}, headers=gamma).json()
    deadline = time.monotonic() + BOUND_S * 2
    while True:
        view = client.get(f"/v1/batches/{job['id']}", headers=gamma).json()
        if view["finished_at"] is not None:
            break
        assert time.monotonic() < deadline, view
        time.sleep(0.1)
    assert (view["counts"]["done"], view["counts"]["failed"]) == (3, 0), str(view)
    assert {r["source"] for r in view["results"]} == {"composer"}
    assert "LATE-MODEL-TEXT" not in str(view)


def test_a_chat_answer_past_its_deadline_is_the_composers(
    slow: tuple[TestClient, FakeChatModel, dict[str, str]],
) -> None:
    client, _, alpha = slow
    started = time.monotonic()
    with client.stream("POST", "/v1/reps/A1/chat", json={"message": "q"}, headers=alpha) as r:
        body = r.read().decode()
    assert time.monotonic() - started < BOUND_S
    assert "event: done" in body and '"source":"composer"' in body
    assert "LATE-MODEL-TEXT" not in body
