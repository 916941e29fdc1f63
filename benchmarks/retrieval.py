"""Measures per-query latency of the app's Chroma query path (ChromaVectors.query on the team's
own collection, k=8, no metadata filter, as Retriever.evidence does) against exact brute-force
numpy search over the same unit vectors, plus recall@8 against the exact top-8, the time to
insert through ChromaVectors.upsert, and (for context) the same query with a team filter.
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks import machine, markdown_table, median, percentile, write_result
from benchmarks.synthetic import TEAM, queries, texts
from copilot.retrieval.embeddings import MiniLMEmbeddings
from copilot.retrieval.schemas import Chunk
from copilot.retrieval.vectors import HNSW, ChromaVectors, Hit, team_collection

F32 = np.ndarray[Any, np.dtype[np.float32]]
K = 8


def mixtures(base: F32, n: int, noise: float, seed: int) -> tuple[F32, np.ndarray[Any, Any]]:
    """`n` unit vectors v = normalize(a*e_i + b*e_j + noise*g); returns them and each i."""
    rng = np.random.default_rng(seed)
    i = rng.integers(0, len(base), n)
    j = rng.integers(0, len(base), n)
    a = rng.uniform(0.6, 1.0, (n, 1)).astype(np.float32)
    b = rng.uniform(0.0, 0.4, (n, 1)).astype(np.float32)
    g = rng.standard_normal((n, base.shape[1]), dtype=np.float32) / np.sqrt(base.shape[1])
    v = a * base[i] + b * base[j] + np.float32(noise) * g
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    return v.astype(np.float32), i


def exact_top(matrix: F32, q: F32) -> list[int]:
    """Exact top-K by inner product (cosine on unit vectors), best first."""
    scores = matrix @ q
    top = np.argpartition(-scores, K)[:K]
    return [int(x) for x in top[np.argsort(-scores[top])]]


def insert(vectors: ChromaVectors, name: str, matrix: F32, docs: list[str], batch: int) -> float:
    """Upsert every row as a team chunk in batches; returns seconds spent inside upsert."""
    spent = 0.0
    for start in range(0, len(matrix), batch):
        rows = range(start, min(start + batch, len(matrix)))
        chunks = [
            Chunk(
                chunk_id=f"bench:{n}",
                text=docs[n],
                team=TEAM,
                source_id=f"call:B{n // 6:06d}",
                rep_id=f"R{n % 20:03d}",
                field=("summary", "transcript", "manager_notes")[n % 3],
                content_hash=hashlib.sha256(str(n).encode()).hexdigest(),
            )
            for n in rows
        ]
        lists = matrix[start : rows.stop].tolist()
        t0 = time.perf_counter()
        vectors.upsert(name, chunks, lists)
        spent += time.perf_counter() - t0
    return spent


def _ids(hits: list[Hit]) -> set[int]:
    return {int(h.chunk_id.split(":")[1]) for h in hits}


def measure(
    vectors: ChromaVectors,
    name: str,
    where: dict[str, Any] | None,
    matrix: F32,
    qs: F32,
    *,
    repeats: int,
) -> tuple[list[list[float]], list[list[float]], list[float], dict[str, list[float]]]:
    """Per-query seconds: Chroma (app path) and numpy exact per repeat, Chroma with a team
    filter once; and recall@K of both Chroma paths against the exact top-K per query."""
    chroma: list[list[float]] = []
    exact: list[list[float]] = []
    recalls: dict[str, list[float]] = {"app": [], "team_filter": []}
    tops: list[set[int]] = []
    q_lists = qs.tolist()
    for qi in range(min(10, len(qs))):  # warm: load the index, touch the matrix
        vectors.query(name, q_lists[qi], K, where)
        exact_top(matrix, qs[qi])
    for r in range(repeats):
        ch: list[float] = []
        ex: list[float] = []
        for qi, q in enumerate(q_lists):  # interleaved so contention hits both alike
            t0 = time.perf_counter()
            hits = vectors.query(name, q, K, where)
            ch.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            top = exact_top(matrix, qs[qi])
            ex.append(time.perf_counter() - t0)
            if r == 0:
                tops.append(set(top))
                recalls["app"].append(len(_ids(hits) & tops[qi]) / K)
        chroma.append(ch)
        exact.append(ex)
    unfiltered: list[float] = []
    for qi, q in enumerate(q_lists):  # context only: the same query with a team metadata filter
        t0 = time.perf_counter()
        hits = vectors.query(name, q, K, {"team": TEAM})
        unfiltered.append(time.perf_counter() - t0)
        recalls["team_filter"].append(len(_ids(hits) & tops[qi]) / K)
    return chroma, exact, unfiltered, recalls


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.retrieval", description=__doc__)
    parser.add_argument("--chunks", type=int, default=100_000, help="records in the collection")
    parser.add_argument("--base", type=int, default=2000, help="real texts embedded with MiniLM")
    parser.add_argument("--queries", type=int, default=200, help="real query strings embedded")
    parser.add_argument("--noise", type=float, default=0.25, help="gaussian noise norm per vector")
    parser.add_argument("--batch", type=int, default=2000, help="records per upsert call")
    parser.add_argument("--repeats", type=int, default=3, help="passes over all queries")
    parser.add_argument("--seed", type=int, default=11, help="random seed")
    parser.add_argument("--quick", action="store_true", help="smoke run: 10k chunks, 500 base")
    parser.add_argument("--name", default=None, help="result file name (default by mode)")
    args = parser.parse_args(argv)
    if args.quick:
        args.chunks, args.base, args.repeats = 10_000, 500, 1

    embedder = MiniLMEmbeddings()
    base_texts = texts(args.base, args.seed)
    t0 = time.perf_counter()
    base = np.array(embedder.embed_documents(base_texts), dtype=np.float32)
    base_embed_s = time.perf_counter() - t0
    qs = np.array(embedder.embed_documents(queries(args.queries, args.seed + 1)), np.float32)
    matrix, origin = mixtures(base, args.chunks, args.noise, args.seed)
    docs = [base_texts[int(i)] for i in origin]
    name, where = team_collection(TEAM, embedder.model_id), None

    with tempfile.TemporaryDirectory(prefix="copilot-bench-") as tmp:
        vectors = ChromaVectors(path=Path(tmp) / "chroma")
        insert_s = insert(vectors, name, matrix, docs, args.batch)
        assert vectors.count(name) == args.chunks
        chroma, exact, unfiltered, recalls = measure(
            vectors, name, where, matrix, qs, repeats=args.repeats
        )

    def ms(runs: list[list[float]], q: float) -> float:
        return 1000 * median([percentile(run, q) for run in runs])

    c50, c95, e50, e95 = ms(chroma, 50), ms(chroma, 95), ms(exact, 50), ms(exact, 95)
    u50, u95 = ms([unfiltered], 50), ms([unfiltered], 95)
    recall = float(np.mean(recalls["app"]))
    recall_unfiltered = float(np.mean(recalls["team_filter"]))
    result = {
        "benchmark": "retrieval",
        "machine": machine(),
        "parameters": vars(args) | {"k": K, "team": TEAM, "where": where},
        "data": {
            "description": "base: MiniLM int8 embeddings of seeded synthetic sales-call texts "
            "(summaries, transcript excerpts, manager notes, <=700 chars); each record is "
            "normalize(a*e_i + b*e_j + noise*g), a~U(0.6,1), b~U(0,0.4), g~N(0, I/384), "
            "i,j uniform over base; queries: MiniLM embeddings of seeded coach questions. "
            "All records carry the one team (one collection per team, as in the app).",
            "base_embed_seconds": base_embed_s,
            "collection": "Chroma PersistentClient via copilot ChromaVectors, cosine HNSW "
            f"with {HNSW}",
        },
        "insert": {"seconds": insert_s, "records_per_s": args.chunks / insert_s},
        "raw_seconds": {
            "chroma_app": chroma,
            "numpy_exact": exact,
            "chroma_team_filter": unfiltered,
        },
        "median_over_repeats_ms": {
            "chroma_p50": c50,
            "chroma_p95": c95,
            "numpy_p50": e50,
            "numpy_p95": e95,
            "chroma_team_filter_p50": u50,
            "chroma_team_filter_p95": u95,
        },
        "recall_at_8": recall,
        "recall_at_8_team_filter": recall_unfiltered,
        "recall_per_query": recalls,
        "ratios": {"chroma_over_numpy_median": c50 / e50},
    }
    path = write_result(args.name or ("retrieval.quick" if args.quick else "retrieval"), result)
    rows = [
        ["Chroma query (app path)", f"{c50:.2f}", f"{c95:.2f}", f"{recall:.3f}"],
        ["numpy exact (M @ q)", f"{e50:.2f}", f"{e95:.2f}", "1.000"],
        [
            "(context) Chroma with team filter, 1 pass",
            f"{u50:.2f}",
            f"{u95:.2f}",
            f"{recall_unfiltered:.3f}",
        ],
    ]
    print(markdown_table(["search", "p50 ms", "p95 ms", "recall@8"], rows))
    print(
        f"\n{args.chunks} records, {args.queries} queries x {args.repeats} repeats; "
        f"chroma/numpy median ratio {c50 / e50:.2f}; insert {insert_s:.1f} s "
        f"({args.chunks / insert_s:.0f} records/s)"
    )
    print(f"results: {path}")


if __name__ == "__main__":
    main()
