"""Turns a diagnosis and a rep's record into cited prompt context, fenced as data."""

from __future__ import annotations

from collections.abc import Sequence

from copilot.diagnosis.schemas import Diagnosis, StageReading
from copilot.diagnosis.stages import calls_for
from copilot.retrieval.packing import ContextItem
from copilot.retrieval.schemas import RetrievedChunk
from copilot.store.tables import Call


def fence(text: str) -> str:
    """Neutralise angle brackets so note text cannot close or open the prompt's <notes> fence."""
    return text.replace("<", "\u2039").replace(">", "\u203a")


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def strongest_stage(d: Diagnosis) -> StageReading | None:
    """The stage where the rep beats the team median by the most (what is working); none when
    the diagnosis abstains, since thin data supports no comparison with the team."""
    if d.abstain:
        return None
    ahead = [
        r
        for r in d.funnel
        if r.rep_rate is not None and r.team_median is not None and r.rep_rate > r.team_median
    ]
    return max(ahead, key=lambda r: (r.rep_rate or 0) - (r.team_median or 0), default=None)


def diagnosis_text(d: Diagnosis) -> str:
    """The diagnosis as short lines, each carrying the evidence ids it rests on."""
    last = d.results.evidence[-1] if d.results.evidence else ""
    lines = [f"Quadrant: {d.quadrant}. Window: {', '.join(d.window)}."]
    if d.results.attainment is not None:
        lines.append(f"Attainment {_pct(d.results.attainment)} of quota [{last}]")
    for s in d.desire.signals:
        lines.append(f"Desire signal: {s.signal}: {s.value} [{', '.join(s.evidence[:3])}]")
    if d.focus:
        lines.append(f"Focus: {d.focus.capability} ({d.focus.stage}). {d.focus.question_family}")
        lines.append(f"Cost of the gap: {d.focus.arithmetic} [{last}]")
    else:
        lines.append(
            f"No focus yet: {d.abstain_reason}. Observe first: {'; '.join(d.observe_first)}"
        )
    if works := strongest_stage(d):
        lines.append(
            f"Working: {works.stage} {_pct(works.rep_rate)} vs team median "
            f"{_pct(works.team_median)} [{last}]"
        )
    for c in d.overdue_commitments:
        lines.append(
            f"Overdue {c.days_overdue} days: {c.text} (due {c.due}) [commitment:{c.commitment_id}]"
        )
    for c in d.open_commitments:
        lines.append(f"Open commitment: {c.text} (due {c.due}) [commitment:{c.commitment_id}]")
    return "\n".join(lines)


def call_text(call: Call) -> str:
    """One call as text: header, summary, and manager notes."""
    parts = [f"{call.date} {call.account} ({call.stage}, {call.source}): {call.summary}"]
    if call.manager_notes:
        parts.append(f"Manager notes: {call.manager_notes}")
    return fence("\n".join(parts))


def context_items(
    d: Diagnosis,
    calls: Sequence[Call],
    chunks: Sequence[RetrievedChunk],
    named_call: Call | None = None,
) -> list[ContextItem]:
    """Must-cite items first (the named call, the calls behind the focus), then retrieved chunks."""
    must: list[Call] = [named_call] if named_call else []
    if d.focus:
        must += [c for c in calls_for(calls, d.focus.capability) if c not in must][:2]
    items = [
        ContextItem(evidence_id=f"call:{c.call_id}", text=call_text(c), must_cite=True)
        for c in must
    ]
    items += [ContextItem(evidence_id=c.evidence_id, text=fence(c.text)) for c in chunks]
    return items
