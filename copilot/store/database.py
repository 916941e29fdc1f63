"""The records database: engine set-up (SQLite WAL by default, PostgreSQL by URL) and reads."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, delete, event, select
from sqlalchemy.engine.url import make_url
from sqlalchemy.orm import Session, sessionmaker

from copilot.errors import AmbiguousIdError, NotFoundError
from copilot.store.tables import (
    Activity,
    Call,
    CoachingSession,
    Commitment,
    Draft,
    DraftReview,
    Rep,
)
from copilot.store.versions import TeamCache, track

SQLITE_BUSY_TIMEOUT_MS = 30_000


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL, a busy timeout and enforced foreign keys."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


class Store:
    """Owns the engine and hands out sessions; read helpers for the rest of the app."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        track(self.sessions)  # a write of a team's records moves its data version
        self.derived = TeamCache(self.sessions)  # what the records imply, per data version

    def create_schema(self) -> None:
        """Bring the schema to the newest migration: create a new database whole, upgrade an
        existing one in place (see copilot/store/migrations)."""
        from copilot.store.migrations.upgrade import upgrade_schema

        upgrade_schema(self.engine)

    def rep(self, session: Session, rep_id: str, team: str | None = None) -> Rep:
        """The team's rep; another team's is reported as not found. Without a team (the shell,
        which reads every team) the one rep with this id, or an error naming its teams."""
        if team is not None:
            rep = session.get(Rep, (team, rep_id))
            found = [rep] if rep is not None else []
        else:
            found = list(session.scalars(select(Rep).where(Rep.rep_id == rep_id)))
        if not found:
            raise NotFoundError(f"no rep '{rep_id}': check the id with `copilot reps`")
        if len(found) > 1:
            teams = ", ".join(sorted(r.team for r in found))
            raise AmbiguousIdError(
                f"rep '{rep_id}' is in teams {teams}: say which with --team", "--team"
            )
        return found[0]

    @staticmethod
    def reps(session: Session, team: str | None = None) -> Sequence[Rep]:
        """Reps, optionally of one team, ordered by id."""
        query = select(Rep).order_by(Rep.rep_id)
        if team is not None:
            query = query.where(Rep.team == team)
        return session.scalars(query).all()

    @staticmethod
    def teams(session: Session) -> list[str]:
        """Every team that has at least one rep."""
        return list(session.scalars(select(Rep.team).distinct().order_by(Rep.team)))

    @staticmethod
    def activity(session: Session, team: str, rep_ids: Sequence[str]) -> Sequence[Activity]:
        """Activity rows of the team's given reps, oldest period first."""
        query = select(Activity).where(Activity.team == team, Activity.rep_id.in_(rep_ids))
        return session.scalars(query.order_by(Activity.rep_id, Activity.period)).all()

    @staticmethod
    def calls(session: Session, team: str, rep_id: str) -> Sequence[Call]:
        """The team's rep's calls, newest first."""
        query = select(Call).where(Call.team == team, Call.rep_id == rep_id)
        return session.scalars(query.order_by(Call.date.desc())).all()

    @staticmethod
    def coaching_sessions(session: Session, team: str, rep_id: str) -> Sequence[CoachingSession]:
        """The team's rep's coaching sessions, newest first."""
        query = select(CoachingSession).where(
            CoachingSession.team == team, CoachingSession.rep_id == rep_id
        )
        return session.scalars(query.order_by(CoachingSession.date.desc())).all()

    @staticmethod
    def commitments(session: Session, team: str, rep_id: str) -> Sequence[Commitment]:
        """The team's rep's commitments, earliest due first."""
        query = select(Commitment).where(Commitment.team == team, Commitment.rep_id == rep_id)
        return session.scalars(query.order_by(Commitment.due, Commitment.commitment_id)).all()

    @staticmethod
    def save_draft(session: Session, values: dict[str, Any]) -> Draft:
        """Insert a draft, or replace the one with the same idempotency key."""
        draft = Store.draft_by_key(session, values["idempotency_key"])
        if draft is None:
            draft = Draft(**values)
            session.add(draft)
        else:
            for name, value in values.items():
                setattr(draft, name, value)
        session.flush()
        return draft

    @staticmethod
    def draft(session: Session, draft_id: int) -> Draft | None:
        """One stored draft by id (any team: callers scope it)."""
        return session.get(Draft, draft_id)

    @staticmethod
    def draft_by_key(session: Session, key: str) -> Draft | None:
        """The stored draft with this idempotency key (team/rep/kind/scope)."""
        return session.scalars(select(Draft).where(Draft.idempotency_key == key)).first()

    @staticmethod
    def review(session: Session, draft_id: int) -> DraftReview | None:
        """A manager's review of a draft, if any."""
        return session.get(DraftReview, draft_id)

    @staticmethod
    def clear_review(session: Session, draft_id: int) -> None:
        """Forget a draft's review (its text was drafted anew)."""
        session.execute(delete(DraftReview).where(DraftReview.draft_id == draft_id))

    @staticmethod
    def rep_ids(session: Session, team: str) -> set[str]:
        """The ids of the team's reps."""
        return set(session.scalars(select(Rep.rep_id).where(Rep.team == team)))

    @staticmethod
    def calls_of(session: Session, team: str | None) -> Sequence[Call]:
        """The team's calls (None: every team's)."""
        query = select(Call)
        if team is not None:
            query = query.where(Call.team == team)
        return session.scalars(query).all()

    @staticmethod
    def drafts(
        session: Session, team: str, rep_id: str, kind: str | None = None
    ) -> Sequence[Draft]:
        """The team's rep's stored drafts, newest first."""
        query = select(Draft).where(Draft.team == team, Draft.rep_id == rep_id)
        if kind is not None:
            query = query.where(Draft.kind == kind)
        return session.scalars(query.order_by(Draft.id.desc())).all()
