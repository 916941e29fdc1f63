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

Notes are matched case-insensitively, one sentence at a time; the lexicons are below.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Literal

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
SESSION_LOOKBACK_DAYS = 90
NOTE_POINTS = 0.5
NOTE_CAP = 1.0
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

# Resistance shapes (framework section 2, after seed 001), as the notes voice them.
RESISTANCE: dict[str, str] = {
    "it just takes time": r"\bjust takes? (?:time|a while)\b",
    "no time": r"\b(?:no time|(?:don't|do not|doesn't|does not) have (?:the )?time|too busy) for"
    r" (?:this|these|that|it|coaching|(?:the |our |these )?(?:sessions?|1:1s?|one-to-ones?))\b",
    "I don't need coaching": r"\b(?:don't|do not|doesn't|does not) need (?:any |more )?coaching\b"
    r"|\b(?:don't|do not|doesn't|does not) see (?:the point|the need|what there is to coach)"
    r"|\bsees? no need\b|\bnothing to (?:discuss|work on|coach)\b|\bI know how to sell\b"
    r"|\bcoaching\b[^.!?]*?\b(for (?:the )?new (?:starters|hires|joiners|reps))\b",
    "lone wolf": r"\blone wolf\b|\bI work (?:better )?alone\b",
    "you're trying to fix me": r"\btrying to fix me\b",
    "we talk about the same thing every time": r"\bsame (?:thing|conversation|stuff) every time\b",
    "waste of time": r"\bwaste of (?:my |his |her |their |our )?time\b",
    "declines practice": r"\b(?:declined|refused)(?: \w+){0,2} role-?play\b"
    r"|\bnot to (?:a |the )?role-?play\b",
}
_RESISTANCE = {shape: re.compile(rx, re.I) for shape, rx in RESISTANCE.items()}

# A help request has the rep as its subject: "he/she/<first name> asked for|to|whether|if|
# what|how ...", or "<rep> ... and asked ..." in a sentence that opens with the rep. Never "I
# asked" or "Asked him to..." (the manager), "never asked", or "the buyer asked".
_ASKED = r"(?<!never )(?<!\bnot )(?<!n't )\basked (?:me |us )?(?:for|to|whether|if|what|how) \S"
_ADVERB = r"(?: (?:also|then|first|even|later|again))?"

# A cancelled session: these words, in a sentence that names a session (or in the notes of a
# session with no commitments: the record of one that did not happen), unless the sentence
# puts it on the manager.
_CANCELLED = re.compile(
    r"\b(?:cancell?ed|skipped|no-?show|(?:didn't|did not) (?:show|turn up))\b", re.I
)
_SESSION_WORD = re.compile(r"\b(?:sessions?|1:1s?|one-to-ones?|coaching)\b", re.I)
_MANAGER_SIDE = re.compile(
    r"\b(?:my calendar|my side|my fault|I cancell?ed|I had to|I skipped"
    r"|I was (?:at|away|out|off|ill|sick|travell?ing))\b",
    re.I,
)
_SENTENCE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"')\u201d\u2019]))\s+")


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


def _sentences(notes: str) -> list[str]:
    """The notes one sentence at a time, curly apostrophes made straight for the lexicons."""
    notes = notes.replace("\u2019", "'")
    return [s.strip() for s in _SENTENCE.split(notes) if s.strip()]


def voiced_resistance(sentence: str) -> str | None:
    """The resistance a sentence voices, quoted with its shape, or None."""
    sentence = sentence.replace("\u2019", "'")
    for shape, rx in _RESISTANCE.items():
        if m := rx.search(sentence):
            return f'"{m.group(m.lastindex or 0)}" ({shape})'
    return None


def _help_matcher(rep: Rep) -> Callable[[str], bool]:
    """Whether a sentence says the rep asked for help (see `_ASKED`)."""
    first = re.escape(rep.name.split()[0]) if rep.name.split() else "she"
    subject = rf"(?:he|she|{first})"
    direct = re.compile(rf"\b{subject}{_ADVERB} {_ASKED}", re.I)
    joined = re.compile(rf"^{subject}\b[^.;:]*?(?:\band|\bthen|,) {_ASKED}", re.I)

    def match(sentence: str) -> bool:
        return bool(direct.search(sentence) or joined.search(sentence))

    return match


def _cancelled(sentence: str, has_commitments: bool) -> bool:
    if not _CANCELLED.search(sentence) or _MANAGER_SIDE.search(sentence):
        return False
    return not has_commitments or bool(_SESSION_WORD.search(sentence))


def _note_signal(
    signal: str, hits: list[tuple[CoachingSession, str]], sign: float
) -> DesireSignal | None:
    """One signal from the sessions whose notes matched: 0.5 per session, capped at 1."""
    if not hits:
        return None
    sessions = list(dict.fromkeys(s.session_id for s, _ in hits))
    quotes = " / ".join(dict.fromkeys(text for _, text in hits))
    return DesireSignal(
        signal=signal,
        value=f"{len(sessions)} session(s): {quotes}",
        points=sign * min(NOTE_CAP, NOTE_POINTS * len(sessions)),
        evidence=[f"session:{sid}" for sid in sessions],
    )


def _notes_signals(
    rep: Rep,
    sessions: Sequence[CoachingSession],
    commitments: Sequence[Commitment],
    today: date,
) -> dict[str, DesireSignal | None]:
    """Help asked for, sessions cancelled, resistance voiced and sessions attended."""
    with_commitments = {c.session_id for c in commitments}
    asked = _help_matcher(rep)
    helps: list[tuple[CoachingSession, str]] = []
    cancels: list[tuple[CoachingSession, str]] = []
    resists: list[tuple[CoachingSession, str]] = []
    did_not_happen: set[str] = set()
    for s in sorted((s for s in sessions if s.date <= today), key=lambda s: s.date):
        has = s.session_id in with_commitments
        for sentence in _sentences(s.notes):
            if asked(sentence):
                helps.append((s, sentence))
            if _cancelled(sentence, has):
                cancels.append((s, sentence))
                if not has:
                    did_not_happen.add(s.session_id)
            if voiced := voiced_resistance(sentence):
                resists.append((s, voiced))
    since = today - timedelta(days=SESSION_LOOKBACK_DAYS)
    recent = [
        s for s in sessions if since <= s.date <= today and s.session_id not in did_not_happen
    ]
    attended = None
    if len(recent) >= 2:
        attended = DesireSignal(
            signal="sessions attended",
            value=f"{len(recent)} in the last {SESSION_LOOKBACK_DAYS} days",
            points=0.5,
            evidence=[f"session:{s.session_id}" for s in recent],
        )
    return {
        "sessions attended": attended,
        "help asked for": _note_signal("help asked for", helps, 1.0),
        "sessions cancelled": _note_signal("sessions cancelled", cancels, -1.0),
        "resistance voiced": _note_signal("resistance voiced", resists, -1.0),
    }


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
        **_notes_signals(rep, sessions, commitments, today),
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
