"""The results x desire quadrant (framework section 1), each axis read from evidence.

Results: attainment over the window (two or more periods), strong at the threshold. The
window's attainment and each period's are listed for the level or against it (for an
`unknown` level: `for` holds the periods at or over quota, `against` those under).

Desire, as the framework reads it: the manager places each rep, so the manager's 1-5 rating
is the primary reading (4-5 high, 1-2 low, 3 neutral). The record corroborates or contradicts
it. Its signals, in points (+ points high, - points low):

- commitments: of the due ones (done, dropped, or open past their due date), with two or
  more +2 when >= 2/3 were done, -2 when <= 1/3, 0 between; a single due one +1 done, -1 not;
- a stated goal (reps.csv `goal`) +0.5;
- two or more sessions attended in the last 90 days +0.5;
- help asked for: +0.5 per session whose notes say the rep asked (`_ASKED`), at most +1;
- sessions cancelled or skipped: -0.5 per session whose notes say so (`_CANCELLED`), at most -1;
- resistance voiced: -0.5 per session whose notes carry one of `RESISTANCE`'s shapes, at most -1.

The level:

- rating 4-5: high, unless the record's points against it (its negative points) reach
  `CONFLICT` (2.0): then unknown, conflicting signals. Most due commitments missed or dropped
  is a conflict on its own;
- rating 1-2: low, unless the record's points for high reach `CONFLICT`: unknown, conflicting;
- rating 3 or none: the record decides, high at >= `HIGH_DESIRE`, low at <= `LOW_DESIRE`. With
  no rating the record needs two or more due commitments; otherwise desire is unknown (too
  little record) and `to_collect` says what to gather.

Notes are matched case-insensitively, one sentence at a time (`notes.py` holds the lexicons).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal

from copilot.diagnosis.notes import notes_signals
from copilot.diagnosis.schemas import (
    AxisEvidence,
    DesireAxis,
    DesireSignal,
    Quadrant,
    RatingReading,
    ResultsAxis,
)
from copilot.store.tables import Activity, CoachingSession, Commitment, Rep

Level = Literal["high", "low", "unknown"]
HIGH_DESIRE = 1.5
LOW_DESIRE = -1.0
CONFLICT = 2.0
MIN_DUE = 2
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


def _period_evidence(rep_id: str, row: Activity, threshold: float) -> AxisEvidence:
    ratio = row.revenue / row.quota
    return AxisEvidence(
        signal=f"attainment {row.period}",
        value=f"{ratio:.1%} of quota",
        points_to="strong" if ratio >= threshold else "under",
        evidence=[f"activity:{rep_id}:{row.period}"],
    )


def results_axis(rep_id: str, rows: Sequence[Activity], threshold: float) -> ResultsAxis:
    """Attainment against quota over the window's periods (at least two needed)."""
    periods = [r.period for r in rows]
    evidence = [f"activity:{rep_id}:{p}" for p in periods]
    quota = sum(r.quota for r in rows)
    months = [_period_evidence(rep_id, r, threshold) for r in rows if r.quota > 0]
    if len(rows) < 2 or quota <= 0:
        rule = f"needs 2+ periods with a quota in the window; found {len(rows)}"
        return ResultsAxis(
            level="unknown",
            attainment=None,
            periods=periods,
            rule=rule,
            evidence=evidence,
            for_=[m for m in months if m.points_to == "strong"],
            against=[m for m in months if m.points_to == "under"],
        )
    attainment = sum(r.revenue for r in rows) / quota
    level = "strong" if attainment >= threshold else "under"
    rule = f"attainment {attainment:.1%} over {len(rows)} periods; strong at >= {threshold:.0%}"
    overall = AxisEvidence(
        signal="attainment over the window",
        value=f"{attainment:.1%} of quota over {len(rows)} periods",
        points_to=level,
        evidence=evidence,
    )
    return ResultsAxis(
        level=level,
        attainment=round(attainment, 4),
        periods=periods,
        rule=rule,
        evidence=evidence,
        for_=[overall, *(m for m in months if m.points_to == level)],
        against=[m for m in months if m.points_to != level],
    )


def _due(commitments: Sequence[Commitment], today: date) -> list[Commitment]:
    """Commitments whose outcome is known: done, dropped, or open past their due date."""
    return [c for c in commitments if c.status != "open" or c.due < today]


def _commitment_signal(commitments: Sequence[Commitment], today: date) -> DesireSignal | None:
    due = _due(commitments, today)
    if not due:
        return None
    kept = sum(c.status == "done" for c in due)
    ratio = kept / len(due)
    if len(due) == 1:
        points = 1.0 if kept else -1.0
    else:
        points = 2.0 if ratio >= 2 / 3 else -2.0 if ratio <= 1 / 3 else 0.0
    return DesireSignal(
        signal="commitments kept",
        value=f"{kept} of {len(due)} due commitments done ({ratio:.0%})",
        points=points,
        evidence=[f"commitment:{c.commitment_id}" for c in due],
    )


def _rating_reading(rep: Rep) -> RatingReading:
    if rep.desire_rating is None:
        return "none"
    return "high" if rep.desire_rating >= 4 else "low" if rep.desire_rating <= 2 else "neutral"


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


