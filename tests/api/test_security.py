"""The auth matrix and team isolation over EVERY route the app registers (API-2, TI-3).

Routes come from the app itself, so a route added later is covered too: it must be on the
public allow-list or have a sample below, or `test_every_route_has_a_sample` fails.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import select

from copilot.api.limits import RateLimiter
from copilot.components import Services
from copilot.store.tables import (
    ApiToken,
    Call,
    CoachingSession,
    Commitment,
    Draft,
    DraftReview,
    Rep,
)
from tests.support.api_world import BETA_CANARIES, World, build_world
from tests.support.teamdata import TeamFiles

# Public: health, the schema and the API docs (Swagger UI, ReDoc and their static assets).
PUBLIC = {
    ("GET", "/healthz"),
    ("GET", "/openapi.json"),
    ("GET", "/docs"),
    ("GET", "/docs/oauth2-redirect"),
    ("GET", "/redoc"),
    ("GET", "/static-offline-docs"),
}
UNKNOWN_TOKEN = "cpt_0123456789abcdef_" + "A" * 43


@dataclass(frozen=True)
class Sample:
    """A request a team-alpha manager sends that names team beta's records, and what it gets."""

    path: dict[str, Any] | Callable[[World], dict[str, Any]] = field(default_factory=dict)
    json: Any = None
    files: list[tuple[str, tuple[str, bytes]]] | None = None
    expect: int = 404  # id-bearing routes: beta's ids are "not found"; others answer normally


