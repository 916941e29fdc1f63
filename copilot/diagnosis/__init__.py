"""Deterministic diagnosis from the record: funnel arithmetic (`funnel`), the results x desire
quadrant (`quadrant`), call stages mapped to capabilities (`stages`), and the single focus or an
abstention (`diagnoser`); `schemas` holds the vocabulary and the output types.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from copilot.diagnosis.diagnoser import Diagnoser, diagnose, priority_key
    from copilot.diagnosis.schemas import Diagnosis, Focus, StageReading

# Imported on first use, so that importing one module of the package (its schemas, say)
# does not import the whole stage, and packages can share types without import cycles.
_PUBLIC = {
    "Diagnoser": "copilot.diagnosis.diagnoser",
    "Diagnosis": "copilot.diagnosis.schemas",
    "Focus": "copilot.diagnosis.schemas",
    "StageReading": "copilot.diagnosis.schemas",
    "diagnose": "copilot.diagnosis.diagnoser",
    "priority_key": "copilot.diagnosis.diagnoser",
}
__all__ = ["Diagnoser", "Diagnosis", "Focus", "StageReading", "diagnose", "priority_key"]


def __getattr__(name: str) -> object:
    """The public API, imported when first used."""
    if name in _PUBLIC:
        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
