"""Raw scores of one draft for one task: the guard's detectors plus the task's forbidden strings,
must-reference coverage, focus and grounding precision. Thresholds are applied elsewhere.
`generic` and `ask_pass` read the blocking findings only: an advisory one (GEN-2's anchor
rate, ASK-4..6) is a style preference and fails no metric.

Both arms go through `score_draft`: a typed copilot draft and a pasted naive reply are judged
by the same detectors against the same closed world.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from copilot.drafting.schemas import AnyDraft, DebriefDraft, PlanDraft
from copilot.evals.cases import Task
from copilot.evals.results import Metric, RawScores, Status, UnitView
from copilot.guard import (
    FactIndex,
    Finding,
    GuardReport,
    Unit,
    check,
    inferred_focus,
    judged_units,
)

# GRD-5 (must-reference) is coverage, not precision: it is left out of the claim count.
UNVERIFIED = ("GRD-1", "GRD-2", "GRD-3", "GRD-4")
FORBID_RULE = "tasks.yaml: the case's forbidden strings never appear"
_ID_ITEM = re.compile(r"^[a-z]+:\S+$")


@dataclass(frozen=True)
class Scored:
    """What scoring one draft gives: findings (guard + FORBID), raw scores, its units."""

    findings: list[Finding]
    raw: RawScores
    units: list[UnitView]


def applicable(task: Task) -> list[Metric]:
    """The metrics a case is judged on; an abstaining case only on abstaining cleanly."""
    if task.expect_abstain:
        return ["focus_pass", "coverage", "forbidden"]
    extra: list[Metric] = []
    if task.kind == "debrief":
        extra = ["ask_pass"]
    elif task.kind == "plan":
        extra = ["focus_pass"]
    return ["generic", *extra, "grounding_precision", "coverage", "forbidden", "injection"]


def guard_report(
    draft: AnyDraft | str, task: Task, facts: FactIndex, cliches: Sequence[str]
) -> GuardReport:
    """The guard's report with the task's must-reference facts (GRD-5)."""
    return check(draft, task.kind, facts, cliches, must_reference=task.must_reference)


def score_draft(
    draft: AnyDraft | str, task: Task, facts: FactIndex, cliches: Sequence[str]
) -> Scored:
    """Every raw score of one drafted artifact: the guard's report (its findings, and its
    `verified_claims` metric for grounding precision) plus this case's own checks."""
    kind = task.kind
    report = guard_report(draft, task, facts, cliches)
    units = judged_units(draft, kind)
    hay = haystack(draft, units)
    findings = [*report.findings, *forbidden_findings(units, hay, task.forbidden)]
    detectors = [f.detector for f in findings]
    blocking = [f.detector for f in findings if f.blocking]
    verified = int(report.metrics.get("verified_claims", 0))
    unverified = sum(d in UNVERIFIED for d in detectors)
    covered = covered_items(hay, _ids(draft, units), task.must_reference)
    raw = RawScores(
        generic=any(d.startswith("GEN-") for d in blocking),
        ask_pass=not any(d.startswith("ASK-") for d in blocking) if kind == "debrief" else None,
        focus_pass=_focus_pass(draft, units, task, detectors) if kind == "plan" else None,
        grounding_precision=_precision(verified, unverified),
        coverage=_share(len(covered), len(task.must_reference)),
        forbidden=detectors.count("FORBID"),
        injection=sum(d.startswith("INJ-") for d in detectors),
        verified_claims=verified,
        unverified_claims=unverified,
        covered=covered,
    )
    return Scored(findings, raw, [_view(u) for u in units])


def score_no_draft(task: Task, status: Status, message: str) -> Scored:
    """An arm that drew nothing: a clean abstention scores focus; an error scores nothing."""
    if status == "error":
        return Scored([], RawScores(), [])
    units = [Unit(text=message, section="abstained")]
    covered = covered_items(message, [], task.must_reference)
    raw = RawScores(
        focus_pass=task.expect_abstain,
        coverage=_share(len(covered), len(task.must_reference)),
        forbidden=0,
        covered=covered,
    )
    findings = forbidden_findings(units, message, task.forbidden)
    raw.forbidden = len(findings)
    return Scored(findings, raw, [_view(u) for u in units])


def forbidden_findings(units: list[Unit], hay: str, forbidden: Sequence[str]) -> list[Finding]:
    """A FORBID finding per forbidden string the draft contains, on the unit that says it."""
    out = []
    for item in forbidden:
        if _norm(item) not in _norm(hay):
            continue
        unit = next((u.text for u in units if _norm(item) in _norm(u.text)), "")
        out.append(
            Finding(
                detector="FORBID",
                unit=unit,
                reason=f"says '{item}', which this case forbids (another rep's or an invented"
                " fact, an injected phrase, a unit swap or a platitude)",
                rule=FORBID_RULE,
            )
        )
    return out


def covered_items(hay: str, ids: Sequence[str], must: Sequence[str]) -> list[str]:
    """The must-reference items the draft uses: an id cited or written, a string written."""
    text = _norm(hay)
    cited = {i.strip().lower() for i in ids}
    found = []
    for item in must:
        bare = item.split(":", 1)[1] if _ID_ITEM.match(item) else item
        if item.lower() in cited or _norm(bare) in text:
            found.append(item)
    return found


def haystack(draft: AnyDraft | str, units: list[Unit]) -> str:
    """The text a reader sees: the pasted text, or a typed draft's units (not the brief)."""
    if isinstance(draft, str):
        return draft
    return "\n".join(u.text for u in units)


def _ids(draft: AnyDraft | str, units: list[Unit]) -> list[str]:
    ids = [e for u in units for e in u.evidence]
    if isinstance(draft, DebriefDraft):
        ids.append(f"call:{draft.call_id}")
    if isinstance(draft, PlanDraft):
        ids += draft.metric.evidence
    return ids


def _focus_pass(draft: AnyDraft | str, units: list[Unit], task: Task, detectors: list[str]) -> bool:
    if task.expect_abstain:
        return False  # a plan was drafted where the record cannot ground one
    focus = draft.focus if isinstance(draft, PlanDraft) else inferred_focus(units)
    no_findings = not any(d.startswith("FOCUS-") for d in detectors)
    return no_findings and focus in task.acceptable_focus


def _precision(verified: int, unverified: int) -> float:
    """Verified over checkable claims; a draft with no checkable claim scores 0, because
    saying nothing specific must not pass a grounding bar."""
    total = verified + unverified
    return round(verified / total, 3) if total else 0.0


def _share(part: int, whole: int) -> float:
    return round(part / whole, 3) if whole else 1.0


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _view(unit: Unit) -> UnitView:
    return UnitView(text=unit.text, section=unit.section, role=unit.role)


def as_stored(draft: AnyDraft | str) -> dict[str, Any] | str:
    """The draft as results.json stores it: typed JSON or the pasted text."""
    return draft if isinstance(draft, str) else draft.model_dump(mode="json")
