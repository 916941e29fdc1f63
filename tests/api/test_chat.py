"""SSE chat through the app: the guarded answer's token events then `done` (or, opted into,
the model's raw text in `unguarded` events), history per manager and rep, another team's rep
answered 404 with none of its data, limits, mid-stream errors, a model past the deadline ending
in the composer's answer, and the OpenAI-compatible stream held or flagged alike."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from langchain_core.messages import AIMessage, HumanMessage

from copilot.api.openai_compat import CORRECTION
from copilot.chat import HISTORY_TURNS, MAX_MESSAGE_CHARS, Turn, history_messages
from copilot.components import Services
from copilot.drafting.pipeline import Drafter, DraftRequest
from copilot.errors import ModelTimeoutError, ModelUnavailableError
from copilot.records.ingest import ingest
from tests.support.api_support import app_for, bearer
from tests.support.fakes import FakeChatModel
from tests.support.teamdata import TeamFiles

GENERIC = "Work smarter, not harder, and be more confident with every prospect."
FOREIGN = ("Brianna", "Voss", "Globex", "BETA-SECRET-7731", "CB1", "B1")


@dataclass
class Chat:
    client: TestClient
    model: FakeChatModel
    services: Services
    alpha: dict[str, str]

    def grounded(self, rep_id: str = "A1") -> str:
        """A grounded, cited answer: what the composer would write, sent as the model's."""
        job = (
            Drafter(self.services, self.model)
            .prepare(DraftRequest("answer", rep_id, team="alpha", question="q"))
            .spec
        )
        return str(job.compose().model_dump()["answer"])


@pytest.fixture
def chat(services: Services, two_teams: TeamFiles, tmp_path: Path) -> Iterator[Chat]:
    ingest(services.store, services.indexer, two_teams.write(tmp_path))
    model = FakeChatModel()
    with TestClient(app_for(services, model)) as client:
        yield Chat(client, model, services, bearer(services, "alpha", "Ana"))


def events(body: str) -> list[tuple[str, str]]:
    """Parse a Server-Sent Events body into (event, data) pairs, as a browser would."""
    out: list[tuple[str, str]] = []
    for block in body.split("\n\n"):
        name, data = "message", []
        for line in block.split("\n"):
            field, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if field == "event":
                name = value
            elif field == "data":
                data.append(value)
        if data:
            out.append((name, "\n".join(data)))
    return out


def ask(chat: Chat, message: str, rep: str = "A1", headers: dict[str, str] | None = None) -> str:
    with chat.client.stream(
        "POST", f"/v1/reps/{rep}/chat", json={"message": message}, headers=headers or chat.alpha
    ) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        return r.read().decode()


def test_answer_streams_then_done_carries_the_guard(chat: Chat) -> None:
    answer = chat.grounded()
    chat.model.enqueue(answer)
    got = events(ask(chat, "What should I focus on with Ana's rep?"))
    tokens = [d for e, d in got if e == "token"]
    assert len(tokens) > 3 and "".join(tokens) == answer
    assert [e for e, _ in got][-1] == "done"
    done = json.loads(got[-1][1])
    assert done["source"] == "model" and done["passed"] is True
    assert done["answer"] == answer and done["findings"] == []
    assert done["draft_id"] > 0 and done["evidence_ids"]
    assert chat.model.kwargs_log[0]["max_tokens"] == chat.services.settings.llm_max_tokens


def test_failing_answer_is_replaced_by_the_composer_before_a_token_is_sent(chat: Chat) -> None:
    chat.model.enqueue(GENERIC)
    body = ask(chat, "How do I motivate them?")
    got = events(body)
    assert "".join(d for e, d in got if e == "token") == chat.grounded()
    assert "smarter" not in body  # the rejected text never reaches the manager
    done = json.loads(got[-1][1])
    assert got[-1][0] == "done"
    assert done["source"] == "composer" and done["passed"] is True
    assert done["answer"] == chat.grounded() and "[" in done["answer"]


def test_failing_answer_is_stored_as_the_grounded_one(chat: Chat) -> None:
    chat.model.enqueue(GENERIC)
    with chat.client.stream(
        "POST", "/v1/reps/A1/chat", json={"message": "Tips?"}, headers=chat.alpha
    ) as r:
        assert r.headers["cache-control"] == "no-cache"
        assert r.headers["x-accel-buffering"] == "no"
        got = events(r.read().decode())
    assert [e for e, _ in got].count("done") == 1 and got[-1][0] == "done"
    done = json.loads(got[-1][1])
    turns = chat.client.get("/v1/reps/A1/chat", headers=chat.alpha).json()["turns"]
    assert [t["text"] for t in turns] == ["Tips?", done["answer"]]
    assert done["answer"] == chat.grounded() and turns[1]["source"] == "composer"
    assert turns[1]["draft_id"] == done["draft_id"]


