"""The chat's types that cross its boundary: a stored turn, and the guarded result of one answer
as the routes send it and the history stores it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from copilot.drafting.pipeline import Source
from copilot.guard import Finding
from copilot.store.timestamps import UtcDateTime

Role = Literal["user", "assistant"]


class Turn(BaseModel):
    """One stored turn of a chat."""

    role: Role
    text: str
    source: Source | None = None
    evidence_ids: list[str] = []
    draft_id: int | None = None
    created_at: UtcDateTime | None = None


class ChatDone(BaseModel):
    """The guarded result of one answer: what the manager should read, and why to trust it."""

    source: Source
    passed: bool
    findings: list[Finding]
    evidence_ids: list[str]
    draft_id: int
    answer: str
