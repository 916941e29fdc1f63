"""Transcript types: a segment is one speaker's words over one span of the call."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Role = Literal["rep", "customer", "unknown"]
Format = Literal["gong", "webvtt", "srt", "speaker_lines", "canonical", "plain"]
# Labels a transcript writes before the speaker's name, and the role each one means.
ROLE_LABELS: dict[str, Role] = {
    "rep": "rep",
    "sales rep": "rep",
    "seller": "rep",
    "customer": "customer",
    "prospect": "customer",
    "client": "customer",
    "buyer": "customer",
}
INTERNAL = "internal"  # the rep's side of the call, but not necessarily the rep


class Segment(BaseModel):
    """One speaker's words; times in seconds from the start of the call, None when untimed."""

    model_config = ConfigDict(frozen=True)

    speaker: str
    role: Role = "unknown"
    internal: bool = False
    start_s: float | None = None
    end_s: float | None = None
    text: str


class Transcript(BaseModel):
    """A parsed transcript in the format it arrived in."""

    model_config = ConfigDict(frozen=True)

    format: Format
    segments: list[Segment]

    @property
    def timed(self) -> bool:
        """Every segment has a start and an end."""
        return bool(self.segments) and all(
            s.start_s is not None and s.end_s is not None for s in self.segments
        )

    @property
    def attributed(self) -> bool:
        """Some segment names a speaker."""
        return any(s.speaker for s in self.segments)
