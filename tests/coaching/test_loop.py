"""Recording sessions and changing commitments: team-scoped, validated, read at once by the
diagnosis, written through the import path, with ids that never collide."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from copilot.coaching.loop import (
    list_commitments,
    record_session,
    session_id_base,
    set_commitment,
)
from copilot.coaching.schemas import CommitmentChange, NewCommitment, NewSession
from copilot.components import Services
from copilot.drafting.pipeline import Drafter, DraftRequest
from copilot.errors import NotFoundError
from copilot.records.ingest import ingest
from copilot.store.database import Store
from tests.support.api_world import always_model
from tests.support.teamdata import TeamFiles


@pytest.fixture
def loaded(services: Services, two_teams: TeamFiles, tmp_path: Path) -> Services:
    ingest(services.store, services.indexer, two_teams.write(tmp_path / "files"))
    return services


def _session(
    *dues: str, on: str = "2026-11-10", notes: str = "Reviewed the Northwind call."
) -> NewSession:
    return NewSession(
        date=date.fromisoformat(on),
        focus="discovery",
        notes=notes,
        commitments=[
            NewCommitment(text=f"Commitment due {d}", due=date.fromisoformat(d)) for d in dues
        ],
    )


def _kept(services: Services) -> tuple[float, list[str]]:
    signal = next(
        s
        for s in services.diagnoser.rep("A1", "alpha").desire.signals
        if s.signal == "commitments kept"
    )
    return signal.points, signal.evidence


def test_recorded_session_gets_readable_ids_and_is_stored(loaded: Services) -> None:
    first = record_session(loaded, "alpha", "A1", _session("2026-11-24", "2026-12-01"))
    second = record_session(loaded, "alpha", "A1", _session())
    assert first.session_id == "s-A1-2026-11-10-1"
    assert first.commitment_ids == ["s-A1-2026-11-10-1-c1", "s-A1-2026-11-10-1-c2"]
    assert (second.session_id, second.commitment_ids) == ("s-A1-2026-11-10-2", [])
    with loaded.store.sessions() as s:
        stored = {c.session_id for c in Store.coaching_sessions(s, "alpha", "A1")}
        commitments = {c.commitment_id: c.status for c in Store.commitments(s, "alpha", "A1")}
    assert {"S1", first.session_id, second.session_id} == stored
    assert commitments["s-A1-2026-11-10-1-c2"] == "open"


def test_new_commitments_are_in_the_diagnosis_at_once(loaded: Services) -> None:
    made = record_session(loaded, "alpha", "A1", _session("2026-11-12"))
    (cid,) = made.commitment_ids
    overdue = [c.commitment_id for c in loaded.diagnoser.rep("A1", "alpha").overdue_commitments]
    assert cid in overdue  # due 2026-11-12, the record reads as of 2026-11-20


def test_a_dropped_commitment_changes_the_desire_evidence(loaded: Services) -> None:
    before_points, before = _kept(loaded)
    (cid,) = record_session(loaded, "alpha", "A1", _session("2026-11-30")).commitment_ids
    assert f"commitment:{cid}" not in _kept(loaded)[1]  # open and not yet due: no outcome
    out = set_commitment(loaded, "alpha", cid, CommitmentChange(status="dropped", note="no time"))
    after_points, after = _kept(loaded)
    assert (out.status, out.note) == ("dropped", "no time")
    assert f"commitment:{cid}" in after and f"commitment:{cid}" not in before
    assert after_points < before_points  # 1 of 2 kept became 1 of 3


def test_status_changes_keep_the_latest_note(loaded: Services) -> None:
    (cid,) = record_session(loaded, "alpha", "A1", _session("2026-11-30")).commitment_ids
    set_commitment(loaded, "alpha", cid, CommitmentChange(status="done", note="did it twice"))
    reopened = set_commitment(loaded, "alpha", cid, CommitmentChange(status="open"))
    assert (reopened.status, reopened.note) == ("open", None)
    listed = {c.commitment_id: c for c in list_commitments(loaded, "alpha", "A1", "open")}
    assert cid in listed and "K1" not in listed  # K1 is done
    assert listed["K2"].session_id == "S1"


def test_another_teams_rep_or_commitment_is_not_found_like_a_missing_one(loaded: Services) -> None:
    messages = []
    for team, rep in (("beta", "A1"), ("alpha", "NOPE")):
        with pytest.raises(NotFoundError) as caught:
            record_session(loaded, team, rep, _session())
        messages.append(str(caught.value).replace(rep, "ID"))
    for team, cid in (("beta", "K2"), ("alpha", "NOPE")):
        with pytest.raises(NotFoundError) as caught:
            set_commitment(loaded, team, cid, CommitmentChange(status="done"))
        messages.append(str(caught.value).replace(cid, "ID"))
    assert messages[0] == messages[1] and messages[2] == messages[3]
    with loaded.store.sessions() as s:
        assert [
            c.status for c in Store.commitments(s, "alpha", "A1") if c.commitment_id == "K2"
        ] == ["open"]
        assert len(Store.coaching_sessions(s, "alpha", "A1")) == 1


def test_a_due_date_before_the_session_is_refused() -> None:
    with pytest.raises(
        ValidationError, match=r"commitments\.1\.due: 2026-11-09 is before the session"
    ):
        _session("2026-11-10", "2026-11-09")
    with pytest.raises(ValidationError):
        NewCommitment(text=" ", due=date(2026, 11, 30))
    with pytest.raises(ValidationError):
        CommitmentChange.model_validate({"status": "finished"})


def test_generated_ids_skip_ids_an_import_already_holds(
    loaded: Services, two_teams: TeamFiles, tmp_path: Path
) -> None:
    two_teams.session("s-A1-2026-11-10-1", "A1", "2026-11-10", [])
    two_teams.session(
        "imported", "A2", "2026-11-10", [("s-A1-2026-11-10-2-c1", "2026-12-01", "open")]
    )
    ingest(loaded.store, loaded.indexer, two_teams.write(tmp_path / "again"))
    made = record_session(loaded, "alpha", "A1", _session("2026-12-01"))
    assert made.session_id == "s-A1-2026-11-10-3"


def test_session_goes_through_the_import_path(loaded: Services) -> None:
    # the import's sanitising applies: an invisible character cannot ride along in the notes
    made = record_session(loaded, "alpha", "A1", _session(notes="Asked\u200b for a role-play."))
    with loaded.store.sessions() as s:
        stored = next(
            x for x in Store.coaching_sessions(s, "alpha", "A1") if x.session_id == made.session_id
        )
    assert stored.notes == "Asked for a role-play."


def test_long_rep_ids_still_fit_the_id_column() -> None:
    base = session_id_base("R" * 64, date(2026, 11, 10))
    assert len(f"{base}-99-c20") <= 64
    assert session_id_base("E02", date(2026, 1, 5)) == "s-E02-2026-01-05"


def test_the_next_draft_reads_the_new_commitment(loaded: Services) -> None:
    loaded.init()  # the framework cards the drafts retrieve
    (cid,) = record_session(loaded, "alpha", "A1", _session("2026-11-12")).commitment_ids
    result = Drafter(loaded, always_model()).draft(DraftRequest("questions", "A1", team="alpha"))
    with loaded.store.sessions() as s:
        draft = Store.draft(s, result.draft_id)
        assert draft is not None
        assert f"commitment:{cid}" in draft.evidence_ids
