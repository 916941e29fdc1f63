"""Data versions: one counter per team (`data_versions`) that moves in the transaction writing
the team's records, and `TeamCache`, which keeps what is derived from a team's records until
its version moves.

Every process over the same database reads the same counters, so a write made anywhere is
seen everywhere. ORM writes bump by themselves (`track`); a bulk SQL statement on the records
calls `bump` in its transaction.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar, cast

from sqlalchemy import event, inspect, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import InstanceState, Session, SessionTransaction, sessionmaker

from copilot.store.tables import Activity, Call, CoachingSession, Commitment, DataVersion, Rep

T = TypeVar("T")
RECORDS = (Activity, Call, CoachingSession, Commitment)  # rows that hang off a rep
_BUMPED = "copilot.versions.bumped"  # session.info: teams already bumped in this transaction


def bump(session: Session, teams: Iterable[str]) -> None:
    """Move these teams' versions on, once per transaction, inside the caller's transaction
    (in sorted order: two writers never lock the rows crosswise)."""
    done: set[str] = session.info.setdefault(_BUMPED, set())
    dialect = session.get_bind().dialect.name
    for team in sorted(set(teams) - done):
        done.add(team)
        if dialect in {"sqlite", "postgresql"}:
            module = sqlite if dialect == "sqlite" else postgresql
            stmt = module.insert(DataVersion).values(team=team, version=1)
            stmt = stmt.on_conflict_do_update(
                index_elements=[DataVersion.team], set_={"version": DataVersion.version + 1}
            )
            session.execute(stmt)
            continue
        moved = session.execute(
            update(DataVersion)
            .where(DataVersion.team == team)
            .values(version=DataVersion.version + 1)
        )
        if not getattr(moved, "rowcount", 0):
            session.add(DataVersion(team=team, version=1))


def current(session: Session) -> dict[str, int]:
    """Every team that has reps or a version, with its version (0 before any tracked write)."""
    versions = dict.fromkeys(session.scalars(select(Rep.team).distinct()), 0)
    for team, version in session.execute(select(DataVersion.team, DataVersion.version)):
        versions[team] = version
    return versions


def _changed_teams(session: Session) -> set[str]:
    """Teams whose records this flush writes: every rep, call, activity row, session and
    commitment carries its team (before and after, should a write change it)."""
    teams: set[str] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if obj in session.dirty and not session.is_modified(obj):
            continue
        if isinstance(obj, (Rep, *RECORDS)):
            teams |= {obj.team, *_before(obj, "team")}
    return {t for t in teams if t}


def _before(obj: object, name: str) -> list[str]:
    """The values an attribute had before this flush changed it."""
    state: InstanceState[object] = inspect(obj)
    return [str(v) for v in state.attrs[name].history.deleted or ()]


def track(sessions: sessionmaker[Session]) -> None:
    """Make every flush of these sessions that writes records bump the teams it touches."""

    def before_flush(session: Session, _context: Any, _instances: Any) -> None:
        teams = _changed_teams(session)
        if teams:
            bump(session, teams)

    def after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None:
            session.info.pop(_BUMPED, None)

    def after_soft_rollback(session: Session, _previous: SessionTransaction) -> None:
        session.info.pop(_BUMPED, None)  # a savepoint rolled back may have taken a bump with it

    event.listen(sessions, "before_flush", before_flush)
    event.listen(sessions, "after_transaction_end", after_transaction_end)
    event.listen(sessions, "after_soft_rollback", after_soft_rollback)


class TeamCache:
    """Values derived from the records, each kept with the version it was built at and rebuilt
    once when that version moves; one build at a time per key (concurrent callers wait for it
    rather than repeat it). `builds` counts builds per kind, for tests and benchmarks."""

    def __init__(self, sessions: sessionmaker[Session], size: int = 512) -> None:
        self._sessions = sessions
        self._size = size
        self._entries: OrderedDict[Hashable, tuple[Hashable, object]] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[Hashable, threading.Lock] = {}
        self.builds: Counter[str] = Counter()

    def versions(self) -> dict[str, int]:
        """Every team's current version, read from the database (one short query)."""
        with self._sessions() as session:
            return current(session)

    def version(self, team: str) -> int:
        """One team's current version (0 before any tracked write)."""
        with self._sessions() as session:
            found = session.get(DataVersion, team)
            return found.version if found else 0

    def get(self, kind: str, key: Hashable, version: Hashable, build: Callable[[], T]) -> T:
        """The value of `kind` for `key` at `version`: cached, or built now and kept."""
        slot = (kind, key)
        found = self._fresh(slot, version)
        if found is not None:
            return cast(T, found[0])
        with self._lock:
            gate = self._building.setdefault(slot, threading.Lock())
        with gate:
            found = self._fresh(slot, version)  # another thread may have built it meanwhile
            if found is not None:
                return cast(T, found[0])
            value = build()
            with self._lock:
                self._entries[slot] = (version, value)
                self._entries.move_to_end(slot)
                while len(self._entries) > self._size:
                    self._entries.popitem(last=False)
                self.builds[kind] += 1
            return value

    def _fresh(self, slot: Hashable, version: Hashable) -> tuple[object] | None:
        with self._lock:
            entry = self._entries.get(slot)
            if entry is None or entry[0] != version:
                return None
            self._entries.move_to_end(slot)
            return (entry[1],)
