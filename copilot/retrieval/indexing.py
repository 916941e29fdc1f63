"""Turns calls and cards into chunks and keeps the vector store in step with them.

Content is hashed with the embedder's id; a chunk whose hash is already stored is never
embedded again, and chunks that no longer exist for a source are deleted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from langchain_core.embeddings import Embeddings

from copilot.records.transcripts.chunking import timed_pieces
from copilot.retrieval.embeddings import model_id
from copilot.retrieval.schemas import Card, Chunk
from copilot.retrieval.tokens import chunk as token_chunks
from copilot.retrieval.vectors import FRAMEWORK

Progress = Callable[[int], None]
EMBED_BATCH = 32


class Vectors(Protocol):
    """What indexing and retrieval need from a vector store."""

    def hashes(self, collection: str, where: dict[str, Any] | None) -> dict[str, str]: ...
    def upsert(self, collection: str, chunks: Sequence[Chunk], vectors: Sequence[Any]) -> None: ...
    def delete(self, collection: str, ids: Sequence[str]) -> None: ...


class CallText(Protocol):
    """The fields of a call that get embedded (an import row or a stored call)."""

    call_id: str
    rep_id: str
    account: str
    stage: str
    source: str
    summary: str
    transcript: str | None
    manager_notes: str | None


@dataclass
class SyncPlan:
    """What one sync will do to one collection."""

    collection: str
    to_embed: list[Chunk] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    reused: int = 0
    vectors: list[list[float]] = field(default_factory=list)


class Indexer:
    """Chunks text, skips unchanged chunks, embeds the rest and writes them."""

    def __init__(self, vectors: Vectors, embedder: Embeddings, size: int, overlap: int) -> None:
        self.vectors = vectors
        self.embedder = embedder
        self.size = size
        self.overlap = overlap
        self.embedder_id = model_id(embedder)

    def _hash(self, text: str) -> str:
        return hashlib.sha256(f"{self.embedder_id}\n{text}".encode()).hexdigest()

    def call_chunks(self, call: CallText, team: str) -> list[Chunk]:
        """Chunks of a call's summary, transcript and manager notes, each with a header."""
        header = f"Call {call.call_id} with {call.account} ({call.stage}, {call.source})"
        out: list[Chunk] = []
        for name in ("summary", "transcript", "manager_notes"):
            text = getattr(call, name) or ""
            # A timed transcript is cut by whole lines: each chunk keeps speakers and times.
            timed = timed_pieces(text, self.size) if name == "transcript" else None
            pieces = (
                [p.text for p in timed] if timed else token_chunks(text, self.size, self.overlap)
            )
            for i, piece in enumerate(pieces):
                at = timed[i] if timed else None
                cite = f" from {at.moment} [call:{call.call_id}@{at.moment}]" if at else ""
                body = f"{header}, {name.replace('_', ' ')}{cite}:\n{piece}"
                out.append(
                    Chunk(
                        chunk_id=f"call:{call.call_id}:{name}:{i}",
                        text=body,
                        team=team,
                        source_id=f"call:{call.call_id}",
                        rep_id=call.rep_id,
                        field=name,
                        content_hash=self._hash(body),
                        moment=at.moment if at else "",
                        speakers=at.speakers if at else "",
                    )
                )
        return out

    def card_chunks(self, card: Card) -> list[Chunk]:
        """Chunks of a knowledge card, each led by the card's title."""
        pieces = token_chunks(card.body, self.size, self.overlap)
        return [
            Chunk(
                chunk_id=f"card:{card.id}:{i}",
                text=f"{card.title}\n{piece}",
                team=FRAMEWORK,
                source_id=f"card:{card.id}",
                field=card.kind,
                capability=card.capability or "",
                content_hash=self._hash(f"{card.title}\n{piece}"),
            )
            for i, piece in enumerate(pieces)
        ]

    def plan(self, collection: str, chunks: list[Chunk], sources: list[str] | None) -> SyncPlan:
        """Compare wanted chunks of `sources` (None: the whole collection) with what is stored."""
        plan = SyncPlan(collection)
        stored: dict[str, str] = {}
        if sources is None:
            stored = self.vectors.hashes(collection, None)
        for start in range(0, len(sources or []), 500):
            where = {"source_id": {"$in": (sources or [])[start : start + 500]}}
            stored.update(self.vectors.hashes(collection, where))
        wanted = {c.chunk_id for c in chunks}
        plan.stale = sorted(set(stored) - wanted)
        for c in chunks:
            if stored.get(c.chunk_id) == c.content_hash:
                plan.reused += 1
            else:
                plan.to_embed.append(c)
        return plan

    def embed(self, plan: SyncPlan, progress: Progress | None = None) -> None:
        """Compute vectors for the plan's new chunks, reporting progress per batch."""
        plan.to_embed.sort(key=lambda c: len(c.text))  # similar lengths batch with less padding
        texts = [c.text for c in plan.to_embed]
        for start in range(0, len(texts), EMBED_BATCH):
            batch = texts[start : start + EMBED_BATCH]
            plan.vectors.extend(self.embedder.embed_documents(batch))
            if progress:
                progress(len(batch))

    def apply(self, plan: SyncPlan) -> None:
        """Write the embedded chunks and delete the stale ones."""
        self.vectors.upsert(plan.collection, plan.to_embed, plan.vectors)
        self.vectors.delete(plan.collection, plan.stale)
