"""SQL table the chat owns: each manager's conversation with the copilot about one rep."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from copilot.tables import Base


class ChatTurn(Base):
    """One turn of a chat: the manager's message or the copilot's guarded answer.

    Keyed by team and manager name as well as rep, so a manager sees only their own chats
    and a rep's chats never cross teams.
    """

    __tablename__ = "chat_turns"
    __table_args__ = (Index("ix_chat_turns_owner", "team", "manager", "rep_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team: Mapped[str] = mapped_column(String(100))
    manager: Mapped[str] = mapped_column(String(200))
    rep_id: Mapped[str] = mapped_column(ForeignKey("reps.rep_id"))
    role: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(20))
    evidence_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    draft_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
