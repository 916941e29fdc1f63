"""Every write is bounded in size: each route that takes a body (read from the app's OpenAPI
schema, so a new route is probed too) refuses a request with any one text grown to 560 KB
with a 413 or a 422 naming the limit, before doing the work; imported files likewise."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from copilot.components import Services
from tests.reliability.test_enumeration import BODIES, operations
from tests.support.api_world import World, build_world
from tests.support.teamdata import TeamFiles

HUGE = "budget " * 80_000  # 560 KB, 80,000 tokens: past every text limit, under the body's
CLOSED = {"status", "kind", "rep_id", "call_id", "model", "role", "date", "due", "month", "stage"}
CLOSED |= {"source", "evidence", "quadrant"}
OWN = {
    "rep_id": "A1",
    "kind": "questions",
    "commitment_id": "K2",
    "model_id": "copilot:A1",
}
# Bodies with texts in them where the probe table's own have none.
TEXTS: dict[tuple[str, str], Any] = {
    ("PATCH", "/v1/drafts/{draft_id}"): "edit",  # built from the stored draft
    ("PATCH", "/v1/commitments/{commitment_id}"): {"status": "done", "note": "Followed up."},
    ("POST", "/v1/check"): {"rep_id": "A1", "kind": "questions", "draft": "Hi."},
    ("POST", "/v1/reps/{rep_id}/calls"): {
        **BODIES[("POST", "/v1/reps/{rep_id}/calls")],
        "transcript": "Rep: hi.",
        "manager_notes": "Good call.",
    },
}


@pytest.fixture
def world(services: Services, two_teams: TeamFiles, tmp_path: Path) -> World:
    return build_world(services, two_teams, tmp_path)


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The path of every string in `value`."""
    if isinstance(value, str):
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _leaves(item, (*path, i))


def _grown(value: Any, path: tuple[Any, ...]) -> Any:
    """A copy of `value` with the string at `path` made HUGE."""
    copy = json.loads(json.dumps(value))
    if not path:
        return HUGE
    target = copy
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = HUGE
    return copy


def _probes(world: World, client: TestClient) -> Iterator[tuple[str, str, str, str, Any]]:
    """(method, path, url, the grown text's place, body) for every text of every route that
    takes a body."""
    ids = {**OWN, "draft_id": str(world.alpha_draft)}
    for method, path, op in operations(world):
        if "requestBody" not in op or (method, path) == ("POST", "/v1/ingest"):
            continue
        body = TEXTS.get((method, path), BODIES.get((method, path)))
        if body == "edit":
            stored = client.get(f"/v1/drafts/{world.alpha_draft}", headers=world.alpha)
            body = {"draft": stored.json()["draft"]}
        for leaf in _leaves(body):
            if any(key in CLOSED for key in leaf):
                continue  # ids, dates and closed sets are bounded by their types
            where = ".".join(str(k) for k in leaf)
            yield method, path, path.format(**ids), where, _grown(body, leaf)


# Texts known to be unbounded, in modules outside this suite's owner (api/check.py, api/drafts.py
# and their schemas): the guard reads the draft, and an edit stores the brief, whole (under the
# 10 MB body limit).
# A fix makes this test fail until the entry goes; a new unbounded text fails it at once.
KNOWN_GAPS: set[tuple[str, str, str]] = set()


def _gap(method: str, path: str, where: str) -> tuple[str, str, str]:
    generic = re.sub(r"\.\d+", ".*", where)
    generic = re.sub(r"^draft\.brief\..*", "draft.brief.*", generic)
    return method, path, generic


def test_every_text_of_every_body_is_bounded(world: World) -> None:
    unbounded: set[tuple[str, str, str]] = set()
    with TestClient(world.app) as client:
        for method, path, url, where, body in _probes(world, client):
            got = client.request(method, url, json=body, headers=world.alpha)
            if got.status_code not in (413, 422):
                unbounded.add(_gap(method, path, where))
    assert unbounded - KNOWN_GAPS == set(), "unbounded texts"
    assert KNOWN_GAPS - unbounded == set(), "bounded now: remove them from KNOWN_GAPS"


def test_imported_session_notes_and_commitments_are_bounded(world: World) -> None:
    session = {
        "session_id": "S9",
        "rep_id": "A1",
        "date": "2026-11-02",
        "focus": "discovery",
        "notes": "Reviewed.",
        "commitments": [
            {
                "commitment_id": "K9",
                "text": "Ask for the budget",
                "due": "2026-11-20",
                "status": "open",
            }
        ],
    }
    with TestClient(world.app) as client:
        for field in ("notes", "text"):
            grown = json.loads(json.dumps(session))
            if field == "notes":
                grown["notes"] = HUGE
            else:
                grown["commitments"][0]["text"] = HUGE
            files = [("files", ("sessions.jsonl", (json.dumps(grown) + "\n").encode()))]
            got = client.post("/v1/ingest", files=files, headers=world.alpha)
            assert got.status_code == 422, got.text
            assert "COPILOT_NOTE_MAX_TOKENS" in got.text, got.text
