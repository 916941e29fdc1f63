"""The CLI end to end on the real default components: SQLite, Chroma on disk, MiniLM."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from copilot.cli.main import app
from copilot.settings import get_settings
from tests.support.teamdata import TeamFiles

pytestmark = pytest.mark.integration
runner = CliRunner()


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    monkeypatch.setenv("COPILOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COPILOT_AS_OF", "2026-11-20")
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def _run(*args: str) -> dict[str, object] | list[dict[str, object]]:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    parsed: dict[str, object] | list[dict[str, object]] = json.loads(result.stdout)
    return parsed


def test_ingest_reps_diagnose_json(env: Path, two_teams: TeamFiles) -> None:
    paths = [str(p) for p in two_teams.write(env / "in")]
    assert runner.invoke(app, ["init"]).exit_code == 0
    report = _run("ingest", *paths, "--json")
    assert isinstance(report, dict)
    assert report["chunks_embedded"] == 4
    listed = _run("reps", "--team", "alpha", "--json")
    assert [r["rep_id"] for r in listed] == ["A1", "A2"]  # type: ignore[index]
    diagnosis = _run("diagnose", "A1", "--json")
    assert isinstance(diagnosis, dict)
    assert {"rep_id", "quadrant", "abstain", "focus", "evidence"} <= diagnosis.keys()
    assert diagnosis["quadrant"] in {"striver", "achiever", "independent", "detractor", "unknown"}
    hits = _run("search", "Globex renewal", "--team", "beta", "--json")
    assert {h["team"] for h in hits} == {"beta"}  # type: ignore[index]


def test_import_error_exits_1_with_location(env: Path, two_teams: TeamFiles) -> None:
    two_teams.activity[2]["wins"] = "-1"
    result = runner.invoke(app, ["ingest", *map(str, two_teams.write(env / "in"))])
    assert result.exit_code == 1
    assert "activity.csv:4 field 'wins'" in result.stderr
    assert "nothing was written" in result.stderr


def test_unknown_rep_exits_1(env: Path) -> None:
    result = runner.invoke(app, ["diagnose", "NOPE"])
    assert result.exit_code == 1
    assert "no rep 'NOPE'" in result.stderr


def test_readable_tables(env: Path, two_teams: TeamFiles) -> None:
    runner.invoke(app, ["ingest", *map(str, two_teams.write(env / "in"))])
    result = runner.invoke(app, ["diagnose", "A1"])
    assert result.exit_code == 0
    assert "Diagnosis A1" in result.stdout
    assert "opening" in result.stdout
    assert "Single focus" in result.stdout or "Abstain" in result.stdout
