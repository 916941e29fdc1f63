"""Call transcripts with speakers and time: Gong JSON (`gong`), WebVTT and SRT (`cues`),
`Speaker: text` and plain lines (`lines`), told apart by `detect`; speakers resolved to the rep
or the customer (`speakers`); a calls.jsonl row's transcript (`calls`) or a separate file named
by the call id (`files`); stored as timed lines and chunked by whole lines (`chunking`); phone
numbers and emails redacted on import (`redaction`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from copilot.records.transcripts.detect import parse_text, parse_value
    from copilot.records.transcripts.errors import TranscriptError
    from copilot.records.transcripts.schemas import Segment, Transcript

# Imported on first use: `readers` imports `calls`, and `files` imports `readers`.
_PUBLIC = {
    "Segment": "copilot.records.transcripts.schemas",
    "Transcript": "copilot.records.transcripts.schemas",
    "TranscriptError": "copilot.records.transcripts.errors",
    "parse_text": "copilot.records.transcripts.detect",
    "parse_value": "copilot.records.transcripts.detect",
}
__all__ = ["Segment", "Transcript", "TranscriptError", "parse_text", "parse_value"]


def __getattr__(name: str) -> object:
    """The public API, imported when first used."""
    if name in _PUBLIC:
        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
