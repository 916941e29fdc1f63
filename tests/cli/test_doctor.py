"""`copilot doctor`: a healthy install reports every component; a crash or an unreachable
endpoint is reported as a failed check, not a dead command."""

from __future__ import annotations

import json
import platform
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from copilot.cli.doctor import local_model
from copilot.cli.main import app
from copilot.llm.chat_model import SMOLLM2_SHA256, smollm2_path
from copilot.llm.llama import has_amx_path, load_llama
from copilot.settings import get_settings
from tests.support.teamdata import settings_for

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    for name in ("COPILOT_LLM_BASE_URL", "COPILOT_LLM_MODEL", "COPILOT_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COPILOT_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield tmp_path / "data"
    get_settings.cache_clear()


@pytest.mark.integration
def test_doctor_reports_a_healthy_install(data_dir: Path) -> None:
    result = runner.invoke(app, ["doctor", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["healthy"] is True
    assert report["model_sha256"] == SMOLLM2_SHA256
    assert report["data_dir"] == str(data_dir)
    assert {c["name"]: c["status"] for c in report["checks"]} == {
        "embedded model": "ok",
        "database": "ok",
        "vector store": "ok",
        "embeddings": "ok",
    }
    if platform.machine() == "x86_64":  # the Makefile's portable build carries no AMX path
        assert "AVX2 = 1" in report["llama_cpp"] and not has_amx_path(report["llama_cpp"])


def test_a_native_crash_is_a_failed_check_with_its_signal() -> None:
    crash = "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)"
    with pytest.raises(RuntimeError, match="crashed with SIGSEGV"):
        local_model(settings_for(Path("unused")), Path("model.gguf"), probe=crash)


def test_an_unreachable_endpoint_fails_the_doctor(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COPILOT_LLM_BASE_URL", "http://127.0.0.1:9/v1")
    get_settings.cache_clear()
    result = runner.invoke(app, ["doctor", "--json"])
    assert result.exit_code == 1
    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
    assert checks["model endpoint"]["status"] == "failed"
    assert "embedded model" not in checks


def test_the_amx_path_is_read_from_the_build_report() -> None:
    assert has_amx_path("CPU : AVX2 = 1 | AMX_INT8 = 1 | REPACK = 1")
    assert not has_amx_path("CPU : AVX2 = 1 | AVX512 = 1 | REPACK = 1")


@pytest.mark.integration
def test_the_model_generates_without_extra_buffers() -> None:
    """The load AMX hosts take (weights kept out of extra buffer types), run on this host."""
    llama = load_llama(str(smollm2_path()), 512, 1, 7, extra_buffers=False)
    reply = llama.create_completion("The capital of France is", max_tokens=8, temperature=0.0)
    assert reply["usage"]["completion_tokens"] >= 1
