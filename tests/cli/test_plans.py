"""`copilot plans` from the shell through a scripted OpenAI-compatible endpoint on loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from copilot.cli.plans import plans
from copilot.components import Services
from copilot.settings import get_settings
from tests.support.batchdata import load, plan_team
from tests.support.fake_openai import Script, fake_openai_server
from tests.support.fakes import FakeEmbeddings

pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"])]
runner = CliRunner()
app = typer.Typer()
app.command()(plans)
app.command("noop")(lambda: None)  # two commands: typer keeps `plans` as a sub-command
ARGS = ["plans", "--team", "alpha", "--month", "2026-12", "--concurrency", "2"]


@pytest.fixture
def script() -> Script:
    return Script()


@pytest.fixture
def shell(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, script: Script) -> Iterator[Services]:
    """Team alpha (3 reps, one abstainer) in a data dir the CLI reads; the fake endpoint."""
    monkeypatch.setenv("COPILOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COPILOT_AS_OF", "2026-11-20")
    monkeypatch.setenv("COPILOT_LLM_MAX_RETRIES", "0")
    get_settings.cache_clear()
    services = Services(get_settings(), embedder=FakeEmbeddings())
    services.store.create_schema()
    load(services, plan_team("alpha", 3, abstainers=1), tmp_path / "files")
    with fake_openai_server(script) as url:
        monkeypatch.setenv("COPILOT_LLM_BASE_URL", url)
        monkeypatch.setenv("COPILOT_LLM_MODEL", "fake-gpt")
        get_settings.cache_clear()
        yield services
    get_settings.cache_clear()


def test_plans_json_then_a_rerun_is_a_no_op(shell: Services, script: Script) -> None:
    result = runner.invoke(app, [*ARGS, "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["status"] == "done"
    assert (body["counts"]["done"], body["counts"]["skipped"]) == (3, 1)
    assert [r["state"] for r in body["results"]] == ["done"] * 3 + ["skipped"]
    calls = len(script.requests)
    assert calls == 6  # two rounds a rep, then the composer
    again = runner.invoke(app, [*ARGS, "--json"])
    assert again.exit_code == 0 and len(script.requests) == calls
    assert json.loads(again.stdout)["results"] == body["results"]


def test_plans_prints_a_summary_table(shell: Services) -> None:
    result = runner.invoke(app, ARGS)
    assert result.exit_code == 0, result.output
    for text in ("A000", "AX00", "skipped", "first plan", "3 done, 1 skipped, 0 failed of 4"):
        assert text in result.stdout


def test_a_failed_rep_exits_1_and_a_rerun_retries_it(shell: Services, script: Script) -> None:
    script.replies.append({"status": 400})
    result = runner.invoke(app, [*ARGS[:-2], "--concurrency", "1", "--json"])
    assert result.exit_code == 1
    failures = json.loads(result.stdout)["failures"]
    assert [f["rep_id"] for f in failures] == ["A000"] and "400" in failures[0]["reason"]
    again = runner.invoke(app, [*ARGS, "--json"])
    assert again.exit_code == 0 and json.loads(again.stdout)["failures"] == []


def test_a_bad_month_is_a_usage_error(shell: Services) -> None:
    result = runner.invoke(app, ["plans", "--team", "alpha", "--month", "12/2026"])
    assert result.exit_code == 2
