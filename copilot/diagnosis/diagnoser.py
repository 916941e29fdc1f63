"""Deterministic diagnosis: quadrant, funnel gaps against the team, one focus or abstention.

No model is involved: every number here is recomputable from the rep's record, and every
conclusion lists the evidence ids it rests on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from copilot.diagnosis import funnel
from copilot.diagnosis.conversation import call_measures
from copilot.diagnosis.quadrant import PRIORITY, desire_axis, quadrant, results_axis
from copilot.diagnosis.schemas import CommitmentView, Diagnosis, Focus, StageReading
from copilot.diagnosis.stages import calls_for
from copilot.settings import Settings
from copilot.store.database import Store
from copilot.store.tables import Activity, Call, Commitment, Rep

MIN_PERIODS = 2


@dataclass(frozen=True)
class TeamContext:
    """What every rep of a team is measured against."""

    window: list[str]
    rows: dict[str, list[Activity]]
    bench: dict[str, funnel.Benchmark]
    avg_deal: float


def _totals(rows: Sequence[Activity]) -> dict[str, float]:
    return {f: float(sum(getattr(r, f) for r in rows)) for f in (*funnel.FIELDS, "revenue")}


def team_context(session: Session, team: str, settings: Settings) -> TeamContext:
    """The team's window (its latest periods), benchmarks and average deal."""
    reps = Store.reps(session, team)
    activity = Store.activity(session, team, [r.rep_id for r in reps])
    window = sorted({a.period for a in activity})[-settings.window_periods :]
    rows: dict[str, list[Activity]] = {r.rep_id: [] for r in reps}
    for a in activity:
        if a.period in window:
            rows[a.rep_id].append(a)
    judged = [_totals(r) for r in rows.values() if len(r) >= MIN_PERIODS]
    bench = funnel.benchmarks(funnel.rates(t) for t in judged)
    wins = sum(t["wins"] for t in judged)
    avg_deal = sum(t["revenue"] for t in judged) / wins if wins else 0.0
    return TeamContext(window, rows, bench, avg_deal)


def _commitment_views(commitments: Sequence[Commitment], today: date) -> list[CommitmentView]:
    return [
        CommitmentView(
            commitment_id=c.commitment_id,
            session_id=c.session_id,
            text=c.text,
            due=c.due,
            status="open",
            overdue=c.due < today,
            days_overdue=max(0, (today - c.due).days),
        )
        for c in commitments
        if c.status == "open"
    ]


def _focus(
    rows: list[Activity], ctx: TeamContext, settings: Settings
) -> tuple[list[StageReading], StageReading | None, funnel.Basis]:
    totals = _totals(rows)
    deal = totals["revenue"] / totals["wins"] if totals["wins"] else ctx.avg_deal
    for basis in ("team_median", "stretch_p75"):
        stage_readings = funnel.readings(totals, ctx.bench, basis, settings.min_stage_volume, deal)
        chosen = funnel.costliest(stage_readings)
        if chosen is not None:
            return stage_readings, chosen, basis
    return (
        funnel.readings(totals, ctx.bench, "team_median", settings.min_stage_volume, deal),
        None,
        "team_median",
    )


THIN_DATA_OBSERVE = [
    "listen to two of the rep's live calls (a first call and a discovery call) before naming a gap",
    "wait for a second full month of activity before comparing conversion rates",
]
NO_GAP_OBSERVE = ["ask the rep where they want to grow next; observe one call at that stage"]


@dataclass(frozen=True)
class _Verdict:
    """The focus, or why there is none and what to observe first; plus evidence gaps."""

    focus: Focus | None
    abstain_reason: str | None
    observe_first: list[str]
    gaps: list[str]


