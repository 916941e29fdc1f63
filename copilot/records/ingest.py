"""Imports the canonical files: validate everything, embed what changed, then write it all at once.

A command either writes every file it was given or nothing: rows and vectors are written
inside one SQL transaction that rolls back if the vector store fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from copilot.errors import ImportValidationError, RowError
from copilot.records.readers import KINDS, Kind, ParsedFile, detect_kind, read_file
from copilot.records.upsert import FileCounts, write_rows
from copilot.retrieval.indexing import Indexer, SyncPlan
from copilot.retrieval.vectors import team_collection
from copilot.store.database import Store
from copilot.store.tables import Call, CoachingSession, Commitment, Rep

Progress = Callable[[int], None]


@dataclass
class IngestReport:
    """What an import did, per file, and to the vector store."""

    files: list[FileCounts] = field(default_factory=list)
    chunks_embedded: int = 0
    chunks_reused: int = 0
    chunks_deleted: int = 0


def parse_files(paths: Iterable[Path], kind: Kind | None = None) -> list[ParsedFile]:
    """Read and validate files, ordered so reps come before the rows that name them."""
    parsed: list[ParsedFile] = []
    for path in paths:
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
    return sorted(parsed, key=lambda p: KINDS.index(p.kind))


def _names() -> list[str]:
    return ["reps.csv", "activity.csv", "calls.jsonl", "sessions.jsonl"]


def _cross_check(session: Session, files: list[ParsedFile]) -> dict[str, str]:
    """Every rep id must be known; ids may not move between reps. Returns rep -> team."""
    teams = {rep.rep_id: rep.team for rep in session.scalars(select(Rep))}
    for f in files:
        if f.kind == "reps":
            teams.update({row.rep_id: row.team for _, row in f.rows})
    owners = _existing_owners(session, files)
    for f in files:
        for line, row in f.rows:
            if row.rep_id not in teams:
                f.error(
                    line,
                    "rep_id",
                    f"unknown rep_id '{row.rep_id}'",
                    "add the rep to reps.csv and import it first (or in the same command)",
                )
            for key, value in _owned_ids(f.kind, row):
                owner = owners.get((key, value))
                if owner is not None and owner != row.rep_id:
                    f.error(
                        line,
                        key,
                        f"{key} '{value}' already belongs to another rep",
                        "give this row a new id",
                    )
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


def ingest(
    store: Store,
    indexer: Indexer,
    paths: Iterable[Path],
    kind: Kind | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> IngestReport:
    """Import files all-or-nothing; raises ImportValidationError listing every problem."""
    files = parse_files(paths, kind)
    with store.sessions() as session:
        teams = _cross_check(session, files)
        errors: list[RowError] = [e for f in files for e in f.errors]
        if errors:
            raise ImportValidationError(errors)
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
    report = IngestReport()
    with store.sessions.begin() as session:
        report.files = [write_rows(session, f) for f in files]
        session.flush()
        for plan in plans:
            indexer.apply(plan)
    report.chunks_embedded = total
    report.chunks_reused = sum(p.reused for p in plans)
    report.chunks_deleted = sum(len(p.stale) for p in plans)
    return report
