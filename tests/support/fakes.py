"""Test doubles injected through constructors: embedder, vector stores and a scripted chat model."""

from __future__ import annotations

import hashlib
import json
import math
import re
import time
from collections.abc import Iterator, Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.embeddings import Embeddings
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import BaseModel, Field

from copilot.retrieval.schemas import Chunk
from copilot.retrieval.vectors import Hit


class FakeEmbeddings(Embeddings):
    """Hashes words into 64 dimensions: deterministic, instant, and similar texts stay close."""

    model_id = "fake-bow-64"

    def __init__(self) -> None:
        self.calls: list[int] = []

    def _vector(self, text: str) -> list[float]:
        v = [0.0] * 64
        for word in re.findall(r"[a-z0-9]+", text.lower()):
            v[int(hashlib.md5(word.encode()).hexdigest(), 16) % 64] += 1.0
        norm = math.sqrt(sum(x * x for x in v)) or 1.0
        return [x / norm for x in v]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls.append(len(texts))
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


class LeakyVectors:
    """A store that also returns another team's records, as a mis-scoped Chroma query would."""

    def __init__(self, hits: list[Hit]) -> None:
        self.hits = hits

    def query(
        self, collection: str, vector: Sequence[float], k: int, where: dict[str, Any] | None
    ) -> list[Hit]:
        return self.hits[:k]


class FailingVectors:
    """Wraps a real store and fails on write, to prove imports roll back."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def hashes(self, collection: str, where: dict[str, Any] | None) -> dict[str, str]:
        return dict(self.inner.hashes(collection, where))

    def upsert(self, collection: str, chunks: Sequence[Chunk], vectors: Sequence[Any]) -> None:
        from copilot.errors import VectorStoreError

        raise VectorStoreError("disk full")

    def delete(self, collection: str, ids: Sequence[str]) -> None:
        self.inner.delete(collection, ids)


class FakeChatModel(BaseChatModel):
    """A scripted chat model: replies come from a queue; every call's messages are logged.

    A reply is the text to return, or a dict with `content`, `finish_reason`, `refusal` and
    `sleep` (seconds to wait first, to stand for a slow model). Streamed, the content comes in
    word-sized pieces; a dict's `error` is raised after `fail_after` pieces (a mid-stream fault).
    """

    replies: list[Any] = Field(default_factory=list)
    sent: list[list[BaseMessage]] = Field(default_factory=list)
    kwargs_log: list[dict[str, Any]] = Field(default_factory=list)
    model_name: str = "fake-chat"

    @property
    def _llm_type(self) -> str:
        return "fake-chat"

    def enqueue(self, *replies: Any) -> None:
        self.replies.extend(replies)

    def _next(self, messages: list[BaseMessage], kwargs: dict[str, Any]) -> dict[str, Any]:
        self.sent.append(list(messages))
        self.kwargs_log.append(kwargs)
        if not self.replies:
            raise AssertionError("FakeChatModel has no reply queued")
        reply = self.replies.pop(0)
        if isinstance(reply, BaseException):
            raise reply
        if isinstance(reply, BaseModel):
            reply = reply.model_dump_json()
        spec = reply if isinstance(reply, dict) and "content" in reply else {"content": reply}
        if spec.get("sleep"):
            time.sleep(float(spec["sleep"]))
        content = (
            spec["content"] if isinstance(spec["content"], str) else json.dumps(spec["content"])
        )
        return {**spec, "content": content}

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        spec = self._next(messages, kwargs)
        message = AIMessage(
            content=spec["content"],
            response_metadata={"finish_reason": spec.get("finish_reason", "stop")},
            additional_kwargs={"refusal": spec["refusal"]} if spec.get("refusal") else {},
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        spec = self._next(messages, kwargs)
        pieces = re.findall(r"\S+\s*|\s+", spec["content"])
        for n, piece in enumerate(pieces):
            if spec.get("error") is not None and n == int(spec.get("fail_after", 0)):
                raise spec["error"]
            last = n == len(pieces) - 1
            meta = {"finish_reason": spec.get("finish_reason", "stop")} if last else {}
            yield ChatGenerationChunk(message=AIMessageChunk(content=piece, response_metadata=meta))
        if spec.get("error") is not None and int(spec.get("fail_after", 0)) >= len(pieces):
            raise spec["error"]
