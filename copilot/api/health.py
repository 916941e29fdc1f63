"""`GET /healthz`: public liveness and readiness: the database and the vector store answer, and
both are still the ones the service opened (a deleted or replaced data directory fails here)."""

from __future__ import annotations

import logging
from typing import Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field
from sqlalchemy import text

from copilot.api.deps import StateDep

log = logging.getLogger("copilot.api")
router = APIRouter(tags=["health"])
Component = Literal["ok", "failing", "missing", "replaced"]


class Health(BaseModel):
    status: Literal["ok", "failing"]
    database: Component = Field(description="`missing` or `replaced`: its file under the service")
    vectors: Component = Field(description="`missing` or `replaced`: its directory, likewise")


@router.get(
    "/healthz",
    responses={503: {"model": Health, "description": "A component is failing or was lost"}},
)
def healthz(state: StateDep, response: Response) -> Health:
    """Public: whether the service is up and its database and vector store answer; 503 names
    the component that does not (no paths, no error text)."""
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
    vectors = lost.get("vectors") or "ok"
    if vectors == "ok":  # only then: opening a lost directory would make a new empty one
        try:
            services.vectors.collections()
        except Exception as exc:
            log.error("healthz: vectors %s", type(exc).__name__)
            vectors = "failing"
    ok = database == "ok" and vectors == "ok"
    if not ok:
        response.status_code = 503
    return Health(status="ok" if ok else "failing", database=database, vectors=vectors)
