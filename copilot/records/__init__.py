"""A rep's record coming in: the canonical files read and validated row by row
(`readers`, `messages`), invisible Unicode stripped (`sanitize`), written as upserts
(`upsert`), all-or-nothing with the call notes embedded (`ingest`); `dataset` reads a
dataset's own "today".
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from copilot.records.dataset import dataset_settings, read_manifest
    from copilot.records.ingest import IngestReport, ingest, parse_files

# Imported on first use, so that importing one module of the package (its schemas, say)
# does not import the whole stage, and packages can share types without import cycles.
_PUBLIC = {
    "IngestReport": "copilot.records.ingest",
    "dataset_settings": "copilot.records.dataset",
    "ingest": "copilot.records.ingest",
    "parse_files": "copilot.records.ingest",
    "read_manifest": "copilot.records.dataset",
}
__all__ = ["IngestReport", "dataset_settings", "ingest", "parse_files", "read_manifest"]


def __getattr__(name: str) -> object:
    """The public API, imported when first used."""
    if name in _PUBLIC:
        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
