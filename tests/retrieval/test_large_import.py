"""A team import of any size lands whole or fails before the slow work: one needing more new
chunks than Chroma takes in one write (5,461 on disk) is written in batches, every call's
chunks present; one with a bad row anywhere fails at validation, before a single embedding."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from copilot.components import Services
from copilot.errors import ImportValidationError
from copilot.records.ingest import ingest
from copilot.retrieval.vectors import HNSW, ChromaVectors, team_collection
from copilot.settings import Settings
from copilot.store.tables import Call
from tests.support.fakes import FakeEmbeddings
from tests.support.teamdata import TeamFiles

pytestmark = pytest.mark.integration


@pytest.fixture
def big(tmp_path: Path) -> tuple[Services, FakeEmbeddings, int]:
    embedder = FakeEmbeddings()
    services = Services(Settings(data_dir=tmp_path / "data"), embedder=embedder)
    services.store.create_schema()
    return services, embedder, services.vectors.max_batch()


def _team(calls: int) -> TeamFiles:
    """Reps A0..A9 of team alpha with `calls` one-chunk call notes between them."""
    team = TeamFiles()
    for r in range(10):
        team.rep(f"A{r}", "alpha")
    for n in range(calls):
        team.call(f"C{n:05d}", f"A{n % 10}", summary=f"Call {n} covered pricing and next steps.")
    return team


def test_a_team_import_over_one_write_lands_whole(
    big: tuple[Services, FakeEmbeddings, int], tmp_path: Path
) -> None:
    services, embedder, limit = big
    calls = limit + 120
    report = ingest(services.store, services.indexer, _team(calls).write(tmp_path / "in"))
    collection = team_collection("alpha", services.indexer.embedder_id)
    assert report.chunks_embedded == calls > limit
    assert services.vectors.count(collection) == calls
    sources = set(services.vectors.sources(collection).values())
    with services.store.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Call)) == calls
        assert sources == {f"call:{c}" for c in session.scalars(select(Call.call_id))}
    again = ingest(services.store, services.indexer, _team(calls).write(tmp_path / "again"))
    assert again.chunks_embedded == 0 and sum(embedder.calls) == calls


def test_a_bad_row_fails_before_any_embedding(
    big: tuple[Services, FakeEmbeddings, int], tmp_path: Path
) -> None:
    services, embedder, limit = big
    team = _team(limit + 120)
    team.call("C-LAST", "A1", date="2026-13-40")  # the very last row is the bad one
    with pytest.raises(ImportValidationError) as raised:
        ingest(services.store, services.indexer, team.write(tmp_path / "in"))
    assert "calls.jsonl" in str(raised.value) and "date" in str(raised.value)
    assert embedder.calls == []  # validation ran before the slow work
    collection = team_collection("alpha", services.indexer.embedder_id)
    assert services.vectors.count(collection) == 0
    with services.store.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Call)) == 0


def test_a_collection_made_before_the_setting_gets_the_measured_ef_search(tmp_path: Path) -> None:
    """`ef_search` comes from benchmarks/retrieval_ef; a collection made under the old value is
    moved to it when first opened, before its index loads."""
    vectors = ChromaVectors(tmp_path / "chroma")
    old = {**HNSW, "ef_search": 16}
    vectors._client.create_collection(
        "team-old", embedding_function=None, configuration={"hnsw": old}
    )
    col = ChromaVectors(tmp_path / "chroma")._collection("team-old")
    assert col.configuration["hnsw"]["ef_search"] == HNSW["ef_search"] != 16


def test_moving_ef_search_is_a_gated_write(tmp_path: Path) -> None:
    """The move is a write: while the gate refuses writes, a read opens the old collection as
    it is (no write outside the gate, which could hang after a full disk); once writes are
    taken again, the next opening moves it."""
    ChromaVectors(tmp_path / "chroma")._client.create_collection(
        "team-old", embedding_function=None, configuration={"hnsw": {**HNSW, "ef_search": 16}}
    )
    vectors = ChromaVectors(tmp_path / "chroma")
    vectors.gate._problem = "a vector write failed (test)"  # as after a failed write
    assert vectors.count("team-old") == 0  # the read works
    col = vectors._client.get_collection("team-old")
    assert col.configuration["hnsw"]["ef_search"] == 16  # and wrote nothing
    vectors.gate._problem = None  # recovered
    moved = vectors._collection("team-old")
    assert moved.configuration["hnsw"]["ef_search"] == HNSW["ef_search"]
