"""One entry for every transcript shape: the format told by the file's suffix or its content,
parsed into segments, and the text the copilot stores for it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from copilot.records.transcripts import cues, gong, lines
from copilot.records.transcripts.schemas import Role, Transcript
from copilot.records.transcripts.speakers import resolve

SUFFIXES = {".json": "gong", ".vtt": "webvtt", ".srt": "srt", ".txt": "text"}


def _srt_like(text: str) -> bool:
    head = [raw.strip() for raw in text.lstrip("\ufeff").splitlines() if raw.strip()][:2]
    return len(head) == 2 and head[0].isdigit() and "-->" in head[1]


def parse_text(text: str, hint: str | None = None) -> Transcript:
    """A transcript given as text; `hint` ("gong", "webvtt", "srt", "text") from a file's
    suffix, else the content decides. Raises TranscriptError when a format is malformed."""
    body = text.lstrip("\ufeff")
    start = body.lstrip()
    if hint == "gong" or (hint is None and start[:1] == "{"):
        return gong.parse(body)
    if hint == "webvtt" or (hint is None and start.startswith("WEBVTT")):
        return cues.parse_webvtt(body)
    if hint == "srt" or (hint is None and _srt_like(body)):
        return cues.parse_srt(body)
    if lines.looks_canonical(body) or lines.looks_like_speaker_lines(body):
        return lines.parse(body)
    if hint is None and start[:1] == "[" and _json_list(body):  # Gong's bare monologues
        return gong.parse(body)
    return lines.plain(body)


def _json_list(text: str) -> bool:
    try:
        return isinstance(json.loads(text), list)
    except json.JSONDecodeError:
        return False


def parse_value(value: Any, hint: str | None = None) -> Transcript:
    """A transcript as JSON gives it: text, or Gong's structure as an object or list."""
    if isinstance(value, str):
        return parse_text(value, hint)
    return gong.parse_value(value)


def stored_text(
    original: str | None, parsed: Transcript, speakers: Mapping[str, Role] | None = None
) -> str:
    """What the copilot stores: timed formats as timed lines; untimed text as it came (so a
    re-import changes nothing), unless a speaker mapping labels it."""
    if speakers:
        segments = resolve(parsed.segments, None, speakers)
        return lines.render(parsed.model_copy(update={"segments": segments}))
    if original is not None and parsed.format in {"speaker_lines", "canonical", "plain"}:
        return original
    return lines.render(parsed)
