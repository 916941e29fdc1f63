"""What a prompt may cite: the framework's knowledge cards (`cards`), token counting and
chunking (`tokens`), the embeddings and vectors seams, keeping the vector store in step with the
records (`indexing`), team-scoped search (`retriever`) and packing into a token budget
(`packing`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from copilot.retrieval.cards import Framework, framework, load_cards
    from copilot.retrieval.packing import pack
    from copilot.retrieval.retriever import Retriever

# Imported on first use, so that importing one module of the package (its schemas, say)
# does not import the whole stage, and packages can share types without import cycles.
_PUBLIC = {
    "Framework": "copilot.retrieval.cards",
    "Retriever": "copilot.retrieval.retriever",
    "framework": "copilot.retrieval.cards",
    "load_cards": "copilot.retrieval.cards",
    "pack": "copilot.retrieval.packing",
}
__all__ = ["Framework", "Retriever", "framework", "load_cards", "pack"]


def __getattr__(name: str) -> object:
    """The public API, imported when first used."""
    if name in _PUBLIC:
        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
