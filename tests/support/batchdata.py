"""Teams for batch tests and the batch benchmark: reps with a diagnosable focus, plus abstainers."""

from __future__ import annotations

import random
from pathlib import Path

from copilot.components import Services
from copilot.records.ingest import ingest
from tests.support.teamdata import TeamFiles, funnel


def plan_team(team: str, reps: int, abstainers: int = 0, seed: int = 7) -> TeamFiles:
    """`reps` reps with varied funnels (most get a focus) and `abstainers` with no activity."""
    rng = random.Random(f"{seed}/{team}")
    files = TeamFiles()
    prefix = team[:1].upper()
    for i in range(reps):
        rep_id = f"{prefix}{i:03d}"
        files.rep(rep_id, team, goal="Make senior AE next year")
        rates = [rng.uniform(0.15, 0.5) for _ in range(5)]
        files.months(
            rep_id, funnel(400, *rates), quota=50000, revenue=round(rng.uniform(15e3, 60e3))
        )
        files.call(f"{rep_id}-C1", rep_id, summary="Pricing came up before discovery.")
    for i in range(abstainers):
        files.rep(f"{prefix}X{i:02d}", team)
    return files


def load(services: Services, files: TeamFiles, directory: Path) -> None:
    """Import a team's files and index everything."""
    ingest(services.store, services.indexer, files.write(directory))
    services.init()
