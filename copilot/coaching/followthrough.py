"""Follow-through: for each open commitment, the rep's calls recorded after the session that
made it, ranked by the team-scoped retriever against the commitment's text, each cited by id."""

from __future__ import annotations

from collections.abc import Sequence

from copilot.coaching.loop import commitment_out, latest_notes
from copilot.coaching.schemas import CommitmentEvidence, EvidenceCall
from copilot.components import Services
from copilot.retrieval.schemas import RetrievedChunk
from copilot.store.database import Store
from copilot.store.tables import Call

CALLS_PER_COMMITMENT = 5
SNIPPET_CHARS = 280
# Chunks asked of the retriever per candidate call: a call has a few (summary, transcript,
# notes) and the rep's earlier calls compete for the same places until filtered out.
_CHUNKS_PER_CALL = 4
_MAX_K = 100


def snippet(text: str) -> str:
    """The chunk's text without its `Call ... with ...:` header line, cut at a word."""
    body = text.split("\n", 1)[1] if "\n" in text else text
    body = " ".join(body.split())
    if len(body) <= SNIPPET_CHARS:
        return body
    return body[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " ..."


def rank_calls(
    hits: Sequence[RetrievedChunk], candidates: dict[str, Call], limit: int
) -> list[EvidenceCall]:
    """The candidate calls in the hits' order, each once with its nearest chunk."""
    found: dict[str, EvidenceCall] = {}
    for hit in hits:
        call_id = hit.evidence_id.removeprefix("call:")
        call = candidates.get(call_id)
        if call is None or call_id in found:
            continue
        found[call_id] = EvidenceCall(
            call_id=call_id,
            evidence_id=f"call:{call_id}",
            date=call.date,
            account=call.account,
            snippet=snippet(hit.text),
            distance=round(hit.distance, 4),
        )
        if len(found) == limit:
            break
    return list(found.values())


def commitment_evidence(
    services: Services, team: str, rep_id: str, limit: int = CALLS_PER_COMMITMENT
) -> list[CommitmentEvidence]:
    """Each open commitment of the team's rep, earliest due first, with the calls since."""
    store = services.store
    today = services.settings.today()
    with store.sessions() as session:
        store.rep(session, rep_id, team)
        commitments = [c for c in Store.commitments(session, team, rep_id) if c.status == "open"]
        made = {s.session_id: s.date for s in Store.coaching_sessions(session, team, rep_id)}
        calls = Store.calls(session, team, rep_id)
        notes = latest_notes(session, team, [c.commitment_id for c in commitments])
    out = []
    for c in commitments:
        since = made[c.session_id]
        after = {call.call_id: call for call in calls if call.date > since}
        ranked: list[EvidenceCall] = []
        if after:
            k = min(_MAX_K, _CHUNKS_PER_CALL * len(calls))
            hits = services.retriever.evidence(team, c.text, k, rep_id)
            ranked = rank_calls(hits, after, limit)
        out.append(
            CommitmentEvidence(
                commitment=commitment_out(c, notes.get(c.commitment_id)),
                session_date=since,
                overdue=c.due < today,
                calls=ranked,
            )
        )
    return out
