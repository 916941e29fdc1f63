"""The vectors seam: Chroma on disk (or a Chroma server by URL), one collection per team.

Chroma's tenants are no security boundary, so isolation is ours: a collection per team,
team metadata on every record, and the retriever re-checks every hit.

Chroma refuses a write of more records than its client's `get_max_batch_size()` (5,461 on
disk), so writes go in batches of at most that many: an import, `copilot init` or a start-up
sync of any size lands whole.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from copilot.errors import VectorStoreError
from copilot.retrieval.bounded import WriteGate, WriteLimits
from copilot.retrieval.schemas import Chunk

log = logging.getLogger(__name__)
FRAMEWORK = "framework"  # the team tag of knowledge chunks, shared by every team
# Recall@8 against exact search at 100k chunks (benchmarks/retrieval_ef): 0.898 at ef_search
# 128, 0.963 at 384, 0.989 at 512; 512 keeps >= 0.95 with a margin, well under exact's latency.
HNSW = {"space": "cosine", "ef_search": 512, "ef_construction": 128}
DEFAULT_MAX_BATCH = 1000  # when a Chroma server does not say (it answers -1)


@dataclass(frozen=True)
class Hit:
    """One raw query result: the record's id, text, metadata and cosine distance."""

    chunk_id: str
    text: str
    metadata: dict[str, Any]
    distance: float


def close_http_sessions(system: Any) -> None:
    """Close the HTTP sessions of a Chroma client system (one per server, shared by its
    clients): left open, their sockets close at some later garbage collection, with a warning."""
    for component in system._instances.values():
        session = getattr(component, "_session", None)
        if session is not None and hasattr(session, "close"):
            session.close()


def team_collection(team: str, embedder_id: str) -> str:
    """A team's collection: a readable slug plus a hash of the team and the embedder.

    The embedder is part of the name so that switching embedders (say local to OpenAI) never
    mixes vector sizes; `copilot init` re-indexes the records into the new collections.
    """
    slug = re.sub(r"[^a-z0-9]+", "-", team.lower()).strip("-")[:40] or "team"
    digest = hashlib.sha256(f"{team}\n{embedder_id}".encode()).hexdigest()[:10]
    return f"team-{slug}-{digest}"


def framework_collection(embedder_id: str) -> str:
    """The knowledge cards' collection for one embedder."""
    return f"framework-{hashlib.sha256(embedder_id.encode()).hexdigest()[:10]}"


