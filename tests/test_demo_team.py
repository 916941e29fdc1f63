"""The demo team diagnoses as its CASES.md says (SQLite and Chroma on disk, fake embedder)."""

from __future__ import annotations

import re

from copilot.ingest import ingest
from copilot.services import Services
from copilot.settings import PROJECT_ROOT

DEMO = PROJECT_ROOT / "examples" / "demo_team"
ROW = re.compile(r"^\| ([A-Z]\d\d) \| [^|]+ \| [^|]+ \| (\w+) \| ([^|]+?) \|", re.M)


def _intended() -> dict[str, tuple[str, str]]:
    """rep_id -> (quadrant, focus or 'abstain') from the CASES.md table."""
    rows = ROW.findall((DEMO / "CASES.md").read_text())
    return {rep: (quadrant, focus.split()[0]) for rep, quadrant, focus in rows}


def test_every_demo_rep_diagnoses_as_designed(services: Services) -> None:
    files = sorted(p for p in DEMO.iterdir() if p.suffix in {".csv", ".jsonl"})
    ingest(services.store, services.indexer, files)
    intended = _intended()
    assert len(intended) == 24
    got = {
        d.rep_id: (d.quadrant, d.focus.capability if d.focus else "abstain")
        for d in services.diagnoser.team()
    }
    assert got == intended


def test_demo_covers_every_quadrant_and_stage() -> None:
    quadrants = {q for q, _ in _intended().values()}
    focuses = {f for _, f in _intended().values()}
    assert quadrants == {"striver", "achiever", "independent", "detractor", "unknown"}
    assert focuses == {"opening", "meeting", "discovery", "value", "closing", "abstain"}
