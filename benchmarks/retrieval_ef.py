"""Measures recall@8 against exact search, and query latency, of one team collection of 100k
chunks at several HNSW `ef_search` values, to choose the collection's setting
(`copilot/retrieval/vectors.py` `HNSW`) for recall@8 of at least 0.95.

The collection is built once through the app's seam (`ChromaVectors`, so with the app's space
and `ef_construction`); each `ef_search` is then set with Chroma's `modify` and measured in a
fresh process: a process that has already loaded the index keeps searching at the old value
(measured: recall stayed put after `modify`), one that sets it before the index loads uses it.
The vectors are the retrieval benchmark's: mixtures of MiniLM embeddings of synthetic call
texts (or, with `--synthetic`, of random unit vectors).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks import machine, markdown_table, median, percentile, write_result
from benchmarks.retrieval import F32, K, exact_top, mixtures
from benchmarks.synthetic import queries, texts
from copilot.retrieval.vectors import HNSW, ChromaVectors

DIM = 384
COLLECTION = "team-bench-ef"


def base_vectors(n: int, n_queries: int, seed: int, synthetic: bool) -> tuple[F32, F32]:
    """The base vectors the records mix, and the query vectors."""
    if synthetic:
        rng = np.random.default_rng(seed)
        base = rng.standard_normal((n, DIM)).astype(np.float32)
        base /= np.linalg.norm(base, axis=1, keepdims=True)
        qs, _ = mixtures(base, n_queries, 0.35, seed + 1)
        return base, qs
    from copilot.retrieval.embeddings import MiniLMEmbeddings

    embedder = MiniLMEmbeddings()
    base = np.array(embedder.embed_documents(texts(n, seed)), dtype=np.float32)
    qs = np.array(embedder.embed_documents(queries(n_queries, seed + 1)), dtype=np.float32)
    return base, qs


def build(vectors: ChromaVectors, matrix: F32, batch: int) -> tuple[Any, float]:
    """The collection, created as the app creates it, filled with `matrix`; the seconds taken."""
    col = vectors._collection(COLLECTION)
    start = time.perf_counter()
    for lo in range(0, len(matrix), batch):
        rows = matrix[lo : lo + batch]
        col.add(ids=[str(i) for i in range(lo, lo + len(rows))], embeddings=rows.tolist())
    return col, time.perf_counter() - start


def sweep(col: Any, qs: F32, tops: F32, repeats: int) -> dict[str, Any]:
    """Recall@K and latency of every query at the collection's `ef_search`."""
    lists = qs.tolist()
    for q in lists[:10]:  # load and warm the index
        col.query(query_embeddings=[q], n_results=K, include=[])
    runs: list[list[float]] = []
    recalls: list[float] = []
    for r in range(repeats):
        times: list[float] = []
        for qi, q in enumerate(lists):
            t0 = time.perf_counter()
            got = col.query(query_embeddings=[q], n_results=K, include=[])
            times.append(time.perf_counter() - t0)
            if r == 0:
                recalls.append(len({int(i) for i in got["ids"][0]} & set(tops[qi].tolist())) / K)
        runs.append(times)
    return {
        "recall_at_8": float(np.mean(recalls)),
        "recall_min": float(np.min(recalls)),
        "p50_ms": 1000 * median([percentile(t, 50) for t in runs]),
        "p95_ms": 1000 * median([percentile(t, 95) for t in runs]),
    }


def measure_in_process(folder: Path, ef: int, repeats: int) -> None:
    """Child process: set `ef_search` before the index loads, measure, print one JSON line."""
    vectors = ChromaVectors(path=folder / "chroma")
    col = vectors._client.get_collection(COLLECTION)
    col.modify(configuration={"hnsw": {"ef_search": ef}})
    row = sweep(col, np.load(folder / "queries.npy"), np.load(folder / "tops.npy"), repeats)
    print(json.dumps({"ef_search": ef, "stored": col.configuration["hnsw"]["ef_search"]} | row))


def measure(folder: Path, ef: int, repeats: int) -> dict[str, Any]:
    """One `ef_search`, measured in a fresh process."""
    command = [sys.executable, "-m", "benchmarks.retrieval_ef", "--measure", str(folder)]
    command += ["--ef", str(ef), "--repeats", str(repeats)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    row: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return row


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.retrieval_ef", description=__doc__)
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--base", type=int, default=2000, help="base vectors the records mix")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--noise", type=float, default=0.25)
    parser.add_argument("--efs", default="32,64,128,192,256,384,512")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--synthetic", action="store_true", help="random base, no MiniLM")
    parser.add_argument("--name", default="retrieval_ef")
    parser.add_argument("--measure", default=None, help=argparse.SUPPRESS)  # child process
    parser.add_argument("--ef", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        measure_in_process(Path(args.measure), args.ef, args.repeats)
        return
    base, qs = base_vectors(args.base, args.queries, args.seed, args.synthetic)
    matrix, _ = mixtures(base, args.chunks, args.noise, args.seed)
    tops = np.array([exact_top(matrix, q) for q in qs])
    exact = [_timed(lambda q=q: exact_top(matrix, q)) for q in qs]
    with tempfile.TemporaryDirectory(prefix="copilot-bench-ef-") as tmp:
        folder = Path(tmp)
        np.save(folder / "queries.npy", qs)
        np.save(folder / "tops.npy", tops)
        _, insert_s = build(ChromaVectors(path=folder / "chroma"), matrix, args.batch)
        print(f"{args.chunks} records in {insert_s:.0f} s", flush=True)
        rows = []
        for ef in (int(e) for e in args.efs.split(",")):
            rows.append(measure(folder, ef, args.repeats))
            print(rows[-1], flush=True)
    exact_ms = 1000 * percentile(exact, 50)
    enough = [r["ef_search"] for r in rows if r["recall_at_8"] >= 0.95]
    table = markdown_table(
        ["ef_search", "recall@8", "worst query", "p50", "p95"],
        [
            [
                str(r["ef_search"]),
                f"{r['recall_at_8']:.3f}",
                f"{r['recall_min']:.3f}",
                f"{r['p50_ms']:.1f} ms",
                f"{r['p95_ms']:.1f} ms",
            ]
            for r in rows
        ],
    )
    result = {
        "benchmark": "retrieval_ef",
        "machine": machine(),
        "parameters": vars(args) | {"k": K, "hnsw_at_build": HNSW},
        "insert_seconds": insert_s,
        "exact_numpy_p50_ms": exact_ms,
        "rows": rows,
        "lowest_ef_with_recall_0_95": min(enough) if enough else None,
    }
    path = write_result(args.name, result)
    print(table)
    lowest = result["lowest_ef_with_recall_0_95"]
    print(f"exact numpy p50 {exact_ms:.1f} ms; lowest ef with recall >= 0.95: {lowest}")
    print(f"wrote {path}")


def _timed(fn: Any) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
