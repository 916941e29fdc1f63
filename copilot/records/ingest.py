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
    teams: dict[str, str]
    plans: list[SyncPlan]
    embedded: int


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


def _cross_check(
    session: Session, files: list[ParsedFile]
) -> tuple[dict[str, str], list[RowError]]:
    """Every rep id must be known; ids may not move between reps. Returns rep -> team, and
    the problems found."""
    teams = {rep.rep_id: rep.team for rep in session.scalars(select(Rep))}
    for f in files:
        if f.kind == "reps":
            teams.update({row.rep_id: row.team for _, row in f.rows})
    owners = _existing_owners(session, files)
    errors: list[RowError] = []
    for f in files:
        for line, row in f.rows:
            if row.rep_id not in teams:
                errors.append(
                    RowError(
                        f.path.name,
                        line,
                        "rep_id",
                        f"unknown rep_id '{row.rep_id}'",
                        "add the rep to reps.csv and import it first (or in the same command)",
                    )
                )
            for key, value in _owned_ids(f.kind, row):
                owner = owners.get((key, value))
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


def _check_rows(session: Session, files: list[ParsedFile], check: Check | None) -> dict[str, str]:
    """The caller's rule first (a scope answers alike for absent and foreign rows), then the
    import's own; raises with every problem of the first that finds any."""
    errors = check(session, files) if check else []
    if errors:
        raise ImportValidationError(errors)
    teams, errors = _cross_check(session, files)
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


def _existing_owners(session: Session, files: list[ParsedFile]) -> dict[tuple[str, str], str]:
    wanted: dict[str, set[str]] = {"call_id": set(), "session_id": set(), "commitment_id": set()}
    for f in files:
        for _, row in f.rows:
            for key, value in _owned_ids(f.kind, row):
                wanted[key].add(value)
    owners: dict[tuple[str, str], str] = {}
    for key, table in (
        ("call_id", Call),
        ("session_id", CoachingSession),
        ("commitment_id", Commitment),
    ):
        column = getattr(table, key)
        for ident, rep_id in session.execute(
            select(column, table.rep_id).where(column.in_(wanted[key]))
        ):
            owners[(key, ident)] = rep_id
    return owners


def _plans(
    session: Session, indexer: Indexer, files: list[ParsedFile], teams: dict[str, str]
) -> list[SyncPlan]:
    """Vector sync plans: the imported calls, plus every call of a rep who changed team."""
    calls: dict[str, Any] = {}
    for f in files:
        if f.kind == "calls":
            calls.update({row.call_id: row for _, row in f.rows})
    moved = [
        rep
        for rep in session.scalars(select(Rep).where(Rep.rep_id.in_(teams)))
        if rep.team != teams[rep.rep_id]
    ]
    for rep in moved:
        for call in session.scalars(select(Call).where(Call.rep_id == rep.rep_id)):
            calls.setdefault(call.call_id, call)
    by_team: dict[str, list[Any]] = {}
    for call in calls.values():
        by_team.setdefault(teams[call.rep_id], []).append(call)
    plans = []
    for team, team_calls in sorted(by_team.items()):
        chunks = [c for call in team_calls for c in indexer.call_chunks(call, team)]
        sources = [f"call:{call.call_id}" for call in team_calls]
        plans.append(indexer.plan(team_collection(team, indexer.embedder_id), chunks, sources))
    for rep in moved:  # the rep's chunks leave the old team's collection entirely
        old = team_collection(rep.team, indexer.embedder_id)
        stale = indexer.vectors.hashes(old, {"rep_id": rep.rep_id})
        plans.append(SyncPlan(old, stale=sorted(stale)))
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
) -> PreparedImport:
    """Validate files and embed what changed; writes nothing. Raises ImportValidationError
    listing every problem. `mapping` reads CRM exports; `redact` takes personal data out."""
    files = parse_files(paths, kind, mapping)
    with store.sessions() as session:
        attach_stored(session, files)
    if redact is not None:
        redact(files)
    errors: list[RowError] = [e for f in files for e in f.errors]
    with store.sessions() as session:
        if errors:
            if check is None:  # unscoped (the shell): every problem at once, the ids' too
                errors += _cross_check(session, files)[1]
            raise ImportValidationError(errors)
        teams = _check_rows(session, files, check)
        plans = _plans(session, indexer, files, teams)
    total = sum(len(p.to_embed) for p in plans)
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress("embedding", done, total)

    for plan in plans:  # slow, so it runs before the write transaction opens
        indexer.embed(plan, tick)
    return PreparedImport(files, teams, plans, total)


def commit(
    store: Store, indexer: Indexer, prepared: PreparedImport, check: Check | None = None
) -> IngestReport:
    """Write a prepared import in one transaction, after checking its rows again against the
    records as they are now; raises ImportValidationError (writing nothing) if they changed."""
    report = IngestReport()
    with store.sessions.begin() as session:
        teams = _check_rows(session, prepared.files, check)
        named = {row.rep_id for f in prepared.files for _, row in f.rows}
        if any(teams.get(r) != prepared.teams.get(r) for r in named):
            changed = "a rep of this import changed team while it was embedded"
            raise ImportValidationError([RowError("import", 0, "", changed, "run it again")])
        report.files = [write_rows(session, f) for f in prepared.files]
        if any(c.inserted or c.updated for c in report.files):  # bulk deletes included
            bump(session, {prepared.teams[r] for r in named if r in prepared.teams})
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
) -> IngestReport:
    """Import files all-or-nothing; raises ImportValidationError listing every problem."""
    prepared = prepare(
        store, indexer, paths, kind, progress, check=check, mapping=mapping, redact=redact
    )
    return commit_or_restore(store, indexer, prepared, check)