@pytest.fixture
def raw_chat(services: Services, two_teams: TeamFiles, tmp_path: Path) -> Iterator[Chat]:
    """The chat with COPILOT_CHAT_STREAM=raw: the model's text as it comes, flagged."""
    raw = Services(services.settings.model_copy(update={"chat_stream": "raw"}), services.embedder)
    ingest(raw.store, raw.indexer, two_teams.write(tmp_path))
    model = FakeChatModel()
    with TestClient(app_for(raw, model)) as client:
        yield Chat(client, model, raw, bearer(raw, "alpha", "Ana"))


def test_multiline_tokens_survive_the_event_format(raw_chat: Chat) -> None:
    raw_chat.model.enqueue("line one\n\nline two\r\n")
    got = events(ask(raw_chat, "q"))
    assert "".join(d for e, d in got if e == "unguarded") == "line one\n\nline two\n"


def test_a_raw_stream_is_flagged_unguarded_and_done_says_what_stood(raw_chat: Chat) -> None:
    raw_chat.model.enqueue(GENERIC)
    got = events(ask(raw_chat, "How do I motivate them?"))
    assert {e for e, _ in got} == {"unguarded", "done"}  # never a `token`: nothing guarded
    assert "".join(d for e, d in got if e == "unguarded") == GENERIC
    done = json.loads(got[-1][1])
    assert done["source"] == "composer" and done["answer"] == raw_chat.grounded()


def test_a_model_past_the_deadline_ends_in_the_composers_answer(chat: Chat) -> None:
    fault = ModelTimeoutError("the local model ran past the draft's deadline")
    chat.model.enqueue({"content": "Partial answer here", "fail_after": 2, "error": fault})
    got = events(ask(chat, "q"))
    assert [e for e, _ in got][-1] == "done" and "Partial" not in str(got)
    done = json.loads(got[-1][1])
    assert done["source"] == "composer" and done["answer"] == chat.grounded()
    assert "".join(d for e, d in got if e == "token") == chat.grounded()


def test_history_is_kept_and_sent_back_to_the_model(chat: Chat) -> None:
    first = chat.grounded()
    chat.model.enqueue(first, GENERIC)
    ask(chat, "First question?")
    ask(chat, "And a follow-up?")
    sent = chat.model.sent[1]
    assert isinstance(sent[1], HumanMessage) and sent[1].content == "First question?"
    assert isinstance(sent[2], AIMessage) and sent[2].content == first
    assert "And a follow-up?" in str(sent[-1].content)
    turns = chat.client.get("/v1/reps/A1/chat", headers=chat.alpha).json()["turns"]
    assert [t["role"] for t in turns] == ["user", "assistant", "user", "assistant"]
    assert [t["source"] for t in turns] == [None, "model", None, "composer"]
    assert turns[1]["evidence_ids"] and turns[1]["draft_id"] and turns[1]["created_at"]


def test_history_is_per_manager_and_rep(chat: Chat) -> None:
    chat.model.enqueue(chat.grounded())
    ask(chat, "Only Ana asked this")
    other = bearer(chat.services, "alpha", "Bo")
    assert chat.client.get("/v1/reps/A1/chat", headers=other).json()["turns"] == []
    assert chat.client.get("/v1/reps/A2/chat", headers=chat.alpha).json()["turns"] == []
    assert len(chat.client.get("/v1/reps/A1/chat", headers=chat.alpha).json()["turns"]) == 2
    chat.model.enqueue(GENERIC)
    ask(chat, "Bo asks", headers=other)
    assert "Only Ana" not in str(chat.model.sent[-1])  # Ana's turns never reach Bo's prompt
    assert chat.client.delete("/v1/reps/A1/chat", headers=other).status_code == 204
    assert len(chat.client.get("/v1/reps/A1/chat", headers=chat.alpha).json()["turns"]) == 2
    assert chat.client.delete("/v1/reps/A1/chat", headers=chat.alpha).status_code == 204
    assert chat.client.get("/v1/reps/A1/chat", headers=chat.alpha).json()["turns"] == []


