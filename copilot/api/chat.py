"""Chat routes: `POST /v1/reps/{rep_id}/chat` streams a grounded answer as Server-Sent Events
(`token` events, then one `done` with the guarded result, or one `error`); `GET` and `DELETE`
read and clear the calling manager's history with that rep.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from copilot.api.deps import CurrentManager, StateDep
from copilot.api.errors import _copilot_status, correlation_id
from copilot.api.tokens import Manager
from copilot.chat import answers as chats
from copilot.chat.answers import MAX_MESSAGE_CHARS, ChatDone, ChatService, PreparedChat, Turn
from copilot.errors import CopilotError

log = logging.getLogger("copilot.api")
router = APIRouter(prefix="/v1/reps", tags=["chat"])
RepId = Annotated[str, Path(min_length=1, max_length=64, description="The rep's id.")]
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
_SSE_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Server-Sent Events: `token` (a piece of the answer), then `done` "
        "(JSON: source, passed, findings, evidence_ids, draft_id, answer) or `error` "
        "(JSON: code, message, correlation_id).",
        "content": {"text/event-stream": {"schema": {"type": "string"}}},
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


def sse(event: str, data: str) -> str:
    """One Server-Sent Event; each line of `data` gets its own `data:` field, as the spec says."""
    lines = data.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return f"event: {event}\n" + "".join(f"data: {line}\n" for line in lines) + "\n"


def error_payload(exc: Exception, cid: str) -> dict[str, str]:
    """What a failure mid-stream tells the caller: a code and the correlation id, no details."""
    if isinstance(exc, CopilotError):
        status, code, _ = _copilot_status(exc)
        message = "not found" if status == 404 else str(exc)
    else:
        log.error("unhandled %s in chat stream [%s]", type(exc).__name__, cid)
        code, message = "internal", "internal error; quote the correlation id"
    return {"code": code, "message": message, "correlation_id": cid}


def _events(service: ChatService, chat: PreparedChat, manager: Manager, cid: str) -> Iterator[str]:
    started, pieces = time.monotonic(), []
    done: ChatDone
    try:
        for piece in service.stream(chat):
            pieces.append(piece)
            yield sse("token", piece)
        done = service.finish(chat, "".join(pieces), time.monotonic() - started)
        chats.record(service.services.store, manager.team, manager.name, chat, done)
    except Exception as exc:  # the status line is gone: the failure travels as an event
        yield sse("error", json.dumps(error_payload(exc, cid)))
        return
    yield sse("done", done.model_dump_json())


@router.post(
    "/{rep_id}/chat",
    response_class=StreamingResponse,
    responses=_SSE_DOC,
    summary="Ask about a rep; the answer streams as Server-Sent Events",
)
def chat(
    rep_id: RepId, body: ChatIn, manager: CurrentManager, state: StateDep, request: Request
) -> StreamingResponse:
    """Stream a grounded, cited answer; the `done` event carries the guard's verdict."""
    prior = chats.history(state.services.store, manager.team, manager.name, rep_id)
    service = ChatService(state.services, state.model())
    prepared = service.prepare(manager.team, rep_id, body.message, prior)
    return StreamingResponse(
        _events(service, prepared, manager, correlation_id(request)),
        media_type="text/event-stream",
        headers=SSE_HEADERS,
    )


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