def _verdict(
    rows: list[Activity],
    chosen: StageReading | None,
    *,
    basis: funnel.Basis,
    calls: Sequence[Call],
    results_evidence: list[str],
    window: list[str],
) -> _Verdict:
    if len(rows) < MIN_PERIODS:
        reason = f"thin data: {len(rows)} period(s) of activity in the window {', '.join(window)}"
        return _Verdict(None, reason, THIN_DATA_OBSERVE, [])
    if chosen is None:
        reason = "no gap in the numbers: at or above the team on every stage with enough volume"
        return _Verdict(None, reason, NO_GAP_OBSERVE, [])
    stage = funnel.STAGE_BY_CAPABILITY[chosen.capability]
    support = calls_for(calls, chosen.capability)
    gaps = []
    if not any(c.source in {"observed", "recorded"} for c in support):
        gaps.append(f"no observed or recorded call shows this stage: {stage.observe}")
    focus = Focus(
        capability=chosen.capability,
        stage=chosen.stage,
        basis=basis,
        lost_wins=chosen.lost_wins,
        lost_revenue=chosen.lost_revenue,
        arithmetic=chosen.arithmetic,
        question_family=stage.question,
        evidence=[*results_evidence, *(f"call:{c.call_id}" for c in support)],
    )
    return _Verdict(focus, None, [], gaps)


def diagnose(
    rep: Rep, session: Session, ctx: TeamContext, settings: Settings, today: date
) -> Diagnosis:
    """The diagnosis of one rep against its team context."""
    rows = ctx.rows.get(rep.rep_id, [])
    commitments = Store.commitments(session, rep.team, rep.rep_id)
    results = results_axis(rep.rep_id, rows, settings.strong_attainment)
    sessions = Store.coaching_sessions(session, rep.team, rep.rep_id)
    desire = desire_axis(rep, commitments, sessions, today)
    stage_readings, chosen, basis = _focus(rows, ctx, settings)
    calls = Store.calls(session, rep.team, rep.rep_id)
    v = _verdict(
        rows, chosen, basis=basis, calls=calls, results_evidence=results.evidence, window=ctx.window
    )
    views = _commitment_views(commitments, today)
    evidence = [*results.evidence, *(e for s in desire.signals for e in s.evidence)]
    evidence += v.focus.evidence if v.focus else []
    evidence += [f"commitment:{c.commitment_id}" for c in views]
    q = quadrant(results, desire)
    return Diagnosis(
        rep_id=rep.rep_id,
        name=rep.name,
        team=rep.team,
        as_of=today,
        window=ctx.window,
        quadrant=q,
        priority=PRIORITY[q],
        results=results,
        desire=desire,
        funnel=stage_readings,
        focus=v.focus,
        abstain=v.focus is None,
        abstain_reason=v.abstain_reason,
        observe_first=v.observe_first,
        evidence_gaps=[*desire.to_collect, *v.gaps],
        open_commitments=[c for c in views if not c.overdue],
        overdue_commitments=[c for c in views if c.overdue],
        evidence=list(dict.fromkeys(evidence)),
        conversation=call_measures(calls, rep.name),  # transcript measures, each with its ids
    )


def priority_key(d: Diagnosis) -> tuple[int, float, str]:
    """Coaching-priority order: quadrant first, then the wins at stake."""
    return (d.priority, -(d.focus.lost_wins if d.focus else 0.0), d.rep_id)


class Diagnoser:
    """Diagnoses reps from the store, one team context per team."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    def rep(self, rep_id: str, team: str | None = None) -> Diagnosis:
        """One rep's diagnosis; a rep outside `team` is not found (without one: the only rep
        with this id, see `Store.rep`)."""
        today = self.settings.today()
        with self.store.sessions() as session:
            rep = self.store.rep(session, rep_id, team)
            ctx = team_context(session, rep.team, self.settings)
            return diagnose(rep, session, ctx, self.settings, today)

    def team(self, team: str | None = None) -> list[Diagnosis]:
        """Every rep of a team (or of all teams), in coaching-priority order."""
        today = self.settings.today()
        out: list[Diagnosis] = []
        with self.store.sessions() as session:
            teams = [team] if team else Store.teams(session)
            for name in teams:
                ctx = team_context(session, name, self.settings)
                out += [
                    diagnose(r, session, ctx, self.settings, today)
                    for r in Store.reps(session, name)
                ]
        return sorted(out, key=priority_key)
