"""The OpenAI-compatible face of the chat: `POST /v1/chat/completions` (model `copilot:REP_ID`,
streaming or not) and `GET /v1/models`, so the official `openai` client and chat front-ends can
talk to the copilot. The answer is the same grounded, guarded one as `POST /v1/reps/{id}/chat`;
streamed, it is sent once guarded (`X-Copilot-Stream: guarded`) unless COPILOT_CHAT_STREAM=raw
(`unguarded`: the model's text as it comes, then a correction if the guard rejects it).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Request
from fastapi.sse import EventSourceResponse, format_sse_event
from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

from copilot.api.chat import StreamError, error_payload
from copilot.api.deps import ApiError, CurrentManager, ServicesDep, StateDep
from copilot.api.errors import correlation_id
from copilot.chat.answers import AnswerStream, ChatService, PreparedChat
from copilot.chat.schemas import ChatDone, Turn
from copilot.retrieval import tokens
from copilot.store.database import Store

router = APIRouter(prefix="/v1", tags=["openai-compatible"])
PREFIX = "copilot:"
# Said after a streamed answer that failed the guard: the text already sent cannot be taken back.
CORRECTION = "\n\n---\nThis answer failed the copilot's guard. Grounded answer from the record:\n\n"
# What FastAPI's SSE routing sets on a generator path operation, set here by hand (see below).
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
# Whether a stream's text was guarded before it was sent (COPILOT_CHAT_STREAM).
STREAM_HEADER = "X-Copilot-Stream"


class ContentPart(BaseModel):
    """One part of a message's content; only text parts are read."""

    model_config = ConfigDict(extra="ignore")

    type: str
    text: str | None = None


class MessageIn(BaseModel):
    """One message of the conversation, as chat front-ends send it."""

    model_config = ConfigDict(extra="ignore")

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(p.text or "" for p in self.content if p.type == "text")
        return self.content or ""


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="ignore")

    include_usage: bool = False


