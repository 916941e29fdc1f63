"""A bounded load test on loopback: one service process (uvicorn, SQLite, embedded Chroma)
while several simulated managers read their board and rep pages, check drafts and draft
against a fake OpenAI-compatible endpoint with a fixed latency, and one batch of monthly plans
runs at the same time. Reports throughput, p50/p99 per route, errors by status, and lost or
duplicate batch drafts (both must be 0).

Each manager is a thread with its own token and a think time between requests, as a person
at a page is; drafts are every `--draft-every`th action.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from benchmarks import machine, markdown_table, median, percentile, write_result
from benchmarks.batch import endpoint
from copilot.api.tokens import create_token
from copilot.components import Services
from copilot.settings import Settings
from copilot.store.database import Store
from copilot.store.tables import BatchItem, Draft
from tests.support.batchdata import plan_team

MONTH = "2026-12"
BIN = Path(sys.executable).parent  # the virtual environment's `copilot` and `chroma`
DRAFT = "At the last call pricing came up before discovery. What did you hear just before that?"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str, process: subprocess.Popen[bytes], seconds: float = 300) -> None:
    """Until `url` answers 200 (the process must stay up meanwhile)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer in {seconds:.0f} s")


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """A child process with its output in `log`."""
    with log.open("wb") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass(frozen=True)
class Manager:
    """One simulated manager: the service, their token, their team's reps, when to stop."""

    base: str
    token: str
    reps: list[str]
    until: float
    seed: int


Action = tuple[str, str, str, dict[str, Any] | None]
Sample = tuple[str, str, float]


def browse(who: Manager, args: Any, out: list[Sample]) -> None:
    """Board, a rep page, a check, now and then a draft, with think time between."""
    rng = random.Random(who.seed)
    headers = {"Authorization": f"Bearer {who.token}"}
    with httpx.Client(base_url=who.base, headers=headers, timeout=120) as client:
        n = 0
        while time.monotonic() < who.until:
            rep = rng.choice(who.reps)
            n += 1
            check = {"rep_id": rep, "kind": "questions", "draft": DRAFT}
            actions: list[Action] = [
                ("board", "GET", "/v1/reps", None),
                ("rep", "GET", f"/v1/reps/{rep}", None),
                ("check", "POST", "/v1/check", check),
            ]
            if n % args.draft_every == 0:
                actions.append(("draft", "POST", f"/v1/reps/{rep}/drafts/questions", {}))
            for route, method, path, body in actions:
                t0 = time.perf_counter()
                try:
                    status = str(client.request(method, path, json=body).status_code)
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                out.append((route, status, time.perf_counter() - t0))
                time.sleep(rng.uniform(*args.think))


def batch_outcome(store: Store, base: str, token: str, job: str, wait: float) -> dict[str, Any]:
    """Wait for the batch, then count its drafts per rep in SQL: lost and duplicates."""
    headers = {"Authorization": f"Bearer {token}"}
    deadline = time.monotonic() + wait
    status: dict[str, Any] = {}
    while time.monotonic() < deadline:
        status = httpx.get(f"{base}/v1/batches/{job}", headers=headers, timeout=30).json()
        if status.get("status") in {"done", "failed", "cancelled"}:
            break
        time.sleep(1)
    with store.sessions() as session:
        items = list(session.scalars(select(BatchItem).where(BatchItem.job_id == job)))
        per_rep = dict(
            session.execute(
                select(Draft.rep_id, func.count())
                .where(Draft.kind == "plan", Draft.period == MONTH)
                .group_by(Draft.rep_id)
            ).all()
        )
    done = [i for i in items if i.state == "done"]
    return {
        "status": status.get("status"),
        "counts": status.get("counts"),
        "reps": len(items),
        "lost": sum(1 for i in done if per_rep.get(i.rep_id, 0) == 0),
        "duplicates": sum(max(0, n - 1) for n in per_rep.values()),
    }


