"""Imports the canonical files: validate everything, embed what changed, then write it all at once.

A command either writes every file it was given or nothing: rows and vectors are written
inside one SQL transaction that rolls back if the vector store fails.

`prepare` (validate, plan, embed: the slow part) and `commit` (re-check, write) are separate so
that a caller can serialise only the short commit: `commit` checks the rows again against the
records as they are then, so nothing another import wrote meanwhile is overwritten.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from copilot.errors import ImportValidationError, RowError
from copilot.records.mapping.reader import read_mapped
from copilot.records.readers import (
    KINDS,
    Kind,
    ParsedFile,
    check_across_files,
    detect_kind,
    read_file,
)
from copilot.records.rollback import restore
from copilot.records.transcripts.files import attach, attach_stored, is_transcript
from copilot.records.upsert import FileCounts, write_rows
from copilot.retrieval.indexing import Indexer, SyncPlan
from copilot.retrieval.vectors import team_collection
from copilot.store.database import Store
from copilot.store.tables import Call, CoachingSession, Commitment, Rep
from copilot.store.versions import bump

Progress = Callable[[int], None]
# An extra rule on the rows, read in the session the import reads or writes in (a team scope).
Check = Callable[[Session, list[ParsedFile]], list[RowError]]


@dataclass
class IngestReport:
    """What an import did, per file, and to the vector store."""

    files: list[FileCounts] = field(default_factory=list)
    chunks_embedded: int = 0
    chunks_reused: int = 0
    chunks_deleted: int = 0


@dataclass
class PreparedImport:
    """Validated files with their vectors computed, ready to be written by `commit`."""

    files: list[ParsedFile]
    teams: dict[str, str]  # rep -> team, for the rows that name a rep
    plans: list[SyncPlan]
    embedded: int
    team: str | None = None


def parse_files(
    paths: Iterable[Path], kind: Kind | None = None, mapping: Path | None = None
) -> list[ParsedFile]:
    """Read and validate files, ordered so reps come before the rows that name them; with a
    `mapping`, the files are CRM exports read through it."""
    paths = list(paths)
    if mapping is not None:
        return read_mapped(mapping, paths)
    parsed: list[ParsedFile] = []
    transcripts = [p for p in paths if is_transcript(p)]  # `CALL-ID.vtt`: joins its call
    for path in (p for p in paths if p not in transcripts):
        found = kind or detect_kind(path)
        if found is None:
            bad = ParsedFile(path, "reps")
            bad.error(
                0,
                "",
                "cannot tell what this file holds from its name",
                f"name it {', '.join(_names())} or pass --kind",
            )
            parsed.append(bad)
            continue
        parsed.append(read_file(path, found))
    parsed += attach(parsed, transcripts)
    parsed.sort(key=lambda p: KINDS.index(p.kind))
    check_across_files(parsed)
    return parsed


def _names() -> list[str]:
    return ["reps.csv", "activity.csv", "calls.jsonl", "sessions.jsonl"]


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


def _cross_check(
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


def _check_rows(
    session: Session, files: list[ParsedFile], check: Check | None, team: str | None
) -> dict[str, str]:
    """The caller's rule first (a scope answers alike for absent and foreign rows), then the
    import's own; raises with every problem of the first that finds any."""
    errors = check(session, files) if check else []
    if errors:
        raise ImportValidationError(errors)
    teams, errors = _cross_check(session, files, team)
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


def _plans(indexer: Indexer, files: list[ParsedFile], teams: dict[str, str]) -> list[SyncPlan]:
    """Vector sync plans: the imported calls, in their team's collection."""
    by_team: dict[str, dict[str, Any]] = {}
    for f in files:
        if f.kind == "calls":
            for _, row in f.rows:
                by_team.setdefault(teams[row.rep_id], {})[row.call_id] = row
    plans = []
    for team, team_calls in sorted(by_team.items()):
        chunks = [c for call in team_calls.values() for c in indexer.call_chunks(call, team)]
        sources = [f"call:{call_id}" for call_id in team_calls]
        plans.append(indexer.plan(team_collection(team, indexer.embedder_id), chunks, sources))
    return plans


