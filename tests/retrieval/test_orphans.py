"""Vectors left by a process killed between the vector write and the SQL commit of an import
are removed at start-up (`copilot init`, `copilot serve`), even for a team with no rep left."""

from __future__ import annotations

from pathlib import Path

from copilot.components import Services
from copilot.records.ingest import ingest
from copilot.retrieval.schemas import Chunk
from copilot.retrieval.vectors import team_collection
from tests.support.teamdata import TeamFiles


def _orphan(services: Services, team: str, call_id: str) -> str:
    """A chunk written for a call the records never stored, as a crashed import leaves it."""
    collection = team_collection(team, services.indexer.embedder_id)
    chunk = Chunk(
        chunk_id=f"{call_id}:summary:0",
        text="Orphan text the records never committed.",
        team=team,
        source_id=f"call:{call_id}",
        rep_id="GONE1",
        content_hash="h",
    )
    vector = services.embedder.embed_documents([chunk.text])[0]
    services.vectors.upsert(collection, [chunk], [vector])
    return collection


def test_start_up_removes_orphan_vectors_of_a_team_without_reps(services: Services) -> None:
    collection = _orphan(services, "ghost-team", "CGHOST1")
    assert services.vectors.count(collection) == 1
    services.init()
    assert services.vectors.count(collection) == 0


def test_start_up_removes_orphans_beside_a_teams_live_chunks(
    services: Services, two_teams: TeamFiles, tmp_path: Path
) -> None:
    ingest(services.store, services.indexer, two_teams.write(tmp_path / "in"))
    collection = _orphan(services, "alpha", "CNEVER")
    live = services.vectors.count(collection)
    services.init()
    assert services.vectors.count(collection) == live - 1
    assert "CNEVER:summary:0" not in services.vectors.hashes(collection, None)
