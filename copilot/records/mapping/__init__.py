"""CRM exports through a YAML mapping: the mapping's rules (`schemas`), reading it and the
export (`files`), cells through date, number and value rules (`values`), one row per row
(`rows`) or rows added up per rep and month (`aggregate`), and the entry point (`reader`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from copilot.records.mapping.reader import read_mapped
    from copilot.records.mapping.schemas import Mapping

# Imported on first use, so that importing the package does not import the records stage.
_PUBLIC = {
    "Mapping": "copilot.records.mapping.schemas",
    "read_mapped": "copilot.records.mapping.reader",
}
__all__ = ["Mapping", "read_mapped"]


def __getattr__(name: str) -> object:
    """The public API, imported when first used."""
    if name in _PUBLIC:
        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
