"""Measures end-to-end `ingest()` throughput (parse, chunk, embed, SQL + Chroma writes) against
raw ONNX embedding of exactly the same chunk texts batched the same way, in chunks per second;
also times a re-import of unchanged files, which should embed nothing.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import machine, markdown_table, median, write_result
from benchmarks.synthetic import TEAM, write_team
from copilot.components import Services
from copilot.records.ingest import ingest
from copilot.records.readers import read_file
from copilot.retrieval.embeddings import BATCH, MiniLMEmbeddings
from copilot.retrieval.indexing import EMBED_BATCH
from copilot.settings import Settings


def services_at(data_dir: Path, embedder: MiniLMEmbeddings) -> Services:
    """Services on a fresh data dir (new SQLite file and Chroma directory), schema created."""
    settings = Settings(data_dir=data_dir, database_url=None, chroma_url=None, embeddings="local")
    services = Services(settings, embedder=embedder)
    services.store.create_schema()
    _ = services.indexer  # opens Chroma outside the timed region
    return services


def chunk_texts(calls_path: Path, services: Services) -> list[str]:
    """The chunk texts ingest() embeds for these calls (same reader, same Indexer)."""
    parsed = read_file(calls_path, "calls")
    assert not parsed.errors, parsed.errors
    return [c.text for _, row in parsed.rows for c in services.indexer.call_chunks(row, TEAM)]


def time_ingest(paths: list[Path], root: Path, embedder: MiniLMEmbeddings) -> dict[str, Any]:
    """One fresh import, then a re-import of the same files into the same data dir."""
    services = services_at(root, embedder)
    start = time.perf_counter()
    report = ingest(services.store, services.indexer, paths)
    first = time.perf_counter() - start
    start = time.perf_counter()
    again = ingest(services.store, services.indexer, paths)
    second = time.perf_counter() - start
    services.store.engine.dispose()
    return {
        "seconds": first,
        "chunks_embedded": report.chunks_embedded,
        "reimport_seconds": second,
        "reimport_chunks_embedded": again.chunks_embedded,
        "reimport_chunks_reused": again.chunks_reused,
    }


def time_raw(texts: list[str], embedder: MiniLMEmbeddings) -> float:
    """Seconds to embed `texts` as Indexer.embed does: sorted by length, batches of 32."""
    ordered = sorted(texts, key=len)
    start = time.perf_counter()
    for i in range(0, len(ordered), EMBED_BATCH):
        embedder.encode_batch(ordered[i : i + EMBED_BATCH])
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ingest_embed", description=__doc__)
    parser.add_argument("--calls", type=int, default=300, help="calls in calls.jsonl")
    parser.add_argument("--reps", type=int, default=20, help="reps in reps.csv")
    parser.add_argument("--repeats", type=int, default=3, help="timed repeats (median reported)")
    parser.add_argument("--seed", type=int, default=7, help="random seed for the synthetic team")
    parser.add_argument("--threads", type=int, default=0, help="onnxruntime intra-op threads")
    parser.add_argument("--quick", action="store_true", help="smoke run: 40 calls, 1 repeat")
    parser.add_argument("--name", default=None, help="result file name (default by mode)")
    args = parser.parse_args(argv)
    if args.quick:
        args.calls, args.repeats = 40, 1
    assert EMBED_BATCH == BATCH, "ingest batches by Indexer.EMBED_BATCH, then embed_documents"

    embedder = MiniLMEmbeddings(threads=args.threads)
    runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="copilot-bench-") as tmp:
        root = Path(tmp)
        paths = write_team(root / "import", args.reps, args.calls, args.seed)
        texts = chunk_texts(paths[1], services_at(root / "probe", embedder))
        warm = sorted(texts, key=len)
        for i in range(0, len(warm), max(1, len(warm) // 4)):  # warm up: short to long
            embedder.encode_batch(warm[i : i + EMBED_BATCH])
        for r in range(args.repeats):  # alternate the two so CPU contention hits both alike
            run = time_ingest(paths, root / f"run{r}", embedder)
            run["raw_seconds"] = time_raw(texts, embedder)
            runs.append(run)
            print(f"repeat {r + 1}/{args.repeats}: {run}", flush=True)

    n = len(texts)
    assert all(run["chunks_embedded"] == n for run in runs), "ingest embedded other chunks"
    ingest_s = median([run["seconds"] for run in runs])
    raw_s = median([run["raw_seconds"] for run in runs])
    ingest_rate = median([n / run["seconds"] for run in runs])
    raw_rate = median([n / run["raw_seconds"] for run in runs])
    reimport_s = median([run["reimport_seconds"] for run in runs])
    ratio = ingest_rate / raw_rate
    result = {
        "benchmark": "ingest_embed",
        "machine": machine(),
        "parameters": vars(args) | {"team": TEAM, "embed_batch": EMBED_BATCH},
        "data": {
            "chunks": n,
            "chunk_chars_median": median([float(len(t)) for t in texts]),
            "chunk_chars_max": max(len(t) for t in texts),
            "description": "one synthetic team (seeded), calls with mixed-length summaries, "
            "transcripts (none to ~90 turns) and manager notes; chunk texts from "
            "Indexer.call_chunks, embedded with the real MiniLM int8 ONNX model",
        },
        "raw": runs,
        "median": {
            "ingest_seconds": ingest_s,
            "raw_embed_seconds": raw_s,
            "ingest_chunks_per_s": ingest_rate,
            "raw_chunks_per_s": raw_rate,
            "reimport_seconds": reimport_s,
            "non_embedding_overhead_seconds": ingest_s - raw_s,
        },
        "ratios": {
            "ingest_over_raw_throughput": ratio,
            "target": 0.8,
            "meets_target": ratio >= 0.8,
            "per_repeat_paired": [run["raw_seconds"] / run["seconds"] for run in runs],
        },
    }
    path = write_result(
        args.name or ("ingest_embed.quick" if args.quick else "ingest_embed"), result
    )
    rows = [
        ["ingest() fresh", f"{n}", f"{ingest_s:.2f}", f"{ingest_rate:.1f}"],
        ["raw encode_batch", f"{n}", f"{raw_s:.2f}", f"{raw_rate:.1f}"],
        [
            "re-import (unchanged)",
            f"{max(r['reimport_chunks_embedded'] for r in runs)}",
            f"{reimport_s:.2f}",
            "-",
        ],
    ]
    print(markdown_table(["path", "chunks embedded", "median s", "chunks/s"], rows))
    print(f"\nratio ingest/raw throughput: {ratio:.3f} (target >= 0.8); {args.repeats} repeats")
    print(f"results: {path}")


if __name__ == "__main__":
    main()
