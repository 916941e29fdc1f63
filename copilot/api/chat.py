"""Chat routes: `POST /v1/reps/{rep_id}/chat` streams a grounded answer as Server-Sent Events
(`token` events, then one `done` with the guarded result, or one `error`); `GET` and `DELETE`
read and clear the calling manager's history with that rep.

The `token` events carry the guarded answer, sent once the guard has read it. With
`COPILOT_CHAT_STREAM=raw` the model's text streams as it comes instead, in `unguarded` events,
and `done` says whether it stood (docs/http-api.md says why guarded is the default).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response
from fastapi.sse import EventSourceResponse, ServerSentEvent
from pydantic import BaseModel, ConfigDict, Field

from copilot.api.deps import CurrentManager, StateDep
from copilot.api.errors import _copilot_status, correlation_id
from copilot.chat import history as chats
from copilot.chat.answers import MAX_MESSAGE_CHARS, Answer, AnswerStream, ChatService
from copilot.chat.schemas import Turn
from copilot.errors import CopilotError

log = logging.getLogger("copilot.api")
router = APIRouter(prefix="/v1/reps", tags=["chat"])
RepId = Annotated[str, Path(min_length=1, max_length=64, description="The rep's id.")]
_SSE_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Server-Sent Events: `token` (a piece of the guarded answer; with "
        "COPILOT_CHAT_STREAM=raw, `unguarded`: a piece of the model's text before the guard), "
        "then `done` (JSON: source, passed, findings, evidence_ids, draft_id, answer) or "
        "`error` (JSON: code, message, correlation_id).",
    }
}


class ChatIn(BaseModel):
    """A manager's message about the rep."""

    model_config = ConfigDict(extra="forbid")

    message: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS)


class History(BaseModel):
    """The calling manager's chat with one rep, oldest turn first."""

    rep_id: str
    turns: list[Turn]


class StreamError(BaseModel):
    """What a failure mid-stream tells the caller: a code and the correlation id, no details."""

    code: str
    message: str
    correlation_id: str


def error_payload(exc: Exception, cid: str) -> StreamError:
    """The failure as the caller may see it; anything unexpected is logged, not described."""
    if isinstance(exc, CopilotError):
        status, code, _ = _copilot_status(exc)
        message = "not found" if status == 404 else str(exc)
    else:
        log.error("unhandled %s in chat stream [%s]", type(exc).__name__, cid)
        code, message = "internal", "internal error; quote the correlation id"
    return StreamError(code=code, message=message, correlation_id=cid)


def start_answer(
    rep_id: RepId, body: ChatIn, manager: CurrentManager, state: StateDep
) -> AnswerStream:
    """Prepare the answer before the stream opens, so that a refusal is a status (404, 422)."""
    prior = chats.history(state.services.store, manager.team, manager.name, rep_id)
    service = ChatService(state.services, state.model())
    return service.stream(service.prepare(manager.team, rep_id, body.message, prior))


@router.post(
    "/{rep_id}/chat",
    response_class=EventSourceResponse,
    responses=_SSE_DOC,
    summary="Ask about a rep; the answer streams as Server-Sent Events",
)
def chat(
    stream: Annotated[AnswerStream, Depends(start_answer)],
    manager: CurrentManager,
    state: StateDep,
    request: Request,
) -> Iterator[ServerSentEvent]:
    """Stream a grounded, cited answer; the `done` event carries the guard's verdict."""
    cid = correlation_id(request)
    raw = state.services.settings.chat_stream == "raw"
    answer: Answer
    try:
        for piece in stream if raw else stream.guarded():
            yield ServerSentEvent(event="unguarded" if raw else "token", raw_data=piece)
        answer = stream.finish()
        chats.record(
            state.services.store,
            manager.team,
            manager.name,
            rep_id=answer.chat.request.rep_id,
            question=answer.chat.message,
            done=answer.done,
        )
    except Exception as exc:  # the status line is gone: the failure travels as an event
        yield ServerSentEvent(event="error", data=error_payload(exc, cid))
        return
    yield ServerSentEvent(event="done", data=answer.done)


@router.get("/{rep_id}/chat", summary="This manager's chat history with a rep")
def history(rep_id: RepId, manager: CurrentManager, state: StateDep) -> History:
    """Every turn of the calling manager's chat with the rep, oldest first."""
    turns = chats.history(state.services.store, manager.team, manager.name, rep_id)
    return History(rep_id=rep_id, turns=turns)


@router.delete("/{rep_id}/chat", status_code=204, summary="Clear this manager's chat with a rep")
def clear(rep_id: RepId, manager: CurrentManager, state: StateDep) -> Response:
    """Delete the calling manager's history with the rep (other managers' stay)."""
    chats.clear(state.services.store, manager.team, manager.name, rep_id)
    return Response(status_code=204)