def _token_id(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ").split("_")[1]


def _beta_batch(world: World) -> dict[str, Any]:
    from copilot.batch import queue as batch_store

    job, _ = batch_store.submit(world.services.store, "beta", "2026-12")
    return {"batch_id": job.id}


_BETA_CALL = {
    "call_id": "CB1",
    "rep_id": "B1",
    "date": "2026-10-14",
    "account": "Globex",
    "stage": "discovery",
    "source": "observed",
    "summary": "overwritten by alpha",
}
_NOTE = {k: v for k, v in _BETA_CALL.items() if k != "rep_id"}
SAMPLES: dict[tuple[str, str], Sample] = {
    ("GET", "/v1/reps"): Sample(expect=200),
    ("GET", "/v1/reps/{rep_id}"): Sample({"rep_id": "B1"}),
    ("GET", "/v1/reps/{rep_id}/diagnosis"): Sample({"rep_id": "B1"}),
    ("POST", "/v1/reps/{rep_id}/calls"): Sample({"rep_id": "B1"}, json=_NOTE),
    ("POST", "/v1/ingest"): Sample(
        files=[("files", ("calls.jsonl", (json.dumps(_BETA_CALL) + "\n").encode()))], expect=422
    ),
    ("POST", "/v1/reps/{rep_id}/drafts/{kind}"): Sample(
        {"rep_id": "B1", "kind": "questions"}, json={}
    ),
    ("GET", "/v1/reps/{rep_id}/drafts"): Sample({"rep_id": "B1"}),
    ("GET", "/v1/drafts/{draft_id}"): Sample(lambda w: {"draft_id": w.beta_draft}),
    ("POST", "/v1/drafts/{draft_id}/approve"): Sample(lambda w: {"draft_id": w.beta_draft}),
    ("PATCH", "/v1/drafts/{draft_id}"): Sample(
        lambda w: {"draft_id": w.beta_draft}, json={"draft": {"questions": []}}
    ),
    ("POST", "/v1/check"): Sample(json={"rep_id": "B1", "kind": "questions", "draft": "Hi."}),
    ("POST", "/v1/reps/{rep_id}/chat"): Sample({"rep_id": "B1"}, json={"message": "Globex?"}),
    ("GET", "/v1/reps/{rep_id}/chat"): Sample({"rep_id": "B1"}),
    ("DELETE", "/v1/reps/{rep_id}/chat"): Sample({"rep_id": "B1"}),
    ("POST", "/v1/chat/completions"): Sample(
        json={"model": "copilot:B1", "messages": [{"role": "user", "content": "Globex?"}]}
    ),
    ("GET", "/v1/models"): Sample(expect=200),
    ("GET", "/v1/models/{model_id}"): Sample({"model_id": "copilot:B1"}),
    ("POST", "/v1/batches"): Sample(json={"month": "2026-12", "team": "beta"}),
    ("GET", "/v1/batches"): Sample(expect=200),
    ("GET", "/v1/batches/{batch_id}"): Sample(_beta_batch),
    ("POST", "/v1/reps/{rep_id}/sessions"): Sample(
        {"rep_id": "B1"}, json={"date": "2026-11-10", "focus": "discovery", "notes": "n"}
    ),
    ("GET", "/v1/reps/{rep_id}/progress"): Sample({"rep_id": "B1"}),
    ("GET", "/v1/reps/{rep_id}/commitments"): Sample({"rep_id": "B1"}),
    ("PATCH", "/v1/commitments/{commitment_id}"): Sample(
        {"commitment_id": "K-none"}, json={"status": "done"}
    ),
    ("GET", "/v1/tokens"): Sample(expect=200),
    ("DELETE", "/v1/tokens/{token_id}"): Sample(lambda w: {"token_id": _token_id(w.beta)}),
}


def routes(app: FastAPI) -> Iterator[tuple[str, str]]:
    """Every (method, path) the API answers, HEAD aside; a route without methods as GET. The
    web pages sign in by cookie, not token: tests/web/test_pages.py lists and probes them."""
    for ctx in iter_route_contexts(app.routes):
        methods = getattr(ctx, "methods", None) or {"GET"}
        for method in sorted(methods - {"HEAD"}):
            route = (method, str(ctx.path))
            if route[1].startswith("/v1/") or route in PUBLIC:
                yield route


@pytest.fixture
def world(services: Services, two_teams: TeamFiles, tmp_path: Path) -> World:
    return build_world(services, two_teams, tmp_path)


def _url(world: World, path: str, sample: Sample) -> str:
    params = sample.path(world) if callable(sample.path) else sample.path
    return path.format(**params)


def _send(
    client: TestClient, method: str, url: str, headers: dict[str, str], sample: Sample
) -> Any:
    if sample.files is not None:
        return client.request(method, url, headers=headers, files=sample.files)
    return client.request(method, url, headers=headers, json=sample.json)


def beta_state(services: Services) -> str:
    """Everything team beta owns, as text: any write by another team changes it."""
    with services.store.sessions() as s:
        reps = [r.rep_id for r in s.scalars(select(Rep).where(Rep.team == "beta"))]
        rows: list[Any] = []
        for table in (Rep, Call, CoachingSession, Commitment):
            rows += [vars(r) for r in s.scalars(select(table).where(table.rep_id.in_(reps)))]
        drafts = list(s.scalars(select(Draft).where(Draft.team == "beta")))
        rows += [vars(d) for d in drafts]
        rows += [
            vars(r) for r in s.scalars(select(DraftReview)) if r.draft_id in {d.id for d in drafts}
        ]
        rows += [vars(t) for t in s.scalars(select(ApiToken).where(ApiToken.team == "beta"))]
    return json.dumps(
        [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows],
        default=str,
        sort_keys=True,
    )


def test_every_route_has_a_sample(world: World) -> None:
    missing = [r for r in routes(world.app) if r not in PUBLIC and r not in SAMPLES]
    assert not missing, f"add these routes to SAMPLES in {__file__}: {missing}"
    stale = [r for r in SAMPLES if r not in set(routes(world.app))]
    assert not stale, f"SAMPLES names routes the app no longer has: {stale}"


def test_only_the_allow_list_is_public(world: World) -> None:
    revoked = world.alpha["Authorization"].removeprefix("Bearer ")
    with world.services.store.sessions.begin() as session:
        token_id = revoked.split("_")[1]
        session.get(ApiToken, token_id).revoked = True  # type: ignore[union-attr]
    bad_headers = [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer not-a-token"},
        {"Authorization": "Basic YWxpY2U6c2VjcmV0"},
        {"Authorization": f"Bearer {UNKNOWN_TOKEN}"},
        {"Authorization": f"Bearer {revoked}"},
    ]
    # hundreds of bad tokens from one address on purpose: the failure limit is tested below
    world.app.state.copilot.failures = RateLimiter(100_000)
    with TestClient(world.app) as client:
        for method, path in PUBLIC:
            # a mounted folder: ask for one of its files
            url = path + "/swagger-ui.css" if path == "/static-offline-docs" else path
            assert client.request(method, url).status_code == 200, url
        for (method, path), sample in SAMPLES.items():
            url = _url(world, path, sample)
            for headers in bad_headers:
                got = _send(client, method, url, headers, sample)
                assert got.status_code == 401, (method, path, headers, got.text)
                assert got.json()["error"]["correlation_id"] == got.headers["x-request-id"]
                assert not any(c in got.text for c in BETA_CANARIES)


def test_another_teams_ids_leak_nothing_and_change_nothing(world: World) -> None:
    before = beta_state(world.services)
    leaks: list[str] = []
    with TestClient(world.app) as client:
        for (method, path), sample in SAMPLES.items():
            got = _send(client, method, _url(world, path, sample), world.alpha, sample)
            if got.status_code != sample.expect or any(c in got.text for c in BETA_CANARIES):
                leaks.append(f"{method} {path}: {got.status_code} {got.text[:200]}")
            if sample.expect == 404:
                assert got.json()["error"]["message"] in {"not found", "no such team"}, path
    assert not leaks, leaks
    assert beta_state(world.services) == before


def test_team_in_body_or_query_is_ignored(world: World) -> None:
    reps = "rep_id,name,email,team,manager,role,start_date,goal,desire_rating\n"
    reps += "A5,Rep A5,,alpha,M,,2025-01-06,,\n"
    with TestClient(world.app) as client:
        listed = client.get("/v1/reps?team=beta", headers=world.alpha).json()
        models = client.get("/v1/models?team=beta", headers=world.alpha).text
        imported = client.post(
            "/v1/ingest?team=beta",
            data={"team": "beta"},
            files=[("files", ("reps.csv", reps.encode()))],
            headers=world.alpha,
        )
    assert {r["team"] for r in listed} == {"alpha"}
    assert "B1" not in models
    assert imported.status_code == 200
    with world.services.store.sessions() as session:
        assert session.get(Rep, ("alpha", "A5")).team == "alpha"  # type: ignore[union-attr]


def test_an_address_sending_bad_tokens_is_refused_for_a_minute(world: World) -> None:
    """Tokens cannot be guessed; a flood of bad ones is still stopped at the door (429), and a
    good token from the same address waits too, until the minute has passed."""
    limit = world.services.settings.api_auth_failures
    bad = {"Authorization": f"Bearer {UNKNOWN_TOKEN}"}
    with TestClient(world.app) as client:
        statuses = [client.get("/v1/reps", headers=bad).status_code for _ in range(limit)]
        refused = client.get("/v1/reps", headers=bad)
        good_meanwhile = client.get("/v1/reps", headers=world.beta)
    assert statuses == [401] * limit
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "too_many_failures"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert good_meanwhile.status_code == 429
