"""A team's monthly plans as a resumable batch: jobs and items in SQL with leases (`queue`),
the worker pool (`engine`), and what a job shows (`views`); or the same drafts through the
OpenAI Batch API (`remote`, `replay`, `batch_api`, with its rows in `remote_rows`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from copilot.batch.engine import RunOptions, run_job

# Imported on first use, so that importing one module of the package (its schemas, say)
# does not import the whole stage, and packages can share types without import cycles.
_PUBLIC = {
    "RunOptions": "copilot.batch.engine",
    "run_job": "copilot.batch.engine",
}
__all__ = ["RunOptions", "run_job"]


def __getattr__(name: str) -> object:
    """The public API, imported when first used."""
    if name in _PUBLIC:
        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
