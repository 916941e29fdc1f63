"""The one way a draft is checked: `check_draft` runs the guard on a typed draft, posted JSON,
plain text or Markdown, for one rep, in that rep's closed world. The CLI's `check`,
`POST /v1/check`, a manager's edit and the drafting pipeline all call it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from copilot.components import Services
from copilot.diagnosis.schemas import Diagnosis
from copilot.drafting.schemas import AnyDraft, DraftKind
from copilot.guard import FactIndex, Finding, GuardReport, build_facts, check
from copilot.guard.facts import OthersCache
from copilot.guard.knowledge import GuardKnowledge
from copilot.retrieval.cards import framework

_DRAFT: TypeAdapter[AnyDraft] = TypeAdapter(AnyDraft)


@dataclass(frozen=True)
class GuardContext:
    """The closed world a draft is checked in: the rep's facts and the framework's cliches."""

    facts: FactIndex
    cliches: tuple[str, ...]


def guard_context(
    services: Services,
    rep_id: str,
    team: str | None = None,
    others: OthersCache | None = None,
    diagnosis: Diagnosis | None = None,
) -> GuardContext:
    """Build the rep's closed world once (a drafter checks several candidates in it)."""
    fw = framework(services.settings.knowledge_dir)
    diagnosis = diagnosis or services.diagnoser.rep(rep_id, team)
    with services.store.sessions() as session:
        knowledge = GuardKnowledge(services.store)  # teammates' facts, per data version
        facts = build_facts(session, rep_id, diagnosis, fw.card_ids, others, knowledge=knowledge)
    return GuardContext(facts, fw.cliches)


def parse_draft(text: str, kind: DraftKind, rep_id: str) -> tuple[AnyDraft | str, Finding | None]:
    """A typed draft when the text is a JSON draft; else the text itself.

    JSON that is not a valid draft of `kind` is checked as text, with a finding that says why.
    """
    try:
        raw = json.loads(text)
    except json.JSONDecodeError:
        return text, None
    if not isinstance(raw, dict):
        return text, None
    raw = {"kind": kind, "rep_id": rep_id} | raw
    try:
        return _DRAFT.validate_python(raw), None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        finding = Finding(
            detector="SCHEMA",
            unit=text[:200],
            reason=f"not a valid {kind} draft: {where}: {first['msg']}",
            rule="draft JSON must match the typed schema (see docs/drafting-and-guard.md)",
            nearest_fact=None,
        )
        return _strings(raw), finding


def _strings(value: object) -> str:
    """Every string inside a JSON value, one per line, so the text checks still run."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "\n".join(_strings(v) for k, v in value.items() if k not in {"kind", "rep_id"})
    if isinstance(value, list):
        return "\n".join(_strings(v) for v in value)
    return ""


def check_draft(
    services: Services,
    rep_id: str,
    kind: DraftKind,
    draft: AnyDraft | dict[str, Any] | str,
    *,
    team: str | None = None,
    context: GuardContext | None = None,
) -> GuardReport:
    """The guard's report on one draft of `kind` for one rep (outside `team`: not found).

    `draft` may be typed, a JSON object, or text (JSON, Markdown or plain); `context` reuses a
    closed world already built for this rep.
    """
    schema_finding: Finding | None = None
    if isinstance(draft, dict):
        draft = json.dumps(draft)
    if isinstance(draft, str):
        draft, schema_finding = parse_draft(draft, kind, rep_id)
    ctx = context or guard_context(services, rep_id, team)
    report = check(draft, kind, ctx.facts, ctx.cliches)
    if schema_finding:
        report = report.model_copy(
            update={"passed": False, "findings": [schema_finding, *report.findings]}
        )
    return report
