"""The shell reads every team of its data directory, and ids are unique per team only: a
command that names an id two teams hold fails with the teams named until `--team` says which;
an id one team holds works as before."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from copilot.cli.main import app
from copilot.components import Services
from copilot.records.ingest import ingest
from copilot.settings import get_settings
from tests.support.fakes import FakeEmbeddings
from tests.support.teamdata import TeamFiles, funnel

runner = CliRunner()
TWO = "rep 'A1' is in teams alpha, beta: say which with --team"


@pytest.fixture
def shell(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, two_teams: TeamFiles) -> Iterator[Path]:
    """Alpha's A1 and A2, beta's B1 and beta's own A1 (with session S1 and commitment K1, as
    alpha's A1 has): no calls, so nothing to embed."""
    monkeypatch.setenv("COPILOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COPILOT_AS_OF", "2026-11-20")
    get_settings.cache_clear()
    services = Services(get_settings(), embedder=FakeEmbeddings())
    services.store.create_schema()
    two_teams.calls = []
    ingest(services.store, services.indexer, two_teams.write(tmp_path / "files"))
    twin = TeamFiles()
    twin.rep("A1", "beta", name="Beta's A1")
    twin.months("A1", funnel(400, 0.25, 0.4, 0.5, 0.5, 0.3), quota=50000, revenue=40000)
    twin.session("S1", "A1", "2026-10-01", [("K1", "2026-11-01", "open")])
    ingest(services.store, services.indexer, twin.write(tmp_path / "twin"), team="beta")
    yield tmp_path
    get_settings.cache_clear()


def test_a_rep_id_in_two_teams_needs_team(shell: Path) -> None:
    bare = runner.invoke(app, ["diagnose", "A1"])
    assert bare.exit_code == 1
    assert TWO in " ".join(bare.output.split())
    chosen = runner.invoke(app, ["diagnose", "A1", "--team", "beta", "--json"])
    assert chosen.exit_code == 0, chosen.output
    assert json.loads(chosen.stdout)["team"] == "beta"
    single = runner.invoke(app, ["diagnose", "A2", "--json"])
    assert single.exit_code == 0 and json.loads(single.stdout)["team"] == "alpha"


def test_commitments_and_sessions_need_team_when_two_teams_hold_the_id(shell: Path) -> None:
    bare = runner.invoke(app, ["commitment", "set", "K1", "--status", "dropped"])
    assert bare.exit_code == 1
    assert "commitment 'K1' is in teams alpha, beta" in " ".join(bare.output.split())
    done = runner.invoke(app, ["commitment", "set", "K1", "--status", "dropped", "--team", "beta"])
    assert done.exit_code == 0, done.output
    listed = runner.invoke(app, ["commitment", "list", "A1", "--team", "alpha", "--json"])
    assert [c["commitment"]["commitment_id"] for c in json.loads(listed.stdout)] == ["K2"]
    add = ["session", "add", "A1", "--date", "2026-11-10", "--focus", "discovery"]
    assert TWO in " ".join(runner.invoke(app, add).output.split())
    made = runner.invoke(app, [*add, "--team", "beta", "--json"])
    assert made.exit_code == 0, made.output
    assert json.loads(made.stdout)["session_id"] == "s-A1-2026-11-10-1"


def test_ingest_takes_the_team_of_its_rows(shell: Path, tmp_path: Path) -> None:
    rows = TeamFiles()
    rows.months("A1", funnel(400, 0.25, 0.4, 0.5, 0.5, 0.3), 50000, 40000, ("2026-11",))
    (path,) = rows.write(tmp_path / "more")
    bare = runner.invoke(app, ["ingest", str(path)])
    assert bare.exit_code == 1
    assert "rep_id 'A1' is in teams alpha, beta" in " ".join(bare.output.split())
    chosen = runner.invoke(app, ["ingest", str(path), "--team", "alpha", "--json"])
    assert chosen.exit_code == 0, chosen.output
    assert json.loads(chosen.stdout)["files"][0]["inserted"] == 1
