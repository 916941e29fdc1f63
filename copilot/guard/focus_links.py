"""FOCUS-2: no weekly action works on another capability than the plan's focus.

An action links when it works on the focus capability (the FOCUS-1 taxonomy) or states one of
the focus stage's rates. An action with no capability keyword ("bring two visit notes to the
1:1", "I play a plant manager who mentions a stoppage") adds no second focus, so it passes. An
action on another capability links only when it also touches the focus and cites a call the
diagnosis rests the focus on; anything else fires.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from copilot.diagnosis.schemas import Capability
from copilot.guard.capabilities import TAXONOMY_VERSION, capability_scores, classify
from copilot.guard.closed_world import FactIndex
from copilot.guard.focus import actions
from copilot.guard.mentions import bare_ids, evidence_ids
from copilot.guard.report import Finding
from copilot.guard.unit import Unit

RULE = f"focus-2: every weekly action works on the focus or cites its evidence ({TAXONOMY_VERSION})"
_CALL_STATEMENT = re.compile(r"^(call:\S+) \(\d{4}-\d\d-\d\d, (.+?)\): ")
# A mixed action links only when the focus has a strong keyword in it: a passing "meeting" in
# "book a demo from each first meeting" does not make a discovery action a meeting action.
MIXED_MIN = 2
_PERCENT = re.compile(r"(?<![\w.])(\d{1,3}(?:\.(\d+))?)\s?%")


@dataclass(frozen=True)
class FocusEvidence:
    """What ties an action to the focus: its capability, calls, accounts and stage rates."""

    capability: Capability
    stage: str
    calls: frozenset[str]
    accounts: tuple[str, ...]
    rates: tuple[float, ...]

    def describe(self) -> str:
        """The focus and its evidence, for a finding's nearest fact."""
        rates = ", ".join(f"{r:.1f}%" for r in self.rates)
        calls = ", ".join(sorted(self.calls)) or "none"
        accounts = ", ".join(self.accounts) or "none"
        return (
            f"focus {self.capability} ({self.stage}: {rates}); focus calls {calls};"
            f" accounts {accounts}"
        )


def focus_evidence(facts: FactIndex) -> FocusEvidence | None:
    """The diagnosis's focus with the calls and rates it rests on; None when it abstains."""
    focus = facts.diagnosis.focus
    if focus is None:
        return None
    calls = frozenset(e for e in focus.evidence if e.startswith("call:"))
    record = {
        m.group(1): m.group(2)
        for m in map(_CALL_STATEMENT.match, facts.rep.statements)
        if m is not None
    }
    accounts = list(dict.fromkeys(a for c, a in record.items() if c in calls))
    reading = next((r for r in facts.diagnosis.funnel if r.stage == focus.stage), None)
    values = (reading.rep_rate, reading.team_median, reading.team_p75) if reading else ()
    rates = tuple(100 * v for v in values if v is not None)
    return FocusEvidence(focus.capability, focus.stage, calls, tuple(accounts), rates)


def percent_matches(written: str, decimals: str | None, value: float) -> bool:
    """Whether a written percent is `value` (0-100) rounded to the digits written."""
    tolerance = 0.5 / 10.0 ** (len(decimals) if decimals else 0) + 0.01
    return abs(float(written) - value) <= tolerance


def names_focus(unit: Unit, ev: FocusEvidence) -> bool:
    """Whether the unit cites a focus call, by id or account, or states a focus-stage rate."""
    ids = {*unit.evidence, *evidence_ids(unit.text)}
    ids |= {f"call:{b}" for b in bare_ids(unit.text)}
    if ids & ev.calls:
        return True
    low = unit.text.lower()
    if any(a.lower() in low for a in ev.accounts):
        return True
    return states_focus_rate(unit, ev)


def states_focus_rate(unit: Unit, ev: FocusEvidence) -> bool:
    """Whether the unit states a focus-stage rate ("against the 22.0% baseline"): it measures
    the focus, whatever else its words touch."""
    return any(
        percent_matches(m.group(1), m.group(2), rate)
        for m in _PERCENT.finditer(unit.text)
        for rate in ev.rates
    )


def measures_focus(unit: Unit, ev: FocusEvidence) -> bool:
    """For FOCUS-1: the action states a focus-stage rate, or has no capability keyword but
    works on a call the focus rests on ("replay the Wexford call")."""
    return states_focus_rate(unit, ev) or (classify(unit.text) is None and names_focus(unit, ev))


def link_findings(units: list[Unit], facts: FactIndex, typed: bool) -> list[Finding]:
    """FOCUS-2: each weekly action that works on another capability than the focus."""
    ev = focus_evidence(facts)
    if ev is None:
        return []
    out = []
    for unit in actions(units, typed):
        reason = _unlinked(unit, ev)
        if reason:
            out.append(
                Finding(
                    detector="FOCUS-2",
                    unit=unit.text,
                    reason=reason,
                    rule=RULE,
                    nearest_fact=ev.describe(),
                )
            )
    return out


def _unlinked(unit: Unit, ev: FocusEvidence) -> str:
    """Why the action does not link to the focus, or "" when it does."""
    cap = classify(unit.text)
    if cap == ev.capability or states_focus_rate(unit, ev):
        return ""
    if cap is None:
        return ""  # no capability keyword: it adds no second focus
    if names_focus(unit, ev) and capability_scores(unit.text)[ev.capability] >= MIXED_MIN:
        return ""  # a mixed action on the focus's own evidence
    return f"this action works on {cap}, not on the focus {ev.capability}"
