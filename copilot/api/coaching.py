"""The coaching loop over HTTP: record a session with its commitments, change a commitment's
status, a rep's open commitments with the calls since that bear on them, and approved plans'
progress. Scoped by the token's team: another team's rep or commitment answers 404 as a missing
one does."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from copilot.api.deps import CurrentManager, ServicesDep
from copilot.coaching.followthrough import commitment_evidence
from copilot.coaching.loop import record_session, set_commitment
from copilot.coaching.progress import plan_progress
from copilot.coaching.schemas import (
    CommitmentChange,
    CommitmentEvidence,
    CommitmentOut,
    NewSession,
    PlanProgress,
    RecordedSession,
)

router = APIRouter(prefix="/v1", tags=["coaching"])
CommitmentId = Annotated[
    str, Path(min_length=1, max_length=64, description="A commitment's id, e.g. `s-E02-...-c1`.")
]


@router.post(
    "/reps/{rep_id}/sessions",
    status_code=201,
    summary="Record a coaching session",
    description="The session's date, focus, notes and commitments (`{text, due}`, each due on "
    "or after the session date). Written like an imported session, all-or-nothing, and read "
    "at once by the diagnosis and the next draft. Returns the new session and commitment ids.",
)
def post_session(
    rep_id: str, new: NewSession, manager: CurrentManager, services: ServicesDep
) -> RecordedSession:
    return record_session(services, manager.team, rep_id, new)


@router.patch(
    "/commitments/{commitment_id}",
    summary="Set a commitment's status",
    description="`open`, `done` or `dropped`, with an optional note; the change is kept.",
)
def patch_commitment(
    commitment_id: CommitmentId,
    change: CommitmentChange,
    manager: CurrentManager,
    services: ServicesDep,
) -> CommitmentOut:
    return set_commitment(services, manager.team, commitment_id, change)


@router.get(
    "/reps/{rep_id}/commitments",
    summary="Open commitments with follow-through evidence",
    description="Each open commitment, earliest due first, with the rep's calls dated after "
    "its session, nearest to the commitment's text first, each cited by call id with a snippet.",
)
def get_commitments(
    rep_id: str, manager: CurrentManager, services: ServicesDep
) -> list[CommitmentEvidence]:
    return commitment_evidence(services, manager.team, rep_id)


@router.get(
    "/reps/{rep_id}/progress",
    summary="Is the plan working?",
    description="Each approved plan, newest month first: its metric's baseline at approval, "
    "the rate over the plan's month and after, the change, and a verdict (on_track, "
    "not_on_track, too_early).",
)
def get_progress(rep_id: str, manager: CurrentManager, services: ServicesDep) -> list[PlanProgress]:
    return plan_progress(services, manager.team, rep_id)
