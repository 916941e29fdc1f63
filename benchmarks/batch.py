"""Batch monthly plans: throughput against a fake OpenAI-compatible endpoint with a fixed
latency at several concurrencies (as a ratio to the ideal reps x latency x calls / workers),
and on the local SmolLM2 model as a ratio to the same llama.cpp calls made raw.

The endpoint answers `{}` to every request, so each rep costs two model calls (the draft and
its repair round) before the grounded composer writes the plan: the full pipeline runs.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from langchain_core.messages import BaseMessage

from benchmarks import machine, write_result
from copilot.batch import queue as db
from copilot.batch.engine import RunOptions, run_job
from copilot.components import Services
from copilot.drafting.pipeline import Drafter
from copilot.llm.chat_model import build_chat_model
from copilot.llm.llama import LlamaCppChat
from copilot.settings import Settings
from tests.support.batchdata import load, plan_team

CALLS_PER_REP = 2


@contextmanager
def endpoint(latency: float, counter: list[int]) -> Iterator[str]:
    """A loopback chat-completions endpoint that waits `latency` s, then answers `{}`."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            counter.append(1)
            time.sleep(latency)
            message = {"role": "assistant", "content": "{}"}
            choice = {"index": 0, "finish_reason": "stop", "message": message}
            body = json.dumps(
                {
                    "id": "b",
                    "object": "chat.completion",
                    "created": 0,
                    "model": "fake",
                    "choices": [choice],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                }
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def timed_batch(drafter: Drafter, team: str, month: str, workers: int) -> dict[str, Any]:
    """Submit and run one job; wall time and final counts."""
    store = drafter.services.store
    job, _ = db.submit(store, team, month)
    t0 = time.perf_counter()
    run_job(drafter, job.id, RunOptions(concurrency=workers))
    wall = time.perf_counter() - t0
    with store.sessions() as session:
        counts = db.counts(session, job.id)
    return {"wall_s": round(wall, 3), "counts": counts}


def fake_runs(root: Path, reps: int, latency: float, levels: list[int]) -> dict[str, Any]:
    """The synthetic team through the fake endpoint at each concurrency level."""
    calls: list[int] = []
    months = iter(("2027-01", "2027-02", "2027-03", "2027-04", "2027-05", "2027-06"))
    with endpoint(latency, calls) as url:
        settings = Settings(
            data_dir=root / "fake",
            as_of=date(2026, 11, 20),
            llm_base_url=url,
            llm_model="fake",
            llm_max_retries=0,
        )
        services = Services(settings)
        services.store.create_schema()
        load(services, plan_team("bench", reps), root / "files")
        drafter = Drafter(services, build_chat_model(settings))
        runs = []
        for workers in levels:
            before = len(calls)
            run = timed_batch(drafter, "bench", next(months), workers)
            drafted = run["counts"]["done"]
            ideal = drafted * latency * CALLS_PER_REP / workers
            run |= {
                "concurrency": workers,
                "model_calls": len(calls) - before,
                "ideal_s": round(ideal, 3),
                "ratio_to_ideal": round(run["wall_s"] / ideal, 2),
            }
            runs.append(run)
            print(json.dumps(run), flush=True)
    return {"reps": reps, "latency_s": latency, "calls_per_rep": CALLS_PER_REP, "runs": runs}


class RecordingLlama(LlamaCppChat):
    """The local model, keeping every llama.cpp request it makes (to replay them raw)."""

    def _request(self, messages: list[BaseMessage], kwargs: dict[str, Any]) -> dict[str, Any]:
        request = super()._request(messages, kwargs)
        RECORDED.append(request)
        return request


RECORDED: list[dict[str, Any]] = []


def local_run(root: Path, reps: int) -> dict[str, Any]:
    """A small batch on SmolLM2, then the very same llama.cpp requests timed raw."""
    settings = Settings(data_dir=root / "local", as_of=date(2026, 11, 20))
    services = Services(settings)
    services.store.create_schema()
    load(services, plan_team("local", reps), root / "local-files")
    base = build_chat_model(settings)
    assert isinstance(base, LlamaCppChat), "the local run needs the embedded model"
    model = RecordingLlama(**base.model_dump())
    model.invoke("Say OK.", max_tokens=4)  # load and warm before timing
    RECORDED.clear()
    run = timed_batch(Drafter(services, model), "local", "2027-01", 1)
    raw = 0.0
    for request in RECORDED:
        model._model().reset()  # each replay starts cold, as the batch's calls did not share
        t0 = time.perf_counter()
        model._model().create_chat_completion(**request)
        raw += time.perf_counter() - t0
    run |= {
        "reps": reps,
        "model_calls": len(RECORDED),
        "raw_model_s": round(raw, 3),
        "ratio_to_raw": round(run["wall_s"] / raw, 2) if raw else None,
    }
    print(json.dumps(run), flush=True)
    return run


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.batch", description=__doc__)
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per fake call")
    parser.add_argument("--levels", default="1,8,32", help="concurrency levels")
    parser.add_argument("--local-reps", type=int, default=4, help="0 skips the local model")
    parser.add_argument("--name", default="batch")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        fake = fake_runs(
            Path(tmp), args.reps, args.latency, [int(x) for x in args.levels.split(",")]
        )
        partial = {"machine": machine(), "fake_endpoint": fake, "local_model": None}
        write_result(args.name, partial)  # kept if the slow local run is stopped
        local = local_run(Path(tmp), args.local_reps) if args.local_reps else None
    result = {
        "machine": machine(),
        "fake_endpoint": fake,
        "local_model": local,
        "total_s": round(time.perf_counter() - started, 1),
    }
    print(f"wrote {write_result(args.name, result)}")


if __name__ == "__main__":
    main()
