"""Squatting and probing ids across teams (issue 13, defect 8). Ids are unique per team, so an
import naming a rep, call, session or commitment id that another team holds answers byte for
byte as one naming a free id of the same length (no "taken", no "belongs to another rep"),
and a team that takes an id first never blocks the team that needs it later."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from copilot.components import Services
from copilot.store.database import Store
from tests.support.api_world import World, build_world
from tests.support.teamdata import TeamFiles

UNSTABLE_HEADERS = {"x-request-id", "date"}


@pytest.fixture
def world(services: Services, two_teams: TeamFiles, tmp_path: Path) -> World:
    """Alpha holds A1 and A2, calls CA1 and CA2, session S1 with commitments K1 and K2."""
    return build_world(services, two_teams, tmp_path)


def _rep_file(rep_id: str) -> tuple[str, bytes]:
    files = TeamFiles()
    files.rep(rep_id, "beta", name=f"New Hire {rep_id}")
    return "reps.csv", _csv(files)


def _csv(files: TeamFiles) -> bytes:
    header = ",".join(files.reps[0])
    lines = [header, *(",".join(str(v) for v in row.values()) for row in files.reps)]
    return ("\n".join(lines) + "\n").encode()


def _call_file(call_id: str) -> tuple[str, bytes]:
    row = {
        "call_id": call_id,
        "rep_id": "B1",
        "date": "2026-11-03",
        "account": "Initech",
        "stage": "discovery",
        "source": "observed",
        "summary": f"Asked who signs off ({call_id}).",  # the id keeps the texts apart
    }
    return "calls.jsonl", (json.dumps(row) + "\n").encode()


def _session_file(session_id: str, commitment_id: str) -> tuple[str, bytes]:
    row: dict[str, Any] = {
        "session_id": session_id,
        "rep_id": "B1",
        "date": "2026-11-04",
        "focus": "discovery",
        "notes": "Reviewed.",
        "commitments": [
            {"commitment_id": commitment_id, "text": "Ask", "due": "2026-11-20", "status": "open"}
        ],
    }
    return "sessions.jsonl", (json.dumps(row) + "\n").encode()


def _canonical(response: Response, *ids: str) -> tuple[int, list[tuple[str, str]], bytes]:
    body = response.content
    for value in ids:
        body = body.replace(value.encode(), b"<ID>")
    headers = sorted((k, v) for k, v in response.headers.items() if k not in UNSTABLE_HEADERS)
    return response.status_code, headers, body


Maker = Callable[..., tuple[str, bytes]]
# (alpha's id(s), free id(s) of the same length, the file beta imports naming them)
PROBES: dict[str, tuple[tuple[str, ...], tuple[str, ...], Maker]] = {
    "rep_id": (("A1",), ("Z1",), _rep_file),
    "call_id": (("CA1",), ("CZ1",), _call_file),
    "session_and_commitment_id": (("S1", "K1"), ("S7", "K7"), _session_file),
}


@pytest.mark.parametrize("probe", sorted(PROBES))
def test_another_teams_id_answers_as_a_free_one(world: World, probe: str) -> None:
    theirs, free, make = PROBES[probe]
    with TestClient(world.app) as client:
        answers = [
            client.post("/v1/ingest", files=[("files", make(*ids))], headers=world.beta)
            for ids in (theirs, free)
        ]
    assert answers[0].status_code == 200, answers[0].text
    assert _canonical(answers[0], *theirs) == _canonical(answers[1], *free)


def test_a_squatted_id_never_blocks_the_team_that_needs_it(world: World) -> None:
    """Beta takes E09 first; alpha's later import of its new hire E09 goes through."""
    new_hire = TeamFiles()
    new_hire.rep("E09", "alpha", name="Alpha's New Hire")
    with TestClient(world.app) as client:
        squat = client.post("/v1/ingest", files=[("files", _rep_file("E09"))], headers=world.beta)
        owner = client.post(
            "/v1/ingest", files=[("files", ("reps.csv", _csv(new_hire)))], headers=world.alpha
        )
    assert squat.status_code == 200 and owner.status_code == 200, owner.text
    store = world.services.store
    with store.sessions() as s:
        assert store.rep(s, "E09", "alpha").name == "Alpha's New Hire"
        assert store.rep(s, "E09", "beta").name == "New Hire E09"
        assert sorted(Store.teams(s)) == ["alpha", "beta"]
