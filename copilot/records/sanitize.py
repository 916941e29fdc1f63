"""Strips invisible Unicode from imported text so hidden instructions cannot ride along."""

from __future__ import annotations

import unicodedata
from typing import Any

_KEEP = {"\n", "\t"}
# Cc: control codes; Cf: zero-width and bidi overrides, tag characters; Co/Cs/Cn: private use,
# surrogates, unassigned. None of these carries meaning a coach needs; all can hide text.
_DROP_CATEGORIES = {"Cc", "Cf", "Co", "Cs", "Cn"}
_LINE_BREAKS = {"\r\n": "\n", "\r": "\n", "\u2028": "\n", "\u2029": "\n\n"}


def clean_text(text: str) -> str:
    """NFC-normalise, unify line breaks and drop invisible or control characters."""
    for old, new in _LINE_BREAKS.items():
        text = text.replace(old, new)
    text = unicodedata.normalize("NFC", text)
    return "".join(
        ch for ch in text if ch in _KEEP or unicodedata.category(ch) not in _DROP_CATEGORIES
    )


def clean_value(value: Any) -> Any:
    """`clean_text` applied to every string inside a parsed JSON or CSV value."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean_value(v) for v in value]
    if isinstance(value, dict):
        return {clean_text(str(k)): clean_value(v) for k, v in value.items()}
    return value
