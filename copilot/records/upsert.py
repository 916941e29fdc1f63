"""Writes validated rows as upserts: new rows insert, changed rows update, equal rows stay."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from copilot.records.readers import Kind, ParsedFile
from copilot.store.tables import Activity, Base, Call, CoachingSession, Commitment, Rep


@dataclass
class FileCounts:
    """Rows a file inserted, updated and left unchanged."""

    file: str
    kind: Kind
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


def _upsert(session: Session, table: type[Base], key: Any, values: dict[str, Any]) -> str:
    current = session.get(table, key)
    if current is None:
        session.add(table(**values))
        return "inserted"
    changed = False
    for name, value in values.items():
        if getattr(current, name) != value:
            setattr(current, name, value)
            changed = True
    return "updated" if changed else "unchanged"


def _write_session(session: Session, row: Any, team: str) -> str:
    values = row.model_dump(exclude={"commitments"}) | {"team": team}
    outcome = _upsert(session, CoachingSession, (team, row.session_id), values)
    kept = [c.commitment_id for c in row.commitments]
    session.flush()
    for c in row.commitments:
        extra = {"session_id": row.session_id, "rep_id": row.rep_id, "team": team}
        key = (team, c.commitment_id)
        if _upsert(session, Commitment, key, c.model_dump() | extra) != "unchanged":
            outcome = "updated" if outcome == "unchanged" else outcome
    # The file is the truth for a session: commitments no longer listed are removed.
    gone = session.execute(
        delete(Commitment)
        .where(
            Commitment.team == team,
            Commitment.session_id == row.session_id,
            Commitment.commitment_id.not_in(kept),
        )
        .execution_options(synchronize_session="fetch")
    )
    if getattr(gone, "rowcount", 0) and outcome == "unchanged":
        outcome = "updated"
    return outcome


def _stored_teams(session: Session) -> dict[str, str]:
    """rep -> team for every rep id that one team alone holds."""
    found: dict[str, set[str]] = {}
    for rep_id, team in session.execute(select(Rep.rep_id, Rep.team)):
        found.setdefault(rep_id, set()).add(team)
    return {rep_id: teams.pop() for rep_id, teams in found.items() if len(teams) == 1}


def write_rows(
    session: Session, parsed: ParsedFile, teams: Mapping[str, str] | None = None
) -> FileCounts:
    """Upsert every row of a validated file inside the caller's transaction; a reps row names
    its team, the other rows are their rep's (`teams`: rep -> team, as the import's
    cross-check resolved it; None, for a trusted fixture: the one team that holds the rep).
    Keys are (team, id)."""
    counts = FileCounts(parsed.path.name, parsed.kind, rows=len(parsed.rows))
    if teams is None and parsed.kind != "reps":
        teams = _stored_teams(session)
    for _, row in parsed.rows:
        if parsed.kind == "reps":
            outcome = _upsert(session, Rep, (row.team, row.rep_id), row.model_dump())
            counts.count(outcome)
            continue
        team = (teams or {})[row.rep_id]
        values = row.model_dump() | {"team": team}
        if parsed.kind == "activity":
            outcome = _upsert(session, Activity, (team, row.rep_id, row.period), values)
        elif parsed.kind == "calls":
            outcome = _upsert(session, Call, (team, row.call_id), values)
        else:
            outcome = _write_session(session, row, team)
        counts.count(outcome)
    if parsed.kind == "reps":
        session.flush()  # later files reference these reps through foreign keys
    return counts
