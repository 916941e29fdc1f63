"""Cross-team enumeration through every route the app publishes (read from its OpenAPI schema,
so a route added later is probed too): another team's ids answer byte for byte as missing ids
of the same length do, and no answer names anything of the other team. Free text that cites
another team's records (checks, draft edits, stored guard reports, chat) is answered exactly as
the same text citing records that do not exist."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from copilot.batch import queue as batch_store
from copilot.components import Services
from tests.support.api_world import BETA_CANARIES, World, build_world
from tests.support.teamdata import TeamFiles

# Each path parameter: (another team's id, a missing id of the same length).
IdPairs = dict[str, tuple[str, str]]
# A request body per route that takes one; `{rep_id}` etc. become the probed ids.
BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/v1/reps/{rep_id}/calls"): {
        "call_id": "CA7",
        "date": "2026-11-03",
        "account": "Initech",
        "stage": "discovery",
        "source": "observed",
        "summary": "Asked who signs off.",
    },
    ("POST", "/v1/ingest"): "files",  # multipart: a calls.jsonl naming the probed rep
    ("POST", "/v1/reps/{rep_id}/drafts/{kind}"): {},
    ("PATCH", "/v1/drafts/{draft_id}"): {"draft": {"questions": []}},
    ("POST", "/v1/check"): {"rep_id": "{rep_id}", "kind": "questions", "draft": "Hi."},
    ("POST", "/v1/reps/{rep_id}/chat"): {"message": "What happened on the last call?"},
    ("POST", "/v1/chat/completions"): {
        "model": "copilot:{rep_id}",
        "messages": [{"role": "user", "content": "What happened on the last call?"}],
    },
    ("POST", "/v1/batches"): {"month": "2026-12"},
    ("POST", "/v1/reps/{rep_id}/sessions"): {
        "date": "2026-11-10",
        "focus": "discovery",
        "notes": "Reviewed.",
        "commitments": [{"text": "Ask for the budget owner", "due": "2026-11-20"}],
    },
    ("PATCH", "/v1/commitments/{commitment_id}"): {"status": "done"},
}
BODY_IDS = {("POST", "/v1/check"), ("POST", "/v1/chat/completions"), ("POST", "/v1/ingest")}
UNSTABLE_HEADERS = {"x-request-id", "date"}
STAMPS = re.compile(
    rb'\d{4}-\d\d-\d\dT[\d:.]+Z?|"timings":\{[^}]*\}|chatcmpl-[0-9a-f]+|"created":\d+'
)


@pytest.fixture
def world(services: Services, two_teams: TeamFiles, tmp_path: Path) -> World:
    two_teams.session("SB1", "B1", "2026-10-02", [("KB1", "2026-10-20", "open")])
    return build_world(services, two_teams, tmp_path)


def _missing_number(existing: object) -> str:
    """A positive id of as many digits as `existing` that no row has (ids grow from 1)."""
    return "9" * len(str(existing))


def id_pairs(world: World) -> IdPairs:
    batch, _ = batch_store.submit(world.services.store, "beta", "2026-12")
    token = world.beta["Authorization"].removeprefix("Bearer ").split("_")[1]
    return {
        "rep_id": ("B1", "Z1"),
        "kind": ("questions", "questions"),
        "draft_id": (str(world.beta_draft), _missing_number(world.beta_draft)),
        "batch_id": (str(batch.id), _missing_number(batch.id)),
        "model_id": ("copilot:B1", "copilot:Z1"),
        "token_id": (token, "f" * len(token)),
        "commitment_id": ("KB1", "KZ1"),
    }


def operations(world: World) -> list[tuple[str, str, dict[str, Any]]]:
    """Every (method, path, operation) of the app's OpenAPI schema."""
    paths = world.app.openapi()["paths"]
    return [(m.upper(), p, op) for p, ops in paths.items() for m, op in ops.items()]


def _probed(method: str, path: str, op: dict[str, Any]) -> bool:
    """Routes that take an id: in the path, or (for a few) in the body."""
    in_path = any(p["in"] == "path" for p in op.get("parameters", []))
    return in_path or (method, path) in BODY_IDS


def _fill(template: Any, ids: dict[str, str]) -> Any:
    text = json.dumps(template)
    for name, value in ids.items():
        text = text.replace("{" + name + "}", value)
    return json.loads(text)


def _send(
    client: TestClient, world: World, method: str, path: str, ids: dict[str, str]
) -> Response:
    url = path.format(**ids)
    body = BODIES.get((method, path))
    if body == "files":
        row = json.dumps({**BODIES[("POST", "/v1/reps/{rep_id}/calls")], "rep_id": ids["rep_id"]})
        files = [("files", ("calls.jsonl", (row + "\n").encode()))]
        return client.request(method, url, headers=world.alpha, files=files)
    return client.request(method, url, headers=world.alpha, json=_fill(body, ids))