_MISSING = {
    "commitments kept": "follow-through: dated commitments from two or more sessions",
    "manager rating": "the manager's 1-5 rating of the rep's desire to change",
    "stated goal": "the rep's own development goal, in their words",
}
RULE = (
    f"the manager's rating leads (4-5 high, 1-2 low); a record with >= {CONFLICT} points the"
    f" other way makes it unknown (conflict). Rating 3 or none: the record decides, high at"
    f" >= {HIGH_DESIRE}, low at <= {LOW_DESIRE}; unrated needs {MIN_DUE}+ due commitments"
)


def _level(
    reading: RatingReading, record: Sequence[DesireSignal], due: int, rating: str
) -> tuple[Level, bool, str]:
    """The level, whether the signals conflict, and why."""
    ups = sum(s.points for s in record if s.points > 0)
    downs = -sum(s.points for s in record if s.points < 0)
    net = ups - downs
    if reading in ("high", "low"):
        other = "low" if reading == "high" else "high"
        contra = downs if reading == "high" else ups
        if contra >= CONFLICT:
            why = (
                f"rating {rating} reads {reading}, but the record points {other}"
                f" ({contra:.1f} points; conflict at >= {CONFLICT}): conflicting signals"
            )
            return "unknown", True, why
        return (
            reading,
            False,
            (
                f"rating {rating} reads {reading}; the record does not contradict it"
                f" ({contra:.1f} points {other}; conflict at >= {CONFLICT})"
            ),
        )
    lead = f"rating {rating} is neutral" if reading == "neutral" else "no rating"
    if reading == "none" and due < MIN_DUE:
        return (
            "unknown",
            False,
            (f"no rating and too little record: {due} due commitment(s), {MIN_DUE} needed"),
        )
    level: Level = "high" if net >= HIGH_DESIRE else "low" if net <= LOW_DESIRE else "unknown"
    verdict = "mixed" if level == "unknown" else level
    return (
        level,
        False,
        (
            f"{lead}; the record decides: {net:+.2f}, {verdict}"
            f" (high at >= {HIGH_DESIRE}, low at <= {LOW_DESIRE})"
        ),
    )


def _for_against(
    level: str,
    reading: RatingReading,
    signals: Sequence[DesireSignal],
    commitments: Sequence[Commitment],
    today: date,
) -> tuple[list[AxisEvidence], list[AxisEvidence]]:
    """Evidence for the level and against it (for `unknown`: what points high, what low)."""
    items: list[AxisEvidence] = []
    for s in signals:
        if s.signal == "commitments kept":
            continue
        if s.signal == "manager rating":
            if reading not in ("high", "low"):
                continue
            points_to = reading
        else:
            points_to = "high" if s.points > 0 else "low"
        items.append(
            AxisEvidence(signal=s.signal, value=s.value, points_to=points_to, evidence=s.evidence)
        )
    due = _due(commitments, today)
    kept = [c for c in due if c.status == "done"]
    missed = [c for c in due if c.status != "done"]
    if kept:
        items.append(
            AxisEvidence(
                signal="commitments kept",
                value=f"{len(kept)} of {len(due)} due done",
                points_to="high",
                evidence=[f"commitment:{c.commitment_id}" for c in kept],
            )
        )
    if missed:
        how = ", ".join(
            f"{c.commitment_id} {'dropped' if c.status == 'dropped' else 'missed'}" for c in missed
        )
        items.append(
            AxisEvidence(
                signal="commitments missed or dropped",
                value=f"{len(missed)} of {len(due)} due: {how}",
                points_to="low",
                evidence=[f"commitment:{c.commitment_id}" for c in missed],
            )
        )
    side = "low" if level == "low" else "high"
    return [i for i in items if i.points_to == side], [i for i in items if i.points_to != side]


def desire_axis(
    rep: Rep,
    commitments: Sequence[Commitment],
    sessions: Sequence[CoachingSession],
    today: date,
) -> DesireAxis:
    """Desire to change: the manager's rating first, corroborated or contradicted by the record."""
    found = {
        "commitments kept": _commitment_signal(commitments, today),
        "manager rating": _rating_signal(rep),
        "stated goal": _goal_signal(rep),
        **notes_signals(rep, sessions, commitments, today),
    }
    signals = [s for s in found.values() if s is not None]
    record = [s for name, s in found.items() if s is not None and name != "manager rating"]
    reading = _rating_reading(rep)
    rating = f"{rep.desire_rating}/5"
    due = len(_due(commitments, today))
    level, conflict, reason = _level(reading, record, due, rating)
    missing = {n: found[n] is None for n in _MISSING} | {"commitments kept": due < MIN_DUE}
    to_collect = [text for name, text in _MISSING.items() if missing[name]]
    if conflict:
        to_collect.insert(
            0,
            f"what settles the conflict between the rating ({rating}) and the record:"
            " the next dated commitment's outcome, and the rep's own account of the misses",
        )
    for_, against = _for_against(level, reading, signals, commitments, today)
    return DesireAxis(
        level=level,
        score=round(sum(s.points for s in signals), 3),
        rule=RULE,
        signals=signals,
        to_collect=to_collect,
        rating_reading=reading,
        record_score=round(sum(s.points for s in record), 3),
        conflict=conflict,
        reason=reason,
        for_=for_,
        against=against,
    )


def quadrant(results: ResultsAxis, desire: DesireAxis) -> Quadrant:
    """The quadrant, or `unknown` when either axis is."""
    return _QUADRANTS.get((desire.level, results.level), "unknown")
