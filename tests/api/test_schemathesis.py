"""Schemathesis against `/openapi.json` with a manager token and the model faked (API-1):
zero server errors, and every documented response matches its schema."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from schemathesis.checks import not_a_server_error, response_schema_conformance
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok

from copilot.api.app import create_app
from copilot.components import Services
from tests.support.api_world import always_model, build_world
from tests.support.teamdata import TeamFiles

EXAMPLES = 25  # per operation: ~25 operations, about 500 cases, finish well under a minute


def fuzz(operation: Any, headers: dict[str, str], failures: list[str]) -> int:
    """Run one operation's generated cases; record failures; return how many cases ran."""
    cases = 0

    @hyp_settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        nonlocal cases
        cases += 1
        response = case.call(headers=headers)
        try:
            case.validate_response(
                response, checks=[not_a_server_error, response_schema_conformance]
            )
        except FailureGroup as exc:  # collect every operation's failures, then report
            failures.append(f"{operation.label}: {str(exc)[:300]}")

    run()
    return cases


def test_schemathesis_finds_no_server_errors(
    services: Services, two_teams: TeamFiles, tmp_path: Path
) -> None:
    world = build_world(services, two_teams, tmp_path)
    app = create_app(services, lambda: always_model(n=100_000))
    failures: list[str] = []
    cases = 0
    started = time.monotonic()
    with TestClient(app):  # runs the lifespan (schema, batch workers) around the whole run
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        for result in schema.get_all_operations():
            assert isinstance(result, Ok), result
            cases += fuzz(result.ok(), world.alpha, failures)
    print(f"schemathesis: {cases} cases in {time.monotonic() - started:.1f}s")
    assert not failures, "\n".join(dict.fromkeys(failures))
    assert cases >= 100
