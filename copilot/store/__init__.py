"""The records database: engine and sessions (SQLite WAL by default, PostgreSQL by URL), the
read queries the rest of the app shares, and every table in one module.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from copilot.store.database import Store, make_engine
    from copilot.store.tables import Base

# Imported on first use, so that importing one module of the package (its schemas, say)
# does not import the whole stage, and packages can share types without import cycles.
_PUBLIC = {
    "Base": "copilot.store.tables",
    "Store": "copilot.store.database",
    "make_engine": "copilot.store.database",
}
__all__ = ["Base", "Store", "make_engine"]


def __getattr__(name: str) -> object:
    """The public API, imported when first used."""
    if name in _PUBLIC:
        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
