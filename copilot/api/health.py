"""`GET /healthz`: public liveness and readiness: the database and the vector store answer, both
are still the ones the service opened (a deleted or replaced data directory fails here), and the
vector store takes writes (after a failed or late write it does not until it recovers)."""

from __future__ import annotations

import asyncio
import logging
import weakref
from typing import Literal

import anyio
import anyio.to_thread
from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import text

from copilot.api.deps import AppState
from copilot.components import Services

log = logging.getLogger("copilot.api")
router = APIRouter(tags=["health"])
Component = Literal["ok", "failing", "missing", "replaced"]


class Health(BaseModel):
    status: Literal["ok", "failing"]
    database: Component = Field(description="`missing` or `replaced`: its file under the service")
    vectors: Component = Field(description="`missing` or `replaced`: its directory, likewise")


# Health runs on threads of its own, never queued behind a flood of requests in the shared pool;
# two at a time, since the route is public and unlimited. One limiter per event loop.
_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter] = (
    weakref.WeakKeyDictionary()
)


@router.get(
    "/healthz",
    responses={503: {"model": Health, "description": "A component is failing or was lost"}},
)
async def healthz(request: Request, response: Response) -> Health:
    """Public: whether the service is up and its database and vector store answer; 503 names
    the component that does not (no paths, no error text)."""
    state: AppState = request.app.state.copilot  # not a dependency: those run in the pool
    loop = asyncio.get_running_loop()
    limiter = _limiters.setdefault(loop, anyio.CapacityLimiter(2))
    health = await anyio.to_thread.run_sync(_health, state, limiter=limiter)
    if health.status != "ok":
        response.status_code = 503
    return health


def _health(state: AppState) -> Health:
    services = state.services
    lost = state.storage.problems()
    database = lost.get("database") or "ok"
    if database == "ok":
        try:
            with services.store.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:
            log.error("healthz: database %s", type(exc).__name__)
            database = "failing"
    vectors = lost.get("vectors") or _vectors(services)
    ok = database == "ok" and vectors == "ok"
    return Health(status="ok" if ok else "failing", database=database, vectors=vectors)


def _vectors(services: Services) -> Component:
    """`failing` while the store refuses writes (a recovery is started, never waited for), its
    disk lacks room or it does not answer; it is not touched after a failed write (which could
    hang it)."""
    gate = services.vectors.gate
    if gate.problem() is not None:
        gate.recover_soon(services.vectors.probe, services.init)
        return "failing"
    if gate.room_problem() is not None:
        log.error("healthz: vectors: %s", gate.room_problem())
        return "failing"
    try:
        services.vectors.collections()
    except Exception as exc:
        log.error("healthz: vectors %s", type(exc).__name__)
        return "failing"
    return "ok"
