"""A concurrent flood of checks from one token, against the app under uvicorn on loopback with a
small worker pool: `/healthz` and another team's requests keep answering, promptly, and the
flood itself gets answers (200, or 429 past the rate limit), never a 500; and health answers
even while slow drafts hold every worker."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import anyio.to_thread
import httpx
import pytest
from starlette.types import ASGIApp, Receive, Scope, Send

from copilot.components import Services
from tests.support.api_support import app_for
from tests.support.api_world import World, build_world
from tests.support.fakes import FakeChatModel
from tests.support.teamdata import TeamFiles
from tests.web.live import serving

pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"])]
POOL = 6  # worker threads for the app's synchronous work (the default is 40)
FLOOD = 150  # past the rate limit (120 a minute): the rest answer 429
PROMPT_S = 5.0  # what "promptly" means here, on a loaded CI machine


class SmallPool:
    """The app with its thread pool cut to `tokens`, so a flood can fill it."""

    def __init__(self, app: ASGIApp, tokens: int) -> None:
        self.app = app
        self.tokens = tokens

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        anyio.to_thread.current_default_thread_limiter().total_tokens = self.tokens
        await self.app(scope, receive, send)


@pytest.fixture
def world(services: Services, two_teams: TeamFiles, tmp_path: Path) -> World:
    return build_world(services, two_teams, tmp_path)


@pytest.fixture
def base_url(world: World) -> Iterator[str]:
    with serving(SmallPool(world.app, POOL)) as url:  # type: ignore[arg-type]
        yield url


def _timed(client: httpx.Client, url: str, headers: dict[str, str]) -> tuple[int, float]:
    started = time.monotonic()
    status = client.get(url, headers=headers).status_code
    return status, time.monotonic() - started


def test_a_flood_of_checks_leaves_health_and_other_teams_answering(
    world: World, base_url: str
) -> None:
    body = {"rep_id": "A1", "kind": "questions", "draft": "What did Northwind say on pricing?"}
    with (
        httpx.Client(base_url=base_url, timeout=60) as client,
        ThreadPoolExecutor(FLOOD) as pool,
    ):
        flood = [
            pool.submit(client.post, "/v1/check", json=body, headers=world.alpha)
            for _ in range(FLOOD)
        ]
        time.sleep(0.2)  # the flood is in
        probes: list[tuple[str, int, float]] = []
        while not all(f.done() for f in flood) or not probes:
            probes.append(("health", *_timed(client, "/healthz", {})))
            probes.append(("beta", *_timed(client, "/v1/reps", world.beta)))
        statuses = [f.result().status_code for f in flood]
    assert set(statuses) <= {200, 429}, statuses
    assert statuses.count(200) >= 1
    slow = [p for p in probes if p[1] != 200 or p[2] > PROMPT_S]
    assert not slow, f"{len(slow)} of {len(probes)} probes failed or waited: {slow[:5]}"


def test_health_answers_while_slow_drafts_fill_every_worker(world: World) -> None:
    """Health runs on threads of its own: a pool full of drafts waiting on a slow model does
    not hold it up (it did, while it ran in the shared pool)."""
    model = FakeChatModel()
    model.enqueue(*[{"content": "not JSON", "sleep": 2.0}] * 40)
    app = SmallPool(app_for(world.services, model), POOL)
    with (
        serving(app) as url,  # type: ignore[arg-type]
        httpx.Client(base_url=url, timeout=60) as client,
        ThreadPoolExecutor(POOL * 2) as pool,
    ):
        drafts = [
            pool.submit(client.post, f"/v1/reps/A{1 + n % 2}/drafts/questions", headers=world.alpha)
            for n in range(POOL * 2)
        ]
        time.sleep(0.5)  # every worker is waiting on the model now
        waits = [_timed(client, "/healthz", {}) for _ in range(5)]
        assert not all(d.done() for d in drafts)  # the pool was still full
        for d in drafts:
            d.result()
    assert all(status == 200 for status, _ in waits), waits
    assert max(wait for _, wait in waits) < 1.5, waits


def test_one_tokens_slow_drafts_hold_only_its_own_slots(world: World) -> None:
    """A token's requests in progress are capped (COPILOT_API_MAX_IN_FLIGHT): past the cap it
    is told 429 at once, and another team's requests find free workers."""
    capped = world.services.settings.model_copy(update={"api_max_in_flight": 2})
    model = FakeChatModel()
    model.enqueue(*[{"content": "not JSON", "sleep": 1.5}] * 40)
    app = SmallPool(app_for(Services(capped, world.services.embedder), model), POOL)
    with (
        serving(app) as url,  # type: ignore[arg-type]
        httpx.Client(base_url=url, timeout=60) as client,
        ThreadPoolExecutor(POOL + 2) as pool,
    ):
        drafts = [
            pool.submit(client.post, "/v1/reps/A1/drafts/questions", headers=world.alpha)
            for _ in range(POOL + 2)
        ]
        time.sleep(0.5)  # two drafts wait on the model; the rest were turned away
        beta = [_timed(client, "/v1/reps", world.beta) for _ in range(3)]
        refused = [d.result() for d in drafts if d.done() and d.result().status_code == 429]
        statuses = [d.result().status_code for d in drafts]
        again = client.get("/v1/reps", headers=world.alpha).status_code
    assert statuses.count(429) == POOL, statuses
    assert refused and refused[0].json()["error"]["code"] == "too_many_in_flight"
    assert refused[0].headers["Retry-After"] == "1"
    assert all(status == 200 for status, _ in beta), beta
    assert max(wait for _, wait in beta) < PROMPT_S, beta
    assert again == 200  # the slots came back once the drafts were answered
