"""GRD-1 for durations written in words: "the nurses lose about an hour a day" must be a
duration the record gives ("about half an hour a day").

Only a duration reported as fact is read: one after a verb that says time went somewhere
(lose, lost, wasted, spent, took, lasted). A prescribed one ("fifteen minutes with me",
"spend an hour on it") is a plan, not a claim. Record and draft are compared in minutes, in
`normal` form, where number words are digits already.
"""

from __future__ import annotations

import re

from copilot.guard.closed_world import FactIndex
from copilot.guard.grounding import Grounding, missing_finding
from copilot.guard.names import normal
from copilot.guard.unit import Unit

_UNIT_MINUTES = {"hour": 60.0, "minute": 1.0, "min": 1.0, "second": 1 / 60, "sec": 1 / 60}
_DURATION = re.compile(
    r"\b(?P<q>half\s+an|half\s+a|a\s+quarter\s+of\s+an|an|a|\d+(?:\s+and\s+a\s+half)?)\s+"
    r"(?P<u>hour|hours|minute|minutes|min|mins|second|seconds|sec|secs)\b"
    r"|\bhalf\s+(?:an\s+)?(?P<half>hour)\b"
)
_REPORTED = re.compile(
    r"\b(?:lose|loses|lost|losing|wasted|wastes|wasting|spent|spends|spending|took|takes|lasted"
    r"|lasts|ran|hunting)\s+(?:(?:about|around|roughly|nearly|almost|over|under|some|just"
    r"|only|a\s+good|the\s+best\s+part\s+of)\s+)*$"
)


def _minutes(m: re.Match[str]) -> float:
    if m.group("half"):
        return 30.0
    unit = _UNIT_MINUTES[m.group("u").rstrip("s")]
    q = m.group("q")
    if q.startswith("half"):
        return 0.5 * unit
    if q.startswith("a quarter"):
        return 0.25 * unit
    if q in {"a", "an"}:
        return unit
    half = 0.5 if "half" in q else 0.0
    return (float(q.split()[0]) + half) * unit


def durations(text: str) -> list[tuple[str, float, bool]]:
    """Durations in a text's `normal` form: (as written, minutes, reported as fact)."""
    low = normal(text)
    return [
        (m.group(0), _minutes(m), bool(_REPORTED.search(low[: m.start()])))
        for m in _DURATION.finditer(low)
    ]


def check_durations(unit: Unit, facts: FactIndex, out: Grounding) -> None:
    """A duration the unit reports as fact, against the durations this rep's record gives."""
    if unit.in_character or unit.role == "rep":
        return
    claimed = [(t, v) for t, v, reported in durations(unit.text) if reported]
    if not claimed:
        return
    recorded = {v: t for t, v, _ in durations(facts.rep.corpus)}
    for text, minutes in claimed:
        if recorded and not any(abs(minutes - v) <= 1e-6 for v in recorded):
            nearest = min(recorded, key=lambda v: abs(v - minutes))
            what = f"the duration '{text}' ({minutes:g} min)"
            near = f"the record has '{recorded[nearest]}' ({nearest:g} min)"
            out.findings.append(missing_finding(facts, unit, what, [], near))
