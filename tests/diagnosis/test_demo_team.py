"""The demo team diagnoses as its CASES.md says (SQLite and Chroma on disk, fake embedder)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from copilot.components import Services
from copilot.diagnosis.diagnoser import Diagnoser
from copilot.errors import ConfigError
from copilot.records.dataset import dataset_settings, read_manifest
from copilot.records.ingest import ingest
from copilot.settings import PROJECT_ROOT, Settings
from copilot.store.database import Store
from tests.support.guard_cases import demo_store
from tests.support.teamdata import settings_for

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


class CalendarSettings(Settings):
    """Settings whose calendar date is injected: the clock a test can fix."""

    calendar: date

    def today(self) -> date:
        return self.as_of or self.calendar


def _demo_story(store: Store, calendar: date, manifest: bool) -> list[dict[str, object]]:
    fields = settings_for(Path("unused")).model_dump() | {"as_of": None, "calendar": calendar}
    base = CalendarSettings(**fields)
    settings = dataset_settings(base, DEMO) if manifest else base
    return [d.model_dump() for d in Diagnoser(store, settings).team()]


def test_demo_tells_the_same_story_a_year_apart() -> None:
    store = demo_store()
    in_2026 = _demo_story(store, date(2026, 12, 7), manifest=True)
    in_2027 = _demo_story(store, date(2027, 12, 7), manifest=True)
    assert in_2026 == in_2027
    assert {d["rep_id"]: d["as_of"] for d in in_2026} == dict.fromkeys(
        _intended(), date(2026, 11, 20)
    )
    # The control: read by the calendar alone, overdue commitments and priorities drift.
    assert _demo_story(store, date(2026, 12, 7), False) != _demo_story(
        store, date(2027, 12, 7), False
    )


def test_copilot_as_of_wins_over_the_demo_manifest() -> None:
    base = settings_for(Path("unused")).model_copy(update={"as_of": date(2027, 1, 1)})
    assert dataset_settings(base, DEMO).today() == date(2027, 1, 1)


def test_a_bad_manifest_names_its_file_and_field(tmp_path: Path) -> None:
    (tmp_path / "dataset.yaml").write_text("as_of: 20-11-2026\n")
    with pytest.raises(
        ConfigError, match=r"dataset.yaml field 'as_of'.*Fix: write `as_of: YYYY-MM-DD`"
    ):
        read_manifest(tmp_path)
