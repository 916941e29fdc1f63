"""A fake OpenAI Batch API on loopback (FastAPI under uvicorn on a thread), for tests.

It stores uploaded files, creates batches, and "completes" a batch on its Nth poll (the
second by default), answering each request line with the reply `BatchScript.reply` chooses for
its custom_id: a content string, a dict with `content`/`finish_reason`, `{"error": msg}` (a line
of the error file), or `{"raw": text}` (a line written verbatim, to break the output file).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any

import uvicorn
from fastapi import FastAPI, Form, HTTPException, UploadFile
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel

Reply = Callable[[str, dict[str, Any]], Any]


@dataclass
class BatchScript:
    """What the fake answers, and what it saw."""

    reply: Reply = lambda custom_id, body: "{}"
    final_status: str = "completed"
    polls_to_complete: int = 2
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    batches: dict[str, dict[str, Any]] = field(default_factory=dict)
    polls: dict[str, int] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)


class BatchCreate(BaseModel):
    input_file_id: str
    endpoint: str
    completion_window: str
    metadata: dict[str, str] | None = None


def _completion(spec: Any, model: str) -> dict[str, Any]:
    spec = spec if isinstance(spec, dict) else {"content": spec}
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [
            {
                "index": 0,
                "finish_reason": spec.get("finish_reason", "stop"),
                "message": {"role": "assistant", "content": spec.get("content", "")},
            }
        ],
        "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
    }


def _app(script: BatchScript) -> FastAPI:
    app = FastAPI()
    ids = itertools.count(1)

    def store_file(name: str, purpose: str, text: str) -> dict[str, Any]:
        file_id = f"file-{next(ids)}"
        meta = {"id": file_id, "object": "file", "bytes": len(text.encode()), "created_at": 0}
        script.files[file_id] = meta | {"filename": name, "purpose": purpose, "text": text}
        return {k: v for k, v in script.files[file_id].items() if k != "text"}

    def complete(batch: dict[str, Any]) -> None:
        out, err = [], []
        for raw in script.files[batch["input_file_id"]]["text"].splitlines():
            line = json.loads(raw)
            script.requests.append(line)
            spec = script.reply(line["custom_id"], line["body"])
            if isinstance(spec, dict) and "raw" in spec:
                out.append(str(spec["raw"]))
            elif isinstance(spec, dict) and "error" in spec:
                error = {"code": "invalid_request", "message": spec["error"]}
                err.append(json.dumps({"custom_id": line["custom_id"], "error": error}))
            else:
                body = _completion(spec, line["body"]["model"])
                response = {"status_code": 200, "request_id": "req", "body": body}
                out.append(json.dumps({"custom_id": line["custom_id"], "response": response}))
        batch["output_file_id"] = store_file("out.jsonl", "batch_output", "\n".join(out))["id"]
        if err:
            batch["error_file_id"] = store_file("err.jsonl", "batch_output", "\n".join(err))["id"]

    @app.post("/v1/files")
    def upload(file: UploadFile, purpose: Annotated[str, Form()]) -> dict[str, Any]:
        return store_file(file.filename or "upload.jsonl", purpose, file.file.read().decode())

    @app.post("/v1/batches")
    def create(body: BatchCreate) -> dict[str, Any]:
        if body.input_file_id not in script.files:
            raise HTTPException(400, "no such file")
        batch_id = f"batch_{next(ids)}"
        script.batches[batch_id] = {
            "id": batch_id,
            "object": "batch",
            "endpoint": body.endpoint,
            "completion_window": body.completion_window,
            "input_file_id": body.input_file_id,
            "status": "validating",
            "created_at": int(time.time()),
            "metadata": body.metadata,
            "output_file_id": None,
            "error_file_id": None,
        }
        return script.batches[batch_id]

    @app.get("/v1/batches")
    def listing() -> dict[str, Any]:
        data = list(reversed(script.batches.values()))
        return {"object": "list", "data": data, "has_more": False}

    @app.get("/v1/batches/{batch_id}")
    def poll(batch_id: str) -> dict[str, Any]:
        batch = script.batches.get(batch_id)
        if batch is None:
            raise HTTPException(404, "no such batch")
        script.polls[batch_id] = polls = script.polls.get(batch_id, 0) + 1
        if batch["status"] not in ("completed", "failed", "expired", "cancelled"):
            batch["status"] = "in_progress"
            if polls >= script.polls_to_complete:
                batch["status"] = script.final_status
                if script.final_status == "completed":
                    complete(batch)
        return batch

    @app.get("/v1/files/{file_id}/content", response_class=PlainTextResponse)
    def content(file_id: str) -> str:
        if file_id not in script.files:
            raise HTTPException(404, "no such file")
        return str(script.files[file_id]["text"])

    return app


@contextmanager
def fake_batch_api(script: BatchScript) -> Iterator[str]:
    """Serve `script` on a free loopback port; yields the base URL (…/v1)."""
    config = uvicorn.Config(
        _app(script), host="127.0.0.1", port=0, log_level="warning", lifespan="off", ws="none"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the fake Batch API did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        server.should_exit = True
        thread.join(10)
