"""Web pages: the server time of the team board and a rep page for a generated 100-rep team
(each rep with calls, a session and open commitments), measured through the whole app
in-process (routing, session lookup, diagnosis, retrieval for follow-through, rendering).

Not a timed test: the target (< 200 ms median) is reported in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from benchmarks import machine, median, percentile, write_result
from copilot.api.app import create_app
from copilot.api.tokens import create_token
from copilot.components import Services
from copilot.settings import Settings
from tests.support.batchdata import load, plan_team
from tests.support.fakes import FakeChatModel

TARGET_MS = 200.0


def team(reps: int, calls: int) -> Any:
    """`reps` reps with varied funnels, `calls` calls each, one session with two commitments."""
    files = plan_team("bench", reps)
    for row in files.reps:
        rep = row["rep_id"]
        row["desire_rating"] = "4"
        for i in range(2, calls + 1):
            files.call(f"{rep}-C{i}", rep, date=f"2026-11-{i:02d}", summary=f"Call {i} on pricing.")
        due = [(f"{rep}-K1", "2026-11-10", "open"), (f"{rep}-K2", "2026-11-24", "open")]
        files.session(f"{rep}-S1", rep, "2026-11-03", due)
    return files


def timed(client: TestClient, url: str, repeats: int) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds per GET of `url`, after one warm-up request.

    CPU time (this process, every thread) is what the request costs the server; on a busy
    shared machine the wall time adds the wait for a core.
    """
    assert client.get(url).status_code == 200, url
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        got = client.get(url)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert got.status_code == 200, url
    return wall, cpu


def run(reps: int, calls: int, repeats: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        root = Path(tmp)
        settings = Settings(data_dir=root / "data", as_of=date(2026, 11, 20))
        services = Services(settings)
        services.store.create_schema()
        started = time.perf_counter()
        load(services, team(reps, calls), root / "files")
        setup_s = time.perf_counter() - started
        app = create_app(services=services, model_factory=FakeChatModel)
        token = create_token(services.store, "Bench Manager", "bench")
        with TestClient(app, base_url="http://127.0.0.1") as client:
            page = client.get("/signin").text
            nonce = re.search(r'name="csrf" value="([^"]+)"', page)
            assert nonce
            client.post("/signin", data={"token": token, "csrf": nonce.group(1)})
            board = timed(client, "/", repeats)
            rep = timed(client, f"/reps/B{reps // 2:03d}", repeats)
    figures = {
        name: {
            "median_ms": median(wall),
            "p95_ms": percentile(wall, 95),
            "cpu_median_ms": median(cpu),
            "raw_ms": wall,
            "raw_cpu_ms": cpu,
        }
        for name, (wall, cpu) in (("board", board), ("rep_page", rep))
    }
    return {
        "machine": machine(),
        "params": {"reps": reps, "calls_per_rep": calls, "repeats": repeats},
        "setup_s": setup_s,
        "target_ms": TARGET_MS,
        **figures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=100)
    parser.add_argument("--calls", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="20 reps, 5 repeats")
    args = parser.parse_args()
    if args.quick:
        args.reps, args.repeats = 20, 5
    result = run(args.reps, args.calls, args.repeats)
    path = write_result("web_pages.quick" if args.quick else "web_pages", result)
    for name in ("board", "rep_page"):
        f = result[name]
        line = f"{name}: median {f['median_ms']:.1f} ms, p95 {f['p95_ms']:.1f} ms"
        line += f", CPU median {f['cpu_median_ms']:.1f} ms"
        print(f"{line} (target < {TARGET_MS:.0f} ms)")
    print(f"setup {result['setup_s']:.1f} s; wrote {path}")


if __name__ == "__main__":
    main()
