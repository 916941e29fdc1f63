"""The chat service behind both chat routes: a grounded answer prepared from the rep's record,
streamed from the model after the bounded prior turns, guarded (a failing answer is replaced by
the composer's), stored as an answer draft, and each manager's history with each rep.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from pydantic import BaseModel
from sqlalchemy import delete, select

from copilot.components import Services
from copilot.drafting.pipeline import Drafter, DraftRequest, PreparedDraft, Source
from copilot.drafting.schemas import AnswerDraft
from copilot.errors import ContextBudgetError
from copilot.guard import Finding
from copilot.llm.chat_model import stream_text
from copilot.retrieval import tokens
from copilot.store.database import Store
from copilot.store.tables import ChatTurn

MAX_MESSAGE_CHARS = 4000
# Prior turns kept in the prompt: the newest first, until either bound is reached, so a long
# chat never crowds the record out of a small local model's context.
HISTORY_TURNS = 6
HISTORY_TOKENS = 1200
Role = Literal["user", "assistant"]


class Turn(BaseModel):
    """One stored turn of a chat."""

    role: Role
    text: str
    source: Source | None = None
    evidence_ids: list[str] = []
    draft_id: int | None = None
    created_at: datetime | None = None


class ChatDone(BaseModel):
    """The guarded result of one answer: what the manager should read, and why to trust it."""

    source: Source
    passed: bool
    findings: list[Finding]
    evidence_ids: list[str]
    draft_id: int
    answer: str


@dataclass(frozen=True)
class PreparedChat:
    """One question ready to stream: the draft request, its prompt, and the prior turns."""

    request: DraftRequest
    prepared: PreparedDraft
    history: list[BaseMessage]
    max_tokens: int

    @property
    def message(self) -> str:
        return self.request.question or ""

    def prompt_tokens(self) -> int:
        """Tokens of everything sent to the model (cl100k count)."""
        rendered = self.prepared.prompt
        texts = [rendered.system, rendered.user, *(str(m.content) for m in self.history)]
        return sum(tokens.count(t) for t in texts)


def check_message(message: str) -> str:
    """The message, stripped; empty or over MAX_MESSAGE_CHARS raises naming the limit."""
    text = message.strip()
    if not text:
        raise ContextBudgetError("the message is empty: ask a question about the rep")
    if len(text) > MAX_MESSAGE_CHARS:
        raise ContextBudgetError(
            f"the message is {len(text):,} characters; the limit is {MAX_MESSAGE_CHARS:,}"
        )
    return text


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


class ChatService:
    """Answers one manager's questions about one rep, and keeps their history."""

    def __init__(self, services: Services, model: BaseChatModel) -> None:
        self.services = services
        self.drafter = Drafter(services, model)

    def prepare(
        self,
        team: str,
        rep_id: str,
        message: str,
        prior: Sequence[Turn] = (),
        max_tokens: int | None = None,
    ) -> PreparedChat:
        """Check the message and build the grounded prompt; another team's rep is not found."""
        req = DraftRequest("answer", rep_id, team=team, question=check_message(message))
        cap = self.services.settings.llm_max_tokens
        return PreparedChat(
            request=req,
            prepared=self.drafter.prepare(req),
            history=history_messages(prior),
            max_tokens=min(max_tokens or cap, cap),
        )

    def stream(self, chat: PreparedChat) -> Iterator[str]:
        """The model's answer, piece by piece, capped at the output token limit."""
        return stream_text(
            self.drafter.model,
            chat.prepared.prompt,
            max_tokens=chat.max_tokens,
            timeout=self.services.settings.draft_deadline,
            history=chat.history,
        )

    def finish(self, chat: PreparedChat, text: str, seconds: float) -> ChatDone:
        """Guard and store the streamed answer; a failing one gives way to the composer's."""
        result = self.drafter.finish_answer(chat.request, chat.prepared, text, seconds)
        draft = result.draft
        return ChatDone(
            source=result.source,
            passed=result.guard.passed,
            findings=result.guard.findings,
            evidence_ids=result.evidence_ids,
            draft_id=result.draft_id,
            answer=draft.answer if isinstance(draft, AnswerDraft) else "",
        )

    def answer(self, chat: PreparedChat) -> tuple[ChatDone, str]:
        """The whole answer without streaming: the guarded result and the model's raw text."""
        started = time.monotonic()
        text = "".join(self.stream(chat))
        return self.finish(chat, text, time.monotonic() - started), text


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


def record(store: Store, team: str, manager: str, chat: PreparedChat, done: ChatDone) -> None:
    """Store the question and its guarded answer as two turns."""
    owner = {"team": team, "manager": manager, "rep_id": chat.request.rep_id}
    with store.sessions.begin() as session:
        session.add(ChatTurn(**owner, role="user", text=chat.message, evidence_ids=[]))
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
