"""The coaching loop closed from the product: sessions and commitments recorded and changed
(`loop`), approved plans' progress against their baseline (`progress`), the calls since each
open commitment that bear on it (`followthrough`), and the boundary types (`schemas`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from copilot.coaching.followthrough import commitment_evidence
    from copilot.coaching.loop import list_commitments, record_session, set_commitment
    from copilot.coaching.progress import plan_progress, record_baseline
    from copilot.coaching.schemas import (
        CommitmentChange,
        CommitmentEvidence,
        CommitmentOut,
        NewCommitment,
        NewSession,
        PlanProgress,
        RecordedSession,
    )

# Imported on first use, so that importing the schemas does not import the database stack.
_PUBLIC = {
    "commitment_evidence": "copilot.coaching.followthrough",
    "list_commitments": "copilot.coaching.loop",
    "record_session": "copilot.coaching.loop",
    "set_commitment": "copilot.coaching.loop",
    "plan_progress": "copilot.coaching.progress",
    "record_baseline": "copilot.coaching.progress",
    "CommitmentChange": "copilot.coaching.schemas",
    "CommitmentEvidence": "copilot.coaching.schemas",
    "CommitmentOut": "copilot.coaching.schemas",
    "NewCommitment": "copilot.coaching.schemas",
    "NewSession": "copilot.coaching.schemas",
    "PlanProgress": "copilot.coaching.schemas",
    "RecordedSession": "copilot.coaching.schemas",
}
__all__ = [
    "CommitmentChange",
    "CommitmentEvidence",
    "CommitmentOut",
    "NewCommitment",
    "NewSession",
    "PlanProgress",
    "RecordedSession",
    "commitment_evidence",
    "list_commitments",
    "plan_progress",
    "record_baseline",
    "record_session",
    "set_commitment",
]


def __getattr__(name: str) -> object:
    """The public API, imported when first used."""
    if name in _PUBLIC:
        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
