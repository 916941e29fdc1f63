"""Chat time to first token: the SSE chat endpoint served by uvicorn on loopback against the raw
llama.cpp `create_chat_completion(stream=True)` on the same prompt, both on the bundled SmolLM2.

The endpoint's figure includes everything a caller waits for: HTTP, auth, the history read, the
diagnosis, retrieval (a query embedding) and packing, then the model's prompt evaluation.
Run: `.venv/bin/python -m benchmarks.chat_ttft` (about a minute; `--repeats` to change).
"""

from __future__ import annotations

import argparse
import os
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from benchmarks import machine, markdown_table, median, write_result
from copilot.api.app import create_app
from copilot.api.tokens import create_token
from copilot.chat.answers import ChatService
from copilot.components import Services
from copilot.llm.chat_model import build_chat_model, messages_for
from copilot.llm.llama import LlamaCppChat
from copilot.records.ingest import ingest
from copilot.settings import PROJECT_ROOT, Settings

DEMO = PROJECT_ROOT / "examples" / "demo_team"
QUESTION = "What should I ask about in our next coaching session?"
COMMAND = ".venv/bin/python -m benchmarks.chat_ttft"


@contextmanager
def serving(services: Services, model: LlamaCppChat) -> Iterator[str]:
    """The app under uvicorn in a background thread on a free loopback port."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    app = create_app(services=services, model_factory=lambda: model)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", ws="none"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def setup(root: Path, max_tokens: int) -> tuple[Services, LlamaCppChat]:
    """The demo team on the real default components, and the local model, warmed."""
    settings = Settings(data_dir=root, as_of=date(2026, 11, 20), llm_max_tokens=max_tokens)
    services = Services(settings)
    services.init()
    files = sorted(p for p in DEMO.iterdir() if p.suffix in {".csv", ".jsonl"})
    ingest(services.store, services.indexer, files)
    model = build_chat_model(settings)
    assert isinstance(model, LlamaCppChat), "the benchmark measures the embedded model"
    model.invoke("Say OK.", max_tokens=4)
    return services, model


def endpoint_ttft(client: httpx.Client, url: str, rep: str, model: LlamaCppChat) -> float:
    """Seconds from sending the chat request to its first `token` event; the answer is drained."""
    client.delete(f"{url}/v1/reps/{rep}/chat").raise_for_status()  # the same prompt every run
    model._model().reset()  # llama.cpp reuses a cached prompt prefix; every run starts cold
    first = None
    t0 = time.perf_counter()
    with client.stream("POST", f"{url}/v1/reps/{rep}/chat", json={"message": QUESTION}) as r:
        r.raise_for_status()
        for line in r.iter_lines():
            if first is None and line == "event: token":
                first = time.perf_counter() - t0
            if line == "event: error":
                raise RuntimeError(f"the chat stream failed: {r.read()!r}")
    assert first is not None, "no token event"
    return first


def raw_ttft(request: dict[str, Any], model: LlamaCppChat) -> float:
    """Seconds from calling llama.cpp to its first chunk with text, on the chat's prompt."""
    model._model().reset()
    t0 = time.perf_counter()
    first = None
    for part in model._model().create_chat_completion(**request, stream=True):
        if first is None and part["choices"][0]["delta"].get("content"):
            first = time.perf_counter() - t0
    assert first is not None, "no content chunk"
    return first


def measure(services: Services, model: LlamaCppChat, rep: str, repeats: int) -> dict[str, Any]:
    """Alternating runs of both, so drift on a shared machine hits each alike."""
    team = services.diagnoser.rep(rep).team
    headers = {"Authorization": f"Bearer {create_token(services.store, 'Bench', team)}"}
    service = ChatService(services, model)
    chat = service.prepare(team, rep, QUESTION)
    messages = messages_for(chat.prepared.prompt, history=chat.history)
    request = model._request(messages, {"max_tokens": chat.max_tokens})
    runs: dict[str, list[float]] = {"endpoint_s": [], "raw_s": [], "prepare_s": []}
    with serving(services, model) as url, httpx.Client(headers=headers, timeout=300) as client:
        for n in range(repeats):
            runs["endpoint_s"].append(endpoint_ttft(client, url, rep, model))
            runs["raw_s"].append(raw_ttft(request, model))
            t0 = time.perf_counter()
            service.prepare(team, rep, QUESTION)
            runs["prepare_s"].append(time.perf_counter() - t0)
            print(
                f"run {n + 1}/{repeats}: " + ", ".join(f"{k} {v[-1]:.3f}" for k, v in runs.items())
            )
    return {"runs": runs, "prompt_tokens": model.prompt_tokens(messages)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.chat_ttft", description=__doc__)
    parser.add_argument("--rep", default="C03", help="demo rep to chat about")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of each (median)")
    parser.add_argument("--max-tokens", type=int, default=128, help="answer cap (not in TTFT)")
    parser.add_argument("--name", default="chat_ttft", help="result file name")
    args = parser.parse_args(argv)
    measured_on = machine()
    with tempfile.TemporaryDirectory(prefix="copilot-bench-") as tmp:
        services, model = setup(Path(tmp), args.max_tokens)
        settings_threads = model.n_threads
        measured = measure(services, model, args.rep, args.repeats)
        model.close()
    runs = measured["runs"]
    endpoint, raw, prepare = (median(runs[k]) for k in ("endpoint_s", "raw_s", "prepare_s"))
    summary = {
        "endpoint_ttft_s": endpoint,
        "raw_ttft_s": raw,
        "endpoint_over_raw": endpoint / raw,
        "prepare_s": prepare,
        "prompt_tokens": measured["prompt_tokens"],
    }
    result = {
        "benchmark": "chat_ttft",
        "command": COMMAND + "".join(f" {a}" for a in (argv or [])),
        "machine": measured_on | {"load_avg_at_end": list(os.getloadavg())},
        "parameters": vars(args) | {"question": QUESTION, "threads": settings_threads},
        "raw": runs,
        "median": summary,
    }
    path = write_result(args.name, result)
    row = [f"{endpoint:.3f}", f"{raw:.3f}", f"{endpoint / raw:.2f}", f"{prepare:.3f}"]
    header = ["endpoint TTFT s", "raw TTFT s", "endpoint/raw", "prepare s"]
    print(markdown_table(header, [[*row]]))
    print(f"prompt tokens: {measured['prompt_tokens']}; results: {path}")


if __name__ == "__main__":
    main()
