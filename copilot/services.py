"""Builds the copilot's components from settings, once, and lazily (no model load for `reps`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

from langchain_core.embeddings import Embeddings

from copilot.diagnosis import Diagnoser
from copilot.embeddings import build_embeddings
from copilot.indexing import Indexer, SyncPlan
from copilot.knowledge import load_cards
from copilot.retrieval import Retriever
from copilot.settings import Settings
from copilot.store import Store
from copilot.vectors import FRAMEWORK_COLLECTION, ChromaVectors


class Services:
    """The app's components; tests pass their own embedder or vectors to the constructor."""

    def __init__(
        self,
        settings: Settings,
        embedder: Embeddings | None = None,
        vectors: ChromaVectors | None = None,
    ) -> None:
        self.settings = settings
        self._embedder = embedder
        self._vectors = vectors

    @cached_property
    def store(self) -> Store:
        return Store(self.settings.sqlalchemy_url)

    @cached_property
    def embedder(self) -> Embeddings:
        return self._embedder or build_embeddings(self.settings)

    @cached_property
    def vectors(self) -> ChromaVectors:
        return self._vectors or ChromaVectors(self.settings.chroma_path, self.settings.chroma_url)

    @cached_property
    def indexer(self) -> Indexer:
        s = self.settings
        return Indexer(self.vectors, self.embedder, s.chunk_tokens, s.chunk_overlap)

    @cached_property
    def retriever(self) -> Retriever:
        return Retriever(self.vectors, self.embedder)

    @cached_property
    def diagnoser(self) -> Diagnoser:
        return Diagnoser(self.store, self.settings)

    def init(self, progress: Callable[[int], None] | None = None) -> SyncPlan:
        """Create the schema and index the knowledge corpus (unchanged cards are skipped)."""
        self.store.create_schema()
        cards = load_cards(self.settings.knowledge_dir)
        chunks = [c for card in cards for c in self.indexer.card_chunks(card)]
        plan = self.indexer.plan(FRAMEWORK_COLLECTION, chunks, None)
        self.indexer.embed(plan, progress)
        self.indexer.apply(plan)
        return plan
