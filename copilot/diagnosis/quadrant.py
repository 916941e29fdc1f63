"""The results x desire quadrant (framework section 1), each axis read from evidence.

Results: attainment over the window. Desire: commitments kept, the manager's rating, a
stated goal and sessions attended, scored; too little of it gives `unknown` and a list of
what to collect instead of a guess.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from copilot.diagnosis.schemas import DesireAxis, DesireSignal, Quadrant, ResultsAxis
from copilot.store.tables import Activity, CoachingSession, Commitment, Rep

HIGH_DESIRE = 1.5
LOW_DESIRE = -1.0
SESSION_LOOKBACK_DAYS = 90
PRIORITY: dict[Quadrant, int] = {
    "striver": 1,
    "achiever": 2,
    "independent": 3,
    "detractor": 4,
    "unknown": 5,
}
_QUADRANTS: dict[tuple[str, str], Quadrant] = {
    ("high", "under"): "striver",
    ("high", "strong"): "achiever",
    ("low", "strong"): "independent",
    ("low", "under"): "detractor",
}


def results_axis(rep_id: str, rows: Sequence[Activity], threshold: float) -> ResultsAxis:
    """Attainment against quota over the window's periods (at least two needed)."""
    periods = [r.period for r in rows]
    evidence = [f"activity:{rep_id}:{p}" for p in periods]
    quota = sum(r.quota for r in rows)
    if len(rows) < 2 or quota <= 0:
        rule = f"needs 2+ periods with a quota in the window; found {len(rows)}"
        return ResultsAxis(
            level="unknown", attainment=None, periods=periods, rule=rule, evidence=evidence
        )
    attainment = sum(r.revenue for r in rows) / quota
    level = "strong" if attainment >= threshold else "under"
    rule = f"attainment {attainment:.1%} over {len(rows)} periods; strong at >= {threshold:.0%}"
    return ResultsAxis(
        level=level, attainment=round(attainment, 4), periods=periods, rule=rule, evidence=evidence
    )


def _commitment_signal(commitments: Sequence[Commitment], today: date) -> DesireSignal | None:
    due = [c for c in commitments if c.status != "open" or c.due < today]
    if len(due) < 2:
        return None
    kept = sum(c.status == "done" for c in due)
    ratio = kept / len(due)
    points = 2.0 if ratio >= 2 / 3 else -2.0 if ratio <= 1 / 3 else 0.0
    return DesireSignal(
        signal="commitments kept",
        value=f"{kept} of {len(due)} due commitments done ({ratio:.0%})",
        points=points,
        evidence=[f"commitment:{c.commitment_id}" for c in due],
    )


def _rating_signal(rep: Rep) -> DesireSignal | None:
    if rep.desire_rating is None:
        return None
    return DesireSignal(
        signal="manager rating",
        value=f"{rep.desire_rating}/5",
        points=1.5 * (rep.desire_rating - 3) / 2,
        evidence=[f"rating:{rep.rep_id}"],
    )


def _goal_signal(rep: Rep) -> DesireSignal | None:
    if not rep.goal:
        return None
    return DesireSignal(
        signal="stated goal", value=rep.goal, points=0.5, evidence=[f"goal:{rep.rep_id}"]
    )


def _sessions_signal(sessions: Sequence[CoachingSession], today: date) -> DesireSignal | None:
    since = today - timedelta(days=SESSION_LOOKBACK_DAYS)
    recent = [s for s in sessions if since <= s.date <= today]
    if len(recent) < 2:
        return None
    return DesireSignal(
        signal="sessions attended",
        value=f"{len(recent)} in the last {SESSION_LOOKBACK_DAYS} days",
        points=0.5,
        evidence=[f"session:{s.session_id}" for s in recent],
    )


_MISSING = {
    "commitments kept": "follow-through: dated commitments from two or more sessions",
    "manager rating": "the manager's 1-5 rating of the rep's desire to change",
    "stated goal": "the rep's own development goal, in their words",
}


def desire_axis(
    rep: Rep,
    commitments: Sequence[Commitment],
    sessions: Sequence[CoachingSession],
    today: date,
) -> DesireAxis:
    """Desire to change, scored from behaviour first and the manager's rating second."""
    found = {
        "commitments kept": _commitment_signal(commitments, today),
        "manager rating": _rating_signal(rep),
        "stated goal": _goal_signal(rep),
        "sessions attended": _sessions_signal(sessions, today),
    }
    signals = [s for s in found.values() if s is not None]
    to_collect = [text for name, text in _MISSING.items() if found[name] is None]
    score = round(sum(s.points for s in signals), 3)
    rule = f"high at >= {HIGH_DESIRE}, low at <= {LOW_DESIRE}; needs commitments or a rating"
    grounded = found["commitments kept"] is not None or found["manager rating"] is not None
    level = "unknown"
    if grounded and score >= HIGH_DESIRE:
        level = "high"
    elif grounded and score <= LOW_DESIRE:
        level = "low"
    return DesireAxis(level=level, score=score, rule=rule, signals=signals, to_collect=to_collect)


def quadrant(results: ResultsAxis, desire: DesireAxis) -> Quadrant:
    """The quadrant, or `unknown` when either axis is."""
    return _QUADRANTS.get((desire.level, results.level), "unknown")
