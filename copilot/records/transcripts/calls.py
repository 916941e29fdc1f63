"""A call's transcript on its way in: a calls.jsonl row's `transcript` (text in any supported
format, or Gong's structure) and optional `speakers` mapping become the text the copilot stores."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter, ValidationError

from copilot.records.transcripts.detect import parse_value, stored_text
from copilot.records.transcripts.errors import TranscriptError
from copilot.records.transcripts.schemas import Role

Problem = tuple[str, str, str]  # field, message, fix
_SPEAKERS: TypeAdapter[dict[str, Role]] = TypeAdapter(dict[str, Role])
SPEAKERS_FIX = (
    'map each speaker\'s name to "rep", "customer" or "unknown", e.g. {"Dana Reyes": "rep"}'
)


def read_speakers(value: Any) -> tuple[dict[str, Role] | None, list[Problem]]:
    """A row's `speakers` mapping, or the problem with it."""
    if value is None:
        return None, []
    try:
        return _SPEAKERS.validate_python(value), []
    except ValidationError:
        return None, [("speakers", "is not a mapping of names to roles", SPEAKERS_FIX)]


def prepare_row(
    raw: dict[str, Any],
) -> tuple[dict[str, Any], dict[str, Role] | None, list[Problem]]:
    """The row with its transcript as stored text and `speakers` taken out; the mapping; the
    problems (a malformed transcript names its line or cue)."""
    row = dict(raw)
    speakers, problems = read_speakers(row.pop("speakers", None))
    value = row.get("transcript")
    if value is None or problems or (isinstance(value, str) and not value.strip()):
        return row, speakers, problems
    try:
        parsed = parse_value(value)
    except TranscriptError as exc:
        return row, speakers, [("transcript", exc.problem, exc.fix)]
    row["transcript"] = stored_text(value if isinstance(value, str) else None, parsed, speakers)
    return row, speakers, []
