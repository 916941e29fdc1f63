"""A rep's data deleted completely (`copilot rep delete REP`): every SQL row that names the rep,
or hangs off a row that does, and the rep's chunks in the team's vector collections."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import Table, and_, delete, select

from copilot.store.database import Store
from copilot.store.tables import Base


class RepVectors(Protocol):
    """What erasure needs from the vector store."""

    def names(self, prefix: str = "") -> list[str]: ...
    def hashes(self, collection: str, where: dict[str, Any] | None) -> dict[str, str]: ...
    def delete(self, collection: str, ids: list[str]) -> None: ...


@dataclass
class Erasure:
    """What a deletion removed: rows per table, and chunks."""

    rep_id: str
    team: str
    rows: dict[str, int] = field(default_factory=dict)
    chunks: int = 0


def _team_prefix(team: str) -> str:
    # The slug part of `team_collection`'s name, for every embedder's collection of the team.
    return "team-" + (re.sub(r"[^a-z0-9]+", "-", team.lower()).strip("-")[:40] or "team") + "-"


def _owners() -> dict[str, Table]:
    """Tables with a `rep_id` and a (team, `<thing>_id`) key, by the key's name (`call_id` ->
    calls)."""
    out: dict[str, Table] = {}
    for table in Base.metadata.sorted_tables:
        keys = [c for c in table.primary_key.columns if c.name != "team"]
        # Only `<thing>_id` names: a bare `id` in another table means something else.
        if "rep_id" in table.c and len(keys) == 1 and keys[0].name.endswith("_id"):
            out[keys[0].name] = table
    return out


def _of_team(table: Table, team: str) -> Any:
    """Rows of `table` in `team`: its own `team`, or a parent row's, by foreign key (a batch's
    items are its job's)."""
    if "team" in table.c:
        return table.c.team == team
    for fk in table.foreign_keys:
        scope = _of_team(fk.column.table, team)
        if scope is not None:
            return fk.parent.in_(select(fk.column).where(scope))
    return None


def _condition(table: Table, team: str, rep_id: str) -> Any:
    """Rows of `table` that belong to the team's rep: its own `rep_id` in the team, or a
    parent row's, by foreign key or by the parent's key name (a history table may keep no
    foreign key on purpose). Rep ids are per team: another team's rep of that id is kept."""
    if "rep_id" in table.c:
        scope = _of_team(table, team)
        return None if scope is None else and_(table.c.rep_id == rep_id, scope)
    for fk in table.foreign_keys:
        parent = fk.column.table
        if "rep_id" in parent.c:
            mine = _condition(parent, team, rep_id)
            return fk.parent.in_(select(fk.column).where(mine))
    for name, parent in _owners().items():
        if name in table.c and "team" in table.c and parent is not table:
            key = parent.c[name]
            mine = _condition(parent, team, rep_id)
            return and_(table.c.team == team, table.c[name].in_(select(key).where(mine)))
    return None


def delete_rep(store: Store, vectors: RepVectors, rep_id: str, team: str | None = None) -> Erasure:
    """Delete the rep (outside `team`: not found) everywhere, in one SQL transaction that
    rolls back if the vector store fails."""
    with store.sessions.begin() as session:
        rep = store.rep(session, rep_id, team)
        done = Erasure(rep.rep_id, rep.team)
        # Rows hanging off the rep's rows first (their parents still answer the subquery),
        # then children before parents, so no foreign key is left pointing at a deleted row.
        tables = list(reversed(Base.metadata.sorted_tables))
        for table in sorted(tables, key=lambda t: "rep_id" in t.c):
            where = _condition(table, rep.team, rep.rep_id)
            if where is not None:
                result = session.execute(delete(table).where(where))
                done.rows[table.name] = int(getattr(result, "rowcount", 0) or 0)
        session.flush()
        for collection in vectors.names(_team_prefix(rep.team)):
            ids = sorted(vectors.hashes(collection, {"rep_id": rep.rep_id}))
            vectors.delete(collection, ids)
            done.chunks += len(ids)
    return done
