"""GRD-1 for dates and periods: a past date or month a unit asserts must be in this rep's record;
a future one is a plan, not a claim."""

from __future__ import annotations

from datetime import date

from copilot.guard.closed_world import FactIndex, RepFacts
from copilot.guard.grounding import Grounding, missing_finding
from copilot.guard.mentions import DateMention, dates, periods
from copilot.guard.unit import Unit

FUTURE_DAYS = 183


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


def check_dates(unit: Unit, facts: FactIndex, out: Grounding) -> None:
    """Dates and YYYY-MM periods of one unit: anchors when in the record, findings when not."""
    for d in dates(unit.text):
        if (d.month, d.day) in facts.rep.dates:
            out.anchors.append(d.text)
            continue
        when = _resolve_year(d, facts.as_of)
        if when is None or when > facts.as_of:
            continue  # a date in the future is a plan, not a claim about the record
        holders = [r for r in facts.others.values() if (d.month, d.day) in r.dates]
        if unit.in_character and not holders:
            continue
        nearest = _nearest_date(when, facts.rep)
        what = f"the date '{d.text}'"
        out.findings.append(missing_finding(facts, unit, what, holders, nearest, strong=False))
    month = facts.as_of.strftime("%Y-%m")
    for period in periods(unit.text):
        if period in facts.rep.periods:
            out.anchors.append(period)
        elif period not in facts.diagnosis.window and period < month and not unit.in_character:
            out.findings.append(missing_finding(facts, unit, f"the period {period}", [], None))


def _nearest_date(when: date, rep: RepFacts) -> str | None:
    def distance(key: tuple[int, int]) -> int:
        return abs((date(when.year, key[0], min(key[1], 28)) - when).days)

    return rep.dates[min(rep.dates, key=distance)] if rep.dates else None
