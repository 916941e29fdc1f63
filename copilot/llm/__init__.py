"""The chat-model seam: the configured LangChain chat model (an OpenAI-compatible endpoint, or
llama.cpp in-process with the bundled SmolLM2), typed calls with validated output, and the
bundled model files' hashes.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from copilot.llm.chat_model import build_chat_model, model_name, stream_text, structured_call

# Imported on first use, so that importing one module of the package (its schemas, say)
# does not import the whole stage, and packages can share types without import cycles.
_PUBLIC = {
    "build_chat_model": "copilot.llm.chat_model",
    "model_name": "copilot.llm.chat_model",
    "stream_text": "copilot.llm.chat_model",
    "structured_call": "copilot.llm.chat_model",
}
__all__ = ["build_chat_model", "model_name", "stream_text", "structured_call"]


def __getattr__(name: str) -> object:
    """The public API, imported when first used."""
    if name in _PUBLIC:
        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
