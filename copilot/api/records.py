"""`POST /v1/ingest` and the write behind `POST /v1/reps/{rep_id}/calls`: imports scoped to the
caller's team. Every rep row must name that team; rows naming another team's rep fail exactly
like rows naming an unknown one; ids owned by another rep are never overwritten (the import's
own cross-check); transcripts over the token limit are refused before any embedding work."""

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
from copilot.errors import ImportValidationError, RowError
from copilot.records.ingest import IngestReport, ingest, parse_files
from copilot.records.readers import ParsedFile
from copilot.retrieval import tokens
from copilot.store.database import Store

router = APIRouter(prefix="/v1", tags=["records"])
# The scope check reads the reps table and the import writes it: one import at a time per
# process, so a rep cannot change team between the check and the write.
_write_lock = threading.Lock()
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
LIMIT_VAR = "COPILOT_TRANSCRIPT_MAX_TOKENS"


def transcript_problem(transcript: str | None, limit: int) -> str | None:
    """Why a transcript is too long, naming the limit; None when it fits."""
    if not transcript or len(transcript) <= limit:  # a token is at least one character
        return None
    used = tokens.count(transcript)
    if used <= limit:
        return None
    return f"the transcript is {used:,} tokens, over the limit of {limit:,} ({LIMIT_VAR})"


def scope_errors(
    session: Session, files: list[ParsedFile], team: str, limit: int
) -> list[RowError]:
    """Rows outside the caller's team, and transcripts over the token limit."""
    owners = Store.rep_teams(session)
    ours = {rep_id for rep_id, rep_team in owners.items() if rep_team == team}
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
            elif owners.get(row.rep_id, team) != team:
                errors.append(
                    RowError(
                        f.path.name, line, "rep_id", "this rep_id is taken", "choose another rep_id"
                    )
                )
            else:
                ours.add(row.rep_id)
    for f in (f for f in files if f.kind != "reps"):
        for line, row in f.rows:
            if row.rep_id not in ours:  # the import's own wording for an unknown rep
                errors.append(
                    RowError(
                        f.path.name,
                        line,
                        "rep_id",
                        f"unknown rep_id '{row.rep_id}'",
                        "add the rep to reps.csv and import it first (or in the same command)",
                    )
                )
            problem = transcript_problem(getattr(row, "transcript", None), limit)
            if f.kind == "calls" and problem:
                errors.append(
                    RowError(
                        f.path.name, line, "transcript", problem, f"shorten it or raise {LIMIT_VAR}"
                    )
                )
    return errors


def scoped_ingest(services: Services, paths: list[Path], team: str) -> IngestReport:
    """Validate, scope-check and import `paths` all-or-nothing for `team`."""
    limit = services.settings.transcript_max_tokens
    with _write_lock:
        files = parse_files(paths, None)
        errors = [e for f in files for e in f.errors]
        if not errors:
            with services.store.sessions() as session:
                errors = scope_errors(session, files, team, limit)
        if errors:
            raise ImportValidationError(errors)
        return ingest(services.store, services.indexer, paths)


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


def add_call(services: Services, rep_id: str, note: CallNote) -> CallNoteResult:
    """Validate, import and index one call note of `rep_id` (already checked to be in scope)."""
    problem = transcript_problem(note.transcript, services.settings.transcript_max_tokens)
    if problem:
        raise ApiError(422, "transcript_too_long", problem)
    row = note.model_dump(mode="json", exclude_none=True) | {"rep_id": rep_id}
    with tempfile.TemporaryDirectory(prefix="copilot-call-") as tmp:
        path = Path(tmp) / "calls.jsonl"
        path.write_text(json.dumps(row) + "\n", encoding="utf-8")
        with _write_lock:
            report = ingest(services.store, services.indexer, [path], "calls")
    counts = report.files[0]
    outcome = "inserted" if counts.inserted else "updated" if counts.updated else "unchanged"
    return CallNoteResult(
        call_id=note.call_id,
        rep_id=rep_id,
        outcome=outcome,
        chunks_embedded=report.chunks_embedded,
    )
