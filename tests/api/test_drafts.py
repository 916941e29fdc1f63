"""Drafts over HTTP (draft, list, read, approve, edit) and the guard on a posted draft."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from copilot.components import Services
from tests.support.api_world import BETA_CANARIES, World, build_world
from tests.support.teamdata import TeamFiles


@pytest.fixture
def world(services: Services, two_teams: TeamFiles, tmp_path: Path) -> World:
    return build_world(services, two_teams, tmp_path)


def test_draft_is_stored_with_provenance_and_status(world: World) -> None:
    with TestClient(world.app) as client:
        got = client.post("/v1/reps/A2/drafts/questions", json={}, headers=world.alpha)
        stored = client.get(f"/v1/drafts/{got.json()['draft_id']}", headers=world.alpha)
        listed = client.get("/v1/reps/A2/drafts?kind=questions", headers=world.alpha)
        none = client.get("/v1/reps/A2/drafts?kind=plan", headers=world.alpha)
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["status"] == "draft" and body["source"] == "composer"
    assert body["draft"]["kind"] == "questions" and body["draft"]["rep_id"] == "A2"
    assert set(body["provenance"]) == {
        "model",
        "prompt_hash",
        "evidence_ids",
        "attempts",
        "timings",
    }
    assert len(body["provenance"]["attempts"]) == 2  # two unusable replies, then the composer
    assert stored.json() == body
    assert [d["draft_id"] for d in listed.json()] == [body["draft_id"]]
    assert none.json() == []


def test_draft_options_are_validated(world: World) -> None:
    with TestClient(world.app) as client:
        bad_month = client.post(
            "/v1/reps/A2/drafts/plan", json={"month": "2026-13"}, headers=world.alpha
        )
        bad_kind = client.post("/v1/reps/A2/drafts/answer", headers=world.alpha)
        no_call = client.post(
            "/v1/reps/A2/drafts/debrief", json={"call_id": "CB1"}, headers=world.alpha
        )
    assert bad_month.status_code == 422 and "month" in bad_month.text
    assert bad_kind.status_code == 422
    assert no_call.status_code == 404 and "Globex" not in no_call.text


def test_another_teams_draft_answers_like_a_missing_one(world: World) -> None:
    with TestClient(world.app) as client:
        foreign = client.get(f"/v1/drafts/{world.beta_draft}", headers=world.alpha)
        missing = client.get("/v1/drafts/999999", headers=world.alpha)
        approve = client.post(f"/v1/drafts/{world.beta_draft}/approve", headers=world.alpha)
    for got in (foreign, missing, approve):
        assert got.status_code == 404
        error = got.json()["error"]
        assert (error["code"], error["message"]) == ("not_found", "not found")
    assert not any(c in foreign.text + approve.text for c in BETA_CANARIES)
    with TestClient(world.app) as client:
        assert (
            client.get(f"/v1/drafts/{world.beta_draft}", headers=world.beta).json()["status"]
            == "draft"
        )


def test_approve_records_who_and_when(world: World) -> None:
    with TestClient(world.app) as client:
        got = client.post(f"/v1/drafts/{world.alpha_draft}/approve", headers=world.alpha)
    body = got.json()
    assert body["status"] == "approved"
    assert body["review"]["approved_by"] == "Alice Alpha" and body["review"]["approved_at"]


def _edited(draft: dict[str, Any]) -> dict[str, Any]:
    questions = [dict(q) for q in draft["questions"]]
    questions[0]["text"] = "Walk me through the Northwind call: what did you ask before pricing?"
    return {k: v for k, v in draft.items() if k not in {"kind", "rep_id"}} | {
        "questions": questions
    }


def test_edit_is_validated_reguarded_and_keeps_the_original(world: World) -> None:
    with TestClient(world.app) as client:
        original = client.get(f"/v1/drafts/{world.alpha_draft}", headers=world.alpha).json()
        got = client.patch(
            f"/v1/drafts/{world.alpha_draft}",
            json={"draft": _edited(original["draft"])},
            headers=world.alpha,
        )
        wrong = client.patch(
            f"/v1/drafts/{world.alpha_draft}",
            json={"draft": {"kind": "plan"}},
            headers=world.alpha,
        )
        broken = client.patch(
            f"/v1/drafts/{world.alpha_draft}", json={"draft": {"questions": 3}}, headers=world.alpha
        )
        redrafted = client.post("/v1/reps/A1/drafts/questions", headers=world.alpha)
    body = got.json()
    assert got.status_code == 200, got.text
    assert body["status"] == "edited" and body["review"]["edited_by"] == "Alice Alpha"
    assert body["draft"]["questions"][0]["text"].startswith("Walk me through the Northwind")
    assert body["review"]["original_draft"] == original["draft"]
    assert body["review"]["original_guard"] == original["guard"]
    assert body["guard"]["kind"] == "questions"
    assert wrong.status_code == 422 and broken.status_code == 422
    assert redrafted.json()["draft_id"] == world.alpha_draft
    assert redrafted.json()["status"] == "draft" and redrafted.json()["review"]["edited_by"] is None


def test_check_runs_the_guard_on_text_and_json(world: World) -> None:
    text = "You need to be more confident. Work smarter, not harder."
    with TestClient(world.app) as client:
        plain = client.post(
            "/v1/check",
            json={"rep_id": "A1", "kind": "questions", "draft": text},
            headers=world.alpha,
        )
        typed = client.post(
            "/v1/check",
            json={"rep_id": "A1", "kind": "questions", "draft": {"questions": "x"}},
            headers=world.alpha,
        )
        foreign = client.post(
            "/v1/check",
            json={"rep_id": "B1", "kind": "questions", "draft": text},
            headers=world.alpha,
        )
    assert plain.status_code == 200 and plain.json()["passed"] is False
    assert plain.json()["findings"]
    assert typed.json()["findings"][0]["detector"] == "SCHEMA"
    assert foreign.status_code == 404 and "Brianna" not in foreign.text
