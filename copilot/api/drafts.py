"""Drafts over HTTP: draft an artifact for a rep, list and read stored drafts, approve one, or
store a manager's edit (validated and re-guarded, the model's original kept as provenance).
Another team's draft id answers exactly like a missing one."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query
from pydantic import TypeAdapter, ValidationError
from sqlalchemy.orm import Session

from copilot.api.deps import ApiError, CurrentManager, ServicesDep, StateDep
from copilot.api.reps import draft_summary
from copilot.api.schemas import (
    DraftBody,
    DraftEdit,
    DraftOut,
    DraftSummary,
    GeneratedKind,
    Provenance,
    Review,
)
from copilot.coaching.progress import record_baseline
from copilot.components import Services
from copilot.drafting.checking import check_draft
from copilot.drafting.pipeline import Drafter, DraftRequest
from copilot.drafting.schemas import AnyDraft, Attempt, DraftKind
from copilot.errors import NotFoundError
from copilot.guard import GuardReport
from copilot.store.database import Store
from copilot.store.tables import Draft, DraftReview

router = APIRouter(prefix="/v1", tags=["drafts"])
_DRAFT: TypeAdapter[AnyDraft] = TypeAdapter(AnyDraft)
# bounded so an id past SQLite's 64-bit integers is a 422, not an overflow deep in the driver
DraftId = Annotated[int, Path(ge=1, le=2**63 - 1, description="A stored draft's id.")]


def draft_out(row: Draft, review: DraftReview | None) -> DraftOut:
    """A stored draft as the API shows it: body, guard, provenance, status and review."""
    timings = dict(row.timings or {})
    rounds = timings.pop("rounds", [])
    return DraftOut(
        draft_id=row.id,
        status=row.status,
        source=row.source,
        draft=_DRAFT.validate_python(row.payload),
        guard=GuardReport.model_validate(row.guard_report),
        provenance=Provenance(
            model=row.model,
            prompt_hash=row.prompt_hash,
            evidence_ids=list(row.evidence_ids),
            attempts=[Attempt.model_validate(r) for r in rounds],
            timings={k: float(v) for k, v in timings.items() if isinstance(v, int | float)},
        ),
        review=Review(
            approved_by=review.approved_by,
            approved_at=review.approved_at,
            edited_by=review.edited_by,
            edited_at=review.edited_at,
            original_draft=review.original_payload,
            original_guard=review.original_guard,
        )
        if review
        else Review(),
    )


def owned_draft(session: Session, draft_id: int, team: str) -> Draft:
    """The team's draft; a missing and another team's draft fail the same way."""
    row = Store.draft(session, draft_id)
    if row is None or row.team != team:
        raise NotFoundError(f"no draft {draft_id}")
    return row


def _review(session: Session, draft_id: int) -> DraftReview:
    review = Store.review(session, draft_id)
    if review is None:
        review = DraftReview(draft_id=draft_id)
        session.add(review)
    return review


@router.post(
    "/reps/{rep_id}/drafts/{kind}",
    summary="Draft an artifact for a rep",
    description="Diagnose, retrieve, prompt the model, guard, repair once or compose, and "
    "store the draft (status `draft`). `call_id` picks the call for debrief/precall, `month` "
    "(YYYY-MM) the plan's month. Re-drafting the same key replaces the stored draft.",
)
def create_draft(
    rep_id: str,
    kind: GeneratedKind,
    manager: CurrentManager,
    state: StateDep,
    body: Annotated[DraftBody | None, Body()] = None,
) -> DraftOut:
    opts = body or DraftBody()
    services = state.services
    services.diagnoser.rep(rep_id, manager.team)  # 404 before the model is even built
    drafter = Drafter(services, state.model())
    result = drafter.draft(
        DraftRequest(kind, rep_id, team=manager.team, call_id=opts.call_id, month=opts.month)
    )
    with services.store.sessions.begin() as session:
        # a re-drafted artifact is a new text: earlier approvals and edits no longer apply
        Store.clear_review(session, result.draft_id)
        return draft_out(owned_draft(session, result.draft_id, manager.team), None)


@router.get(
    "/reps/{rep_id}/drafts",
    summary="List a rep's stored drafts",
    description="Newest first, without bodies; `?kind=` filters by kind.",
)
def list_drafts(
    rep_id: str,
    manager: CurrentManager,
    services: ServicesDep,
    kind: Annotated[DraftKind | None, Query(description="Only drafts of this kind.")] = None,
) -> list[DraftSummary]:
    with services.store.sessions() as session:
        services.store.rep(session, rep_id, manager.team)
        rows = Store.drafts(session, manager.team, rep_id, kind)
        return [draft_summary(r) for r in rows if r.team == manager.team]


@router.get(
    "/drafts/{draft_id}",
    summary="Read a stored draft",
    description="The draft with its guard report, provenance, status and review.",
)
def get_draft(draft_id: DraftId, manager: CurrentManager, services: ServicesDep) -> DraftOut:
    with services.store.sessions() as session:
        row = owned_draft(session, draft_id, manager.team)
        return draft_out(row, Store.review(session, draft_id))


@router.post(
    "/drafts/{draft_id}/approve",
    summary="Approve a stored draft",
    description="Sets status `approved` and records which manager approved it, and when.",
)
def approve_draft(draft_id: DraftId, manager: CurrentManager, services: ServicesDep) -> DraftOut:
    with services.store.sessions.begin() as session:
        row = owned_draft(session, draft_id, manager.team)
        review = _review(session, draft_id)
        row.status = "approved"
        review.approved_by, review.approved_at = manager.name, datetime.now(UTC)
        record_baseline(session, row, manager.name, review.approved_at)  # plans only
        session.flush()
        return draft_out(row, review)


def _validated_edit(row: Draft, raw: dict[str, Any]) -> AnyDraft:
    given = raw.get("kind", row.kind)
    if given != row.kind or raw.get("rep_id", row.rep_id) != row.rep_id:
        raise ApiError(422, "invalid_input", f"the edit must be a {row.kind} draft of this rep")
    try:
        return _DRAFT.validate_python({"kind": row.kind, "rep_id": row.rep_id} | raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in exc.errors()[:10]
        )
        raise ApiError(422, "invalid_input", f"not a valid {row.kind} draft: {problems}") from exc


def _guard(services: Services, row: Draft, draft: AnyDraft, team: str) -> GuardReport:
    return check_draft(services, row.rep_id, draft.kind, draft, team=team)


@router.patch(
    "/drafts/{draft_id}",
    summary="Store a manager's edit of a draft",
    description="A full draft of the same kind: validated, re-guarded, stored with status "
    "`edited` and the new guard report; the model's original output stays in `review`.",
)
def edit_draft(
    draft_id: DraftId, edit: DraftEdit, manager: CurrentManager, services: ServicesDep
) -> DraftOut:
    with services.store.sessions() as session:
        current = owned_draft(session, draft_id, manager.team)
    draft = _validated_edit(current, edit.draft)
    report = _guard(services, current, draft, manager.team)
    with services.store.sessions.begin() as session:
        row = owned_draft(session, draft_id, manager.team)
        review = _review(session, draft_id)
        if review.original_payload is None:  # keep the model's first output, not an edit's
            review.original_payload, review.original_guard = row.payload, row.guard_report
        row.payload = draft.model_dump(mode="json")
        row.guard_report = report.model_dump(mode="json")
        row.status = "edited"
        review.edited_by, review.edited_at = manager.name, datetime.now(UTC)
        session.flush()
        return draft_out(row, review)
