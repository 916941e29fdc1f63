"""Retrieval scoped to the caller's team, with every hit re-checked before it is returned.

Chroma's tenants are not a security boundary (public issues #7462, #7588) and a metadata
filter can return records that lack the key, so the team check here is the one that counts.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Protocol

from langchain_core.embeddings import Embeddings

from copilot.diagnosis.schemas import Capability
from copilot.retrieval.embeddings import model_id
from copilot.retrieval.schemas import RetrievedChunk
from copilot.retrieval.vectors import FRAMEWORK, Hit, framework_collection, team_collection

log = logging.getLogger(__name__)


class SearchableVectors(Protocol):
    """The query side of the vectors seam."""

    def query(
        self, collection: str, vector: Sequence[float], k: int, where: dict[str, Any] | None
    ) -> list[Hit]: ...


class Retriever:
    """Finds a team's call evidence and the framework's cards for a query."""

    def __init__(self, vectors: SearchableVectors, embedder: Embeddings) -> None:
        self.vectors = vectors
        self.embedder = embedder
        self.embedder_id = model_id(embedder)

    def admit(self, hit: Hit, team: str, rep_id: str | None) -> bool:
        """True only for a hit that carries the caller's team (and rep, when asked)."""
        if hit.metadata.get("team") != team:
            return False
        return rep_id is None or hit.metadata.get("rep_id") == rep_id

    def evidence(
        self, team: str, query: str, k: int = 8, rep_id: str | None = None
    ) -> list[RetrievedChunk]:
        """The `k` call chunks of `team` (optionally of one rep) nearest to `query`.

        The team's own collection is the scope; a `team` metadata filter would add nothing but
        cost (Chroma pre-filters: 245 ms against 1.4 ms at 100k chunks, benchmarks/README), and
        `admit` re-checks every hit anyway.
        """
        where = {"rep_id": rep_id} if rep_id is not None else None
        collection = team_collection(team, self.embedder_id)
        hits = self.vectors.query(collection, self.embedder.embed_query(query), k, where)
        kept = [h for h in hits if self.admit(h, team, rep_id)]
        if len(kept) < len(hits):
            log.warning("dropped %d retrieved chunk(s) outside team scope", len(hits) - len(kept))
        return [_chunk(h) for h in kept]

    def knowledge(
        self, query: str, k: int = 4, capability: Capability | None = None
    ) -> list[RetrievedChunk]:
        """The `k` framework chunks nearest to `query`, optionally about one capability."""
        where = {"capability": capability} if capability else None
        collection = framework_collection(self.embedder_id)
        hits = self.vectors.query(collection, self.embedder.embed_query(query), k, where)
        return [_chunk(h) for h in hits if self.admit(h, FRAMEWORK, None)]


def _chunk(hit: Hit) -> RetrievedChunk:
    return RetrievedChunk(
        chunk_id=hit.chunk_id,
        evidence_id=str(hit.metadata.get("source_id", hit.chunk_id)),
        text=hit.text,
        team=str(hit.metadata.get("team", "")),
        rep_id=str(hit.metadata.get("rep_id", "")),
        distance=hit.distance,
    )
