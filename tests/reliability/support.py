"""What the reliability tests share: a Chroma whose collections fail or stall on write,
and the check that the vector store holds exactly what the records hold."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from copilot.components import Services
from copilot.errors import VectorStoreError
from copilot.retrieval.bounded import WriteLimits
from copilot.retrieval.vectors import ChromaVectors, team_collection
from copilot.store.database import Store


class _FaultyCollection:
    """A Chroma collection whose writes obey its store's fault."""

    def __init__(self, inner: Any, store: FaultyChroma, name: str) -> None:
        self.inner = inner
        self.store = store
        self.name = name

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def upsert(self, **kwargs: Any) -> None:
        self.store.before_write(self.name)
        self.inner.upsert(**kwargs)

    def delete(self, **kwargs: Any) -> None:
        self.store.before_write(self.name)
        self.inner.delete(**kwargs)


class FaultyChroma(ChromaVectors):
    """Chroma on disk whose collections fail (`fault="fail"`) or stall until released
    (`fault="stall"`) on write, after `allowed` good writes; batches of `batch` records."""

    def __init__(self, path: Path, limits: WriteLimits, batch: int = 2) -> None:
        super().__init__(path, limits=limits)
        self.fault: str | None = None
        self.allowed = 0
        self.writes = 0
        self.written: list[str] = []  # the collection of each write tried
        self.batch = batch
        self.release = threading.Event()

    def max_batch(self) -> int:
        return self.batch

    def _collection(self, name: str) -> Any:
        inner = super()._collection(name)
        return _FaultyCollection(inner, self, name)

    def before_write(self, collection: str) -> None:
        self.writes += 1
        self.written.append(collection)
        if self.fault is None or self.writes <= self.allowed:
            return
        if self.fault == "stall":
            self.release.wait(20)
            return
        raise VectorStoreError("Query error: database or disk is full (code: 13)")


def out_of_step(services: Services) -> list[str]:
    """What differs between the records and the vector store (empty: they agree), collection by
    collection: chunks to embed (missing or changed) and chunks no call of the records has."""
    indexer = services.indexer
    problems: list[str] = []
    known: set[str] = set()
    with services.store.sessions() as session:
        for team in Store.teams(session):
            chunks = [
                c for call in Store.calls_of(session, team) for c in indexer.call_chunks(call, team)
            ]
            collection = team_collection(team, indexer.embedder_id)
            known.add(collection)
            plan = indexer.plan(collection, chunks, None)
            problems += [f"{team}: missing or changed {c.chunk_id}" for c in plan.to_embed]
            problems += [f"{team}: orphan {i}" for i in plan.stale]
    for name in services.vectors.names("team-"):
        if name not in known:
            problems += [f"{name}: orphan {i}" for i in services.vectors.sources(name)]
    return problems
