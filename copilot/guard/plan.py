"""The single-focus gates on a plan, FOCUS-0..3, run together for the guard."""

from __future__ import annotations

from copilot.drafting.schemas import AnyDraft, PlanDraft
from copilot.guard.closed_world import FactIndex
from copilot.guard.focus import focus_findings
from copilot.guard.focus_links import focus_evidence, link_findings, measures_focus
from copilot.guard.focus_metric import metric_findings
from copilot.guard.report import Finding
from copilot.guard.unit import Unit


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
