"""`copilot session add` and `copilot commitment set|list`: clear errors for a malformed
`--commit`, and the loop end to end on a data directory the shell reads."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from copilot.cli.coaching import parse_commit
from copilot.cli.main import app
from copilot.components import Services
from copilot.records.ingest import ingest
from copilot.settings import get_settings
from tests.support.fakes import FakeEmbeddings
from tests.support.teamdata import TeamFiles

runner = CliRunner()
ADD = ["session", "add", "A1", "--date", "2026-11-10", "--focus", "discovery"]


@pytest.fixture
def shell(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, two_teams: TeamFiles) -> Iterator[Path]:
    """Two teams' reps, activity and sessions (no calls: nothing to embed) in the shell's data."""
    monkeypatch.setenv("COPILOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COPILOT_AS_OF", "2026-11-20")
    get_settings.cache_clear()
    services = Services(get_settings(), embedder=FakeEmbeddings())
    services.store.create_schema()
    two_teams.calls = []
    ingest(services.store, services.indexer, two_teams.write(tmp_path / "files"))
    yield tmp_path
    get_settings.cache_clear()


def _json(*args: str) -> object:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_commit_splits_at_the_last_at_sign() -> None:
    assert parse_commit(" Email jo@acme.com the recap @2026-12-01") == (
        "Email jo@acme.com the recap",
        date(2026, 12, 1),
    )


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("Ask two impact questions", "has no '@' before a due date"),
        ("Ask two impact questions@2026-13-01", "'2026-13-01' in 'Ask two impact questions@2026-1"),
        (
            "Ask two impact questions@next friday",
            "is not a date: write the due date after the last",
        ),
        ("@2026-12-01", "has no text before the '@'"),
    ],
)
def test_a_malformed_commit_is_a_clear_usage_error(value: str, says: str) -> None:
    result = runner.invoke(app, [*ADD, "--commit", value])
    assert result.exit_code == 2
    flat = " ".join(result.output.replace("│", " ").split())
    assert "--commit" in flat and " ".join(says.split()) in flat


def test_session_add_then_set_then_list(shell: Path) -> None:
    made = _json(*ADD, "--notes", "Went through it.", "--commit", "Ask two@2026-11-24", "--json")
    assert made == {"session_id": "s-A1-2026-11-10-1", "commitment_ids": ["s-A1-2026-11-10-1-c1"]}
    done = _json(
        "commitment", "set", "s-A1-2026-11-10-1-c1", "--status", "done", "--note", "twice", "--json"
    )
    assert isinstance(done, dict) and (done["status"], done["note"]) == ("done", "twice")
    listed = _json("commitment", "list", "A1", "--json")
    assert isinstance(listed, list)
    assert [(e["commitment"]["commitment_id"], e["calls"]) for e in listed] == [("K2", [])]
    text = runner.invoke(app, ["commitment", "list", "A1"])
    assert "K2 due 2026-11-01" in text.stdout and "no call recorded since" in text.stdout


def test_shell_errors_name_what_to_fix(shell: Path) -> None:
    early = runner.invoke(app, [*ADD, "--commit", "Too early@2026-11-09"])
    unknown = runner.invoke(app, ["session", "add", "Z9", "--focus", "x"])
    missing = runner.invoke(app, ["commitment", "set", "NOPE", "--status", "dropped"])
    assert early.exit_code == 2
    assert "2026-11-09 is before the session date 2026-11-10" in " ".join(early.output.split())
    assert (unknown.exit_code, missing.exit_code) == (1, 1)
    assert "no rep 'Z9'" in unknown.stderr
    assert "no commitment 'NOPE'" in missing.stderr
