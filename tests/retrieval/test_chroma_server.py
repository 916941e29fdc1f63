"""The vectors seam against `chroma run` on loopback (HttpClient) as well as on disk: imports
land there, writes over Chroma's batch limit land whole, and team isolation holds, with the
mutant retriever that skips the team re-check caught on the server too."""

from __future__ import annotations

from pathlib import Path

import pytest

from copilot.components import Services
from copilot.records.ingest import ingest
from copilot.retrieval.schemas import Chunk
from copilot.retrieval.vectors import ChromaVectors, team_collection
from tests.retrieval.test_retriever import TEAMS, UnscopedRetriever, _foreign
from tests.support.teamdata import TeamFiles, funnel

pytestmark = pytest.mark.integration


@pytest.fixture
def three_teams(services: Services, two_teams: TeamFiles, tmp_path: Path) -> Services:
    two_teams.rep("G1", "gamma")
    two_teams.months("G1", funnel(300, 0.2, 0.4, 0.5, 0.5, 0.3), 40000, 30000)
    two_teams.call("CG1", "G1", account="Initech", summary="Initech asked for a pilot.")
    ingest(services.store, services.indexer, two_teams.write(tmp_path))
    return services


def test_the_import_lands_in_the_configured_chroma(three_teams: Services, chroma: str) -> None:
    url = three_teams.settings.chroma_url
    assert (url is not None) == (chroma == "server")
    # a second client of the same store sees the import: the server, or the files on disk
    other = ChromaVectors(url=url) if url else ChromaVectors(three_teams.settings.chroma_path)
    beta = team_collection("beta", three_teams.indexer.embedder_id)
    assert beta in other.names("team-")
    assert other.count(beta) == three_teams.vectors.count(beta) > 0


def test_a_mis_scoped_record_is_dropped_and_the_mutant_leaks_it(three_teams: Services) -> None:
    for team in TEAMS:
        assert _foreign(three_teams.retriever, team) == []
    # a write that put beta's canary into alpha's collection (a mis-scoped store)
    leaked = Chunk(
        chunk_id="call:CB1:transcript:9",
        text="Prospect: the canary is BETA-SECRET-7731.",
        team="beta",
        source_id="call:CB1",
        rep_id="B1",
        field="transcript",
        content_hash="leak",
    )
    vector = three_teams.embedder.embed_documents([leaked.text])[0]
    alpha = team_collection("alpha", three_teams.indexer.embedder_id)
    three_teams.vectors.upsert(alpha, [leaked], [vector])
    assert _foreign(three_teams.retriever, "alpha") == []
    mutant = UnscopedRetriever(three_teams.vectors, three_teams.embedder)
    assert "call:CB1:transcript:9" in _foreign(mutant, "alpha")


def test_writes_over_the_batch_limit_land_whole(services: Services) -> None:
    vectors = services.vectors
    limit = vectors.max_batch()
    chunks = [
        Chunk(
            chunk_id=f"call:C{i}:summary:0",
            text=f"note {i}",
            team="alpha",
            source_id=f"call:C{i}",
            rep_id="A1",
            field="summary",
            content_hash=str(i),
        )
        for i in range(limit + 3)
    ]
    vectors.upsert("team-alpha-x", chunks, [[1.0, float(i % 5), 0.5] for i in range(len(chunks))])
    assert vectors.count("team-alpha-x") == limit + 3
    vectors.delete("team-alpha-x", [c.chunk_id for c in chunks])
    assert vectors.count("team-alpha-x") == 0
