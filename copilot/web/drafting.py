"""Drafting from the rep page (with live progress), the draft page (verdict, advisory notes,
approve, inline edit that re-guards and keeps the original), its print view and `.ics`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from copilot.api import drafts as api
from copilot.api.deps import ApiError, ServicesDep, StateDep
from copilot.api.schemas import DraftBody, DraftEdit, DraftOut, GeneratedKind
from copilot.components import Services
from copilot.errors import CopilotError, NotFoundError
from copilot.store.database import Store
from copilot.web.draftview import apply_edits, blocks, edit_fields, follow_up_dates, ics
from copilot.web.jobs import jobs_of
from copilot.web.pages import PageRoute, render
from copilot.web.sessions import CheckedUser, User

router = APIRouter(route_class=PageRoute)


def _draft_id(raw: str) -> int:
    if not raw.isdigit() or len(raw) > 18:  # not an id: the same 404 as a missing draft
        raise NotFoundError("no such draft")
    return int(raw)


@router.post("/reps/{rep_id}/drafts/{kind}")
def start_draft(
    *,
    request: Request,
    rep_id: str,
    kind: GeneratedKind,
    user: CheckedUser,
    state: StateDep,
    call_id: Annotated[str, Form(max_length=64)] = "",
    month: Annotated[str, Form(max_length=7)] = "",
) -> Response:
    team = user.manager.team
    state.services.diagnoser.rep(rep_id, team)  # 404 before any work
    body = DraftBody(call_id=call_id or None, month=month or None)

    def work() -> int:
        return api.create_draft(rep_id, kind, user.manager, state, body).draft_id

    if not request.headers.get("hx-request"):  # no script: draft, then show it
        try:
            return RedirectResponse(f"/drafts/{work()}", status_code=303)
        except CopilotError as exc:  # e.g. a plan for a rep with no focus yet
            back = f"/reps/{rep_id}"
            return render(request, "problem.html", status=422, message=str(exc), back=back)
    job = jobs_of(request.app).start(team, rep_id, kind, work)
    return render(request, "drafting_progress.html", job=job)


@router.get("/drafting/{job_id}")
def draft_progress(request: Request, job_id: str, user: User) -> Response:
    job = jobs_of(request.app).get(job_id, user.manager.team)
    if job is None:
        raise NotFoundError("no such job")
    if job.state == "done":
        return Response(status_code=200, headers={"HX-Redirect": f"/drafts/{job.draft_id}"})
    return render(request, "drafting_progress.html", job=job)


def _load(services: Services, draft_id: int, team: str) -> tuple[DraftOut, str]:
    with services.store.sessions() as session:
        row = api.owned_draft(session, draft_id, team)
        out = api.draft_out(row, Store.review(session, draft_id))
        rep_name = services.store.rep(session, row.rep_id, team).name
    return out, rep_name


def _draft_page(
    request: Request,
    services: Services,
    user: User,
    raw_id: str,
    *,
    errors: list[str],
    status: int,
) -> HTMLResponse:
    out, rep_name = _load(services, _draft_id(raw_id), user.manager.team)
    payload = out.draft.model_dump(mode="json")
    return render(
        request,
        "draft.html",
        status=status,
        out=out,
        rep_name=rep_name,
        blocks=blocks(out.draft),
        fields=edit_fields(payload),
        dates=follow_up_dates(out.draft),
        advisory=[f for f in out.guard.findings if f.severity == "advisory"],
        blocking=[f for f in out.guard.findings if f.severity != "advisory"],
        errors=errors,
    )


@router.get("/drafts/{draft_id}")
def draft_view(request: Request, draft_id: str, user: User, services: ServicesDep) -> Response:
    return _draft_page(request, services, user, draft_id, errors=[], status=200)


@router.post("/drafts/{draft_id}/approve")
def approve(
    draft_id: str,
    user: CheckedUser,
    services: ServicesDep,
    back: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    api.approve_draft(_draft_id(draft_id), user.manager, services)
    target = back if back.startswith("/plans/") else f"/drafts/{draft_id}"
    return RedirectResponse(target, status_code=303)


@router.post("/drafts/{draft_id}/edit")
async def edit(
    request: Request, draft_id: str, user: CheckedUser, services: ServicesDep
) -> Response:
    number = _draft_id(draft_id)
    out, _ = _load(services, number, user.manager.team)
    form = await request.form()
    edits = {
        key[2:]: value
        for key, value in form.items()
        if key.startswith("f:") and isinstance(value, str)
    }
    payload = apply_edits(out.draft.model_dump(mode="json"), edits)
    try:
        api.edit_draft(number, DraftEdit(draft=payload), user.manager, services)
    except ApiError as exc:
        return _draft_page(request, services, user, draft_id, errors=[exc.message], status=422)
    return RedirectResponse(f"/drafts/{number}", status_code=303)


@router.get("/drafts/{draft_id}/print")
def print_view(request: Request, draft_id: str, user: User, services: ServicesDep) -> Response:
    out, rep_name = _load(services, _draft_id(draft_id), user.manager.team)
    return render(request, "draft_print.html", out=out, rep_name=rep_name, blocks=blocks(out.draft))


@router.get("/drafts/{draft_id}/followup.ics")
def follow_up(draft_id: str, user: User, services: ServicesDep) -> Response:
    out, rep_name = _load(services, _draft_id(draft_id), user.manager.team)
    dates = follow_up_dates(out.draft)
    if not dates:
        raise NotFoundError("this draft has no follow-up date")
    body = ics(out.draft_id, rep_name, dates, datetime.now(UTC))
    return Response(
        body,
        media_type="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="follow-up-{out.draft_id}.ics"'},
    )
