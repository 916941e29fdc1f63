"""`copilot check`: runs the guard on a draft given as typed JSON, plain text or Markdown."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from copilot.components import Services
from copilot.drafting.schemas import AnyDraft, DraftKind
from copilot.guard import Finding, GuardReport, build_facts, check
from copilot.retrieval.cards import framework

_DRAFT: TypeAdapter[AnyDraft] = TypeAdapter(AnyDraft)


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
            rule="draft JSON must match the typed schema (see README)",
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


def check_file(services: Services, path: Path, rep_id: str, kind: DraftKind) -> GuardReport:
    """The guard's report on one file for one rep."""
    fw = framework(services.settings.knowledge_dir)
    diagnosis = services.diagnoser.rep(rep_id)
    draft, schema_finding = parse_draft(path.read_text(encoding="utf-8"), kind, rep_id)
    with services.store.sessions() as session:
        facts = build_facts(session, rep_id, diagnosis, fw.card_ids)
    report = check(draft, kind, facts, fw.cliches)
    if schema_finding:
        report = report.model_copy(
            update={"passed": False, "findings": [schema_finding, *report.findings]}
        )
    return report
