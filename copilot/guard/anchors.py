"""GEN-2: the share of units that carry an anchor from this rep's record, against a floor.

An anchor is written in the unit and verifies: a number, date, name, id or quote (from
GRD-1/2), a phrase of the rep's own goal, or a distinctive phrase of the record.
"""

from __future__ import annotations

import re
from itertools import pairwise

from copilot.drafting.schemas import DraftKind
from copilot.guard.ask import manager_lines
from copilot.guard.claims import nearest_statement
from copilot.guard.closed_world import FactIndex
from copilot.guard.grounding import Grounding
from copilot.guard.names import COMMON, normal
from copilot.guard.report import Finding
from copilot.guard.speech import QUESTIONS, acts
from copilot.guard.unit import Unit

FLOORS: dict[str, float] = {"questions": 0.75, "debrief": 0.5, "plan": 0.6}
DEFAULT_FLOOR = 0.5
RECORD_NGRAM = 4
_PLAN_UNSCORED = re.compile(r"park|checkpoint|manager|commit|focus", re.I)
_TYPED_PLAN = {"why", "goal_link", "weekly_actions"}


def scored_units(units: list[Unit], kind: DraftKind, typed: bool) -> list[Unit]:
    """The units the anchor rate is computed over, per kind."""
    if kind == "debrief":
        return [u for u in manager_lines(units) if not u.in_character]
    spoken = [u for u in units if not u.in_character]
    if kind == "questions" and not typed:
        asked = [u for u in spoken if any(a in QUESTIONS for _, a in acts(u.text))]
        return asked or spoken
    if kind == "plan":
        if typed:
            return [u for u in spoken if u.section in _TYPED_PLAN]
        return [u for u in spoken if not _PLAN_UNSCORED.search(u.label)]
    return spoken


def phrase_anchors(unit: Unit, facts: FactIndex) -> list[str]:
    """A two-word phrase of the rep's goal, or a distinctive four-word phrase of the record."""
    words = normal(unit.text).split()
    goal = normal(facts.rep.goal).split()
    goal_pairs = {f"{a} {b}" for a, b in pairwise(goal) if a not in COMMON and b not in COMMON}
    found = [p for a, b in pairwise(words) if (p := f"{a} {b}") in goal_pairs]
    for i in range(len(words) - RECORD_NGRAM + 1):
        gram = words[i : i + RECORD_NGRAM]
        if sum(w not in COMMON for w in gram) >= 2 and f" {' '.join(gram)} " in facts.rep.corpus:
            found.append(" ".join(gram))
    return found


def anchor_findings(
    units: list[Unit],
    kind: DraftKind,
    typed: bool,
    grounding: dict[int, Grounding],
    facts: FactIndex,
) -> tuple[list[Finding], float]:
    """GEN-2 findings (one per unanchored unit when the rate is under the floor) and the rate."""
    scored = scored_units(units, kind, typed)
    floor = FLOORS.get(kind, DEFAULT_FLOOR)
    rule = f"gen-2: grounded-anchor rate >= {floor} for {kind}"
    if not scored:
        return [
            Finding(detector="GEN-2", unit="", reason="the draft has no units to check", rule=rule)
        ], 0.0
    bare = [u for u in scored if not grounding[id(u)].anchors and not phrase_anchors(u, facts)]
    rate = round(1 - len(bare) / len(scored), 3)
    if rate >= floor:
        return [], rate
    fallback = facts.diagnosis.focus.arithmetic if facts.diagnosis.focus else None
    return [
        Finding(
            detector="GEN-2",
            unit=u.text,
            reason=f"no grounded anchor (number, date, name, id or quote from this rep's record);"
            f" anchor rate {rate:.2f} is under {floor}",
            rule=rule,
            nearest_fact=nearest_statement(u.text, facts.rep) or fallback,
        )
        for u in bare
    ], rate
