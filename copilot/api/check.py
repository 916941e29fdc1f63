"""`POST /v1/check`: the runtime guard on a posted draft (typed JSON, plain text or Markdown)
for one of the caller's reps, as `copilot check --json` reports it."""

from __future__ import annotations

from fastapi import APIRouter

from copilot.api.deps import CurrentManager, ServicesDep
from copilot.api.schemas import CheckBody
from copilot.drafting.checking import check_draft
from copilot.guard import GuardReport

router = APIRouter(prefix="/v1", tags=["check"])


@router.post(
    "/check",
    summary="Run the guard on a draft",
    description="Checks a draft for one of the team's reps: generic, ungrounded, telling or "
    "multi-focus text. `draft` is a typed draft (object or JSON string) or plain text; JSON "
    "that is not a valid draft of `kind` is checked as text with a SCHEMA finding.",
)
def check_posted(body: CheckBody, manager: CurrentManager, services: ServicesDep) -> GuardReport:
    return check_draft(services, body.rep_id, body.kind, body.draft, team=manager.team)
