"""Undoes the vector half of an import whose SQL half did not commit.

An import writes its vectors inside the SQL transaction and commits last, so a failure after
the first vector write (a later batch refused, the commit itself failing) rolls the rows back
but not the vectors. `restore` brings every collection the import touched back in line with the
records as committed: chunks of uncommitted calls go, changed chunks get their committed text
back. When the vector store itself refuses writes, its recovery does the same for every
collection (`Services.init` after the probe write, see copilot/retrieval/bounded.py).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy import select

from copilot.retrieval.indexing import Indexer, SyncPlan
from copilot.retrieval.schemas import Chunk
from copilot.retrieval.vectors import team_collection
from copilot.store.database import Store
from copilot.store.tables import Call

log = logging.getLogger("copilot.records")


def _source(chunk_id: str) -> str:
    """`call:ID` of a chunk id `call:ID:field:i`."""
    return ":".join(chunk_id.split(":")[:2])


def restore(store: Store, indexer: Indexer, plans: Sequence[SyncPlan]) -> None:
    """Re-sync the sources `plans` wrote or deleted with what SQL holds for them now."""
    touched: dict[str, set[str]] = {}
    for plan in plans:
        ids = [c.chunk_id for c in plan.to_embed] + list(plan.stale)
        touched.setdefault(plan.collection, set()).update(_source(i) for i in ids)
    call_ids = {s.removeprefix("call:") for sources in touched.values() for s in sources}
    wanted: dict[str, list[Chunk]] = {}
    with store.sessions() as session:
        # Call ids are per team: each call is put back in its own team's collection only.
        for call in session.scalars(select(Call).where(Call.call_id.in_(call_ids))):
            collection = team_collection(call.team, indexer.embedder_id)
            wanted.setdefault(collection, []).extend(indexer.call_chunks(call, call.team))
    undone = 0
    for collection, sources in sorted(touched.items()):
        plan = indexer.plan(collection, wanted.get(collection, []), sorted(sources))
        indexer.embed(plan)
        indexer.apply(plan)
        undone += len(plan.to_embed) + len(plan.stale)
    if undone:
        log.warning("a failed import's vectors undone: %d chunk(s) put back in step", undone)
