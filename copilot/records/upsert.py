"""Writes validated rows as upserts: new rows insert, changed rows update, equal rows stay."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete
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


def _write_session(session: Session, row: Any) -> str:
    values = row.model_dump(exclude={"commitments"})
    outcome = _upsert(session, CoachingSession, row.session_id, values)
    kept = [c.commitment_id for c in row.commitments]
    session.flush()
    for c in row.commitments:
        extra = {"session_id": row.session_id, "rep_id": row.rep_id}
        if _upsert(session, Commitment, c.commitment_id, c.model_dump() | extra) != "unchanged":
            outcome = "updated" if outcome == "unchanged" else outcome
    # The file is the truth for a session: commitments no longer listed are removed.
    gone = session.execute(
        delete(Commitment)
        .where(Commitment.session_id == row.session_id, Commitment.commitment_id.not_in(kept))
        .execution_options(synchronize_session="fetch")
    )
    if getattr(gone, "rowcount", 0) and outcome == "unchanged":
        outcome = "updated"
    return outcome


def write_rows(session: Session, parsed: ParsedFile) -> FileCounts:
    """Upsert every row of a validated file inside the caller's transaction."""
    counts = FileCounts(parsed.path.name, parsed.kind, rows=len(parsed.rows))
    for _, row in parsed.rows:
        if parsed.kind == "reps":
            outcome = _upsert(session, Rep, row.rep_id, row.model_dump())
        elif parsed.kind == "activity":
            outcome = _upsert(session, Activity, (row.rep_id, row.period), row.model_dump())
        elif parsed.kind == "calls":
            outcome = _upsert(session, Call, row.call_id, row.model_dump())
        else:
            outcome = _write_session(session, row)
        counts.count(outcome)
    if parsed.kind == "reps":
        session.flush()  # later files reference these reps through foreign keys
    return counts
