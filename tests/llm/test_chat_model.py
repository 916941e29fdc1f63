"""The chat-model seam against a fake OpenAI-compatible server on loopback (no network)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from langchain_core.language_models.chat_models import BaseChatModel

from copilot.drafting.schemas import AnswerOut
from copilot.errors import ModelOutputError, ModelTimeoutError, ModelUnavailableError
from copilot.llm.chat_model import build_chat_model, extract_json, stream_text, structured_call
from copilot.prompts import RenderedPrompt
from copilot.settings import Settings
from tests.support.fake_openai import Script, fake_openai_server

pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"])]
PROMPT = RenderedPrompt("answer", "abc123", "You answer.", "Question?")
GOOD = json.dumps(
    {"answer": "Discovery is the gap [activity:E02:2026-10].", "evidence": ["activity:E02:2026-10"]}
)


@pytest.fixture
def script() -> Script:
    return Script()


@pytest.fixture
def endpoint(settings: Settings, script: Script) -> Iterator[BaseChatModel]:
    with fake_openai_server(script) as url:
        yield build_chat_model(
            settings.model_copy(
                update={
                    "llm_base_url": url,
                    "llm_model": "fake-gpt",
                    "llm_timeout": 1.0,
                    "llm_max_retries": 0,
                }
            )
        )


def _call(model: BaseChatModel, timeout: float = 5.0) -> AnswerOut:
    out, _ = structured_call(model, PROMPT, AnswerOut, max_tokens=200, timeout=timeout)
    return out


def test_structured_output_over_http(endpoint: BaseChatModel, script: Script) -> None:
    script.replies.append(GOOD)
    assert _call(endpoint).evidence == ["activity:E02:2026-10"]
    sent = script.requests[0]
    assert sent["model"] == "fake-gpt"
    assert sent.get("max_completion_tokens", sent.get("max_tokens")) == 200
    assert sent["response_format"]["type"] == "json_schema"
    assert sent["response_format"]["json_schema"]["schema"]["title"] == "AnswerOut"


def test_streaming_over_http(endpoint: BaseChatModel, script: Script) -> None:
    script.replies.append("Ask about the Northstar call first.")
    pieces = list(stream_text(endpoint, PROMPT, max_tokens=50, timeout=5))
    assert len(pieces) > 3
    assert "".join(pieces) == "Ask about the Northstar call first."
    assert script.requests[0]["stream"] is True


def test_rate_limit_is_a_typed_error_with_retry_after(
    endpoint: BaseChatModel, script: Script
) -> None:
    script.replies.append({"status": 429, "headers": {"Retry-After": "7"}})
    with pytest.raises(ModelUnavailableError) as caught:
        _call(endpoint)
    assert caught.value.retry_after == 7.0


def test_server_error_is_typed(endpoint: BaseChatModel, script: Script) -> None:
    script.replies.append({"status": 503})
    with pytest.raises(ModelUnavailableError, match="503"):
        _call(endpoint)


def test_hang_is_bounded_by_the_timeout(endpoint: BaseChatModel, script: Script) -> None:
    script.replies.append({"hang": 5})
    started = time.monotonic()
    with pytest.raises(ModelTimeoutError):
        _call(endpoint, timeout=0.5)
    assert time.monotonic() - started < 3.0


def test_truncated_reply_is_never_valid(endpoint: BaseChatModel, script: Script) -> None:
    script.replies.append({"content": GOOD[:40], "finish_reason": "length"})
    with pytest.raises(ModelOutputError) as caught:
        _call(endpoint)
    assert caught.value.reason == "length"


def test_refusal_is_never_valid(endpoint: BaseChatModel, script: Script) -> None:
    script.replies.append({"refusal": "I can't help with that."})
    with pytest.raises(ModelOutputError) as caught:
        _call(endpoint)
    assert caught.value.reason == "refusal"


def test_invalid_json_and_wrong_shape(endpoint: BaseChatModel, script: Script) -> None:
    script.replies += ['{"answer": "x"', json.dumps({"answer": "ok", "evidence": "call:1"})]
    for _ in range(2):
        with pytest.raises(ModelOutputError) as caught:
            _call(endpoint)
        assert caught.value.reason == "invalid"


def test_prose_around_json_is_tolerated() -> None:
    assert json.loads(
        extract_json("Sure! Here it is:\n```json\n" + GOOD + "\n```\nHope it helps")
    ) == json.loads(GOOD)


def test_past_deadline_makes_no_call(endpoint: BaseChatModel, script: Script) -> None:
    with pytest.raises(ModelTimeoutError):
        _call(endpoint, timeout=0)
    assert script.requests == []
