"""`/healthz` reports what is really broken: a data directory deleted or replaced under the
running service fails health, and every request then answers a clean 503 instead of writing
into files that no longer exist; a vector store that failed a write, or whose disk lacks room,
fails health until it has recovered."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from copilot.api.app import create_app
from copilot.components import Services
from copilot.errors import VectorStoreError
from copilot.retrieval.bounded import WriteLimits
from copilot.retrieval.vectors import ChromaVectors
from copilot.settings import Settings
from tests.reliability.support import FaultyChroma, out_of_step
from tests.support.api_world import World, build_world
from tests.support.fakes import FakeEmbeddings
from tests.support.teamdata import TeamFiles

NOTE = {
    "call_id": "CA6",
    "date": "2026-11-03",
    "account": "Initech",
    "stage": "discovery",
    "source": "observed",
    "summary": "Asked who signs off on the budget.",
}


@pytest.fixture
def world(services: Services, two_teams: TeamFiles, tmp_path: Path) -> World:
    return build_world(services, two_teams, tmp_path)


def test_healthz_names_each_component(world: World) -> None:
    with TestClient(world.app) as client:
        got = client.get("/healthz")
    assert got.status_code == 200
    assert got.json() == {"status": "ok", "database": "ok", "vectors": "ok"}


def test_deleted_data_directory_fails_health_and_every_request(world: World) -> None:
    with TestClient(world.app) as client:
        assert client.get("/v1/reps", headers=world.alpha).status_code == 200
        shutil.rmtree(world.services.settings.data_dir)
        health = client.get("/healthz")
        write = client.post("/v1/reps/A1/calls", json=NOTE, headers=world.alpha)
        read = client.get("/v1/reps", headers=world.alpha)
    assert health.status_code == 503
    assert health.json() == {"status": "failing", "database": "missing", "vectors": "missing"}
    for got in (write, read):
        assert got.status_code == 503, got.text
        assert got.json()["error"]["code"] == "storage_unavailable"
        assert "restore it and restart" in got.json()["error"]["message"]
        assert str(world.services.settings.data_dir) not in got.text
    assert not world.services.settings.data_dir.exists()  # nothing was made anew either


def test_replaced_data_directory_is_not_taken_for_the_original(
    world: World, tmp_path: Path
) -> None:
    """A directory restored under the service is new files: the open handles point elsewhere."""
    data_dir = world.services.settings.data_dir
    with TestClient(world.app) as client:
        backup = tmp_path / "backup"
        shutil.copytree(data_dir, backup)
        shutil.rmtree(data_dir)
        shutil.copytree(backup, data_dir)
        health = client.get("/healthz")
        write = client.post("/v1/reps/A1/calls", json=NOTE, headers=world.alpha)
    assert health.status_code == 503
    assert health.json()["database"] == "replaced" and health.json()["vectors"] == "replaced"
    assert write.status_code == 503 and write.json()["error"]["code"] == "storage_unavailable"


class DownChroma(ChromaVectors):
    """Chroma that no longer answers."""

    def collections(self) -> int:
        raise VectorStoreError("Chroma did not answer: connection refused to 10.0.0.7:8000")


def test_vector_store_that_does_not_answer_fails_health(world: World) -> None:
    settings = world.services.settings
    down = Services(settings, FakeEmbeddings(), DownChroma(settings.chroma_path))
    with TestClient(create_app(down, lambda: world.model)) as client:
        got = client.get("/healthz")
    assert got.status_code == 503
    assert got.json() == {"status": "failing", "database": "ok", "vectors": "failing"}
    assert "10.0.0.7" not in got.text


def test_a_failed_vector_write_fails_health_until_it_recovers(
    settings: Settings, two_teams: TeamFiles, tmp_path: Path
) -> None:
    limits = WriteLimits(timeout_s=2, min_free_bytes=0, retry_s=0.0)
    chroma = FaultyChroma(settings.chroma_path, limits)
    services = Services(settings, FakeEmbeddings(), chroma)
    services.store.create_schema()
    world = build_world(services, two_teams, tmp_path)
    chroma.fault, chroma.allowed, chroma.writes = "fail", 0, 0
    chroma.written.clear()
    with TestClient(world.app) as client:
        failed = client.post("/v1/reps/A1/calls", json=NOTE, headers=world.alpha)
        health = client.get("/healthz")
        refused = client.post("/v1/reps/A1/calls", json=NOTE, headers=world.alpha)
        tried = [c for c in chroma.written if c.startswith("team-")]
        chroma.fault = None
        deadline = time.monotonic() + 20
        while client.get("/healthz").status_code != 200:  # it recovers in the background
            assert time.monotonic() < deadline, "the vector store never recovered"
            time.sleep(0.05)
        written = client.post("/v1/reps/A1/calls", json=NOTE, headers=world.alpha)
    assert failed.status_code == 503, failed.text
    assert failed.json()["error"]["code"] == "backend_unavailable"
    assert "disk" not in failed.text  # the store's own words stay in the log
    assert health.status_code == 503
    assert health.json() == {"status": "failing", "database": "ok", "vectors": "failing"}
    assert refused.status_code == 503
    assert len(tried) == 1  # the refused write never reached Chroma (a probe may have)
    assert written.status_code == 201, written.text
    assert out_of_step(services) == []


def test_a_disk_without_room_fails_health(world: World) -> None:
    world.services.vectors.gate.limits = WriteLimits(min_free_bytes=2**60)
    with TestClient(world.app) as client:
        health = client.get("/healthz")
        write = client.post("/v1/reps/A1/calls", json=NOTE, headers=world.alpha)
    assert health.status_code == 503 and health.json()["vectors"] == "failing"
    assert write.status_code == 503 and write.json()["error"]["code"] == "backend_unavailable"
