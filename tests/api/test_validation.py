"""Months are real calendar months in ASCII digits, refused with 422 before any work: year 0000
broke plans after their model calls, and other digits would key a separate month."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from copilot.components import Services
from copilot.store.tables import BatchJob, Draft
from tests.support.api_world import World, build_world
from tests.support.teamdata import ACTIVITY_COLUMNS, TeamFiles

BAD_MONTHS = [
    "0000-01",
    "２０２６-１２",  # fullwidth digits
    "٢٠٢٦-١٢",  # Arabic-Indic
    "२०२६-१२",  # Devanagari
    "2026-１２",
    "2026-13",
    "2026-1",
]


@pytest.fixture
def world(services: Services, two_teams: TeamFiles, tmp_path: Path) -> World:
    return build_world(services, two_teams, tmp_path)


def _counts(world: World) -> tuple[int, int]:
    with world.services.store.sessions() as session:
        jobs = session.scalar(select(func.count()).select_from(BatchJob)) or 0
        drafts = session.scalar(select(func.count()).select_from(Draft)) or 0
    return jobs, drafts


@pytest.mark.parametrize("month", BAD_MONTHS)
def test_a_month_that_is_not_one_is_422_before_any_work(world: World, month: str) -> None:
    before, calls = _counts(world), len(world.model.sent)
    with TestClient(world.app) as client:
        batch = client.post("/v1/batches", json={"month": month}, headers=world.alpha)
        plan = client.post("/v1/reps/A1/drafts/plan", json={"month": month}, headers=world.alpha)
    for got in (batch, plan):
        assert got.status_code == 422, got.text
        assert got.json()["error"]["message"].startswith("body.month: ")
    assert _counts(world) == before
    assert len(world.model.sent) == calls


@pytest.mark.parametrize("month", ["0000-01", "٢٠٢٦-١٢"])
def test_an_imported_period_that_is_not_a_month_is_refused(world: World, month: str) -> None:
    row = ["A1", month, "50000", "40000", "400", "100", "40", "20", "10", "3"]
    content = ",".join(ACTIVITY_COLUMNS) + "\n" + ",".join(row) + "\n"
    with TestClient(world.app) as client:
        got = client.post(
            "/v1/ingest",
            files=[("files", ("activity.csv", content.encode()))],
            headers=world.alpha,
        )
    assert got.status_code == 422, got.text
    assert got.json()["error"]["details"] == [
        f"activity.csv:2 field 'period': {month!r} is not a month. Fix: write the period as "
        "YYYY-MM in ASCII digits, e.g. 2026-10"
    ]
