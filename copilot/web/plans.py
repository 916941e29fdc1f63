"""Monthly plans: start the team's batch for a month, watch each rep's plan arrive, review each
with its change from last month, and approve them one by one or all at once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from copilot.api import batches as api
from copilot.api.deps import ApiError, ServicesDep, StateDep
from copilot.api.drafts import approve_draft
from copilot.batch.views import BatchDetail, change_text
from copilot.store.database import Store
from copilot.web.pages import PageRoute, render
from copilot.web.sessions import CheckedUser, User

router = APIRouter(route_class=PageRoute)


def _names(services: ServicesDep, team: str) -> dict[str, str]:
    with services.store.sessions() as session:
        return {r.rep_id: r.name for r in Store.reps(session, team)}


def _batches_page(
    request: Request, user: User, state: StateDep, error: str | None, status: int = 200
) -> HTMLResponse:
    jobs = api.list_batches(user.manager, state)
    month = state.services.settings.today().strftime("%Y-%m")
    return render(request, "plans.html", status=status, jobs=jobs, month=month, error=error)


@router.get("/plans")
def plans(request: Request, user: User, state: StateDep) -> HTMLResponse:
    return _batches_page(request, user, state, None)


@router.post("/plans")
def start_batch(
    request: Request,
    user: CheckedUser,
    state: StateDep,
    month: Annotated[str, Form(max_length=7)],
) -> Response:
    try:
        body = api.BatchCreate(month=month)
        out = api.create_batch(
            body=body,
            manager=user.manager,
            state=state,
            workers=api.workers_of(request.app),
            response=Response(),
        )
    except ValidationError:
        return _batches_page(request, user, state, f"'{month}' is not a month: use YYYY-MM.", 422)
    except ApiError as exc:
        return _batches_page(request, user, state, exc.message, 422)
    return RedirectResponse(f"/plans/{out.id}", status_code=303)


@dataclass(frozen=True)
class BatchView:
    """A batch as its page shows it: the job, rep names, approvals and changes."""

    job: BatchDetail
    names: dict[str, str]
    approved: set[str]
    changes: dict[str, str]


def _detail(user: User, state: StateDep, batch_id: str) -> BatchView:
    detail: BatchDetail = api.get_batch(batch_id[:40], user.manager, state)
    approved: set[str] = set()
    with state.services.store.sessions() as session:
        for r in detail.results:
            draft = Store.draft(session, r.draft_id) if r.draft_id is not None else None
            if draft is not None and draft.status == "approved":
                approved.add(r.rep_id)
    return BatchView(
        job=detail,
        names=_names(state.services, user.manager.team),
        approved=approved,
        changes={r.rep_id: change_text(r.change) for r in detail.results},
    )


@router.get("/plans/{batch_id}")
@router.get("/batches/{batch_id}")  # the API's word for it, so a guessed URL works too
def batch_page(request: Request, batch_id: str, user: User, state: StateDep) -> HTMLResponse:
    return render(request, "batch.html", view=_detail(user, state, batch_id))


@router.get("/plans/{batch_id}/live")
def batch_live(request: Request, batch_id: str, user: User, state: StateDep) -> HTMLResponse:
    return render(request, "batch_live.html", view=_detail(user, state, batch_id))


@router.post("/plans/{batch_id}/approve")
def approve_all(batch_id: str, user: CheckedUser, state: StateDep) -> Response:
    detail = api.get_batch(batch_id[:40], user.manager, state)
    for result in detail.results:
        if result.draft_id is not None and result.state == "done":
            approve_draft(result.draft_id, user.manager, state.services)
    return RedirectResponse(f"/plans/{detail.id}", status_code=303)
