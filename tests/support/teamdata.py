"""Builds small import files for tests: a team of reps whose numbers are chosen per test."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from copilot.settings import PROJECT_ROOT, Settings

REP_COLUMNS = [
    "rep_id",
    "name",
    "email",
    "team",
    "manager",
    "role",
    "start_date",
    "goal",
    "desire_rating",
]
ACTIVITY_COLUMNS = [
    "rep_id",
    "period",
    "quota",
    "revenue",
    "dials",
    "conversations",
    "meetings",
    "demos",
    "proposals",
    "wins",
]
PERIODS = ("2026-08", "2026-09", "2026-10")
AS_OF = date(2026, 11, 20)


def settings_for(data_dir: Path) -> Settings:
    """Settings as every test builds them: a temp data dir, as of 2026-11-20, explicit rules."""
    return Settings(
        data_dir=data_dir,
        database_url=None,
        chroma_url=None,
        embeddings="local",
        knowledge_dir=PROJECT_ROOT / "knowledge",
        as_of=AS_OF,
        window_periods=3,
        strong_attainment=1.0,
        min_stage_volume=5,
    )


def funnel(dials: int, *rates: float) -> list[int]:
    """Counts per stage from dials and the five conversion rates."""
    counts = [dials]
    for rate in rates:
        counts.append(round(counts[-1] * rate))
    return counts


@dataclass
class TeamFiles:
    """Rows for the four canonical files, written on demand."""

    reps: list[dict[str, Any]] = field(default_factory=list)
    activity: list[dict[str, Any]] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)
    sessions: list[dict[str, Any]] = field(default_factory=list)

    def rep(self, rep_id: str, team: str = "alpha", **extra: Any) -> None:
        row = {
            "rep_id": rep_id,
            "name": f"Rep {rep_id}",
            "email": f"{rep_id.lower()}@example.com",
            "team": team,
            "manager": f"Manager {team}",
            "role": "Account Executive",
            "start_date": "2025-01-06",
            "goal": "",
            "desire_rating": "",
        }
        self.reps.append(row | extra)

    def months(
        self,
        rep_id: str,
        counts: list[int],
        quota: float,
        revenue: float,
        periods: tuple[str, ...] = PERIODS,
    ) -> None:
        names = ACTIVITY_COLUMNS[4:]
        for period in periods:
            row = {"rep_id": rep_id, "period": period, "quota": quota, "revenue": revenue}
            self.activity.append(row | dict(zip(names, counts, strict=True)))

    def call(self, call_id: str, rep_id: str, **extra: Any) -> None:
        row = {
            "call_id": call_id,
            "rep_id": rep_id,
            "date": "2026-10-14",
            "account": "Acme",
            "stage": "discovery",
            "source": "observed",
            "summary": f"Call {call_id}.",
        }
        self.calls.append(row | extra)

    def session(
        self, session_id: str, rep_id: str, date: str, commitments: list[tuple[str, str, str]]
    ) -> None:
        self.sessions.append(
            {
                "session_id": session_id,
                "rep_id": rep_id,
                "date": date,
                "focus": "discovery",
                "notes": "Reviewed the last call.",
                "commitments": [
                    {
                        "commitment_id": cid,
                        "text": f"Commitment {cid}",
                        "due": due,
                        "status": status,
                    }
                    for cid, due, status in commitments
                ],
            }
        )

    def write(self, directory: Path) -> list[Path]:
        directory.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, columns, rows in (
            ("reps.csv", REP_COLUMNS, self.reps),
            ("activity.csv", ACTIVITY_COLUMNS, self.activity),
        ):
            if rows:
                with (directory / name).open("w", newline="") as fh:
                    writer = csv.DictWriter(fh, fieldnames=columns)
                    writer.writeheader()
                    writer.writerows(rows)
                paths.append(directory / name)
        for name, rows in (("calls.jsonl", self.calls), ("sessions.jsonl", self.sessions)):
            if rows:
                (directory / name).write_text("".join(json.dumps(r) + "\n" for r in rows))
                paths.append(directory / name)
        return paths
