"""Fixtures: settings on a temp data dir, services with a fake embedder, a small team."""

from __future__ import annotations

from pathlib import Path

import pytest

from copilot.components import Services
from copilot.settings import Settings
from tests.support.fakes import FakeEmbeddings
from tests.support.teamdata import TeamFiles, funnel, settings_for


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return settings_for(tmp_path / "data")


@pytest.fixture
def embedder() -> FakeEmbeddings:
    return FakeEmbeddings()


@pytest.fixture
def services(settings: Settings, embedder: FakeEmbeddings) -> Services:
    services = Services(settings, embedder=embedder)
    services.store.create_schema()
    return services


@pytest.fixture
def two_teams() -> TeamFiles:
    """Team alpha (A1, A2) and team beta (B1), each with calls and a session."""
    team = TeamFiles()
    team.rep("A1", "alpha", goal="Make senior AE by June", desire_rating="4")
    team.rep("A2", "alpha")
    team.rep("B1", "beta", name="Brianna Voss")
    for rep in ("A1", "A2", "B1"):
        team.months(rep, funnel(400, 0.25, 0.4, 0.5, 0.5, 0.3), quota=50000, revenue=40000)
    team.call("CA1", "A1", account="Northwind", summary="Pricing came up before discovery.")
    team.call("CA2", "A2", account="Contoso", summary="Rep booked a follow-up demo with Contoso.")
    team.call(
        "CB1",
        "B1",
        account="Globex",
        summary="Brianna Voss handled the Globex renewal.",
        transcript="Rep: thanks for joining.\nProspect: the canary is BETA-SECRET-7731.",
    )
    team.session(
        "S1", "A1", "2026-10-01", [("K1", "2026-10-15", "done"), ("K2", "2026-11-01", "open")]
    )
    return team


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Close the two /dev/null handles llama-cpp-python opens at import and never closes.

    With warnings as errors they would print a ResourceWarning at interpreter exit.
    """
    import sys

    utils = sys.modules.get("llama_cpp._utils")
    for name in ("outnull_file", "errnull_file"):
        handle = getattr(utils, name, None)
        if handle is not None:
            handle.close()
