"""Measures each artifact on the local llama.cpp model: the raw `create_chat_completion` call
on the exact prompt the pipeline builds, the same call through the chat-model seam, and the
whole draft (prepare, every model round, guard, composer, store) against the model time in it.
"""

from __future__ import annotations

import argparse
import contextlib
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks import machine, markdown_table, median, write_result
from copilot.components import Services
from copilot.drafting.pipeline import Drafter, DraftRequest
from copilot.drafting.schemas import DraftKind
from copilot.errors import ModelOutputError
from copilot.llm.chat_model import build_chat_model, messages_for, structured_call
from copilot.llm.llama import LlamaCppChat
from copilot.records.ingest import ingest
from copilot.settings import PROJECT_ROOT, Settings

KINDS: tuple[DraftKind, ...] = ("questions", "debrief", "plan", "precall", "roleplay")
DEMO = PROJECT_ROOT / "examples" / "demo_team"


def setup(root: Path) -> tuple[Drafter, LlamaCppChat]:
    """The demo team on the real default components, and the local model, warmed."""
    settings = Settings(data_dir=root, as_of=date(2026, 11, 20))
    services = Services(settings)
    services.init()
    files = sorted(p for p in DEMO.iterdir() if p.suffix in {".csv", ".jsonl"})
    ingest(services.store, services.indexer, files)
    model = build_chat_model(settings)
    assert isinstance(model, LlamaCppChat), "the benchmark measures the embedded model"
    model.invoke("Say OK.", max_tokens=4)
    return Drafter(services, model), model


def raw_vs_seam(drafter: Drafter, model: LlamaCppChat, req: DraftRequest) -> dict[str, Any]:
    """One call on the same prompt: straight into llama.cpp, then through the seam."""
    prepared = drafter.prepare(req)
    job, rendered = prepared.spec, prepared.prompt
    messages = messages_for(rendered)
    fmt = {
        "type": "json_schema",
        "json_schema": {"name": job.schema.__name__, "schema": job.schema.model_json_schema()},
    }
    max_tokens = drafter.services.settings.llm_max_tokens
    request = model._request(messages, {"response_format": fmt, "max_tokens": max_tokens})
    model._model().reset()  # llama.cpp reuses a cached prompt prefix; every call starts cold
    t0 = time.perf_counter()
    raw = model._model().create_chat_completion(**request)
    raw_s = time.perf_counter() - t0
    model._model().reset()
    t0 = time.perf_counter()
    with contextlib.suppress(ModelOutputError):  # a bad reply still took the model's full time
        structured_call(model, rendered, job.schema, max_tokens=max_tokens, timeout=600)
    seam_s = time.perf_counter() - t0
    usage = raw["usage"]
    return {
        "raw_s": raw_s,
        "seam_s": seam_s,
        "tokens_in": usage["prompt_tokens"],
        "tokens_out": usage["completion_tokens"],
    }


def pipeline(drafter: Drafter, req: DraftRequest) -> dict[str, Any]:
    """One full draft; the model's share is the sum of its rounds' call times."""
    assert isinstance(drafter.model, LlamaCppChat)
    drafter.model._model().reset()
    t0 = time.perf_counter()
    result = drafter.draft(req)
    total = time.perf_counter() - t0
    model_s = sum(a.seconds or 0.0 for a in result.attempts)
    return {
        "total_s": total,
        "model_s": model_s,
        "rounds": len(result.attempts),
        "source": result.source,
        "tokens_in": sum(a.tokens_in or 0 for a in result.attempts),
        "tokens_out": sum(a.tokens_out or 0 for a in result.attempts),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.drafting", description=__doc__)
    parser.add_argument("--rep", default="C03", help="demo rep to draft for")
    parser.add_argument("--repeats", type=int, default=3, help="timed repeats (median reported)")
    parser.add_argument("--quick", action="store_true", help="smoke run: questions only, 1 repeat")
    parser.add_argument("--name", default=None, help="result file name (default by mode)")
    args = parser.parse_args(argv)
    kinds = ("questions",) if args.quick else KINDS
    repeats = 1 if args.quick else args.repeats
    runs: dict[str, list[dict[str, Any]]] = {k: [] for k in kinds}
    with tempfile.TemporaryDirectory(prefix="copilot-bench-") as tmp:
        drafter, model = setup(Path(tmp))
        for r in range(repeats):
            for kind in kinds:
                req = DraftRequest(kind, args.rep)
                run = raw_vs_seam(drafter, model, req) | {"pipeline": pipeline(drafter, req)}
                runs[kind].append(run)
                print(f"repeat {r + 1}/{repeats} {kind}: {run}", flush=True)
        model.close()
    rows: list[list[str]] = []
    summary: dict[str, dict[str, Any]] = {}
    for name, kruns in runs.items():
        raw_s, seam_s = median([x["raw_s"] for x in kruns]), median([x["seam_s"] for x in kruns])
        total = median([x["pipeline"]["total_s"] for x in kruns])
        model_s = median([x["pipeline"]["model_s"] for x in kruns])
        summary[name] = {
            "raw_call_s": raw_s,
            "seam_call_s": seam_s,
            "seam_over_raw": seam_s / raw_s,
            "pipeline_total_s": total,
            "pipeline_model_s": model_s,
            "pipeline_over_model": total / model_s if model_s else None,
            "tokens_in": kruns[0]["tokens_in"],
            "tokens_out": kruns[0]["tokens_out"],
            "rounds": kruns[0]["pipeline"]["rounds"],
            "source": kruns[0]["pipeline"]["source"],
        }
        s = summary[name]
        rows.append(
            [
                name,
                str(s["tokens_in"]),
                str(s["tokens_out"]),
                f"{raw_s:.2f}",
                f"{seam_s:.2f}",
                f"{s['seam_over_raw']:.3f}",
                str(s["rounds"]),
                f"{total:.2f}",
                f"{model_s:.2f}",
                f"{s['pipeline_over_model']:.3f}" if model_s else "-",
                str(s["source"]),
            ]
        )
    result = {
        "benchmark": "drafting",
        "machine": machine(),
        "parameters": vars(args),
        "raw": runs,
        "median": summary,
    }
    path = write_result(args.name or ("drafting.quick" if args.quick else "drafting"), result)
    print(
        markdown_table(
            [
                "artifact",
                "tok in",
                "tok out",
                "raw s",
                "seam s",
                "seam/raw",
                "rounds",
                "draft s",
                "model s",
                "draft/model",
                "source",
            ],
            rows,
        )
    )
    print(f"results: {path}")


if __name__ == "__main__":
    main()
