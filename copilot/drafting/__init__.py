"""One draft: the pipeline (`pipeline`: diagnose, retrieve, pack, prompt, call, guard, repair
once, compose), one spec per artifact kind (`specs`), the typed drafts (`schemas`), the prompt
context (`context`), completion from the record (`assembly`), Markdown (`markdown`), the one
`check_draft` path (`checking`) and the grounded composer (`composer/`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from copilot.drafting.pipeline import Drafter, DraftRequest, DraftResult
    from copilot.drafting.schemas import AnyDraft, DraftKind

# Imported on first use, so that importing one module of the package (its schemas, say)
# does not import the whole stage, and packages can share types without import cycles.
_PUBLIC = {
    "AnyDraft": "copilot.drafting.schemas",
    "DraftKind": "copilot.drafting.schemas",
    "DraftRequest": "copilot.drafting.pipeline",
    "DraftResult": "copilot.drafting.pipeline",
    "Drafter": "copilot.drafting.pipeline",
}
__all__ = ["AnyDraft", "DraftKind", "DraftRequest", "DraftResult", "Drafter"]


def __getattr__(name: str) -> object:
    """The public API, imported when first used."""
    if name in _PUBLIC:
        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
