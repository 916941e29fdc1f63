"""Limits and hygiene: 413 bodies, 429 with Retry-After, and error bodies and logs that carry a
correlation id but no traceback, SQL, prompt or personal data (UC-1, TI-6)."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from langchain_core.language_models.chat_models import BaseChatModel

from copilot.api.app import create_app
from copilot.components import Services
from tests.support.api_world import World, build_world
from tests.support.teamdata import TeamFiles

PERSONAL = ("Jane Roe", "+1-555-0142", "jane.roe@private.example", "1985-04-12")
SECRET = "sk-live-SECRET-9f8e7d"


@pytest.fixture
def world(services: Services, two_teams: TeamFiles, tmp_path: Path) -> World:
    two_teams.call(
        "CA9",
        "A1",
        account="Roe Holdings",
        summary="Jane Roe (born 1985-04-12) asked for a callback on +1-555-0142.",
        manager_notes="Her private email is jane.roe@private.example.",
    )
    return build_world(services, two_teams, tmp_path)


def test_oversized_body_is_413_fast_with_no_model_call(world: World) -> None:
    body = b"x" * 11_000_000
    calls = len(world.model.sent)
    with TestClient(world.app) as client:
        started = time.monotonic()
        got = client.post(
            "/v1/ingest",
            content=body,
            headers=world.alpha | {"Content-Type": "multipart/form-data; boundary=x"},
        )
        seconds = time.monotonic() - started
    assert got.status_code == 413
    assert "COPILOT_API_MAX_BODY_BYTES" in got.json()["error"]["message"]
    assert got.json()["error"]["correlation_id"]
    assert seconds < 2.0
    assert len(world.model.sent) == calls


def test_rate_limit_is_429_with_retry_after(world: World) -> None:
    settings = world.services.settings.model_copy(update={"api_rate_limit": 3})
    app = create_app(world.services, lambda: world.model, settings)
    with TestClient(app) as client:
        codes = [client.get("/v1/reps", headers=world.alpha).status_code for _ in range(4)]
        limited = client.get("/v1/reps", headers=world.alpha)
        other = client.get("/v1/reps", headers=world.beta)
    assert codes == [200, 200, 200, 429]
    assert limited.status_code == 429 and 1 <= int(limited.headers["Retry-After"]) <= 60
    assert "COPILOT_API_RATE_LIMIT" in limited.json()["error"]["message"]
    assert other.status_code == 200  # per manager, not global


def _boom() -> BaseChatModel:
    raise RuntimeError(f"key {SECRET} rejected for Jane Roe: SELECT * FROM reps; prompt=...")


def test_internal_error_body_and_logs_have_only_the_correlation_id(
    world: World, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.INFO)
    app = create_app(world.services, _boom)
    with TestClient(app) as client:  # raises if the exception escaped to the server
        got = client.post(
            "/v1/reps/A1/drafts/questions",
            json={},
            headers=world.alpha | {"X-Request-ID": "req-12345678"},
        )
    assert got.status_code == 500
    assert got.json() == {
        "error": {
            "code": "internal",
            "message": "internal error; quote the correlation id",
            "correlation_id": "req-12345678",
        }
    }
    captured = capfd.readouterr()
    for sink in (got.text, caplog.text, captured.out, captured.err):
        assert SECRET not in sink and "Jane Roe" not in sink and "SELECT" not in sink
        assert "Traceback" not in sink
    assert "req-12345678" in caplog.text


def test_personal_data_in_notes_reaches_no_log_and_no_error(
    world: World, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG, logger="copilot")
    bad_row = json.dumps({"call_id": "CA9", "rep_id": "B1", "date": "2026-10-14"}) + "\n"
    with TestClient(world.app) as client:
        for url in (
            "/v1/reps/A1?transcripts=true",
            "/v1/reps/A1/diagnosis",
            "/v1/reps/ZZ/diagnosis",
        ):
            assert client.get(url, headers=world.alpha).status_code in {200, 404}
        assert client.post("/v1/reps/A1/drafts/questions", headers=world.alpha).status_code == 200
        failed = client.post(
            "/v1/ingest", files=[("files", ("calls.jsonl", bad_row.encode()))], headers=world.alpha
        )
        wrong = client.post(
            "/v1/check",
            json={"rep_id": "A1", "kind": "plan", "draft": {"x": 1}},
            headers=world.alpha,
        )
    assert failed.status_code == 422 and wrong.status_code == 200
    captured = capfd.readouterr()
    for sink in (caplog.text, captured.out, captured.err, failed.text):
        assert not [p for p in PERSONAL if p in sink]
