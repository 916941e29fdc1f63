"""Grounded answers to a manager's questions about a rep: the one answer path (`answers`:
prepare, stream, finish), each manager's history with each rep (`history`), and the types
that cross the package's boundary (`schemas`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from copilot.chat.answers import (
        MAX_MESSAGE_CHARS,
        Answer,
        AnswerStream,
        ChatService,
        PreparedChat,
    )
    from copilot.chat.history import HISTORY_TOKENS, HISTORY_TURNS, history_messages
    from copilot.chat.schemas import ChatDone, Turn

# Imported on first use, so that importing one module of the package (its schemas, say)
# does not import the whole stage, and packages can share types without import cycles.
_PUBLIC = {
    "MAX_MESSAGE_CHARS": "copilot.chat.answers",
    "Answer": "copilot.chat.answers",
    "AnswerStream": "copilot.chat.answers",
    "ChatService": "copilot.chat.answers",
    "PreparedChat": "copilot.chat.answers",
    "HISTORY_TOKENS": "copilot.chat.history",
    "HISTORY_TURNS": "copilot.chat.history",
    "history_messages": "copilot.chat.history",
    "ChatDone": "copilot.chat.schemas",
    "Turn": "copilot.chat.schemas",
}
__all__ = [
    "HISTORY_TOKENS",
    "HISTORY_TURNS",
    "MAX_MESSAGE_CHARS",
    "Answer",
    "AnswerStream",
    "ChatDone",
    "ChatService",
    "PreparedChat",
    "Turn",
    "history_messages",
]


def __getattr__(name: str) -> object:
    """The public API, imported when first used."""
    if name in _PUBLIC:
        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
