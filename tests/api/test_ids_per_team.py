"""Ids are unique per team (issue 13, defect 8): two teams import the same rep, call, session
and commitment ids through the API, both imports succeed, and each team reads back only its
own records through every route that takes one of those ids."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from copilot.components import Services
from tests.support.api_world import World, build_world
from tests.support.teamdata import TeamFiles, funnel

# Each team's marker: in its rep's name, its call's account and summary, its session's notes;
# and the date of its call CT1.
MARKERS = {"alpha": "Northwind", "beta": "Globex"}
DATES = {"alpha": "2026-10-14", "beta": "2026-10-21"}


@pytest.fixture
def world(services: Services, two_teams: TeamFiles, tmp_path: Path) -> World:
    return build_world(services, two_teams, tmp_path)


def twin(team: str) -> TeamFiles:
    """The team's new hire T1, with call CT1 and session ST1 holding commitment KT1: the same
    ids in both teams, the team's own text."""
    marker = MARKERS[team]
    files = TeamFiles()
    files.rep("T1", team, name=f"{marker} Hire")
    # weaker on meetings than the team, so the diagnosis has a focus and a plan can be drafted
    files.months("T1", funnel(400, 0.25, 0.2, 0.5, 0.5, 0.3), quota=50000, revenue=30000)
    summary = f"Pricing with {marker} came up early."
    files.call("CT1", "T1", account=marker, summary=summary, date=DATES[team])
    files.session("ST1", "T1", "2026-10-01", [("KT1", "2026-12-15", "open")])
    files.sessions[0]["notes"] = f"Reviewed the {marker} call."
    return files


def upload(files: TeamFiles, tmp: Path) -> list[tuple[str, tuple[str, bytes]]]:
    """The files as `POST /v1/ingest` takes them."""
    return [("files", (p.name, p.read_bytes())) for p in files.write(tmp)]


def import_twins(client: TestClient, world: World, tmp: Path) -> dict[str, Any]:
    """Both teams import the twin files; returns each answer."""
    answers = {}
    for team, headers in (("alpha", world.alpha), ("beta", world.beta)):
        got = client.post("/v1/ingest", files=upload(twin(team), tmp / team), headers=headers)
        assert got.status_code == 200, got.text
        answers[team] = got.json()
    return answers


def test_two_teams_import_the_same_ids_and_each_reads_its_own(world: World, tmp_path: Path) -> None:
    with TestClient(world.app) as client:
        answers = import_twins(client, world, tmp_path)
        assert answers["alpha"] == answers["beta"]  # the second import saw no "taken" id
        for team, headers in (("alpha", world.alpha), ("beta", world.beta)):
            mine, theirs = MARKERS[team], MARKERS["beta" if team == "alpha" else "alpha"]
            detail = client.get("/v1/reps/T1", headers=headers)
            diagnosis = client.get("/v1/reps/T1/diagnosis", headers=headers)
            commitments = client.get("/v1/reps/T1/commitments", headers=headers)
            for got in (detail, diagnosis, commitments):
                assert got.status_code == 200, got.text
                assert theirs not in got.text
            body = detail.json()
            assert body["rep"]["name"] == f"{mine} Hire"
            assert [c["account"] for c in body["calls"]] == [mine]
            assert [s["notes"] for s in body["sessions"]] == [f"Reviewed the {mine} call."]
            assert diagnosis.json()["team"] == team
            assert [c["commitment"]["commitment_id"] for c in commitments.json()] == ["KT1"]


def test_drafts_sessions_commitments_and_progress_stay_in_their_team(
    world: World, tmp_path: Path
) -> None:
    with TestClient(world.app) as client:
        import_twins(client, world, tmp_path)
        drafted = {
            team: client.post("/v1/reps/T1/drafts/questions", json={}, headers=headers)
            for team, headers in (("alpha", world.alpha), ("beta", world.beta))
        }
        listed = {
            team: client.get("/v1/reps/T1/drafts", headers=headers).json()
            for team, headers in (("alpha", world.alpha), ("beta", world.beta))
        }
        promise = {"text": "Ask for the budget owner", "due": "2026-11-20"}
        session = {
            "date": "2026-11-10",
            "focus": "discovery",
            "notes": "Met.",
            "commitments": [promise],
        }
        recorded = {
            team: client.post("/v1/reps/T1/sessions", json=session, headers=headers).json()
            for team, headers in (("alpha", world.alpha), ("beta", world.beta))
        }
        done = client.patch(
            "/v1/commitments/KT1", json={"status": "done", "note": "Did it."}, headers=world.alpha
        )
        open_alpha = client.get("/v1/reps/T1/commitments", headers=world.alpha).json()
        open_beta = client.get("/v1/reps/T1/commitments", headers=world.beta).json()
        plan = client.post("/v1/reps/T1/drafts/plan", json={}, headers=world.alpha)
        assert plan.status_code == 200, plan.text
        approved = client.post(f"/v1/drafts/{plan.json()['draft_id']}/approve", headers=world.alpha)
        progress = [
            client.get("/v1/reps/T1/progress", headers=h) for h in (world.alpha, world.beta)
        ]
    for team in ("alpha", "beta"):
        assert drafted[team].status_code == 200, drafted[team].text
        ids = [d["draft_id"] for d in listed[team]]
        assert ids == [drafted[team].json()["draft_id"]]  # its own draft, not the other team's
    assert drafted["alpha"].json()["draft_id"] != drafted["beta"].json()["draft_id"]
    # the generated ids are free per team: both teams get the same first session id
    assert recorded["alpha"] == recorded["beta"]
    assert recorded["alpha"]["session_id"] == "s-T1-2026-11-10-1"
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert "KT1" not in [c["commitment"]["commitment_id"] for c in open_alpha]
    assert "KT1" in [c["commitment"]["commitment_id"] for c in open_beta]
    assert approved.status_code == 200, approved.text
    assert [p.status_code for p in progress] == [200, 200]
    assert [len(p.json()) for p in progress] == [1, 0]  # alpha's approved plan only


def test_check_reads_call_evidence_of_the_callers_team(world: World, tmp_path: Path) -> None:
    """`call:CT1` is each team's own call: cited on its own date it is grounded, cited on the
    other team's CT1's date it is not a fact of this team."""
    with TestClient(world.app) as client:
        import_twins(client, world, tmp_path)
        reports = {}
        for team, headers in (("alpha", world.alpha), ("beta", world.beta)):
            for about in ("alpha", "beta"):
                text = f"On the call on {DATES[about]} (call:CT1), what did you ask first?"
                body = {"rep_id": "T1", "kind": "questions", "draft": text}
                got = client.post("/v1/check", json=body, headers=headers)
                assert got.status_code == 200, got.text
                reports[(team, about)] = [
                    (f["detector"], f["reason"]) for f in got.json()["findings"]
                ]
    for team in ("alpha", "beta"):
        other = "beta" if team == "alpha" else "alpha"
        # GRD-1: a date not in the record; GRD-2: a cited id not in the record
        assert not [f for f in reports[(team, team)] if f[0] in {"GRD-1", "GRD-2"}]
        assert [d for d, reason in reports[(team, other)] if DATES[other] in reason] == ["GRD-1"]
