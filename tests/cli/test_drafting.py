"""`copilot draft`, `ask` and `check` from the shell, through a configured OpenAI-compatible
endpoint (a scripted server on loopback) and the guard."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from copilot.cli.main import app
from copilot.components import Services
from copilot.drafting.pipeline import Drafter, DraftRequest
from copilot.records.ingest import ingest
from copilot.settings import PROJECT_ROOT, get_settings
from tests.support.fake_openai import Script, fake_openai_server
from tests.support.fakes import FakeChatModel, FakeEmbeddings

pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"])]
runner = CliRunner()
DEMO = PROJECT_ROOT / "examples" / "demo_team"
CASES = PROJECT_ROOT / "tests" / "support" / "guard_cases"


@pytest.fixture
def script() -> Script:
    return Script()


@pytest.fixture
def shell(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, script: Script) -> Iterator[Services]:
    """The demo team in a data dir the CLI reads, and the CLI pointed at the fake endpoint."""
    monkeypatch.setenv("COPILOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COPILOT_AS_OF", "2026-11-20")
    monkeypatch.setenv("COPILOT_LLM_MAX_RETRIES", "0")
    get_settings.cache_clear()
    services = Services(get_settings(), embedder=FakeEmbeddings())
    services.store.create_schema()
    ingest(
        services.store,
        services.indexer,
        sorted(p for p in DEMO.iterdir() if p.suffix in {".csv", ".jsonl"}),
    )
    with fake_openai_server(script) as url:
        monkeypatch.setenv("COPILOT_LLM_BASE_URL", url)
        monkeypatch.setenv("COPILOT_LLM_MODEL", "fake-gpt")
        get_settings.cache_clear()
        yield services
    get_settings.cache_clear()


def test_draft_questions_json_through_the_endpoint(shell: Services, script: Script) -> None:
    reply = Drafter(shell, FakeChatModel()).prepare(DraftRequest("questions", "E02")).spec.compose()
    script.replies.append(reply.model_dump_json())
    result = runner.invoke(app, ["draft", "questions", "E02", "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["source"] == "model"
    assert body["guard"]["passed"] is True
    assert body["provenance"]["model"] == "fake-gpt"
    assert body["provenance"]["prompt_hash"]
    assert script.requests[0]["response_format"]["type"] == "json_schema"


def test_draft_falls_back_to_the_composer(shell: Services, script: Script) -> None:
    script.replies += ['{"questions": []}', '{"questions": []}']
    result = runner.invoke(app, ["draft", "plan", "C03", "--month", "2026-12"])
    assert result.exit_code == 0, result.output
    assert "Focus: closing" in result.stdout
    assert "source: composer" in result.stdout


def test_endpoint_outage_is_a_clear_error(shell: Services, script: Script) -> None:
    script.replies.append({"status": 429, "headers": {"Retry-After": "3"}})
    result = runner.invoke(app, ["draft", "questions", "E02"])
    assert result.exit_code == 1
    assert "429" in result.stderr


def test_ask_shows_only_the_guarded_answer_by_default(shell: Services, script: Script) -> None:
    script.replies.append("Work smarter, not harder, and be more confident.")
    result = runner.invoke(app, ["ask", "C03", "What should I focus on?"])
    assert result.exit_code == 0, result.output
    assert "Work smarter" not in result.stdout  # the failing answer never reaches the screen
    assert "source: composer" in result.stdout
    assert "closing" in result.stdout
    assert "failed the guard" in result.stdout
    assert script.requests[0]["stream"] is True


GENERIC = "Work smarter, not harder, and be more confident."
QUESTION = "What should I focus on?"


def composed_answer(services: Services, rep: str, question: str = QUESTION) -> str:
    """The composer's grounded answer for `rep`: cited, so the guard passes it."""
    req = DraftRequest("answer", rep, question=question)
    out = Drafter(services, FakeChatModel()).prepare(req).spec.compose()
    return str(out.model_dump()["answer"])


def test_ask_raw_streams_then_shows_the_grounded_answer(
    shell: Services, script: Script, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COPILOT_CHAT_STREAM", "raw")
    get_settings.cache_clear()
    script.replies.append(GENERIC)
    result = runner.invoke(app, ["ask", "C03", QUESTION])
    assert result.exit_code == 0, result.output
    streamed = result.stdout.index("Work smarter, not harder")  # as it came
    verdict = result.stdout.index("source: composer")
    grounded = result.stdout.index("Grounded answer from the record instead")
    assert streamed < verdict < grounded


def test_ask_json_is_the_guarded_answer_with_its_provenance(
    shell: Services, script: Script
) -> None:
    script.replies.append(GENERIC)
    failed = json.loads(runner.invoke(app, ["ask", "C03", QUESTION, "--json"]).stdout)
    assert failed["source"] == "composer" and failed["guard"]["passed"] is True
    assert failed["draft"]["answer"] == composed_answer(shell, "C03")
    attempt = failed["provenance"]["attempts"][0]
    assert attempt["streamed"] is True and attempt["passed"] is False
    assert failed["provenance"]["model"] == "fake-gpt" and failed["draft_id"] > 0

    script.replies.append(composed_answer(shell, "C03"))
    passed = json.loads(runner.invoke(app, ["ask", "C03", QUESTION, "--json"]).stdout)
    assert passed["source"] == "model" and passed["guard"]["passed"] is True
    assert passed["draft"]["answer"] == composed_answer(shell, "C03")


def test_ask_refuses_an_empty_question_before_the_model(shell: Services, script: Script) -> None:
    result = runner.invoke(app, ["ask", "C03", "   "])
    assert result.exit_code == 1
    assert "empty" in result.stderr
    assert script.requests == []


@pytest.mark.parametrize(
    ("name", "rep", "kind"),
    [
        ("dana_debrief.json", "C03", "debrief"),
        ("dana_debrief.md", "C03", "debrief"),
        ("aisha_questions.md", "E05", "questions"),
    ],
)
def test_check_passes_good_drafts(shell: Services, name: str, rep: str, kind: str) -> None:
    result = runner.invoke(
        app, ["check", str(CASES / name), "--rep", rep, "--kind", kind, "--json"]
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["passed"] is True, body["findings"]


def test_check_reports_findings_and_still_exits_0(shell: Services, tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text(
        "- How can you work smarter, not harder?\n- Don't you think you should call them?\n"
    )
    result = runner.invoke(
        app, ["check", str(bad), "--rep", "E05", "--kind", "questions", "--json"]
    )
    assert result.exit_code == 0
    body = json.loads(result.stdout)
    assert body["passed"] is False
    assert {"GEN-1", "ASK-3"} <= {f["detector"] for f in body["findings"]}
    assert all({"detector", "unit", "reason"} <= f.keys() for f in body["findings"])


def test_check_flags_json_that_is_not_a_draft(shell: Services, tmp_path: Path) -> None:
    odd = tmp_path / "odd.json"
    odd.write_text(json.dumps({"questions": "what went well?"}))
    body = json.loads(
        runner.invoke(
            app, ["check", str(odd), "--rep", "E05", "--kind", "questions", "--json"]
        ).stdout
    )
    assert body["passed"] is False
    assert body["findings"][0]["detector"] == "SCHEMA"
