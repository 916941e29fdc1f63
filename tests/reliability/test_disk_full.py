"""A real full disk: the data directory on a small tmpfs (where the machine lets the test mount
one; elsewhere test_vector_faults.py simulates the failure at each seam). Without the write gate
Chroma's next write after a disk-full error hung the whole process, GIL and SIGTERM included,
in 5 of 6 tries; with it every write ends in a clear error and nothing is left half-written."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from copilot.components import Services
from copilot.errors import VectorStoreError
from copilot.records.ingest import ingest
from copilot.retrieval.bounded import WriteLimits, WritesRefusedError
from copilot.retrieval.schemas import Chunk
from copilot.retrieval.vectors import ChromaVectors
from copilot.store.tables import Call
from tests.reliability.support import out_of_step
from tests.support.fakes import FakeEmbeddings
from tests.support.teamdata import TeamFiles, settings_for

MB = 2**20


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 24 MB tmpfs, or a skip where mounting is not allowed."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root; test_vector_faults.py simulates the faults")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(disk)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def _fill(disk: Path, leave: int) -> Path:
    """Fill the disk but `leave` bytes."""
    filler = disk / "filler"
    free = shutil.disk_usage(disk).free
    with filler.open("wb") as fh:
        fh.truncate(0)
        fh.write(b"\0" * max(0, free - leave))
    return filler


def _bulk(n: int) -> tuple[list[Chunk], list[list[float]]]:
    chunks = [
        Chunk(
            chunk_id=f"call:BULK{i}:summary:0",
            text="word " * 60 + str(i),
            team="alpha",
            source_id=f"call:BULK{i}",
            rep_id="A1",
            content_hash="h",
        )
        for i in range(n)
    ]
    return chunks, [[float((i * j) % 7) for j in range(64)] for i in range(n)]


def _calls(services: Services) -> set[str]:
    with services.store.sessions() as session:
        return set(session.scalars(select(Call.call_id)))


def test_a_full_disk_ends_in_clear_errors_and_recovers(
    small_disk: Path, two_teams: TeamFiles, tmp_path: Path
) -> None:
    settings = settings_for(small_disk / "data")
    limits = WriteLimits(timeout_s=10, min_free_bytes=6 * MB, retry_s=0.0)
    vectors = ChromaVectors(settings.chroma_path, limits=limits)
    services = Services(settings, FakeEmbeddings(), vectors)
    services.store.create_schema()
    ingest(services.store, services.indexer, two_teams.write(tmp_path / "seed"))
    before = _calls(services)
    more = TeamFiles()
    more.call("CN1", "A1", summary="Budget owner named on the call.")
    filler = _fill(small_disk, 4 * MB)

    # 1. Under the reserve: refused before Chroma is asked, with what to do.
    with pytest.raises(WritesRefusedError, match="free some space"):
        ingest(services.store, services.indexer, more.write(tmp_path / "more"))
    assert _calls(services) == before and out_of_step(services) == []

    # 2. With no reserve, Chroma itself hits the full disk: a clear error, and the gate stops
    # every later write before it reaches the client that could now hang the process.
    vectors.gate.limits = WriteLimits(10, min_free_bytes=0, bytes_per_record=0, retry_s=0.0)
    collection = next(iter(vectors.names("team-alpha")))
    with pytest.raises(VectorStoreError):
        chunks, vecs = _bulk(3000)
        vectors.upsert(collection, chunks, vecs)
    assert vectors.gate.problem() is not None
    with pytest.raises(WritesRefusedError, match="takes no writes"):
        ingest(services.store, services.indexer, more.write(tmp_path / "more"))
    assert _calls(services) == before

    # 3. Space freed: recovery reopens, probes and repairs; writes work and nothing is left over.
    filler.unlink()
    assert vectors.gate.recover(vectors.probe, services.init)
    assert out_of_step(services) == []
    ingest(services.store, services.indexer, more.write(tmp_path / "more"))
    assert _calls(services) == before | {"CN1"}
    assert out_of_step(services) == []
