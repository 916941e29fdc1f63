"""The coaching loop over HTTP: record a session, set a commitment's status, follow-through
evidence and plan progress; another team's ids answer exactly like missing ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from copilot.components import Services
from tests.support.api_support import app_for, bearer
from tests.support.api_world import BETA_CANARIES, World, always_model, build_world
from tests.support.batchdata import load, plan_team
from tests.support.teamdata import TeamFiles

SESSION = {
    "date": "2026-11-10",
    "focus": "discovery",
    "notes": "Went through the Northwind call.",
    "commitments": [{"text": "Ask two impact questions per call", "due": "2026-11-24"}],
}


@pytest.fixture
def world(services: Services, two_teams: TeamFiles, tmp_path: Path) -> World:
    return build_world(services, two_teams, tmp_path)


def _error(got: Any) -> tuple[int, str, str]:
    error = got.json()["error"]
    return got.status_code, error["code"], error["message"]


def test_recorded_session_is_201_and_read_back_at_once(world: World) -> None:
    with TestClient(world.app) as client:
        got = client.post("/v1/reps/A1/sessions", json=SESSION, headers=world.alpha)
        detail = client.get("/v1/reps/A1", headers=world.alpha).json()
        diagnosis = client.get("/v1/reps/A1/diagnosis", headers=world.alpha).json()
    assert got.status_code == 201, got.text
    body = got.json()
    assert body == {
        "session_id": "s-A1-2026-11-10-1",
        "commitment_ids": ["s-A1-2026-11-10-1-c1"],
    }
    (made,) = [s for s in detail["sessions"] if s["session_id"] == body["session_id"]]
    assert made["commitments"][0]["text"] == "Ask two impact questions per call"
    assert "s-A1-2026-11-10-1-c1" in [c["commitment_id"] for c in diagnosis["open_commitments"]]


def test_patch_sets_each_status_and_rejects_others(world: World) -> None:
    with TestClient(world.app) as client:
        (cid,) = client.post("/v1/reps/A1/sessions", json=SESSION, headers=world.alpha).json()[
            "commitment_ids"
        ]
        seen = []
        for status in ("done", "dropped", "open"):
            got = client.patch(
                f"/v1/commitments/{cid}",
                json={"status": status, "note": status},
                headers=world.alpha,
            )
            assert got.status_code == 200, got.text
            seen.append((got.json()["status"], got.json()["note"]))
        bad = client.patch(
            f"/v1/commitments/{cid}", json={"status": "finished"}, headers=world.alpha
        )
        extra = client.patch(
            f"/v1/commitments/{cid}", json={"status": "done", "by": "me"}, headers=world.alpha
        )
        listed = client.get("/v1/reps/A1/commitments", headers=world.alpha).json()
    assert seen == [("done", "done"), ("dropped", "dropped"), ("open", "open")]
    assert (bad.status_code, extra.status_code) == (422, 422)
    assert cid in [e["commitment"]["commitment_id"] for e in listed]


def test_due_before_the_session_is_422_naming_the_commitment(world: World) -> None:
    early = SESSION | {"commitments": [{"text": "Too early", "due": "2026-11-09"}]}
    with TestClient(world.app) as client:
        got = client.post("/v1/reps/A1/sessions", json=early, headers=world.alpha)
        detail = client.get("/v1/reps/A1", headers=world.alpha).json()
    status, code, message = _error(got)
    assert (status, code) == (422, "invalid_request")
    assert "commitments.0.due: 2026-11-09 is before the session date 2026-11-10" in message
    assert [s["session_id"] for s in detail["sessions"]] == ["S1"]


def test_another_teams_ids_answer_as_missing_ones(world: World) -> None:
    with TestClient(world.app) as client:
        beta = client.post("/v1/reps/B1/sessions", json=SESSION, headers=world.beta).json()
        (beta_cid,) = beta["commitment_ids"]
        answers = [
            client.post("/v1/reps/B1/sessions", json=SESSION, headers=world.alpha),
            client.post("/v1/reps/NOPE/sessions", json=SESSION, headers=world.alpha),
            client.patch(
                f"/v1/commitments/{beta_cid}", json={"status": "done"}, headers=world.alpha
            ),
            client.patch("/v1/commitments/NOPE", json={"status": "done"}, headers=world.alpha),
            client.get("/v1/reps/B1/commitments", headers=world.alpha),
            client.get("/v1/reps/NOPE/commitments", headers=world.alpha),
            client.get("/v1/reps/B1/progress", headers=world.alpha),
            client.get("/v1/reps/NOPE/progress", headers=world.alpha),
        ]
        still = client.get("/v1/reps/B1/commitments", headers=world.beta).json()
    assert {_error(a) for a in answers} == {(404, "not_found", "not found")}
    assert not any(c in a.text for a in answers for c in BETA_CANARIES)
    assert [e["commitment"]["status"] for e in still] == ["open"]


def test_follow_through_cites_calls_after_the_session(world: World) -> None:
    with TestClient(world.app) as client:
        listed = client.get("/v1/reps/A1/commitments", headers=world.alpha).json()
    (k2,) = [e for e in listed if e["commitment"]["commitment_id"] == "K2"]  # K1 is done
    assert len(listed) == 1
    assert [c["evidence_id"] for c in k2["calls"]] == ["call:CA1"]  # 2026-10-14, after S1
    assert k2["overdue"] and k2["session_date"] == "2026-10-01"


def test_approving_a_plan_records_its_baseline(services: Services, tmp_path: Path) -> None:
    load(services, plan_team("alpha", 3), tmp_path / "files")
    app, alpha = app_for(services, always_model()), bearer(services, "alpha", "Alice Alpha")
    with TestClient(app) as client:
        draft = client.post(
            "/v1/reps/A000/drafts/plan", json={"month": "2026-12"}, headers=alpha
        ).json()
        before = client.get("/v1/reps/A000/progress", headers=alpha).json()
        client.post(f"/v1/drafts/{draft['draft_id']}/approve", headers=alpha)
        (after,) = client.get("/v1/reps/A000/progress", headers=alpha).json()
    metric = draft["draft"]["metric"]
    assert before == []
    assert (after["metric"], after["baseline"], after["target"]) == (
        metric["name"],
        metric["baseline"],
        metric["target"],
    )
    assert (after["verdict"], after["approved_by"], after["month"]) == (
        "too_early",
        "Alice Alpha",
        "2026-12",
    )
