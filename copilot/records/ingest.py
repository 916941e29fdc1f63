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

from sqlalchemy.exc import IntegrityError

from copilot.errors import ImportValidationError, RowError
from copilot.records.mapping.reader import read_mapped
from copilot.records.ownership import Check, check_rows, cross_check
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
from copilot.store.versions import bump

COMMIT_ATTEMPTS = 3
Progress = Callable[[int], None]


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
                errors += cross_check(session, files, team)[1]
            raise ImportValidationError(errors)
        teams = check_rows(session, files, check, team)
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
    records as they are now; raises ImportValidationError (writing nothing) if they changed.

    Upserts read, then insert: a concurrent import of the same new rows can insert them first,
    and this one's insert then fails on the key before any vector is written. The transaction
    is run again, and finds the rows and updates them (at most `COMMIT_ATTEMPTS` times)."""
    attempt = 1
    while True:
        try:
            return _commit_once(store, indexer, prepared, check)
        except IntegrityError:
            if attempt >= COMMIT_ATTEMPTS:
                raise
            attempt += 1


def _commit_once(
    store: Store, indexer: Indexer, prepared: PreparedImport, check: Check | None
) -> IngestReport:
    report = IngestReport()
    with store.sessions.begin() as session:
        teams = check_rows(session, prepared.files, check, prepared.team)
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
