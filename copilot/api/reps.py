"""`/v1/reps`: the team's reps in coaching-priority order, one rep with its history, a rep's
diagnosis, and adding one call note. Everything is scoped by the caller's token team.

The team's diagnoses (the board) are computed once per data version and day, and shared by
every request until a write to the team's records moves the version.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from copilot.api.deps import CurrentManager, ServicesDep
from copilot.api.disconnects import stage
from copilot.api.records import add_call
from copilot.api.schemas import (
    CallNote,
    CallNoteResult,
    CallView,
    CommitmentItem,
    DraftSummary,
    RepDetail,
    RepProfile,
    RepSummary,
    SessionView,
)
from copilot.components import Services
from copilot.diagnosis.schemas import Diagnosis
from copilot.store.database import Store
from copilot.store.tables import Draft

router = APIRouter(prefix="/v1/reps", tags=["reps"])
BOARD = "board-diagnoses"


def summary(d: Diagnosis, rank: int) -> RepSummary:
    """One rep's line of `copilot reps --json`."""
    return RepSummary(
        rank=rank,
        rep_id=d.rep_id,
        name=d.name,
        team=d.team,
        quadrant=d.quadrant,
        attainment=d.results.attainment,
        desire=d.desire.level,
        abstain=d.abstain,
        focus=d.focus.capability if d.focus else None,
        lost_wins=d.focus.lost_wins if d.focus else None,
        overdue_commitments=len(d.overdue_commitments),
    )


def draft_summary(row: Draft) -> DraftSummary:
    """A stored draft's header, without its body."""
    return DraftSummary(
        draft_id=row.id,
        kind=row.kind,
        period=row.period,
        status=row.status,
        source=row.source,
        model=row.model,
        guard_passed=bool(row.guard_report.get("passed")),
        created_at=row.created_at,
    )


@router.get(
    "",
    summary="List the team's reps",
    description="Every rep of the caller's team in coaching-priority order, with quadrant, "
    "focus, attainment, desire, lost wins and overdue commitments.",
)
async def list_reps(
    request: Request, manager: CurrentManager, services: ServicesDep
) -> list[RepSummary]:
    found = await stage(request, board, services, manager.team)  # not for a client gone
    return [summary(d, i) for i, d in enumerate(found, start=1)]


def board(services: Services, team: str) -> list[Diagnosis]:
    """The team's diagnoses in coaching-priority order, as of the team's data version."""
    cache, today = services.store.derived, services.settings.today()
    version = cache.version(team)
    return cache.get(BOARD, (team, today), version, lambda: services.diagnoser.team(team))


def _ranked(services: Services, team: str, rep_id: str) -> tuple[Diagnosis, int]:
    """A rep's diagnosis and rank from the board; one not on it is diagnosed directly (which
    answers not found for another team's rep as for a missing one)."""
    for rank, d in enumerate(board(services, team), start=1):
        if d.rep_id == rep_id:
            return d, rank
    return services.diagnoser.rep(rep_id, team), 0


@router.get(
    "/{rep_id}",
    summary="One rep with history",
    description="The rep's profile, diagnosis summary, calls and coaching sessions (newest "
    "first, with commitments) and stored drafts. Transcripts only with `?transcripts=true`.",
)
def rep_detail(
    rep_id: str,
    manager: CurrentManager,
    services: ServicesDep,
    transcripts: Annotated[bool, Query(description="Include call transcripts.")] = False,
) -> RepDetail:
    diagnosis, rank = _ranked(services, manager.team, rep_id)
    with services.store.sessions() as session:
        rep = services.store.rep(session, rep_id, manager.team)
        calls = [
            CallView.model_validate(c, from_attributes=True).model_copy(
                update={} if transcripts else {"transcript": None}
            )
            for c in Store.calls(session, manager.team, rep_id)
        ]
        commitments = Store.commitments(session, manager.team, rep_id)
        sessions = [
            SessionView(
                session_id=s.session_id,
                date=s.date,
                focus=s.focus,
                notes=s.notes,
                commitments=[
                    CommitmentItem.model_validate(c, from_attributes=True)
                    for c in commitments
                    if c.session_id == s.session_id
                ],
            )
            for s in Store.coaching_sessions(session, manager.team, rep_id)
        ]
        drafts = [draft_summary(d) for d in Store.drafts(session, manager.team, rep_id)]
        profile = RepProfile.model_validate(rep, from_attributes=True)
    return RepDetail(
        rep=profile,
        summary=summary(diagnosis, rank),
        calls=calls,
        sessions=sessions,
        drafts=drafts,
    )


@router.get(
    "/{rep_id}/diagnosis",
    summary="Diagnose one rep",
    description="Quadrant, funnel gaps, the single focus (or abstention) and the evidence, as "
    "`copilot diagnose --json` prints it.",
)
def diagnosis(rep_id: str, manager: CurrentManager, services: ServicesDep) -> Diagnosis:
    return _ranked(services, manager.team, rep_id)[0]


@router.post(
    "/{rep_id}/calls",
    status_code=201,
    summary="Add one call note",
    description="A calls.jsonl row without rep_id, validated like an import and indexed for "
    "retrieval. A transcript over COPILOT_TRANSCRIPT_MAX_TOKENS is refused with 422 before "
    "any embedding work; a call_id of another rep is refused.",
)
def add_call_note(
    rep_id: str, note: CallNote, manager: CurrentManager, services: ServicesDep
) -> CallNoteResult:
    with services.store.sessions() as session:
        services.store.rep(session, rep_id, manager.team)
    return add_call(services, manager.team, rep_id, note)
