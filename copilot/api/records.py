"""`POST /v1/ingest` and the write behind `POST /v1/reps/{rep_id}/calls`: imports scoped to the
caller's team. Every rep row must name that team; ids are per team, so an id another team holds
is as free as one nobody holds (the import creates the team's own row), and rows naming a rep
the team lacks fail alike whether another team has it or not; ids owned by another rep of the
team are never overwritten (the import's own cross-check); transcripts, summaries and
manager's notes over their token limits are refused before any embedding work.

Imports of one team run one at a time; different teams' run side by side. Only the short
commit is serialised across teams, and it checks the scope again inside the write
transaction, so a rep cannot change team between the check and the write.
"""

from __future__ import annotations

import json
import re
import tempfile
import threading
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, UploadFile
from sqlalchemy.orm import Session

from copilot.api.deps import ApiError, CurrentManager, ServicesDep
from copilot.api.schemas import CallNote, CallNoteResult, FileCountsView, IngestResult
from copilot.components import Services
from copilot.errors import RowError
from copilot.records.ingest import IngestReport, commit_or_restore, prepare
from copilot.records.readers import Kind, ParsedFile
from copilot.records.transcripts.files import TranscriptFile
from copilot.records.transcripts.redaction import Redactor
from copilot.retrieval import tokens
from copilot.settings import Settings
from copilot.store.database import Store

router = APIRouter(prefix="/v1", tags=["records"])
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
LIMIT_VAR = "COPILOT_TRANSCRIPT_MAX_TOKENS"
NOTE_LIMIT_VAR = "COPILOT_NOTE_MAX_TOKENS"