def run_load(store: Store, base: str, args: Any) -> tuple[list[Sample], float, dict[str, Any]]:
    """Submit the batch, let the managers browse for `--seconds`, then wait for the batch."""
    reps = [f"B{i:03d}" for i in range(args.reps)]
    tokens = [create_token(store, f"Manager {i}", "bench") for i in range(args.managers)]
    submitted = httpx.post(
        f"{base}/v1/batches",
        json={"month": MONTH},
        headers={"Authorization": f"Bearer {tokens[0]}"},
        timeout=30,
    )
    job = submitted.json()["id"]
    samples: list[Sample] = []
    began = time.monotonic()
    until = began + args.seconds
    threads = [
        threading.Thread(target=browse, args=(Manager(base, t, reps, until, i), args, samples))
        for i, t in enumerate(tokens)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.monotonic() - began
    return samples, seconds, batch_outcome(store, base, tokens[0], job, args.batch_wait)


def summarise(samples: list[Sample], seconds: float) -> dict[str, Any]:
    """Per route: requests, throughput, p50/p99 of the successful ones, statuses."""
    routes: dict[str, Any] = {}
    for route in sorted({s[0] for s in samples}):
        mine = [s for s in samples if s[0] == route]
        ok = [s[2] for s in mine if s[1] in {"200", "201"}]
        routes[route] = {
            "requests": len(mine),
            "per_s": len(mine) / seconds,
            "p50_ms": 1000 * median(ok) if ok else None,
            "p99_ms": 1000 * percentile(ok, 99) if ok else None,
            "statuses": dict(Counter(s[1] for s in mine)),
        }
    return routes


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__)
    parser.add_argument("--reps", type=int, default=40, help="reps of the team (and the batch)")
    parser.add_argument("--managers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--latency", type=float, default=0.5, help="fake model latency, s")
    parser.add_argument("--draft-every", type=int, default=4)
    parser.add_argument("--think", type=float, nargs=2, default=(0.2, 0.6))
    parser.add_argument("--batch-wait", type=float, default=600)
    parser.add_argument("--workers", type=int, default=1, help="service processes")
    parser.add_argument("--database-url", default=None, help="PostgreSQL (default: SQLite)")
    parser.add_argument("--chroma-server", action="store_true", help="`chroma run` on loopback")
    parser.add_argument("--name", default="load")
    args = parser.parse_args()
    calls: list[int] = []
    children: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory() as tmp, endpoint(args.latency, calls) as url:
        root = Path(tmp)
        env = os.environ | {
            "COPILOT_DATA_DIR": str(root / "data"),
            "COPILOT_AS_OF": "2026-11-20",
            "COPILOT_LLM_BASE_URL": url,
            "COPILOT_LLM_MODEL": "fake",
            "COPILOT_LLM_MAX_RETRIES": "0",
            "OPENAI_API_KEY": "not-needed",
        }
        if args.database_url:
            env["COPILOT_DATABASE_URL"] = args.database_url
        try:
            if args.chroma_server:
                port = _free_port()
                chroma = [str(BIN / "chroma"), "run", "--path", str(root / "chroma-server")]
                children.append(start([*chroma, "--port", str(port)], env, root / "chroma.log"))
                _wait(f"http://127.0.0.1:{port}/api/v2/heartbeat", children[-1])
                env["COPILOT_CHROMA_URL"] = f"http://127.0.0.1:{port}"
            files = plan_team("bench", args.reps).write(root / "files")
            subprocess.run([str(BIN / "copilot"), "ingest", *map(str, files)], env=env, check=True)
            port = _free_port()
            serve = [str(BIN / "copilot"), "serve", "--port", str(port)]
            children.append(
                start([*serve, "--workers", str(args.workers)], env, root / "serve.log")
            )
            base = f"http://127.0.0.1:{port}"
            _wait(f"{base}/healthz", children[-1])
            settings = Settings(data_dir=root / "data", database_url=args.database_url)
            store = Services(settings).store  # SQL only: the service owns the vectors
            samples, seconds, batch = run_load(store, base, args)
        finally:
            for child in reversed(children):
                stop(child)
    routes = summarise(samples, seconds)
    table = markdown_table(
        ["route", "requests", "per s", "p50", "p99", "statuses"],
        [
            [
                r,
                str(v["requests"]),
                f"{v['per_s']:.1f}",
                "-" if v["p50_ms"] is None else f"{v['p50_ms']:.0f} ms",
                "-" if v["p99_ms"] is None else f"{v['p99_ms']:.0f} ms",
                ", ".join(f"{k}: {n}" for k, n in sorted(v["statuses"].items())),
            ]
            for r, v in routes.items()
        ],
    )
    result = {
        "machine": machine(),
        "params": vars(args),
        "seconds": seconds,
        "total_per_s": len(samples) / seconds,
        "routes": routes,
        "batch": batch,
        "model_calls": len(calls),
        "stores": {
            "workers": args.workers,
            "database": "postgresql" if args.database_url else "sqlite",
            "chroma": "server" if args.chroma_server else "embedded",
        },
    }
    path = write_result(args.name, result)
    print(table)
    print(f"batch: {batch}")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
