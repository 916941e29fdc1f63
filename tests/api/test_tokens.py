"""Token list and revoke, over HTTP and from the shell: a revoked token answers 401 on its very
next request; a manager sees and revokes their own team's tokens only; no secret is shown."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from copilot.api.app import create_app
from copilot.api.tokens import create_token, list_tokens, revoke_token, verify_token
from copilot.cli.service import token_app
from copilot.components import Services
from copilot.errors import CopilotError, NotFoundError
from copilot.settings import get_settings
from tests.support.api_world import World, always_model, build_world
from tests.support.fakes import FakeEmbeddings
from tests.support.teamdata import TeamFiles

cli = typer.Typer()
cli.add_typer(token_app, name="token")
runner = CliRunner()


@pytest.fixture
def world(services: Services, two_teams: TeamFiles, tmp_path: Path) -> World:
    return build_world(services, two_teams, tmp_path)


def _id(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ").split("_")[1]


def test_list_shows_the_teams_tokens_without_secrets(world: World) -> None:
    second = create_token(world.services.store, "Ana Alpha", "alpha")
    with TestClient(world.app) as client:
        got = client.get("/v1/tokens", headers=world.alpha)
    assert got.status_code == 200
    listed = got.json()
    assert sorted((t["manager"], t["current"], t["revoked"]) for t in listed) == [
        ("Alice Alpha", True, False),
        ("Ana Alpha", False, False),
    ]
    assert {t["token_id"] for t in listed} == {_id(world.alpha), second.split("_")[1]}
    assert "Bob Beta" not in got.text and _id(world.beta) not in got.text
    secret = world.alpha["Authorization"].split("_", 2)[2]
    assert secret not in got.text and second.split("_", 2)[2] not in got.text


def test_revoke_over_http_is_effective_on_the_next_request(world: World) -> None:
    leaked = {"Authorization": f"Bearer {create_token(world.services.store, 'Ana', 'alpha')}"}
    with TestClient(world.app) as client:
        assert client.get("/v1/reps", headers=leaked).status_code == 200
        revoked = client.delete(f"/v1/tokens/{_id(leaked)}", headers=world.alpha)
        after = client.get("/v1/reps", headers=leaked)
        again = client.delete(f"/v1/tokens/{_id(leaked)}", headers=world.alpha)
        still = client.get("/v1/reps", headers=world.alpha)
    assert revoked.status_code == 200 and revoked.json()["revoked"] is True
    assert after.status_code == 401 and after.json()["error"]["code"] == "invalid_token"
    assert again.status_code == 200  # revoking twice changes nothing
    assert still.status_code == 200


def test_a_manager_can_revoke_their_own_token(world: World) -> None:
    with TestClient(world.app) as client:
        own = client.delete(f"/v1/tokens/{_id(world.alpha)}", headers=world.alpha)
        after = client.get("/v1/tokens", headers=world.alpha)
    assert own.status_code == 200 and own.json()["current"] is True
    assert after.status_code == 401


def test_another_teams_token_is_not_found_and_stays_valid(world: World) -> None:
    with TestClient(world.app) as client:
        foreign = client.delete(f"/v1/tokens/{_id(world.beta)}", headers=world.alpha)
        unknown = client.delete("/v1/tokens/0123456789abcdef", headers=world.alpha)
        beta = client.get("/v1/reps", headers=world.beta)
    assert foreign.status_code == 404 and unknown.status_code == 404
    assert foreign.json()["error"]["message"] == unknown.json()["error"]["message"] == "not found"
    assert beta.status_code == 200


def test_store_functions_scope_and_validate(world: World) -> None:
    store = world.services.store
    with pytest.raises(NotFoundError):
        revoke_token(store, _id(world.beta), team="alpha")
    with pytest.raises(NotFoundError):
        revoke_token(store, "not-a-token")
    with pytest.raises(CopilotError, match="a team 100"):
        create_token(store, "Pat", "t" * 101)
    full = world.beta["Authorization"].removeprefix("Bearer ")
    assert revoke_token(store, full).token_id == _id(world.beta)  # the whole token works too
    assert verify_token(store, full) is None
    assert [t.manager for t in list_tokens(store, "beta")] == ["Bob Beta"]


@pytest.fixture
def shell(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Services]:
    """Services on the data directory the CLI reads from the environment."""
    monkeypatch.setenv("COPILOT_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    services = Services(get_settings(), embedder=FakeEmbeddings())
    services.store.create_schema()
    yield services
    get_settings.cache_clear()


def test_cli_lists_and_revokes_while_the_service_runs(shell: Services) -> None:
    token = create_token(shell.store, "Pat Manager", "alpha")
    create_token(shell.store, "Lee Manager", "beta")
    headers = {"Authorization": f"Bearer {token}"}
    app = create_app(shell, always_model)
    with TestClient(app) as client:
        assert client.get("/v1/reps", headers=headers).status_code == 200
        listed = runner.invoke(cli, ["token", "list", "--team", "alpha", "--json"])
        table = runner.invoke(cli, ["token", "list"])
        revoked = runner.invoke(cli, ["token", "revoke", token.split("_")[1]])
        after = client.get("/v1/reps", headers=headers)
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.stdout)
    assert [(r["manager"], r["team"], r["revoked"]) for r in rows] == [
        ("Pat Manager", "alpha", False)
    ]
    assert "Lee Manager" in table.stdout and "active" in table.stdout
    assert token.split("_", 2)[2] not in listed.stdout + table.stdout
    assert revoked.exit_code == 0, revoked.output
    assert "revoked token" in revoked.stdout
    assert after.status_code == 401
    unknown = runner.invoke(cli, ["token", "revoke", "0123456789abcdef"])
    assert unknown.exit_code == 1
