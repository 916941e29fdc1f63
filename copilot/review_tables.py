"""SQL table for managers' reviews of stored drafts: who approved or edited one, and when,
plus the model's original output once a manager has edited it (kept as provenance)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from copilot.tables import Base


class DraftReview(Base):
    """One row per reviewed draft; a re-drafted artifact starts unreviewed again."""

    __tablename__ = "draft_reviews"

    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id"), primary_key=True)
    approved_by: Mapped[str | None] = mapped_column(String(200))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    edited_by: Mapped[str | None] = mapped_column(String(200))
    edited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    original_payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    original_guard: Mapped[dict[str, Any] | None] = mapped_column(JSON)
