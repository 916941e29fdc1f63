"""Test doubles injected through constructors: a bag-of-words embedder and a leaky vector store."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from typing import Any

from langchain_core.embeddings import Embeddings

from copilot.schemas import Chunk
from copilot.vectors import Hit


class FakeEmbeddings(Embeddings):
    """Hashes words into 64 dimensions: deterministic, instant, and similar texts stay close."""

    model_id = "fake-bow-64"

    def __init__(self) -> None:
        self.calls: list[int] = []

    def _vector(self, text: str) -> list[float]:
        v = [0.0] * 64
        for word in re.findall(r"[a-z0-9]+", text.lower()):
            v[int(hashlib.md5(word.encode()).hexdigest(), 16) % 64] += 1.0
        norm = math.sqrt(sum(x * x for x in v)) or 1.0
        return [x / norm for x in v]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls.append(len(texts))
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


class LeakyVectors:
    """A store that also returns another team's records, as a mis-scoped Chroma query would."""

    def __init__(self, hits: list[Hit]) -> None:
        self.hits = hits

    def query(
        self, collection: str, vector: Sequence[float], k: int, where: dict[str, Any] | None
    ) -> list[Hit]:
        return self.hits[:k]


class FailingVectors:
    """Wraps a real store and fails on write, to prove imports roll back."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def hashes(self, collection: str, where: dict[str, Any] | None) -> dict[str, str]:
        return dict(self.inner.hashes(collection, where))

    def upsert(self, collection: str, chunks: Sequence[Chunk], vectors: Sequence[Any]) -> None:
        from copilot.errors import VectorStoreError

        raise VectorStoreError("disk full")

    def delete(self, collection: str, ids: Sequence[str]) -> None:
        self.inner.delete(collection, ids)
