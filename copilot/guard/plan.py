"""The single-focus gates, FOCUS-0..3, run together for a plan; FOCUS-0 on the focus a typed
questions, debrief, pre-call or role-play draft declares; and FOCUS-0 on a draft that names a
gap where the record is too thin to show one."""

from __future__ import annotations

import re

from copilot.drafting.schemas import (
    AnyDraft,
    DebriefDraft,
    PlanDraft,
    PrecallDraft,
    QuestionsDraft,
    RoleplayDraft,
)
from copilot.guard.capabilities import ALIASES, capability_scores
from copilot.guard.closed_world import FactIndex
from copilot.guard.focus import declared, focus_findings
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
    if isinstance(draft, PlanDraft):
        findings += past_checkpoint_findings(draft, facts)
    return findings, metrics


def past_checkpoint_findings(draft: PlanDraft, facts: FactIndex) -> list[Finding]:
    """A checkpoint dated before the plan's own month and before today (code sets them inside
    the month; one in the month under way only advises, see `dates.proposal_findings`)."""
    start = f"{draft.month}-01"
    return [
        Finding(
            detector="GRD-1",
            unit=f"{c.date.isoformat()}: {c.what}",
            reason=f"the checkpoint on {c.date.isoformat()} is before the plan's month"
            f" ({draft.month}) and before today ({facts.as_of})",
            rule="grd-1: a proposed date (checkpoint, follow-up) lies after the as-of date",
        )
        for c in draft.checkpoints
        if c.date.isoformat() < start and c.date <= facts.as_of
    ]


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


# A gap stated as settled: "her weak spot", "costing you about three wins", "against a team
# median of 39.4%". With one month of activity the framework abstains and observes first.
_GAP = re.compile(
    r"\b(?:weak(?:est)?\s+(?:spot|stage|point|area|link)|weakest\s+on\s+the\s+team|biggest\s+gap"
    r"|(?:cost|costs|costing)\s+(?:you|her|him)\b|(?:below|behind|under|against|short\s+of)"
    r"\s+(?:a\s+|the\s+)?team(?:'s)?\s+(?:median|average)|team\s+median\s+of)",
    re.I,
)


_DEFERRED = re.compile(
    r"\b(?:before|without|not\s+yet|too\s+early\s+to|can't|cannot|no\s+way\s+to|wait\s+to|until)\b"
    r"[^.;]*$",
    re.I,
)


def thin_data_findings(units: list[Unit], facts: FactIndex) -> list[Finding]:
    """FOCUS-0 where the diagnosis abstains on thin data: no unit declares a focus or states a
    gap (a question that asks what to observe is fine)."""
    reason_why = facts.diagnosis.abstain_reason or ""
    if facts.focus is not None or not reason_why.startswith("thin data"):
        return []
    out = []
    for unit in units:
        if unit.in_character or unit.role == "rep":
            continue
        gap = _GAP.search(unit.text)
        if gap and _DEFERRED.search(unit.text[: gap.start()][-40:]):
            gap = None  # "before naming a weak spot, listen to two calls": deferred, not stated
        named = declared(unit)
        if gap or named:
            what = (
                f"states a gap ('{gap.group(0)}')"
                if gap
                else f"names a focus ({', '.join(sorted(named))})"
            )
            out.append(
                Finding(
                    detector="FOCUS-0",
                    unit=unit.text,
                    reason=f"{what}, but the diagnosis abstains: {reason_why}",
                    rule="focus-0: with too little record, abstain and say what to observe first",
                )
            )
    return out


MAX_OBJECTIVE_CAPABILITIES = 3


# "Close the Himeji deal.": the deal's outcome, with nothing this call can reach or be
# measured by (a date, a decision, a meeting, the signers, a number).
_OUTCOME_ONLY = re.compile(
    r"^\W*(?:close|win|land)\b(?!.*\d)(?!.*\b(?:date|decision|decides?|meeting|visit|demo|trial"
    r"|proposal|quote|sign(?:s|ers?|ature|-off)|slot|names?|who|when|by|before|until|agree|agreed"
    r"|step|review|present|presentation|order\s+date|contract\s+date)\b)[^.;:!?]{0,80}[.!]?\s*$",
    re.I,
)
OUTCOME_RULE = (
    "focus-3: a pre-call objective is a milestone this call can reach (a date, a decision, a"
    " meeting, the signers), not the deal's outcome"
)


def objective_findings(units: list[Unit]) -> list[Finding]:
    """FOCUS-0 on a pre-call objective that strings milestones of several capabilities
    together ("re-open him, book a meeting, run the demo and close by August"); FOCUS-3 on an
    objective that is only the deal's outcome ("Close the deal with Larchfield.")."""
    out = []
    for unit in units:
        if "objective" not in unit.section.lower():
            continue
        if _OUTCOME_ONLY.match(unit.text):
            out.append(
                Finding(
                    detector="FOCUS-3",
                    unit=unit.text,
                    reason="the objective is the deal's outcome; name the milestone this call"
                    " should reach (a decision date, a meeting with the signers, a trial)",
                    rule=OUTCOME_RULE,
                )
            )
        touched = sorted(c for c, score in capability_scores(unit.text).items() if score)
        if len(touched) > MAX_OBJECTIVE_CAPABILITIES:
            out.append(
                Finding(
                    detector="FOCUS-0",
                    unit=unit.text,
                    reason=f"the objective works on {len(touched)} capabilities"
                    f" ({', '.join(touched)}); a pre-call centres on one milestone",
                    rule="focus-0: one focus; a pre-call objective is one milestone",
                )
            )
    return out


# "the thing to work on is his opening": an answer naming what to coach
_WORK_ON = re.compile(
    r"\b(?:the\s+(?:one\s+|main\s+|first\s+)?thing\s+to\s+(?:work\s+on|fix|coach)|what\s+to\s+work\s+on"
    r"|the\s+place\s+to\s+start)\s+(?:first\s+)?(?:is|would\s+be)\s+(?P<head>[^.;,:()\n]{1,40})",
    re.I,
)


def stated_focus_findings(units: list[Unit], facts: FactIndex) -> list[Finding]:
    """FOCUS-0 on an answer that names a focus other than the diagnosed one."""
    if facts.focus is None:
        return []
    out = []
    for unit in units:
        named = set(declared(unit))
        for m in _WORK_ON.finditer(unit.text):
            named |= {c for c, alias in ALIASES.items() if alias.search(m.group("head"))}
        if named - {facts.focus}:
            out.append(
                Finding(
                    detector="FOCUS-0",
                    unit=unit.text,
                    reason=f"names {', '.join(sorted(named))} as what to work on, but the"
                    f" diagnosis focus is {facts.focus}",
                    rule=RULE,
                    nearest_fact=facts.diagnosis.focus.arithmetic
                    if facts.diagnosis.focus
                    else None,
                )
            )
    return out
