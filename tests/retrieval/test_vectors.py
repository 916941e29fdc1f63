"""Chroma takes at most `get_max_batch_size()` records per write: the vectors seam writes in
batches under it, so imports, `copilot init` and the start-up sync land whole at any size."""

from __future__ import annotations

from pathlib import Path

import pytest

from copilot.components import Services
from copilot.records.ingest import ingest
from copilot.retrieval.schemas import Chunk
from copilot.retrieval.vectors import ChromaVectors, team_collection
from copilot.settings import Settings
from tests.support.fakes import FakeEmbeddings
from tests.support.teamdata import TeamFiles

pytestmark = pytest.mark.integration


def _chunks(n: int) -> list[Chunk]:
    return [
        Chunk(
            chunk_id=f"call:C{i}:summary:0",
            text=f"note {i}",
            team="alpha",
            source_id=f"call:C{i}",
            rep_id="A1",
            field="summary",
            content_hash=str(i),
        )
        for i in range(n)
    ]


def test_writes_over_chromas_batch_limit_land_whole(tmp_path: Path) -> None:
    vectors = ChromaVectors(tmp_path / "chroma")
    limit = vectors.max_batch()
    assert limit == vectors._client.get_max_batch_size() > 0  # Chroma's own figure
    chunks = _chunks(limit + 7)
    vectors.upsert("team-alpha-x", chunks, [[1.0, float(i % 5), 0.5] for i in range(len(chunks))])
    assert vectors.count("team-alpha-x") == limit + 7
    assert len(vectors.hashes("team-alpha-x", None)) == limit + 7
    vectors.delete("team-alpha-x", [c.chunk_id for c in chunks])
    assert vectors.count("team-alpha-x") == 0


def test_an_import_needing_more_chunks_than_one_write_lands_whole(
    tmp_path: Path, two_teams: TeamFiles
) -> None:
    settings = Settings(data_dir=tmp_path / "data", chunk_tokens=32, chunk_overlap=0)
    services = Services(settings, embedder=FakeEmbeddings())
    services.store.create_schema()
    limit = services.vectors.max_batch()
    words = " ".join(f"w{i}" for i in range(16 * (limit + 50)))  # about 2 tokens a word
    two_teams.call("CA9", "A1", transcript=words)
    report = ingest(services.store, services.indexer, two_teams.write(tmp_path / "in"))
    collection = team_collection("alpha", services.indexer.embedder_id)
    assert report.chunks_embedded > limit
    assert services.vectors.count(collection) == report.chunks_embedded - 2  # beta's 2
    # `copilot init` (and start-up) rebuilds a lost collection of that size in one go
    services.vectors._client.delete_collection(collection)
    services.vectors._collections.clear()
    plans = services.init()
    assert sum(len(p.to_embed) for p in plans if p.collection == collection) > limit
    assert services.vectors.count(collection) == report.chunks_embedded - 2


def test_reopening_one_client_leaves_every_other_clients_system_alone(tmp_path: Path) -> None:
    """A failed write reopens its own client only: dropping every cached system would orphan
    other clients' HTTP sessions, whose sockets then close at some later collection."""
    from chromadb.api.shared_system_client import SharedSystemClient as Shared

    failing, other = ChromaVectors(tmp_path / "a"), ChromaVectors(tmp_path / "b")
    other.upsert("team-b", _chunks(1), [[1.0, 0.0, 0.5]])
    before = failing._client._identifier
    failing._reopen()
    assert other._client._identifier in Shared._identifier_to_system
    assert failing._client._identifier == before in Shared._identifier_to_system  # a new one
    assert other.count("team-b") == 1
    failing.upsert("team-a", _chunks(2), [[1.0, 0.0, 0.5], [0.0, 1.0, 0.5]])
    assert failing.count("team-a") == 2
