"""A bounded load test on loopback: `copilot serve` as a manager team would use it.

Several simulated managers (one token each) read the board and rep pages and draft questions
against a fake OpenAI-compatible endpoint with a fixed latency, while one monthly batch of
plans runs for the whole team. Reported: throughput, p50/p99 latency per route, errors, and
the batch's lost and duplicate plans (both must be 0).

    python -m benchmarks.load [--reps 40] [--managers 4] [--seconds 60] [--latency 0.8]
        [--workers 1] [--database-url URL --chroma-url URL] [--name load_sqlite]

`--workers 2` needs `--database-url` (PostgreSQL) and `--chroma-url` (a `chroma run` server),
as `copilot serve --workers` does. Not a timed test: figures go to benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx

from benchmarks import machine, median, percentile, write_result
from benchmarks.batch import endpoint
from tests.support.batchdata import plan_team

TEAM = "load"
MONTH = "2026-12"
AS_OF = "2026-11-20"


def _env(data: Path, llm: str, args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env |= {
        "COPILOT_DATA_DIR": str(data),
        "COPILOT_LLM_BASE_URL": llm,
        "COPILOT_LLM_MODEL": "fake",
        "OPENAI_API_KEY": "not-used",
        "COPILOT_AS_OF": AS_OF,
        "COPILOT_LLM_TIMEOUT": "30",
        "COPILOT_API_RATE_LIMIT": "100000",  # the load, not the limiter, is measured here
    }
    if args.database_url:
        env["COPILOT_DATABASE_URL"] = args.database_url
    if args.chroma_url:
        env["COPILOT_CHROMA_URL"] = args.chroma_url
    return env


def _copilot(env: dict[str, str], *argv: str) -> str:
    cli = Path(sys.executable).with_name("copilot")
    done = subprocess.run([str(cli), *argv], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"copilot {' '.join(argv)} failed:\n{done.stderr[-2000:]}")
    return done.stdout


def _setup(
    root: Path, env: dict[str, str], reps: int, managers: int
) -> tuple[list[str], list[str]]:
    """The team imported, and one token per manager."""
    files = plan_team(TEAM, reps)
    for row in files.reps:
        rep = row["rep_id"]
        row["desire_rating"] = "4"
        files.session(f"{rep}-S1", rep, "2026-11-03", [(f"{rep}-K1", "2026-11-24", "open")])
    paths = files.write(root / "files")
    _copilot(env, "init")
    _copilot(env, "ingest", *map(str, paths))
    tokens = []
    for m in range(managers):
        made = _copilot(env, "token", "create", "--manager", f"M{m}", "--team", TEAM, "--json")
        tokens.append(json.loads(made)["token"])
    return [row["rep_id"] for row in files.reps], tokens


def _serve(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    cli = Path(sys.executable).with_name("copilot")
    argv = [str(cli), "serve", "--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.kill()
    raise SystemExit("copilot serve did not answer /healthz within 120 s")


class Tally:
    """Latencies and status codes per route, from every manager thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)

    def add(self, route: str, seconds: float, ok: bool) -> None:
        with self.lock:
            self.times[route].append(seconds)
            if not ok:
                self.errors[route] += 1


READS = ("GET /v1/reps", "GET /v1/reps/{id}", "GET /v1/reps/{id}/diagnosis")


def _request(client: httpx.Client, route: str, rep: str) -> httpx.Response:
    """One request of `route` for `rep`."""
    method, path = route.split(" ", 1)
    return client.request(method, path.replace("{id}", rep), json={} if method == "POST" else None)


def _manager(base: str, token: str, reps: list[str], until: float, tally: Tally) -> None:
    """One manager: reads the board and rep pages; one request in eight drafts questions."""
    rng = random.Random(token)
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
        n = 0
        while time.monotonic() < until:
            n += 1
            route = "POST /v1/reps/{id}/drafts/questions" if n % 8 == 0 else rng.choice(READS)
            start = time.perf_counter()
            try:
                ok = _request(client, route, rng.choice(reps)).status_code < 400
            except httpx.HTTPError:
                ok = False
            tally.add(route, time.perf_counter() - start, ok)


def _batch(base: str, token: str, until: float) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        start = time.perf_counter()
        job = client.post("/v1/batches", json={"month": MONTH}).json()
        while time.monotonic() < until + 600:
            job = client.get(f"/v1/batches/{job['id']}").json()
            if job["status"] in {"done", "failed"}:
                break
            time.sleep(1)
        return {"job": job, "seconds": time.perf_counter() - start}


def _plans(base: str, token: str, reps: list[str]) -> dict[str, int]:
    """How many stored plans each rep has for the month (1 is right; 0 lost, 2+ duplicated)."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        counts = {}
        for rep in reps:
            drafts = client.get(f"/v1/reps/{rep}/drafts", params={"kind": "plan"}).json()
            items = drafts["drafts"] if isinstance(drafts, dict) else drafts
            counts[rep] = sum(1 for d in items if d.get("period") == MONTH)
        return counts


def run(args: argparse.Namespace) -> dict[str, Any]:
    calls: list[int] = []
    with tempfile.TemporaryDirectory() as tmp, endpoint(args.latency, calls) as llm:
        root = Path(tmp)
        env = _env(root / "data", llm, args)
        reps, tokens = _setup(root, env, args.reps, args.managers)
        port = 18000 + random.randrange(1000)
        proc = _serve(env, port, args.workers)
        base = f"http://127.0.0.1:{port}"
        tally, batch = Tally(), {}
        try:
            until = time.monotonic() + args.seconds
            threads = [
                threading.Thread(target=_manager, args=(base, t, reps, until, tally))
                for t in tokens
            ]
            started = time.perf_counter()
            for t in threads:
                t.start()
            batch = _batch(base, tokens[0], until)
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - started
            plans = _plans(base, tokens[0], reps)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    requests = sum(len(v) for v in tally.times.values())
    routes = {
        route: {
            "requests": len(times),
            "errors": tally.errors[route],
            "p50_ms": round(1000 * median(times), 1),
            "p99_ms": round(1000 * percentile(times, 99), 1),
        }
        for route, times in sorted(tally.times.items())
    }
    return {
        "machine": machine(),
        "params": vars(args),
        "elapsed_s": round(elapsed, 1),
        "requests": requests,
        "throughput_rps": round(requests / elapsed, 2),
        "errors": sum(tally.errors.values()),
        "routes": routes,
        "batch": {
            "status": batch.get("job", {}).get("status"),
            "seconds": round(batch.get("seconds", 0.0), 1),
            "lost_plans": sum(1 for c in plans.values() if c == 0),
            "duplicate_plans": sum(c - 1 for c in plans.values() if c > 1),
        },
        "model_calls": len(calls),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--reps", type=int, default=40)
    parser.add_argument("--managers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--latency", type=float, default=0.8, help="fake model seconds per call")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--database-url")
    parser.add_argument("--chroma-url")
    parser.add_argument("--name", default="load_sqlite")
    args = parser.parse_args()
    result = run(args)
    path = write_result(args.name, result)
    print(json.dumps({k: v for k, v in result.items() if k != "machine"}, indent=2))
    print(f"written: {path}")


if __name__ == "__main__":
    main()
