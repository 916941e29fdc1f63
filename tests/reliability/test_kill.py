"""A `kill -9` between each pair of writes of an import (every vector batch, then the SQL
commit) leaves no half import: after the restart the records hold all of it or none of it and
the vector store holds exactly what the records hold (no orphan vector, no missing one)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from copilot.components import Services
from copilot.records.ingest import ingest
from copilot.settings import PROJECT_ROOT
from copilot.store.tables import Call, Rep
from tests.reliability.support import out_of_step
from tests.support.fakes import FakeEmbeddings
from tests.support.teamdata import TeamFiles, settings_for

NEW_CALLS = {f"CN{n}" for n in range(5)}


def _import_files(two_teams: TeamFiles, directory: Path) -> str:
    """Five new calls, a changed one, one whose transcript is gone (its chunks are deleted),
    and beta's own rep A2 (ids are per team: alpha's A2 stays)."""
    more = TeamFiles()
    more.rep("A2", "beta")
    for n in range(5):
        more.call(f"CN{n}", "A1", summary=f"New call {n}: budget owner and timing.")
    more.call("CA1", "A1", account="Northwind", summary="Changed: pricing after discovery.")
    cb1 = next(c for c in two_teams.calls if c["call_id"] == "CB1")
    more.calls.append({k: v for k, v in cb1.items() if k != "transcript"})
    more.write(directory)
    return str(directory)


def _state(data: Path) -> tuple[set[str], set[str], list[str]]:
    """After a restart: the new calls stored, the teams with a rep A2, and what is out of
    step."""
    services = Services(settings_for(data), FakeEmbeddings())
    services.init()  # what `copilot serve` does on start
    with services.store.sessions() as session:
        calls = set(session.scalars(select(Call.call_id))) & NEW_CALLS
        teams = set(session.scalars(select(Rep.team).where(Rep.rep_id == "A2")))
    return calls, teams, out_of_step(services)


def test_a_kill_between_any_two_writes_leaves_no_half_import(
    two_teams: TeamFiles, tmp_path: Path
) -> None:
    seed = tmp_path / "seed"
    base = Services(settings_for(seed), FakeEmbeddings())
    base.store.create_schema()
    ingest(base.store, base.indexer, two_teams.write(tmp_path / "seed-files"))
    files = _import_files(two_teams, tmp_path / "import")
    work = tmp_path / "work"
    work.mkdir()
    args = [sys.executable, "-m", "tests.reliability.crash_import", str(seed), files, str(work)]
    ran = subprocess.run(
        args, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert ran.returncode == 0, ran.stderr
    report = json.loads(ran.stdout.splitlines()[-1])
    assert report["writes"] >= 5  # vector batches, a delete and the commit: worth killing between
    assert report["ends"] == {"whole": 0} | {str(a): -9 for a in range(1, report["writes"] + 1)}
    for at in range(1, report["writes"] + 1):
        calls, team, problems = _state(work / f"kill-{at}")
        assert (calls, team) == (set(), {"alpha"}), f"killed before write {at}: half an import"
        assert problems == [], f"killed before write {at}: {problems}"
    assert _state(work / "whole") == (NEW_CALLS, {"alpha", "beta"}, [])
