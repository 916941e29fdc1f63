"""A write fault at each seam of an import (a vector batch refused, a vector write past its
deadline, a disk without room, the SQL commit failing) ends in a clear error, leaves the records
and the vector store in step (no orphan vector, no half import), and the store takes writes
again once it has recovered. The real disk-full case is in test_disk_full.py."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from copilot.components import Services
from copilot.errors import VectorStoreError
from copilot.records.ingest import ingest
from copilot.retrieval.bounded import WriteLimits, WritesRefusedError
from copilot.settings import Settings
from copilot.store.tables import Call
from tests.reliability.support import FaultyChroma, out_of_step
from tests.support.fakes import FakeEmbeddings
from tests.support.teamdata import TeamFiles

FAST = WriteLimits(timeout_s=0.5, min_free_bytes=0, retry_s=0.0)


def _faulty(settings: Settings, limits: WriteLimits = FAST) -> tuple[Services, FaultyChroma]:
    chroma = FaultyChroma(settings.chroma_path, limits)
    services = Services(settings, FakeEmbeddings(), chroma)
    services.store.create_schema()
    return services, chroma


@pytest.fixture
def seeded(
    settings: Settings, two_teams: TeamFiles, tmp_path: Path
) -> Iterator[tuple[Services, FaultyChroma]]:
    services, chroma = _faulty(settings)
    ingest(services.store, services.indexer, two_teams.write(tmp_path / "seed"))
    yield services, chroma
    chroma.release.set()  # a stalled write never outlives its test


def _more_calls(tmp_path: Path) -> list[Path]:
    """Five new calls of A1 and a changed summary of CA1: several batches, one update."""
    team = TeamFiles()
    for n in range(5):
        team.call(f"CN{n}", "A1", summary=f"New call {n} about budget owners and timing.")
    team.call("CA1", "A1", account="Northwind", summary="Changed: pricing after discovery.")
    return team.write(tmp_path / "more")


def _stored_calls(services: Services) -> set[str]:
    with services.store.sessions() as session:
        return set(session.scalars(select(Call.call_id)))


def test_a_refused_vector_batch_leaves_nothing_and_stops_writes_until_recovery(
    seeded: tuple[Services, FaultyChroma], tmp_path: Path
) -> None:
    services, chroma = seeded
    before = _stored_calls(services)
    chroma.fault, chroma.allowed, chroma.writes = "fail", 1, 0  # the second batch fails
    with pytest.raises(VectorStoreError, match="disk is full"):
        ingest(services.store, services.indexer, _more_calls(tmp_path))
    assert _stored_calls(services) == before  # SQL rolled back
    assert services.vectors.gate.problem() is not None
    writes = chroma.writes
    with pytest.raises(WritesRefusedError, match="takes no writes"):
        ingest(services.store, services.indexer, _more_calls(tmp_path))
    assert chroma.writes == writes  # refused without touching Chroma, which could hang
    assert out_of_step(services)  # the first batch's vectors are still there ...
    chroma.fault = None
    assert services.vectors.gate.recover(services.vectors.probe, services.init)
    assert out_of_step(services) == []  # ... until recovery's repair removes them
    ingest(services.store, services.indexer, _more_calls(tmp_path))
    assert _stored_calls(services) == before | {f"CN{n}" for n in range(5)}
    assert out_of_step(services) == []


def test_a_stalled_vector_write_fails_within_its_deadline(
    seeded: tuple[Services, FaultyChroma], tmp_path: Path
) -> None:
    services, chroma = seeded
    chroma.fault, chroma.allowed, chroma.writes = "stall", 0, 0
    started = time.monotonic()
    with pytest.raises(WritesRefusedError, match=r"no answer in 0\.5 s"):
        ingest(services.store, services.indexer, _more_calls(tmp_path))
    assert time.monotonic() - started < 5
    assert "ran past 0.5 s" in (services.vectors.gate.problem() or "")
    # still inside Chroma: no reopening beside it, whatever the probe would say
    assert not services.vectors.gate.recover(services.vectors.probe, services.init)
    chroma.fault = None
    chroma.release.set()
    deadline = time.monotonic() + 10
    while not services.vectors.gate.recover(services.vectors.probe, services.init):
        assert time.monotonic() < deadline, "the stalled write never let go"
        time.sleep(0.05)
    assert out_of_step(services) == []
    assert "CN0" not in _stored_calls(services)


def test_a_disk_without_room_refuses_the_write_before_chroma(
    settings: Settings, two_teams: TeamFiles, tmp_path: Path
) -> None:
    services, chroma = _faulty(settings, WriteLimits(min_free_bytes=2**60))
    with pytest.raises(WritesRefusedError, match="COPILOT_VECTOR_MIN_FREE_MB"):
        ingest(services.store, services.indexer, two_teams.write(tmp_path / "in"))
    assert chroma.writes == 0
    assert _stored_calls(services) == set()
    assert services.vectors.gate.problem() is None  # refused, not broken: nothing was tried
    assert services.vectors.gate.room_problem() is not None


def test_a_failed_sql_commit_takes_the_imports_vectors_back(
    seeded: tuple[Services, FaultyChroma], tmp_path: Path
) -> None:
    services, _ = seeded
    before = _stored_calls(services)

    def refuse(session: Session) -> None:
        raise RuntimeError("disk I/O error")

    event.listen(services.store.sessions, "before_commit", refuse)
    try:
        with pytest.raises(RuntimeError, match="disk I/O error"):
            ingest(services.store, services.indexer, _more_calls(tmp_path))
    finally:
        event.remove(services.store.sessions, "before_commit", refuse)
    assert _stored_calls(services) == before
    assert out_of_step(services) == []  # at once, not at the next start-up
    assert services.vectors.gate.problem() is None  # the vector store itself is fine


def test_recovery_waits_for_room_before_reopening(
    seeded: tuple[Services, FaultyChroma], tmp_path: Path
) -> None:
    services, chroma = seeded
    chroma.fault, chroma.allowed, chroma.writes = "fail", 0, 0
    with pytest.raises(VectorStoreError):
        ingest(services.store, services.indexer, _more_calls(tmp_path))
    chroma.fault = None
    gate: Any = services.vectors.gate
    gate.limits = WriteLimits(timeout_s=0.5, min_free_bytes=2**60, retry_s=0.0)
    assert not gate.recover(services.vectors.probe, services.init)
    gate.limits = FAST
    assert gate.recover(services.vectors.probe, services.init)
