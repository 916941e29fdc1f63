"""`copilot rep delete REP` removes the rep from SQL and the vector store, and nothing else."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from copilot.cli.main import app
from copilot.components import Services
from copilot.errors import NotFoundError
from copilot.records.erasure import delete_rep
from copilot.records.ingest import ingest
from copilot.settings import get_settings
from copilot.store.tables import (
    Activity,
    Base,
    Call,
    CoachingSession,
    Commitment,
    CommitmentUpdate,
    Draft,
    DraftReview,
    Rep,
)
from tests.support.fakes import FakeEmbeddings
from tests.support.teamdata import TeamFiles, settings_for

runner = CliRunner()


def _rows(services: Services, rep_id: str) -> dict[str, int]:
    with services.store.sessions() as s:
        counts = {
            t.__tablename__: s.scalar(select(func.count()).select_from(t).where(t.rep_id == rep_id))
            or 0
            for t in (Rep, Activity, Call, CoachingSession, Commitment, Draft)
        }
        counts["draft_reviews"] = s.scalar(select(func.count()).select_from(DraftReview)) or 0
        counts["commitment_updates"] = (
            s.scalar(select(func.count()).select_from(CommitmentUpdate)) or 0
        )
        return counts


def _chunks(services: Services, rep_id: str) -> int:
    return sum(
        len(services.vectors.hashes(name, {"rep_id": rep_id}))
        for name in services.vectors.names("team-")
    )


def _load(services: Services, two_teams: TeamFiles, tmp_path: Path) -> None:
    two_teams.call("CA3", "A1", transcript="Rep: How do you book jobs?\nProspect: By phone.")
    ingest(services.store, services.indexer, two_teams.write(tmp_path / "in"))
    with services.store.sessions.begin() as s:
        draft = Draft(
            idempotency_key="alpha/A1/plan/2026-11", team="alpha", rep_id="A1", kind="plan",
            period="2026-11", source="model", payload={}, model="m", evidence_ids=[],
            guard_report={}, timings={},
        )  # fmt: skip
        s.add(draft)
        s.flush()
        s.add(DraftReview(draft_id=draft.id, approved_by="Manager alpha"))
        s.add(CommitmentUpdate(commitment_id="K1", team="alpha", status="done", note="Done."))


def test_delete_rep_removes_every_row_and_chunk_of_that_rep_only(
    services: Services, two_teams: TeamFiles, tmp_path: Path
) -> None:
    _load(services, two_teams, tmp_path)
    assert _chunks(services, "A1") > 0
    done = delete_rep(services.store, services.vectors, "A1", "alpha")
    assert (done.rep_id, done.team, done.chunks) == ("A1", "alpha", 3)
    assert _rows(services, "A1") == dict.fromkeys(
        ("reps", "activity", "calls", "sessions", "commitments", "drafts", "draft_reviews",
         "commitment_updates"), 0
    )  # fmt: skip
    assert _chunks(services, "A1") == 0
    assert _rows(services, "A2")["calls"] == 1 and _chunks(services, "A2") > 0
    assert _chunks(services, "B1") > 0
    with services.store.sessions() as s:  # every table that names a rep is clean of A1
        for table in Base.metadata.sorted_tables:
            if "rep_id" in table.c:
                assert not s.execute(select(table).where(table.c.rep_id == "A1")).first()


def test_delete_is_team_scoped(services: Services, two_teams: TeamFiles, tmp_path: Path) -> None:
    _load(services, two_teams, tmp_path)
    with pytest.raises(NotFoundError):
        delete_rep(services.store, services.vectors, "B1", "alpha")
    assert _rows(services, "B1")["reps"] == 1 and _chunks(services, "B1") > 0


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Services]:
    monkeypatch.setenv("COPILOT_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    services = Services(settings_for(tmp_path / "data"), embedder=FakeEmbeddings())
    services.store.create_schema()
    yield services
    get_settings.cache_clear()


def test_the_command_deletes_and_reports(
    env: Services, two_teams: TeamFiles, tmp_path: Path
) -> None:
    _load(env, two_teams, tmp_path)
    result = runner.invoke(app, ["rep", "delete", "A1", "--team", "alpha", "--yes"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "deleted A1 (alpha): activity 3, calls 2, commitment_updates 1,"
    )
    assert _rows(env, "A1")["reps"] == 0 and _chunks(env, "A1") == 0
    again = runner.invoke(app, ["rep", "delete", "A1", "--yes"])
    assert again.exit_code == 1
