"""Follow-through evidence: for each open commitment, only the rep's calls dated after its
session, ranked by the retriever against the commitment's text, never another team's."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from copilot.coaching.followthrough import commitment_evidence, snippet
from copilot.coaching.loop import record_session, set_commitment
from copilot.coaching.schemas import CommitmentChange, NewCommitment, NewSession
from copilot.components import Services
from copilot.errors import NotFoundError
from copilot.records.ingest import ingest
from tests.support.teamdata import TeamFiles

PROMISE = "Ask two impact questions about budget on every discovery call"


@pytest.fixture
def loaded(services: Services, two_teams: TeamFiles, tmp_path: Path) -> Services:
    two_teams.call(
        "CA3",
        "A1",
        date="2026-11-12",
        account="Initech",
        summary="Rep asked two impact questions about budget on the discovery call.",
    )
    two_teams.call("CA4", "A1", date="2026-11-15", account="Umbrella", summary="Renewal paperwork.")
    two_teams.call("CA5", "A1", date="2026-11-10", summary="Impact questions about budget asked.")
    two_teams.call(  # another team's call, after the session, saying the very same thing
        "CB2", "B1", date="2026-11-13", account="Globex", summary=f"{PROMISE}: done by Brianna."
    )
    ingest(services.store, services.indexer, two_teams.write(tmp_path / "files"))
    return services


def _promise(services: Services) -> str:
    new = NewSession(
        date=date(2026, 11, 10),
        focus="discovery",
        commitments=[NewCommitment(text=PROMISE, due=date(2026, 11, 27))],
    )
    (cid,) = record_session(services, "alpha", "A1", new).commitment_ids
    return cid


def test_only_calls_after_the_session_nearest_first(loaded: Services) -> None:
    cid = _promise(loaded)
    found = {e.commitment.commitment_id: e for e in commitment_evidence(loaded, "alpha", "A1")}
    mine = found[cid]
    assert mine.session_date == date(2026, 11, 10) and not mine.overdue
    assert [c.call_id for c in mine.calls] == ["CA3", "CA4"]  # CA5 is the session's own day
    assert mine.calls[0].evidence_id == "call:CA3"
    assert mine.calls[0].snippet.startswith("Rep asked two impact questions")
    # K2 was made on 2026-10-01: every later call of A1 bears on it, CA1 included
    assert {c.call_id for c in found["K2"].calls} == {"CA1", "CA3", "CA4", "CA5"}
    assert found["K2"].overdue


def test_never_another_teams_calls_and_only_open_commitments(loaded: Services) -> None:
    cid = _promise(loaded)
    set_commitment(loaded, "alpha", "K2", CommitmentChange(status="done"))
    found = commitment_evidence(loaded, "alpha", "A1")
    assert [e.commitment.commitment_id for e in found] == [cid]
    assert all(not c.call_id.startswith("CB") for e in found for c in e.calls)
    with pytest.raises(NotFoundError):
        commitment_evidence(loaded, "beta", "A1")


def test_no_calls_since_means_no_retrieval(loaded: Services) -> None:
    new = NewSession(
        date=date(2026, 11, 18),
        focus="closing",
        commitments=[NewCommitment(text="Confirm next steps in writing", due=date(2026, 11, 25))],
    )
    (cid,) = record_session(loaded, "alpha", "A2", new).commitment_ids
    (only,) = commitment_evidence(loaded, "alpha", "A2")
    assert (only.commitment.commitment_id, only.calls) == (cid, [])


def test_snippet_drops_the_header_and_cuts_at_a_word() -> None:
    text = "Call CA3 with Initech (discovery, observed), summary:\n" + "word " * 100
    cut = snippet(text)
    assert not cut.startswith("Call CA3") and cut.endswith(" ...") and len(cut) <= 284
