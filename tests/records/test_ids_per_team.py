"""Ids are unique per team (issue 13, defect 8) on the import path: two teams import the same
rep, call, session and commitment ids, both imports succeed, each team's reads see only its
own rows, and erasing one team's rep leaves the other team's rep of that id whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from copilot.components import Services
from copilot.errors import AmbiguousIdError, ImportValidationError
from copilot.records.erasure import delete_rep
from copilot.records.ingest import ingest
from copilot.store.database import Store
from tests.support.teamdata import TeamFiles, funnel

ACCOUNTS = {"alpha": "Northwind", "beta": "Globex"}


def twin(team: str) -> TeamFiles:
    """The team's new hire E09 with call C09 and session S09 holding commitment K09."""
    files = TeamFiles()
    files.rep("E09", team, name=f"{ACCOUNTS[team]} Hire")
    files.months("E09", funnel(400, 0.25, 0.4, 0.5, 0.5, 0.3), quota=50000, revenue=40000)
    files.call("C09", "E09", account=ACCOUNTS[team], summary=f"{ACCOUNTS[team]} renewal.")
    files.session("S09", "E09", "2026-10-01", [("K09", "2026-12-15", "open")])
    return files


def _import_both(services: Services, tmp_path: Path) -> list[list[tuple[int, int, int]]]:
    counts = []
    for team in ("alpha", "beta"):
        report = ingest(
            services.store, services.indexer, twin(team).write(tmp_path / team), team=team
        )
        counts.append([(f.inserted, f.updated, f.unchanged) for f in report.files])
    return counts


def test_two_teams_import_the_same_ids(services: Services, tmp_path: Path) -> None:
    first, second = _import_both(services, tmp_path)
    assert first == second  # the second team's import found nothing of the first's in its way
    store = services.store
    with store.sessions() as s:
        for team, account in ACCOUNTS.items():
            assert store.rep(s, "E09", team).name == f"{account} Hire"
            assert [c.account for c in Store.calls(s, team, "E09")] == [account]
            assert [x.session_id for x in Store.coaching_sessions(s, team, "E09")] == ["S09"]
            assert [c.commitment_id for c in Store.commitments(s, team, "E09")] == ["K09"]
            assert len(Store.activity(s, team, ["E09"])) == 3


def test_without_a_team_an_id_two_teams_hold_asks_for_one(
    services: Services, tmp_path: Path
) -> None:
    _import_both(services, tmp_path)
    more = TeamFiles()
    more.call("C10", "E09")
    with pytest.raises(ImportValidationError) as caught:
        ingest(services.store, services.indexer, more.write(tmp_path / "more"))
    (error,) = caught.value.errors
    assert error.message == "rep_id 'E09' is in teams alpha, beta"
    assert "--team" in error.fix
    with services.store.sessions() as s, pytest.raises(AmbiguousIdError, match="alpha, beta"):
        services.store.rep(s, "E09")
    report = ingest(services.store, services.indexer, more.write(tmp_path / "m2"), team="beta")
    assert report.files[0].inserted == 1


def test_erasing_one_teams_rep_keeps_the_other_teams(services: Services, tmp_path: Path) -> None:
    _import_both(services, tmp_path)
    done = delete_rep(services.store, services.vectors, "E09", "alpha")
    assert done.rows["calls"] == done.rows["sessions"] == done.rows["commitments"] == 1
    with services.store.sessions() as s:
        assert services.store.rep(s, "E09").team == "beta"  # the one left
        assert [c.account for c in Store.calls(s, "beta", "E09")] == ["Globex"]
        assert [c.commitment_id for c in Store.commitments(s, "beta", "E09")] == ["K09"]
    chunks = services.vectors.names("team-")
    assert sum(len(services.vectors.hashes(n, {"rep_id": "E09"})) for n in chunks) > 0
