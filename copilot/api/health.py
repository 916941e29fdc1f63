"""`GET /healthz`: public liveness and readiness (the database answers)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text

from copilot.api.deps import ServicesDep

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    database: str


@router.get("/healthz")
def healthz(services: ServicesDep) -> Health:
    """Public: whether the service is up and its database answers."""
    with services.store.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return Health(status="ok", database="ok")
