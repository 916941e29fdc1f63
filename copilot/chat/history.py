"""Each manager's chat with each rep: the stored turns, and the bounded part of them that goes
back into the prompt."""

from __future__ import annotations

from collections.abc import Sequence

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from sqlalchemy import delete, select

from copilot.chat.schemas import ChatDone, Turn
from copilot.retrieval import tokens
from copilot.store.database import Store
from copilot.store.tables import ChatTurn

# Prior turns kept in the prompt: the newest first, until either bound is reached, so a long
# chat never crowds the record out of a small local model's context.
HISTORY_TURNS = 6
HISTORY_TOKENS = 1200


def history_messages(turns: Sequence[Turn]) -> list[BaseMessage]:
    """The newest prior turns that fit HISTORY_TURNS and HISTORY_TOKENS, oldest first."""
    kept: list[BaseMessage] = []
    budget = HISTORY_TOKENS
    for turn in reversed(turns[-HISTORY_TURNS:]):
        cost = tokens.count(turn.text)
        if cost > budget:
            break
        budget -= cost
        kept.append(HumanMessage(turn.text) if turn.role == "user" else AIMessage(turn.text))
    return kept[::-1]


def history(store: Store, team: str, manager: str, rep_id: str) -> list[Turn]:
    """This manager's turns with this rep, oldest first; another team's rep is not found."""
    with store.sessions() as session:
        store.rep(session, rep_id, team)
        rows = session.scalars(
            select(ChatTurn)
            .where(ChatTurn.team == team, ChatTurn.manager == manager)
            .where(ChatTurn.rep_id == rep_id)
            .order_by(ChatTurn.id)
        ).all()
        return [Turn.model_validate(r, from_attributes=True) for r in rows]


def record(
    store: Store, team: str, manager: str, *, rep_id: str, question: str, done: ChatDone
) -> None:
    """Store the question and its guarded answer as two turns."""
    owner = {"team": team, "manager": manager, "rep_id": rep_id}
    with store.sessions.begin() as session:
        session.add(ChatTurn(**owner, role="user", text=question, evidence_ids=[]))
        session.add(
            ChatTurn(
                **owner,
                role="assistant",
                text=done.answer,
                source=done.source,
                evidence_ids=done.evidence_ids,
                draft_id=done.draft_id,
            )
        )


def clear(store: Store, team: str, manager: str, rep_id: str) -> int:
    """Delete this manager's history with this rep; returns the turns deleted."""
    with store.sessions.begin() as session:
        store.rep(session, rep_id, team)
        result = session.execute(
            delete(ChatTurn)
            .where(ChatTurn.team == team, ChatTurn.manager == manager)
            .where(ChatTurn.rep_id == rep_id)
        )
        return int(getattr(result, "rowcount", 0) or 0)