def test_other_teams_rep_is_404_with_no_foreign_bytes(chat: Chat) -> None:
    beta = bearer(chat.services, "beta", "Bea")
    chat.model.enqueue(chat.grounded("A1"))
    ask(chat, "alpha's secret question")
    for method in ("GET", "DELETE", "POST"):
        for rep in ("B1", "NOPE"):
            r = chat.client.request(
                method, f"/v1/reps/{rep}/chat", json={"message": "hi"}, headers=chat.alpha
            )
            assert r.status_code == 404
            assert r.json()["error"]["correlation_id"]
            assert not any(s in r.text for s in FOREIGN)
    r = chat.client.get("/v1/reps/A1/chat", headers=beta)
    assert r.status_code == 404 and "secret" not in r.text
    assert len(chat.model.sent) == 1  # no model call for a refused request


def test_auth_is_required(chat: Chat) -> None:
    assert chat.client.post("/v1/reps/A1/chat", json={"message": "hi"}).status_code == 401
    bad = {"Authorization": "Bearer cpt_nope"}
    assert chat.client.get("/v1/reps/A1/chat", headers=bad).status_code == 401


def test_long_message_is_422_naming_the_limit(chat: Chat) -> None:
    r = chat.client.post(
        "/v1/reps/A1/chat", json={"message": "x" * (MAX_MESSAGE_CHARS + 1)}, headers=chat.alpha
    )
    assert r.status_code == 422 and "4000" in r.json()["error"]["message"]
    r = chat.client.post("/v1/reps/A1/chat", json={"message": "  "}, headers=chat.alpha)
    assert r.status_code == 422 and "empty" in r.json()["error"]["message"]
    r = chat.client.post("/v1/reps/A1/chat", json={"message": "hi", "x": 1}, headers=chat.alpha)
    assert r.status_code == 422
    assert chat.model.sent == []


def test_error_mid_stream_is_an_event_with_the_correlation_id(raw_chat: Chat) -> None:
    chat = raw_chat
    fault = ModelUnavailableError("the model endpoint went away")
    chat.model.enqueue({"content": "Partial answer here", "fail_after": 2, "error": fault})
    with chat.client.stream(
        "POST",
        "/v1/reps/A1/chat",
        json={"message": "q"},
        headers={**chat.alpha, "X-Request-ID": "req-12345678"},
    ) as r:
        got = events(r.read().decode())
    assert [e for e, _ in got] == ["unguarded", "unguarded", "error"]
    error = json.loads(got[-1][1])
    assert error == {
        "code": "model_unavailable",
        "message": "the model endpoint went away",
        "correlation_id": "req-12345678",
    }
    assert chat.client.get("/v1/reps/A1/chat", headers=chat.alpha).json()["turns"] == []


def test_unexpected_error_mid_stream_says_nothing_inside(chat: Chat) -> None:
    chat.model.enqueue({"content": "a b", "fail_after": 1, "error": RuntimeError("SELECT secret")})
    got = events(ask(chat, "q"))
    assert got[-1][0] == "error"
    assert json.loads(got[-1][1])["code"] == "internal" and "SELECT" not in got[-1][1]


def test_history_in_the_prompt_is_bounded() -> None:
    turns = [Turn(role="user", text=f"turn {i}") for i in range(20)]
    kept = history_messages(turns)
    assert len(kept) == HISTORY_TURNS and kept[-1].content == "turn 19"
    big = [Turn(role="user", text="old"), Turn(role="assistant", text="word " * 5000)]
    assert history_messages(big) == []  # the newest turn alone is over budget: none is kept


def _completion_stream(chat: Chat) -> tuple[str, str]:
    """The OpenAI-compatible route, streamed: the stream's flag header and the text it sent."""
    body = {"model": "copilot:A1", "stream": True, "messages": [{"role": "user", "content": "q"}]}
    got = chat.client.post("/v1/chat/completions", json=body, headers=chat.alpha)
    data = [line.removeprefix("data: ") for line in got.text.split("\n") if line]
    chunks = [json.loads(d) for d in data if d != "[DONE]"]
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
    return got.headers["x-copilot-stream"], text


def test_the_openai_stream_sends_only_the_guarded_answer(chat: Chat) -> None:
    chat.model.enqueue(GENERIC)
    assert _completion_stream(chat) == ("guarded", chat.grounded())


def test_a_raw_openai_stream_is_flagged_and_corrected(raw_chat: Chat) -> None:
    raw_chat.model.enqueue(GENERIC)
    flag, text = _completion_stream(raw_chat)
    assert flag == "unguarded" and text == GENERIC + CORRECTION + raw_chat.grounded()
