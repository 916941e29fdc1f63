"""The utterance: one manager sentence in script order, with its speech act.

`ask` reads a script into utterances and judges them (ASK-1..5); `double` judges the same
utterances for double-barrelled questions (ASK-6).
"""

from __future__ import annotations

from dataclasses import dataclass

from copilot.guard.speech import Act
from copilot.guard.unit import Unit


@dataclass(frozen=True)
class Utterance:
    """One manager sentence in script order: its unit, the unit's line number, its act."""

    unit: Unit
    line: int
    sentence: str
    act: Act
