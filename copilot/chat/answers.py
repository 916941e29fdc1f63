"""The one answer path behind `copilot ask`, the SSE chat route and the OpenAI-compatible route:
`prepare` (the grounded prompt from the rep's record, after the bounded prior turns), `stream`
(the model's text, piece by piece), then `finish` (guarded and stored as an answer draft; a
failing answer gives way to the composer's grounded one). Callers only adapt the pieces and the
typed `Answer` to their output.

`guarded()` holds the answer until the guard has read it and then streams the guarded text
(the model's, or the composer's in its place): an injected text never reaches the manager, at
the cost of the guard's time before the first token. Iterating the stream itself gives the
model's raw, unguarded text as it comes. A model past the draft deadline is cut off and the
composer answers.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage

from copilot.chat.history import history_messages
from copilot.chat.schemas import ChatDone, Turn
from copilot.components import Services
from copilot.drafting.pipeline import Drafter, DraftRequest, DraftResult, PreparedDraft
from copilot.drafting.schemas import AnswerDraft
from copilot.errors import ContextBudgetError, ModelTimeoutError
from copilot.llm.chat_model import stream_text
from copilot.retrieval import tokens

MAX_MESSAGE_CHARS = 4000
_PIECES = re.compile(r"\S+\s*|\s+")  # word-sized pieces, as a model streams them


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


@dataclass(frozen=True)
class Answer:
    """A finished answer: the text the model streamed, and the guarded, stored result."""

    chat: PreparedChat
    streamed: str
    result: DraftResult
    done: ChatDone

    @property
    def replacement(self) -> AnswerDraft | None:
        """The composer's grounded answer when the streamed one failed the guard, else None."""
        draft = self.result.draft
        if self.result.source == "composer" and isinstance(draft, AnswerDraft):
            return draft
        return None


class AnswerStream(Iterator[str]):
    """One answer in flight: iterate it for the model's text, piece by piece, then `finish()`.

    Nothing is sent to the model until the first piece is asked for, so a caller can prepare
    (and refuse) before it commits to a stream.
    """

    def __init__(
        self, drafter: Drafter, chat: PreparedChat, pieces: Iterator[str], deadline: float
    ) -> None:
        self.chat = chat
        self._drafter = drafter
        self._pieces = pieces
        self._deadline = deadline
        self._text: list[str] = []
        self._started: float | None = None
        self._timed_out = False
        self._answer: Answer | None = None

    def __next__(self) -> str:
        """The model's next piece, unguarded; the stream ends early past the draft deadline."""
        if self._started is None:
            self._started = time.monotonic()
        if self._timed_out:
            raise StopIteration
        try:
            piece = next(self._pieces)
        except ModelTimeoutError:
            piece = None
        if piece is None or time.monotonic() - self._started > self._deadline:
            self._timed_out = True  # what came so far is cut off: the composer answers
            close = getattr(self._pieces, "close", None)
            if close is not None:
                close()  # the model stops generating for no one
            raise StopIteration
        self._text.append(piece)
        return piece

    def guarded(self) -> Iterator[str]:
        """The guarded answer in word-sized pieces, once the whole answer has been guarded."""
        yield from _PIECES.findall(self.finish().done.answer)

    def finish(self) -> Answer:
        """Guard and store what was streamed (reading the rest first, if a caller stopped early);
        a failing answer gives way to the composer's. Finishing twice returns the same answer."""
        if self._answer is not None:
            return self._answer
        for _ in self:
            pass
        seconds = 0.0 if self._started is None else time.monotonic() - self._started
        text = "" if self._timed_out else "".join(self._text)  # nothing: the composer's
        chat = self.chat
        result = self._drafter.finish_answer(chat.request, chat.prepared, text, seconds)
        draft = result.draft
        done = ChatDone(
            source=result.source,
            passed=result.guard.passed,
            findings=result.guard.findings,
            evidence_ids=result.evidence_ids,
            draft_id=result.draft_id,
            answer=draft.answer if isinstance(draft, AnswerDraft) else "",
        )
        self._answer = Answer(chat=chat, streamed=text, result=result, done=done)
        return self._answer


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


class ChatService:
    """Answers a manager's questions about one rep: prepare, stream, finish."""

    def __init__(self, services: Services, model: BaseChatModel) -> None:
        self.services = services
        self.drafter = Drafter(services, model)

    def prepare(
        self,
        team: str | None,
        rep_id: str,
        message: str,
        prior: Sequence[Turn] = (),
        max_tokens: int | None = None,
    ) -> PreparedChat:
        """Check the message and build the grounded prompt; with a team, another team's rep is
        not found (None, from the terminal, reads every team)."""
        req = DraftRequest("answer", rep_id, team=team, question=check_message(message))
        cap = self.services.settings.llm_max_tokens
        return PreparedChat(
            request=req,
            prepared=self.drafter.prepare(req),
            history=history_messages(prior),
            max_tokens=min(max_tokens or cap, cap),
        )

    def stream(self, chat: PreparedChat) -> AnswerStream:
        """The model's answer, piece by piece, capped at the output token limit; `finish()` it."""
        pieces = stream_text(
            self.drafter.model,
            chat.prepared.prompt,
            max_tokens=chat.max_tokens,
            timeout=self.services.settings.draft_deadline,
            history=chat.history,
        )
        return AnswerStream(self.drafter, chat, pieces, self.services.settings.draft_deadline)

    def answer(self, chat: PreparedChat) -> Answer:
        """The whole answer without streaming."""
        return self.stream(chat).finish()