class TeamLocks:
    """One lock per team, made on first use: a team's imports queue behind each other only."""

    def __init__(self) -> None:
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def __call__(self, team: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(team, threading.Lock())


_team_locks = TeamLocks()
# Held only while an import re-checks its scope and writes: the embedding is done by then.
_commit_lock = threading.Lock()


def token_problem(text: str | None, limit: int, what: str, variable: str) -> str | None:
    """Why `text` is too long, naming the limit; None when it fits."""
    if not text or len(text) <= limit:  # a token is at least one character
        return None
    used = tokens.count(text)
    if used <= limit:
        return None
    verb = "are" if what.endswith("s") else "is"
    return f"the {what} {verb} {used:,} tokens, over the limit of {limit:,} ({variable})"


def size_problems(row: object, settings: Settings) -> list[tuple[str, str, str]]:
    """(field, problem, variable) for each text of a call over its token limit."""
    limits = (
        ("transcript", settings.transcript_max_tokens, LIMIT_VAR),
        ("summary", settings.note_max_tokens, NOTE_LIMIT_VAR),
        ("manager_notes", settings.note_max_tokens, NOTE_LIMIT_VAR),
    )
    found = []
    for name, limit, variable in limits:
        what = name.replace("_", " ")
        text = getattr(row, name, None)
        if text is not None and not isinstance(text, str):  # Gong's structure: its JSON
            text = json.dumps(text)
        problem = token_problem(text, limit, what, variable)
        if problem:
            found.append((name, problem, variable))
    return found


def size_errors(files: list[ParsedFile], settings: Settings) -> list[RowError]:
    """Call and session texts over their token limits, each naming its limit."""
    return [
        RowError(f.path.name, line, name, problem, f"shorten it or raise {variable}")
        for f in files
        if f.kind == "calls"
        for line, row in f.rows
        for name, problem, variable in size_problems(row, settings)
    ] + session_size_errors(files, settings)


def session_size_errors(files: list[ParsedFile], settings: Settings) -> list[RowError]:
    """A session's notes and each commitment's text over the note limit."""
    limit, fix = settings.note_max_tokens, f"shorten it or raise {NOTE_LIMIT_VAR}"
    errors = []
    for f in (f for f in files if f.kind == "sessions"):
        for line, row in f.rows:
            texts = [("notes", row.notes, "notes")]
            texts += [("commitments.text", c.text, "commitment") for c in row.commitments]
            for name, text, what in texts:
                problem = token_problem(text, limit, what, NOTE_LIMIT_VAR)
                if problem:
                    errors.append(RowError(f.path.name, line, name, problem, fix))
    return errors


def scope_errors(session: Session, files: list[ParsedFile], team: str) -> list[RowError]:
    """Rows outside the caller's team, worded as for an unknown rep: only the team's own reps
    are read, so nothing depends on what another team holds."""
    ours = Store.rep_ids(session, team)
    errors: list[RowError] = []
    for f in (f for f in files if f.kind == "reps"):
        for line, row in f.rows:
            if row.team != team:
                errors.append(
                    RowError(
                        f.path.name,
                        line,
                        "team",
                        f"team '{row.team}' is not your token's team '{team}'",
                        f"set team to '{team}'; a token imports its own team only",
                    )
                )
            else:
                ours.add(row.rep_id)
    for f in (f for f in files if f.kind != "reps"):
        for line, row in f.rows:
            if row.rep_id not in ours and isinstance(f, TranscriptFile):
                errors.append(f.no_call())  # another team's call reads as no call at all
            elif row.rep_id not in ours:  # the import's own wording for an unknown rep
                errors.append(
                    RowError(
                        f.path.name,
                        line,
                        "rep_id",
                        f"unknown rep_id '{row.rep_id}'",
                        "add the rep to reps.csv and import it first (or in the same command)",
                    )
                )
    return errors


def scoped_ingest(
    services: Services, paths: list[Path], team: str, kind: Kind | None = None
) -> IngestReport:
    """Validate, scope-check and import `paths` all-or-nothing for `team`."""

    def in_scope(session: Session, files: list[ParsedFile]) -> list[RowError]:
        return scope_errors(session, files, team)

    def in_scope_and_size(session: Session, files: list[ParsedFile]) -> list[RowError]:
        return in_scope(session, files) + size_errors(files, services.settings)

    with _team_locks(team):
        redact = Redactor(services.settings.redact, services.settings.redact_fields)
        prepared = prepare(
            services.store,
            services.indexer,
            paths,
            kind,
            check=in_scope_and_size,
            redact=redact,
            team=team,
        )
        with _commit_lock:
            return commit_or_restore(services.store, services.indexer, prepared, in_scope)


def safe_name(name: str | None, index: int) -> str:
    """The uploaded file's own name without any path or odd characters, so errors name it."""
    base = _UNSAFE.sub("_", Path((name or "").replace("\\", "/")).name).strip("._")
    return base[:100] or f"upload-{index}"


def result(report: IngestReport) -> IngestResult:
    """The per-file counts of an import."""
    return IngestResult(
        files=[FileCountsView.model_validate(vars(f)) for f in report.files],
        chunks_embedded=report.chunks_embedded,
        chunks_reused=report.chunks_reused,
        chunks_deleted=report.chunks_deleted,
    )


@router.post(
    "/ingest",
    summary="Import canonical files",
    description="Multipart upload of one or more of reps.csv, activity.csv, calls.jsonl and "
    "sessions.jsonl (named so, or ending in -reps.csv etc.). All-or-nothing; rows must belong "
    "to the token's team; errors list `file:line field: message. Fix: ...`.",
)
def ingest_files(
    manager: CurrentManager,
    services: ServicesDep,
    files: Annotated[list[UploadFile], File(description="The canonical files to import.")],
) -> IngestResult:
    with tempfile.TemporaryDirectory(prefix="copilot-upload-") as tmp:
        paths: list[Path] = []
        for i, upload in enumerate(files, start=1):
            path = Path(tmp) / safe_name(upload.filename, i)
            if path in paths:
                raise ApiError(422, "invalid_input", f"two uploads are named '{path.name}'")
            path.write_bytes(upload.file.read())
            paths.append(path)
        return result(scoped_ingest(services, paths, manager.team))


def add_call(services: Services, team: str, rep_id: str, note: CallNote) -> CallNoteResult:
    """Validate, import and index one call note of the team's `rep_id` (already checked to be
    in scope)."""
    too_long = size_problems(note, services.settings)
    if too_long:
        name, problem, _ = too_long[0]
        raise ApiError(
            422, "transcript_too_long" if name == "transcript" else "text_too_long", problem
        )
    row = note.model_dump(mode="json", exclude_none=True) | {"rep_id": rep_id}
    with tempfile.TemporaryDirectory(prefix="copilot-call-") as tmp:
        path = Path(tmp) / "calls.jsonl"
        path.write_text(json.dumps(row) + "\n", encoding="utf-8")
        report = scoped_ingest(services, [path], team, "calls")
    counts = report.files[0]
    outcome = "inserted" if counts.inserted else "updated" if counts.updated else "unchanged"
    return CallNoteResult(
        call_id=note.call_id,
        rep_id=rep_id,
        outcome=outcome,
        chunks_embedded=report.chunks_embedded,
    )
