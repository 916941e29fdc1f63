"""Fixtures of the web tests: one two-team world per module (importing and indexing is the
slow part), and a TestClient signed in as alpha's manager."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from copilot.components import Services
from tests.support.fakes import FakeEmbeddings
from tests.support.teamdata import settings_for
from tests.web.world import WebWorld, build

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture(scope="module")
def web_world(tmp_path_factory: pytest.TempPathFactory) -> WebWorld:
    tmp = tmp_path_factory.mktemp("web")
    services = Services(settings_for(tmp / "data"), embedder=FakeEmbeddings())
    services.store.create_schema()
    return build(services, tmp)


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = _CSRF.search(html)
    assert match, "no form with a CSRF token on the page"
    return match.group(1)


def sign_in(client: TestClient, token: str) -> str:
    """Sign `client` in with `token`; returns the session's CSRF token."""
    nonce = csrf_of(client.get("/signin").text)
    got = client.post("/signin", data={"token": token, "csrf": nonce}, follow_redirects=False)
    assert got.status_code == 303, got.text
    return csrf_of(client.get("/").text)


@pytest.fixture
def alpha_client(web_world: WebWorld) -> Iterator[tuple[TestClient, str]]:
    """A client signed in as alpha's manager, with its CSRF token."""
    with TestClient(web_world.app, base_url="http://127.0.0.1") as client:
        yield client, sign_in(client, web_world.alpha_token)