class ChromaVectors:
    """Chroma behind the few operations the copilot needs."""

    def __init__(
        self, path: Path | None = None, url: str | None = None, limits: WriteLimits | None = None
    ) -> None:
        self._path, self._url = path, url
        self._open()
        self._collections: dict[str, Any] = {}
        self._max_batch: int | None = None
        # Every write goes through the gate (see copilot/retrieval/bounded.py for why).
        self.gate = WriteGate(None if url else path, limits or WriteLimits(), self._reopen)

    def _open(self) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        path, url = self._path, self._url
        settings = ChromaSettings(anonymized_telemetry=False)
        try:
            if url:
                parts = urlparse(url)
                self._client: Any = chromadb.HttpClient(
                    host=parts.hostname or "localhost",
                    port=parts.port or 8000,
                    ssl=parts.scheme == "https",
                    settings=settings,
                )
            else:
                if path is None:
                    raise VectorStoreError("ChromaVectors needs a path or a url")
                path.mkdir(parents=True, exist_ok=True)
                self._client = chromadb.PersistentClient(path=str(path), settings=settings)
        except VectorStoreError:
            raise
        except Exception as exc:
            raise VectorStoreError(f"cannot open Chroma at {url or path}: {exc}") from exc

    def _reopen(self) -> None:
        """A new client in place of one whose write failed. Chroma keeps one system per path
        (or server) for the whole process, so this client's system is dropped from its cache:
        the next client opened is new. Only this one: dropping every system would orphan other
        clients' HTTP sessions, whose sockets then close at some later garbage collection."""
        from chromadb.api.shared_system_client import SharedSystemClient as Shared

        identifier = getattr(self._client, "_identifier", None)
        system = Shared._identifier_to_system.pop(identifier, None) if identifier else None
        Shared._identifier_to_refcount.pop(identifier or "", None)
        if identifier is None:
            Shared.clear_system_cache()
        if system is not None and self._url:
            # a failed server's session holds sockets; a failed disk's system is left unstopped
            # (stopping it can hang in the bindings after a full disk)
            close_http_sessions(system)
        self._collections.clear()
        self._open()

    def probe(self) -> None:
        """One record written and deleted again: proves the store takes writes."""
        col = self._collection("copilot-probe")
        col.upsert(ids=["probe"], embeddings=[[0.0, 1.0]], documents=["probe"])
        col.delete(ids=["probe"])

    def max_batch(self) -> int:
        """The most records one Chroma write may carry (asked once: by URL it is a request)."""
        if self._max_batch is None:
            try:
                size = int(self._client.get_max_batch_size())
            except Exception as exc:
                raise VectorStoreError(f"Chroma did not answer: {exc}") from exc
            self._max_batch = size if size > 0 else DEFAULT_MAX_BATCH
        return self._max_batch

    def _collection(self, name: str) -> Any:
        if name not in self._collections:
            col = self._client.get_or_create_collection(
                name, embedding_function=None, configuration={"hnsw": HNSW}
            )
            # A collection made before `ef_search` moved keeps its old value; set before the
            # index loads in this process, the new one applies at once (benchmarks/retrieval_ef).
            ef = ((col.configuration or {}).get("hnsw") or {}).get("ef_search")
            if ef != HNSW["ef_search"] and not self._move_ef_search(name, col):
                return col  # read with the old value now; moved when writes are taken
            self._collections[name] = col
        return self._collections[name]

    def _move_ef_search(self, name: str, col: Any) -> bool:
        """Set the measured `ef_search` on a collection made before it: a write, so it goes
        through the gate (bounded in time, refused while writes are) unless it is already
        inside a gated write. False when the gate refuses it now."""

        def modify() -> None:
            col.modify(configuration={"hnsw": {"ef_search": HNSW["ef_search"]}})

        if self.gate.within():
            modify()
            return True
        try:
            self.gate.run(f"setting ef_search on {name}", 0, modify)
        except VectorStoreError as exc:  # refused or failed: the gate says which
            log.warning("ef_search of %s left as it was for now: %s", name, exc)
            return False
        return True

    def hashes(self, collection: str, where: dict[str, Any] | None) -> dict[str, str]:
        """Stored chunk id -> content hash for the records matching `where` (None: all)."""
        try:
            got = self._collection(collection).get(where=where, include=["metadatas"])
        except Exception as exc:
            raise VectorStoreError(f"reading {collection} failed: {exc}") from exc
        return {
            i: str(m.get("content_hash", ""))
            for i, m in zip(got["ids"], got["metadatas"], strict=False)
        }

    def upsert(self, collection: str, chunks: Sequence[Chunk], vectors: Sequence[Any]) -> None:
        """Write chunks with their vectors, in batches Chroma accepts; an existing id is
        replaced."""
        if not chunks:
            return
        if len(vectors) != len(chunks):
            raise VectorStoreError(f"{len(chunks)} chunks but {len(vectors)} vectors")
        step = self.max_batch()
        for start in range(0, len(chunks), step):
            batch, part = chunks[start : start + step], vectors[start : start + step]

            def write(batch: Sequence[Chunk] = batch, part: Sequence[Any] = part) -> None:
                try:
                    self._collection(collection).upsert(
                        ids=[c.chunk_id for c in batch],
                        embeddings=[list(v) for v in part],
                        documents=[c.text for c in batch],
                        metadatas=[c.model_dump(exclude={"chunk_id", "text"}) for c in batch],
                    )
                except Exception as exc:
                    raise VectorStoreError(f"writing to {collection} failed: {exc}") from exc

            self.gate.run(f"writing to {collection}", len(batch), write)

    def delete(self, collection: str, ids: Sequence[str]) -> None:
        """Remove records by id, in batches Chroma accepts."""
        if not ids:
            return
        step = self.max_batch()
        for start in range(0, len(ids), step):
            part = list(ids[start : start + step])

            def write(part: list[str] = part) -> None:
                try:
                    self._collection(collection).delete(ids=part)
                except Exception as exc:
                    raise VectorStoreError(f"deleting from {collection} failed: {exc}") from exc

            self.gate.run(f"deleting from {collection}", 0, write)

    def query(
        self, collection: str, vector: Sequence[float], k: int, where: dict[str, Any] | None
    ) -> list[Hit]:
        """The `k` nearest records to `vector` among those matching `where`."""
        col = self._collection(collection)
        try:
            got = col.query(
                query_embeddings=[list(vector)],
                n_results=k,
                where=where,
                include=["documents", "metadatas", "distances"],
            )
        except Exception as exc:
            raise VectorStoreError(f"querying {collection} failed: {exc}") from exc
        return [
            Hit(i, doc or "", dict(meta or {}), float(dist))
            for i, doc, meta, dist in zip(
                got["ids"][0],
                got["documents"][0],
                got["metadatas"][0],
                got["distances"][0],
                strict=False,
            )
        ]

    def count(self, collection: str) -> int:
        """Records in a collection."""
        return int(self._collection(collection).count())

    def names(self, prefix: str = "") -> list[str]:
        """The names of the stored collections that start with `prefix`."""
        try:
            return sorted(
                c.name for c in self._client.list_collections() if c.name.startswith(prefix)
            )
        except Exception as exc:
            raise VectorStoreError(f"Chroma did not answer: {exc}") from exc

    def sources(self, collection: str) -> dict[str, str]:
        """Stored chunk id -> the record it was cut from (`call:ID`), for the whole collection."""
        try:
            got = self._collection(collection).get(include=["metadatas"])
        except Exception as exc:
            raise VectorStoreError(f"reading {collection} failed: {exc}") from exc
        return {
            i: str(m.get("source_id", ""))
            for i, m in zip(got["ids"], got["metadatas"], strict=False)
        }

    def collections(self) -> int:
        """How many collections the store holds (a cheap round trip for health checks)."""
        try:
            return len(self._client.list_collections())
        except Exception as exc:
            raise VectorStoreError(f"Chroma did not answer: {exc}") from exc
