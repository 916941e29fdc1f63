"""`POST /v1/check`: the runtime guard on a posted draft (typed JSON, plain text or Markdown)
for one of the caller's reps, as `copilot check --json` reports it."""

from __future__ import annotations

from fastapi import APIRouter, Request

from copilot.api.deps import CurrentManager, ServicesDep
from copilot.api.disconnects import stage
from copilot.api.schemas import CheckBody
from copilot.drafting.checking import check_draft, guard_context
from copilot.guard import GuardReport

router = APIRouter(prefix="/v1", tags=["check"])


@router.post(
    "/check",
    summary="Run the guard on a draft",
    description="Checks a draft for one of the team's reps: generic, ungrounded, telling or "
    "multi-focus text. `draft` is a typed draft (object or JSON string) or plain text; JSON "
    "that is not a valid draft of `kind` is checked as text with a SCHEMA finding.",
)
async def check_posted(
    request: Request, body: CheckBody, manager: CurrentManager, services: ServicesDep
) -> GuardReport:
    # In stages, so that a check the client abandoned stops (copilot/api/disconnects.py).
    rep, team = body.rep_id, manager.team
    diagnosis = await stage(request, services.diagnoser.rep, rep, team)
    context = await stage(request, guard_context, services, rep, team, None, diagnosis)
    return await stage(
        request, check_draft, services, rep, body.kind, body.draft, team=team, context=context
    )
