"""Transcripts given as separate files named by the call id (`transcripts/CALL-7.vtt`): each
joins its call's row in the same import, or the call already in the records."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from copilot.errors import RowError
from copilot.records.readers import ParsedFile, detect_kind
from copilot.records.schemas import CallRow
from copilot.records.transcripts.detect import SUFFIXES, parse_text, stored_text
from copilot.records.transcripts.errors import TranscriptError
from copilot.store.tables import Call

FIELD = "transcript"


@dataclass
class TranscriptFile(ParsedFile):
    """A transcript file: its call id (the file's stem) and the text to store for it."""

    call_id: str = ""
    text: str | None = None

    def no_call(self) -> RowError:
        """The error for a call that is not there (or, to a team-scoped caller, not theirs)."""
        return RowError(
            self.path.name,
            0,
            "",
            f"no call '{self.call_id}' in this import or in the records",
            "name the file by its call's call_id, or import the call in calls.jsonl "
            "in the same command",
        )

    def two_calls(self) -> RowError:
        """The error for a call id that more than one team holds (the shell only)."""
        return RowError(
            self.path.name,
            0,
            "",
            f"call '{self.call_id}' is in more than one team",
            "import the transcript with --team",
        )


def is_transcript(path: Path) -> bool:
    """A file whose suffix is a transcript format's and whose name is no canonical file's."""
    suffix = path.suffix.lower()
    return suffix in {".vtt", ".srt"} or (suffix in SUFFIXES and detect_kind(path) is None)


def read_transcript(path: Path, speakers: dict[str, Any] | None = None) -> TranscriptFile:
    """Parse one transcript file; problems are recorded with the file's line, never raised."""
    found = TranscriptFile(path, "calls", call_id=path.stem)
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        found.error(0, "", "file not found", "check the path")
        return found
    except UnicodeDecodeError as exc:
        found.error(0, "", f"not UTF-8 text ({exc.reason})", "save the file as UTF-8")
        return found
    if not raw.strip():
        found.error(0, FIELD, "the file is empty", "export the transcript again")
        return found
    try:
        parsed = parse_text(raw, SUFFIXES.get(path.suffix.lower()))
    except TranscriptError as exc:
        found.error(exc.line, FIELD, exc.problem, exc.fix)
        return found
    found.text = stored_text(raw, parsed, speakers)
    return found


def attach(files: list[ParsedFile], paths: list[Path]) -> list[ParsedFile]:
    """Read transcript files; one whose call is in the import replaces that row's transcript.
    Returns the transcript files (each holding its rows or its problems)."""
    rows: dict[str, tuple[ParsedFile, int]] = {}
    for f in files:
        if f.kind == "calls":
            rows.update({row.call_id: (f, i) for i, (_, row) in enumerate(f.rows)})
    out: list[ParsedFile] = []
    for path in paths:
        owner = rows.get(path.stem)
        speakers = owner[0].speakers.get(path.stem) if owner else None
        found = read_transcript(path, speakers)
        if owner is None or found.text is None:
            out.append(found)
            continue
        f, index = owner
        line, row = f.rows[index]
        if row.transcript:
            found.error(
                0,
                FIELD,
                f"call '{found.call_id}' also has a transcript in {f.path.name} line {line}",
                "give the transcript once: in the row or in this file",
            )
            out.append(found)
            continue
        f.rows[index] = (line, row.model_copy(update={FIELD: found.text}))
    return out


def attach_stored(session: Session, files: list[ParsedFile], team: str | None = None) -> None:
    """Transcript files whose call is not in the import join the team's stored call (without a
    team, the shell's: the one call with that id in any team), or fail."""
    for f in files:
        if not isinstance(f, TranscriptFile) or f.text is None or f.errors:
            continue
        query = select(Call).where(Call.call_id == f.call_id)
        if team is not None:
            query = query.where(Call.team == team)
        calls = session.scalars(query.limit(2)).all()
        if len(calls) != 1:
            f.errors.append(f.no_call() if not calls else f.two_calls())
            continue
        call = calls[0]
        values = {name: getattr(call, name) for name in CallRow.model_fields}
        f.rows.append((0, CallRow.model_validate(values | {FIELD: f.text})))
