"""One rep's record read into checkable facts (`RepFacts`): numbers, dates, names, ids and
verbatim text.

Every rep in the database gets one, so the guard can tell a fact that belongs to this rep from
one that leaked in from another rep's record.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from copilot.diagnosis import funnel
from copilot.diagnosis.conversation import measure
from copilot.guard.closed_world import CommitmentFact, InjectionSpan, RepFacts
from copilot.guard.injection import instruction_spans, without_spans
from copilot.guard.names import normal
from copilot.records.transcripts.moments import transcript_end
from copilot.store.database import Store
from copilot.store.tables import Activity, Call, Rep

FIELDS = (*funnel.FIELDS, "quota", "revenue")


def read_record(session: Session, rep: Rep, window: Sequence[str]) -> RepFacts:
    """The facts of one rep's record; `window` names the periods the diagnosis compares."""
    facts = RepFacts(rep.rep_id, rep.name, rep.manager, rep.goal or "")
    for text in (rep.name, rep.manager, rep.role):
        facts.add_text(f"rep:{rep.rep_id}", text)
    # A start date is a fact of the record ("started on 26 January"), like a call's date.
    start = rep.start_date
    facts.dates.setdefault((start.month, start.day), f"rep:{rep.rep_id} started {start}")
    facts.statements.append(f"rep:{rep.rep_id}: {rep.name} started on {start}")
    if rep.goal:
        facts.ids.add(f"goal:{rep.rep_id}")
        facts.add_text(f"goal:{rep.rep_id}", rep.goal)
        facts.statements.append(f"goal:{rep.rep_id}: {rep.goal}")
    if rep.desire_rating is not None:
        facts.ids.add(f"rating:{rep.rep_id}")
        facts.add_number(rep.desire_rating, "value", f"rating:{rep.rep_id}")
    _activity(facts, Store.activity(session, rep.team, [rep.rep_id]), window)
    _calls(facts, session, rep.team)
    _sessions(facts, session, rep.team)
    return facts


def _activity(facts: RepFacts, rows: Sequence[Activity], window: Sequence[str]) -> None:
    for row in rows:
        evidence = f"activity:{facts.rep_id}:{row.period}"
        facts.ids.add(evidence)
        facts.periods.add(row.period)
        totals = {f: float(getattr(row, f)) for f in FIELDS}
        _totals(facts, totals, evidence)
    in_window = [r for r in rows if r.period in window]
    if in_window:
        totals = {f: float(sum(getattr(r, f) for r in in_window)) for f in FIELDS}
        label = f"{facts.rep_id} {in_window[0].period}..{in_window[-1].period}"
        _totals(facts, totals, label)
        # "about A$16,750 short" of quota over the window (not per month: a distance for every
        # month would match too many stray amounts)
        distance = abs(totals["quota"] - totals["revenue"])
        facts.add_number(distance, "value", f"{label} distance to quota {distance:,.0f}")


def _totals(facts: RepFacts, totals: dict[str, float], label: str) -> None:
    for name, value in totals.items():
        facts.add_number(value, "value", f"{label} {name} {value:,.0f}")
    if totals["quota"]:
        attainment = 100 * totals["revenue"] / totals["quota"]
        facts.add_number(
            attainment, "percent", f"{label} attainment {attainment:.1f}%", "attainment"
        )
    for stage, rate in funnel.rates(totals).items():
        if rate is not None:
            facts.add_number(100 * rate, "percent", f"{label} {stage} {100 * rate:.1f}%", stage)


def _calls(facts: RepFacts, session: Session, team: str) -> None:
    for call in Store.calls(session, team, facts.rep_id):
        evidence = f"call:{call.call_id}"
        facts.ids.add(evidence)
        facts.bare_ids.add(call.call_id)
        facts.dates.setdefault((call.date.month, call.date.day), f"{evidence} on {call.date}")
        facts.names.setdefault(normal(call.account), call.account)
        facts.add_text(evidence, call.account)
        for name in ("summary", "transcript", "manager_notes"):
            text = getattr(call, name) or ""
            spans = instruction_spans(text)
            facts.injections += [InjectionSpan(evidence, s) for s in spans]
            facts.add_text(evidence, without_spans(text, spans))
        if (end := transcript_end(call.transcript)) is not None:
            facts.call_ends[evidence] = end
        _measures(facts, call)
        summary = without_spans(call.summary, instruction_spans(call.summary))
        facts.statements.append(f"{evidence} ({call.date}, {call.account}): {summary}")


def _measures(facts: RepFacts, call: Call) -> None:
    """The transcript's measures, so a draft's "you spoke 71%" is checked like any number."""
    m = measure(call, facts.name)
    if m is None or not m.timed:  # untimed transcripts' word counts stay out of the closed world
        return
    label = f"call:{call.call_id}"
    facts.add_number(m.rep_talk_share, "percent", f"{label} rep talk share {m.rep_talk_share}%")
    facts.add_number(m.questions, "value", f"{label} questions asked {m.questions}")
    facts.add_number(m.open_questions, "value", f"{label} open questions {m.open_questions}")
    facts.add_number(m.longest_monologue_s, "value", f"{label} longest monologue (s)")
    facts.add_number(m.rep_words_first_30s, "value", f"{label} rep words in the first 30 s")


def _sessions(facts: RepFacts, session: Session, team: str) -> None:
    for s in Store.coaching_sessions(session, team, facts.rep_id):
        evidence = f"session:{s.session_id}"
        facts.ids.add(evidence)
        facts.bare_ids.add(s.session_id)
        facts.dates.setdefault((s.date.month, s.date.day), f"{evidence} on {s.date}")
        spans = instruction_spans(s.notes)
        facts.injections += [InjectionSpan(evidence, span) for span in spans]
        notes = without_spans(s.notes, spans)
        facts.add_text(evidence, s.focus)
        facts.add_text(evidence, notes)
        facts.statements.append(f"{evidence} ({s.date}, {s.focus}): {notes}")
    for c in Store.commitments(session, team, facts.rep_id):
        evidence = f"commitment:{c.commitment_id}"
        facts.ids.add(evidence)
        facts.bare_ids.add(c.commitment_id)
        facts.dates.setdefault((c.due.month, c.due.day), f"{evidence} due {c.due}")
        facts.commitments[c.commitment_id] = CommitmentFact(c.status, c.due)
        facts.add_text(evidence, c.text)
        facts.statements.append(f"{evidence} (due {c.due}, {c.status}): {c.text}")
