"""The rep page (diagnosis with linked evidence, charts, calls, sessions, drafts) and its two
forms: record a session with commitments, and mark a commitment done or dropped."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from copilot.api.deps import ServicesDep
from copilot.coaching.loop import record_session, set_commitment
from copilot.coaching.schemas import CommitmentChange, NewSession
from copilot.web.pages import PageRoute, anchor, render
from copilot.web.sessions import CheckedUser, User
from copilot.web.views import rep_page

router = APIRouter(route_class=PageRoute)
COMMITMENT_ROWS = 3  # blank commitment rows on the record-session form


def _page(
    request: Request, services: ServicesDep, user: User, rep_id: str, **extra: object
) -> HTMLResponse:
    page = rep_page(services, rep_id, user.manager.team)
    status = 422 if extra.get("session_errors") else 200
    return render(
        request, "rep.html", status=status, page=page, commitment_rows=COMMITMENT_ROWS, **extra
    )


@router.get("/reps/{rep_id}")
def rep_view(request: Request, rep_id: str, user: User, services: ServicesDep) -> HTMLResponse:
    return _page(request, services, user, rep_id, session_errors=[], session_form={})


def _session_input(form: dict[str, str], rows: int) -> dict[str, object]:
    commitments = []
    for i in range(rows):
        text, due = form.get(f"commit_text_{i}", "").strip(), form.get(f"commit_due_{i}", "")
        if text or due:
            commitments.append({"text": text, "due": due})
    return {
        "date": form.get("date", ""),
        "focus": form.get("focus", ""),
        "notes": form.get("notes", ""),
        "commitments": commitments,
    }


@router.post("/reps/{rep_id}/sessions")
async def add_session(
    request: Request, rep_id: str, user: CheckedUser, services: ServicesDep
) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    try:
        new = NewSession.model_validate(_session_input(form, COMMITMENT_ROWS))
    except ValidationError as exc:
        errors = [
            f"{'.'.join(str(p) for p in e['loc']) or 'session'}: {e['msg']}" for e in exc.errors()
        ]
        return _page(request, services, user, rep_id, session_errors=errors, session_form=form)
    recorded = record_session(services, user.manager.team, rep_id, new)
    target = f"/reps/{rep_id}#{anchor('session', recorded.session_id)}"
    return RedirectResponse(target, status_code=303)


@router.post("/commitments/{commitment_id}")
def change_commitment(
    *,
    request: Request,
    commitment_id: str,
    user: CheckedUser,
    services: ServicesDep,
    status: Annotated[str, Form(max_length=10)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    try:
        change = CommitmentChange.model_validate({"status": status, "note": note or None})
    except ValidationError:
        message = "Choose done, dropped or open for the commitment."
        return render(request, "problem.html", status=422, message=message, back="/")
    out = set_commitment(services, user.manager.team, commitment_id, change)
    target = f"/reps/{out.rep_id}#{anchor('commitment', commitment_id)}"
    return RedirectResponse(target, status_code=303)