class CompletionIn(BaseModel):
    """A Chat Completions request. Sampling fields front-ends send are accepted and ignored
    (extra="ignore", unlike our own inputs): the copilot's model settings are fixed."""

    model_config = ConfigDict(extra="ignore")

    model: str = Field(min_length=1, max_length=200, description="`copilot:REP_ID`")
    messages: list[MessageIn] = Field(min_length=1, max_length=200)
    stream: bool = False
    stream_options: StreamOptions | None = None
    max_tokens: int | None = Field(default=None, ge=1)
    max_completion_tokens: int | None = Field(default=None, ge=1)
    n: int | None = Field(default=None, ge=1, le=1)


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class MessageOut(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class Choice(BaseModel):
    index: int = 0
    message: MessageOut
    finish_reason: Literal["stop", "length"] = "stop"


class ChatCompletion(BaseModel):
    """OpenAI's `chat.completion`, plus `copilot`: the guard's verdict and the evidence."""

    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: Usage
    copilot: ChatDone


class _Sparse(BaseModel):
    """A wire object that leaves out its unset (None) fields, as OpenAI's chunks do."""

    @model_serializer(mode="wrap")
    def _without_none(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return {k: v for k, v in handler(self).items() if v is not None}


class Delta(_Sparse):
    role: Literal["assistant"] | None = None
    content: str | None = None


class ChunkChoice(BaseModel):
    index: int = 0
    delta: Delta
    finish_reason: Literal["stop", "length"] | None = None


class ChatCompletionChunk(_Sparse):
    """OpenAI's `chat.completion.chunk`; the last carries `copilot`, the guard's verdict, and
    with `stream_options.include_usage` one more carries `usage` and no choices."""

    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str
    choices: list[ChunkChoice]
    usage: Usage | None = None
    copilot: ChatDone | None = None


class StreamFailure(BaseModel):
    """A failure mid-stream, as the official client reads it: `data: {"error": {...}}`."""

    error: StreamError


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int = 0
    owned_by: str = "copilot"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


def rep_of(model: str) -> str:
    """The rep id in `copilot:REP_ID`; any other model name is a clear 404."""
    rep_id = model[len(PREFIX) :] if model.startswith(PREFIX) else ""
    if not rep_id:
        raise ApiError(
            404,
            "model_not_found",
            "models are named 'copilot:REP_ID'; GET /v1/models lists this team's",
        )
    return rep_id


def split_messages(messages: list[MessageIn]) -> tuple[str, list[Turn]]:
    """The last message as the question (it must be the user's), earlier ones as history."""
    if messages[-1].role != "user":
        raise ApiError(422, "invalid_request", "the last message must be the user's question")
    prior = [
        Turn(role="user" if m.role == "user" else "assistant", text=m.text())
        for m in messages[:-1]
        if m.role in ("user", "assistant") and m.text().strip()
    ]
    return messages[-1].text(), prior


def _usage(chat: PreparedChat, text: str) -> Usage:
    prompt, completion = chat.prompt_tokens(), tokens.count(text)
    return Usage(
        prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion
    )


def _chunks(stream: AnswerStream, body: CompletionIn, request_id: str, raw: bool) -> Iterator[str]:
    """Each event's data: the answer as `chat.completion.chunk`s (the guarded answer, or with
    `raw` the model's text as it comes and then any correction), then `[DONE]`; a failure
    mid-stream is one `{"error": ...}` instead."""
    cid, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())

    def chunk(
        choice: ChunkChoice | None = None,
        usage: Usage | None = None,
        copilot: ChatDone | None = None,
    ) -> str:
        return ChatCompletionChunk(
            id=cid,
            created=created,
            model=body.model,
            choices=[] if choice is None else [choice],
            usage=usage,
            copilot=copilot,
        ).model_dump_json()

    yield chunk(ChunkChoice(delta=Delta(role="assistant", content="")))
    try:
        for piece in stream if raw else stream.guarded():
            yield chunk(ChunkChoice(delta=Delta(content=piece)))
        answer = stream.finish()
    except Exception as exc:  # the client raises on a `data: {"error": ...}` line
        yield StreamFailure(error=error_payload(exc, request_id)).model_dump_json()
        return
    sent = answer.streamed if raw else answer.done.answer
    if raw and answer.replacement is not None:
        sent += CORRECTION + answer.done.answer
        yield chunk(ChunkChoice(delta=Delta(content=CORRECTION + answer.done.answer)))
    yield chunk(ChunkChoice(delta=Delta(), finish_reason="stop"), copilot=answer.done)
    if body.stream_options and body.stream_options.include_usage:
        yield chunk(usage=_usage(answer.chat, sent))
    yield "[DONE]"


def _wire(data: Iterator[str]) -> Iterator[bytes]:
    """Each event in the SSE wire format by FastAPI's own encoder: `data: ...`, a blank line."""
    for item in data:
        yield format_sse_event(data_str=item)


@router.post(
    "/chat/completions",
    response_model=ChatCompletion,
    responses={200: {"content": {"text/event-stream": {"schema": {"type": "string"}}}}},
    summary="OpenAI-compatible chat: model `copilot:REP_ID`, streaming or not",
)
def completions(
    body: CompletionIn, manager: CurrentManager, state: StateDep, request: Request
) -> ChatCompletion | EventSourceResponse:
    """The grounded, guarded answer to the last user message; earlier messages are history."""
    rep_id = rep_of(body.model)
    question, prior = split_messages(body.messages)
    cap = body.max_completion_tokens or body.max_tokens
    service = ChatService(state.services, state.model())
    chat = service.prepare(manager.team, rep_id, question, prior, max_tokens=cap)
    if body.stream:
        # One path answers JSON or a stream by the body's `stream` flag, so it cannot be a
        # generator path operation (FastAPI picks SSE per route): the response is built here.
        raw = state.services.settings.chat_stream == "raw"
        chunks = _chunks(service.stream(chat), body, correlation_id(request), raw)
        flag = {STREAM_HEADER: "unguarded" if raw else "guarded"}
        return EventSourceResponse(_wire(chunks), headers=SSE_HEADERS | flag)
    answer = service.answer(chat)
    return ChatCompletion(
        id=f"chatcmpl-{uuid.uuid4().hex}",
        created=int(time.time()),
        model=body.model,
        choices=[Choice(message=MessageOut(content=answer.done.answer))],
        usage=_usage(chat, answer.done.answer),
        copilot=answer.done,
    )


@router.get("/models", summary="OpenAI-compatible model list: one `copilot:REP_ID` per rep")
def models(manager: CurrentManager, services: ServicesDep) -> ModelList:
    """A model per rep of the caller's team."""
    with services.store.sessions() as session:
        reps = Store.reps(session, manager.team)
        return ModelList(data=[ModelCard(id=PREFIX + r.rep_id) for r in reps])


@router.get("/models/{model_id}", summary="One `copilot:REP_ID` model")
def model(
    model_id: Annotated[str, Path(min_length=1, max_length=200)],
    manager: CurrentManager,
    services: ServicesDep,
) -> ModelCard:
    """The model for one rep of the caller's team; anything else is not found."""
    rep_id = rep_of(model_id)
    with services.store.sessions() as session:
        services.store.rep(session, rep_id, manager.team)
    return ModelCard(id=model_id)
