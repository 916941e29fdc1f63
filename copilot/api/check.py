"""`POST /v1/check`: the runtime guard on a posted draft (typed JSON, plain text or Markdown)
for one of the caller's reps, as `copilot check --json` reports it."""

from __future__ import annotations

import json

from fastapi import APIRouter

from copilot.api.deps import CurrentManager, ServicesDep
from copilot.api.schemas import CheckBody
from copilot.drafting.checking import parse_draft
from copilot.guard import GuardReport, build_facts, check
from copilot.retrieval.cards import framework

router = APIRouter(prefix="/v1", tags=["check"])


@router.post(
    "/check",
    summary="Run the guard on a draft",
    description="Checks a draft for one of the team's reps: generic, ungrounded, telling or "
    "multi-focus text. `draft` is a typed draft (object or JSON string) or plain text; JSON "
    "that is not a valid draft of `kind` is checked as text with a SCHEMA finding.",
)
def check_draft(body: CheckBody, manager: CurrentManager, services: ServicesDep) -> GuardReport:
    diagnosis = services.diagnoser.rep(body.rep_id, manager.team)
    text = body.draft if isinstance(body.draft, str) else json.dumps(body.draft)
    draft, schema_finding = parse_draft(text, body.kind, body.rep_id)
    fw = framework(services.settings.knowledge_dir)
    with services.store.sessions() as session:
        facts = build_facts(session, body.rep_id, diagnosis, fw.card_ids)
    report = check(draft, body.kind, facts, fw.cliches)
    if schema_finding:
        report = report.model_copy(
            update={"passed": False, "findings": [schema_finding, *report.findings]}
        )
    return report
