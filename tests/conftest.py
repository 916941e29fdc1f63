"""Fixtures: settings on a temp data dir, services with a fake embedder, a small team."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from copilot.components import Services
from copilot.settings import Settings
from tests.store import backends
from tests.support.fakes import FakeEmbeddings
from tests.support.teamdata import TeamFiles, funnel, settings_for


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests that use `settings` in the modules tests/store/backends.py lists run on each
    records database (SQLite, PostgreSQL) or each Chroma client (on disk, server)."""
    module = metafunc.module.__name__
    if module in backends.EVERY_DATABASE and "database" in metafunc.fixturenames:
        names = backends.databases(module, metafunc.function.__name__)
        metafunc.parametrize("database", backends.params(names), indirect=True)
    if module in backends.EVERY_CHROMA and "chroma" in metafunc.fixturenames:
        metafunc.parametrize("chroma", backends.params(backends.CHROMAS), indirect=True)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    backends.summary(terminalreporter)


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The PostgreSQL server's URL (skips without one; fails under CI)."""
    return backends.postgres_server_url()


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A `chroma run` server on loopback for the session."""
    with backends.chroma_server(tmp_path_factory.mktemp("chroma-server")) as url:
        yield url


@pytest.fixture
def database(request: pytest.FixtureRequest) -> str:
    """The records database a test runs on: SQLite unless parametrised."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def chroma(request: pytest.FixtureRequest) -> str:
    """The Chroma client a test runs on: on disk unless parametrised."""
    return str(getattr(request, "param", "disk"))


@pytest.fixture
def settings(
    tmp_path: Path, database: str, chroma: str, request: pytest.FixtureRequest
) -> Iterator[Settings]:
    base = settings_for(tmp_path / "data")
    with backends.backend_settings(base, database, chroma, request.getfixturevalue) as settings:
        yield settings


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
