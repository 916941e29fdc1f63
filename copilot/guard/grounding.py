"""What grounding one unit yields: its verified anchors and its findings, and the finding for a
claim the rep's record lacks (a LEAK when another rep's record holds it)."""

from __future__ import annotations

from dataclasses import dataclass, field

from copilot.guard.closed_world import FactIndex, RepFacts
from copilot.guard.report import Finding
from copilot.guard.unit import Unit

RULE = "grd-1: every asserted number, date and name exists in this rep's record"


@dataclass
class Grounding:
    """What one unit asserts that verified (its anchors) and what did not (findings)."""

    anchors: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def missing_finding(
    facts: FactIndex,
    unit: Unit,
    what: str,
    holders: list[RepFacts],
    nearest: str | None,
    *,
    strong: bool = True,
    detector: str = "GRD-1",
    rule: str = RULE,
) -> Finding:
    """A GRD-1 finding; a leak when another rep's record holds it (names, quotes: for sure)."""
    rep = facts.rep.name
    reason = f"{what} is not in {rep}'s record"
    if holders and strong:
        reason = f"LEAK: {what} is not in {rep}'s record but is in {facts.holders(holders)}'s"
    elif holders:
        reason += f"; the same value is in {facts.holders(holders)}'s record (a possible leak)"
    else:
        reason += " (ungrounded or invented)"
    return Finding(
        detector=detector, unit=unit.text, reason=reason, rule=rule, nearest_fact=nearest
    )
