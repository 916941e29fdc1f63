"""GRD-1 for dates and periods: a past date or month a unit states as fact must be in this rep's
record; a date after the as-of date is a proposal, not a claim; and a proposed date (a
follow-up, a checkpoint, "let's review on ...") must come after the as-of date.

A typed draft's follow-up and checkpoint dates are proposals by their field; in prose a date is
one when its unit sits under a follow-up, checkpoint or next-step label, or its sentence speaks
of the future ("let's review on 2 June", "by 18 December", "we will meet on ...").
"""

from __future__ import annotations

import re
from datetime import date

from copilot.drafting.schemas import AnyDraft, DebriefDraft, PlanDraft
from copilot.guard.closed_world import FactIndex, RepFacts
from copilot.guard.grounding import Grounding, missing_finding
from copilot.guard.mentions import DateMention, dates, periods
from copilot.guard.report import Finding
from copilot.guard.unit import Unit

FUTURE_DAYS = 183
PROPOSAL_RULE = "grd-1: a proposed date (follow-up, checkpoint, plan) comes after the as-of date"
_PROPOSAL_LABEL = re.compile(
    r"follow|checkpoint|next\s+step|deadline|\bdue\b|schedule|review\s+date|calendar", re.I
)
_FUTURE = re.compile(
    r"\b(?:will|shall|let's|let\s+us|going\s+to|plan\s+to|by|until|till|before|next|book|schedule"
    r"|propose|agree\s+on)\b|'ll\b",
    re.I,
)


def _resolve_year(d: DateMention, today: date) -> date | None:
    """The date meant: the written year, else the next FUTURE_DAYS ahead, else this year's."""
    try:
        if d.year is not None:
            return date(d.year, d.month, d.day)
        this_year = date(today.year, d.month, d.day)
        if this_year > today:
            return this_year
        next_year = date(today.year + 1, d.month, d.day)
        return next_year if (next_year - today).days <= FUTURE_DAYS else this_year
    except ValueError:
        return None


def _sentence_before(text: str, at: str) -> str:
    """The sentence a date sits in, up to the date."""
    head = text[: max(text.find(at), 0)]
    return re.split(r"[.!?;]\s", head)[-1]


def proposes(unit: Unit, text: str, written: str) -> bool:
    """Whether the unit proposes the date rather than reports it."""
    if _PROPOSAL_LABEL.search(unit.section):
        return True
    return bool(_FUTURE.search(_sentence_before(text, written)))


def _proposed_too_early(unit: Unit, what: str, when: date, facts: FactIndex) -> Finding:
    return Finding(
        detector="GRD-1",
        unit=unit.text,
        reason=f"{what} is proposed ({when.isoformat()}) but is not after today"
        f" ({facts.as_of.isoformat()}): a follow-up or checkpoint lies ahead",
        rule=PROPOSAL_RULE,
        nearest_fact=f"as of {facts.as_of.isoformat()}",
    )


def check_dates(unit: Unit, facts: FactIndex, out: Grounding) -> None:
    """Dates and YYYY-MM periods of one unit: anchors when in the record, findings when not."""
    text = facts.without_ids(unit.text)
    for d in dates(text):
        if (d.month, d.day) in facts.rep.dates:
            out.anchors.append(d.text)
            continue
        when = _resolve_year(d, facts.as_of)
        if when is None or when > facts.as_of:
            continue  # a date in the future is a plan, not a claim about the record
        holders = [r for r in facts.others.values() if (d.month, d.day) in r.dates]
        if unit.in_character and not holders:
            continue
        what = f"the date '{d.text}'"
        if proposes(unit, text, d.text):
            out.findings.append(_proposed_too_early(unit, what, when, facts))
            continue
        nearest = _nearest_date(when, facts.rep)
        out.findings.append(missing_finding(facts, unit, what, holders, nearest, strong=False))
    month = facts.as_of.strftime("%Y-%m")
    for period in periods(text):
        if period in facts.rep.periods:
            out.anchors.append(period)
        elif period not in facts.diagnosis.window and period < month and not unit.in_character:
            out.findings.append(missing_finding(facts, unit, f"the period {period}", [], None))


def proposal_findings(draft: AnyDraft, facts: FactIndex) -> list[Finding]:
    """A typed draft's own proposed dates (a debrief's follow-up, a plan's checkpoints) come
    after the as-of date.

    A typed plan's checkpoints are set by code for the month asked (the 7th, 14th, 21st and
    the last day), so a plan for the month under way carries past ones the model cannot
    repair: those advise (the one exception to GRD-1 blocking) until the plan is dated ahead.
    """
    out: list[Finding] = []
    if isinstance(draft, DebriefDraft) and draft.follow_up <= facts.as_of:
        what = f"the follow-up {draft.follow_up.isoformat()}"
        out.append(_proposed_too_early(Unit(text=""), what, draft.follow_up, facts))
    if isinstance(draft, PlanDraft):
        out += [
            _proposed_too_early(
                Unit(text=""), f"the checkpoint '{c.what}'", c.date, facts
            ).model_copy(update={"severity": "advisory"})
            for c in draft.checkpoints
            if c.date <= facts.as_of
        ]
    return out


def _nearest_date(when: date, rep: RepFacts) -> str | None:
    def distance(key: tuple[int, int]) -> int:
        return abs((date(when.year, key[0], min(key[1], 28)) - when).days)

    return rep.dates[min(rep.dates, key=distance)] if rep.dates else None
