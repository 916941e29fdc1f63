"""A scripted OpenAI-compatible server on loopback: replies, faults and streaming, for tests."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Script:
    """What the server answers, in order; each item is a reply text or a fault dict."""

    replies: list[Any] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)


def _completion(content: str, finish: str, model: str, refusal: str | None) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": None if refusal else content}
    if refusal:
        message["refusal"] = refusal
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [
            {
                "index": 0,
                "finish_reason": finish,
                "message": message,
            }
        ],
        "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
    }


def _chunk(content: str | None, finish: str | None, model: str) -> bytes:
    delta = {"content": content} if content is not None else {}
    body = {
        "id": "c",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(body)}\n\n".encode()


def _handler(script: Script) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            return

        def _send(
            self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
        ) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            script.requests.append(request)
            reply = script.replies.pop(0) if script.replies else "{}"
            spec: dict[str, Any] = reply if isinstance(reply, dict) else {"content": reply}
            if spec.get("hang"):
                time.sleep(float(spec["hang"]))
                return
            if "status" in spec:
                error = {"error": {"message": "scripted fault", "type": "fault"}}
                headers: dict[str, str] = dict(spec.get("headers") or {})
                self._send(int(spec["status"]), error, headers)
                return
            content, finish = str(spec.get("content", "")), str(spec.get("finish_reason", "stop"))
            model = str(request.get("model", "fake"))
            if not request.get("stream"):
                self._send(200, _completion(content, finish, model, spec.get("refusal")))
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for i in range(0, len(content), 4):
                self.wfile.write(_chunk(content[i : i + 4], None, model))
            self.wfile.write(_chunk(None, finish, model))
            self.wfile.write(b"data: [DONE]\n\n")

    return Handler


@contextmanager
def fake_openai_server(script: Script) -> Iterator[str]:
    """Serve `script` on a free loopback port; yields the base URL (…/v1)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(script))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
