"""Who owns the ids an import names: each row's rep resolved to its team (the caller's, or the
one team that holds the rep), and the call, session and commitment ids already held by the
team's reps. Ids are unique per team, so another team's rows never answer here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from copilot.errors import ImportValidationError, RowError
from copilot.records.readers import Kind, ParsedFile
from copilot.store.tables import Call, CoachingSession, Commitment, Rep

# An extra rule on the rows, read in the session the import reads or writes in (a team scope).
Check = Callable[[Session, list[ParsedFile]], list[RowError]]


def _holders(session: Session, files: list[ParsedFile], team: str | None) -> dict[str, set[str]]:
    """Each rep id with the teams that hold it, stored or in this import's reps rows; with
    `team`, that team's only (ids are per team: another team's rep is no rep of this one)."""
    query = select(Rep.rep_id, Rep.team)
    if team is not None:
        query = query.where(Rep.team == team)
    holders: dict[str, set[str]] = {}
    for rep_id, rep_team in session.execute(query):
        holders.setdefault(rep_id, set()).add(rep_team)
    for f in (f for f in files if f.kind == "reps"):
        for _, row in f.rows:
            if team in (None, row.team):
                holders.setdefault(row.rep_id, set()).add(row.team)
    return holders


def _rep_error(f: ParsedFile, line: int, rep_id: str, teams: set[str]) -> RowError:
    if not teams:
        return RowError(
            f.path.name,
            line,
            "rep_id",
            f"unknown rep_id '{rep_id}'",
            "add the rep to reps.csv and import it first (or in the same command)",
        )
    listed = ", ".join(sorted(teams))
    return RowError(
        f.path.name,
        line,
        "rep_id",
        f"rep_id '{rep_id}' is in teams {listed}",
        "import each team's rows with --team",
    )


def cross_check(
    session: Session, files: list[ParsedFile], team: str | None = None
) -> tuple[dict[str, str], list[RowError]]:
    """Every row's rep must be known, in one team (`team` when given); ids may not move
    between the reps of a team. Returns rep -> team for the rows that name a rep, and the
    problems found."""
    holders = _holders(session, files, team)
    teams = {rep_id: next(iter(found)) for rep_id, found in holders.items() if len(found) == 1}
    owners = _existing_owners(session, files, teams)
    errors: list[RowError] = []
    for f in files:
        for line, row in f.rows:
            if f.kind == "reps":
                if team not in (None, row.team):
                    fix = f"set team to '{team}', or import without --team"
                    message = f"team '{row.team}' is not the import's team '{team}'"
                    errors.append(RowError(f.path.name, line, "team", message, fix))
                continue
            if row.rep_id not in teams:
                errors.append(_rep_error(f, line, row.rep_id, holders.get(row.rep_id, set())))
                continue
            for key, value in _owned_ids(f.kind, row):
                owner = owners.get((key, teams[row.rep_id], value))
                if owner is not None and owner != row.rep_id:
                    errors.append(
                        RowError(
                            f.path.name,
                            line,
                            key,
                            f"{key} '{value}' already belongs to another rep",
                            "give this row a new id",
                        )
                    )
    return teams, errors


def check_rows(
    session: Session, files: list[ParsedFile], check: Check | None, team: str | None
) -> dict[str, str]:
    """The caller's rule first (a scope answers alike for absent and foreign rows), then the
    import's own; raises with every problem of the first that finds any."""
    errors = check(session, files) if check else []
    if errors:
        raise ImportValidationError(errors)
    teams, errors = cross_check(session, files, team)
    if errors:
        raise ImportValidationError(errors)
    return teams


def _owned_ids(kind: Kind, row: Any) -> list[tuple[str, str]]:
    if kind == "calls":
        return [("call_id", row.call_id)]
    if kind == "sessions":
        ids = [("session_id", row.session_id)]
        return ids + [("commitment_id", c.commitment_id) for c in row.commitments]
    return []


_OWNED: dict[str, Any] = {
    "call_id": Call,
    "session_id": CoachingSession,
    "commitment_id": Commitment,
}


def _existing_owners(
    session: Session, files: list[ParsedFile], teams: dict[str, str]
) -> dict[tuple[str, str, str], str]:
    """(key, team, id) -> the rep of the team that holds the id: ids are per team, so another
    team's row with the same id is no owner."""
    wanted: dict[tuple[str, str], set[str]] = {}
    for f in files:
        for _, row in f.rows:
            if f.kind == "reps" or row.rep_id not in teams:
                continue
            for key, value in _owned_ids(f.kind, row):
                wanted.setdefault((key, teams[row.rep_id]), set()).add(value)
    owners: dict[tuple[str, str, str], str] = {}
    for (key, team), values in wanted.items():
        table = _OWNED[key]
        column = getattr(table, key)
        query = select(column, table.rep_id).where(table.team == team, column.in_(values))
        for ident, rep_id in session.execute(query):
            owners[(key, team, ident)] = rep_id
    return owners
