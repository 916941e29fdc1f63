"""The board (`GET /v1/reps`) is diagnosed once per data version: repeated requests reuse it,
a write to the team's records rebuilds it, another team's write does not, and the rep routes
read it without diagnosing again. And the long routes (board, check) do no work for a client
that has disconnected."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
import pytest
from fastapi.testclient import TestClient

from copilot.api.reps import BOARD
from copilot.components import Services
from copilot.guard.knowledge import TEAM_FACTS
from copilot.records.ingest import ingest
from tests.support.api_support import app_for, bearer
from tests.support.api_world import always_model
from tests.support.teamdata import TeamFiles


@pytest.fixture
def client(services: Services, two_teams: TeamFiles, tmp_path: Path) -> TestClient:
    ingest(services.store, services.indexer, two_teams.write(tmp_path / "in"))
    return TestClient(app_for(services, always_model()))


def _builds(services: Services) -> int:
    return services.store.derived.builds[BOARD]


def test_requests_reuse_one_diagnosis_of_the_team(services: Services, client: TestClient) -> None:
    alpha = bearer(services, "alpha")
    first = client.get("/v1/reps", headers=alpha).json()
    for _ in range(4):
        assert client.get("/v1/reps", headers=alpha).json() == first
    assert client.get("/v1/reps/A1", headers=alpha).status_code == 200
    assert client.get("/v1/reps/A2/diagnosis", headers=alpha).status_code == 200
    assert _builds(services) == 1
    assert {r["rep_id"] for r in first} == {"A1", "A2"}


def test_a_write_rebuilds_the_board_once(
    services: Services, client: TestClient, tmp_path: Path
) -> None:
    alpha = bearer(services, "alpha")
    before = client.get("/v1/reps/A2", headers=alpha).json()
    note = {
        "call_id": "CA5",
        "date": "2026-11-02",
        "account": "Fabrikam",
        "stage": "demo",
        "source": "observed",
        "summary": "Demo went well.",
    }
    assert client.post("/v1/reps/A2/calls", headers=alpha, json=note).status_code == 201
    after = client.get("/v1/reps/A2", headers=alpha).json()
    client.get("/v1/reps", headers=alpha)
    assert len(after["calls"]) == len(before["calls"]) + 1
    assert _builds(services) == 2


def test_another_teams_write_keeps_this_board(
    services: Services, client: TestClient, tmp_path: Path
) -> None:
    alpha = bearer(services, "alpha")
    client.get("/v1/reps", headers=alpha)
    more = TeamFiles()
    more.call("CB7", "B1", summary="Renewal call.")
    ingest(services.store, services.indexer, more.write(tmp_path / "beta"))
    client.get("/v1/reps", headers=alpha)
    assert _builds(services) == 1


def test_another_teams_rep_is_still_not_found(services: Services, client: TestClient) -> None:
    alpha = bearer(services, "alpha")
    client.get("/v1/reps", headers=alpha)
    foreign = client.get("/v1/reps/B1", headers=alpha)
    missing = client.get("/v1/reps/ZZ9", headers=alpha)
    assert foreign.status_code == missing.status_code == 404
    assert str(_error(foreign)).replace("B1", "ZZ9") == str(_error(missing))


def _error(response: Any) -> dict[str, Any]:
    return {k: v for k, v in response.json()["error"].items() if k != "correlation_id"}


def _asgi(app: Any, method: str, path: str, headers: dict[str, str], body: Any, gone: bool) -> int:
    """Send one request straight to the app; `gone`: the client disconnects once the body is
    read. Returns the status the app answered."""
    sent: list[dict[str, Any]] = []
    received = 0

    async def receive() -> dict[str, Any]:
        nonlocal received
        received += 1
        if received == 1:
            data = b"" if body is None else json.dumps(body).encode()
            return {"type": "http.request", "body": data, "more_body": False}
        if gone:
            return {"type": "http.disconnect"}
        await anyio.sleep_forever()
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [*raw, (b"content-type", b"application/json")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    anyio.run(app, scope, receive, send)
    return int(next(m["status"] for m in sent if m["type"] == "http.response.start"))


@pytest.mark.parametrize("gone", [True, False])
def test_work_for_a_client_gone_stops(services: Services, client: TestClient, gone: bool) -> None:
    """A check or a board whose client disconnected does no work; a connected one does."""
    alpha, app = bearer(services, "alpha"), client.app
    body = {"rep_id": "A1", "kind": "questions", "draft": "What happened at Northwind?"}
    checked = _asgi(app, "POST", "/v1/check", alpha, body, gone)
    listed = _asgi(app, "GET", "/v1/reps", alpha, None, gone)
    builds = services.store.derived.builds
    if gone:
        assert (checked, listed) == (499, 499)
        assert builds[TEAM_FACTS] == builds[BOARD] == 0
    else:
        assert (checked, listed) == (200, 200)
        assert builds[TEAM_FACTS] == builds[BOARD] == 1
