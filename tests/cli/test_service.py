"""`copilot token create` and `copilot serve`: a real server on loopback, probed as a new user
would on a fresh data directory with two teams' tokens."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import typer
from typer.testing import CliRunner

from copilot.api.tokens import verify_token
from copilot.cli.service import serve, token_app
from copilot.settings import get_settings
from copilot.store.database import Store
from tests.support.teamdata import TeamFiles

pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"])]
cli = typer.Typer()
cli.command()(serve)
cli.add_typer(token_app, name="token")
runner = CliRunner()


@pytest.fixture
def data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    monkeypatch.setenv("COPILOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COPILOT_AS_OF", "2026-11-20")
    get_settings.cache_clear()
    yield tmp_path / "data"
    get_settings.cache_clear()


def _token(team: str, manager: str = "Pat Manager") -> str:
    result = runner.invoke(cli, ["token", "create", "--manager", manager, "--team", team])
    assert result.exit_code == 0, result.output
    return result.stdout.rstrip("\n").splitlines()[-1]


def test_token_create_prints_the_token_last(data_dir: Path) -> None:
    token = _token("alpha")
    manager = verify_token(Store(get_settings().sqlalchemy_url), token)
    assert manager is not None and (manager.name, manager.team) == ("Pat Manager", "alpha")
    as_json = runner.invoke(
        cli, ["token", "create", "--manager", "Lee", "--team", "beta", "--json"]
    )
    assert '"team": "beta"' in as_json.stdout and '"token": "cpt_' in as_json.stdout
    empty = runner.invoke(cli, ["token", "create", "--manager", " ", "--team", "beta"])
    assert empty.exit_code == 1


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait(base: str, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the server exited"
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("the server did not answer /healthz within 60 s")


def test_serve_answers_a_new_user(data_dir: Path, tmp_path: Path, two_teams: TeamFiles) -> None:
    alpha = {"Authorization": f"Bearer {_token('alpha')}"}
    beta = {"Authorization": f"Bearer {_token('beta')}"}
    port = _free_port()
    code = "import typer; from copilot.cli.service import serve; typer.run(serve)"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "--host", "127.0.0.1", "--port", str(port)],
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base, proc)
        assert httpx.get(f"{base}/docs").status_code == 200
        assert httpx.get(f"{base}/v1/reps").status_code == 401
        paths = two_teams.write(tmp_path / "upload")
        alpha_files = [p for p in paths if p.name in {"reps.csv", "activity.csv"}]
        reps = tmp_path / "reps.csv"
        reps.write_text(
            "\n".join(ln for ln in alpha_files[0].read_text().splitlines() if ",beta," not in ln)
            + "\n"
        )
        activity = "\n".join(
            ln for ln in alpha_files[1].read_text().splitlines() if not ln.startswith("B1,")
        )
        files = [
            ("files", ("reps.csv", reps.read_bytes())),
            ("files", ("activity.csv", (activity + "\n").encode())),
        ]
        imported = httpx.post(f"{base}/v1/ingest", files=files, headers=alpha, timeout=120)
        assert imported.status_code == 200, imported.text
        listed = httpx.get(f"{base}/v1/reps", headers=alpha).json()
        assert {r["rep_id"] for r in listed} == {"A1", "A2"}
        assert httpx.get(f"{base}/v1/reps/A1/diagnosis", headers=alpha).json()["rep_id"] == "A1"
        assert httpx.get(f"{base}/v1/reps", headers=beta).json() == []
        assert httpx.get(f"{base}/v1/reps/A1", headers=beta).status_code == 404
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}/docs" in output
    assert "Rep A1" not in output and "Traceback" not in output