def prepare(
    store: Store,
    indexer: Indexer,
    paths: Iterable[Path],
    kind: Kind | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    *,
    check: Check | None = None,
    mapping: Path | None = None,
    redact: Callable[[list[ParsedFile]], None] | None = None,
    team: str | None = None,
) -> PreparedImport:
    """Validate files and embed what changed; writes nothing. Raises ImportValidationError
    listing every problem. `mapping` reads CRM exports; `redact` takes personal data out;
    `team` is the team whose rows these are (without it, each rep id must be in one team)."""
    files = parse_files(paths, kind, mapping)
    with store.sessions() as session:
        attach_stored(session, files, team)
    if redact is not None:
        redact(files)
    errors: list[RowError] = [e for f in files for e in f.errors]
    with store.sessions() as session:
        if errors:
            if check is None:  # unscoped (the shell): every problem at once, the ids' too
                errors += _cross_check(session, files, team)[1]
            raise ImportValidationError(errors)
        teams = _check_rows(session, files, check, team)
    plans = _plans(indexer, files, teams)
    total = sum(len(p.to_embed) for p in plans)
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress("embedding", done, total)

    for plan in plans:  # slow, so it runs before the write transaction opens
        indexer.embed(plan, tick)
    return PreparedImport(files, teams, plans, total, team)


def commit(
    store: Store, indexer: Indexer, prepared: PreparedImport, check: Check | None = None
) -> IngestReport:
    """Write a prepared import in one transaction, after checking its rows again against the
    records as they are now; raises ImportValidationError (writing nothing) if they changed."""
    report = IngestReport()
    with store.sessions.begin() as session:
        teams = _check_rows(session, prepared.files, check, prepared.team)
        named = {row.rep_id for f in prepared.files if f.kind != "reps" for _, row in f.rows}
        if any(teams.get(r) != prepared.teams.get(r) for r in named):
            changed = "a rep of this import changed team while it was embedded"
            raise ImportValidationError([RowError("import", 0, "", changed, "run it again")])
        report.files = [write_rows(session, f, teams) for f in prepared.files]
        if any(c.inserted or c.updated for c in report.files):  # bulk deletes included
            reps = {row.team for f in prepared.files if f.kind == "reps" for _, row in f.rows}
            bump(session, reps | {teams[r] for r in named})
        session.flush()
        for plan in prepared.plans:
            indexer.apply(plan)
    report.chunks_embedded = prepared.embedded
    report.chunks_reused = sum(p.reused for p in prepared.plans)
    report.chunks_deleted = sum(len(p.stale) for p in prepared.plans)
    return report


def commit_or_restore(
    store: Store, indexer: Indexer, prepared: PreparedImport, check: Check | None = None
) -> IngestReport:
    """`commit`; when it fails after writing vectors, those are undone (`rollback.restore`)."""
    try:
        return commit(store, indexer, prepared, check)
    except ImportValidationError:
        raise  # found before any write
    except Exception:
        try:
            restore(store, indexer, prepared.plans)
        except Exception as exc:  # the store refuses writes: its recovery repairs everything
            # the type only: a backend's message can quote its paths and limits
            logging.getLogger("copilot.records").error("undoing vectors: %s", type(exc).__name__)
        raise


def ingest(
    store: Store,
    indexer: Indexer,
    paths: Iterable[Path],
    kind: Kind | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    *,
    check: Check | None = None,
    mapping: Path | None = None,
    redact: Callable[[list[ParsedFile]], None] | None = None,
    team: str | None = None,
) -> IngestReport:
    """Import files all-or-nothing; raises ImportValidationError listing every problem."""
    prepared = prepare(
        store,
        indexer,
        paths,
        kind,
        progress,
        check=check,
        mapping=mapping,
        redact=redact,
        team=team,
    )
    return commit_or_restore(store, indexer, prepared, check)