def _canonical(response: Response, *ids: str) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and body with the probed ids (and the request id) blanked out."""
    body = response.content
    request_id = response.headers.get("x-request-id", "")
    for value in (request_id, *ids):
        if value:
            body = body.replace(value.encode(), b"<ID>")
    body = STAMPS.sub(b"<STAMP>", body)  # when it was written and how long it took
    headers = sorted((k, v) for k, v in response.headers.items() if k not in UNSTABLE_HEADERS)
    return response.status_code, headers, body


def test_every_route_with_an_id_is_probed(world: World) -> None:
    pairs = id_pairs(world)
    unknown = [
        (m, p, param["name"])
        for m, p, op in operations(world)
        for param in op.get("parameters", [])
        if param["in"] == "path" and param["name"] not in pairs
    ]
    assert not unknown, f"add an (another team's id, missing id) pair in {__file__}: {unknown}"
    bodiless = [
        (m, p) for m, p, op in operations(world) if "requestBody" in op and (m, p) not in BODIES
    ]
    assert not bodiless, f"add a request body in BODIES of {__file__}: {bodiless}"


def test_another_teams_ids_answer_as_missing_ones(world: World) -> None:
    pairs = id_pairs(world)
    differ: list[str] = []
    with TestClient(world.app) as client:
        for method, path, op in operations(world):
            if not _probed(method, path, op):
                continue
            foreign = {name: pair[0] for name, pair in pairs.items()}
            missing = {name: pair[1] for name, pair in pairs.items()}
            got_foreign = _send(client, world, method, path, foreign)
            got_missing = _send(client, world, method, path, missing)
            shown = [v for k, v in foreign.items() if "{" + k + "}" in path or k == "rep_id"]
            hidden = [v for k, v in missing.items() if "{" + k + "}" in path or k == "rep_id"]
            if _canonical(got_foreign, *shown) != _canonical(got_missing, *hidden):
                differ.append(
                    f"{method} {path}: {got_foreign.text[:150]} / {got_missing.text[:150]}"
                )
            if any(c in got_foreign.text for c in BETA_CANARIES):
                differ.append(f"{method} {path} named team beta: {got_foreign.text[:200]}")
            assert got_foreign.status_code < 500, (method, path, got_foreign.text)
    assert not differ, "\n".join(differ)


def test_lists_name_nothing_of_another_team(world: World) -> None:
    with TestClient(world.app) as client:
        for method, path, op in operations(world):
            if method != "GET" or _probed(method, path, op) or path == "/openapi.json":
                continue
            got = client.get(path, headers=world.alpha)
            assert not any(c in got.text for c in BETA_CANARIES), (path, got.text[:300])


# Free text citing team beta's records, and the same text citing records nobody has.
CITING = "On [call:CB1] the buyer raised {what}; what did B1 do next?"
FREE = "On [call:CZ1] the buyer raised {what}; what did Z1 do next?"


def _texts(what: str) -> tuple[str, str]:
    return CITING.format(what=what), FREE.format(what=what)


def _same_answer(send: Callable[[str], Response], what: str = "pricing") -> None:
    cited, free = _texts(what)
    got_cited, got_free = send(cited), send(free)
    assert got_cited.status_code == got_free.status_code == 200, got_cited.text
    assert not any(c in got_cited.text for c in BETA_CANARIES), got_cited.text
    canon_cited = _canonical(got_cited, "CB1", "B1")
    canon_free = _canonical(got_free, "CZ1", "Z1")
    if canon_cited[2] != canon_free[2]:
        a, b = canon_cited[2].decode(), canon_free[2].decode()
        i = next(i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y)
        raise AssertionError(f"differs at {i}: {a[max(0, i - 300) : i + 80]!r} / {b[i : i + 80]!r}")


def test_a_check_citing_another_teams_records_reads_as_citing_nothing(world: World) -> None:
    with TestClient(world.app) as client:

        def send(text: str) -> Response:
            body = {"rep_id": "A1", "kind": "questions", "draft": text}
            return client.post("/v1/check", json=body, headers=world.alpha)

        _same_answer(send)


def test_an_edit_and_its_stored_report_cite_nothing_of_another_team(world: World) -> None:
    with TestClient(world.app) as client:
        url = f"/v1/drafts/{world.alpha_draft}"

        def edit(text: str) -> Response:
            draft = client.get(url, headers=world.alpha).json()["draft"]
            draft["questions"] = [{**draft["questions"][0], "text": text}]
            return client.patch(url, json={"draft": draft}, headers=world.alpha)

        def stored(text: str) -> Response:
            edit(text)
            return client.get(url, headers=world.alpha)

        _same_answer(edit)
        _same_answer(stored)


def test_chat_answers_citing_another_team_read_as_citing_nothing(world: World) -> None:
    with TestClient(world.app) as client:

        def ask(text: str) -> Response:
            world.model.replies[:0] = [text]  # the model's answer cites the records
            got = client.post(
                "/v1/reps/A1/chat", json={"message": "And then?"}, headers=world.alpha
            )
            client.delete("/v1/reps/A1/chat", headers=world.alpha)
            return got

        def completion(text: str) -> Response:
            world.model.replies[:0] = [text]
            body = {"model": "copilot:A1", "messages": [{"role": "user", "content": "Then?"}]}
            return client.post("/v1/chat/completions", json=body, headers=world.alpha)

        _same_answer(ask)
        _same_answer(completion)
