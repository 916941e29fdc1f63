"""Builds the copilot's components from settings, once, and lazily (no model load for `reps`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

from langchain_core.embeddings import Embeddings
from sqlalchemy.orm import Session

from copilot.diagnosis.diagnoser import Diagnoser
from copilot.retrieval.bounded import WriteLimits
from copilot.retrieval.cards import load_cards
from copilot.retrieval.embeddings import build_embeddings
from copilot.retrieval.indexing import Indexer, SyncPlan
from copilot.retrieval.retriever import Retriever
from copilot.retrieval.vectors import ChromaVectors, framework_collection, team_collection
from copilot.settings import Settings
from copilot.store.database import Store


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
        return self._vectors or ChromaVectors(
            self.settings.chroma_path, self.settings.chroma_url, WriteLimits.of(self.settings)
        )

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

    def init(self, progress: Callable[[int], None] | None = None) -> list[SyncPlan]:
        """Create the schema, index the knowledge corpus, and bring every team's call chunks in
        line with the records (new embedder, lost vectors); unchanged chunks are skipped."""
        self.store.create_schema()
        cards = load_cards(self.settings.knowledge_dir)
        chunks = [c for card in cards for c in self.indexer.card_chunks(card)]
        plans = [self.indexer.plan(framework_collection(self.indexer.embedder_id), chunks, None)]
        known: set[str] = set()
        with self.store.sessions() as session:
            for team in Store.teams(session):
                calls = Store.calls_of(session, team)
                team_chunks = [c for call in calls for c in self.indexer.call_chunks(call, team)]
                collection = team_collection(team, self.indexer.embedder_id)
                known.add(collection)
                plans.append(self.indexer.plan(collection, team_chunks, None))
            plans += self._orphans(session, known)
        for plan in plans:
            self.indexer.embed(plan, progress)
            self.indexer.apply(plan)
        return plans

    def _orphans(self, session: Session, known: set[str]) -> list[SyncPlan]:
        """Chunks of calls the records no longer hold, in collections no team of the records
        owns (a process killed between the vector write and the SQL commit of an import, or a
        team whose reps are all gone); another embedder's chunks of existing calls are kept."""
        calls = {f"call:{c.call_id}" for c in Store.calls_of(session, None)}
        plans = []
        for name in self.vectors.names("team-"):
            if name in known:
                continue
            stale = sorted(i for i, src in self.vectors.sources(name).items() if src not in calls)
            if stale:
                plans.append(SyncPlan(name, stale=stale))
        return plans
