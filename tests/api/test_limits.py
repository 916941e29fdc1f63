"""Limits and hygiene: 413 bodies (declared or chunked), 422 for deeply nested JSON, 429 with
Retry-After, no-sniff and no-store headers, backend failures as a bare 503, /docs served offline (and off by
setting), and error bodies and logs that carry a correlation id but no traceback, SQL, prompt or
personal data (UC-1, TI-6)."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from langchain_core.language_models.chat_models import BaseChatModel

from copilot.api.app import create_app
from copilot.components import Services
from copilot.errors import VectorStoreError
from copilot.retrieval.schemas import Chunk
from copilot.retrieval.vectors import ChromaVectors
from tests.support.api_world import World, build_world
from tests.support.fakes import FakeEmbeddings
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


def _chunks(total: int, size: int = 1_000_000) -> Iterator[bytes]:
    for _ in range(0, total, size):
        yield b"x" * size


def test_oversized_chunked_body_is_413_not_400(world: World) -> None:
    """No Content-Length: the cap trips while the route reads, and must still answer 413."""
    with TestClient(world.app) as client:
        multipart = client.post(
            "/v1/ingest",
            content=_chunks(11_000_000),
            headers=world.alpha | {"Content-Type": "multipart/form-data; boundary=x"},
        )
        as_json = client.post(
            "/v1/check",
            content=_chunks(11_000_000),
            headers=world.alpha | {"Content-Type": "application/json"},
        )
    for got in (multipart, as_json):
        assert got.status_code == 413, got.text
        assert got.json()["error"]["code"] == "body_too_large"
        assert "COPILOT_API_MAX_BODY_BYTES" in got.json()["error"]["message"]


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [33, 900, 200_000])  # the last is scanned off the loop
def test_deeply_nested_json_is_422_before_any_work(world: World, depth: int) -> None:
    body = '{"rep_id": "A1", "kind": "questions", "draft": {"a": ' + _nested(depth) + "}}"
    row = {"call_id": "CZ", "rep_id": "A1", "date": "2026-10-01", "account": "X", "stage": "s"}
    line = json.dumps(row | {"source": "self"})[:-1] + ', "summary": ' + _nested(depth) + "}\n"
    calls = len(world.model.sent)
    with TestClient(world.app) as client:
        checked = client.post(
            "/v1/check", content=body, headers=world.alpha | {"Content-Type": "application/json"}
        )
        chat = client.post(
            "/v1/chat/completions",
            content='{"model": "copilot:A1", "messages": ' + _nested(depth) + "}",
            headers=world.alpha | {"Content-Type": "application/json"},
        )
        imported = client.post(
            "/v1/ingest", files=[("files", ("calls.jsonl", line.encode()))], headers=world.alpha
        )
    for got in (checked, chat):
        assert got.status_code == 422, got.text
        assert "nests more than 32 levels" in got.json()["error"]["message"]
    assert imported.status_code == 422, imported.text
    assert imported.json()["error"]["details"] == [
        "calls.jsonl:1: the JSON nests more than 32 levels deep. Fix: write one flat object "
        "per line; only commitments hold a list of objects"
    ]
    assert len(world.model.sent) == calls


def test_json_at_the_depth_limit_is_checked_normally(world: World) -> None:
    draft = {"a": json.loads(_nested(30))}  # 32 levels with the body and the draft
    with TestClient(world.app) as client:
        got = client.post(
            "/v1/check",
            json={"rep_id": "A1", "kind": "questions", "draft": draft},
            headers=world.alpha,
        )
    assert got.status_code == 200, got.text


def test_responses_are_never_sniffed_or_cached(world: World) -> None:
    with TestClient(world.app) as client:
        answers = [
            client.get("/v1/reps/A1?transcripts=true", headers=world.alpha),
            client.get("/v1/reps", headers=world.alpha),
            client.get(f"/v1/drafts/{world.alpha_draft}", headers=world.alpha),
            client.get("/v1/reps/ZZ", headers=world.alpha),  # an error
            client.get("/v1/reps"),  # 401
            client.get("/healthz"),
        ]
    for got in answers:
        assert got.headers["x-content-type-options"] == "nosniff", got.url
        assert got.headers["cache-control"] == "no-store", got.url


class BrokenChroma(ChromaVectors):
    """Chroma whose writes fail with the kind of message Chroma's own errors carry."""

    def upsert(self, collection: str, chunks: Sequence[Chunk], vectors: Sequence[Any]) -> None:
        raise VectorStoreError(
            f"writing to {collection} failed: Batch size of 6000 is greater than max batch "
            "size of 5461 at /srv/copilot/chroma/chroma.sqlite3"
        )


def test_vector_store_failure_is_503_without_internals(
    world: World, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    settings = world.services.settings
    broken = Services(settings, FakeEmbeddings(), BrokenChroma(settings.chroma_path))
    app = create_app(broken, lambda: world.model)
    note = {
        "call_id": "CA5",
        "date": "2026-11-02",
        "account": "Initech",
        "stage": "discovery",
        "source": "observed",
        "summary": "Asked about the budget owner.",
    }
    with TestClient(app) as client:
        got = client.post("/v1/reps/A1/calls", json=note, headers=world.alpha)
    assert got.status_code == 503, got.text
    error = got.json()["error"]
    assert error["code"] == "backend_unavailable"
    assert error["message"] == "the vector store failed; try again later"
    for sink in (got.text, caplog.text):
        assert "5461" not in sink and "/srv/" not in sink and "team-alpha" not in sink
    assert error["correlation_id"] in caplog.text


def test_docs_are_served_offline_and_can_be_turned_off(world: World) -> None:
    """Swagger UI and ReDoc load their scripts and styles from the service, never a CDN."""
    with TestClient(world.app) as client:
        pages = [client.get(path) for path in ("/docs", "/redoc")]
        assets = [
            client.get(url).status_code
            for page in pages
            for url in re.findall(r'(?:src|href)="(/[^"]+\.(?:js|css))"', page.text)
        ]
        schema = client.get("/openapi.json")
    settings = world.services.settings.model_copy(update={"api_docs": False})
    with TestClient(create_app(world.services, lambda: world.model, settings)) as client:
        off = [client.get(path).status_code for path in ("/docs", "/redoc")]
    assert [p.status_code for p in pages] == [200, 200]
    assert not any(re.search(r"(?:src|href)=\"https?://", p.text) for p in pages)
    assert len(assets) >= 3 and set(assets) == {200}
    assert schema.status_code == 200 and "/v1/reps" in schema.json()["paths"]
    assert off == [404, 404]
