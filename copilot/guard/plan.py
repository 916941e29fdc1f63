"""The single-focus gates, FOCUS-0..3, run together for a plan; and FOCUS-0 on the focus a
typed questions, debrief, pre-call or role-play draft declares."""

from __future__ import annotations

from copilot.drafting.schemas import (
    AnyDraft,
    DebriefDraft,
    PlanDraft,
    PrecallDraft,
    QuestionsDraft,
    RoleplayDraft,
)
from copilot.guard.closed_world import FactIndex
from copilot.guard.focus import focus_findings
from copilot.guard.focus_links import focus_evidence, link_findings, measures_focus
from copilot.guard.focus_metric import metric_findings
from copilot.guard.report import Finding
from copilot.guard.unit import Unit

RULE = "focus-0: exactly one focus, the diagnosis's focus capability"


def plan_checks(
    draft: AnyDraft | str, units: list[Unit], facts: FactIndex
) -> tuple[list[Finding], dict[str, float]]:
    """FOCUS-0/1 (focus.py), FOCUS-2 (focus_links.py) and FOCUS-3 (focus_metric.py)."""
    typed = not isinstance(draft, str)
    stated = draft.focus if isinstance(draft, PlanDraft) else None
    ev = focus_evidence(facts)
    measures = (lambda u: measures_focus(u, ev)) if ev else None
    findings, metrics = focus_findings(units, stated, facts.focus, typed, measures)
    findings += link_findings(units, facts, typed)
    if isinstance(draft, PlanDraft | str):
        findings += metric_findings(draft, units, facts)
    return findings, metrics


def declared_focus_findings(draft: AnyDraft | str, facts: FactIndex) -> list[Finding]:
    """FOCUS-0 on a typed draft's declared focus: the diagnosed one, or none when the diagnosis
    abstains (a role-play always names the capability it rehearses, so only a mismatch counts)."""
    if not isinstance(draft, QuestionsDraft | DebriefDraft | PrecallDraft | RoleplayDraft):
        return []
    diagnosed = facts.focus
    if draft.focus is None or draft.focus == diagnosed:
        return []
    if diagnosed is None:
        if isinstance(draft, RoleplayDraft):
            return []
        reason = f"the draft works on {draft.focus}, but the diagnosis abstains (no grounded focus)"
    else:
        reason = f"the draft works on {draft.focus}, but the diagnosis focus is {diagnosed}"
    nearest = facts.diagnosis.focus.arithmetic if facts.diagnosis.focus else None
    return [Finding(detector="FOCUS-0", unit="", reason=reason, rule=RULE, nearest_fact=nearest)]
