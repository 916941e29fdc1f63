"""The grounded composer: drafts written deterministically from the diagnosis, the record and the
framework's question bank, when the model's drafts fail the guard twice.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from copilot.drafting.composer.coaching import ComposerInput, compose_debrief, compose_questions
    from copilot.drafting.composer.preparation import (
        compose_answer,
        compose_plan,
        compose_precall,
        compose_roleplay,
    )

# Imported on first use, so that importing one module of the package (its schemas, say)
# does not import the whole stage, and packages can share types without import cycles.
_PUBLIC = {
    "ComposerInput": "copilot.drafting.composer.coaching",
    "compose_answer": "copilot.drafting.composer.preparation",
    "compose_debrief": "copilot.drafting.composer.coaching",
    "compose_plan": "copilot.drafting.composer.preparation",
    "compose_precall": "copilot.drafting.composer.preparation",
    "compose_questions": "copilot.drafting.composer.coaching",
    "compose_roleplay": "copilot.drafting.composer.preparation",
}
__all__ = [
    "ComposerInput",
    "compose_answer",
    "compose_debrief",
    "compose_plan",
    "compose_precall",
    "compose_questions",
    "compose_roleplay",
]


def __getattr__(name: str) -> object:
    """The public API, imported when first used."""
    if name in _PUBLIC:
        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
