"""Batch API requests and replies as the live pipeline's model calls.

`ReplayModel` stands in for the chat model inside the live `Drafter`: it answers each call
with the reply a remote batch returned for it; when it has none yet it raises
`ReplyPendingError` with the exact messages and structured-output format the live path would
have sent. So the request lines, the validation, the guard, the repair message and the composer
fallback are the live path's own code; this module only moves them through JSONL.
"""

from __future__ import annotations

import json
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from copilot.batch.batch_api import ENDPOINT
from copilot.errors import CopilotError, ModelUnavailableError

_ROLES: dict[type[BaseMessage], str] = {
    SystemMessage: "system",
    HumanMessage: "user",
    AIMessage: "assistant",
}


# A BaseException, like GeneratorExit: a signal, not a failure, that no `except Exception` in
# the pipeline or the batch engine may turn into a failed rep.
class ReplyPendingError(BaseException):
    """The pipeline asked for a reply the remote batch has not given yet."""

    def __init__(self, messages: list[BaseMessage], kwargs: dict[str, Any]) -> None:
        super().__init__("the reply comes from a later Batch API round")
        self.messages = messages
        self.kwargs = kwargs


def request_line(custom_id: str, model: str, deferred: ReplyPendingError) -> str:
    """One JSONL line of the batch: the chat completion the live path would have requested."""
    messages = [{"role": _ROLES[type(m)], "content": str(m.content)} for m in deferred.messages]
    body: dict[str, Any] = {
        "model": model,
        "messages": messages,
        "response_format": deferred.kwargs["response_format"],
        # the live ChatOpenAI sends max_tokens under its current name
        "max_completion_tokens": deferred.kwargs["max_tokens"],
    }
    line = {"custom_id": custom_id, "method": "POST", "url": ENDPOINT, "body": body}
    return json.dumps(line, ensure_ascii=False)


class _Message(BaseModel):
    content: str | None = None
    refusal: str | None = None


class _Choice(BaseModel):
    message: _Message
    finish_reason: str | None = None


class _Usage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0


class ReplyBody(BaseModel):
    """The chat completion in an output line's `response.body` (the fields read)."""

    model: str = ""
    choices: list[_Choice] = Field(min_length=1)
    usage: _Usage | None = None


class _Response(BaseModel):
    status_code: int
    body: dict[str, Any]


class _LineError(BaseModel):
    code: str | None = None
    message: str = ""


class OutputLine(BaseModel):
    """One line of a batch's output or error file."""

    model_config = ConfigDict(extra="ignore")

    custom_id: str
    response: _Response | None = None
    error: _LineError | None = None


class LineResult(BaseModel):
    """What the remote batch returned for one request: a reply body, or why there is none."""

    body: dict[str, Any] | None = None
    error: str | None = None


def _where(file_id: str, n: int, exc: ValidationError) -> str:
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first["loc"]) or "(line)"
    return f"{file_id} line {n} field '{field}': {first['msg']}"


def parse_output(file_id: str, text: str) -> tuple[dict[str, LineResult], list[str]]:
    """Results by custom_id; lines that name no custom_id are returned as problems, not raised."""
    results: dict[str, LineResult] = {}
    problems: list[str] = []
    for n, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
            line = OutputLine.model_validate(data)
        except json.JSONDecodeError as exc:
            problems.append(f"{file_id} line {n}: not JSON ({exc.msg})")
            continue
        except ValidationError as exc:
            cid = data.get("custom_id") if isinstance(data, dict) else None
            if isinstance(cid, str):
                results[cid] = LineResult(error=_where(file_id, n, exc))
            else:
                problems.append(_where(file_id, n, exc))
            continue
        results[line.custom_id] = _result(file_id, n, line)
    return results, problems


def _result(file_id: str, n: int, line: OutputLine) -> LineResult:
    if line.error is not None:
        return LineResult(error=f"the Batch API failed this request: {line.error.message}")
    if line.response is None:
        return LineResult(error=f"{file_id} line {n} field 'response': missing")
    if line.response.status_code != 200:
        return LineResult(
            error=f"the Batch API answered {line.response.status_code} to this request"
        )
    try:
        ReplyBody.model_validate(line.response.body)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(["response", "body", *(str(p) for p in first["loc"])])
        return LineResult(error=f"{file_id} line {n} field '{field}': {first['msg']}")
    return LineResult(body=line.response.body)


class ReplyFormatError(CopilotError):
    """An output line's reply is not a chat completion."""


def reply_message(body: dict[str, Any]) -> AIMessage:
    """A reply body as the message ChatOpenAI would have returned for it."""
    try:
        reply = ReplyBody.model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise ReplyFormatError(f"reply body field '{field}': {first['msg']}") from exc
    choice, usage = reply.choices[0], reply.usage or _Usage()
    return AIMessage(
        content=choice.message.content or "",
        response_metadata={"finish_reason": choice.finish_reason, "model_name": reply.model},
        additional_kwargs={"refusal": choice.message.refusal} if choice.message.refusal else {},
        usage_metadata={
            "input_tokens": usage.prompt_tokens,
            "output_tokens": usage.completion_tokens,
            "total_tokens": usage.prompt_tokens + usage.completion_tokens,
        },
    )


class ReplayModel(BaseChatModel):
    """Answers the pipeline's calls, in order, with one rep's collected replies; past them,
    raises `ReplyPendingError`. An error string stands for a request the batch failed."""

    replies: list[LineResult] = Field(default_factory=list)
    calls: int = 0
    model_name: str = "batch-api"

    @property
    def _llm_type(self) -> str:
        return "batch-api-replay"

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        n, self.calls = self.calls, self.calls + 1
        if n >= len(self.replies):
            raise ReplyPendingError(list(messages), kwargs)
        result = self.replies[n]
        if result.body is None:
            # as the live path treats an endpoint's refusal of the request: this rep fails
            raise ModelUnavailableError(result.error or "the Batch API returned no reply")
        return ChatResult(generations=[ChatGeneration(message=reply_message(result.body))])
