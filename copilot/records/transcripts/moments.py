"""Cited moments of a call, `call:ID@mm:ss`: valid when the call is known and the time falls
inside its timed transcript."""

from __future__ import annotations

from collections.abc import Mapping, Set

from copilot.records.transcripts.lines import looks_canonical, parse
from copilot.records.transcripts.timecode import parse_moment


def transcript_end(text: str | None) -> float | None:
    """When a stored timed transcript ends, in seconds; None for an untimed one."""
    if not text or not looks_canonical(text):
        return None
    ends = [s.end_s for s in parse(text).segments if s.end_s is not None]
    return max(ends) if ends else None


def moment_resolves(eid: str, ids: Set[str], ends: Mapping[str, float]) -> bool:
    """Whether `call:ID@mm:ss` names a known call and a time inside its transcript."""
    base, _, at = eid.partition("@")
    seconds = parse_moment(at)
    return base in ids and seconds is not None and base in ends and seconds <= ends[base] + 1
