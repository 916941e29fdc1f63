"""The coaching loop's writes: record a session with its commitments, and change a commitment's
status. Both are scoped to the caller's team: another team's rep or commitment is not found.

A session is written through the import path (`prepare`/`commit` on a one-row sessions.jsonl),
so it is validated, sanitised and written all-or-nothing exactly as an imported one, and the
diagnosis and the next draft read it at once.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import threading
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from copilot.coaching.schemas import (
    CommitmentChange,
    CommitmentOut,
    CommitmentStatus,
    NewSession,
    RecordedSession,
)
from copilot.components import Services
from copilot.errors import AmbiguousIdError, NotFoundError, RowError
from copilot.records.ingest import commit, prepare
from copilot.records.ownership import Check
from copilot.records.readers import ParsedFile
from copilot.store.tables import CoachingSession, Commitment, CommitmentUpdate, Rep

ID_MAX = 64  # the id columns' String(64)
_REP_IN_ID_MAX = 36  # leaves room for "s-", the date, "-<n>" and "-c<n>" within ID_MAX
# Picking the next free id and writing it are one step for this process; another process
# racing for the same id is caught by the commit's re-check (nothing is overwritten).
_write_lock = threading.Lock()


def _not_found_commitment(commitment_id: str) -> NotFoundError:
    return NotFoundError(
        f"no commitment '{commitment_id}': check the id with `copilot commitment list REP`"
    )


def session_id_base(rep_id: str, day: date) -> str:
    """`s-<rep>-<date>`; a rep id too long for the column is replaced by its short hash."""
    rep = rep_id
    if len(rep_id) > _REP_IN_ID_MAX:
        rep = "r" + hashlib.sha256(rep_id.encode()).hexdigest()[:12]
    return f"s-{rep}-{day.isoformat()}"


def _ids(base: str, n: int, commitments: int) -> tuple[str, list[str]]:
    session_id = f"{base}-{n}"
    return session_id, [f"{session_id}-c{i}" for i in range(1, commitments + 1)]


def _taken(session: Session, team: str, session_id: str, commitment_ids: Sequence[str]) -> bool:
    if session.get(CoachingSession, (team, session_id)) is not None:
        return True
    query = select(Commitment.commitment_id).where(
        Commitment.team == team, Commitment.commitment_id.in_(commitment_ids)
    )
    return session.scalars(query).first() is not None


def _free_ids(session: Session, team: str, rep_id: str, new: NewSession) -> tuple[str, list[str]]:
    """The first `s-<rep>-<date>-<n>` whose id and commitment ids the team has not used
    (ids are per team: another team's are no concern)."""
    base = session_id_base(rep_id, new.date)
    n = 1
    while _taken(session, team, *_ids(base, n, len(new.commitments))):
        n += 1
    return _ids(base, n, len(new.commitments))


def _row(rep_id: str, session_id: str, commitment_ids: list[str], new: NewSession) -> str:
    """The session as one sessions.jsonl line."""
    commitments = [
        {"commitment_id": cid, "text": c.text, "due": c.due.isoformat(), "status": "open"}
        for cid, c in zip(commitment_ids, new.commitments, strict=True)
    ]
    row = {
        "session_id": session_id,
        "rep_id": rep_id,
        "date": new.date.isoformat(),
        "focus": new.focus,
        "notes": new.notes,
        "commitments": commitments,
    }
    return json.dumps(row) + "\n"


def _scope_and_fresh(team: str, rep_id: str, session_id: str, commitment_ids: list[str]) -> Check:
    """The import's extra rule: the rep is still the team's and the new ids are still free."""

    def check(session: Session, _files: list[ParsedFile]) -> list[RowError]:
        if session.get(Rep, (team, rep_id)) is None:
            raise NotFoundError(f"no rep '{rep_id}': check the id with `copilot reps`")
        if _taken(session, team, session_id, commitment_ids):
            taken = f"session id '{session_id}' was taken meanwhile"
            return [RowError("session", 0, "session_id", taken, "record the session again")]
        return []

    return check


def record_session(services: Services, team: str, rep_id: str, new: NewSession) -> RecordedSession:
    """Record a session and its open commitments for the team's rep; returns the new ids."""
    store = services.store
    with _write_lock:
        with store.sessions() as session:
            store.rep(session, rep_id, team)
            session_id, commitment_ids = _free_ids(session, team, rep_id, new)
        check = _scope_and_fresh(team, rep_id, session_id, commitment_ids)
        with tempfile.TemporaryDirectory(prefix="copilot-session-") as tmp:
            path = Path(tmp) / "sessions.jsonl"
            path.write_text(_row(rep_id, session_id, commitment_ids, new), encoding="utf-8")
            prepared = prepare(store, services.indexer, [path], "sessions", check=check, team=team)
            commit(store, services.indexer, prepared, check)
    return RecordedSession(session_id=session_id, commitment_ids=commitment_ids)


def _owned(session: Session, team: str, commitment_id: str) -> Commitment:
    row = session.get(Commitment, (team, commitment_id))
    if row is None:
        raise _not_found_commitment(commitment_id)
    return row


_STATUSES: dict[str, CommitmentStatus] = {"open": "open", "done": "done", "dropped": "dropped"}


def _status(value: str) -> CommitmentStatus:
    return _STATUSES.get(value, "open")


def commitment_out(row: Commitment, note: str | None) -> CommitmentOut:
    """A stored commitment with its latest note."""
    return CommitmentOut(
        commitment_id=row.commitment_id,
        session_id=row.session_id,
        rep_id=row.rep_id,
        text=row.text,
        due=row.due,
        status=_status(row.status),
        note=note,
    )


def set_commitment(
    services: Services, team: str, commitment_id: str, change: CommitmentChange
) -> CommitmentOut:
    """Set a team's commitment open, done or dropped, keeping the change and its note."""
    with services.store.sessions.begin() as session:
        row = _owned(session, team, commitment_id)
        row.status = change.status
        session.add(
            CommitmentUpdate(
                commitment_id=commitment_id,
                team=team,
                status=change.status,
                note=change.note,
                changed_at=datetime.now(UTC),
            )
        )
        session.flush()
        return commitment_out(row, change.note)


def latest_notes(
    session: Session, team: str, commitment_ids: Sequence[str]
) -> dict[str, str | None]:
    """Each of the team's commitments' note from its latest change (absent when never
    changed here)."""
    query = (
        select(CommitmentUpdate)
        .where(CommitmentUpdate.team == team, CommitmentUpdate.commitment_id.in_(commitment_ids))
        .order_by(CommitmentUpdate.id)
    )
    return {u.commitment_id: u.note for u in session.scalars(query)}


def list_commitments(
    services: Services, team: str, rep_id: str, status: CommitmentStatus | None = None
) -> list[CommitmentOut]:
    """The team's rep's commitments, earliest due first, optionally of one status."""
    store = services.store
    with store.sessions() as session:
        store.rep(session, rep_id, team)
        rows = [c for c in store.commitments(session, team, rep_id) if status in (None, c.status)]
        notes = latest_notes(session, team, [c.commitment_id for c in rows])
        return [commitment_out(c, notes.get(c.commitment_id)) for c in rows]


def team_of_rep(services: Services, rep_id: str, team: str | None = None) -> str:
    """The rep's team, for the shell, which reads every team (raises NotFoundError, or
    AmbiguousIdError when two teams hold the id and `team` does not say which)."""
    with services.store.sessions() as session:
        return services.store.rep(session, rep_id, team).team


def team_of_commitment(services: Services, commitment_id: str, team: str | None = None) -> str:
    """The commitment's team, for the shell (raises as `team_of_rep` does)."""
    query = select(Commitment.team).where(Commitment.commitment_id == commitment_id)
    if team is not None:
        query = query.where(Commitment.team == team)
    with services.store.sessions() as session:
        teams = sorted(session.scalars(query))
    if not teams:
        raise _not_found_commitment(commitment_id)
    if len(teams) > 1:
        listed = ", ".join(teams)
        raise AmbiguousIdError(
            f"commitment '{commitment_id}' is in teams {listed}: say which with --team", "--team"
        )
    return teams[0]
