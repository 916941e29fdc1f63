"""Gong's transcript JSON: monologues of `speakerId` and `sentences` ({start, end, text} in ms),
with the call's `parties` saying who each speaker is and whether they are internal."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from copilot.records.transcripts.errors import TranscriptError
from copilot.records.transcripts.schemas import Segment, Transcript

FMT = "Gong JSON"
_SHAPE = (
    'give {"parties": [{"speakerId", "name", "affiliation"}], "transcript": [{"speakerId", '
    '"sentences": [{"start", "end", "text"}]}]} (times in milliseconds), or Gong\'s '
    '{"callTranscripts": [...]} as exported'
)


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")  # Gong sends many fields the copilot has no use for


class Sentence(_Loose):
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class Monologue(_Loose):
    speakerId: str | int  # noqa: N815 - Gong's own field name
    sentences: list[Sentence]


class Party(_Loose):
    speakerId: str | int | None = None  # noqa: N815
    name: str | None = None
    affiliation: str | None = None


class GongDocument(_Loose):
    parties: list[Party] = Field(default_factory=list)
    transcript: list[Monologue]


def _document(raw: Any) -> dict[str, Any]:
    """The parts of whichever Gong shape arrived: a bare list, one call, or `callTranscripts`."""
    if isinstance(raw, list):
        return {"transcript": raw}
    if not isinstance(raw, dict):
        raise TranscriptError(FMT, "", "the document is not a JSON object or list", _SHAPE)
    if "callTranscripts" in raw:
        calls = raw["callTranscripts"]
        if not isinstance(calls, list) or len(calls) != 1:
            found = len(calls) if isinstance(calls, list) else "no list of"
            raise TranscriptError(
                FMT, "at callTranscripts", f"holds {found} calls", "give one call per transcript"
            )
        inner = calls[0] if isinstance(calls[0], dict) else {}
        return {"parties": raw.get("parties", inner.get("parties", [])), **inner}
    return raw


def _where(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return f"at {out}" if out else ""


def parse_value(raw: Any) -> Transcript:
    """A parsed Gong document (a JSON value) as segments, one per sentence."""
    try:
        doc = GongDocument.model_validate(_document(raw))
    except ValidationError as exc:
        err = exc.errors()[0]
        message = f"{err['msg'].lower()} ({err['type']})"
        raise TranscriptError(FMT, _where(err["loc"]), message, _SHAPE) from None
    parties = {str(p.speakerId): p for p in doc.parties if p.speakerId is not None}
    segments: list[Segment] = []
    for i, mono in enumerate(doc.transcript):
        party = parties.get(str(mono.speakerId))
        name = (party.name if party else None) or f"Speaker {mono.speakerId}"
        affiliation = (party.affiliation or "").lower() if party else ""
        for j, s in enumerate(mono.sentences):
            if s.end < s.start:
                raise TranscriptError(
                    FMT,
                    f"at transcript[{i}].sentences[{j}]",
                    f"ends ({s.end} ms) before it starts ({s.start} ms)",
                    "give start and end in milliseconds from the start of the call, end >= start",
                )
            if not s.text.strip():
                continue
            segments.append(
                Segment(
                    speaker=name,
                    role="customer" if affiliation == "external" else "unknown",
                    internal=affiliation == "internal",
                    start_s=s.start / 1000,
                    end_s=s.end / 1000,
                    text=" ".join(s.text.split()),
                )
            )
    return Transcript(format="gong", segments=_only_internal_is_rep(segments))


def parse(text: str) -> Transcript:
    """A Gong transcript document given as JSON text."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TranscriptError(
            FMT,
            f"line {exc.lineno} column {exc.colno}",
            f"not valid JSON ({exc.msg})",
            "export the transcript again, or check the brackets and commas near there",
            exc.lineno,
        ) from None
    return parse_value(raw)


def _only_internal_is_rep(segments: list[Segment]) -> list[Segment]:
    """One internal speaker on the call is the rep; with several, the rep's name decides later."""
    internal = {s.speaker for s in segments if s.internal}
    if len(internal) != 1:
        return segments
    return [s.model_copy(update={"role": "rep"}) if s.internal else s for s in segments]
